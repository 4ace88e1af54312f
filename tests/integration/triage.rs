//! The Today queue's rules at their edges: which rows make an item, its words, its
//! score, and the ranking. No terminal, no database, a fixed today.

use caseload::domain::handover::Handover;
use caseload::domain::model::{CaseloadRow, ClientLabel, CustodySummary, EpisodeDates, Flags, Rag};
use caseload::domain::reengage::Tried;
use caseload::domain::release::Checklist;
use caseload::domain::triage::{
    ContactGroup, Detail, Kind, OpenBreach, TriageConfig, queue, retime,
};
use chrono::{Days, NaiveDate, NaiveDateTime};

use crate::common::{at, complete_checklist, today};

pub(crate) fn ago(days: u64) -> NaiveDate {
    today() - Days::new(days)
}

pub(crate) fn nine_thirty() -> NaiveDateTime {
    today().and_hms_opt(9, 30, 0).unwrap()
}

/// A client seen yesterday, assessed, consented, care plan started a week ago:
/// nothing to do.
pub(crate) fn settled(id: i64) -> CaseloadRow {
    CaseloadRow {
        client_id: id,
        label: ClientLabel::new("Okafor", "Dana", &format!("C-{id}")),
        area_id: 1,
        care_coordinator_id: Some(1),
        consent: true,
        domestic_abuse: false,
        flags: Flags::default(),
        episode: EpisodeDates {
            id,
            referral_date: Some(ago(20)),
            assessment_date: Some(ago(15)),
            care_plan_date: Some(ago(7)),
            engaged: true,
            exit_plan: None,
            extension_review_date: None,
        },
        custody: None,
        last_contact: Some(ago(1)),
        next_review_date: None,
        order: None,
    }
}

/// A hand-over to the prison drug team, recorded.
pub(crate) fn handed_over() -> Handover {
    Handover {
        prison_known: true,
        named: true,
        contacted_on: Some(ago(29)),
        prescribing_confirmed: true,
        consent_confirmed: true,
        waived: false,
    }
}

/// In custody since `days` ago, release far off, hand-over as given.
pub(crate) fn inside(id: i64, days: u64, handover: Handover) -> CaseloadRow {
    CaseloadRow {
        custody: Some(Box::new(CustodySummary {
            prison: "HMP Cardiff".into(),
            expected_release_date: None,
            earliest_release_date: None,
            checklist: Checklist::default(),
            reception_date: ago(days),
            reception_kind: None,
            handover,
        })),
        ..settled(id)
    }
}

#[test]
fn a_reception_is_listed_until_its_hand_over_is_recorded_oldest_first() {
    let owed = Handover {
        prison_known: true,
        ..Handover::default()
    };
    let tomorrow = CaseloadRow {
        custody: inside(1, 0, owed).custody.map(|mut c| {
            c.reception_date = today() + Days::new(1);
            c
        }),
        ..settled(1)
    };
    assert_eq!(details(&[tomorrow]), vec![], "a reception dated tomorrow");
    for (days, reason) in [
        (0, "Into custody today: hand-over to CARATS not recorded"),
        (
            1,
            "Into custody yesterday: hand-over to CARATS not recorded",
        ),
        (
            2,
            "Into custody 2 days ago: hand-over to CARATS not recorded",
        ),
    ] {
        let found = details(&[inside(1, days, owed)]);
        assert_eq!(found.len(), 1, "{days} days");
        assert_eq!(found[0].kind(), Kind::Handover);
        assert_eq!(found[0].reason(nine_thirty()), reason);
    }
    let unknown = Handover {
        prison_known: false,
        named: true,
        contacted_on: Some(ago(1)),
        ..owed
    };
    assert_eq!(
        details(&[inside(1, 3, unknown)])[0].reason(nine_thirty()),
        "Into custody 3 days ago: prison not known, no hand-over"
    );
    assert_eq!(details(&[inside(1, 3, handed_over())]), vec![], "recorded");
    let waived = Handover {
        waived: true,
        ..owed
    };
    assert_eq!(details(&[inside(1, 3, waived)]), vec![], "excused");

    let items = queue(
        &[inside(1, 1, owed), inside(2, 5, owed)],
        &[],
        nine_thirty(),
        &TriageConfig::default(),
    );
    let order: Vec<i64> = items.iter().map(|i| i.client_id).collect();
    assert_eq!(order, vec![2, 1], "more days since reception ranks higher");
    let heavier = TriageConfig {
        handover_per_day: 0.0,
        handover: 7.0,
        ..TriageConfig::default()
    };
    let items = queue(&[inside(1, 5, owed)], &[], nine_thirty(), &heavier);
    assert!(
        (items[0].score() - 7.0).abs() < f64::EPSILON,
        "weights from config"
    );
}

