//! The typed rows an import file parses into. References to clients, areas and
//! workers stay as text here; the import resolves them against the store.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::model::{
    BreachStatus, ContactKind, Ethnicity, ExitReason, Rag, ReferralSource, ReleaseType, Sex,
    Substance,
};

use super::Problem;

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
