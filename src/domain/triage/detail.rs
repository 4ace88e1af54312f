//! What an item of the queue is about, and its score as explainable terms.

use chrono::NaiveDateTime;

use crate::domain::breach::countdown;
use crate::domain::clock;
use crate::domain::model::{OrderKind, Rag, ReceptionKind};
use crate::domain::orders::{EndDue, day_words};
use crate::domain::reengage::{Tried, cooling_off_phrase};
use crate::domain::release::Checklist;

use super::config::{ContactGroup, TriageConfig};

/// The kind of thing to do, for grouping and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// An outstanding breach.
    Breach(Rag),
    /// A release soon with an incomplete checklist.
    Release,
    /// Into custody, hand-over to the prison drug team not recorded.
    Handover,
    /// A court review soon: its progress report.
    CourtReview,
    /// A court order or licence may end soon: aftercare.
    OrderEnd,
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

impl Kind {
    /// Every kind (each RAG of a breach).
    pub const ALL: [Self; 12] = [
        Self::Breach(Rag::Red),
        Self::Breach(Rag::Amber),
        Self::Breach(Rag::Green),
        Self::Release,
        Self::Handover,
        Self::CourtReview,
        Self::OrderEnd,
        Self::Benchmark,
        Self::NoContact,
        Self::Review,
        Self::Referral,
        Self::Consent,
    ];

