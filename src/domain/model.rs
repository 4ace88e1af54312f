//! Plain domain types: the fixed vocabularies (mirrored by `schema.sql` CHECKs) and the
//! records the rules and views work on. No I/O, no database types.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// A closed vocabulary whose values have stable codes (see `vocabulary!`).
pub trait Vocabulary: Sized + Copy {
    /// Parses a stored code or a label, ignoring case; `None` if unknown.
    fn from_code(text: &str) -> Option<Self>;
}

/// Defines a closed vocabulary: an enum whose variants each have a stable database
/// code and a human label, with `ALL`, `code()`, `label()` and `from_code()`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* #[doc = $label] $variant,)+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable code stored in the database and used in files.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The words shown to people.
            #[must_use]
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// Parses a stored code or a label, ignoring case; `None` if unknown.
            #[must_use]
            pub fn from_code(text: &str) -> Option<Self> {
                let text = text.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code().eq_ignore_ascii_case(text) || v.label().eq_ignore_ascii_case(text))
            }
        }

        impl Vocabulary for $name {
            fn from_code(text: &str) -> Option<Self> {
                $name::from_code(text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocabulary! {
    /// What a worker may do; see `domain::roles`.
    Role {
        CareCoordinator => "care_coordinator", "care co-ordinator";
        TeamLeader => "team_leader", "team leader";
        Support => "support", "support";
        Admin => "admin", "admin";
    }
}

vocabulary! {
    /// Recorded sex of a client.
    Sex {
        Female => "female", "female";
        Male => "male", "male";
        Other => "other", "other";
        NotStated => "not_stated", "not stated";
    }
}

vocabulary! {
    /// Broad ethnic group, as collected on the Drug Interventions Record.
    Ethnicity {
        White => "white", "White";
        Mixed => "mixed", "Mixed";
        Asian => "asian", "Asian";
        Black => "black", "Black";
        Other => "other", "Other";
        NotStated => "not_stated", "not stated";
    }
}

vocabulary! {
    /// Problem substances, in the Gwent report's vocabulary.
    Substance {
        Heroin => "heroin", "heroin";
        Cocaine => "cocaine", "cocaine";
        Crack => "crack", "crack";
        Cannabis => "cannabis", "cannabis";
        Amphetamines => "amphetamines", "amphetamines";
        Mephedrone => "mephedrone", "mephedrone";
        Alcohol => "alcohol", "alcohol";
        IllicitSubutex => "illicit_subutex", "illicit Subutex";
        Benzodiazepines => "benzodiazepines", "benzodiazepines";
        PrescribedMethadone => "prescribed_methadone", "prescribed methadone";
        IllicitMethadone => "illicit_methadone", "illicit methadone";
        IllicitDihydrocodeine => "illicit_dihydrocodeine", "illicit dihydrocodeine";
        ChemicalHighs => "chemical_highs", "chemical highs";
        Ketamine => "ketamine", "ketamine";
        Methamphetamine => "methamphetamine", "methamphetamine";
        Solvents => "solvents", "solvents";
        SyntheticCannabinoids => "synthetic_cannabinoids", "synthetic cannabinoids";
        Other => "other", "other";
        Unknown => "unknown", "unknown";
    }
}

vocabulary! {
    /// Where an episode's referral came from.
    ReferralSource {
        Police => "police", "police";
        Probation => "probation", "probation";
        Prison => "prison", "prison";
        Court => "court", "court";
        SelfReferral => "self", "self";
        Other => "other", "other";
    }
}

vocabulary! {
    /// Why an episode closed. `is_planned` separates planned from unplanned exits.
    ExitReason {
        CompletedDrugAndCrimeFree => "completed_drug_and_crime_free", "completed: drug and crime free";
        CompletedDrugFree => "completed_drug_free", "completed: drug free";
        CompletedCrimeFree => "completed_crime_free", "completed: crime free";
        TransferredToTreatment => "transferred_to_treatment", "planned transfer to treatment";
        TransferredToArea => "transferred_to_area", "transfer to another area";
        Custody => "custody", "handed to prison team (custody)";
        Disengaged => "disengaged", "disengaged";
        Deceased => "deceased", "deceased";
        Other => "other", "other";
    }
}

impl ExitReason {
    /// Completions and planned transfers (including the hand-over to the prison team)
    /// are planned exits; disengagement, death and "other" are not.
    #[must_use]
    pub const fn is_planned(self) -> bool {
        !matches!(self, Self::Disengaged | Self::Deceased | Self::Other)
    }

    /// A completion of any of the three kinds.
    #[must_use]
    pub const fn is_completion(self) -> bool {
        matches!(
            self,
            Self::CompletedDrugAndCrimeFree | Self::CompletedDrugFree | Self::CompletedCrimeFree
        )
    }
}

vocabulary! {
    /// How re-engagement with a client was sought after a breach, in the team's
    /// cooling-off period (002).
    ReengageHow {
        Phone => "phone", "phone";
        Text => "text", "text message";
        Letter => "letter", "letter";
        HomeVisit => "home_visit", "home visit";
        ViaPartner => "via_partner", "through probation, police or a hostel";
        Other => "other", "other";
    }
}

impl ReengageHow {
    /// A word or two for a list cell: "phone", "visit", "partner"...
    #[must_use]
    pub const fn short(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Text => "text",
            Self::Letter => "letter",
            Self::HomeVisit => "visit",
            Self::ViaPartner => "partner",
            Self::Other => "other",
        }
    }
}

vocabulary! {
    /// Why a client went into prison: remanded to await trial or sentence, or
    /// sentenced (003: "remanded in custody ... or is actually sentenced").
    ReceptionKind {
        Remand => "remand", "remanded";
        Sentence => "sentence", "sentenced";
    }
}

vocabulary! {
    /// How a prisoner is expected to leave custody.
    ReleaseType {
        Licence => "licence", "on licence";
        HomeDetentionCurfew => "home_detention_curfew", "home detention curfew";
        Parole => "parole", "parole";
        EndOfSentence => "end_of_sentence", "end of sentence";
        Court => "court", "from court";
        Other => "other", "other";
    }
}

vocabulary! {
    /// A court order or licence a client serves in the community (003).
    OrderKind {
        DrrHigh => "drr_high", "DRR (high intensity)";
        DrrLow => "drr_low", "DRR (low intensity)";
        Atr => "atr", "ATR";
        Licence => "licence", "licence";
        CommunityOrder => "community_order", "community order";
        SuspendedSentence => "suspended_sentence", "suspended sentence";
    }
}

vocabulary! {
    /// Why a drug test was taken.
    TestKind {
        TriggerOffence => "trigger_offence", "trigger offence";
        InspectorsAuthority => "inspectors_authority", "inspector's authority";
        Treatment => "treatment", "treatment";
        Voluntary => "voluntary", "voluntary (5-panel)";
    }
}

impl TestKind {
    /// Taken in custody (trigger offence or inspector's authority), the tests KPIs 1-3
    /// are about; treatment and voluntary 5-panel tests are not.
    #[must_use]
    pub const fn is_custody(self) -> bool {
        matches!(self, Self::TriggerOffence | Self::InspectorsAuthority)
    }
}

vocabulary! {
    /// What a drug test found.
    TestResult {
        Negative => "negative", "negative";
        PositiveOpiates => "positive_opiates", "positive: opiates";
        PositiveCocaine => "positive_cocaine", "positive: cocaine";
        PositiveBoth => "positive_both", "positive: opiates and cocaine";
        Refused => "refused", "refused";
    }
}

vocabulary! {
    /// Appointments breached if missed: the two mandatory Required Assessments, and
    /// Restriction on Bail appointments (002, Recommendation 6).
    AssessmentKind {
        Initial => "ra_ia", "RA-IA";
        FollowUp => "ra_fu", "RA-FU";
        RestrictionOnBail => "restriction_on_bail", "Restriction on Bail";
    }
}

vocabulary! {
    /// What happened at a Required Assessment appointment.
    AssessmentOutcome {
        Attended => "attended", "attended";
        FailedToAttend => "failed_to_attend", "failed to attend";
        Rescheduled => "rescheduled", "rescheduled";
    }
}

vocabulary! {
    /// Red/amber/green risk marker; on a breach it sets the deadline (red: arrest within
    /// 24 hours; amber, green: put out for arrest within 7 days, 1 month).
    Rag {
        Red => "red", "red";
        Amber => "amber", "amber";
        Green => "green", "green";
    }
}

impl Rag {
    /// One letter, so RAG is never shown by colour alone.
    #[must_use]
    pub const fn letter(self) -> char {
        match self {
            Self::Red => 'R',
            Self::Amber => 'A',
            Self::Green => 'G',
        }
    }
}

vocabulary! {
    /// Where a breach stands. Amber and green breaches are dealt with once "put out for
    /// arrest"; red ones once arrested (000, appendix B).
    BreachStatus {
        Outstanding => "outstanding", "outstanding";
        PutOutForArrest => "put_out_for_arrest", "put out for arrest";
        Arrested => "arrested", "arrested";
        Withdrawn => "withdrawn", "withdrawn";
        Resolved => "resolved", "resolved";
    }
}

vocabulary! {
    /// How a contact happened (or did not).
    ContactKind {
        FaceToFace => "face_to_face", "face to face";
        Phone => "phone", "phone";
        Letter => "letter", "letter";
        DidNotAttend => "did_not_attend", "did not attend";
        Other => "other", "other";
    }
}

vocabulary! {
    /// A care-plan modality.
    ModalityKind {
        Prescribing => "prescribing", "prescribing";
        StructuredPsychosocial => "structured_psychosocial", "structured psychosocial";
        DayProgramme => "day_programme", "day programme";
        HarmReduction => "harm_reduction", "harm reduction";
        Residential => "residential", "residential";
        Other => "other", "other";
    }
}

vocabulary! {
    /// A positive outcome recorded during an episode.
    OutcomeKind {
        NegativeTreatmentTest => "negative_treatment_test", "negative treatment test";
        HousingSecured => "housing_secured", "housing secured";
        EmploymentOrTraining => "employment_or_training", "employment or training";
        FamilyContactRestored => "family_contact_restored", "family contact restored";
        ReducedUse => "reduced_use", "reduced use";
        Other => "other", "other";
    }
}

vocabulary! {
    /// Where a brief intervention signposted someone: its outcome, if it had one.
    SignpostDestination {
        Drugs => "drugs", "drugs";
        Alcohol => "alcohol", "alcohol";
        Housing => "housing", "housing";
        YoungPeople => "young_people", "young people's services";
    }
}

/// A service area (local authority or borough).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// Row id.
    pub id: i64,
    /// Display name, unique ignoring case.
    pub name: String,
    /// Intensive areas test in custody, so KPIs 1 and 2 apply to them.
    pub intensive: bool,
}

/// A member of staff, matched to an OS login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worker {
    /// Row id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// OS login this worker signs in as, if any.
    pub login: Option<String>,
    /// What they may do.
    pub role: Role,
    /// Home area (admins may have none).
    pub area_id: Option<i64>,
    /// Still on the team: a worker who has left keeps their record (and the clients
    /// nobody has moved yet) but may not sign in.
    pub active: bool,
}

