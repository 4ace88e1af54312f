//! New rows, as plain structs: what an insert takes. `store` decides how each insert
//! is audited.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::model::{
    AssessmentKind, AssessmentOutcome, BreachStatus, ContactKind, Ethnicity, ExitReason, Flags,
    ModalityKind, OutcomeKind, OutreachKind, Rag, ReferralSource, ReleaseType, Role, Sex,
    SignpostDestination, Substance, TestKind, TestResult,
};
use crate::domain::release::Checklist;

/// A new area.
#[derive(Debug, Clone)]
pub struct NewArea {
    /// Name, unique ignoring case.
    pub name: String,
    /// Whether the area tests in custody.
    pub intensive: bool,
}

/// A new worker.
#[derive(Debug, Clone)]
pub struct NewWorker {
    /// Full name.
    pub name: String,
    /// OS login, if known.
    pub login: Option<String>,
    /// Role.
    pub role: Role,
    /// Home area.
    pub area_id: Option<i64>,
}

/// A new client.
#[derive(Debug, Clone)]
pub struct NewClient {
    /// Unique reference.
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
    /// Validated NHS number (ten digits).
    pub nhs_number: Option<String>,
    /// Area.
    pub area_id: i64,
    /// Care co-ordinator.
    pub care_coordinator_id: Option<i64>,
    /// Date consent to share was signed, if it was.
    pub consent_date: Option<NaiveDate>,
    /// Up to three problem substances, primary first.
    pub substances: Vec<Substance>,
    /// Flags and priority groups.
    pub flags: Flags,
}

/// A new episode (open, or already closed when importing history).
#[derive(Debug, Clone)]
pub struct NewEpisode {
    /// Client.
    pub client_id: i64,
    /// Referral date.
    pub referral_date: NaiveDate,
    /// Referral source.
    pub referral_source: ReferralSource,
    /// Assessment date.
    pub assessment_date: Option<NaiveDate>,
    /// Care-plan date (caseload start).
    pub care_plan_date: Option<NaiveDate>,
    /// Next care-plan review.
    pub next_review_date: Option<NaiveDate>,
    /// Engaged in treatment.
    pub engaged: bool,
    /// Prescribed.
    pub prescribed: bool,
    /// Treatment tier 1-4.
    pub tier: u8,
    /// 13-week exit plan.
    pub exit_plan: Option<String>,
    /// 13-week extension: reason and review date.
    pub extension: Option<(String, NaiveDate)>,
    /// Closure date and exit reason.
    pub closure: Option<(NaiveDate, ExitReason)>,
}

/// A new custody episode.
#[derive(Debug, Clone)]
pub struct NewCustody {
    /// Client.
    pub client_id: i64,
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
    /// The release checklist.
    pub checklist: Checklist,
    /// Actual release date, once released.
    pub actual_release_date: Option<NaiveDate>,
}

/// A new contact.
#[derive(Debug, Clone)]
pub struct NewContact {
    /// Client.
    pub client_id: i64,
    /// Worker who made (or attempted) the contact.
    pub worker_id: i64,
    /// When.
    pub contact_at: NaiveDateTime,
    /// Kind.
    pub kind: ContactKind,
    /// Free-text note.
    pub note: String,
}

/// A new drug test.
#[derive(Debug, Clone)]
pub struct NewDrugTest {
    /// Client.
    pub client_id: i64,
    /// Date of the test.
    pub tested_on: NaiveDate,
    /// Why it was taken.
    pub kind: TestKind,
    /// Result.
    pub result: TestResult,
}

/// A new Required Assessment appointment.
#[derive(Debug, Clone)]
pub struct NewRequiredAssessment {
    /// Client.
    pub client_id: i64,
    /// RA-IA or RA-FU.
    pub kind: AssessmentKind,
    /// Appointment time.
    pub appointment_at: NaiveDateTime,
    /// Outcome, once known.
    pub outcome: Option<AssessmentOutcome>,
}

/// A new breach; its deadline comes from `domain::breach::deadline`.
#[derive(Debug, Clone)]
pub struct NewBreach {
    /// Client.
    pub client_id: i64,
    /// The missed appointment, if known.
    pub required_assessment_id: Option<i64>,
    /// When it was raised.
    pub raised_at: NaiveDateTime,
    /// RAG marker.
    pub rag: Rag,
    /// Status.
    pub status: BreachStatus,
    /// Date it was dealt with (required unless outstanding).
    pub resolution_date: Option<NaiveDate>,
}

/// A new care-plan modality.
#[derive(Debug, Clone)]
pub struct NewModality {
    /// Episode.
    pub episode_id: i64,
    /// Kind.
    pub kind: ModalityKind,
    /// Start.
    pub started_on: NaiveDate,
    /// End, if ended.
    pub ended_on: Option<NaiveDate>,
    /// Completed (requires an end date).
    pub completed: bool,
}

/// A new positive outcome.
#[derive(Debug, Clone)]
pub struct NewOutcome {
    /// Episode.
    pub episode_id: i64,
    /// Date recorded.
    pub recorded_on: NaiveDate,
    /// Kind.
    pub kind: OutcomeKind,
}

/// A new outreach tally.
#[derive(Debug, Clone)]
pub struct NewOutreach {
    /// Date.
    pub recorded_on: NaiveDate,
    /// Worker.
    pub worker_id: i64,
    /// Area.
    pub area_id: i64,
    /// Brief intervention or signposting.
    pub kind: OutreachKind,
    /// Destination (signposting only).
    pub destination: Option<SignpostDestination>,
}
