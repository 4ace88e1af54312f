//! Reading the cells of one CSV record into a typed row, noting each problem with its
//! line and column and keeping on, so one pass reports every problem in a file.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::dates::parse_date;
use crate::domain::model::{
    AssessmentKind, AssessmentOutcome, BreachStatus, ContactKind, Ethnicity, ExitReason,
    ModalityKind, OutcomeKind, Rag, ReferralSource, Sex, SignpostDestination, Substance, TestKind,
    TestResult,
};
use crate::domain::safe_text::refused_text;

use super::rows::{
    AssessmentRow, BreachRow, BriefInterventionRow, CLEAR, CLEARABLE, Cell, ClientRow, ContactRow,
    DrugTestRow, EngagementRow, EpisodeRow, FLAG_COLUMNS, Kind, ModalityRow, OutcomeRow, Problem,
    Row, TallyRow, room,
};

mod duties;
mod orders;

pub(super) struct Cells<'a> {
    pub(super) line: u64,
    pub(super) columns: &'a [(&'static str, usize)],
    pub(super) record: &'a csv::StringRecord,
    pub(super) problems: &'a mut Vec<Problem>,
    pub(super) ok: bool,
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
        let cell = if crate::transfer::is_formula_like(original) {
            original
        } else {
            cleaned.as_str()
        };
        if cell.is_empty() {
            return None;
        }
        if crate::transfer::is_formula_like(cell) {
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

    /// A required date, or date and `HH:MM` (midnight if no time).
    fn date_time(&mut self, column: &str) -> NaiveDateTime {
        let before = self.problems.len();
        let value = self.optional_date_time(column);
        self.missing(column, value.is_none(), before);
        value.unwrap_or(NaiveDateTime::MIN)
    }

    /// A date, or a date and `HH:MM` (midnight if no time); `None` if absent, blank or
    /// refused (with the problem noted).
    fn optional_date_time(&mut self, column: &str) -> Option<NaiveDateTime> {
        let before = self.problems.len();
        let text = self.get(column)?;
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
        (self.problems.len() == before).then(|| date.and_time(time))
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

    pub(super) fn row(&mut self, kind: Kind) -> Row {
        match kind {
            Kind::Clients => Row::Client(self.client()),
            Kind::Episodes => Row::Episode(self.episode()),
            Kind::Custody => Row::Custody(self.custody()),
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
            Kind::DrugTests => Row::DrugTest(DrugTestRow {
                client: self.required("client_reference"),
                tested_on: self.required_date("tested_on"),
                kind: self.required_code(
                    "kind",
                    TestKind::from_code,
                    &codes(TestKind::ALL, TestKind::code),
                    TestKind::Treatment,
                ),
                result: self.required_code(
                    "result",
                    TestResult::from_code,
                    &codes(TestResult::ALL, TestResult::code),
                    TestResult::Negative,
                ),
            }),
            Kind::Tallies => Row::Tally(TallyRow {
                area: self.required("area"),
                recorded_on: self.required_date("recorded_on"),
                charged: self.required_count("charged"),
                tested: self.required_count("tested"),
                positive: self.count("positive").unwrap_or(0),
            }),
            Kind::Outcomes => Row::Outcome(OutcomeRow {
                client: self.required("client_reference"),
                referral_date: self.required_date("referral_date"),
                recorded_on: self.required_date("recorded_on"),
                kind: self.required_code(
                    "kind",
                    OutcomeKind::from_code,
                    &codes(OutcomeKind::ALL, OutcomeKind::code),
                    OutcomeKind::Other,
                ),
            }),
            Kind::Modalities => Row::Modality(ModalityRow {
                client: self.required("client_reference"),
                referral_date: self.required_date("referral_date"),
                kind: self.required_code(
                    "kind",
                    ModalityKind::from_code,
                    &codes(ModalityKind::ALL, ModalityKind::code),
                    ModalityKind::Other,
                ),
                started_on: self.required_date("started_on"),
                ended_on: self.date("ended_on"),
                completed: self.flag("completed"),
            }),
            Kind::BriefInterventions => Row::BriefIntervention(self.brief_interventions()),
            Kind::Assessments => Row::Assessment(self.assessment()),
            Kind::Engagement => Row::Engagement(self.engagement()),
            Kind::Orders => Row::Order(self.order()),
            Kind::Reengagement => Row::Reengagement(self.reengagement()),
            Kind::CourtReviews => Row::CourtReview(self.court_review()),
        }
    }

    fn engagement(&mut self) -> EngagementRow {
        EngagementRow {
            client: self.required("client_reference"),
            referral_date: self.required_date("referral_date"),
            engaged_on: self.required_date("engaged_on"),
        }
    }

    fn brief_interventions(&mut self) -> BriefInterventionRow {
        BriefInterventionRow {
            area: self.required("area"),
            recorded_on: self.required_date("recorded_on"),
            worker: self.required("worker"),
            signposted_to: self.code(
                "signposted_to",
                SignpostDestination::from_code,
                &codes(SignpostDestination::ALL, SignpostDestination::code),
            ),
            count: self.required_count("count"),
        }
    }

    /// An appointment: a failed attendance raises a breach, so it needs the breach's
    /// RAG, which no other outcome has.
    fn assessment(&mut self) -> AssessmentRow {
        let client = self.required("client_reference");
        let appointment_at = self.date_time("appointment_at");
        let kind = self.required_code(
            "kind",
            AssessmentKind::from_code,
            &codes(AssessmentKind::ALL, AssessmentKind::code),
            AssessmentKind::Initial,
        );
        let outcome = self.code(
            "outcome",
            AssessmentOutcome::from_code,
            &codes(AssessmentOutcome::ALL, AssessmentOutcome::code),
        );
        let before = self.problems.len();
        let breach_rag = self.code("breach_rag", Rag::from_code, &codes(Rag::ALL, Rag::code));
        let breached_at = self.optional_date_time("breached_at");
        let failed = outcome == Some(AssessmentOutcome::FailedToAttend);
        if failed && breach_rag.is_none() && self.problems.len() == before {
            self.problem(
                "breach_rag",
                "failing to attend is a breach, raised as the outcome form raises it: give \
                 its RAG (red, amber or green)"
                    .to_owned(),
            );
        }
        if !failed && (breach_rag.is_some() || breached_at.is_some()) {
            self.problem(
                if breach_rag.is_some() {
                    "breach_rag"
                } else {
                    "breached_at"
                },
                "a breach is raised only when the client failed to attend: leave breach_rag \
                 and breached_at blank, or give the outcome failed_to_attend"
                    .to_owned(),
            );
        }
        AssessmentRow {
            client,
            appointment_at,
            kind,
            outcome,
            breach_rag,
            breached_at,
        }
    }

    /// A whole number of people, 0 or more; `None` if absent or blank.
    fn count(&mut self, column: &str) -> Option<u32> {
        let text = self.get(column)?;
        let value = text
            .parse::<u32>()
            .ok()
            .filter(|_| text.bytes().all(|b| b.is_ascii_digit()));
        if value.is_none() {
            self.problem(
                column,
                format!("'{text}' is not a count: write a whole number, 0 or more (e.g. 12)"),
            );
        }
        value
    }

    /// A required count; 0 only fills the gap in a row already refused.
    fn required_count(&mut self, column: &str) -> u32 {
        let before = self.problems.len();
        let value = self.count(column);
        self.missing(column, value.is_none(), before);
        value.unwrap_or(0)
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
            gp_practice: self.cell("gp_practice", |_, text| Some(text)),
            prescriber: self.cell("prescribing_service", |_, text| Some(text)),
            domestic_abuse: self.yes_no("da_perpetrator"),
        }
    }

    fn episode(&mut self) -> EpisodeRow {
        let tier = self.get("tier").and_then(|t| {
            if let Ok(n @ 1..=4) = t.parse::<u8>() {
                Some(n)
            } else {
                self.problem("tier", format!("'{t}' is not a tier from 1 to 4"));
                None
            }
        });
        let assessment_date = self.date("assessment_date");
        let assessed_need = self.yes_no("assessed_need");
        if assessed_need == Some(false) && assessment_date.is_none() {
            self.problem(
                "assessed_need",
                "assessed_need says what the assessment found: give its assessment_date, or \
                 leave assessed_need blank"
                    .to_owned(),
            );
        }
        let engaged = self.yes_no("engaged");
        let engaged_on = self.date("engaged_on");
        if engaged == Some(false) && engaged_on.is_some() {
            self.problem(
                "engaged_on",
                "engaged_on is the day engagement was evidenced (DIR section 9): leave it \
                 blank where engaged is no"
                    .to_owned(),
            );
        }
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
            assessment_date,
            care_plan_date: self.date("care_plan_date"),
            engaged: engaged.or(engaged_on.map(|_| true)),
            engaged_on,
            assessed_need,
            dan_advised: self.yes_no("dan_advised"),
            prescribed: self.yes_no("prescribed"),
            tier,
            closure: closure_date.zip(exit),
        }
    }
}

/// Files need absolute dates: a relative one would change meaning with the import day.
fn not_absolute(text: &str) -> String {
    format!("'{text}' is not a date: files need dd/mm/yyyy or yyyy-mm-dd")
}

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}
