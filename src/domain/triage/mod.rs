//! The Today queue: what needs doing, ranked by an explainable score.
//!
//! Like taskwarrior's urgency, each item's score is a sum of `coefficient x factor`
//! terms, and the terms are kept so the screen can show why an item ranks where it
//! does. Coefficients and thresholds come from the config file ([`TriageConfig`]).

use std::borrow::Borrow;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::breach::countdown;
use super::clock::{self, Stage};
use super::handover;
use super::model::{CaseloadRow, Flags, Rag};
use super::release::{self, Checklist};

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
    /// Days without contact before it is listed, for a client neither PPO nor IOM.
    pub no_contact_days: i64,
    /// The same for a PPO (003: "a more intensive approach").
    pub no_contact_days_ppo: i64,
    /// The same for an IOM client who is not a PPO.
    pub no_contact_days_iom: i64,
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
    /// Hours of cooling-off after a breach, in which re-engagement is sought (002: 48
    /// hours to 5 days); 0 (the default) = none. A team setting, shown while it runs.
    pub cooling_off_hours: i64,
    /// Weight of a custody reception whose hand-over to the prison drug team is not
    /// recorded yet.
    pub handover: f64,
    /// Weight per day since that reception (up to 14 days).
    pub handover_per_day: f64,
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
            no_contact_days_ppo: 7,
            no_contact_days_iom: 10,
            no_contact_per_day: 2.0,
            review_overdue_per_day: 2.0,
            referral_days: 3,
            referral_per_day: 4.0,
            no_consent: 10.0,
            cooling_off_hours: 0,
            handover: 50.0,
            handover_per_day: 5.0,
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
    /// The breach itself (the missed appointment).
    pub raised_at: NaiveDateTime,
}

/// The kind of thing to do, for grouping and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// An outstanding breach.
    Breach(Rag),
    /// A release soon with an incomplete checklist.
    Release,
    /// Into custody, hand-over to the prison drug team not recorded.
    Handover,
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
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Term {
    /// What the term measures.
    pub label: &'static str,
    /// The configured weight.
    pub coefficient: f64,
    /// How much of it applies here.
    pub factor: f64,
}

