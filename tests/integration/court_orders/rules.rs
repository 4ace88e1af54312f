//! The rules of an order's Today reasons at their edges (the day before the lead
//! time, its first day, the day itself, the day after), their words, and where they
//! rank among the other reasons. No terminal, no database, a fixed today (Monday
//! 23/11/2026).

use caseload::domain::model::{CaseloadRow, OrderKind, Rag};
use caseload::domain::orders::{EndDue, OrderDates, end_due, review_due};
use caseload::domain::reengage::Tried;
use caseload::domain::triage::{Detail, Kind, OpenBreach, TriageConfig, queue};
use chrono::{Days, NaiveDate};

use crate::common::{at, today};
use crate::triage::settled;

fn on(days_from_today: i64) -> NaiveDate {
    today() + chrono::TimeDelta::days(days_from_today)
}

/// A DRR ending as made in `end` days, with the given early/late ends and reviews.
fn drr(end: i64, early: Option<i64>, late: Option<i64>, reviews: &[i64]) -> OrderDates {
    OrderDates {
        kind: OrderKind::DrrHigh,
        end_date: on(end),
        early_end_date: early.map(on),
        late_end_date: late.map(on),
        reviews: reviews.iter().map(|d| on(*d)).collect(),
    }
}

#[test]
fn an_end_is_due_from_the_first_day_of_the_lead_time_to_the_day_itself() {
    let lead = 28;
    let cases = [
        (29, None),
        (
            28,
            Some(EndDue::MayEnd {
                on: on(28),
                days: 28,
            }),
        ),
        (1, Some(EndDue::MayEnd { on: on(1), days: 1 })),
        (0, Some(EndDue::MayEnd { on: on(0), days: 0 })),
        (
            -1,
            Some(EndDue::Passed {
                on: on(-1),
                days: 1,
            }),
        ),
    ];
    for (end, want) in cases {
        assert_eq!(
            end_due(&drr(end, None, None, &[]), today(), lead),
            want,
            "end in {end}"
        );
    }
}

#[test]
fn every_potential_end_counts_and_the_next_one_is_named() {
    let lead = 28;
    // An early end inside the lead time comes first.
    let order = drr(60, Some(10), Some(120), &[]);
    assert_eq!(
        end_due(&order, today(), lead),
        Some(EndDue::MayEnd {
            on: on(10),
            days: 10
        })
    );
    // The day after the early end, the end as made is 49 days off: nothing yet.
    assert_eq!(end_due(&order, today() + Days::new(11), lead), None);
    // Past the end as made, a late end still to come is the next.
    let late = drr(-5, None, Some(20), &[]);
    assert_eq!(
        end_due(&late, today(), lead),
        Some(EndDue::MayEnd {
            on: on(20),
            days: 20
        })
    );
    // Only once the last potential end has passed is the order overdue its end.
    let passed = drr(-30, Some(-60), Some(-2), &[]);
    assert_eq!(
        end_due(&passed, today(), lead),
        Some(EndDue::Passed {
            on: on(-2),
            days: 2
        })
    );
}

#[test]
fn a_review_is_due_from_the_first_day_of_its_lead_time_until_the_day_itself() {
    let lead = 7;
    for (review, want) in [
        (8, None),
        (7, Some((on(7), 7))),
        (0, Some((on(0), 0))),
        (-1, None),
    ] {
        let order = drr(200, None, None, &[review]);
        assert_eq!(
            review_due(&order, today(), lead),
            want,
            "review in {review}"
        );
    }
    // Yesterday's review is over; the next one is named.
    let order = drr(200, None, None, &[-1, 3, 30]);
    assert_eq!(review_due(&order, today(), lead), Some((on(3), 3)));
}

fn reasons(order: OrderDates, cfg: &TriageConfig) -> Vec<(Kind, String)> {
    let row = CaseloadRow {
        order: Some(Box::new(order)),
        ..settled(1)
    };
    queue(&[row], &[], at("2026-11-23 09:30"), cfg)
        .iter()
        .map(|i| (i.kind(), i.detail.reason(at("2026-11-23 09:30"))))
        .collect()
}

