//! The quarterly return: periods, KPI arithmetic on hand-built records (expected figures
//! worked out beside each assertion), rendering and the re-offending sample. Counting
//! in the background and the Report view are in `report_view`. The tests on the demo
//! database run on every engine ([`on_each_engine`]); the rest need no database.

use caseload::domain::clock::RetentionBand;
use caseload::domain::kpi::{
    self, Dated, EpisodeFacts, Inputs, KpiStatus, ModalityFacts, OutreachFacts, Ratio, Rules,
    SampleFacts, TallyFacts, TestFacts,
};
use caseload::domain::model::{
    Area, ExitReason, ReferralSource, SignpostDestination, Substance, TestKind, TestResult,
};
use caseload::domain::period::Period;
use caseload::domain::sample;
use caseload::report::{self, ReportOptions, Value, render};
use caseload::store::Offences;

use crate::common::{TestDb, actor, date, on_each_engine, today};

#[test]
fn quarters_follow_the_uk_financial_year() {
    let cases = [
        ("2014-15:Q1", "2014-04-01", "2014-06-30"),
        ("2014-15:Q3", "2014-10-01", "2014-12-31"),
        ("2014-15:Q4", "2015-01-01", "2015-03-31"),
        ("2014/15:q2", "2014-07-01", "2014-09-30"),
        ("2014-15", "2014-04-01", "2015-03-31"),
        ("1999-00", "1999-04-01", "2000-03-31"),
    ];
    for (text, from, to) in cases {
        let period = Period::parse(text).unwrap();
        assert_eq!((period.from, period.to), (date(from), date(to)), "{text}");
    }
}

#[test]
fn malformed_periods_are_refused() {
    for text in [
        "2014-16",
        "2014-15:Q5",
        "2014-15:Q0",
        "14-15",
        "2014",
        "2014-15:3",
        "",
    ] {
        assert!(Period::parse(text).is_err(), "{text}");
    }
    assert!(Period::between(date("2014-05-02"), date("2014-05-01")).is_err());
}

#[test]
fn a_leap_year_quarter_four_has_91_days() {
    // January 31 + February 29 + March 31.
    assert_eq!(Period::parse("2023-24:Q4").unwrap().days(), 91);
    assert_eq!(Period::parse("2022-23:Q4").unwrap().days(), 90);
    assert_eq!(Period::parse("2023-24").unwrap().days(), 366);
    assert_eq!(Period::parse("2023-24:Q4").unwrap().to, date("2024-03-31"));
}

#[test]
fn the_quarter_of_a_day_changes_on_the_first_of_april() {
    assert_eq!(Period::quarter_of(date("2015-03-31")).label, "2014-15:Q4");
    assert_eq!(Period::quarter_of(date("2015-04-01")).label, "2015-16:Q1");
    assert_eq!(Period::quarter_of(date("2024-02-29")).label, "2023-24:Q4");
}

#[test]
fn a_zero_denominator_has_no_percentage() {
    assert_eq!(Ratio::new(0, 0).percent(), None);
    assert_eq!(Ratio::new(3, 0).display(), "n/a");
    assert_eq!(Ratio::new(1, 3).display(), "33.3%");
}

#[test]
fn an_empty_period_counts_nothing_and_judges_no_kpi() {
    let figures = kpi::compute(
        &Inputs::default(),
        &Period::parse("2014-15:Q3").unwrap(),
        Rules::default(),
    );
    assert_eq!(figures.referrals, 0);
    assert_eq!(figures.closures, 0);
    let total = figures.kpis.last().unwrap();
    assert!(total.area.is_none());
    // No intensive area: KPIs 1 and 2 do not apply; the rest have nothing to measure.
    let statuses: Vec<KpiStatus> = total.figures.iter().map(|f| f.status).collect();
    assert_eq!(
        statuses,
        [
            KpiStatus::NotApplicable,
            KpiStatus::NotApplicable,
            KpiStatus::NoData,
            KpiStatus::NoData,
            KpiStatus::NoData
        ]
    );
}

fn area(id: i64, name: &str, intensive: bool) -> Area {
    Area {
        id,
        name: name.into(),
        intensive,
    }
}

