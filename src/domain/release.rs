//! Prison releases: days to release and readiness from the release checklist.

use chrono::NaiveDate;

pub use super::checklist::Checklist;
use super::model::Rag;

/// The date to plan for: the earliest possible release if it has not passed, else the
/// expected release date. `None` if neither is known.
#[must_use]
pub fn planning_date(
    expected: Option<NaiveDate>,
    earliest: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match (earliest, expected) {
        (Some(early), _) if early >= today => Some(early),
        (_, Some(expected)) => Some(expected),
        (early, None) => early,
    }
}

/// Whole days from `today` to `release` (0 = today, negative = passed).
#[must_use]
pub fn days_to_release(release: NaiveDate, today: NaiveDate) -> i64 {
    (release - today).num_days()
}

/// Release readiness as a RAG: a complete checklist is green; otherwise red within 2
/// days of release (or past it), amber within 7 days, green further out.
#[must_use]
pub fn readiness(checklist: &Checklist, days_to_release: i64) -> Rag {
    if checklist.is_complete() || days_to_release > 7 {
        Rag::Green
    } else if days_to_release <= 2 {
        Rag::Red
    } else {
        Rag::Amber
    }
}
