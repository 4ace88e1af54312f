//! The Today queue: what needs doing, ranked by an explainable score.
//!
//! Like taskwarrior's urgency, each item's score is a sum of `coefficient x factor`
//! terms, and the terms are kept so the screen can show why an item ranks where it
//! does. Coefficients and thresholds come from the config file ([`TriageConfig`]).

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::breach::countdown;
use super::clock::{self, Stage};
use super::model::{CaseloadRow, Rag};
use super::release;

/// Coefficients and thresholds of the ranking. Every field has a default.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TriageConfig {
    /// Weight of an outstanding red breach.
    pub red_breach: f64,
    /// Weight of an outstanding amber breach.
    pub amber_breach: f64,
    /// Weight of an outstanding green breach.
    pub green_breach: f64,
    /// Added when a breach is past its deadline.
    pub breach_overdue: f64,
    /// Days ahead within which an incomplete release checklist is listed.
    pub release_window_days: i64,
    /// Weight of an imminent release, times how close it is (0..1).
    pub release_soon: f64,
    /// Weight per missing checklist item, as a fraction of the five.
    pub release_missing: f64,
    /// From this day on the caseload a missing exit plan is listed.
    pub exit_plan_from_day: i64,
    /// Weight of a missing exit plan, times how close day 91 is (0..1).
    pub exit_plan: f64,
    /// Weight of being past 13 weeks with no current extension.
    pub benchmark_overdue: f64,
    /// Days without contact before it is listed.
    pub no_contact_days: i64,
    /// Weight per day without contact.
    pub no_contact_per_day: f64,
    /// Weight per day a care-plan review is overdue.
    pub review_overdue_per_day: f64,
    /// Days a referral may wait for assessment before it is listed.
    pub referral_days: i64,
    /// Weight per day a referral has waited.
    pub referral_per_day: f64,
    /// Weight of missing consent to share.
    pub no_consent: f64,
}

impl Default for TriageConfig {
    fn default() -> Self {
        Self {
            red_breach: 100.0,
            amber_breach: 50.0,
            green_breach: 20.0,
            breach_overdue: 60.0,
            release_window_days: 7,
            release_soon: 80.0,
            release_missing: 20.0,
            exit_plan_from_day: 77,
            exit_plan: 40.0,
            benchmark_overdue: 45.0,
            no_contact_days: 14,
            no_contact_per_day: 2.0,
            review_overdue_per_day: 2.0,
            referral_days: 3,
            referral_per_day: 4.0,
            no_consent: 10.0,
        }
    }
}

/// An outstanding breach, as the queue needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenBreach {
    /// Client row id.
    pub client_id: i64,
    /// RAG marker.
    pub rag: Rag,
    /// Arrest deadline.
    pub deadline: NaiveDateTime,
}

/// The kind of thing to do, for grouping and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// An outstanding breach.
    Breach(Rag),
    /// A release soon with an incomplete checklist.
    Release,
    /// The 13-week benchmark needs a decision.
    Benchmark,
    /// No contact for a while.
    NoContact,
    /// Care-plan review overdue.
    Review,
    /// Referral waiting for assessment.
    Referral,
    /// No consent to share recorded.
    Consent,
}

/// One term of a score: `coefficient x factor`, with what it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// What the term measures.
    pub label: String,
    /// The configured weight.
    pub coefficient: f64,
    /// How much of it applies here.
    pub factor: f64,
}

impl Term {
    fn new(label: impl Into<String>, coefficient: f64, factor: f64) -> Self {
        Self {
            label: label.into(),
            coefficient,
            factor,
        }
    }

    /// `coefficient x factor`.
    #[must_use]
    pub fn value(&self) -> f64 {
        self.coefficient * self.factor
    }
}

/// One thing to do for one client.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Client row id.
    pub client_id: i64,
    /// What kind of thing.
    pub kind: Kind,
    /// The reason in plain words, e.g. "No contact for 16 days".
    pub reason: String,
    /// The terms of the score.
    pub terms: Vec<Term>,
}