/// An episode in `area_id` referred on `referral` by `source`, with nothing else yet.
pub(crate) fn episode(area_id: i64, referral: &str, source: ReferralSource) -> EpisodeFacts {
    EpisodeFacts {
        area_id,
        referral_date: date(referral),
        referral_source: source,
        assessment_date: None,
        assessed_need: true,
        care_plan_date: None,
        engaged_on: None,
        prescribed: false,
        closure: None,
        iom: false,
        substances: [None; 3],
        custody_test_before: None,
        first_contact: None,
    }
}

fn test(on: &str, kind: TestKind, result: TestResult, follow_up: Option<&str>) -> TestFacts {
    TestFacts {
        client_id: 1,
        area_id: 1,
        tested_on: date(on),
        kind,
        result,
        first_follow_up: follow_up.map(date),
    }
}

/// Two areas (1 intensive, 2 not) in 2014-15 Q3 (1 October - 31 December, 92 days).
#[allow(clippy::too_many_lines)] // the hand-built world, record by record
fn hand_built() -> Inputs {
    use ReferralSource::{Police, Probation, SelfReferral};
    let e1 = EpisodeFacts {
        assessment_date: Some(date("2014-10-06")),
        care_plan_date: Some(date("2014-10-08")),
        engaged_on: Some(date("2014-10-20")),
        prescribed: true,
        iom: true,
        substances: [Some(Substance::Heroin), Some(Substance::Cocaine), None],
        custody_test_before: Some(date("2014-10-05")),
        ..episode(1, "2014-10-05", Police)
    };
    // Referred the day before the quarter; assessed on its first day.
    let e2 = EpisodeFacts {
        assessment_date: Some(date("2014-10-01")),
        ..episode(1, "2014-09-30", Police)
    };
    // Referred on the quarter's last day.
    let e3 = EpisodeFacts {
        substances: [Some(Substance::Cocaine), None, None],
        ..episode(2, "2014-12-31", SelfReferral)
    };
    // Closed on the first day: 83 days from care plan = 11 whole weeks.
    let e4 = EpisodeFacts {
        care_plan_date: Some(date("2014-07-10")),
        closure: Some((date("2014-10-01"), ExitReason::Disengaged)),
        ..episode(2, "2014-07-01", Police)
    };
    // Closed on the last day: 212 days = 30 weeks.
    let e5 = EpisodeFacts {
        care_plan_date: Some(date("2014-06-02")),
        closure: Some((date("2014-12-31"), ExitReason::CompletedDrugAndCrimeFree)),
        ..episode(2, "2014-06-01", Probation)
    };
    // Assessed as not needing the caseload.
    let e6 = EpisodeFacts {
        assessment_date: Some(date("2014-10-11")),
        assessed_need: false,
        ..episode(1, "2014-10-10", Probation)
    };
    let tally = |on: &str, charged, tested| TallyFacts {
        area_id: 1,
        on: date(on),
        charged,
        tested,
        positive: 0,
    };
    let sampled = |from: &str, after: Option<u32>| SampleFacts {
        area_id: 1,
        quarter_from: date(from),
        offences_after_3m: after,
        offences_after_12m: None,
    };
    let outreach = |on: &str, signposted_to| OutreachFacts {
        area_id: 2,
        on: date(on),
        signposted_to,
    };
    // Running from the day before it ended (so within the quarter when it ends in it).
    let modality = |ended: &str, prescribed| ModalityFacts {
        area_id: 1,
        episode_id: i64::from(prescribed),
        started_on: date(ended).pred_opt().unwrap(),
        ended_on: Some(date(ended)),
        prescribed,
    };
    let dated = |area_id, on: &str| Dated {
        area_id,
        on: date(on),
    };
    Inputs {
        areas: vec![area(1, "Newport", true), area(2, "Torfaen", false)],
        episodes: vec![e1, e2, e3, e4, e5, e6],
        tests: vec![
            test(
                "2014-10-05",
                TestKind::TriggerOffence,
                TestResult::PositiveOpiates,
                Some("2014-10-06"),
            ),
            // Followed up on day 29: too late for KPI 2.
            test(
                "2014-11-01",
                TestKind::InspectorsAuthority,
                TestResult::PositiveBoth,
                Some("2014-11-30"),
            ),
            test(
                "2014-11-02",
                TestKind::TriggerOffence,
                TestResult::Negative,
                None,
            ),
            test(
                "2014-11-05",
                TestKind::Treatment,
                TestResult::PositiveOpiates,
                None,
            ),
        ],
        tallies: vec![tally("2014-10-01", 10, 9), tally("2014-09-30", 5, 0)],
        required_assessments: vec![dated(1, "2014-10-01"), dated(1, "2014-09-30")],
        modalities: vec![
            modality("2014-10-15", true),
            modality("2014-11-15", false),
            modality("2015-01-01", false),
        ],
        outcomes: vec![
            dated(1, "2014-11-01"),
            dated(2, "2014-12-01"),
            dated(2, "2014-09-01"),
        ],
        outreach: vec![
            outreach("2014-10-01", None),
            outreach("2014-12-31", Some(SignpostDestination::Housing)),
            outreach("2015-01-01", Some(SignpostDestination::Drugs)),
        ],
        sample: vec![
            sampled("2014-10-01", Some(0)),
            sampled("2014-10-01", Some(2)),
            sampled("2014-10-01", None),
            sampled("2014-07-01", Some(0)),
        ],
    }
}