fn details(rows: &[CaseloadRow]) -> Vec<Detail> {
    queue(rows, &[], nine_thirty(), &TriageConfig::default())
        .iter()
        .map(|i| i.detail)
        .collect()
}

#[test]
fn a_settled_client_needs_nothing() {
    assert_eq!(details(&[settled(1)]), vec![]);
}

#[test]
fn no_exit_plan_is_listed_from_day_77_until_91() {
    for (day, listed) in [(76, false), (77, true), (91, true)] {
        let mut row = settled(1);
        row.episode.care_plan_date = Some(ago(day));
        let expected = if listed {
            vec![Detail::NoExitPlan {
                day: i64::try_from(day).unwrap(),
            }]
        } else {
            vec![]
        };
        assert_eq!(details(&[row.clone()]), expected, "day {day}");
        row.episode.exit_plan = Some("step down to community team".into());
        assert_eq!(details(&[row]), vec![], "day {day} with a plan");
    }
}

#[test]
fn day_92_without_an_extension_is_past_the_benchmark() {
    let mut row = settled(1);
    row.episode.care_plan_date = Some(ago(92));
    row.episode.exit_plan = Some("planned".into());
    let found = details(&[row.clone()]);
    assert_eq!(found, vec![Detail::PastBenchmark { day: 92 }]);
    assert_eq!(
        found[0].reason(nine_thirty()),
        "Day 92: past 13 weeks, no extension recorded"
    );
    row.episode.extension_review_date = Some(today());
    assert_eq!(details(&[row.clone()]), vec![], "extended, review today");
    row.episode.extension_review_date = Some(ago(3));
    assert_eq!(
        details(&[row]),
        vec![Detail::ExtensionReviewOverdue { days: 3 }]
    );
}

#[test]
fn no_contact_is_listed_from_14_days() {
    let mut row = settled(1);
    row.last_contact = Some(ago(13));
    assert_eq!(details(&[row.clone()]), vec![]);
    row.last_contact = Some(ago(14));
    let found = details(&[row.clone()]);
    assert_eq!(
        found,
        vec![Detail::NoContact {
            days: 14,
            ever: true,
            group: ContactGroup::Other,
            expected: 14,
        }]
    );
    assert_eq!(found[0].reason(nine_thirty()), "No contact for 14 days");
    row.last_contact = None;
    assert_eq!(
        details(&[row])[0].reason(nine_thirty()),
        "No contact since referral 20 days ago"
    );
}

#[test]
fn ppo_and_iom_clients_are_expected_more_often_and_the_reason_says_so() {
    let flags = |ppo, iom| Flags {
        ppo,
        iom,
        ..Flags::default()
    };
    for (group, flags, expected) in [
        ("PPO", flags(true, false), 7),
        ("PPO", flags(true, true), 7),
        ("IOM", flags(false, true), 10),
    ] {
        let mut row = settled(1);
        row.flags = flags;
        for (days, listed) in [
            (expected - 1, false),
            (expected, true),
            (expected + 1, true),
        ] {
            row.last_contact = Some(ago(u64::try_from(days).unwrap()));
            let found = details(&[row.clone()]);
            assert_eq!(found.len(), usize::from(listed), "{group} {days} days");
            if listed {
                assert_eq!(
                    found[0].reason(nine_thirty()),
                    format!("{group}: no contact for {days} days, expected every {expected}")
                );
            }
        }
    }
    let mut row = settled(1);
    row.flags = flags(true, false);
    row.last_contact = None;
    row.episode.referral_date = Some(ago(9));
    assert_eq!(
        details(&[row.clone()])[0].reason(nine_thirty()),
        "PPO: no contact since referral 9 days ago, expected every 7"
    );
    let team = TriageConfig {
        no_contact_days_ppo: 3,
        ..TriageConfig::default()
    };
    row.episode.referral_date = Some(ago(3));
    let items = queue(&[row], &[], nine_thirty(), &team);
    assert_eq!(
        items[0].detail.reason(nine_thirty()),
        "PPO: no contact since referral 3 days ago, expected every 3",
        "the team's setting"
    );
}

