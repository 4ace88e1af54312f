//! Row-mapping helpers shared by every read in the store: vocabulary codes,
//! date-times, and the column groups (flags, release checklist) several queries select.

use chrono::{NaiveDate, NaiveDateTime};
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

/// The date that starts a stored `YYYY-MM-DD` text (a date-time's date part too), read
/// without a format parser: the caseload reads eight per row, 80,000 rows at a time.
fn leading_date(text: &str) -> Option<NaiveDate> {
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
pub(super) fn date_opt(r: &Row<'_>, index: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match r.get_ref(index)?.as_str_or_null()? {
        None => Ok(None),
        Some(text) => leading_date(text)
            .map(Some)
            .ok_or_else(|| conversion_error(index, text)),
    }
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