#[test]
fn activity_figures_count_only_the_period_including_its_first_and_last_days() {
    let f = kpi::compute(
        &hand_built(),
        &Period::parse("2014-15:Q3").unwrap(),
        Rules::default(),
    );
    // e1 (5 Oct), e3 (31 Dec), e6 (10 Oct); e2 was referred on 30 September.
    assert_eq!(f.referrals, 3);
    let source = |s| f.referral_sources.iter().find(|(x, _)| *x == s).unwrap().1;
    assert_eq!(source(ReferralSource::Police), 1);
    assert_eq!(source(ReferralSource::Probation), 1);
    assert_eq!(source(ReferralSource::SelfReferral), 1);
    // e1, e2 (1 October) and e6.
    assert_eq!(f.assessments, 3);
    assert_eq!((f.care_plans, f.engaging, f.prescribed), (1, 1, 1));
    assert_eq!((f.charged_trigger_offence, f.tested_after_charge), (10, 9));
    assert_eq!(f.required_assessments, 1);
    assert_eq!(
        (f.modalities_prescribed, f.modalities_not_prescribed),
        (1, 1)
    );
    // Brief interventions include the signposted one (31 December); 1 January is out.
    assert_eq!(f.brief_interventions, 2);
    let housing = f
        .signposted
        .iter()
        .find(|(d, _)| *d == SignpostDestination::Housing);
    assert_eq!(housing.unwrap().1, 1);
    assert_eq!(f.signposted.iter().map(|(_, n)| n).sum::<u64>(), 1);
    assert_eq!(
        f.primary_substances,
        vec![(Substance::Heroin, 1), (Substance::Cocaine, 1)]
    );
    // Every ranked substance: e1 heroin and cocaine, e3 cocaine.
    assert_eq!(
        f.substances,
        vec![(Substance::Cocaine, 2), (Substance::Heroin, 1)]
    );
}

#[test]
#[allow(clippy::float_cmp)] // both sides are the same exact division
fn caseload_counts_the_last_day_and_averages_client_days() {
    let f = kpi::compute(
        &hand_built(),
        &Period::parse("2014-15:Q3").unwrap(),
        Rules::default(),
    );
    // Only e1 is on the caseload on 31 December: e5 closed that day.
    assert_eq!((f.caseload_at_end, f.iom_at_end), (1, 1));
    // e1: 8 October - 31 December = 85 days; e4 left on 1 October (off that day);
    // e5: 1 October - 30 December = 91 days. The quarter has 92 days.
    assert_eq!(f.caseload[0].average, 85.0 / 92.0);
    assert_eq!(f.caseload[1].average, 91.0 / 92.0);
    assert_eq!(f.caseload[1].positive_outcomes, 1);
}

