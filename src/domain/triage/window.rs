//! The head of the Today queue from a few clients: the first screen of a large caseload
//! without ranking all of it.
//!
//! Every kind of item but three scores at most a ceiling fixed by the coefficients
//! ([`Kind::ceiling`]); a breach scores by its RAG and deadline, no contact and a
//! referral by the day. So for a score `S`, every item scoring `S` or more belongs to a
//! client whose outstanding breach scores `S` or more, not seen since a day `S` fixes,
//! waiting for an assessment since a day `S` fixes, or who may have an item of a kind
//! whose ceiling reaches `S` (in custody, with a court order, a care-plan review overdue
//! by a number of days `S` fixes, near the 13-week benchmark (counted from the care plan
//! or the assessment, as the team's clock starts), assessed without consent).
//! [`queue`](super::queue) over just those clients (a superset is fine) gives every item
//! at or above `S`, ranked as in the whole queue: they are its head. The higher `S`, the
//! fewer clients to read; [`Cut::tries`] goes down until the head fills a screen.

use chrono::{Days, NaiveDate, NaiveDateTime};

use super::{Item, Kind, OpenBreach, TriageConfig};
use crate::domain::clock::{BENCHMARK_DAYS, ClockStart};

/// A score to cut the queue at, and what finds every client who may have an item at or
/// above it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cut {
    /// Items scoring this or more are the head.
    pub score: f64,
    /// Clients last seen on or before this day (or never, referred on or before it).
    pub unseen_since: NaiveDate,
    /// Referrals made on or before this day and not assessed.
    pub waiting_since: NaiveDate,
    /// Care-plan reviews due on or before this day, if an overdue review can score
    /// this much.
    pub review_due_by: Option<NaiveDate>,
    /// Care plans made on or before this day (the 13-week benchmark near or past), if
    /// that can score this much.
    pub care_plan_by: Option<NaiveDate>,
    /// Likewise assessments made on or before this day, where the clock starts at the
    /// assessment (with a care plan made, at any day).
    pub assessed_by: Option<NaiveDate>,
    /// Whether a release or a hand-over can score this much: everyone in custody.
    pub custody: bool,
    /// Whether an order's end or a court review can score this much: everyone with an
    /// order in force.
    pub orders: bool,
    /// Whether no consent can score this much: everyone assessed without consent.
    pub consent: bool,
}

/// The highest score an item can have other than a breach, no contact or a referral
/// (never below zero): the most any [`Kind::ceiling`] allows.
#[must_use]
pub fn ceiling(cfg: &TriageConfig) -> f64 {
    Kind::ALL
        .into_iter()
        .filter_map(|kind| kind.ceiling(cfg))
        .fold(0.0, f64::max)
}

/// The least whole number of days below which `per_day x days` stays under `score`,
/// one day early to be safe from rounding (a day too many only reads a client more).
fn days_below(score: f64, per_day: f64) -> u64 {
    let days = (score / per_day).floor() - 1.0;
    if days <= 0.0 {
        0
    } else if days >= 36_500.0 {
        36_500
    } else {
        // In range: 0 < days < 36,500.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = days as u64;
        whole
    }
}

impl Cut {
    /// The cut at `score` on `today`.
    fn at(score: f64, today: NaiveDate, cfg: &TriageConfig) -> Self {
        let reaches = |kinds: &[Kind]| {
            kinds
                .iter()
                .any(|kind| kind.ceiling(cfg).is_some_and(|most| most >= score))
        };
        let review_days = if cfg.review_overdue_per_day > 0.0 {
            days_below(score, cfg.review_overdue_per_day)
        } else {
            0
        };
        // The clock's day 0 on or before this: day 77 (or the benchmark) reached.
        let benchmark_day = cfg.exit_plan_from_day.clamp(0, BENCHMARK_DAYS);
        let benchmark =
            reaches(&[Kind::Benchmark]).then(|| today - Days::new(benchmark_day.unsigned_abs()));
        Self {
            score,
            unseen_since: today - Days::new(days_below(score, cfg.no_contact_per_day)),
            waiting_since: today - Days::new(days_below(score, cfg.referral_per_day)),
            review_due_by: reaches(&[Kind::Review]).then(|| today - Days::new(review_days)),
            care_plan_by: benchmark,
            assessed_by: benchmark.filter(|_| cfg.clock_starts == ClockStart::Assessment),
            custody: reaches(&[Kind::Release, Kind::Handover]),
            orders: reaches(&[Kind::OrderEnd, Kind::CourtReview]),
            consent: reaches(&[Kind::Consent]),
        }
    }

    /// The cuts to try on `today`, highest score first (the fewest clients to read):
    /// 16, 8, 4, 2 and 1.5 times the [`ceiling`] and just above it, where only breaches,
    /// no contact and referrals reach; then each kind's own ceiling, highest first,
    /// each letting that kind's clients in. None when the per-day weights of no contact
    /// or referrals are not positive: then no day bounds those items, and the whole
    /// queue must be ranked.
    #[must_use]
    pub fn tries(today: NaiveDate, cfg: &TriageConfig) -> Option<Vec<Self>> {
        if cfg.no_contact_per_day <= 0.0 || cfg.referral_per_day <= 0.0 {
            return None;
        }
        let top = ceiling(cfg).max(1.0);
        let mut scores: Vec<f64> = [16.0, 8.0, 4.0, 2.0, 1.5]
            .into_iter()
            .map(|times| top * times)
            .chain(std::iter::once(top + 1.0))
            .collect();
        let mut ceilings: Vec<f64> = Kind::ALL
            .into_iter()
            .filter_map(|kind| kind.ceiling(cfg))
            .filter(|most| *most > 0.0)
            .collect();
        ceilings.sort_by(|a, b| b.total_cmp(a));
        ceilings.dedup();
        scores.extend(ceilings);
        Some(
            scores
                .into_iter()
                .map(|s| Self::at(s, today, cfg))
                .collect(),
        )
    }

    /// The clients whose outstanding breach scores at or above this cut at `now`,
    /// in order, each once.
    #[must_use]
    pub fn breach_clients(
        &self,
        breaches: &[OpenBreach],
        now: NaiveDateTime,
        cfg: &TriageConfig,
    ) -> Vec<i64> {
        let mut clients: Vec<i64> = breaches
            .iter()
            .map(|b| super::breach_item(b, now, cfg))
            .filter(|item| item.score() >= self.score)
            .map(|item| item.client_id)
            .collect();
        clients.sort_unstable();
        clients.dedup();
        clients
    }

    /// The items of `queue` (ranked over the clients this cut finds) that score at or
    /// above it: the head of the whole queue.
    #[must_use]
    pub fn head(&self, mut queue: Vec<Item>) -> Vec<Item> {
        let keep = queue.partition_point(|item| item.score() >= self.score);
        queue.truncate(keep);
        queue
    }
}
