//! What an import file holds and parses into: its kind and columns, the typed rows,
//! the problems found, and the room each cell has. References to clients, areas and
//! workers stay as text here; the import resolves them against the store.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::model::{
    AssessmentKind, AssessmentOutcome, BreachStatus, ContactKind, Ethnicity, ExitReason,
    ModalityKind, OutcomeKind, Rag, ReferralSource, ReleaseType, Sex, SignpostDestination,
    Substance, TestKind, TestResult,
};
use crate::domain::safe_text::Room;

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
    /// Drug tests of every kind with their results, keyed on client, day and kind.
    DrugTests,
    /// Custody-suite tallies, keyed on area and day.
    Tallies,
    /// Positive outcomes of an episode, keyed on the whole row.
    Outcomes,
    /// Care-plan modalities of an episode, keyed on the episode, kind and start.
    Modalities,
    /// Brief interventions per worker and day, with where they signposted people,
    /// keyed on area, day, worker and outcome.
    BriefInterventions,
    /// Required Assessment and Restriction on Bail appointments with their outcomes,
    /// keyed on client reference, appointment time and kind.
    Assessments,
    /// The day an episode's client engaged (DIR section 9 completed), keyed on the
    /// episode (client reference and referral date).
    Engagement,
    /// Court orders and licences with every date each may end on, keyed on client
    /// reference, kind and start date.
    Orders,
    /// Attempts to re-engage a client after a breach, keyed on the breach (client
    /// reference and time raised), the time and how.
    Reengagement,
    /// Court reviews of an order (client reference, kind and start date), keyed on
    /// the order and the review date.
    CourtReviews,
}

impl Kind {
    /// Accepted columns: (name, required).
    #[must_use]
    #[allow(clippy::too_many_lines)] // the columns of every kind, in one table
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
                ("gp_practice", false),
                ("prescribing_service", false),
                ("da_perpetrator", false),
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
                ("assessed_need", false),
                ("engaged_on", false),
                ("dan_advised", false),
            ],
            Self::Custody => &[
                ("client_reference", true),
                ("prison", false),
                ("reception_date", true),
                ("expected_release_date", false),
                ("earliest_release_date", false),
                ("release_type", false),
                ("actual_release_date", false),
                ("reception_kind", false),
                ("handover_with", false),
                ("handover_on", false),
                ("prescribing_confirmed", false),
                ("consent_confirmed", false),
                ("dan_advised", false),
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
            Self::DrugTests => &[
                ("client_reference", true),
                ("tested_on", true),
                ("kind", true),
                ("result", true),
            ],
            Self::Tallies => &[
                ("area", true),
                ("recorded_on", true),
                ("charged", true),
                ("tested", true),
                ("positive", false),
            ],
            Self::Outcomes => &[
                ("client_reference", true),
                ("referral_date", true),
                ("recorded_on", true),
                ("kind", true),
            ],
            Self::Modalities => &[
                ("client_reference", true),
                ("referral_date", true),
                ("kind", true),
                ("started_on", true),
                ("ended_on", false),
                ("completed", false),
            ],
            Self::BriefInterventions => &[
                ("area", true),
                ("recorded_on", true),
                ("worker", true),
                ("signposted_to", false),
                ("count", true),
            ],
            Self::Assessments => &[
                ("client_reference", true),
                ("appointment_at", true),
                ("kind", true),
                ("outcome", false),
                ("breach_rag", false),
                ("breached_at", false),
            ],
            Self::Engagement => &[
                ("client_reference", true),
                ("referral_date", true),
                ("engaged_on", true),
            ],
            Self::Orders => &[
                ("client_reference", true),
                ("kind", true),
                ("court", true),
                ("start_date", true),
                ("end_date", true),
                ("early_end_date", false),
                ("late_end_date", false),
                ("ended_on", false),
            ],
            Self::Reengagement => super::duty_rows::REENGAGEMENT_COLUMNS,
            Self::CourtReviews => super::duty_rows::COURT_REVIEW_COLUMNS,
        }
    }
}

