//! The team's settings where the sources leave room: the day the 13-week clock starts
//! (the care plan, or the assessment) and KPI 3's "tested" window. Each at its edges
//! with today passed in, through every rule that depends on it, and stated in the
//! return's definitions with its value.

use std::process::Command;

use caseload::config::{Settings, parse};
use caseload::domain::clock::{ClockStart, RetentionBand, Stage, clock, retention_band};
use caseload::domain::kpi::{self, EpisodeFacts, Inputs, Ratio, Rules};
use caseload::domain::model::{ExitReason, ReferralSource};
use caseload::domain::period::Period;
use caseload::domain::status::next_key_date;
use caseload::domain::triage::{Detail, TriageConfig, queue};
use caseload::report::{self, ReportOptions, render};
use chrono::NaiveDate;

use crate::common::{at, date, demo_store};
use crate::triage::{ago, nine_thirty, settled};

use ClockStart::{Assessment, CarePlan};

fn day(text: Option<&str>) -> Option<NaiveDate> {
    text.map(date)
}

#[test]
fn the_clock_starts_at_the_care_plan_or_where_the_team_says_at_the_assessment() {
    // (rule, DIR, care plan) -> day 0.
    let cases = [
        (
            CarePlan,
            Some("2024-01-01"),
            Some("2024-01-10"),
            Some("2024-01-10"),
        ),
        (
            Assessment,
            Some("2024-01-01"),
            Some("2024-01-10"),
            Some("2024-01-01"),
        ),
        // A DIR after the care plan: the client was on the caseload first.
        (
            Assessment,
            Some("2024-02-01"),
            Some("2024-01-10"),
            Some("2024-01-10"),
        ),
        // Aftercare without a DIR: the care plan.
        (Assessment, None, Some("2024-01-10"), Some("2024-01-10")),
        // No care plan: not on the caseload, so no clock, whatever the rule.
        (Assessment, Some("2024-01-01"), None, None),
        (CarePlan, Some("2024-01-01"), None, None),
    ];
    for (rule, dir, plan, start) in cases {
        assert_eq!(
            rule.of(day(dir), day(plan)),
            day(start),
            "{rule:?} {dir:?} {plan:?}"
        );
    }
}

#[test]
fn days_90_91_92_fall_from_the_chosen_start_across_leap_and_common_years() {
    // DIR ten days before the care plan. Leap: care plan 01/12/2023, so day 90 is
    // 29/02/2024 (30 + 31 + 29 days), 91 is 01/03 and 92 is 02/03; the DIR of
    // 21/11/2023 reaches day 91 ten days sooner, on 20/02/2024. Common year: care plan
    // 01/12/2022, so 28/02/2023 is day 89 and 02/03/2023 day 91.
    use Stage::{Approaching, Due, Overdue};
    let leap = ("2023-11-21", "2023-12-01");
    let common = ("2022-11-21", "2022-12-01");
    let cases = [
        (leap, CarePlan, "2024-02-29", 90, Approaching),
        (leap, CarePlan, "2024-03-01", 91, Due),
        (leap, CarePlan, "2024-03-02", 92, Overdue),
        (leap, Assessment, "2024-02-19", 90, Approaching),
        (leap, Assessment, "2024-02-20", 91, Due),
        (leap, Assessment, "2024-02-21", 92, Overdue),
        (leap, Assessment, "2024-03-01", 101, Overdue),
        (common, CarePlan, "2023-02-28", 89, Approaching),
        (common, CarePlan, "2023-03-01", 90, Approaching),
        (common, CarePlan, "2023-03-02", 91, Due),
        (common, CarePlan, "2023-03-03", 92, Overdue),
        (common, Assessment, "2023-02-20", 91, Due),
    ];
    for ((dir, plan), rule, today, expected_day, stage) in cases {
        let start = rule.of(Some(date(dir)), Some(date(plan))).unwrap();
        let c = clock(start, None, date(today)).unwrap();
        assert_eq!(
            (c.day, c.stage),
            (expected_day, stage),
            "{rule:?} on {today}"
        );
        assert_eq!(c.week, expected_day / 7 + 1);
    }
    // The benchmark date: 01/03/2024 after a leap day, 02/03/2023 without one.
    let benchmark = |plan: &str| clock(date(plan), None, date(plan)).unwrap().benchmark_date;
    assert_eq!(benchmark("2023-12-01"), date("2024-03-01"));
    assert_eq!(benchmark("2022-12-01"), date("2023-03-02"));
}