/// The flags and priority groups on a client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[allow(clippy::struct_excessive_bools)] // each flag is an independent yes/no fact
pub struct Flags {
    /// Integrated Offender Management.
    pub iom: bool,
    /// Prolific and Priority Offender.
    pub ppo: bool,
    /// Multi-Agency Public Protection Arrangements.
    pub mappa: bool,
    /// Multi-Agency Risk Assessment Conference.
    pub marac: bool,
    /// Multi-Agency Tasking and Co-ordination.
    pub matac: bool,
    /// Lives in Approved Premises.
    pub approved_premises: bool,
    /// Drug Rehabilitation Requirement on a court order.
    pub drr: bool,
    /// Alcohol Treatment Requirement on a court order.
    pub atr: bool,
    /// Licence condition requiring treatment.
    pub licence_condition: bool,
}

impl Flags {
    /// Short tags of the priority groups that are set (not IOM/PPO), in a fixed order.
    #[must_use]
    pub fn priority_tags(&self) -> Vec<&'static str> {
        [
            (self.mappa, "MAPPA"),
            (self.marac, "MARAC"),
            (self.matac, "MATAC"),
            (self.approved_premises, "AP"),
            (self.drr, "DRR"),
            (self.atr, "ATR"),
            (self.licence_condition, "LIC"),
        ]
        .into_iter()
        .filter_map(|(set, tag)| set.then_some(tag))
        .collect()
    }
}

