//! The changes a worker can make, as plain typed values. A form produces a [`Change`];
//! `Store::apply` checks the role rules, the versions read, and writes it with
//! field-level audit rows in one transaction.

use chrono::{NaiveDate, NaiveDateTime};

use super::Versioned;
use super::new::{NewArea, NewClient, NewEpisode, NewWorker};
use super::orders::OrderTerms;
use crate::domain::model::{
    AssessmentKind, AssessmentOutcome, BreachStatus, ContactKind, ExitReason, Flags, ModalityKind,
    OutcomeKind, Rag, ReceptionKind, ReengageHow, ReferralSource, ReleaseType, Role,
    SignpostDestination, TestKind, TestResult,
};
use crate::domain::release::Checklist;
use crate::domain::roles::Operation;
use crate::domain::substances::Ranked;

/// Who a new referral is for.
#[derive(Debug, Clone)]
pub enum ReferralFor {
    /// Someone not yet known: refused with `StoreError::Duplicate` if the
    /// reference, or the name and date of birth, match an existing client.
    NewClient(Box<NewClient>),
    /// An existing client, who must have no open episode.
    Existing(i64),
}

/// A change to the client row.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientEdit {
    /// IOM, PPO and the priority groups.
    Flags(Flags),
    /// Problem substances, ranked and checked.
    Substances(Ranked),
    /// Consent to share, with the date signed (`None`: withdrawn or never given).
    Consent(Option<NaiveDate>),
    /// Whether the client is a domestic-abuse perpetrator (a priority cohort).
    DomesticAbuse(bool),
    /// GP practice and prescribing service (empty: not known).
    Practice {
        /// GP practice name.
        gp: String,
        /// Prescribing service.
        prescriber: String,
    },
}

/// A change to an episode row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EpisodeEdit {
    /// Assessment (DIR) date, and whether the DAN 24/7 helpline number was given
    /// there (003: "At assessment could you ask the service user to enter DAN 24/7
    /// phone number into their mobile phone").
    Assessment {
        /// Assessment date.
        on: Option<NaiveDate>,
        /// Whether it found a need for the caseload (KPI 4: "assessed as needing a
        /// further intervention").
        assessed_need: bool,
        /// The DAN 24/7 number given.
        dan_advised: bool,
    },
    /// Care-plan date: the caseload start.
    CarePlan(Option<NaiveDate>),
    /// A care-plan review was done; the next one is due on this date.
    Review(Option<NaiveDate>),
    /// Engaged in treatment since this date (DIR section 9 completed: KPI 5); `None`
    /// = no longer engaged, which keeps the date so past returns do not change.
    Engaged(Option<NaiveDate>),
    /// Prescribed.
    Prescribed(bool),
    /// Treatment tier 1-4.
    Tier(u8),
    /// The 13-week exit plan.
    ExitPlan(String),
    /// A 13-week extension: reason and review date, both required.
    Extension {
        /// Why the client stays past 13 weeks.
        reason: String,
        /// When the decision is reviewed.
        review_date: NaiveDate,
    },
    /// The court order this episode is the aftercare of (`None`: none).
    FollowsOrder(Option<i64>),
    /// Closure: date and exit reason.
    Close {
        /// Closure date.
        date: NaiveDate,
        /// Exit reason.
        reason: ExitReason,
    },
}

/// A change to a custody row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustodyEdit {
    /// Expected and earliest release dates, and release type.
    ReleaseDates {
        /// Expected release date.
        expected: Option<NaiveDate>,
        /// Earliest possible release date.
        earliest: Option<NaiveDate>,
        /// How they are expected to leave.
        release_type: Option<ReleaseType>,
    },
    /// The release checklist as ticked now.
    Checklist(Checklist),
    /// The client was released on this date.
    Released(NaiveDate),
}

