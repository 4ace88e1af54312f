//! Data exchange: CSV import (parsing in [`parse`], checking against the store in
//! [`import`] and [`clients`], writing in `write`) and CSV/JSON export ([`export`]). Shared by the CLI and the TUI.

pub mod clients;
pub mod export;
pub mod import;
pub mod parse;
mod write;

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
        Ok(self.inner.into_inner().map_err(|e| e.to_string())?)
    }
}

/// Decodes an import file: UTF-8 with or without a byte-order mark. Anything else is
/// refused with the encoding named, so garbage never becomes rows.
///
/// # Errors
/// A sentence naming the encoding found and how to fix it.
pub fn decode(bytes: &[u8]) -> Result<&str, String> {
    const SAVE_AS: &str = "save it as \"CSV UTF-8\" and import again";
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let order = if bytes[0] == 0xFF { "LE" } else { "BE" };
        return Err(format!("the file is UTF-16 {order}, not UTF-8: {SAVE_AS}"));
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        let order = if at % 2 == 1 { "LE" } else { "BE" };
        return Err(format!(
            "the file contains NUL bytes, so it is UTF-16 {order} (no byte-order mark), not UTF-8: {SAVE_AS}"
        ));
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|e| {
        let offset = e.valid_up_to();
        let line = body[..offset].split(|b| *b == b'\n').count();
        format!(
            "line {line}: byte 0x{:02X} is not UTF-8; the file looks like Windows-1252 (ANSI): {SAVE_AS}",
            body[offset]
        )
    })
}
