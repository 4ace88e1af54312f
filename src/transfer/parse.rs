//! Parsing import files into typed rows, with every problem located by line and
//! column. No store access: references to clients, areas and workers stay as text.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::dates::parse_date;
use crate::domain::model::{
    BreachStatus, ContactKind, Ethnicity, ExitReason, Rag, ReferralSource, ReleaseType, Sex,
    Substance,
};
use crate::domain::safe_text::{Room, refused_text};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Clients, keyed on `reference`.
    Clients,
    /// Episodes, keyed on client reference and referral date.
    Episodes,
    /// Custody episodes, keyed on client reference and reception date.
    Custody,
    /// Contacts, keyed on client reference, time and kind.
    Contacts,
    /// Breaches, keyed on client reference and time raised.
    Breaches,
}

impl Kind {
    /// Accepted columns: (name, required).
    #[must_use]
    pub const fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            Self::Clients => &[
                ("reference", true),
                ("given_name", true),
                ("family_name", true),
                ("date_of_birth", true),
                ("area", true),
                ("sex", false),
                ("ethnicity", false),
                ("nhs_number", false),
                ("care_coordinator", false),
                ("consent_date", false),
                ("substance_1", false),
                ("substance_2", false),
                ("substance_3", false),
                ("iom", false),
                ("ppo", false),
                ("mappa", false),
                ("marac", false),
                ("matac", false),
                ("approved_premises", false),
                ("drr", false),
                ("atr", false),
                ("licence_condition", false),
            ],
            Self::Episodes => &[
                ("client_reference", true),
                ("referral_date", true),
                ("referral_source", true),
                ("assessment_date", false),
                ("care_plan_date", false),
                ("engaged", false),
                ("prescribed", false),
                ("tier", false),
                ("closure_date", false),
                ("exit_reason", false),
            ],
            Self::Custody => &[
                ("client_reference", true),
                ("prison", true),
                ("reception_date", true),
                ("expected_release_date", false),
                ("earliest_release_date", false),
                ("release_type", false),
                ("actual_release_date", false),
            ],
            Self::Contacts => &[
                ("client_reference", true),
                ("worker", true),
                ("contact_at", true),
                ("kind", true),
                ("note", false),
            ],
            Self::Breaches => &[
                ("client_reference", true),
                ("raised_at", true),
                ("rag", true),
                ("status", false),
                ("resolution_date", false),
            ],
        }
    }
}

/// A problem with one line (and column) of a file; line 1 is the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line number in the file.
    pub line: u64,
    /// Column name, if the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// The cell marker that empties an optional client field (a blank cell leaves it).
pub const CLEAR: &str = "(clear)";

/// The optional client columns that [`CLEAR`] may empty.
pub const CLEARABLE: [&str; 6] = [
    "nhs_number",
    "care_coordinator",
    "consent_date",
    "substance_1",
    "substance_2",
    "substance_3",
];

/// The yes/no client columns, in the order of [`ClientRow::flags`].
pub const FLAG_COLUMNS: [&str; 9] = [
    "iom",
    "ppo",
    "mappa",
    "marac",
    "matac",
    "approved_premises",
    "drr",
    "atr",
    "licence_condition",
];

/// What a file says about one optional field of an existing record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<T> {
    /// Column absent, or the cell blank: the stored value stays.
    Keep,
    /// The cell is [`CLEAR`]: the stored value is emptied.
    Clear,
    /// A new value.
    Set(T),
}

impl<T: Clone> Cell<T> {
    /// The value after this cell: `stored` kept, emptied, or replaced.
    #[must_use]
    pub fn over(&self, stored: Option<T>) -> Option<T> {
        match self {
            Self::Keep => stored,
            Self::Clear => None,
            Self::Set(value) => Some(value.clone()),
        }
    }
}

/// A client row (area and care co-ordinator by name or login, resolved later). Only
/// the required columns always have a value; the others say what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRow {
    /// Unique reference.
    pub reference: String,
    /// Given name (NFC, trimmed, without zero-width characters).
    pub given_name: String,
    /// Family name (likewise).
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Area name.
    pub area: String,
    /// Sex.
    pub sex: Cell<Sex>,
    /// Ethnic group.
    pub ethnicity: Cell<Ethnicity>,
    /// NHS number.
    pub nhs_number: Cell<String>,
    /// Care co-ordinator's login or name.
    pub care_coordinator: Cell<String>,
    /// Consent date.
    pub consent_date: Cell<NaiveDate>,
    /// `substance_1`..`substance_3`, primary first.
    pub substances: [Cell<Substance>; 3],
    /// Yes/no columns in [`FLAG_COLUMNS`] order; `None` where absent or blank.
    pub flags: [Option<bool>; 9],
}

