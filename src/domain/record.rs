//! Read models for the views beyond the caseload list: breaches, releases and the full
//! client record.

use chrono::{NaiveDate, NaiveDateTime};

use super::model::{
    AssessmentKind, AssessmentOutcome, BreachStatus, ContactKind, Ethnicity, ExitReason, Flags,
    ModalityKind, Rag, ReferralSource, ReleaseType, Sex, Substance, TestKind, TestResult,
};
use super::release::Checklist;

/// Who a row belongs to, for lists that span clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRef {
    /// Client row id.
    pub client_id: i64,
    /// Reference, e.g. `C-1042`.
    pub reference: String,
    /// "Family, Given".
    pub name: String,
    /// Area row id.
    pub area_id: i64,
    /// Care co-ordinator's worker id.
    pub care_coordinator_id: Option<i64>,
    /// Whether the client has an open episode.
    pub on_caseload: bool,
}

/// A breach with its client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachRow {
    /// Breach row id.
    pub id: i64,
    /// Whose breach.
    pub client: ClientRef,
    /// RAG marker.
    pub rag: Rag,
    /// When it was raised.
    pub raised_at: NaiveDateTime,
    /// Arrest deadline.
    pub deadline: NaiveDateTime,
    /// Status.
    pub status: BreachStatus,
    /// Date dealt with.
    pub resolution_date: Option<NaiveDate>,
}

/// An open custody episode with its client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRow {
    /// Custody row id.
    pub id: i64,
    /// Whose custody.
    pub client: ClientRef,
    /// Prison.
    pub prison: String,
    /// Expected release date.
    pub expected_release_date: Option<NaiveDate>,
    /// Earliest possible release date.
    pub earliest_release_date: Option<NaiveDate>,
    /// Release type.
    pub release_type: Option<ReleaseType>,
    /// Release checklist.
    pub checklist: Checklist,
}

/// A client's profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Client row id.
    pub id: i64,
    /// Reference.
    pub reference: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Ethnic group.
    pub ethnicity: Ethnicity,
    /// NHS number.
    pub nhs_number: Option<String>,
    /// Area name.
    pub area: String,
    /// Care co-ordinator's name.
    pub care_coordinator: Option<String>,
    /// Date consent to share was signed.
    pub consent_date: Option<NaiveDate>,
    /// A domestic-abuse perpetrator (a priority cohort, 004).
    pub domestic_abuse: bool,
    /// GP practice.
    pub gp_practice: Option<String>,
    /// Prescribing service.
    pub prescriber: Option<String>,
    /// Problem substances, primary first.
    pub substances: Vec<Substance>,
    /// Flags and priority groups.
    pub flags: Flags,
    /// Row version (for conflict-checked edits).
    pub version: i64,
}

/// One episode, open or closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpisodeRecord {
    /// Episode row id.
    pub id: i64,
    /// Referral date.
    pub referral_date: NaiveDate,
    /// Referral source.
    pub referral_source: ReferralSource,
    /// Assessment date.
    pub assessment_date: Option<NaiveDate>,
    /// Care-plan date.
    pub care_plan_date: Option<NaiveDate>,
    /// Next review date.
    pub next_review_date: Option<NaiveDate>,
    /// Engaged.
    pub engaged: bool,
    /// Prescribed.
    pub prescribed: bool,
    /// Tier 1-4.
    pub tier: u8,
    /// 13-week exit plan.
    pub exit_plan: Option<String>,
    /// Extension reason and review date.
    pub extension: Option<(String, NaiveDate)>,
    /// Closure date and exit reason.
    pub closure: Option<(NaiveDate, ExitReason)>,
}

/// One custody episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustodyRecord {
    /// Custody row id.
    pub id: i64,
    /// Prison.
    pub prison: String,
    /// Reception date.
    pub reception_date: NaiveDate,
    /// Expected release date.
    pub expected_release_date: Option<NaiveDate>,
    /// Earliest possible release date.
    pub earliest_release_date: Option<NaiveDate>,
    /// Release type.
    pub release_type: Option<ReleaseType>,
    /// Release checklist.
    pub checklist: Checklist,
    /// Actual release date.
    pub actual_release_date: Option<NaiveDate>,
    /// The hand-over to the prison drug team, as recorded.
    pub handover: super::handover::Handover,
    /// Who at CARATS or the prison drug team was contacted.
    pub handover_with: Option<String>,
    /// A team leader's reason no hand-over is possible.
    pub handover_waived: Option<String>,
}

/// A Required Assessment appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRecord {
    /// Appointment row id.
    pub id: i64,
    /// RA-IA or RA-FU.
    pub kind: AssessmentKind,
    /// Appointment time.
    pub appointment_at: NaiveDateTime,
    /// Outcome.
    pub outcome: Option<AssessmentOutcome>,
}

/// A care-plan modality of the open episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModalityRecord {
    /// Modality row id.
    pub id: i64,
    /// Kind.
    pub kind: ModalityKind,
    /// Started.
    pub started_on: NaiveDate,
    /// Ended, if it has.
    pub ended_on: Option<NaiveDate>,
    /// Completed.
    pub completed: bool,
}

/// A drug test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRecord {
    /// Date.
    pub tested_on: NaiveDate,
    /// Why.
    pub kind: TestKind,
    /// Result.
    pub result: TestResult,
}

/// A contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    /// When.
    pub contact_at: NaiveDateTime,
    /// Kind.
    pub kind: ContactKind,
    /// Worker's name.
    pub worker: String,
    /// Note.
    pub note: String,
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// When (as stored).
    pub at: String,
    /// OS login.
    pub who: String,
    /// Table.
    pub entity: String,
    /// insert / update / ...
    pub action: String,
    /// Fields before, as JSON text.
    pub before: Option<String>,
    /// Fields after, as JSON text.
    pub after: Option<String>,
}

/// Someone who opened a client record, from the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// OS login.
    pub login: String,
    /// Their worker record's name, if they have one.
    pub name: Option<String>,
    /// Their role, if they have a worker record.
    pub role: Option<super::model::Role>,
    /// When they last opened it (`YYYY-MM-DD HH:MM:SS`).
    pub last: String,
    /// How many times they opened it.
    pub times: i64,
}

/// Everything the client record view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRecord {
    /// Profile and flags.
    pub profile: Profile,
    /// Episodes, newest first.
    pub episodes: Vec<EpisodeRecord>,
    /// Custody episodes, newest first.
    pub custody: Vec<CustodyRecord>,
    /// Required Assessments, newest first.
    pub assessments: Vec<AssessmentRecord>,
    /// Modalities of every episode, newest first.
    pub modalities: Vec<ModalityRecord>,
    /// Breaches, newest first.
    pub breaches: Vec<BreachRow>,
    /// Drug tests, newest first.
    pub tests: Vec<TestRecord>,
    /// Contacts, newest first.
    pub contacts: Vec<ContactRecord>,
    /// Audit history of the record, newest first.
    pub audit: Vec<AuditRecord>,
    /// Who opened the record (access log), the latest first.
    pub viewers: Vec<Viewer>,
}
