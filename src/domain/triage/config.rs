//! The team's settings for the queue: coefficients, thresholds, and how often each
//! group of clients expects a contact.

use serde::Deserialize;

use crate::domain::clock::ClockStart;
use crate::domain::model::Flags;

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
    /// Days before a court order's or licence's potential end date from which it is
    /// listed, to arrange aftercare (a team setting).
    pub order_end_lead_days: i64,
    /// Weight of a potential end inside that lead time, times how close it is
    /// (at least a quarter), and in full once every end date has passed.
    pub order_end: f64,
    /// Days before a court review from which its progress report is listed (a team
    /// setting).
    pub court_review_lead_days: i64,
    /// Weight of a court review inside that lead time, times how close it is (at
    /// least a quarter).
    pub court_review: f64,
    /// Which day the 13-week clock counts from (a team setting, as no source says):
    /// used by Today, the record, the lists and the return's retention bands.
    pub clock_starts: ClockStart,
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
            order_end_lead_days: 28,
            order_end: 40.0,
            court_review_lead_days: 7,
            court_review: 35.0,
            clock_starts: ClockStart::CarePlan,
        }
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