impl Item {
    /// The score: the sum of the terms.
    #[must_use]
    pub fn score(&self) -> f64 {
        self.terms.iter().map(Term::value).sum()
    }
}

/// Day counts as factors. They are small; anything beyond `i32` saturates.
fn as_f64(days: i64) -> f64 {
    f64::from(i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX }))
}

fn when(deadline: NaiveDateTime, now: NaiveDateTime) -> String {
    let days = (deadline.date() - now.date()).num_days();
    let time = deadline.format("%H:%M");
    match days {
        0 => format!("{time} today"),
        1 => format!("{time} tomorrow"),
        -1 => format!("{time} yesterday"),
        _ => format!("{} {time}", deadline.format("%a %d/%m")),
    }
}

fn breach_item(b: &OpenBreach, now: NaiveDateTime, cfg: &TriageConfig) -> Item {
    let (weight, word) = match b.rag {
        Rag::Red => (cfg.red_breach, "Red"),
        Rag::Amber => (cfg.amber_breach, "Amber"),
        Rag::Green => (cfg.green_breach, "Green"),
    };
    let mut terms = vec![Term::new(format!("{word} breach"), weight, 1.0)];
    let reason = if now > b.deadline {
        terms.push(Term::new("past its deadline", cfg.breach_overdue, 1.0));
        let late = countdown(b.deadline, now);
        format!(
            "{word} breach: arrest OVERDUE by {}",
            late.trim_start_matches("overdue ")
        )
    } else {
        format!("{word} breach: arrest due by {}", when(b.deadline, now))
    };
    Item {
        client_id: b.client_id,
        kind: Kind::Breach(b.rag),
        reason,
        terms,
    }
}

fn release_item(row: &CaseloadRow, today: NaiveDate, cfg: &TriageConfig) -> Option<Item> {
    let custody = row.custody.as_ref()?;
    let date = release::planning_date(
        custody.expected_release_date,
        custody.earliest_release_date,
        today,
    )?;
    let days = release::days_to_release(date, today);
    if custody.checklist.is_complete() || days > cfg.release_window_days || days < 0 {
        return None;
    }
    let missing = custody.checklist.missing_phrases();
    let window = as_f64(cfg.release_window_days.max(1));
    let closeness = ((window - as_f64(days)) / window).clamp(0.0, 1.0);
    let when = match days {
        0 => "Release today".to_owned(),
        1 => "Release tomorrow".to_owned(),
        d => format!("Release in {d} days"),
    };
    Some(Item {
        client_id: row.client_id,
        kind: Kind::Release,
        reason: format!("{when}: {}", missing.join(", ")),
        terms: vec![
            Term::new("release soon", cfg.release_soon, closeness),
            Term::new(
                "checklist items missing",
                cfg.release_missing,
                as_f64(i64::try_from(missing.len()).unwrap_or(5)) / 5.0,
            ),
        ],
    })
}

fn benchmark_item(row: &CaseloadRow, today: NaiveDate, cfg: &TriageConfig) -> Option<Item> {
    let start = row.episode.care_plan_date?;
    let c = clock::clock(start, row.episode.extension_review_date, today)?;
    let (reason, term) = match c.stage {
        Stage::Overdue => match row.episode.extension_review_date {
            Some(review) => (
                format!(
                    "Extension review overdue by {} days",
                    (today - review).num_days()
                ),
                Term::new("past 13 weeks, review overdue", cfg.benchmark_overdue, 1.0),
            ),
            None => (
                format!("Day {}: past 13 weeks, no extension recorded", c.day),
                Term::new("past 13 weeks", cfg.benchmark_overdue, 1.0),
            ),
        },
        Stage::Extended => return None,
        _ if c.day >= cfg.exit_plan_from_day && row.episode.exit_plan.is_none() => {
            let span = as_f64((clock::BENCHMARK_DAYS - cfg.exit_plan_from_day).max(1));
            let closeness = (as_f64(c.day - cfg.exit_plan_from_day) / span).clamp(0.0, 1.0);
            (
                format!("Day {} of 91: no exit plan", c.day),
                Term::new(
                    "13 weeks near, no exit plan",
                    cfg.exit_plan,
                    closeness.max(0.1),
                ),
            )
        }
        _ => return None,
    };
    Some(Item {
        client_id: row.client_id,
        kind: Kind::Benchmark,
        reason,
        terms: vec![term],
    })
}

