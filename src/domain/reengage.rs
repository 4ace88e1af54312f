//! Re-engagement after a breach, during the team's cooling-off period. London
//! boroughs allowed a "'cooling-off' period (in which re-engagement with the client is
//! sought)" of "between 48 hours and 5 days" before breaching (002). Each attempt
//! (when, how) is recorded, and the Today and Breaches views show what was tried
//! while the period runs.

use chrono::NaiveDateTime;

use super::breach::countdown;
use super::model::ReengageHow;

/// What was tried to re-engage a client after one breach, as lists need it: how
/// many attempts, and the latest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tried {
    /// Attempts recorded.
    pub count: u32,
    /// The latest attempt: when and how.
    pub last: Option<(NaiveDateTime, ReengageHow)>,
}

impl Tried {
    /// "nothing tried yet", "tried phone 28/11" or "tried 3x, last visit 29/11".
    #[must_use]
    pub fn phrase(&self) -> String {
        match (self.count, self.last) {
            (0, _) | (_, None) => "nothing tried yet".to_owned(),
            (1, Some((at, how))) => format!("tried {} {}", how.short(), at.format("%d/%m")),
            (n, Some((at, how))) => {
                format!("tried {n}x, last {} {}", how.short(), at.format("%d/%m"))
            }
        }
    }

    /// A narrow list cell: "none", "phone", "3 visit" (how many, and the latest how).
    #[must_use]
    pub fn short(&self) -> String {
        match (self.count, self.last) {
            (0, _) | (_, None) => "none".to_owned(),
            (1, Some((_, how))) => how.short().to_owned(),
            (n, Some((_, how))) => format!("{n} {}", how.short()),
        }
    }

    /// A list cell: "none", "phone 28/11", "3: visit 29/11".
    #[must_use]
    pub fn cell(&self) -> String {
        match (self.count, self.last) {
            (0, _) | (_, None) => "none".to_owned(),
            (1, Some((at, how))) => format!("{} {}", how.short(), at.format("%d/%m")),
            (n, Some((at, how))) => format!("{n}: {} {}", how.short(), at.format("%d/%m")),
        }
    }
}

/// "cooling-off 1d 4h left" while the cooling-off period ending at `until` runs at
/// `now` (its last minute is still in it); `None` once it has ended.
#[must_use]
pub fn cooling_off_phrase(until: NaiveDateTime, now: NaiveDateTime) -> Option<String> {
    (now < until).then(|| format!("cooling-off {} left", countdown(until, now)))
}

/// Whether an attempt at `at` can be recorded for a breach at `raised_at` by `now`.
///
/// # Errors
/// A sentence naming the fix: an attempt is made after the breach, and not in the
/// future.
pub fn check_attempt(
    raised_at: NaiveDateTime,
    at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), String> {
    if at < raised_at {
        return Err(format!(
            "re-engagement is sought after the breach ({}): give a time on or after it",
            raised_at.format("%d/%m/%Y %H:%M")
        ));
    }
    if at > now {
        return Err(format!(
            "an attempt cannot be dated in the future ({}): record it once it is made",
            at.format("%d/%m/%Y %H:%M")
        ));
    }
    Ok(())
}
