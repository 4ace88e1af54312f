//! Breach deadlines: red = arrest within 24 hours, amber = within 7 days,
//! green = within one calendar month of the breach being raised.

use chrono::{Days, Months, NaiveDateTime, TimeDelta};

use super::model::Rag;

/// The time by which a breach raised at `raised_at` with marker `rag` must be dealt with.
///
/// A month is a calendar month; a day that does not exist in the next month is clamped
/// to its last day (31 January -> 28 or 29 February).
#[must_use]
pub fn deadline(raised_at: NaiveDateTime, rag: Rag) -> NaiveDateTime {
    let later = match rag {
        Rag::Red => raised_at.checked_add_signed(TimeDelta::hours(24)),
        Rag::Amber => raised_at.checked_add_days(Days::new(7)),
        Rag::Green => raised_at.checked_add_months(Months::new(1)),
    };
    later.unwrap_or(NaiveDateTime::MAX)
}

/// Whether an outstanding breach with this deadline is overdue at `now`.
/// The deadline minute itself still counts as in time.
#[must_use]
pub fn is_overdue(deadline: NaiveDateTime, now: NaiveDateTime) -> bool {
    now > deadline
}

/// Time left until the deadline (negative once overdue), for countdowns.
#[must_use]
pub fn time_left(deadline: NaiveDateTime, now: NaiveDateTime) -> TimeDelta {
    deadline - now
}

/// A short countdown such as "3d 4h", "5h 10m", "12m" or "overdue 2d 1h".
#[must_use]
pub fn countdown(deadline: NaiveDateTime, now: NaiveDateTime) -> String {
    let left = time_left(deadline, now);
    let (prefix, span) = if left < TimeDelta::zero() {
        ("overdue ", -left)
    } else {
        ("", left)
    };
    let minutes = span.num_minutes();
    let (d, h, m) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let body = if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else {
        format!("{m}m")
    };
    format!("{prefix}{body}")
}
