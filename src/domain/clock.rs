//! The 13-week benchmark clock and retention bands.
//!
//! Day numbering: the clock's start is day 0, so "day D" is the number of whole days
//! since it and week N is the Nth week (`D / 7 + 1`). The benchmark of 13 weeks (91
//! days) is reached on day 91; day 92 onwards without a current extension is overdue.
//! No source says where the clock starts, so that is a team setting ([`ClockStart`]):
//! the care-plan date (the caseload start) unless the team chooses the assessment.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Length of the benchmark in days (13 weeks).
pub const BENCHMARK_DAYS: i64 = 91;
/// From this day (the first day of week 11) the clock shows "approaching".
pub const APPROACHING_FROM_DAY: i64 = 70;

/// Which day the 13-week clock (and the retention bands at closure) count from: a local
/// rule, as no source says (003 only sets the 13 weeks), so a team setting. Either way a
/// client is on the caseload only once a care plan is started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClockStart {
    /// The care-plan date: the caseload start (the default).
    #[default]
    CarePlan,
    /// The assessment (DIR) date, as teams that count from triage do; the care-plan
    /// date when there is no assessment or the care plan came first.
    Assessment,
}

impl ClockStart {
    /// Day 0 of the clock for an episode with these dates; `None` until a care plan is
    /// started (not on the caseload yet).
    #[must_use]
    pub fn of(
        self,
        assessment: Option<NaiveDate>,
        care_plan: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        let care_plan = care_plan?;
        Some(match self {
            Self::CarePlan => care_plan,
            Self::Assessment => assessment.map_or(care_plan, |a| a.min(care_plan)),
        })
    }

    /// The value as written in the config file.
    #[must_use]
    pub const fn setting(self) -> &'static str {
        match self {
            Self::CarePlan => "care-plan",
            Self::Assessment => "assessment",
        }
    }

    /// The start in words, for definitions: "the care-plan date".
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::CarePlan => "the care-plan date",
            Self::Assessment => "the assessment (DIR) date, or the care-plan date if earlier",
        }
    }
}

/// Where a client stands against the 13-week benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Weeks 1-10.
    OnTrack,
    /// Week 11 up to day 90: the exit decision is due soon.
    Approaching,
    /// Day 91: the benchmark is today.
    Due,
    /// A recorded extension runs until its review date (inclusive).
    Extended,
    /// Past day 91 with no extension, or past the extension's review date.
    Overdue,
}

impl Stage {
    /// Short word for lists.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::OnTrack => "on track",
            Self::Approaching => "approaching",
            Self::Due => "due",
            Self::Extended => "extended",
            Self::Overdue => "overdue",
        }
    }
}

/// The clock for one episode on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Whole days since the clock's start (day 0).
    pub day: i64,
    /// The week the client is in (week 1 is days 0-6).
    pub week: i64,
    /// Stage against the benchmark.
    pub stage: Stage,
    /// The date the benchmark is reached (start + 91 days).
    pub benchmark_date: NaiveDate,
}

/// Computes the clock for an episode whose clock started on `start` (see
/// [`ClockStart::of`]).
///
/// `extension_review_date` is the review date of a recorded extension, if any.
/// Returns `None` for a start date in the future (not on the caseload yet).
#[must_use]
pub fn clock(
    start: NaiveDate,
    extension_review_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Clock> {
    let day = (today - start).num_days();
    if day < 0 {
        return None;
    }
    let stage = match day {
        d if d < APPROACHING_FROM_DAY => Stage::OnTrack,
        d if d < BENCHMARK_DAYS => Stage::Approaching,
        BENCHMARK_DAYS => Stage::Due,
        _ => match extension_review_date {
            Some(review) if today <= review => Stage::Extended,
            _ => Stage::Overdue,
        },
    };
    Some(Clock {
        day,
        week: day / 7 + 1,
        stage,
        benchmark_date: start + chrono::Days::new(91),
    })
}

/// Whether a client is at or past the benchmark (day 91 or later), extended or not.
#[must_use]
pub fn at_or_past_benchmark(start: NaiveDate, today: NaiveDate) -> bool {
    (today - start).num_days() >= BENCHMARK_DAYS
}

/// Retention bands reported at closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RetentionBand {
    /// Fewer than 12 whole weeks.
    UpTo11Weeks,
    /// 12 to 23 whole weeks.
    From12To23Weeks,
    /// 24 whole weeks or more.
    From24Weeks,
}

impl RetentionBand {
    /// Every band, in report order.
    pub const ALL: [Self; 3] = [Self::UpTo11Weeks, Self::From12To23Weeks, Self::From24Weeks];

    /// Label as in the quarterly return.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::UpTo11Weeks => "0-11 weeks",
            Self::From12To23Weeks => "12-23 weeks",
            Self::From24Weeks => "24+ weeks",
        }
    }
}

/// Band of an episode retained from `start` (the clock's start) to `closure`.
///
/// Counts whole weeks, so day 83 is 11 weeks and day 84 is 12. A closure before the
/// start (bad data) counts as 0 weeks rather than failing.
#[must_use]
pub fn retention_band(start: NaiveDate, closure: NaiveDate) -> RetentionBand {
    match (closure - start).num_days().max(0) / 7 {
        0..=11 => RetentionBand::UpTo11Weeks,
        12..=23 => RetentionBand::From12To23Weeks,
        _ => RetentionBand::From24Weeks,
    }
}
