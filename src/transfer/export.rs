//! Exports as CSV (every cell neutralised against formula injection) or JSON, with an
//! optional redaction of what identifies a person. Rows are written as they are read,
//! so an export of any size runs in the same memory.

use std::io::Write;

use chrono::NaiveDate;

use super::SafeCsv;
use crate::store::{ExportKind, ExportTable, Store};

/// Export file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Comma-separated, header row first.
    Csv,
    /// An array of objects keyed by column name.
    Json,
}

/// Replaces identifying cells of one row: names become initials, dates of birth and NHS
/// numbers are blanked, and audit before/after values (which may hold any field) are
/// withheld.
pub fn redact_row(columns: &[&str], row: &mut [String]) {
    for (column, cell) in columns.iter().zip(row) {
        match *column {
            "given_name" | "family_name" => {
                *cell = cell
                    .chars()
                    .next()
                    .map(|c| format!("{c}."))
                    .unwrap_or_default();
            }
            "date_of_birth" | "nhs_number" => cell.clear(),
            "before" | "after" if !cell.is_empty() => "[redacted]".clone_into(cell),
            _ => {}
        }
    }
}

/// [`redact_row`] over a whole table.
#[must_use]
pub fn redact(mut table: ExportTable) -> ExportTable {
    for row in &mut table.rows {
        redact_row(&table.columns, row);
    }
    table
}

/// Writes rows one at a time in a format: CSV with a header row, or a JSON array of
/// objects (laid out as `serde_json`'s pretty printer lays one out).
pub struct RowWriter<'c, W: Write> {
    columns: &'c [&'c str],
    out: Out<W>,
}

enum Out<W: Write> {
    Csv(Box<SafeCsv<W>>),
    Json { out: W, rows: usize },
}

impl<'c, W: Write> RowWriter<'c, W> {
    /// Starts writing rows of `columns` to `out`.
    ///
    /// # Errors
    /// An I/O error writing the CSV header.
    pub fn new(
        format: ExportFormat,
        columns: &'c [&'c str],
        out: W,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let out = match format {
            ExportFormat::Csv => {
                let mut csv = SafeCsv::new(out);
                csv.row(columns)?;
                Out::Csv(Box::new(csv))
            }
            ExportFormat::Json => Out::Json { out, rows: 0 },
        };
        Ok(Self { columns, out })
    }

    /// Writes one row (cells in column order).
    ///
    /// # Errors
    /// An I/O error.
    pub fn row(&mut self, cells: &[String]) -> Result<(), Box<dyn std::error::Error>> {
        match &mut self.out {
            Out::Csv(csv) => csv.row(cells)?,
            Out::Json { out, rows } => {
                out.write_all(if *rows == 0 { b"[\n  {" } else { b",\n  {" })?;
                for (n, (column, cell)) in self.columns.iter().zip(cells).enumerate() {
                    out.write_all(if n == 0 { b"\n    " } else { b",\n    " })?;
                    serde_json::to_writer(&mut *out, column)?;
                    out.write_all(b": ")?;
                    serde_json::to_writer(&mut *out, cell)?;
                }
                out.write_all(b"\n  }")?;
                *rows += 1;
            }
        }
        Ok(())
    }

    /// Ends the output (closes the JSON array), flushes it and returns the writer.
    ///
    /// # Errors
    /// An I/O error.
    pub fn finish(self) -> Result<W, Box<dyn std::error::Error>> {
        match self.out {
            Out::Csv(csv) => csv.finish(),
            Out::Json { mut out, rows } => {
                out.write_all(if rows == 0 { b"[]\n" } else { b"\n]\n" })?;
                out.flush()?;
                Ok(out)
            }
        }
    }
}

/// Streams the `kind` export to `out` as each row is read, redacted if asked, and
/// returns `out`, flushed.
///
/// # Errors
/// An SQLite or I/O error.
pub fn write<W: Write>(
    store: &Store,
    kind: ExportKind,
    today: NaiveDate,
    format: ExportFormat,
    redacted: bool,
    out: W,
) -> Result<W, Box<dyn std::error::Error>> {
    let columns = kind.columns();
    let mut writer = RowWriter::new(format, columns, out)?;
    store.export_each(
        kind,
        today,
        |row| -> Result<(), Box<dyn std::error::Error>> {
            if redacted {
                redact_row(columns, row);
            }
            writer.row(row)
        },
    )?;
    writer.finish()
}

/// Renders a whole `table` in `format`.
///
/// # Errors
/// A CSV or JSON writer error.
pub fn render(
    table: &ExportTable,
    format: ExportFormat,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut writer = RowWriter::new(format, &table.columns, Vec::new())?;
    for row in &table.rows {
        writer.row(row)?;
    }
    Ok(String::from_utf8(writer.finish()?)?)
}
