//! Breach deadlines, from the Gwent breach process (000, appendix B): "Offenders with a
//! red marker need to be arrested within 24 hours of their breach. Offenders with an
//! amber marker will be put out for arrest within 7 days of their breach. Offenders with
//! a green marker will be put out for arrest within 1 month of their breach."
//!
//! The clock runs from the breach, the missed appointment, not from when someone
//! recorded it: a breach recorded two days late is already two days into its window.

use chrono::{Days, Months, NaiveDateTime, TimeDelta};

use super::model::{BreachStatus, Rag};

/// What must happen by the deadline: "arrest" for red, "put out for arrest" for amber
/// and green (000, appendix B).
#[must_use]
pub const fn action(rag: Rag) -> &'static str {
    match rag {
        Rag::Red => "arrest",
        Rag::Amber | Rag::Green => "put out for arrest",
    }
}

/// When a breach happened: the time given, or else the missed appointment's time.
///
/// # Errors
/// A sentence naming the fix when the breach would be before the appointment (it is the
/// missed appointment) or after `now` (it has not happened yet).
pub fn breach_time(
    appointment_at: NaiveDateTime,
    given: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, String> {
    let at = given.unwrap_or(appointment_at);
    if at < appointment_at {
        return Err(format!(
            "a breach is the missed appointment, so it cannot be dated before the appointment \
             ({}): give a time on or after it, or leave it blank",
            appointment_at.format("%d/%m/%Y %H:%M")
        ));
    }
    if at > now {
        return Err(format!(
            "a breach cannot be dated in the future ({}): record it once the appointment \
             at {} has been missed",
            at.format("%d/%m/%Y %H:%M"),
            appointment_at.format("%d/%m/%Y %H:%M")
        ));
    }
    Ok(at)
}

/// Whether `status` may be recorded on a breach marked `rag`: a red breach must be
/// arrested within 24 hours, so "put out for arrest" does not deal with it.
///
/// # Errors
/// A sentence naming the fix.
pub fn check_status(rag: Rag, status: BreachStatus) -> Result<(), String> {
    if rag == Rag::Red && status == BreachStatus::PutOutForArrest {
        return Err(
            "a red breach must be arrested within 24 hours of the breach, so 'put out for \
             arrest' does not deal with it: record 'arrested' once the client is arrested"
                .to_owned(),
        );
    }
    Ok(())
}

/// When the cooling-off period after a breach at `raised_at` ends, if the team uses one
/// (`hours` > 0): London boroughs allowed a "'cooling-off' period (in which
/// re-engagement with the client is sought)" of "between 48 hours and 5 days" (002). It
/// is shown while it runs; the deadline still runs from the breach.
#[must_use]
pub fn cooling_off_until(raised_at: NaiveDateTime, hours: i64) -> Option<NaiveDateTime> {
    (hours > 0)
        .then(|| raised_at.checked_add_signed(TimeDelta::hours(hours)))
        .flatten()
}

/// The time by which a breach at `raised_at` (the breach itself, not its recording)
/// with marker `rag` must be dealt with.
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