/// Every kind's columns, for `caseload import --help`: one line per kind, the required
/// ones marked `*`.
#[must_use]
pub fn columns_help() -> String {
    use clap::ValueEnum as _;
    use std::fmt::Write as _;
    let mut help = String::from("Columns of each kind (* required):\n");
    for kind in Kind::value_variants() {
        let name = kind
            .to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default();
        let columns: Vec<String> = kind
            .columns()
            .iter()
            .map(|(c, required)| format!("{c}{}", if *required { "*" } else { "" }))
            .collect();
        let _ = writeln!(help, "  {name}: {}", columns.join(", "));
    }
    help
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
pub const CLEARABLE: [&str; 8] = [
    "nhs_number",
    "care_coordinator",
    "consent_date",
    "substance_1",
    "substance_2",
    "substance_3",
    "gp_practice",
    "prescribing_service",
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
    /// Date of birth; with the names it makes the twin key that spots a duplicate person.
    pub date_of_birth: NaiveDate,
    /// Area name.
    pub area: String,
    /// Sex, by its code (`male`, `female`, ...).
    pub sex: Cell<Sex>,
    /// Ethnic group.
    pub ethnicity: Cell<Ethnicity>,
    /// NHS number, refused unless it is a valid one (see `domain::nhs`).
    pub nhs_number: Cell<String>,
    /// Care co-ordinator's login or name.
    pub care_coordinator: Cell<String>,
    /// The day consent to share was signed.
    pub consent_date: Cell<NaiveDate>,
    /// `substance_1`..`substance_3`, primary first.
    pub substances: [Cell<Substance>; 3],
    /// Yes/no columns in [`FLAG_COLUMNS`] order; `None` where absent or blank.
    pub flags: [Option<bool>; 9],
    /// GP practice.
    pub gp_practice: Cell<String>,
    /// Prescribing service.
    pub prescriber: Cell<String>,
    /// A domestic-abuse perpetrator (a priority cohort); `None` where blank.
    pub domestic_abuse: Option<bool>,
}

/// An episode row: one referral of a client, keyed on its client and referral date.
/// An optional cell left blank says nothing of a stored episode; a new one takes the
/// default named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpisodeRow {
    /// Client reference.
    pub client: String,
    /// The day the episode starts; with the client, what the row is matched on.
    pub referral_date: NaiveDate,
    /// Who referred (police, probation, prison, court, self...), by its code.
    pub referral_source: ReferralSource,
    /// Day of the assessment (DIR), if done.
    pub assessment_date: Option<NaiveDate>,
    /// Day the care plan started: the caseload start, from which the 13-week clock runs.
    pub care_plan_date: Option<NaiveDate>,
    /// Engaged in treatment (`yes`/`no`; blank is no, or yes if `engaged_on` is given).
    pub engaged: Option<bool>,
    /// The day engagement was evidenced (DIR section 9 completed); only when engaged.
    pub engaged_on: Option<NaiveDate>,
    /// Whether the assessment found a need for the caseload (`yes`/`no`; blank is yes).
    pub assessed_need: Option<bool>,
    /// The DAN 24/7 number given at assessment (`yes`/`no`; blank is no).
    pub dan_advised: Option<bool>,
    /// Prescribed (`yes`/`no`; blank is no).
    pub prescribed: Option<bool>,
    /// Tier 1-4 (blank is 2).
    pub tier: Option<u8>,
    /// Closure date and exit reason: both or neither.
    pub closure: Option<(NaiveDate, ExitReason)>,
}

/// A custody row: a spell in prison, keyed on its client and reception date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustodyRow {
    /// Client reference.
    pub client: String,
    /// The prison's name, as the team writes it.
    pub prison: String,
    /// Day the client was received into prison; with the client, what the row is matched on.
    pub reception_date: NaiveDate,
    /// Expected release date, if known.
    pub expected_release_date: Option<NaiveDate>,
    /// Earliest possible (early) release date, if known.
    pub earliest_release_date: Option<NaiveDate>,
    /// On licence, parole, end of sentence..., by its code.
    pub release_type: Option<ReleaseType>,
    /// Day actually released; blank while the client is inside.
    pub actual_release_date: Option<NaiveDate>,
    /// What it says of the reception and its hand-over to the prison.
    pub handover: super::HandoverCells,
}

/// A contact row, keyed on its client, time and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    /// Client reference.
    pub client: String,
    /// Worker login or name.
    pub worker: String,
    /// When.
    pub contact_at: NaiveDateTime,
    /// Face to face, phone, did not attend..., by its code.
    pub kind: ContactKind,
    /// Free text, refused if it holds control characters or is too long.
    pub note: String,
}

/// A breach row, keyed on its client and the time it was raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachRow {
    /// Client reference.
    pub client: String,
    /// When raised.
    pub raised_at: NaiveDateTime,
    /// Red, amber or green: sets the arrest deadline.
    pub rag: Rag,
    /// Where it stands (outstanding, put out for arrest, arrested...).
    pub status: BreachStatus,
    /// Day it was dealt with, if it has been.
    pub resolution_date: Option<NaiveDate>,
}

/// A drug test row: client, day and kind are its key (a second result for them is a
/// correction, reported, never a second test).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrugTestRow {
    /// Client reference.
    pub client: String,
    /// The day of the test.
    pub tested_on: NaiveDate,
    /// Why it was taken: trigger offence, inspector's authority, treatment, voluntary.
    pub kind: TestKind,
    /// What it found (or `refused`).
    pub result: TestResult,
}

/// A custody-suite tally row: one area's day, keyed on the area and the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyRow {
    /// Area name.
    pub area: String,
    /// The day counted.
    pub recorded_on: NaiveDate,
    /// Adults charged with a trigger offence that day.
    pub charged: u32,
    /// Of those, how many were drug tested.
    pub tested: u32,
    /// Of those tested, how many were positive (blank is 0).
    pub positive: u32,
}