/// Compares as SQLite's NOCASE collation does: ASCII letters fold, nothing else.
#[must_use]
pub fn cmp_nocase(x: &str, y: &str) -> std::cmp::Ordering {
    for (a, b) in x.bytes().zip(y.bytes()) {
        let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
        if a != b {
            return a.cmp(&b);
        }
    }
    x.len().cmp(&y.len())
}

/// A client's name and reference in one allocation, `"Family, Given C-1042"`: the
/// display name, a space, the reference. The whole text is what fuzzy search matches,
/// so a caseload of 100,000 rows keeps one string per client, not four.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientLabel {
    text: Box<str>,
    family_len: usize,
    name_len: usize,
}

impl ClientLabel {
    /// The label of `family`, `given` with `reference`.
    #[must_use]
    pub fn new(family: &str, given: &str, reference: &str) -> Self {
        let mut text = String::with_capacity(family.len() + given.len() + reference.len() + 3);
        for part in [family, ", ", given, " ", reference] {
            text.push_str(part);
        }
        Self {
            family_len: family.len(),
            name_len: family.len() + 2 + given.len(),
            text: text.into_boxed_str(),
        }
    }

    /// Family name.
    #[must_use]
    pub fn family(&self) -> &str {
        &self.text[..self.family_len]
    }

    /// Given name.
    #[must_use]
    pub fn given(&self) -> &str {
        &self.text[self.family_len + 2..self.name_len]
    }

    /// "Family, Given" for lists.
    #[must_use]
    pub fn display_name(&self) -> &str {
        &self.text[..self.name_len]
    }

