//! Reporting periods: UK financial-year quarters (Q1 = April-June), whole financial
//! years (April-March), or any inclusive range of dates.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// An inclusive range of days with the label the return prints for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// `2014-15:Q3`, `2014-15` or `01/04/2014 to 30/06/2014`.
    pub label: String,
}

/// Why a period was refused; `Display` says what is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError(pub String);

impl std::fmt::Display for PeriodError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "'{}' is not a period: use a financial year such as 2014-15, a quarter such as 2014-15:Q3, or --from/--to dates",
            self.0
        )
    }
}

impl std::error::Error for PeriodError {}

impl Period {
    /// The financial year starting on 1 April of `start_year`.
    ///
    /// # Errors
    /// [`PeriodError`] for a year chrono cannot represent.
    pub fn year(start_year: i32) -> Result<Self, PeriodError> {
        let bad = || PeriodError(start_year.to_string());
        Ok(Self {
            from: NaiveDate::from_ymd_opt(start_year, 4, 1).ok_or_else(bad)?,
            to: NaiveDate::from_ymd_opt(start_year + 1, 3, 31).ok_or_else(bad)?,
            label: year_label(start_year),
        })
    }

    /// Quarter `quarter` (1-4) of the financial year starting in `start_year`.
    ///
    /// # Errors
    /// [`PeriodError`] for a quarter outside 1-4.
    pub fn quarter(start_year: i32, quarter: u32) -> Result<Self, PeriodError> {
        let label = format!("{}:Q{quarter}", year_label(start_year));
        if !(1..=4).contains(&quarter) {
            return Err(PeriodError(label));
        }
        // Q1 starts in April; Q4 runs January-March of the following calendar year.
        let first_month = (quarter * 3) % 12 + 1;
        let year = if quarter == 4 {
            start_year + 1
        } else {
            start_year
        };
        let from = NaiveDate::from_ymd_opt(year, first_month, 1)
            .ok_or_else(|| PeriodError(label.clone()))?;
        let next = from
            .checked_add_months(chrono::Months::new(3))
            .ok_or_else(|| PeriodError(label.clone()))?;
        Ok(Self {
            from,
            to: next.pred_opt().ok_or_else(|| PeriodError(label.clone()))?,
            label,
        })
    }

    /// An arbitrary inclusive range.
    ///
    /// # Errors
    /// [`PeriodError`] if `to` is before `from`.
    pub fn between(from: NaiveDate, to: NaiveDate) -> Result<Self, PeriodError> {
        let label = format!("{} to {}", super::dates::uk(from), super::dates::uk(to));
        if to < from {
            return Err(PeriodError(label));
        }
        Ok(Self { from, to, label })
    }

    /// Parses `2014-15` (a year) or `2014-15:Q3` (a quarter); `/` may replace `-`.
    ///
    /// # Errors
    /// [`PeriodError`] for anything else, including `2014-16`.
    pub fn parse(text: &str) -> Result<Self, PeriodError> {
        let bad = || PeriodError(text.trim().to_owned());
        let (year_text, quarter) = match text.trim().split_once(':') {
            Some((y, q)) => {
                let q = q.trim().strip_prefix(['Q', 'q']).ok_or_else(bad)?;
                (y.trim(), Some(q.parse::<u32>().map_err(|_| bad())?))
            }
            None => (text.trim(), None),
        };
        let (start, end) = year_text.split_once(['-', '/']).ok_or_else(bad)?;
        if start.len() != 4 || end.len() != 2 {
            return Err(bad());
        }
        let start: i32 = start.parse().map_err(|_| bad())?;
        let end: i32 = end.parse().map_err(|_| bad())?;
        if (start + 1).rem_euclid(100) != end {
            return Err(bad());
        }
        match quarter {
            Some(q) => Self::quarter(start, q).map_err(|_| bad()),
            None => Self::year(start),
        }
    }

    /// The financial-year quarter that contains `day`.
    #[must_use]
    pub fn quarter_of(day: NaiveDate) -> Self {
        let month = day.month();
        let start_year = if month >= 4 {
            day.year()
        } else {
            day.year() - 1
        };
        let quarter = if month >= 4 { (month - 4) / 3 + 1 } else { 4 };
        // A date chrono can hold always has a quarter chrono can hold.
        Self::quarter(start_year, quarter).unwrap_or_else(|_| Self {
            from: day,
            to: day,
            label: String::new(),
        })
    }

    /// The last financial-year quarter that ended before `today`: the default period of
    /// the return, in the CLI and the TUI alike.
    #[must_use]
    pub fn last_complete_quarter(today: NaiveDate) -> Self {
        Self::quarter_of(Self::quarter_of(today).from.pred_opt().unwrap_or(today))
    }

    /// The quarter before the one containing this period's first day.
    #[must_use]
    pub fn previous_quarter(&self) -> Self {
        Self::quarter_of(self.from.pred_opt().unwrap_or(self.from))
    }

    /// The quarter after the one containing this period's last day.
    #[must_use]
    pub fn next_quarter(&self) -> Self {
        Self::quarter_of(self.to.succ_opt().unwrap_or(self.to))
    }

    /// Whether `day` falls in the period.
    #[must_use]
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// The same stretch a year earlier (2015-16:Q2 -> 2014-15:Q2), labelled as a
    /// quarter or a year where it is one.
    #[must_use]
    pub fn year_before(&self) -> Self {
        let back = |d: NaiveDate| d.checked_sub_months(chrono::Months::new(12)).unwrap_or(d);
        // The day after the end, moved back, then the day before: 29 February ends as
        // 28 February.
        let to = self
            .to
            .succ_opt()
            .map(back)
            .and_then(|d| d.pred_opt())
            .unwrap_or(self.to);
        let from = back(self.from);
        let quarter = Self::quarter_of(from);
        if quarter.from == from && quarter.to == to {
            return quarter;
        }
        if from.month() == 4 && from.day() == 1 {
            if let Ok(year) = Self::year(from.year()) {
                if year.to == to {
                    return year;
                }
            }
        }
        Self::between(from, to).unwrap_or_else(|_| self.clone())
    }

    /// The calendar months the period touches, each cut to the period and labelled
    /// like "Oct 2026".
    #[must_use]
    pub fn months(&self) -> Vec<Self> {
        let mut months = Vec::new();
        let mut from = self.from;
        while from <= self.to {
            let next = from
                .with_day(1)
                .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                .unwrap_or(NaiveDate::MAX);
            let to = next.pred_opt().unwrap_or(next).min(self.to);
            months.push(Self {
                from,
                to,
                label: from.format("%b %Y").to_string(),
            });
            if next == NaiveDate::MAX {
                break;
            }
            from = next;
        }
        months
    }

    /// Number of days in the period (at least 1).
    #[must_use]
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

fn year_label(start_year: i32) -> String {
    format!("{start_year}-{:02}", (start_year + 1).rem_euclid(100))
}