/// A positive outcome row: the episode (its client and referral date), the day and
/// the kind, which together are its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRow {
    /// Client reference.
    pub client: String,
    /// The referral date of the episode it belongs to.
    pub referral_date: NaiveDate,
    /// The day it counts for in the return.
    pub recorded_on: NaiveDate,
    /// Which positive outcome (housing secured, reduced use...).
    pub kind: OutcomeKind,
}

/// A modality row: the episode (its client and referral date), the kind and the start
/// are its key; the end and whether it was completed are what it says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModalityRow {
    /// Client reference.
    pub client: String,
    /// The referral date of the episode it belongs to.
    pub referral_date: NaiveDate,
    /// Prescribing, structured psychosocial, day programme...
    pub kind: ModalityKind,
    /// The day it started.
    pub started_on: NaiveDate,
    /// The day it ended, if it has.
    pub ended_on: Option<NaiveDate>,
    /// Completed rather than stopped (`yes`/`no`; blank is no; needs `ended_on`).
    pub completed: bool,
}

/// A row of brief interventions: how many one worker gave in an area on a day with one
/// outcome (signposted somewhere, or not), which together are its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefInterventionRow {
    /// Area name.
    pub area: String,
    /// The day they count for.
    pub recorded_on: NaiveDate,
    /// Worker login or name.
    pub worker: String,
    /// Where they signposted people (blank: nowhere).
    pub signposted_to: Option<SignpostDestination>,
    /// How many, 1 or more.
    pub count: u32,
}

/// A Required Assessment or Restriction on Bail appointment row, keyed on its client,
/// time and kind; a failed attendance raises a breach, as the outcome form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRow {
    /// Client reference.
    pub client: String,
    /// When the appointment is (or was).
    pub appointment_at: NaiveDateTime,
    /// RA-IA, RA-FU or Restriction on Bail.
    pub kind: AssessmentKind,
    /// What happened, if it has happened.
    pub outcome: Option<AssessmentOutcome>,
    /// The breach's RAG: given exactly when the client failed to attend.
    pub breach_rag: Option<Rag>,
    /// When the breach runs from, if not the appointment's time.
    pub breached_at: Option<NaiveDateTime>,
}

/// An engagement row: the episode (its client and referral date) and the day its
/// client engaged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngagementRow {
    /// Client reference.
    pub client: String,
    /// The referral date of the episode.
    pub referral_date: NaiveDate,
    /// The day engagement was evidenced (DIR section 9 completed).
    pub engaged_on: NaiveDate,
}

/// A court order or licence row: the client, kind and start are its key; the court
/// and every date it may end on are what it says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    /// Client reference.
    pub client: String,
    /// DRR (high or low intensity), ATR, licence, community order, suspended sentence.
    pub kind: crate::domain::model::OrderKind,
    /// The court that made it.
    pub court: String,
    /// The day it started.
    pub start_date: NaiveDate,
    /// The day it ends as made.
    pub end_date: NaiveDate,
    /// An earlier possible end, if any.
    pub early_end_date: Option<NaiveDate>,
    /// A later possible end, if any.
    pub late_end_date: Option<NaiveDate>,
    /// The day it ended, once it has.
    pub ended_on: Option<NaiveDate>,
}

/// One parsed row, of the file's [`Kind`]: a file holds one kind only.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is the row of the kind it names
pub enum Row {
    Client(ClientRow),
    Episode(EpisodeRow),
    Custody(CustodyRow),
    Contact(ContactRow),
    Breach(BreachRow),
    DrugTest(DrugTestRow),
    Tally(TallyRow),
    Outcome(OutcomeRow),
    Modality(ModalityRow),
    BriefIntervention(BriefInterventionRow),
    Assessment(AssessmentRow),
    Engagement(EngagementRow),
    Order(OrderRow),
    Reengagement(super::ReengagementRow),
    CourtReview(super::CourtReviewRow),
}

/// A parsed file: rows that parsed cleanly (with line numbers) and every problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Rows, with their line numbers.
    pub rows: Vec<(u64, Row)>,
    /// Problems found.
    pub problems: Vec<Problem>,
}

/// The room a cell of `column` has: room for any real value, and no more (a
/// megabyte "name" is an attack or a broken file, not a person).
#[must_use]
pub fn room(column: &str) -> Room {
    match column {
        "reference" | "client_reference" => Room::Reference,
        "given_name"
        | "family_name"
        | "area"
        | "worker"
        | "care_coordinator"
        | "prison"
        | "court"
        | "gp_practice"
        | "prescribing_service"
        | "handover_with" => Room::Name,
        "note" => Room::Note,
        _ => Room::Short,
    }
}

/// The most characters a cell of `column` may hold.
#[must_use]
pub fn max_chars(column: &str) -> usize {
    room(column).max_chars()
}