/// Everything a worker can save. Inserts need no version (nothing can be
/// overwritten); edits carry the [`Versioned`] row they were made from.
#[derive(Debug, Clone)]
pub enum Change {
    /// A contact (or did-not-attend) by the acting worker.
    Contact {
        /// Row id of the client it is about.
        client_id: i64,
        /// When it happened.
        at: NaiveDateTime,
        /// Face to face, phone, did not attend, and so on.
        kind: ContactKind,
        /// Free-text note, shown on the record and exported.
        note: String,
    },
    /// A new referral: a new episode, for a new or existing client.
    Referral {
        /// Who.
        client: ReferralFor,
        /// Referral date.
        date: NaiveDate,
        /// Referral source.
        source: ReferralSource,
    },
    /// A change to a client's record.
    Client(Versioned, ClientEdit),
    /// A change to an episode.
    Episode(Versioned, EpisodeEdit),
    /// Book a Required Assessment.
    BookAssessment {
        /// Row id of the client it is about.
        client_id: i64,
        /// RA-IA or RA-FU.
        kind: AssessmentKind,
        /// When it happened.
        at: NaiveDateTime,
    },
    /// Record what happened at a Required Assessment; a failed attendance may raise
    /// a breach with this RAG, its deadline running from the breach (the missed
    /// appointment), not from the time of saving.
    AssessmentOutcome {
        /// The appointment.
        assessment: Versioned,
        /// What happened.
        outcome: AssessmentOutcome,
        /// Raise a breach (failed attendance only).
        breach: Option<Rag>,
        /// When the breach happened; `None` = the appointment's time.
        breach_at: Option<NaiveDateTime>,
    },
    /// Update a breach: arrested, withdrawn, resolved (with date) or outstanding again.
    Breach {
        /// The breach.
        breach: Versioned,
        /// Outstanding, or how it was dealt with.
        status: BreachStatus,
        /// Date dealt with (required unless outstanding).
        date: Option<NaiveDate>,
    },
    /// An attempt to re-engage the client after their outstanding breach (the newest
    /// raised by then), in the team's cooling-off period (002): when and how, made
    /// after the breach and not in the future.
    Reengagement {
        /// Row id of the client it is about.
        client_id: i64,
        /// When it was made.
        at: NaiveDateTime,
        /// Phone, letter, home visit...
        how: ReengageHow,
        /// What came of it.
        note: String,
    },
    /// Add a custody episode.
    AddCustody {
        /// Row id of the client it is about.
        client_id: i64,
        /// The prison, as the team knows it.
        prison: String,
        /// The day they were received into custody.
        reception_date: NaiveDate,
        /// Remanded or sentenced, if known.
        reception_kind: Option<ReceptionKind>,
        /// Expected release date, if known.
        expected_release: Option<NaiveDate>,
    },
    /// A change to a custody episode.
    Custody(Versioned, CustodyEdit),
    /// The hand-over of a custody to CARATS or the prison drug team. Whom it was
    /// handed to and prescribing confirmed also tick the release checklist's items.
    Handover {
        /// The custody.
        custody: Versioned,
        /// The prison ([`crate::domain::handover::PRISON_NOT_KNOWN`] until known).
        prison: String,
        /// Who at CARATS or the prison drug team was contacted (empty: nobody yet).
        with: String,
        /// When.
        on: Option<NaiveDate>,
        /// Prescribing and dose confirmed with the prison.
        prescribing: bool,
        /// Consent to share confirmed.
        consent: bool,
        /// Why no hand-over is possible (team leaders; empty: none).
        waived: String,
        /// Remanded or sentenced (`None`: not known yet).
        reception_kind: Option<ReceptionKind>,
    },
    /// A court order or licence made.
    AddOrder {
        /// Row id of the client it is about.
        client_id: i64,
        /// What it is and when it may end.
        terms: OrderTerms,
    },
    /// A change to the order in force: its terms, or the day it ended.
    Order {
        /// The order, as read.
        order: Versioned,
        /// What it is and when it may end.
        terms: OrderTerms,
        /// The day it ended (`None`: in force).
        ended_on: Option<NaiveDate>,
    },
    /// A court review of the client's order in force.
    AddReview {
        /// Row id of the client it is about.
        client_id: i64,
        /// The review date.
        on: NaiveDate,
    },
    /// A court review's date, and whether its progress report was sent.
    CourtReview {
        /// The review, as read.
        review: Versioned,
        /// The review date.
        on: NaiveDate,
        /// The progress report went to the court.
        report_sent: bool,
    },
    /// Move clients to another area and care co-ordinator (bulk from the list).
    Reassign {
        /// The clients, as read.
        clients: Vec<Versioned>,
        /// Row id of the area (team) it belongs to.
        area_id: i64,
        /// New care co-ordinator (`None`: unallocated).
        care_coordinator_id: Option<i64>,
    },
    /// A positive outcome on an episode.
    PositiveOutcome {
        /// Row id of the episode it belongs to.
        episode_id: i64,
        /// The day it counts for.
        on: NaiveDate,
        /// Which positive outcome.
        kind: OutcomeKind,
    },
    /// A care-plan modality started.
    StartModality {
        /// Row id of the episode it belongs to.
        episode_id: i64,
        /// Which care-plan modality.
        kind: ModalityKind,
        /// The day it counts for.
        on: NaiveDate,
    },
    /// A modality ended: completed, or stopped without completing.
    EndModality {
        /// The modality.
        modality: Versioned,
        /// The day it counts for.
        on: NaiveDate,
        /// Completed (rather than stopped).
        completed: bool,
    },
    /// A drug test and its result.
    DrugTest {
        /// Row id of the client it is about.
        client_id: i64,
        /// The day it counts for.
        on: NaiveDate,
        /// Why it was taken.
        kind: TestKind,
        /// Positive for what, or negative.
        result: TestResult,
    },
    /// One brief intervention (an outreach tally) in the acting worker's area.
    Outreach {
        /// The day it counts for.
        on: NaiveDate,
        /// Its outcome: where it signposted the person, if anywhere.
        signposted_to: Option<SignpostDestination>,
    },
}

