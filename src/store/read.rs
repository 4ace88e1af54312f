//! Row-mapping helpers shared by every read in the store: vocabulary codes,
//! date-times, and the column groups (flags, release checklist) several queries select.

use chrono::NaiveDateTime;
use rusqlite::Row;

use crate::domain::model::{Flags, Vocabulary};
use crate::domain::release::Checklist;

fn conversion_error(index: usize, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        index,
        rusqlite::types::Type::Text,
        format!("unexpected value {text:?}").into(),
    )
}

/// A vocabulary value stored as its code.
pub(super) fn vocab<T: Vocabulary>(r: &Row<'_>, index: usize) -> rusqlite::Result<T> {
    let text: String = r.get(index)?;
    T::from_code(&text).ok_or_else(|| conversion_error(index, &text))
}

/// An optional vocabulary value.
pub(super) fn vocab_opt<T: Vocabulary>(r: &Row<'_>, index: usize) -> rusqlite::Result<Option<T>> {
    r.get::<_, Option<String>>(index)?
        .map(|text| T::from_code(&text).ok_or_else(|| conversion_error(index, &text)))
        .transpose()
}

/// A stored `YYYY-MM-DD HH:MM` date-time.
pub(super) fn timestamp(r: &Row<'_>, index: usize) -> rusqlite::Result<NaiveDateTime> {
    let text: String = r.get(index)?;
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M")
        .map_err(|_| conversion_error(index, &text))
}

/// The five release-checklist columns, from `first` on, in schema order.
pub(super) fn checklist(r: &Row<'_>, first: usize) -> rusqlite::Result<Checklist> {
    Ok(Checklist {
        appointment_booked: r.get(first)?,
        prescriber_confirmed: r.get(first + 1)?,
        naloxone_given: r.get(first + 2)?,
        accommodation_confirmed: r.get(first + 3)?,
        prison_team_contacted: r.get(first + 4)?,
    })
}

/// The nine flag columns (`iom` .. `licence_condition`), from `first` on, in schema order.
pub(super) fn flags(r: &Row<'_>, first: usize) -> rusqlite::Result<Flags> {
    Ok(Flags {
        iom: r.get(first)?,
        ppo: r.get(first + 1)?,
        mappa: r.get(first + 2)?,
        marac: r.get(first + 3)?,
        matac: r.get(first + 4)?,
        approved_premises: r.get(first + 5)?,
        drr: r.get(first + 6)?,
        atr: r.get(first + 7)?,
        licence_condition: r.get(first + 8)?,
    })
}