/// An episode row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpisodeRow {
    /// Client reference.
    pub client: String,
    /// Referral date.
    pub referral_date: NaiveDate,
    /// Referral source.
    pub referral_source: ReferralSource,
    /// Assessment date.
    pub assessment_date: Option<NaiveDate>,
    /// Care-plan date.
    pub care_plan_date: Option<NaiveDate>,
    /// Engaged.
    pub engaged: bool,
    /// Prescribed.
    pub prescribed: bool,
    /// Tier 1-4.
    pub tier: u8,
    /// Closure.
    pub closure: Option<(NaiveDate, ExitReason)>,
}

/// A custody row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustodyRow {
    /// Client reference.
    pub client: String,
    /// Prison.
    pub prison: String,
    /// Reception date.
    pub reception_date: NaiveDate,
    /// Expected release.
    pub expected_release_date: Option<NaiveDate>,
    /// Earliest release.
    pub earliest_release_date: Option<NaiveDate>,
    /// Release type.
    pub release_type: Option<ReleaseType>,
    /// Actual release.
    pub actual_release_date: Option<NaiveDate>,
}

/// A contact row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    /// Client reference.
    pub client: String,
    /// Worker login or name.
    pub worker: String,
    /// When.
    pub contact_at: NaiveDateTime,
    /// Kind.
    pub kind: ContactKind,
    /// Note.
    pub note: String,
}

/// A breach row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachRow {
    /// Client reference.
    pub client: String,
    /// When raised.
    pub raised_at: NaiveDateTime,
    /// RAG.
    pub rag: Rag,
    /// Status.
    pub status: BreachStatus,
    /// Resolution date.
    pub resolution_date: Option<NaiveDate>,
}

/// One parsed row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// Client.
    Client(ClientRow),
    /// Episode.
    Episode(EpisodeRow),
    /// Custody.
    Custody(CustodyRow),
    /// Contact.
    Contact(ContactRow),
    /// Breach.
    Breach(BreachRow),
}

/// A parsed file: rows that parsed cleanly (with line numbers) and every problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Rows, with their line numbers.
    pub rows: Vec<(u64, Row)>,
    /// Problems found.
    pub problems: Vec<Problem>,
}

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

struct Cells<'a> {
    line: u64,
    columns: &'a [(&'static str, usize)],
    record: &'a csv::StringRecord,
    problems: &'a mut Vec<Problem>,
    ok: bool,
}

