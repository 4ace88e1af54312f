//! Dates as people type them: `dd/mm/yyyy`, ISO `yyyy-mm-dd`, `today`, `yesterday`,
//! `tomorrow`, and `+7` / `-3` (days from today). Two-digit years are refused because
//! `01/02/03` is ambiguous in a record that must stand up in court.

use chrono::{Days, NaiveDate};

/// What the date fields accept, quoted in every refusal.
pub const ACCEPTED: &str = "use dd/mm/yyyy, yyyy-mm-dd, today, yesterday, or +N/-N days";

/// Why a typed date was refused; `Display` names the problem and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Nothing was typed.
    Empty,
    /// A year of fewer than four digits.
    TwoDigitYear(String),
    /// Looks like a date but the day does not exist, e.g. 31/02/2024.
    Impossible(String),
    /// Not in any accepted form.
    Unrecognised(String),
    /// A future date where only today or the past makes sense.
    InFuture(NaiveDate),
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => write!(f, "no date given: {ACCEPTED}"),
            Self::TwoDigitYear(s) => {
                write!(
                    f,
                    "'{s}' has a two-digit year: write all four digits, e.g. 05/03/2026"
                )
            }
            Self::Impossible(s) => write!(f, "'{s}' is not a real date: check the day and month"),
            Self::Unrecognised(s) => write!(f, "'{s}' is not a date: {ACCEPTED}"),
            Self::InFuture(d) => write!(
                f,
                "{} is in the future: this date must be today or earlier",
                d.format("%d/%m/%Y")
            ),
        }
    }
}

impl std::error::Error for DateError {}

/// Parses a typed date relative to `today`.
///
/// # Errors
/// [`DateError`] explaining what was wrong.
pub fn parse_date(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(DateError::Empty);
    }
    match text.to_ascii_lowercase().as_str() {
        "today" | "t" => return Ok(today),
        "yesterday" | "y" => return Ok(today - Days::new(1)),
        "tomorrow" => return Ok(today + Days::new(1)),
        _ => {}
    }
    if let Some(rest) = text.strip_prefix(['+', '-']) {
        let days: u64 = rest
            .parse()
            .map_err(|_| DateError::Unrecognised(text.to_owned()))?;
        let moved = if text.starts_with('+') {
            today.checked_add_days(Days::new(days))
        } else {
            today.checked_sub_days(Days::new(days))
        };
        return moved.ok_or_else(|| DateError::Impossible(text.to_owned()));
    }
    let (year, month, day) =
        split_date(text).ok_or_else(|| DateError::Unrecognised(text.to_owned()))?;
    if year.len() != 4 {
        return Err(DateError::TwoDigitYear(text.to_owned()));
    }
    let number = |s: &str| s.parse::<u32>().ok();
    match (year.parse::<i32>().ok(), number(month), number(day)) {
        (Some(y), Some(m), Some(d)) => {
            NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DateError::Impossible(text.to_owned()))
        }
        _ => Err(DateError::Unrecognised(text.to_owned())),
    }
}

/// Like [`parse_date`] but refuses dates after `today` (contact dates, closures...).
///
/// # Errors
/// [`DateError`], including [`DateError::InFuture`].
pub fn parse_past_date(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let date = parse_date(input, today)?;
    if date > today {
        return Err(DateError::InFuture(date));
    }
    Ok(date)
}

/// The earliest year of birth accepted: anyone older is a typing error.
pub const EARLIEST_BIRTH_YEAR: i32 = 1900;

/// The youngest a client can be, in years: the age of criminal responsibility.
pub const YOUNGEST_CLIENT_YEARS: u32 = 10;

/// Whether `born` is a plausible date of birth on `today`: from 1 January
/// [`EARLIEST_BIRTH_YEAR`] to [`YOUNGEST_CLIENT_YEARS`] years before today.
///
/// # Errors
/// A sentence naming the date and the range.
pub fn check_date_of_birth(born: NaiveDate, today: NaiveDate) -> Result<(), String> {
    let earliest = NaiveDate::from_ymd_opt(EARLIEST_BIRTH_YEAR, 1, 1).unwrap_or(NaiveDate::MIN);
    let latest = today
        .checked_sub_months(chrono::Months::new(12 * YOUNGEST_CLIENT_YEARS))
        .unwrap_or(NaiveDate::MIN);
    if born < earliest || born > latest {
        return Err(format!(
            "{} is not a plausible date of birth: it must be between {} and {} ({YOUNGEST_CLIENT_YEARS} years before today); check the year",
            uk(born),
            uk(earliest),
            uk(latest)
        ));
    }
    Ok(())
}

/// Splits `dd/mm/yyyy` or `yyyy-mm-dd` into (year, month, day) digit strings.
fn split_date(text: &str) -> Option<(&str, &str, &str)> {
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = if text.contains('/') {
        text.split('/').collect()
    } else {
        text.split('-').collect()
    };
    if parts.len() != 3 || !parts.iter().all(|p| all_digits(p)) {
        return None;
    }
    if text.contains('/') {
        Some((parts[2], parts[1], parts[0]))
    } else if parts[0].len() == 4 {
        Some((parts[0], parts[1], parts[2]))
    } else {
        // `dd-mm-yy(yy)`: treat like the slash form so the year rule applies.
        Some((parts[2], parts[1], parts[0]))
    }
}

/// Formats a date the way UK services write it.
#[must_use]
pub fn uk(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}
