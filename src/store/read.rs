//! Row-mapping helpers shared by every read in the store: vocabulary codes,
//! date-times, and the column groups (flags, release checklist) several queries select.
//! Columns are read by name (a `&str`), or, in reads of many rows, by positions
//! looked up by name once per statement with [`columns!`]; only a query of one
//! column (a count, a pragma) reads position 0.
//!
//! They read rows of the SQL layer ([`code`], [`code_opt`], [`date_opt`],
//! [`flags_of`], [`checklist`]; date-times read as `NaiveDateTime`).

use chrono::NaiveDate;

use super::sql;
use crate::domain::model::{Flags, Vocabulary};
use crate::domain::release::Checklist;

/// What column positions are looked up in: a row of the SQL layer (whose names are its
/// statement's).
pub(super) trait Names {
    /// The error of a name the statement lacks.
    type Error;

    /// The position of `column` among the result columns.
    ///
    /// # Errors
    /// When there is no such column.
    fn position(&self, column: &str) -> Result<usize, Self::Error>;
}

impl Names for sql::Row {
    type Error = sql::Error;

    fn position(&self, column: &str) -> sql::Result<usize> {
        self.index(column)
    }
}

/// Declares a struct of column positions, one `usize` field per column name, and
/// `of(statement or row)` to look them all up by name: a read of thousands of rows
/// then names its columns without searching the names for every cell, and a column
/// the query lacks fails at once, not on some later row.
macro_rules! columns {
    ($(#[$doc:meta])* $vis:vis $name:ident { $($column:ident),* $(,)? }) => {
        $(#[$doc])*
        $vis struct $name {
            $($vis $column: usize,)*
        }

        impl $name {
            /// Looks every column up by name in `source`'s result columns.
            $vis fn of<S: $crate::store::read::Names>(source: &S) -> Result<Self, S::Error> {
                Ok(Self {
                    $($column: source.position(stringify!($column))?,)*
                })
            }
        }
    };
}
pub(super) use columns;

/// A column of a row of the SQL layer: its name, or its position looked up once.
pub(super) trait Column: Copy {
    /// Its position in `row`.
    ///
    /// # Errors
    /// [`sql::Error::NoColumn`] for a name the row lacks.
    fn position(self, row: &sql::Row) -> sql::Result<usize>;
}

impl Column for usize {
    fn position(self, _: &sql::Row) -> sql::Result<usize> {
        Ok(self)
    }
}

impl Column for &str {
    fn position(self, row: &sql::Row) -> sql::Result<usize> {
        row.index(self)
    }
}

/// The error of a stored text that is not what its column holds.
fn unexpected(row: &sql::Row, index: usize, wanted: &'static str, text: &str) -> sql::Error {
    sql::Error::Conversion {
        column: row.names()[index].clone(),
        wanted,
        found: format!("the text {text:?}"),
    }
}

/// A vocabulary value stored as its code, from a row of the SQL layer.
pub(super) fn code<T: Vocabulary>(row: &sql::Row, column: impl Column) -> sql::Result<T> {
    let index = column.position(row)?;
    code_opt(row, index)?.ok_or_else(|| sql::Error::Conversion {
        column: row.names()[index].clone(),
        wanted: std::any::type_name::<T>(),
        found: "null".to_owned(),
    })
}

/// An optional vocabulary value, from a row of the SQL layer.
pub(super) fn code_opt<T: Vocabulary>(
    row: &sql::Row,
    column: impl Column,
) -> sql::Result<Option<T>> {
    let index = column.position(row)?;
    row.text_at(index)?
        .map(|text| {
            T::from_code(text)
                .ok_or_else(|| unexpected(row, index, std::any::type_name::<T>(), text))
        })
        .transpose()
}

/// An optional stored date, or the date part of a stored date-time, from a row of the
/// SQL layer.
pub(super) fn date_opt(row: &sql::Row, column: impl Column) -> sql::Result<Option<NaiveDate>> {
    let index = column.position(row)?;
    row.text_at(index)?
        .map(|text| leading_date(text).ok_or_else(|| unexpected(row, index, "date", text)))
        .transpose()
}

/// The release checklist, from the columns `at` found.
pub(super) fn checklist(row: &sql::Row, at: &ChecklistColumns) -> sql::Result<Checklist> {
    Ok(Checklist {
        appointment_booked: row.get_at(at.appointment_booked)?,
        prescriber_confirmed: row.get_at(at.prescriber_confirmed)?,
        naloxone_given: row.get_at(at.naloxone_given)?,
        accommodation_confirmed: row.get_at(at.accommodation_confirmed)?,
        prison_team_contacted: row.get_at(at.prison_team_contacted)?,
        dan_advised: row.get_at(at.dan_advised)?,
    })
}

/// The flags, from the columns `at` found in a row of the SQL layer.
pub(super) fn flags_of(row: &sql::Row, at: &FlagColumns) -> sql::Result<Flags> {
    Ok(Flags {
        iom: row.get_at(at.iom)?,
        ppo: row.get_at(at.ppo)?,
        mappa: row.get_at(at.mappa)?,
        marac: row.get_at(at.marac)?,
        matac: row.get_at(at.matac)?,
        approved_premises: row.get_at(at.approved_premises)?,
        drr: row.get_at(at.drr)?,
        atr: row.get_at(at.atr)?,
        licence_condition: row.get_at(at.licence_condition)?,
    })
}

columns! {
    /// Where a query put the nine flag columns (`iom` .. `licence_condition`).
    pub(super) FlagColumns {
        iom, ppo, mappa, marac, matac, approved_premises, drr, atr, licence_condition,
    }
}

columns! {
    /// Where a query put the six release-checklist columns.
    pub(super) ChecklistColumns {
        appointment_booked, prescriber_confirmed, naloxone_given, accommodation_confirmed,
        prison_team_contacted, dan_advised,
    }
}

/// The date that starts a stored `YYYY-MM-DD` text (a date-time's date part too), read
/// without a format parser: the caseload reads eight per row, 80,000 rows at a time.
pub(super) fn leading_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(10).is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    NaiveDate::from_ymd_opt(
        i32::try_from(digits(0..4)?).ok()?,
        digits(5..7)?,
        digits(8..10)?,
    )
}