impl Cells<'_> {
    fn problem(&mut self, column: &str, message: String) {
        self.ok = false;
        self.problems.push(Problem {
            line: self.line,
            column: Some(column.to_owned()),
            message,
        });
    }

    /// The trimmed cell, `None` if the column is absent or the cell blank. The
    /// [`CLEAR`] marker is refused here: [`Self::cell`] reads the columns it may empty.
    fn get(&mut self, column: &str) -> Option<String> {
        let text = self.raw(column)?;
        if text.eq_ignore_ascii_case(CLEAR) {
            self.problem(
                column,
                format!(
                    "{CLEAR} empties only an optional client field ({}): leave this cell as it should be",
                    CLEARABLE.join(", ")
                ),
            );
            return None;
        }
        Some(text)
    }

    /// A cell of a column [`CLEAR`] may empty: absent or blank keeps, the marker clears.
    fn cell<T>(
        &mut self,
        column: &str,
        read: impl FnOnce(&mut Self, String) -> Option<T>,
    ) -> Cell<T> {
        match self.raw(column) {
            None => Cell::Keep,
            Some(text) if text.eq_ignore_ascii_case(CLEAR) => Cell::Clear,
            Some(text) => read(self, text).map_or(Cell::Keep, Cell::Set),
        }
    }

    /// The cell without surrounding spaces, zero-width characters or a second Unicode
    /// form (NFC), refusing formula-like text; `None` if absent or blank.
    fn raw(&mut self, column: &str) -> Option<String> {
        let index = self.columns.iter().find(|(c, _)| *c == column)?.1;
        let original = self.record.get(index)?.trim_matches(' ');
        if let Some(why) = refused_text(room(column), original) {
            self.problem(column, why);
            return None;
        }
        let cleaned = crate::domain::twin::clean_name(original);
        let cell = if super::is_formula_like(original) {
            original
        } else {
            cleaned.as_str()
        };
        if cell.is_empty() {
            return None;
        }
        if super::is_formula_like(cell) {
            let first = cell
                .chars()
                .next()
                .map_or(String::new(), |c| c.escape_default().to_string());
            self.problem(
                column,
                format!("starts with '{first}', which spreadsheets run as a formula: refused"),
            );
            return None;
        }
        Some(cell.to_owned())
    }

    fn required(&mut self, column: &str) -> String {
        let before = self.problems.len();
        let value = self.get(column);
        self.missing(column, value.is_none(), before);
        value.unwrap_or_default()
    }

    /// Reports a required cell as missing, unless reading it already raised a problem.
    fn missing(&mut self, column: &str, absent: bool, problems_before: usize) {
        if absent && self.problems.len() == problems_before {
            self.problem(column, "is required".to_owned());
        }
    }

    fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let text = self.get(column)?;
        self.date_text(column, &text)
    }

    fn date_text(&mut self, column: &str, text: &str) -> Option<NaiveDate> {
        if !text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'/' || b == b'-')
        {
            self.problem(column, not_absolute(text));
            return None;
        }
        // `today` is irrelevant: only absolute dates reach parse_date here.
        match parse_date(text, NaiveDate::MIN) {
            Ok(date) => Some(date),
            Err(e) => {
                self.problem(column, e.to_string());
                None
            }
        }
    }

    fn required_date(&mut self, column: &str) -> NaiveDate {
        let before = self.problems.len();
        let date = self.date(column);
        self.missing(column, date.is_none(), before);
        date.unwrap_or(NaiveDate::MIN)
    }

    /// A date, or a date and `HH:MM` (midnight if no time).
    fn date_time(&mut self, column: &str) -> NaiveDateTime {
        let before = self.problems.len();
        let Some(text) = self.get(column) else {
            self.missing(column, true, before);
            return NaiveDateTime::MIN;
        };
        let (day, time) = match text.split_once([' ', 'T']) {
            Some((d, t)) => (d.to_owned(), Some(t.trim().to_owned())),
            None => (text.clone(), None),
        };
        let time = match time.map(|t| NaiveTime::parse_from_str(&t, "%H:%M")) {
            None => NaiveTime::MIN,
            Some(Ok(t)) => t,
            Some(Err(_)) => {
                self.problem(
                    column,
                    format!("'{text}' has a time that is not HH:MM (24-hour)"),
                );
                NaiveTime::MIN
            }
        };
        let date = match parse_date(&day, NaiveDate::MIN) {
            Ok(d)
                if day
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'/' || b == b'-') =>
            {
                d
            }
            Ok(_) => {
                self.problem(column, not_absolute(&day));
                NaiveDate::MIN
            }
            Err(e) => {
                self.problem(column, e.to_string());
                NaiveDate::MIN
            }
        };
        date.and_time(time)
    }

    fn code<T>(&mut self, column: &str, parse: fn(&str) -> Option<T>, all: &[&str]) -> Option<T> {
        let text = self.get(column)?;
        self.code_text(column, &text, parse, all)
    }

    fn code_text<T>(
        &mut self,
        column: &str,
        text: &str,
        parse: fn(&str) -> Option<T>,
        all: &[&str],
    ) -> Option<T> {
        let value = parse(text);
        if value.is_none() {
            self.problem(
                column,
                format!("'{text}' is not one of: {}", all.join(", ")),
            );
        }
        value
    }

    fn flag(&mut self, column: &str) -> bool {
        self.yes_no(column).unwrap_or(false)
    }

    /// A yes/no cell; `None` if the column is absent or the cell blank.
    fn yes_no(&mut self, column: &str) -> Option<bool> {
        match self.get(column)?.to_ascii_lowercase().as_str() {
            "0" | "n" | "no" | "false" => Some(false),
            "1" | "y" | "yes" | "true" => Some(true),
            other => {
                let other = other.to_owned();
                self.problem(column, format!("'{other}' is not yes or no"));
                None
            }
        }
    }

    fn row(&mut self, kind: Kind) -> Row {
        match kind {
            Kind::Clients => Row::Client(self.client()),
            Kind::Episodes => Row::Episode(self.episode()),
            Kind::Custody => Row::Custody(CustodyRow {
                client: self.required("client_reference"),
                prison: self.required("prison"),
                reception_date: self.required_date("reception_date"),
                expected_release_date: self.date("expected_release_date"),
                earliest_release_date: self.date("earliest_release_date"),
                release_type: self.code(
                    "release_type",
                    ReleaseType::from_code,
                    &codes(ReleaseType::ALL, ReleaseType::code),
                ),
                actual_release_date: self.date("actual_release_date"),
            }),
            Kind::Contacts => Row::Contact(ContactRow {
                client: self.required("client_reference"),
                worker: self.required("worker"),
                contact_at: self.date_time("contact_at"),
                kind: self.required_code(
                    "kind",
                    ContactKind::from_code,
                    &codes(ContactKind::ALL, ContactKind::code),
                    ContactKind::Other,
                ),
                note: self.get("note").unwrap_or_default(),
            }),
            Kind::Breaches => Row::Breach(BreachRow {
                client: self.required("client_reference"),
                raised_at: self.date_time("raised_at"),
                rag: self.required_code(
                    "rag",
                    Rag::from_code,
                    &codes(Rag::ALL, Rag::code),
                    Rag::Red,
                ),
                status: self
                    .code(
                        "status",
                        BreachStatus::from_code,
                        &codes(BreachStatus::ALL, BreachStatus::code),
                    )
                    .unwrap_or(BreachStatus::Outstanding),
                resolution_date: self.date("resolution_date"),
            }),
        }
    }

    /// A required code; `fallback` only fills the gap in a row already refused.
    fn required_code<T>(
        &mut self,
        column: &str,
        parse: fn(&str) -> Option<T>,
        all: &[&str],
        fallback: T,
    ) -> T {
        let before = self.problems.len();
        let value = self.code(column, parse, all);
        self.missing(column, value.is_none(), before);
        value.unwrap_or(fallback)
    }

    fn client(&mut self) -> ClientRow {
        let substance_codes = codes(Substance::ALL, Substance::code);
        let substances = ["substance_1", "substance_2", "substance_3"].map(|column| {
            self.cell(column, |cells, text| {
                cells.code_text(column, &text, Substance::from_code, &substance_codes)
            })
        });
        let nhs_number = self.cell("nhs_number", |cells, text| {
            crate::domain::nhs::parse_nhs_number(&text)
                .map_err(|e| cells.problem("nhs_number", format!("'{text}': {e}")))
                .ok()
        });
        let sex = self.code("sex", Sex::from_code, &codes(Sex::ALL, Sex::code));
        let ethnicity = self.code(
            "ethnicity",
            Ethnicity::from_code,
            &codes(Ethnicity::ALL, Ethnicity::code),
        );
        ClientRow {
            reference: self.required("reference"),
            given_name: self.required("given_name"),
            family_name: self.required("family_name"),
            date_of_birth: self.required_date("date_of_birth"),
            area: self.required("area"),
            sex: sex.map_or(Cell::Keep, Cell::Set),
            ethnicity: ethnicity.map_or(Cell::Keep, Cell::Set),
            nhs_number,
            care_coordinator: self.cell("care_coordinator", |_, text| Some(text)),
            consent_date: self.cell("consent_date", |cells, text| {
                cells.date_text("consent_date", &text)
            }),
            substances,
            flags: FLAG_COLUMNS.map(|column| self.yes_no(column)),
        }
    }

    fn episode(&mut self) -> EpisodeRow {
        let tier = self.get("tier").map_or(2, |t| {
            if let Ok(n @ 1..=4) = t.parse::<u8>() {
                n
            } else {
                self.problem("tier", format!("'{t}' is not a tier from 1 to 4"));
                2
            }
        });
        let closure_date = self.date("closure_date");
        let exit = self.code(
            "exit_reason",
            ExitReason::from_code,
            &codes(ExitReason::ALL, ExitReason::code),
        );
        if closure_date.is_some() != exit.is_some() {
            self.problem(
                "exit_reason",
                "closure_date and exit_reason go together: give both or neither".to_owned(),
            );
        }
        EpisodeRow {
            client: self.required("client_reference"),
            referral_date: self.required_date("referral_date"),
            referral_source: self.required_code(
                "referral_source",
                ReferralSource::from_code,
                &codes(ReferralSource::ALL, ReferralSource::code),
                ReferralSource::Other,
            ),
            assessment_date: self.date("assessment_date"),
            care_plan_date: self.date("care_plan_date"),
            engaged: self.flag("engaged"),
            prescribed: self.flag("prescribed"),
            tier,
            closure: closure_date.zip(exit),
        }
    }
}

/// The room a cell of `column` has: room for any real value, and no more (a
/// megabyte "name" is an attack or a broken file, not a person).
#[must_use]
pub fn room(column: &str) -> Room {
    match column {
        "reference" | "client_reference" => Room::Reference,
        "given_name" | "family_name" | "area" | "worker" | "care_coordinator" | "prison" => {
            Room::Name
        }
        "note" => Room::Note,
        _ => Room::Short,
    }
}

/// The most characters a cell of `column` may hold.
#[must_use]
pub fn max_chars(column: &str) -> usize {
    room(column).max_chars()
}

/// Files need absolute dates: a relative one would change meaning with the import day.
fn not_absolute(text: &str) -> String {
    format!("'{text}' is not a date: files need dd/mm/yyyy or yyyy-mm-dd")
}

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}
