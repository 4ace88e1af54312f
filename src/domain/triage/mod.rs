//! The Today queue: what needs doing, ranked by an explainable score.
//!
//! Like taskwarrior's urgency, each item's score is a sum of `coefficient x factor`
//! terms, and the terms are kept so the screen can show why an item ranks where it
//! does. Coefficients and thresholds come from the config file ([`TriageConfig`]).

use std::borrow::Borrow;

use chrono::{NaiveDate, NaiveDateTime};

use super::clock::{self, Stage};
use super::handover;
use super::model::{CaseloadRow, Flags, Rag};
use super::orders;
use super::release;

mod config;
mod detail;
mod window;

pub use config::{ContactGroup, TriageConfig};
pub use detail::{Detail, Kind, Term};
pub use window::{Cut, ceiling};

/// An outstanding breach, as the queue needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenBreach {
    /// Client row id.
    pub client_id: i64,
    /// RAG marker.
    pub rag: Rag,
    /// Arrest deadline.
    pub deadline: NaiveDateTime,
    /// The breach itself (the missed appointment).
    pub raised_at: NaiveDateTime,
    /// What was tried to re-engage the client since.
    pub tried: crate::domain::reengage::Tried,
}

impl From<&super::record::BreachRow> for OpenBreach {
    fn from(b: &super::record::BreachRow) -> Self {
        Self {
            client_id: b.client.client_id,
            rag: b.rag,
            deadline: b.deadline,
            raised_at: b.raised_at,
            tried: b.tried,
        }
    }
}

/// One thing to do for one client.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Item {
    /// Client row id.
    pub client_id: i64,
    /// What it is about.
    pub detail: Detail,
    /// The sum of the terms, when the queue was last ranked.
    score: f64,
}

impl Item {
    fn new(client_id: i64, detail: Detail, now: NaiveDateTime, cfg: &TriageConfig) -> Self {
        let score = detail.terms(now, cfg).iter().map(Term::value).sum();
        Self {
            client_id,
            detail,
            score,
        }
    }

    /// What kind of thing.
    #[must_use]
    pub const fn kind(&self) -> Kind {
        self.detail.kind()
    }

    /// The score: the sum of the terms.
    #[must_use]
    pub const fn score(&self) -> f64 {
        self.score
    }
}

fn release_detail(row: &CaseloadRow, today: NaiveDate, cfg: &TriageConfig) -> Option<Detail> {
    let custody = row.custody.as_ref()?;
    let date = release::planning_date(
        custody.expected_release_date,
        custody.earliest_release_date,
        today,
    )?;
    let days = release::days_to_release(date, today);
    (!custody.checklist.is_complete() && (0..=cfg.release_window_days).contains(&days)).then_some(
        Detail::Release {
            days,
            checklist: custody.checklist,
        },
    )
}

fn handover_detail(row: &CaseloadRow, today: NaiveDate) -> Option<Detail> {
    let custody = row.custody.as_ref()?;
    let days = handover::owed_days(custody.reception_date, &custody.handover, today)?;
    Some(Detail::Handover {
        days,
        prison_known: custody.handover.prison_known,
        reception: custody.reception_kind,
    })
}

fn order_details(row: &CaseloadRow, today: NaiveDate, cfg: &TriageConfig) -> [Option<Detail>; 2] {
    let Some(order) = row.order.as_deref() else {
        return [None, None];
    };
    [
        orders::end_due(order, today, cfg.order_end_lead_days).map(|due| Detail::OrderEnd {
            kind: order.kind,
            due,
        }),
        orders::review_due(order, today, cfg.court_review_lead_days)
            .map(|(on, days)| Detail::CourtReview { on, days }),
    ]
}

fn benchmark_detail(row: &CaseloadRow, today: NaiveDate, cfg: &TriageConfig) -> Option<Detail> {
    let start = row.episode.clock_start(cfg.clock_starts)?;
    let c = clock::clock(start, row.episode.extension_review_date, today)?;
    match c.stage {
        Stage::Overdue => Some(match row.episode.extension_review_date {
            Some(review) => Detail::ExtensionReviewOverdue {
                days: (today - review).num_days(),
            },
            None => Detail::PastBenchmark { day: c.day },
        }),
        Stage::Extended => None,
        _ => (c.day >= cfg.exit_plan_from_day && row.episode.exit_plan.is_none())
            .then_some(Detail::NoExitPlan { day: c.day }),
    }
}

