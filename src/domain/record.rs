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
    /// Outstanding until put out for arrest (amber, green) or arrested (red).
    pub status: BreachStatus,
    /// Date dealt with.
    pub resolution_date: Option<NaiveDate>,
    /// What was tried to re-engage the client since the breach.
    pub tried: super::reengage::Tried,
}

/// An open custody episode with its client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRow {
    /// Custody row id.
    pub id: i64,
    /// Whose custody.
    pub client: ClientRef,
    /// The prison's name, as the team writes it.
    pub prison: String,
    /// Expected release date.
    pub expected_release_date: Option<NaiveDate>,
    /// Earliest possible release date.
    pub earliest_release_date: Option<NaiveDate>,
    /// On licence, parole, end of sentence..., if known.
    pub release_type: Option<ReleaseType>,
    /// The five things to confirm before release; readiness is judged from it.
    pub checklist: Checklist,
}

/// A client's profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Client row id.
    pub id: i64,
    /// The team's reference, e.g. `C-1042`: unique, and shown when names are hidden.
    pub reference: String,
    /// Given name; hidden (initial only) when the screen is redacted.
    pub given_name: String,
    /// Family name; hidden (initial only) when the screen is redacted.
    pub family_name: String,
    /// Date of birth; hidden when the screen is redacted.
    pub date_of_birth: NaiveDate,
    /// Sex, as recorded ("not stated" is a value).
    pub sex: Sex,
    /// Ethnic group.
    pub ethnicity: Ethnicity,
    /// NHS number (checked when entered); hidden when the screen is redacted.
    pub nhs_number: Option<String>,
    /// Area name.
    pub area: String,
    /// Care co-ordinator's name.
    pub care_coordinator: Option<String>,
    /// Date consent to share was signed.
    pub consent_date: Option<NaiveDate>,
    /// A domestic-abuse perpetrator (a priority cohort, 004).
    pub domestic_abuse: bool,
    /// The client's GP practice, shown with the prescriber on the record.
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
    /// The day the episode starts.
    pub referral_date: NaiveDate,
    /// Who referred (police, probation, prison, court, self...).
    pub referral_source: ReferralSource,
    /// Day of the assessment (DIR), if done.
    pub assessment_date: Option<NaiveDate>,
    /// The DAN 24/7 helpline number given at the assessment (003).
    pub dan_advised: bool,
    /// Day the care plan started: the caseload start, from which the 13-week clock runs.
    pub care_plan_date: Option<NaiveDate>,
    /// When the care plan is next reviewed; past it, the review is overdue on Today.
    pub next_review_date: Option<NaiveDate>,
    /// Engaged in treatment (DIR section 9).
    pub engaged: bool,
    /// On a prescription.
    pub prescribed: bool,
    /// Tier 1-4.
    pub tier: u8,
    /// 13-week exit plan.
    pub exit_plan: Option<String>,
    /// Extension reason and review date.
    pub extension: Option<(String, NaiveDate)>,
    /// Closure date and exit reason.
    pub closure: Option<(NaiveDate, ExitReason)>,
    /// The court order this episode is the aftercare of.
    pub follows_order: Option<i64>,
}

/// One custody episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustodyRecord {
    /// Custody row id.
    pub id: i64,
    /// The prison's name, as the team writes it.
    pub prison: String,
    /// Day the client was received into prison: the hand-over is owed from it.
    pub reception_date: NaiveDate,
    /// Remanded or sentenced, if recorded.
    pub reception_kind: Option<super::model::ReceptionKind>,
    /// Expected release date.
    pub expected_release_date: Option<NaiveDate>,
    /// Earliest possible release date.
    pub earliest_release_date: Option<NaiveDate>,
    /// On licence, parole, end of sentence..., if known.
    pub release_type: Option<ReleaseType>,
    /// The five things to confirm before release; readiness is judged from it.
    pub checklist: Checklist,
    /// Day actually released; `None` while the client is inside.
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
    /// Attended, failed to attend or rescheduled; `None` until recorded.
    pub outcome: Option<AssessmentOutcome>,
}

/// A care-plan modality of the open episode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModalityRecord {
    /// Modality row id.
    pub id: i64,
    /// Which structured support (prescribing, structured psychosocial, ...).
    pub kind: ModalityKind,
    /// Day it started.
    pub started_on: NaiveDate,
    /// Ended, if it has.
    pub ended_on: Option<NaiveDate>,
    /// It ended completed rather than stopped (set when it ends).
    pub completed: bool,
}

/// An attempt to re-engage the client after a breach (002's cooling-off period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReengagementRecord {
    /// The breach it followed.
    pub breach_id: i64,
    /// When it was made.
    pub at: NaiveDateTime,
    /// Phone, letter, home visit...
    pub how: super::model::ReengageHow,
    /// What came of it, as the worker wrote it.
    pub note: String,
}

/// A drug test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRecord {
    /// Day the sample was taken.
    pub tested_on: NaiveDate,
    /// Why it was taken: trigger offence, inspector's authority, treatment...
    pub kind: TestKind,
    /// Negative, positive for opiates, cocaine or both, or refused.
    pub result: TestResult,
}

/// A contact with the client (or an appointment they did not attend).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    /// When.
    pub contact_at: NaiveDateTime,
    /// Face to face, phone, did not attend...
    pub kind: ContactKind,
    /// Worker's name.
    pub worker: String,
    /// What happened, as the worker wrote it.
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
    /// Court orders and licences with their reviews, newest first.
    pub orders: Vec<OrderRecord>,
    /// Required Assessments, newest first.
    pub assessments: Vec<AssessmentRecord>,
    /// Modalities of every episode, newest first.
    pub modalities: Vec<ModalityRecord>,
    /// Breaches, newest first.
    pub breaches: Vec<BreachRow>,
    /// Attempts to re-engage the client after a breach, newest first.
    pub reengagements: Vec<ReengagementRecord>,
    /// Drug tests, newest first.
    pub tests: Vec<TestRecord>,
    /// Contacts, newest first.
    pub contacts: Vec<ContactRecord>,
    /// Audit history of the record, newest first.
    pub audit: Vec<AuditRecord>,
    /// Who opened the record (access log), the latest first.
    pub viewers: Vec<Viewer>,
}

/// A court order or licence on the client record, with its court reviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    /// Order row id.
    pub id: i64,
    /// What it is and every date it may end on.
    pub terms: super::write::OrderTerms,
    /// The day it ended, once it has.
    pub ended_on: Option<NaiveDate>,
    /// Its court reviews, earliest first.
    pub reviews: Vec<ReviewRecord>,
}

impl OrderRecord {
    /// "DRR (high intensity) from 02/03/2026, Cardiff Crown Court": how a choice of
    /// order and the aftercare line name it.
    #[must_use]
    pub fn title(&self) -> String {
        format!(
            "{} from {}, {}",
            self.terms.kind.label(),
            super::dates::uk(self.terms.start_date),
            self.terms.court
        )
    }
}

/// A court review of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    /// Review row id.
    pub id: i64,
    /// The review date.
    pub on: NaiveDate,
    /// The progress report went to the court.
    pub report_sent: bool,
}