#[test]
fn closures_are_banded_and_split_by_exit_reason() {
    let f = kpi::compute(
        &hand_built(),
        &Period::parse("2014-15:Q3").unwrap(),
        Rules::default(),
    );
    assert_eq!(f.closures, 2);
    let band = |b| f.retention.iter().find(|(x, _)| *x == b).unwrap().1;
    assert_eq!(band(RetentionBand::UpTo11Weeks), 1);
    assert_eq!(band(RetentionBand::From12To23Weeks), 0);
    assert_eq!(band(RetentionBand::From24Weeks), 1);
    let exit = |r| f.exits.iter().find(|(x, _)| *x == r).unwrap().1;
    assert_eq!(exit(ExitReason::Disengaged), 1);
    assert_eq!(exit(ExitReason::CompletedDrugAndCrimeFree), 1);
    // The July sample and the unrecorded member are left out: 1 of 2 did not re-offend.
    assert_eq!((f.sample_recorded, f.sample_not_reoffending), (2, 1));
}

#[test]
fn kpis_have_their_stated_denominators_and_targets() {
    let f = kpi::compute(
        &hand_built(),
        &Period::parse("2014-15:Q3").unwrap(),
        Rules::default(),
    );
    let total = f.kpis.last().unwrap();
    let ratios: Vec<Option<Ratio>> = total.figures.iter().map(|k| k.ratio).collect();
    assert_eq!(
        ratios,
        [
            // 9 of 10 charged on 1 October were tested (the 30 September tally is out).
            Some(Ratio::new(9, 10)),
            // Two positive custody tests (no tally counted positives), both followed
            // up by period end; no window by default (003 sets none).
            Some(Ratio::new(2, 2)),
            // Arrest referrals (police) not tested: none here (e1 was tested that day;
            // e3 and e6 are self and probation referrals).
            Some(Ratio::new(0, 0)),
            // Assessed with a need: e1 (care plan) and e2 (none); e6 found no need.
            Some(Ratio::new(1, 2)),
            // e1 was taken on and engaged.
            Some(Ratio::new(1, 1)),
        ]
    );
    let statuses: Vec<KpiStatus> = total.figures.iter().map(|k| k.status).collect();
    let (met, missed) = (KpiStatus::Met, KpiStatus::Missed);
    let no_data = KpiStatus::NoData;
    assert_eq!(statuses, [missed, met, no_data, missed, met]);
}

#[test]
fn kpis_1_and_2_do_not_apply_to_a_non_intensive_area() {
    let f = kpi::compute(
        &hand_built(),
        &Period::parse("2014-15:Q3").unwrap(),
        Rules::default(),
    );
    let torfaen = &f.kpis[1];
    assert_eq!(torfaen.area.as_ref().unwrap().name, "Torfaen");
    assert_eq!(torfaen.figures[0].status, KpiStatus::NotApplicable);
    assert_eq!(torfaen.figures[1].status, KpiStatus::NotApplicable);
    // e3 is a self-referral, not an arrest referral: KPI 3 has nothing to count.
    assert_eq!(torfaen.figures[2].status, KpiStatus::NoData);
    // No assessments in Torfaen this quarter: nothing to judge.
    assert_eq!(torfaen.figures[3].status, KpiStatus::NoData);
    assert_eq!(f.kpis[0].figures[1].ratio, Some(Ratio::new(2, 2)));
}

#[test]
fn suppression_hides_counts_of_one_to_four_and_their_percentages() {
    let period = Period::parse("2014-15:Q3").unwrap();
    let figures = kpi::compute(&hand_built(), &period, Rules::default());
    let options = ReportOptions {
        period,
        area: None,
        suppress_small: true,
        rules: Rules::default(),
    };
    let report = report::assemble(&figures, &options, "all areas".into(), today());
    let referrals = &report.sections[0].lines[0];
    assert_eq!(referrals.value, Value::Suppressed);
    let court = report.sections[0]
        .lines
        .iter()
        .find(|l| l.label == "court")
        .unwrap();
    // Zero is not suppressed, and 0 of 3 is a real percentage once shown.
    assert_eq!(court.value, Value::Count(0));
    let text = render::text(&report);
    assert!(text.contains("<5"), "{text}");
    assert!(text.contains("suppressed"));
}