/// No contact for `days` (since `since`, the last contact or else the referral) is
/// listed once it reaches the days the client's group expects.
#[must_use]
pub fn no_contact(
    flags: &Flags,
    since: NaiveDate,
    ever: bool,
    today: NaiveDate,
    cfg: &TriageConfig,
) -> Option<Detail> {
    let group = ContactGroup::of(flags);
    let expected = group.expected_days(cfg);
    let days = (today - since).num_days();
    (days >= expected).then_some(Detail::NoContact {
        days,
        ever,
        group,
        expected,
    })
}

fn contact_detail(row: &CaseloadRow, today: NaiveDate, cfg: &TriageConfig) -> Option<Detail> {
    let since = row.last_contact.or(row.episode.referral_date)?;
    no_contact(&row.flags, since, row.last_contact.is_some(), today, cfg)
}

fn review_detail(row: &CaseloadRow, today: NaiveDate) -> Option<Detail> {
    let days = (today - row.next_review_date?).num_days();
    (days > 0).then_some(Detail::ReviewOverdue { days })
}

fn referral_detail(row: &CaseloadRow, today: NaiveDate, cfg: &TriageConfig) -> Option<Detail> {
    if row.episode.assessment_date.is_some() {
        return None;
    }
    let days = (today - row.episode.referral_date?).num_days();
    (days >= cfg.referral_days).then_some(Detail::Referral { days })
}

/// The item of an outstanding breach at `now`.
fn breach_item(b: &OpenBreach, now: NaiveDateTime, cfg: &TriageConfig) -> Item {
    let detail = Detail::Breach {
        rag: b.rag,
        deadline: b.deadline,
        cooling_off_until: crate::domain::breach::cooling_off_until(
            b.raised_at,
            cfg.cooling_off_hours,
        ),
        tried: b.tried,
    };
    Item::new(b.client_id, detail, now, cfg)
}

/// Highest score first; ties: breaches and releases before the rest, then by client.
fn rank(items: &mut [Item]) {
    items.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.kind().cmp(&b.kind()))
            .then(a.client_id.cmp(&b.client_id))
    });
}

/// Builds the ranked queue for the active caseload `rows` and their outstanding
/// `breaches`, highest score first (ties: breaches and releases before the rest, then
/// by client). Clients in custody only appear for their hand-over and release; breaches of clients
/// in custody or not in `rows` (closed or out of scope) are left to the Breaches view.
#[must_use]
pub fn queue<R: Borrow<CaseloadRow>>(
    rows: &[R],
    breaches: &[OpenBreach],
    now: NaiveDateTime,
    cfg: &TriageConfig,
) -> Vec<Item> {
    let today = now.date();
    let mut ids: Vec<i64> = rows
        .iter()
        .map(Borrow::borrow)
        .filter(|r| r.custody.is_none())
        .map(|r| r.client_id)
        .collect();
    ids.sort_unstable();
    let mut items: Vec<Item> = breaches
        .iter()
        .filter(|b| ids.binary_search(&b.client_id).is_ok())
        .map(|b| breach_item(b, now, cfg))
        .collect();
    for row in rows.iter().map(Borrow::borrow) {
        let details = if row.custody.is_some() {
            [
                release_detail(row, today, cfg),
                handover_detail(row, today),
                None,
                None,
                None,
                None,
                None,
            ]
        } else {
            let [end, review] = order_details(row, today, cfg);
            [
                end,
                review,
                benchmark_detail(row, today, cfg),
                contact_detail(row, today, cfg),
                review_detail(row, today),
                referral_detail(row, today, cfg),
                (!row.consent && row.episode.assessment_date.is_some())
                    .then_some(Detail::NoConsent),
            ]
        };
        items.extend(
            details
                .into_iter()
                .flatten()
                .map(|d| Item::new(row.client_id, d, now, cfg)),
        );
    }
    rank(&mut items);
    items.shrink_to_fit();
    items
}

/// Re-ranks a queue built earlier the same day for the time `now`: a breach past its
/// deadline gains its overdue term. Nothing else in a score depends on the time of day,
/// so this costs a sort, not a rebuild.
pub fn retime(items: &mut [Item], now: NaiveDateTime, cfg: &TriageConfig) {
    for item in items.iter_mut() {
        if matches!(item.detail, Detail::Breach { .. }) {
            *item = Item::new(item.client_id, item.detail, now, cfg);
        }
    }
    rank(items);
}