impl Change {
    /// What the role rules call this change.
    #[must_use]
    pub fn operation(&self) -> Operation {
        match self {
            // Seeking the client out is contact work, as a phone call or letter is.
            Self::Contact { .. } | Self::Reengagement { .. } => Operation::RecordContact,
            Self::BookAssessment { .. } | Self::AssessmentOutcome { .. } => {
                Operation::RecordAppointment
            }
            Self::Referral { .. } => Operation::Refer,
            Self::Episode(_, EpisodeEdit::Extension { .. }) => Operation::Extend,
            Self::Episode(_, EpisodeEdit::Close { .. }) => Operation::Close,
            // Excusing the hand-over lets the case close: a team leader's decision.
            Self::Handover { waived, .. } if !waived.trim().is_empty() => Operation::Close,
            Self::Reassign { .. } => Operation::Reassign,
            Self::Outreach { .. } => Operation::Outreach,
            _ => Operation::EditClient,
        }
    }

    /// Whether the change needs a confirm step that defaults to Cancel.
    #[must_use]
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            Self::Episode(_, EpisodeEdit::Close { .. })
                | Self::Reassign { .. }
                | Self::Breach {
                    status: BreachStatus::Resolved,
                    ..
                }
        )
    }

    /// How many records the change touches (the confirm step states it from 3 up).
    #[must_use]
    pub fn record_count(&self) -> usize {
        match self {
            Self::Reassign { clients, .. } => clients.len(),
            _ => 1,
        }
    }
}

/// A change to the staff and areas, allowed to admins only.
#[derive(Debug, Clone)]
pub enum StaffChange {
    /// A new area.
    AddArea(NewArea),
    /// A new worker.
    AddWorker(NewWorker),
    /// A worker's new role.
    SetRole {
        /// The worker, as read.
        worker: Versioned,
        /// What the role rules let them do.
        role: Role,
    },
}

impl NewEpisode {
    /// A just-referred, open episode: nothing recorded yet but the referral, tier 2
    /// (CJIT work).
    #[must_use]
    pub fn referral(
        client_id: i64,
        referral_date: NaiveDate,
        referral_source: ReferralSource,
    ) -> Self {
        Self {
            client_id,
            referral_date,
            referral_source,
            assessment_date: None,
            care_plan_date: None,
            next_review_date: None,
            engaged: false,
            prescribed: false,
            tier: 2,
            exit_plan: None,
            extension: None,
            closure: None,
        }
    }
}