#[test]
fn retention_bands_count_whole_weeks_from_the_chosen_start() {
    // Care plan 01/12/2023, DIR 21/11/2023, closed 22/02/2024: 83 days (11 weeks) from
    // the care plan, 93 days (13 weeks) from the DIR.
    let (dir, plan, closed) = (date("2023-11-21"), date("2023-12-01"), date("2024-02-22"));
    let band = |rule: ClockStart| retention_band(rule.of(Some(dir), Some(plan)).unwrap(), closed);
    assert_eq!(band(CarePlan), RetentionBand::UpTo11Weeks);
    assert_eq!(band(Assessment), RetentionBand::From12To23Weeks);
}

#[test]
fn today_lists_the_benchmark_from_the_chosen_start() {
    // DIR 92 days ago, care plan 80 days ago, no exit plan: from the care plan it is day
    // 80 (an exit plan is due from day 77); from the DIR it is day 92, past 13 weeks.
    let mut row = settled(1);
    row.episode.referral_date = Some(ago(100));
    row.episode.assessment_date = Some(ago(92));
    row.episode.care_plan_date = Some(ago(80));
    let under = |rule| {
        let cfg = TriageConfig {
            clock_starts: rule,
            ..TriageConfig::default()
        };
        queue(std::slice::from_ref(&row), &[], nine_thirty(), &cfg)
            .iter()
            .map(|i| i.detail)
            .collect::<Vec<_>>()
    };
    assert_eq!(under(CarePlan), vec![Detail::NoExitPlan { day: 80 }]);
    assert_eq!(under(Assessment), vec![Detail::PastBenchmark { day: 92 }]);
    // The Caseload's next key date: the benchmark 91 days after the start, while ahead.
    row.episode.assessment_date = Some(ago(85));
    let today = nine_thirty().date();
    assert_eq!(
        next_key_date(&row, today, CarePlan),
        Some(("13 weeks", ago(80) + chrono::Days::new(91)))
    );
    assert_eq!(
        next_key_date(&row, today, Assessment),
        Some(("13 weeks", ago(85) + chrono::Days::new(91)))
    );
}

#[test]
fn the_team_setting_reaches_the_today_queue_of_the_running_app() {
    // On the demo, counting from the DIR can only bring day 92 sooner: more clients are
    // past 13 weeks, none fewer.
    let (_dir, store) = demo_store();
    let past = |rule| {
        let settings = Settings {
            triage: TriageConfig {
                clock_starts: rule,
                ..TriageConfig::default()
            },
            ..Settings::default()
        };
        let app = caseload::tui::initial_app(
            &store,
            crate::ui::lead_session(&store),
            &settings,
            at("2026-11-23 09:30"),
            (120, 40),
        )
        .unwrap();
        app.data()
            .today
            .iter()
            .filter(|i| matches!(i.detail, Detail::PastBenchmark { .. }))
            .count()
    };
    assert!(past(Assessment) > past(CarePlan));
}

/// 2014-15 Q3: 1 October - 31 December 2014.
fn q3() -> Period {
    Period::parse("2014-15:Q3").unwrap()
}

fn episode(referral: &str, source: ReferralSource) -> EpisodeFacts {
    crate::report::episode(1, referral, source)
}

fn world(episodes: Vec<EpisodeFacts>) -> Inputs {
    Inputs {
        areas: vec![caseload::domain::model::Area {
            id: 1,
            name: "Newport".into(),
            intensive: true,
        }],
        episodes,
        ..Inputs::default()
    }
}

#[test]
fn the_returns_retention_bands_follow_the_setting() {
    // Referred 01/07/2014, DIR 10/07, care plan 20/07, closed in Q3 on 09/10/2014: 81
    // days (11 weeks) from the care plan, 91 days (13 weeks) from the DIR.
    let closed = EpisodeFacts {
        assessment_date: Some(date("2014-07-10")),
        care_plan_date: Some(date("2014-07-20")),
        closure: Some((date("2014-10-09"), ExitReason::Disengaged)),
        ..episode("2014-07-01", ReferralSource::Police)
    };
    let bands = |rule| {
        let rules = Rules {
            clock_starts: rule,
            ..Rules::default()
        };
        kpi::compute(&world(vec![closed.clone()]), &q3(), rules).retention
    };
    assert_eq!(
        bands(CarePlan),
        vec![
            (RetentionBand::UpTo11Weeks, 1),
            (RetentionBand::From12To23Weeks, 0),
            (RetentionBand::From24Weeks, 0),
        ]
    );
    assert_eq!(
        bands(Assessment),
        vec![
            (RetentionBand::UpTo11Weeks, 0),
            (RetentionBand::From12To23Weeks, 1),
            (RetentionBand::From24Weeks, 0),
        ]
    );
}

