//! Counting: a count out of a count, and the two filters every figure uses.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::period::Period;

/// A count out of a count. The percentage exists only when the denominator is not zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ratio {
    /// The part.
    pub numerator: u64,
    /// The whole.
    pub denominator: u64,
}

impl Ratio {
    /// `numerator` out of `denominator`.
    #[must_use]
    pub const fn new(numerator: u64, denominator: u64) -> Self {
        Self {
            numerator,
            denominator,
        }
    }

    /// The percentage, or `None` for a zero denominator.
    #[must_use]
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    pub fn percent(self) -> Option<f64> {
        (self.denominator > 0).then(|| self.numerator as f64 * 100.0 / self.denominator as f64)
    }

    /// `57.3%`, or `n/a` for a zero denominator.
    #[must_use]
    pub fn display(self) -> String {
        self.percent()
            .map_or_else(|| "n/a".to_owned(), |p| format!("{p:.1}%"))
    }
}

pub(super) fn count<T>(rows: &[T], keep: impl Fn(&T) -> bool) -> u64 {
    rows.iter().filter(|r| keep(r)).count() as u64
}

pub(super) fn within(date: Option<NaiveDate>, period: &Period) -> bool {
    date.is_some_and(|d| period.contains(d))
}