impl Term {
    const fn new(label: &'static str, coefficient: f64, factor: f64) -> Self {
        Self {
            label,
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

/// What an item is about, with the figures its reason and score are made from. Items
/// keep these rather than text: a queue over 80,000 clients holds tens of thousands of
/// items, and only the dozen on screen are ever put into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// An outstanding breach.
    Breach {
        /// RAG marker.
        rag: Rag,
        /// Arrest deadline.
        deadline: NaiveDateTime,
        /// End of the team's cooling-off period, if it has one.
        cooling_off_until: Option<NaiveDateTime>,
    },
    /// A release within the window with the checklist incomplete.
    Release {
        /// Days to the planned release (0 = today).
        days: i64,
        /// The checklist as it stands.
        checklist: Checklist,
    },
    /// Into custody, and the hand-over to the prison drug team not recorded.
    Handover {
        /// Days since the reception (0 = today).
        days: i64,
        /// Whether the prison is known.
        prison_known: bool,
    },
    /// Past day 91 with no extension recorded.
    PastBenchmark {
        /// Day on the caseload.
        day: i64,
    },
    /// A 13-week extension whose review date has passed.
    ExtensionReviewOverdue {
        /// Days past the review date.
        days: i64,
    },
    /// Day 91 near and no exit plan.
    NoExitPlan {
        /// Day on the caseload.
        day: i64,
    },
    /// No contact for longer than the client's group expects.
    NoContact {
        /// Days since the last contact (or the referral).
        days: i64,
        /// Whether there has been any contact at all.
        ever: bool,
        /// Whose expectation applies.
        group: ContactGroup,
        /// A contact is expected at least every this many days.
        expected: i64,
    },
    /// The care-plan review date has passed.
    ReviewOverdue {
        /// Days past the review date.
        days: i64,
    },
    /// A referral waiting for assessment.
    Referral {
        /// Days since the referral.
        days: i64,
    },
    /// Assessed, and no consent to share recorded.
    NoConsent,
}

impl Detail {
    /// The kind of thing to do.
    #[must_use]
    pub const fn kind(&self) -> Kind {
        match self {
            Self::Breach { rag, .. } => Kind::Breach(*rag),
            Self::Release { .. } => Kind::Release,
            Self::Handover { .. } => Kind::Handover,
            Self::PastBenchmark { .. }
            | Self::ExtensionReviewOverdue { .. }
            | Self::NoExitPlan { .. } => Kind::Benchmark,
            Self::NoContact { .. } => Kind::NoContact,
            Self::ReviewOverdue { .. } => Kind::Review,
            Self::Referral { .. } => Kind::Referral,
            Self::NoConsent => Kind::Consent,
        }
    }

    /// The terms of the score at `now` (only a breach's depend on the time of day).
    #[must_use]
    pub fn terms(&self, now: NaiveDateTime, cfg: &TriageConfig) -> Vec<Term> {
        match *self {
            Self::Breach { rag, deadline, .. } => {
                let weight = match rag {
                    Rag::Red => cfg.red_breach,
                    Rag::Amber => cfg.amber_breach,
                    Rag::Green => cfg.green_breach,
                };
                let mut terms = vec![Term::new(breach_label(rag), weight, 1.0)];
                if now > deadline {
                    terms.push(Term::new("past its deadline", cfg.breach_overdue, 1.0));
                }
                terms
            }
            Self::Release { days, checklist } => {
                let window = as_f64(cfg.release_window_days.max(1));
                let missing = checklist.missing_phrases().len();
                vec![
                    Term::new(
                        "release soon",
                        cfg.release_soon,
                        ((window - as_f64(days)) / window).clamp(0.0, 1.0),
                    ),
                    Term::new(
                        "checklist items missing",
                        cfg.release_missing,
                        as_f64(i64::try_from(missing).unwrap_or(5)) / 5.0,
                    ),
                ]
            }
            Self::Handover { days, .. } => vec![
                Term::new("hand-over not recorded", cfg.handover, 1.0),
                Term::new(
                    "days since reception",
                    cfg.handover_per_day,
                    as_f64(days.min(14)),
                ),
            ],
            Self::PastBenchmark { .. } => {
                vec![Term::new("past 13 weeks", cfg.benchmark_overdue, 1.0)]
            }
            Self::ExtensionReviewOverdue { .. } => vec![Term::new(
                "past 13 weeks, review overdue",
                cfg.benchmark_overdue,
                1.0,
            )],
            Self::NoExitPlan { day } => {
                let span = as_f64((clock::BENCHMARK_DAYS - cfg.exit_plan_from_day).max(1));
                let closeness = (as_f64(day - cfg.exit_plan_from_day) / span).clamp(0.0, 1.0);
                vec![Term::new(
                    "13 weeks near, no exit plan",
                    cfg.exit_plan,
                    closeness.max(0.1),
                )]
            }
            Self::NoContact { days, .. } => vec![Term::new(
                "days without contact",
                cfg.no_contact_per_day,
                as_f64(days),
            )],
            Self::ReviewOverdue { days } => vec![Term::new(
                "days review overdue",
                cfg.review_overdue_per_day,
                as_f64(days.min(60)),
            )],
            Self::Referral { days } => vec![Term::new(
                "days since referral",
                cfg.referral_per_day,
                as_f64(days),
            )],
            Self::NoConsent => vec![Term::new("no consent", cfg.no_consent, 1.0)],
        }
    }

    /// The reason in plain words at `now`, e.g. "No contact for 16 days", "Red
    /// breach: arrest due by 14:30 today" or "Amber: put out for arrest by Fri 27/11
    /// 10:00".
    #[must_use]
    pub fn reason(&self, now: NaiveDateTime) -> String {
        match *self {
            Self::Breach {
                rag,
                deadline,
                cooling_off_until,
            } => {
                // "Amber: put out for arrest by ..." drops "breach" and "due" to fit 80
                // columns; the kind column says BR.
                let (label, due) = match rag {
                    Rag::Red => (breach_label(rag), " due"),
                    Rag::Amber | Rag::Green => (rag_word(rag), ""),
                };
                let action = crate::domain::breach::action(rag);
                if let Some(until) = cooling_off_until.filter(|until| now < *until) {
                    format!("{label}: cooling-off till {}", when(until, now))
                } else if now > deadline {
                    let late = countdown(deadline, now);
                    format!(
                        "{label}: {action} OVERDUE by {}",
                        late.trim_start_matches("overdue ")
                    )
                } else {
                    format!("{label}: {action}{due} by {}", when(deadline, now))
                }
            }
            Self::Release { days, checklist } => {
                let when = match days {
                    0 => "Release today".to_owned(),
                    1 => "Release tomorrow".to_owned(),
                    d => format!("Release in {d} days"),
                };
                format!("{when}: {}", checklist.missing_phrases().join(", "))
            }
            Self::Handover { days, prison_known } => {
                let when = match days {
                    0 => "Into custody today".to_owned(),
                    1 => "Into custody yesterday".to_owned(),
                    d => format!("Into custody {d} days ago"),
                };
                let what = if prison_known {
                    "hand-over to CARATS not recorded"
                } else {
                    "prison not known, no hand-over"
                };
                format!("{when}: {what}")
            }
            Self::PastBenchmark { day } => {
                format!("Day {day}: past 13 weeks, no extension recorded")
            }
            Self::ExtensionReviewOverdue { days } => {
                format!("Extension review overdue by {days} days")
            }
            Self::NoExitPlan { day } => format!("Day {day} of 91: no exit plan"),
            Self::NoContact {
                days,
                ever,
                group,
                expected,
            } => {
                let gap = if ever {
                    format!("contact for {days} days")
                } else {
                    format!("contact since referral {days} days ago")
                };
                match group.label() {
                    Some(label) => format!("{label}: no {gap}, expected every {expected}"),
                    None => format!("No {gap}"),
                }
            }
            Self::ReviewOverdue { days } => format!("Care-plan review overdue by {days} days"),
            Self::Referral { days } => format!("Referral {days} days old, not assessed"),
            Self::NoConsent => "No consent to share recorded".to_owned(),
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

/// "Red breach", "Amber breach" or "Green breach": a breach's term and reason.
const fn rag_word(rag: Rag) -> &'static str {
    match rag {
        Rag::Red => "Red",
        Rag::Amber => "Amber",
        Rag::Green => "Green",
    }
}

const fn breach_label(rag: Rag) -> &'static str {
    match rag {
        Rag::Red => "Red breach",
        Rag::Amber => "Amber breach",
        Rag::Green => "Green breach",
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
    })
}

fn benchmark_detail(row: &CaseloadRow, today: NaiveDate, cfg: &TriageConfig) -> Option<Detail> {
    let start = row.episode.care_plan_date?;
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

/// Whose contact expectation applies to a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactGroup {
    /// A Prolific and Priority Offender.
    Ppo,
    /// Integrated Offender Management, not a PPO.
    Iom,
    /// Everyone else.
    Other,
}

impl ContactGroup {
    /// The client's group: PPO before IOM.
    #[must_use]
    pub const fn of(flags: &Flags) -> Self {
        if flags.ppo {
            Self::Ppo
        } else if flags.iom {
            Self::Iom
        } else {
            Self::Other
        }
    }

    /// A contact is expected at least every this many days (the team's setting).
    #[must_use]
    pub const fn expected_days(self, cfg: &TriageConfig) -> i64 {
        match self {
            Self::Ppo => cfg.no_contact_days_ppo,
            Self::Iom => cfg.no_contact_days_iom,
            Self::Other => cfg.no_contact_days,
        }
    }

    /// "PPO", "IOM", or nothing for everyone else.
    #[must_use]
    pub const fn label(self) -> Option<&'static str> {
        match self {
            Self::Ppo => Some("PPO"),
            Self::Iom => Some("IOM"),
            Self::Other => None,
        }
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
        .map(|b| {
            let detail = Detail::Breach {
                rag: b.rag,
                deadline: b.deadline,
                cooling_off_until: crate::domain::breach::cooling_off_until(
                    b.raised_at,
                    cfg.cooling_off_hours,
                ),
            };
            Item::new(b.client_id, detail, now, cfg)
        })
        .collect();
    for row in rows.iter().map(Borrow::borrow) {
        let details = if row.custody.is_some() {
            [
                release_detail(row, today, cfg),
                handover_detail(row, today),
                None,
                None,
                None,
            ]
        } else {
            [
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