fn contact_item(row: &CaseloadRow, today: NaiveDate, cfg: &TriageConfig) -> Option<Item> {
    let since = row.last_contact.or(row.episode.referral_date)?;
    let days = (today - since).num_days();
    (days >= cfg.no_contact_days).then(|| Item {
        client_id: row.client_id,
        kind: Kind::NoContact,
        reason: match row.last_contact {
            Some(_) => format!("No contact for {days} days"),
            None => format!("No contact since referral {days} days ago"),
        },
        terms: vec![Term::new(
            "days without contact",
            cfg.no_contact_per_day,
            as_f64(days),
        )],
    })
}

fn review_item(row: &CaseloadRow, today: NaiveDate, cfg: &TriageConfig) -> Option<Item> {
    let due = row.next_review_date?;
    let days = (today - due).num_days();
    (days > 0).then(|| Item {
        client_id: row.client_id,
        kind: Kind::Review,
        reason: format!("Care-plan review overdue by {days} days"),
        terms: vec![Term::new(
            "days review overdue",
            cfg.review_overdue_per_day,
            as_f64(days.min(60)),
        )],
    })
}

fn referral_item(row: &CaseloadRow, today: NaiveDate, cfg: &TriageConfig) -> Option<Item> {
    if row.episode.assessment_date.is_some() {
        return None;
    }
    let days = (today - row.episode.referral_date?).num_days();
    (days >= cfg.referral_days).then(|| Item {
        client_id: row.client_id,
        kind: Kind::Referral,
        reason: format!("Referral {days} days old, not assessed"),
        terms: vec![Term::new(
            "days since referral",
            cfg.referral_per_day,
            as_f64(days),
        )],
    })
}

fn consent_item(row: &CaseloadRow, cfg: &TriageConfig) -> Option<Item> {
    (!row.consent && row.episode.assessment_date.is_some()).then(|| Item {
        client_id: row.client_id,
        kind: Kind::Consent,
        reason: "No consent to share recorded".to_owned(),
        terms: vec![Term::new("no consent", cfg.no_consent, 1.0)],
    })
}

/// Builds the ranked queue for the active caseload `rows` and their outstanding
/// `breaches`, highest score first (ties: breaches and releases before the rest, then
/// by client). Clients in custody only appear for their release; breaches of clients
/// in custody or not in `rows` (closed or out of scope) are left to the Breaches view.
#[must_use]
pub fn queue(
    rows: &[CaseloadRow],
    breaches: &[OpenBreach],
    now: NaiveDateTime,
    cfg: &TriageConfig,
) -> Vec<Item> {
    let today = now.date();
    let mut items = Vec::new();
    let mut ids: Vec<i64> = rows
        .iter()
        .filter(|r| r.custody.is_none())
        .map(|r| r.client_id)
        .collect();
    ids.sort_unstable();
    for b in breaches {
        if ids.binary_search(&b.client_id).is_ok() {
            items.push(breach_item(b, now, cfg));
        }
    }
    for row in rows {
        if row.custody.is_some() {
            items.extend(release_item(row, today, cfg));
            continue;
        }
        items.extend(benchmark_item(row, today, cfg));
        items.extend(contact_item(row, today, cfg));
        items.extend(review_item(row, today, cfg));
        items.extend(referral_item(row, today, cfg));
        items.extend(consent_item(row, cfg));
    }
    items.sort_by(|a, b| {
        b.score()
            .total_cmp(&a.score())
            .then(a.kind.cmp(&b.kind))
            .then(a.client_id.cmp(&b.client_id))
    });
    items
}