    /// The highest score an item of this kind can have under `cfg`, from the factors'
    /// ranges in [`Detail::terms`]; `None` for the kinds the first screen looks up by
    /// their own score (a breach) or day (no contact and a referral grow without bound).
    /// A new kind must say here how high it can score: the first screen relies on it.
    #[must_use]
    pub fn ceiling(self, cfg: &TriageConfig) -> Option<f64> {
        // The most `coefficient x factor` reaches, the factor in [low, high].
        let most =
            |coefficient: f64, low: f64, high: f64| (coefficient * low).max(coefficient * high);
        match self {
            Self::Breach(_) | Self::NoContact | Self::Referral => None,
            Self::Release => {
                Some(most(cfg.release_soon, 0.0, 1.0) + most(cfg.release_missing, 0.0, 1.0))
            }
            Self::Handover => Some(cfg.handover + most(cfg.handover_per_day, 0.0, 14.0)),
            Self::CourtReview => Some(most(cfg.court_review, 0.25, 1.0)),
            Self::OrderEnd => Some(most(cfg.order_end, 0.25, 1.0)),
            Self::Benchmark => Some(cfg.benchmark_overdue.max(most(cfg.exit_plan, 0.1, 1.0))),
            Self::Review => Some(most(cfg.review_overdue_per_day, 0.0, 60.0)),
            Self::Consent => Some(cfg.no_consent),
        }
    }
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
        /// What was tried to re-engage the client since the breach.
        tried: Tried,
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
        /// Remanded or sentenced, if recorded.
        reception: Option<ReceptionKind>,
    },
    /// A court order or licence may end soon, or has passed its last end date.
    OrderEnd {
        /// DRR, ATR, licence...
        kind: OrderKind,
        /// Which end, and how far away.
        due: EndDue,
    },
    /// A court review soon, its progress report not sent.
    CourtReview {
        /// The review date.
        on: chrono::NaiveDate,
        /// Days to it (0 = today).
        days: i64,
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
            Self::OrderEnd { .. } => Kind::OrderEnd,
            Self::CourtReview { .. } => Kind::CourtReview,
            Self::PastBenchmark { .. }
            | Self::ExtensionReviewOverdue { .. }
            | Self::NoExitPlan { .. } => Kind::Benchmark,
            Self::NoContact { .. } => Kind::NoContact,
            Self::ReviewOverdue { .. } => Kind::Review,
            Self::Referral { .. } => Kind::Referral,
            Self::NoConsent => Kind::Consent,
        }
    }

    /// Whether the thing is already late at `now`: a breach past its arrest deadline, a
    /// hand-over owed since a reception before today, the 13-week benchmark passed with
    /// no extension or a passed extension review, no contact for longer than expected,
    /// a passed care-plan review, a referral older than the assessment window, an
    /// assessment with no consent, an order past every date it could end on. Not late
    /// yet: a release ahead with its checklist open, day 77-90 with no exit plan, a
    /// breach still within its deadline, a reception today, an order that may end
    /// soon, a court review ahead. The capacity counts of the Areas view use it.
    #[must_use]
    pub fn overdue(&self, now: NaiveDateTime) -> bool {
        match *self {
            Self::Breach { deadline, .. } => now > deadline,
            Self::Handover { days, .. } => days > 0,
            Self::OrderEnd { due, .. } => matches!(due, EndDue::Passed { .. }),
            Self::Release { .. } | Self::NoExitPlan { .. } | Self::CourtReview { .. } => false,
            Self::PastBenchmark { .. }
            | Self::ExtensionReviewOverdue { .. }
            | Self::NoContact { .. }
            | Self::ReviewOverdue { .. }
            | Self::Referral { .. }
            | Self::NoConsent => true,
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
            Self::OrderEnd { due, .. } => {
                let factor = match due {
                    EndDue::MayEnd { days, .. } => closeness(days, cfg.order_end_lead_days),
                    EndDue::Passed { .. } => 1.0,
                };
                vec![Term::new("order may end: aftercare", cfg.order_end, factor)]
            }
            Self::CourtReview { days, .. } => vec![Term::new(
                "court review: progress report",
                cfg.court_review,
                closeness(days, cfg.court_review_lead_days),
            )],
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
                tried,
            } => {
                // "Amber: put out for arrest by ..." drops "breach" and "due" to fit 80
                // columns; the kind column says BR.
                let (label, due) = match rag {
                    Rag::Red => (breach_label(rag), " due"),
                    Rag::Amber | Rag::Green => (rag_word(rag), ""),
                };
                let action = crate::domain::breach::action(rag);
                if let Some(cooling) = cooling_off_until.and_then(|u| cooling_off_phrase(u, now)) {
                    format!("{label}: {cooling}; {}", tried.phrase())
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
            Self::Handover {
                days,
                prison_known,
                reception,
            } => handover_reason(days, prison_known, reception),
            Self::OrderEnd { kind, due } => order_end_reason(kind, due),
            Self::CourtReview { on, .. } => {
                format!(
                    "Court review {}: progress report",
                    day_words(on, now.date())
                )
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

/// "Remanded 2 days ago: hand-over to CARATS not recorded" and the like.
fn handover_reason(days: i64, prison_known: bool, reception: Option<ReceptionKind>) -> String {
    let went = match reception {
        Some(ReceptionKind::Remand) => "Remanded",
        Some(ReceptionKind::Sentence) => "Sentenced",
        None => "Into custody",
    };
    let when = match days {
        0 => format!("{went} today"),
        1 => format!("{went} yesterday"),
        d => format!("{went} {d} days ago"),
    };
    let what = if prison_known {
        "hand-over to CARATS not recorded"
    } else {
        "prison not known, no hand-over"
    };
    format!("{when}: {what}")
}

/// "DRR may end 14/03 (in 12 days): arrange aftercare", or that it was due to end.
fn order_end_reason(kind: OrderKind, due: EndDue) -> String {
    match due {
        EndDue::MayEnd { on, days } => {
            let when = match days {
                0 => "today".to_owned(),
                1 => "tomorrow".to_owned(),
                d => format!("in {d} days"),
            };
            format!(
                "{} may end {} ({when}): arrange aftercare",
                kind.short(),
                on.format("%d/%m")
            )
        }
        EndDue::Passed { on, .. } => format!(
            "{} was due to end {}: record its end",
            kind.short(),
            on.format("%d/%m")
        ),
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

/// How close `days` ahead is within a lead time of `lead` days: 1 on the day, a
/// quarter or more at the start of the lead time.
fn closeness(days: i64, lead: i64) -> f64 {
    let lead = as_f64(lead.max(1));
    ((lead - as_f64(days)) / lead).clamp(0.25, 1.0)
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