#[test]
fn review_overdue_starts_the_day_after_the_review_date() {
    let mut row = settled(1);
    row.next_review_date = Some(today());
    assert_eq!(details(&[row.clone()]), vec![]);
    row.next_review_date = Some(ago(1));
    assert_eq!(details(&[row]), vec![Detail::ReviewOverdue { days: 1 }]);
}

#[test]
fn a_referral_waits_three_days_before_it_is_listed() {
    let mut row = settled(1);
    row.episode.assessment_date = None;
    row.episode.care_plan_date = None;
    row.episode.referral_date = Some(ago(2));
    row.last_contact = Some(ago(1));
    assert_eq!(details(&[row.clone()]), vec![]);
    row.episode.referral_date = Some(ago(3));
    assert_eq!(details(&[row]), vec![Detail::Referral { days: 3 }]);
}

#[test]
fn missing_consent_is_listed_once_assessed() {
    let mut row = settled(1);
    row.consent = false;
    assert_eq!(details(&[row.clone()]), vec![Detail::NoConsent]);
    row.episode.assessment_date = None;
    row.episode.care_plan_date = None;
    row.episode.referral_date = Some(ago(1));
    assert_eq!(details(&[row]), vec![], "not yet assessed");
}

#[test]
fn a_client_in_custody_appears_only_for_an_incomplete_release_in_the_window() {
    let mut row = settled(1);
    row.last_contact = Some(ago(60));
    row.consent = false;
    let custody = |release: NaiveDate, checklist: Checklist| {
        Some(Box::new(CustodySummary {
            prison: "HMP Cardiff".into(),
            expected_release_date: Some(release),
            earliest_release_date: None,
            checklist,
            reception_date: ago(30),
            reception_kind: None,
            handover: handed_over(),
        }))
    };
    let incomplete = Checklist {
        appointment_booked: true,
        ..Checklist::default()
    };
    for (days, listed) in [(0, true), (7, true), (8, false)] {
        row.custody = custody(today() + Days::new(days), incomplete);
        let found = details(&[row.clone()]);
        assert_eq!(found.len(), usize::from(listed), "release in {days} days");
        if listed {
            assert!(matches!(found[0], Detail::Release { .. }));
        }
    }
    row.custody = custody(today(), incomplete);
    assert_eq!(
        details(&[row.clone()])[0].reason(nine_thirty()),
        "Release today: prescriber not confirmed, no naloxone, no accommodation, \
         prison team not contacted, no DAN 24/7"
    );
    let complete = complete_checklist();
    row.custody = custody(today(), complete);
    assert_eq!(details(&[row]), vec![], "checklist complete");
}

#[test]
fn breaches_count_only_for_clients_on_the_queue_and_outside() {
    let inside = CaseloadRow {
        custody: Some(Box::new(CustodySummary {
            prison: "HMP Cardiff".into(),
            expected_release_date: None,
            earliest_release_date: None,
            checklist: Checklist::default(),
            reception_date: ago(30),
            reception_kind: None,
            handover: handed_over(),
        })),
        ..settled(2)
    };
    let breaches = [1, 2, 3].map(|client_id| OpenBreach {
        client_id,
        rag: Rag::Red,
        deadline: at("2026-11-23 14:30"),
        raised_at: at("2026-11-22 14:30"),
        tried: Tried::default(),
    });
    let items = queue(
        &[settled(1), inside],
        &breaches,
        nine_thirty(),
        &TriageConfig::default(),
    );
    assert_eq!(
        items.len(),
        1,
        "client 2 is in custody, client 3 not in scope"
    );
    assert_eq!(items[0].client_id, 1);
    assert_eq!(
        items[0].detail.reason(nine_thirty()),
        "Red breach: arrest due by 14:30 today"
    );
}