#[test]
fn kpi_3_counts_a_test_in_the_teams_window_before_the_referral_as_tested() {
    // Police referrals on 05/10/2014, none with a DIR or contact. Tested 28 days before
    // (07/09): tested under the default 28, so not in KPI 3. Tested 29 days before
    // (06/09): not tested, so counted. Never tested: counted. Default: 0 of 2. With a
    // 29-day window the 06/09 test counts too: 0 of 1. With 0 days, only a test on the
    // referral day would: 0 of 3.
    let tested = |on: &str| EpisodeFacts {
        custody_test_before: Some(date(on)),
        ..episode("2014-10-05", ReferralSource::Police)
    };
    let inputs = world(vec![
        tested("2014-09-07"),
        tested("2014-09-06"),
        episode("2014-10-05", ReferralSource::Police),
    ]);
    let kpi3 = |days| {
        let rules = Rules {
            kpi3_tested_within_days: days,
            ..Rules::default()
        };
        let f = kpi::compute(&inputs, &q3(), rules);
        f.kpis.last().unwrap().figures[2].ratio
    };
    assert_eq!(kpi3(28), Some(Ratio::new(0, 2)));
    assert_eq!(Rules::default().kpi3_tested_within_days, 28);
    assert_eq!(kpi3(29), Some(Ratio::new(0, 1)));
    assert_eq!(kpi3(0), Some(Ratio::new(0, 3)));
}

fn rendered(rules: Rules, format: render::Format) -> String {
    let options = ReportOptions {
        period: q3(),
        area: None,
        suppress_small: false,
        rules,
    };
    let f = kpi::compute(&world(vec![]), &q3(), rules);
    let r = report::assemble(&f, &options, "all areas".into(), date("2015-01-05"));
    // CSV doubles the quotes inside a cell; read it back as written.
    render::render(&r, format).unwrap().replace("\"\"", "\"")
}

#[test]
fn the_definitions_state_each_setting_as_a_local_rule_with_its_value() {
    let team = Rules {
        kpi2_window_days: None,
        kpi3_tested_within_days: 14,
        clock_starts: Assessment,
    };
    for format in [
        render::Format::Text,
        render::Format::Md,
        render::Format::Csv,
    ] {
        let default = rendered(Rules::default(), format);
        assert!(
            default.contains("count from the care-plan date: a local rule"),
            "{format:?}: {default}"
        );
        assert!(
            default.contains("clock_starts = \"care-plan\""),
            "{format:?}"
        );
        assert!(default.contains("in the 28 days before"), "{format:?}");
        let out = rendered(team, format);
        assert!(
            out.contains("count from the assessment (DIR) date, or the care-plan date if earlier"),
            "{format:?}: {out}"
        );
        assert!(out.contains("clock_starts = \"assessment\""), "{format:?}");
        assert!(out.contains("in the 14 days before"), "{format:?}");
        assert!(out.contains("(kpi3_tested_within_days)"), "{format:?}");
    }
    let json = rendered(team, render::Format::Json);
    assert!(json.contains("\"clock_starts\": \"assessment\""), "{json}");
    assert!(json.contains("\"kpi3_tested_within_days\": 14"), "{json}");
}

#[test]
fn the_settings_are_read_from_the_config_file_and_mistakes_refused() {
    let s =
        parse("kpi3_tested_within_days = 14\n[triage]\nclock_starts = \"assessment\"\n").unwrap();
    assert_eq!(
        s.return_rules(),
        Rules {
            kpi2_window_days: None,
            kpi3_tested_within_days: 14,
            clock_starts: Assessment,
        }
    );
    assert_eq!(s.triage.clock_starts, Assessment);
    assert_eq!(Settings::default().return_rules(), Rules::default());
    let err = parse("[triage]\nclock_starts = \"referral\"\n").unwrap_err();
    assert!(
        err.starts_with("line 2:") && err.contains("care-plan"),
        "{err}"
    );
    let err = parse("kpi3_tested_within_days = -1\n").unwrap_err();
    assert!(
        err.contains("kpi3_tested_within_days must be 0 to 366"),
        "{err}"
    );
}

