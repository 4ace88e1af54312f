//! The registry of forms: one line per kind names its [`Spec`], which lives in this
//! folder with its family (contacts, the episode, the client's profile, Required
//! Assessments, custody and release, the 13-week exit, modalities and outcomes...).
//! The line's position is the form's place in the menu of updates.

mod assessment;
mod contact;
mod custody;
mod episode;
mod exit;
mod orders;
mod outcomes;
mod profile;
mod referral;
mod team;

use super::{Field, FieldKind, FormContext, Spec};
use crate::domain::dates::uk;
use crate::domain::safe_text::Room;

/// Declares [`FormKind`] with one variant per line, [`FormKind::ALL`] in the same
/// (menu) order, and [`FormKind::spec`] mapping each variant to its [`Spec`]: one
/// list, so a kind cannot be declared without a spec or left out of the menu.
macro_rules! registry {
    ($($(#[$doc:meta])* $kind:ident => $spec:path,)*) => {
        /// Every form, one per kind of update in the issue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FormKind {
            $($(#[$doc])* $kind,)*
        }

        impl FormKind {
            /// Every form, in menu order.
            pub const ALL: [Self; [$(stringify!($kind)),*].len()] = [$(Self::$kind),*];

            /// Everything that defines this kind of form.
            #[must_use]
            pub const fn spec(self) -> &'static Spec {
                match self {
                    $(Self::$kind => &$spec,)*
                }
            }
        }
    };
}

registry! {
    /// Log a contact with the client: its kind, when, and a note.
    Contact => contact::CONTACT,
    /// Record a did-not-attend.
    DidNotAttend => contact::DID_NOT_ATTEND,
    /// Assessment (DIR) date.
    Assessment => episode::ASSESSMENT,
    /// Care-plan date.
    CarePlan => episode::CARE_PLAN,
    /// Care-plan review done: next review date.
    Review => episode::REVIEW,
    /// Engaged in treatment, and since when.
    Engaged => episode::ENGAGED,
    /// Prescribed or not, in the open episode.
    Prescribed => episode::PRESCRIBED,
    /// The open episode's treatment tier, 1 to 4.
    Tier => episode::TIER,
    /// IOM, PPO and priority groups.
    Flags => profile::FLAGS,
    /// The domestic-abuse perpetrator priority flag.
    DomesticAbuse => profile::DOMESTIC_ABUSE,
    /// Up to three ranked substances.
    Substances => profile::SUBSTANCES,
    /// Consent to share, with date.
    Consent => profile::CONSENT,
    /// GP practice and prescribing service.
    Practice => profile::PRACTICE,
    /// Book RA-IA or RA-FU.
    BookAssessment => assessment::BOOK,
    /// Attended or failed to attend (and raise a breach).
    AssessmentOutcome => assessment::OUTCOME,
    /// Arrested, withdrawn, resolved.
    Breach => assessment::BREACH,
    /// An attempt to re-engage the client after the outstanding breach.
    Reengage => assessment::REENGAGE,
    /// A new custody episode.
    AddCustody => custody::ADD,
    /// The hand-over to CARATS or the prison drug team.
    Handover => custody::HANDOVER,
    /// Expected/earliest release date and type.
    ReleaseDates => custody::RELEASE_DATES,
    /// The release checklist.
    ReleaseChecklist => custody::CHECKLIST,
    /// The actual release date of the custody not yet released.
    Released => custody::RELEASED,
    /// A court order or licence made, with every date it may end on.
    AddOrder => orders::ADD_ORDER,
    /// The order in force: its dates, or the day it ended.
    Order => orders::ORDER,
    /// A court review of the order in force.
    AddCourtReview => orders::ADD_REVIEW,
    /// A court review's date and progress report.
    CourtReport => orders::REPORT,
    /// The open episode as the aftercare of a court order.
    Aftercare => orders::AFTERCARE,
    /// The 13-week exit plan.
    ExitPlan => exit::EXIT_PLAN,
    /// A 13-week extension.
    Extension => exit::EXTENSION,
    /// Close the episode.
    Close => exit::CLOSE,
    /// Reassign one or more clients.
    Reassign => team::REASSIGN,
    /// A positive outcome.
    PositiveOutcome => outcomes::POSITIVE_OUTCOME,
    /// A modality started.
    StartModality => outcomes::START_MODALITY,
    /// A modality completed or stopped.
    EndModality => outcomes::END_MODALITY,
    /// A drug test and its result.
    DrugTest => outcomes::DRUG_TEST,
    /// A new episode for an existing client.
    NewEpisode => referral::NEW_EPISODE,
    /// A referral for someone not yet a client.
    NewClientReferral => referral::NEW_CLIENT,
    /// Outreach tally: a brief intervention, about no client, and where it signposted.
    Outreach => team::OUTREACH,
}

/// A choice among a domain vocabulary's values (stored code, label shown).
macro_rules! vocab {
    ($t:ty) => {
        $crate::form::FieldKind::Choice(
            <$t>::ALL
                .iter()
                .map(|v| (v.code().to_owned(), v.label().to_owned()))
                .collect(),
        )
    };
}
use vocab;

fn date(key: &'static str, label: &'static str, past_only: bool) -> Field {
    Field::new(key, label, FieldKind::Date { past_only })
}

fn yes(key: &'static str, label: &'static str) -> Field {
    Field::new(key, label, FieldKind::YesNo)
}

fn text(key: &'static str, label: &'static str) -> Field {
    Field::new(key, label, FieldKind::Text)
}

/// A free-text field holding a name (of a person, prison, team or practice).
fn name(key: &'static str, label: &'static str) -> Field {
    text(key, label).holds(Room::Name)
}

/// A free-text field holding a note, plan or reason written out.
fn note(key: &'static str, label: &'static str) -> Field {
    text(key, label).holds(Room::Note)
}

/// The required `on` field of something that happened, opening at today.
fn on(context: &FormContext, label: &'static str) -> Field {
    date("on", label, true)
        .required()
        .with(uk(context.now.date()))
}

/// The required `at` field of something that happened, opening at now.
fn when(context: &FormContext) -> Field {
    Field::new("at", "when", FieldKind::DateTime { past_only: true })
        .required()
        .with(context.now.format("%d/%m/%Y %H:%M").to_string())
}