#[test]
fn an_empty_period_renders_n_a_in_every_format() {
    on_each_engine(|engine| {
        let (_db, store) = TestDb::demo(engine);
        let options = ReportOptions {
            period: Period::parse("1990-91:Q1").unwrap(),
            area: None,
            suppress_small: false,
            rules: Rules::default(),
        };
        let report = report::build(&store, &options, today()).unwrap();
        for format in [
            render::Format::Text,
            render::Format::Md,
            render::Format::Csv,
        ] {
            let out = render::render(&report, format).unwrap();
            assert!(out.contains("n/a"), "{format:?}");
            assert!(out.contains("no data"), "{format:?}");
            assert!(!out.contains("n/a n/a"), "{format:?}: one word for no data");
            assert!(!out.contains("NaN"), "{format:?}");
        }
        let json: serde_json::Value =
            serde_json::from_str(&render::render(&report, render::Format::Json).unwrap()).unwrap();
        assert_eq!(json["kpis"].as_array().unwrap().len(), 6);
    });
}

#[test]
fn the_demo_return_has_real_kpi_figures_for_every_area() {
    let rendered = std::cell::RefCell::new(Vec::new());
    on_each_engine(|engine| {
        let (_db, store) = TestDb::demo(engine);
        let options = ReportOptions {
            period: Period::parse("2025-26").unwrap(),
            area: None,
            suppress_small: false,
            rules: Rules::default(),
        };
        let report = report::build(&store, &options, today()).unwrap();
        rendered
            .borrow_mut()
            .push(render::render(&report, render::Format::Json).unwrap());
        let total = report.kpis.last().unwrap();
        for figure in &total.figures {
            let ratio = figure.ratio.unwrap();
            assert!(ratio.denominator > 0, "KPI {}", figure.kpi.number);
        }
        let one_area = ReportOptions {
            area: Some("newport".into()),
            ..options
        };
        let report = report::build(&store, &one_area, today()).unwrap();
        assert_eq!(report.scope, "Newport");
        assert_eq!(report.kpis.len(), 2);
    });
    // Every engine's return is SQLite's, figure for figure.
    let rendered = rendered.into_inner();
    assert!(rendered.iter().all(|r| *r == rendered[0]));
}

#[test]
fn a_draw_is_seeded_and_independent_of_input_order() {
    let ids: Vec<i64> = (1..=50).collect();
    let mut reversed = ids.clone();
    reversed.reverse();
    let first = sample::draw(&ids, 7, 20);
    assert_eq!(first, sample::draw(&reversed, 7, 20));
    assert_ne!(first, sample::draw(&ids, 8, 20));
    assert_eq!(first.len(), 20);
    assert_eq!(sample::draw(&ids[..3], 7, 20).len(), 3);
    assert_eq!(
        sample::seed_for("2014-15:Q3"),
        sample::seed_for("2014-15:Q3")
    );
}

#[test]
fn a_quarter_is_drawn_once_and_its_offences_reach_the_return() {
    on_each_engine(|engine| {
        let (_db, mut store) = TestDb::demo(engine);
        // The sample is the team leader's to keep.
        caseload::demo::claim_demo_lead(&mut store, &actor()).unwrap();
        let quarter = Period::parse("2025-26:Q4").unwrap();
        let (draw, created) = store.draw_sample(&actor(), &quarter, 1).unwrap();
        assert!(created);
        assert_eq!(
            draw.members.len(),
            20.min(usize::try_from(draw.eligible).unwrap())
        );
        assert!(
            draw.members
                .iter()
                .all(|m| quarter.contains(m.closure_date))
        );
        // A second draw, even with another seed, returns the recorded one.
        let (again, created) = store.draw_sample(&actor(), &quarter, 99).unwrap();
        assert!(!created);
        assert_eq!(again, draw);

        let first = &draw.members[0].reference;
        let counts = Offences {
            after_3m: Some(0),
            ..Offences::default()
        };
        store
            .set_offences(&actor(), &quarter.label, first, counts)
            .unwrap();
        assert!(
            store
                .set_offences(&actor(), &quarter.label, "C-0", counts)
                .is_err()
        );
        let options = ReportOptions {
            period: quarter,
            area: None,
            suppress_small: false,
            rules: Rules::default(),
        };
        let report = report::build(&store, &options, today()).unwrap();
        let better_off = &report.sections[2].lines;
        let not_reoffending = better_off
            .iter()
            .find(|l| l.label.starts_with("not re-offending"))
            .unwrap();
        assert_eq!(not_reoffending.share_text(), "100.0%");
    });
}
