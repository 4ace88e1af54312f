//! Who has capacity, as pure rules: when a Today item is late, and each care
//! co-ordinator's load in an area counted from the caseload and the queue built from it.

use caseload::domain::capacity::{Load, loads};
use caseload::domain::handover::Handover;
use caseload::domain::model::{CaseloadRow, Flags, Rag};
use caseload::domain::release::Checklist;
use caseload::domain::triage::{ContactGroup, Detail, OpenBreach, TriageConfig, queue};
use chrono::TimeDelta;

use crate::triage::{ago, inside, nine_thirty, settled};

#[test]
fn an_item_is_late_once_its_date_has_passed() {
    let now = nine_thirty();
    let minute = TimeDelta::minutes(1);
    let breach = |deadline| Detail::Breach {
        rag: Rag::Red,
        deadline,
        cooling_off_until: None,
        tried: caseload::domain::reengage::Tried::default(),
    };
    let handover = |days| Detail::Handover {
        days,
        prison_known: true,
        reception: None,
    };
    let cases = [
        ("breach due in a minute", breach(now + minute), false),
        ("breach due now", breach(now), false),
        (
            "breach a minute past its deadline",
            breach(now - minute),
            true,
        ),
        ("reception today", handover(0), false),
        ("reception yesterday", handover(1), true),
        (
            "release today, checklist open",
            Detail::Release {
                days: 0,
                checklist: Checklist::default(),
            },
            false,
        ),
        (
            "day 90, no exit plan",
            Detail::NoExitPlan { day: 90 },
            false,
        ),
        (
            "day 92, no extension",
            Detail::PastBenchmark { day: 92 },
            true,
        ),
        (
            "extension review passed",
            Detail::ExtensionReviewOverdue { days: 1 },
            true,
        ),
        (
            "no contact for as long as expected",
            Detail::NoContact {
                days: 14,
                ever: true,
                group: ContactGroup::of(&Flags::default()),
                expected: 14,
            },
            true,
        ),
        (
            "care-plan review passed",
            Detail::ReviewOverdue { days: 1 },
            true,
        ),
        ("referral not assessed", Detail::Referral { days: 3 }, true),
        ("no consent", Detail::NoConsent, true),
    ];
    for (what, detail, late) in cases {
        assert_eq!(detail.overdue(now), late, "{what}");
    }
}

#[test]
fn each_coordinator_s_load_counts_their_clients_in_the_area_and_their_today_items() {
    let now = nine_thirty();
    let cfg = TriageConfig::default();
    let with = |id: i64, coordinator: Option<i64>, area: i64| CaseloadRow {
        care_coordinator_id: coordinator,
        area_id: area,
        ..settled(id)
    };
    let started = |row: CaseloadRow, days: u64| CaseloadRow {
        episode: caseload::domain::model::EpisodeDates {
            care_plan_date: Some(ago(days)),
            ..row.episode.clone()
        },
        ..row
    };
    let owed = Handover {
        prison_known: true,
        ..Handover::default()
    };
    let rows = vec![
        // Worker 1: day 90 (not yet 13 weeks), a PPO, no exit plan (on Today, not
        // late); day 91 (13 weeks), IOM, no exit plan (not late) and no contact for 20
        // days (late); in custody since yesterday, hand-over owed (late).
        CaseloadRow {
            flags: Flags {
                ppo: true,
                ..Flags::default()
            },
            ..started(with(1, Some(1), 1), 90)
        },
        CaseloadRow {
            flags: Flags {
                iom: true,
                ..Flags::default()
            },
            last_contact: Some(ago(20)),
            ..started(with(2, Some(1), 1), 91)
        },
        CaseloadRow {
            care_coordinator_id: Some(1),
            ..inside(3, 1, owed)
        },
        // Worker 2: a red breach not yet due (on Today, not late).
        with(4, Some(2), 1),
        // Nobody's: in custody since today, hand-over owed (not late yet).
        CaseloadRow {
            care_coordinator_id: None,
            ..inside(5, 0, owed)
        },
        // Another area's client of worker 1: not counted here.
        CaseloadRow {
            last_contact: Some(ago(30)),
            ..with(6, Some(1), 2)
        },
    ];
    let breaches = [OpenBreach {
        client_id: 4,
        rag: Rag::Red,
        deadline: now + TimeDelta::hours(2),
        raised_at: now - TimeDelta::hours(22),
        tried: caseload::domain::reengage::Tried::default(),
    }];
    let items = queue(&rows, &breaches, now, &cfg);
    let counted = loads(&rows, 1, &items, now, cfg.clock_starts);
    assert_eq!(
        counted.get(&Some(1)),
        Some(&Load {
            active: 3,
            ppo: 1,
            iom: 1,
            in_custody: 1,
            today: 4,
            overdue: 2,
            past_13_weeks: 1,
        }),
        "{items:?}"
    );
    assert_eq!(
        counted.get(&Some(2)),
        Some(&Load {
            active: 1,
            today: 1,
            ..Load::default()
        })
    );
    assert_eq!(
        counted.get(&None),
        Some(&Load {
            active: 1,
            in_custody: 1,
            today: 1,
            ..Load::default()
        })
    );
    assert_eq!(counted.len(), 3, "no entry for a worker with nobody here");
}
