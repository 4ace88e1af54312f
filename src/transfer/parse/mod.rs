//! Parsing import files into typed rows, with every problem located by line and
//! column. No store access: references to clients, areas and workers stay as text.

mod cells;
mod duty_rows;
mod rows;

use cells::Cells;
pub use duty_rows::{CourtReviewRow, HandoverCells, ReengagementRow};
pub use rows::{
    AssessmentRow, BreachRow, BriefInterventionRow, CLEAR, CLEARABLE, Cell, ClientRow, ContactRow,
    CustodyRow, DrugTestRow, EngagementRow, EpisodeRow, FLAG_COLUMNS, Kind, ModalityRow, OrderRow,
    OutcomeRow, Parsed, Problem, Row, TallyRow, columns_help, max_chars, room,
};

/// Parses `bytes` as a `kind` file. Relative dates (`today`, `+7`) are refused: a file
/// must mean the same whenever it is imported.
#[must_use]
pub fn parse(kind: Kind, bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    let text = match super::decode(bytes) {
        Ok(text) => text,
        Err(undecodable) => {
            parsed.problems.push(Problem {
                line: undecodable.line,
                column: None,
                message: undecodable.message,
            });
            return parsed;
        }
    };
    if let Some(line) = unclosed_quote(text) {
        parsed.problems.push(Problem {
            line,
            column: None,
            message: "a quoted cell starts on this line and its closing quote (\") is missing, \
                      so the rest of the file would be read as one cell: add the closing quote \
                      and import again"
                .to_owned(),
        });
        return parsed;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            parsed.problems.push(Problem {
                line: 1,
                column: None,
                message: format!("cannot read the header: {e}"),
            });
            return parsed;
        }
        None => {
            parsed.problems.push(Problem {
                line: 1,
                column: None,
                message: "the file is empty: it needs a header row".to_owned(),
            });
            return parsed;
        }
    };
    let Some(columns) = header_columns(kind, &header, &mut parsed.problems) else {
        return parsed;
    };
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                parsed.problems.push(Problem {
                    line,
                    column: None,
                    message: format!("cannot read this line: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            parsed.problems.push(Problem {
                line,
                column: None,
                message: format!(
                    "{} cells where the header has {}",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        let mut cells = Cells {
            line,
            columns: &columns,
            record: &record,
            problems: &mut parsed.problems,
            ok: true,
        };
        let row = cells.row(kind);
        if cells.ok {
            parsed.rows.push((line, row));
        }
    }
    parsed
}

/// The line where a quoted cell starts that is never closed, read as the CSV reader
/// reads (a quote opens a quoted cell only at the start of a cell; `""` inside one is
/// a quote).
fn unclosed_quote(text: &str) -> Option<u64> {
    #[derive(Clone, Copy)]
    enum State {
        CellStart,
        InCell,
        Quoted(u64),
        AfterQuote(u64),
    }
    let mut line = 1;
    let mut state = State::CellStart;
    for c in text.chars() {
        state = match (state, c) {
            (State::Quoted(start), '"') => State::AfterQuote(start),
            (State::Quoted(start), _) | (State::AfterQuote(start), '"') => State::Quoted(start),
            (State::CellStart, '"') => State::Quoted(line),
            (_, ',' | '\n' | '\r') => State::CellStart,
            _ => State::InCell,
        };
        if c == '\n' {
            line += 1;
        }
    }
    match state {
        State::Quoted(start) => Some(start),
        _ => None,
    }
}

/// Maps header names (case-insensitive, trimmed) to positions; refuses unknown,
/// repeated and missing required columns.
fn header_columns(
    kind: Kind,
    header: &csv::StringRecord,
    problems: &mut Vec<Problem>,
) -> Option<Vec<(&'static str, usize)>> {
    let accepted = kind.columns();
    let before = problems.len();
    let mut columns = Vec::new();
    for (index, name) in header.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        match accepted.iter().find(|(c, _)| *c == name) {
            Some((c, _)) if columns.iter().any(|(seen, _)| seen == c) => problems.push(Problem {
                line: 1,
                column: Some(name.clone()),
                message: "this column appears twice".to_owned(),
            }),
            Some((c, _)) => columns.push((*c, index)),
            None => problems.push(Problem {
                line: 1,
                column: Some(name.clone()),
                message: format!(
                    "unknown column; accepted: {}",
                    accepted
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }
    for (name, required) in accepted {
        if *required && !columns.iter().any(|(c, _)| c == name) {
            problems.push(Problem {
                line: 1,
                column: Some((*name).to_owned()),
                message: "required column is missing".to_owned(),
            });
        }
    }
    (problems.len() == before).then_some(columns)
}
