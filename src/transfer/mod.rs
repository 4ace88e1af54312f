//! Data exchange: CSV import (parsing in [`parse`], checking against the store in
//! [`import`] and [`clients`], writing in `write`) and CSV/JSON export ([`export`]).
//! Shared by the CLI and the TUI.

mod check;
mod check_facts;
pub mod clients;
pub mod export;
pub mod import;
pub mod parse;
mod write;
mod write_duties;

use std::io::Write;

pub use crate::domain::safe_text::{is_formula_like, neutralise};

/// A CSV writer that neutralises every cell it writes.
pub struct SafeCsv<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> SafeCsv<W> {
    /// Writes CSV to `out`.
    pub fn new(out: W) -> Self {
        Self {
            inner: csv::Writer::from_writer(out),
        }
    }

    /// Writes one row.
    ///
    /// # Errors
    /// An I/O error from the underlying writer.
    pub fn row<I, S>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        self.inner.write_record(&cells)
    }

    /// Flushes and returns the output.
    ///
    /// # Errors
    /// An I/O error from flushing.
    pub fn finish(self) -> Result<W, Box<dyn std::error::Error>> {
        Ok(self
            .inner
            .into_inner()
            .map_err(csv::IntoInnerError::into_error)?)
    }
}

/// Why an import file is not text caseload can read: the line where it shows, and a
/// sentence naming what was found and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    /// The line (1 is the header) where the problem is.
    pub line: u64,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for Undecodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Decodes an import file: UTF-8 with or without a byte-order mark. Anything else is
/// refused with the encoding named, so garbage never becomes rows.
///
/// # Errors
/// An [`Undecodable`] naming the encoding found (or the stray byte) and the fix.
pub fn decode(bytes: &[u8]) -> Result<&str, Undecodable> {
    const SAVE_AS: &str = "save it as \"CSV UTF-8\" and import again";
    let whole = |message: String| Undecodable { line: 1, message };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let order = if bytes[0] == 0xFF { "LE" } else { "BE" };
        return Err(whole(format!(
            "the file is UTF-16 {order}, not UTF-8: {SAVE_AS}"
        )));
    }
    if let Some(order) = utf16_without_mark(bytes) {
        return Err(whole(format!(
            "the file is UTF-16 {order} (every other byte is zero), not UTF-8: {SAVE_AS}"
        )));
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let line_of = |offset: usize| {
        u64::try_from(body[..offset].split(|b| *b == b'\n').count()).unwrap_or(u64::MAX)
    };
    if let Some(at) = body.iter().position(|b| *b == 0) {
        return Err(Undecodable {
            line: line_of(at),
            message: "holds a NUL (zero) byte, which is never part of a CSV file: the file \
                      is damaged or not a spreadsheet export; export it again from the \
                      spreadsheet as \"CSV UTF-8\""
                .to_owned(),
        });
    }
    std::str::from_utf8(body).map_err(|e| {
        let offset = e.valid_up_to();
        Undecodable {
            line: line_of(offset),
            message: format!(
                "byte 0x{:02X} is not UTF-8; the file looks like Windows-1252 (ANSI): {SAVE_AS}",
                body[offset]
            ),
        }
    })
}

/// Whether `bytes` look like UTF-16 with no byte-order mark: text in it has a zero in
/// every other byte (most of the first 512), always on the same side.
fn utf16_without_mark(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(512)];
    let pairs = head.len() / 2;
    if pairs == 0 {
        return None;
    }
    let zero_at = |side: usize| head.chunks_exact(2).filter(|p| p[side] == 0).count();
    let (high, low) = (zero_at(0), zero_at(1));
    // ASCII text as UTF-16: nearly every pair has its zero on one side.
    if low * 10 >= pairs * 8 && high == 0 {
        Some("LE")
    } else if high * 10 >= pairs * 8 && low == 0 {
        Some("BE")
    } else {
        None
    }
}