#[test]
fn the_report_command_states_the_system_wide_setting() {
    let (dir, _store) = demo_store();
    let db = dir.path().join("test.db");
    let system = dir.path().join("system.toml");
    std::fs::write(&system, "[triage]\nclock_starts = \"assessment\"\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("--db")
        .arg(&db)
        .args(["--today", "2026-11-23", "report"])
        .env("XDG_CONFIG_HOME", dir.path())
        .env(caseload::config::SYSTEM_CONFIG_VARIABLE, &system)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("clock_starts = \"assessment\""), "{text}");
}

#[test]
fn the_13_week_review_and_the_week_11_filter_follow_the_setting() {
    use caseload::app::lists::{CaseloadFilter, SortKey, SortOrders, caseload, review};
    // Listed from day 70 (week 11). Client 1: DIR 75 days ago, care plan 60 days ago.
    // Client 2: both 72 days ago. Client 3: care plan 40 days ago, no DIR.
    let mut one = settled(1);
    one.episode.assessment_date = Some(ago(75));
    one.episode.care_plan_date = Some(ago(60));
    let mut two = settled(2);
    two.episode.assessment_date = Some(ago(72));
    two.episode.care_plan_date = Some(ago(72));
    let mut three = settled(3);
    three.episode.assessment_date = None;
    three.episode.care_plan_date = Some(ago(40));
    let rows = [one, two, three];
    let today = crate::common::today();
    let ids = |indices: Vec<usize>| {
        indices
            .iter()
            .map(|&i| rows[i].client_id)
            .collect::<Vec<_>>()
    };
    let listed = |rule| {
        let orders = SortOrders::new(&rows, |_| None, today, rule);
        ids(review(&rows, &orders, today))
    };
    assert_eq!(listed(CarePlan), [2]);
    // Longest on the clock first: client 1 is on day 75 from the DIR.
    assert_eq!(listed(Assessment), [1, 2]);
    let filter = CaseloadFilter {
        week_11: true,
        ..CaseloadFilter::default()
    };
    let kept = |rule| {
        let orders = SortOrders::new(&rows, |_| None, today, rule);
        let entries = caseload(
            &rows,
            &orders,
            &filter,
            None,
            SortKey::Name,
            false,
            None,
            today,
        );
        ids(entries.iter().map(|e| e.row()).collect())
    };
    assert_eq!(kept(CarePlan), [2]);
    assert_eq!(kept(Assessment), [1, 2]);
}

#[test]
fn the_record_shows_the_clock_from_the_chosen_start() {
    // A demo client assessed before the care plan: the record's clock counts the days
    // from the care plan, or from the DIR where the team says so.
    let (_dir, mut store) = demo_store();
    let today = crate::common::today();
    let row = store
        .caseload(None, None, &[])
        .unwrap()
        .into_iter()
        .find(|r| {
            r.custody.is_none()
                && matches!(
                    (r.episode.assessment_date, r.episode.care_plan_date),
                    (Some(a), Some(c)) if a < c && c <= today
                )
        })
        .expect("the demo has a client assessed before the care plan");
    for (rule, start) in [
        (CarePlan, row.episode.care_plan_date.unwrap()),
        (Assessment, row.episode.assessment_date.unwrap()),
    ] {
        let settings = Settings {
            triage: TriageConfig {
                clock_starts: rule,
                ..TriageConfig::default()
            },
            ..Settings::default()
        };
        let mut app = caseload::tui::initial_app(
            &store,
            crate::ui::lead_session(&store),
            &settings,
            at("2026-11-23 09:30"),
            (120, 40),
        )
        .unwrap();
        caseload::tui::perform(
            &mut store,
            &mut app,
            caseload::action::Effect::OpenClient(row.client_id),
        )
        .unwrap();
        let day = (today - start).num_days();
        let expected = format!("13-week clock: week {}, day {day} ", day / 7 + 1);
        let text = crate::ui::screen(&app);
        assert!(text.contains(&expected), "{rule:?}: {expected}\n{text}");
    }
}
