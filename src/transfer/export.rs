//! Exports as CSV (every cell neutralised against formula injection) or JSON, with an
//! optional redaction of what identifies a person.

use serde_json::{Map, Value};

use crate::store::ExportTable;

/// Export file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Comma-separated, header row first.
    Csv,
    /// An array of objects keyed by column name.
    Json,
}

/// Replaces identifying cells: names become initials, dates of birth and NHS numbers
/// are blanked, and audit before/after values (which may hold any field) are withheld.
#[must_use]
pub fn redact(mut table: ExportTable) -> ExportTable {
    for (index, column) in table.columns.iter().enumerate() {
        for row in &mut table.rows {
            let cell = &mut row[index];
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
    table
}

/// Renders `table` in `format`.
///
/// # Errors
/// A CSV or JSON writer error.
pub fn render(
    table: &ExportTable,
    format: ExportFormat,
) -> Result<String, Box<dyn std::error::Error>> {
    match format {
        ExportFormat::Csv => {
            let mut out = super::SafeCsv::new(Vec::new());
            out.row(&table.columns)?;
            for row in &table.rows {
                out.row(row)?;
            }
            Ok(String::from_utf8(out.finish()?)?)
        }
        ExportFormat::Json => {
            let rows: Vec<Value> = table
                .rows
                .iter()
                .map(|row| {
                    let object: Map<String, Value> = table
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| ((*c).to_owned(), Value::String(v.clone())))
                        .collect();
                    Value::Object(object)
                })
                .collect();
            Ok(serde_json::to_string_pretty(&rows)? + "\n")
        }
    }
}
