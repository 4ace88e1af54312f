//! New rows, as plain structs: what an insert takes. `store` decides how each insert
//! is audited.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::model::{
    AssessmentKind, AssessmentOutcome, BreachStatus, ContactKind, Ethnicity, ExitReason, Flags,
    ModalityKind, OutcomeKind, Rag, ReferralSource, ReleaseType, Role, Sex, SignpostDestination,
    Substance, TestKind, TestResult,
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
    /// Full name, as colleagues see it on screen.
    pub name: String,
    /// OS login, if known.
    pub login: Option<String>,
    /// What the role rules let them do.
    pub role: Role,
    /// Row id of the area (team) they work in, if any.
    pub area_id: Option<i64>,
}

/// A new client.
#[derive(Debug, Clone)]
pub struct NewClient {
    /// The team's client reference, unique ignoring case.
    pub reference: String,
    /// Given name, as on the referral.
    pub given_name: String,
    /// Family name, the caseload's sort key.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Sex, as the NDTMS return codes it.
    pub sex: Sex,
    /// Ethnic group, as the NDTMS return codes it.
    pub ethnicity: Ethnicity,
    /// Validated NHS number (ten digits).
    pub nhs_number: Option<String>,
    /// Row id of the area (team) it belongs to.
    pub area_id: i64,
    /// Row id of the care co-ordinator (`None`: unallocated).
    pub care_coordinator_id: Option<i64>,
    /// Date consent to share was signed, if it was.
    pub consent_date: Option<NaiveDate>,
    /// Up to three problem substances, primary first.
    pub substances: Vec<Substance>,
    /// Flags and priority groups.
    pub flags: Flags,
    /// GP practice, prescribing service, domestic-abuse perpetrator.
    pub details: ClientDetails,
}

/// A client's practical details (issue 15, section 5): where they are registered
/// and prescribed, and whether they are a domestic-abuse perpetrator (a priority
/// cohort, 004).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientDetails {
    /// GP practice name.
    pub gp_practice: Option<String>,
    /// Prescribing service.
    pub prescriber: Option<String>,
    /// A domestic-abuse perpetrator.
    pub domestic_abuse: bool,
}

/// A new episode (open, or already closed when importing history).
#[derive(Debug, Clone)]
pub struct NewEpisode {
    /// Row id of the client it is about.
    pub client_id: i64,
    /// When the referral was received: the episode starts here.
    pub referral_date: NaiveDate,
    /// Who referred (police, court, self...), reported in the return.
    pub referral_source: ReferralSource,
    /// When the DIR assessment was done, if yet.
    pub assessment_date: Option<NaiveDate>,
    /// Care-plan date (caseload start).
    pub care_plan_date: Option<NaiveDate>,
    /// Next care-plan review.
    pub next_review_date: Option<NaiveDate>,
    /// Engaged in treatment.
    pub engaged: bool,
    /// Whether the client is prescribed substitute medication.
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
    /// Row id of the client it is about.
    pub client_id: i64,
    /// The prison, as the team knows it.
    pub prison: String,
    /// The day they were received into custody.
    pub reception_date: NaiveDate,
    /// Remanded or sentenced, if known.
    pub reception_kind: Option<crate::domain::model::ReceptionKind>,
    /// Expected release date.
    pub expected_release_date: Option<NaiveDate>,
    /// Earliest possible release date.
    pub earliest_release_date: Option<NaiveDate>,
    /// How they are expected to leave (licence, end of sentence...), if known.
    pub release_type: Option<ReleaseType>,
    /// The release checklist.
    pub checklist: Checklist,
    /// Actual release date, once released.
    pub actual_release_date: Option<NaiveDate>,
}

/// A new contact.
#[derive(Debug, Clone)]
pub struct NewContact {
    /// Row id of the client it is about.
    pub client_id: i64,
    /// Worker who made (or attempted) the contact.
    pub worker_id: i64,
    /// When the contact happened (or was missed).
    pub contact_at: NaiveDateTime,
    /// Face to face, phone, did not attend, and so on.
    pub kind: ContactKind,
    /// Free-text note, shown on the record and exported.
    pub note: String,
}

/// A new drug test.
#[derive(Debug, Clone)]
pub struct NewDrugTest {
    /// Row id of the client it is about.
    pub client_id: i64,
    /// Date of the test.
    pub tested_on: NaiveDate,
    /// Why it was taken.
    pub kind: TestKind,
    /// Positive for what, or negative.
    pub result: TestResult,
}

/// A new attempt to re-engage a client after a breach.
#[derive(Debug, Clone)]
pub struct NewReengagement {
    /// Row id of the breach it follows.
    pub breach_id: i64,
    /// When it was made.
    pub attempted_at: NaiveDateTime,
    /// Phone, letter, home visit...
    pub how: crate::domain::model::ReengageHow,
    /// What came of it.
    pub note: String,
}

/// A new Required Assessment appointment.
#[derive(Debug, Clone)]
pub struct NewRequiredAssessment {
    /// Row id of the client it is about.
    pub client_id: i64,
    /// RA-IA or RA-FU.
    pub kind: AssessmentKind,
    /// When the appointment is: a failure to attend may raise a breach from it.
    pub appointment_at: NaiveDateTime,
    /// Outcome, once known.
    pub outcome: Option<AssessmentOutcome>,
}

/// A new breach; its deadline comes from `domain::breach::deadline`.
#[derive(Debug, Clone)]
pub struct NewBreach {
    /// Row id of the client it is about.
    pub client_id: i64,
    /// The missed appointment, if known.
    pub required_assessment_id: Option<i64>,
    /// When it was raised.
    pub raised_at: NaiveDateTime,
    /// Red, amber or green: sets the deadline for dealing with it.
    pub rag: Rag,
    /// Outstanding, or how it was dealt with.
    pub status: BreachStatus,
    /// Date it was dealt with (required unless outstanding).
    pub resolution_date: Option<NaiveDate>,
}

/// A new care-plan modality.
#[derive(Debug, Clone)]
pub struct NewModality {
    /// Row id of the episode it belongs to.
    pub episode_id: i64,
    /// Which care-plan modality.
    pub kind: ModalityKind,
    /// The day it started.
    pub started_on: NaiveDate,
    /// End, if ended.
    pub ended_on: Option<NaiveDate>,
    /// Completed (requires an end date).
    pub completed: bool,
}

/// A new positive outcome.
#[derive(Debug, Clone)]
pub struct NewOutcome {
    /// Row id of the episode it belongs to.
    pub episode_id: i64,
    /// The day it counts for in the return.
    pub recorded_on: NaiveDate,
    /// Which positive outcome.
    pub kind: OutcomeKind,
}

/// A new brief intervention with someone not on the caseload (an outreach tally).
#[derive(Debug, Clone)]
pub struct NewOutreach {
    /// The day it counts for in the return.
    pub recorded_on: NaiveDate,
    /// Row id of the worker who recorded it.
    pub worker_id: i64,
    /// Row id of the area (team) it belongs to.
    pub area_id: i64,
    /// Its outcome: the specialist service it signposted the person to, if any.
    pub signposted_to: Option<SignpostDestination>,
}