    /// Client reference, e.g. `C-1042`.
    #[must_use]
    pub fn reference(&self) -> &str {
        &self.text[self.name_len + 1..]
    }

    /// The display name and the reference: the text fuzzy search matches.
    #[must_use]
    pub fn search_text(&self) -> &str {
        &self.text
    }
}

/// One row of a caseload list: a client with an open episode, flattened for display.
/// Kept small (a snapshot holds one per active client, 80,000 at the largest services
/// we plan for): names share one string, the co-ordinator is an id (the snapshot's
/// worker list has the names) and custody details are boxed (few clients are inside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadRow {
    /// Client row id.
    pub client_id: i64,
    /// Name and reference.
    pub label: ClientLabel,
    /// Area row id.
    pub area_id: i64,
    /// Care co-ordinator's worker id, if one is allocated.
    pub care_coordinator_id: Option<i64>,
    /// Consent to share is recorded.
    pub consent: bool,
    /// A domestic-abuse perpetrator (a priority cohort, 004).
    pub domestic_abuse: bool,
    /// Flags and priority groups.
    pub flags: Flags,
    /// The open episode's dates.
    pub episode: EpisodeDates,
    /// Open custody, if the client is in prison now.
    pub custody: Option<Box<CustodySummary>>,
    /// Most recent contact (of any kind but "did not attend").
    pub last_contact: Option<NaiveDate>,
    /// Next care-plan review date.
    pub next_review_date: Option<NaiveDate>,
    /// The court order or licence in force, if any.
    pub order: Option<Box<crate::domain::orders::OrderDates>>,
}

impl CaseloadRow {
    /// "Family, Given" for lists.
    #[must_use]
    pub fn display_name(&self) -> &str {
        self.label.display_name()
    }

    /// Client reference, e.g. `C-1042`.
    #[must_use]
    pub fn reference(&self) -> &str {
        self.label.reference()
    }
}

/// The dates of an episode that the 13-week clock and status depend on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EpisodeDates {
    /// Episode row id.
    pub id: i64,
    /// Referral date: the episode starts here.
    pub referral_date: Option<NaiveDate>,
    /// Date of the assessment (DIR).
    pub assessment_date: Option<NaiveDate>,
    /// Care-plan date: the caseload start, and the 13-week clock's unless the team's
    /// setting says the assessment.
    pub care_plan_date: Option<NaiveDate>,
    /// Engaged in treatment.
    pub engaged: bool,
    /// Exit plan recorded for the 13-week review.
    pub exit_plan: Option<Box<str>>,
    /// Review date of a recorded 13-week extension.
    pub extension_review_date: Option<NaiveDate>,
}

impl EpisodeDates {
    /// Day 0 of the 13-week clock under the team's `rule`; `None` before a care plan.
    #[must_use]
    pub fn clock_start(&self, rule: crate::domain::clock::ClockStart) -> Option<NaiveDate> {
        rule.of(self.assessment_date, self.care_plan_date)
    }
}

/// The parts of an open custody episode a list needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustodySummary {
    /// Prison name.
    pub prison: String,
    /// Expected release date, if known.
    pub expected_release_date: Option<NaiveDate>,
    /// Earliest possible (early) release date, if known.
    pub earliest_release_date: Option<NaiveDate>,
    /// The release checklist.
    pub checklist: super::checklist::Checklist,
    /// Day the client was received into prison: the hand-over is owed from it.
    pub reception_date: NaiveDate,
    /// Remanded or sentenced, if recorded.
    pub reception_kind: Option<ReceptionKind>,
    /// The hand-over to the prison drug team.
    pub handover: crate::domain::handover::Handover,
}

/// Counts for one area on the "caseloads by area" screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaSummary {
    /// The area, whose name heads the row.
    pub area: Area,
    /// Clients with an open episode.
    pub active: usize,
    /// Of those, IOM.
    pub iom: usize,
    /// Of those, PPO.
    pub ppo: usize,
    /// Of those, in custody now.
    pub in_custody: usize,
    /// Of the PPOs, in custody now (003: most of them are, at any one time).
    pub ppo_in_custody: usize,
    /// Of those, at or past the 13-week benchmark (day 91 or later).
    pub at_or_past_13_weeks: usize,
    /// Whether the database let this session count the area's clients. PostgreSQL's
    /// row security shows a worker their own area's only; another area's counts
    /// are then all nought and mean "not yours to see", not "nobody".
    pub counted: bool,
}

/// An open custody episode of a client on the caseload, with the dates the Areas
/// view's count of releases is made from (see `release::planning_date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReleaseDates {
    /// The client's area.
    pub area_id: i64,
    /// Expected release date.
    pub expected: Option<NaiveDate>,
    /// Earliest release date.
    pub earliest: Option<NaiveDate>,
}

/// A date-time as used throughout: local wall time of the service, minute precision.
pub type Timestamp = NaiveDateTime;
