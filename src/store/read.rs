//! Row-mapping helpers shared by every read in the store: vocabulary codes,
//! date-times, and the column groups (flags, release checklist) several queries select.
//! Columns are read by name (a `&str`), or, in reads of many rows, by positions
//! looked up by name once per statement with [`columns!`]; only a query of one
//! column (a count, a pragma) reads position 0.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Row, RowIndex};

use crate::domain::model::{Flags, Vocabulary};
use crate::domain::release::Checklist;

/// Declares a struct of column positions, one `usize` field per column name, and
/// `of(statement)` to look them all up by name: a read of thousands of rows then
/// names its columns without searching the names for every cell, and a column the
/// query lacks fails when the statement is prepared, not on some later row.
macro_rules! columns {
    ($(#[$doc:meta])* $vis:vis $name:ident { $($column:ident),* $(,)? }) => {
        $(#[$doc])*
        $vis struct $name {
            $($vis $column: usize,)*
        }

        impl $name {
            /// Looks every column up by name in `stmt`'s result columns.
            $vis fn of(stmt: &rusqlite::Statement<'_>) -> rusqlite::Result<Self> {
                Ok(Self {
                    $($column: stmt.column_index(stringify!($column))?,)*
                })
            }
        }
    };
}
pub(super) use columns;

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

/// `index` (a name or a position) as a position in `r`.
fn position(r: &Row<'_>, index: impl RowIndex) -> rusqlite::Result<usize> {
    index.idx(r.as_ref())
}

fn conversion_error(index: usize, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        index,
        rusqlite::types::Type::Text,
        format!("unexpected value {text:?}").into(),
    )
}

/// A vocabulary value stored as its code.
pub(super) fn vocab<T: Vocabulary>(r: &Row<'_>, index: impl RowIndex) -> rusqlite::Result<T> {
    let index = position(r, index)?;
    let text: String = r.get(index)?;
    T::from_code(&text).ok_or_else(|| conversion_error(index, &text))
}

/// An optional vocabulary value.
pub(super) fn vocab_opt<T: Vocabulary>(
    r: &Row<'_>,
    index: impl RowIndex,
) -> rusqlite::Result<Option<T>> {
    let index = position(r, index)?;
    r.get::<_, Option<String>>(index)?
        .map(|text| T::from_code(&text).ok_or_else(|| conversion_error(index, &text)))
        .transpose()
}

/// A vocabulary value stored as its code, from a row of the SQL layer.
pub(super) fn code<T: Vocabulary>(row: &super::sql::Row, column: &str) -> super::sql::Result<T> {
    let text: String = row.get(column)?;
    T::from_code(&text).ok_or_else(|| super::sql::Error::Conversion {
        column: column.to_owned(),
        wanted: std::any::type_name::<T>(),
        found: format!("the text {text:?}"),
    })
}

/// An optional vocabulary value, from a row of the SQL layer.
pub(super) fn code_opt<T: Vocabulary>(
    row: &super::sql::Row,
    column: &str,
) -> super::sql::Result<Option<T>> {
    match row.get::<Option<String>>(column)? {
        None => Ok(None),
        Some(_) => code(row, column).map(Some),
    }
}

/// A stored `YYYY-MM-DD HH:MM` date-time.
pub(super) fn timestamp(r: &Row<'_>, index: impl RowIndex) -> rusqlite::Result<NaiveDateTime> {
    let index = position(r, index)?;
    let text: String = r.get(index)?;
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M")
        .map_err(|_| conversion_error(index, &text))
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

/// An optional stored date, or the date part of a stored date-time.
pub(super) fn date_opt(r: &Row<'_>, index: impl RowIndex) -> rusqlite::Result<Option<NaiveDate>> {
    let index = position(r, index)?;
    match r.get_ref(index)?.as_str_or_null()? {
        None => Ok(None),
        Some(text) => leading_date(text)
            .map(Some)
            .ok_or_else(|| conversion_error(index, text)),
    }
}

/// The release checklist, from the columns `at` found.
pub(super) fn checklist(r: &Row<'_>, at: &ChecklistColumns) -> rusqlite::Result<Checklist> {
    Ok(Checklist {
        appointment_booked: r.get(at.appointment_booked)?,
        prescriber_confirmed: r.get(at.prescriber_confirmed)?,
        naloxone_given: r.get(at.naloxone_given)?,
        accommodation_confirmed: r.get(at.accommodation_confirmed)?,
        prison_team_contacted: r.get(at.prison_team_contacted)?,
        dan_advised: r.get(at.dan_advised)?,
    })
}

/// The flags, from the columns `at` found.
pub(super) fn flags(r: &Row<'_>, at: &FlagColumns) -> rusqlite::Result<Flags> {
    Ok(Flags {
        iom: r.get(at.iom)?,
        ppo: r.get(at.ppo)?,
        mappa: r.get(at.mappa)?,
        marac: r.get(at.marac)?,
        matac: r.get(at.matac)?,
        approved_premises: r.get(at.approved_premises)?,
        drr: r.get(at.drr)?,
        atr: r.get(at.atr)?,
        licence_condition: r.get(at.licence_condition)?,
    })
}