#[test]
fn the_queue_is_ranked_by_score_and_explained_by_its_terms() {
    let mut quiet = settled(1);
    quiet.last_contact = Some(ago(20));
    let mut quieter = settled(2);
    quieter.last_contact = Some(ago(30));
    let breach = OpenBreach {
        client_id: 3,
        rag: Rag::Amber,
        deadline: at("2026-11-24 10:00"),
        raised_at: at("2026-11-17 10:00"),
        tried: Tried::default(),
    };
    let cfg = TriageConfig::default();
    let items = queue(
        &[quiet, quieter, settled(3)],
        &[breach],
        nine_thirty(),
        &cfg,
    );
    let order: Vec<(i64, Kind)> = items.iter().map(|i| (i.client_id, i.kind())).collect();
    assert_eq!(
        order,
        vec![
            (2, Kind::NoContact),
            (3, Kind::Breach(Rag::Amber)),
            (1, Kind::NoContact)
        ],
        "30 days x 2 = 60 > amber 50 > 20 days x 2 = 40"
    );
    for item in &items {
        let sum: f64 = item
            .detail
            .terms(nine_thirty(), &cfg)
            .iter()
            .map(caseload::domain::triage::Term::value)
            .sum();
        assert!((sum - item.score()).abs() < 1e-9, "{item:?}");
    }
}

#[test]
fn a_breach_passing_its_deadline_moves_up_when_the_queue_is_retimed() {
    let mut quiet = settled(1);
    quiet.last_contact = Some(ago(40));
    let breach = OpenBreach {
        client_id: 2,
        rag: Rag::Amber,
        deadline: at("2026-11-23 10:00"),
        raised_at: at("2026-11-16 10:00"),
        tried: Tried::default(),
    };
    let cfg = TriageConfig::default();
    let mut items = queue(&[quiet, settled(2)], &[breach], nine_thirty(), &cfg);
    assert_eq!(
        items[0].client_id, 1,
        "80 for 40 days beats amber 50 before 10:00"
    );
    let later = at("2026-11-23 10:01");
    retime(&mut items, later, &cfg);
    assert_eq!(items[0].client_id, 2, "amber 50 + overdue 60 after 10:00");
    assert!((items[0].score() - 110.0).abs() < 1e-9);
    assert_eq!(
        items[0].detail.reason(later),
        "Amber: put out for arrest OVERDUE by 1m"
    );
}

#[test]
fn a_cooling_off_period_shows_while_it_runs_and_is_off_by_default() {
    // 002: a "'cooling-off' period (in which re-engagement with the client is sought)"
    // of 48 hours to 5 days. Breach at 22/11 10:00 with 48 hours: cooling-off until
    // 24/11 10:00. At 23/11 09:30 it runs; the deadline (29/11 10:00) is unchanged.
    let breach = OpenBreach {
        client_id: 1,
        rag: Rag::Amber,
        deadline: at("2026-11-29 10:00"),
        raised_at: at("2026-11-22 10:00"),
        tried: Tried::default(),
    };
    let reason = |cfg: &TriageConfig, now: NaiveDateTime| {
        queue(&[settled(1)], std::slice::from_ref(&breach), now, cfg)[0]
            .detail
            .reason(now)
    };
    let off = TriageConfig::default();
    assert_eq!(
        reason(&off, nine_thirty()),
        "Amber: put out for arrest by Sun 29/11 10:00"
    );
    let cooling = TriageConfig {
        cooling_off_hours: 48,
        ..TriageConfig::default()
    };
    assert_eq!(
        reason(&cooling, nine_thirty()),
        "Amber: cooling-off 1d 0h left; nothing tried yet"
    );
    // On the minute it ends, it no longer runs.
    assert_eq!(
        reason(&cooling, at("2026-11-24 10:00")),
        "Amber: put out for arrest by Sun 29/11 10:00"
    );
    let refused = caseload::config::parse("[triage]\ncooling_off_hours = 121\n");
    assert!(refused.unwrap_err().contains("cooling_off_hours"));
}