#[test]
fn the_reasons_say_when_and_what_to_do() {
    let cfg = TriageConfig::default();
    // 05/12/2026 is 12 days on; Thursday 26/11/2026 is 3.
    assert_eq!(
        reasons(drr(12, None, None, &[3]), &cfg),
        [
            (
                Kind::OrderEnd,
                "DRR may end 05/12 (in 12 days): arrange aftercare".to_owned()
            ),
            (
                Kind::CourtReview,
                "Court review on Thursday: progress report".to_owned()
            ),
        ]
    );
    assert_eq!(
        reasons(drr(0, None, None, &[1]), &cfg),
        [
            (
                Kind::OrderEnd,
                "DRR may end 23/11 (today): arrange aftercare".to_owned()
            ),
            (
                Kind::CourtReview,
                "Court review tomorrow: progress report".to_owned()
            ),
        ]
    );
    let licence = OrderDates {
        kind: OrderKind::Licence,
        ..drr(-3, None, None, &[])
    };
    assert_eq!(
        reasons(licence, &cfg),
        [(
            Kind::OrderEnd,
            "Licence was due to end 20/11: record its end".to_owned()
        )]
    );
}

#[test]
fn only_an_order_past_every_end_counts_as_late_for_the_workers_view() {
    let now = at("2026-11-23 09:30");
    let late = |due| {
        Detail::OrderEnd {
            kind: OrderKind::Atr,
            due,
        }
        .overdue(now)
    };
    assert!(!late(EndDue::MayEnd { on: on(0), days: 0 }));
    assert!(late(EndDue::Passed {
        on: on(-1),
        days: 1
    }));
    assert!(!Detail::CourtReview { on: on(0), days: 0 }.overdue(now));
}

#[test]
fn the_lead_times_are_the_teams_settings() {
    let short = TriageConfig {
        order_end_lead_days: 7,
        court_review_lead_days: 2,
        ..TriageConfig::default()
    };
    assert_eq!(reasons(drr(12, None, None, &[3]), &short), []);
    let parsed = caseload::config::parse(
        "[triage]\norder_end_lead_days = 42\ncourt_review_lead_days = 10\n",
    )
    .unwrap();
    assert_eq!(parsed.triage.order_end_lead_days, 42);
    assert_eq!(parsed.triage.court_review_lead_days, 10);
    let refused = caseload::config::parse("[triage]\norder_end_lead_days = -1\n");
    assert_eq!(
        refused.unwrap_err(),
        "[triage] order_end_lead_days and court_review_lead_days must be 0 or more"
    );
}

#[test]
fn an_order_ranks_under_a_breach_and_rises_as_its_day_comes() {
    let cfg = TriageConfig::default();
    let row = |id, order| CaseloadRow {
        order: Some(Box::new(order)),
        ..settled(id)
    };
    let breach = OpenBreach {
        client_id: 3,
        rag: Rag::Amber,
        deadline: at("2026-11-25 09:00"),
        raised_at: at("2026-11-22 09:00"),
        tried: Tried::default(),
    };
    let rows = [
        row(1, drr(27, None, None, &[])),
        row(2, drr(1, None, None, &[])),
        settled(3),
    ];
    let items = queue(&rows, &[breach], at("2026-11-23 09:30"), &cfg);
    let order: Vec<(i64, Kind)> = items.iter().map(|i| (i.client_id, i.kind())).collect();
    assert_eq!(
        order,
        [
            (3, Kind::Breach(Rag::Amber)),
            (2, Kind::OrderEnd),
            (1, Kind::OrderEnd)
        ]
    );
    assert!(items[1].score() > items[2].score());
    assert!(matches!(items[2].detail, Detail::OrderEnd { .. }));
    // A client in custody is listed for the custody only.
    let inside = CaseloadRow {
        custody: crate::triage::inside(4, 30, crate::triage::handed_over()).custody,
        ..row(4, drr(1, None, None, &[0]))
    };
    assert!(
        queue(&[inside], &[], at("2026-11-23 09:30"), &cfg)
            .iter()
            .all(|i| !matches!(i.kind(), Kind::OrderEnd | Kind::CourtReview))
    );
}
