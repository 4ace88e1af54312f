//! One place that defines each kind of form: its title, its draft key, the row it
//! edits, where the menu offers it, and which field shows which column of that row.

use super::FormKind;
use crate::domain::model::BreachStatus;
use crate::domain::record::ClientRecord;

impl FormKind {
    /// Everything that defines this kind of form but its fields' checks.
    #[must_use]
    #[allow(clippy::too_many_lines)] // one short arm per form
    pub const fn spec(self) -> Spec {
        use Menu::{Always, Client, ClientOrMarked};
        use Target::{Clients, Episode, New, Row};
        let (title, key, target, menu, columns): (_, _, _, _, &'static [(&str, &str)]) = match self
        {
            Self::Contact => ("contact", "contact", New, Client, &[]),
            Self::DidNotAttend => ("did not attend", "did_not_attend", New, Client, &[]),
            Self::NewClientReferral => ("new referral", "new_referral", New, Always, &[]),
            Self::NewEpisode => ("new episode", "new_episode", New, Client, &[]),
            Self::Assessment => (
                "assessment",
                "assessment",
                Episode,
                Client,
                &[("on", "assessment_date")],
            ),
            Self::CarePlan => (
                "care plan",
                "care_plan",
                Episode,
                Client,
                &[("on", "care_plan_date")],
            ),
            Self::Review => (
                "care-plan review",
                "review",
                Episode,
                Client,
                &[("next_review", "next_review_date")],
            ),
            Self::Engaged => (
                "engaged",
                "engaged",
                Episode,
                Client,
                &[("engaged", "engaged"), ("on", "engaged_on")],
            ),
            Self::Prescribed => (
                "prescribed",
                "prescribed",
                Episode,
                Client,
                &[("prescribed", "prescribed")],
            ),
            Self::Tier => ("tier", "tier", Episode, Client, &[("tier", "tier")]),
            Self::Flags => (
                "flags and priority groups",
                "flags",
                Target::Client,
                Client,
                &[
                    ("iom", "iom"),
                    ("ppo", "ppo"),
                    ("mappa", "mappa"),
                    ("marac", "marac"),
                    ("matac", "matac"),
                    ("approved_premises", "approved_premises"),
                    ("drr", "drr"),
                    ("atr", "atr"),
                    ("licence_condition", "licence_condition"),
                ],
            ),
            Self::Substances => (
                "substances",
                "substances",
                Target::Client,
                Client,
                &[
                    ("substance_1", "substance_1"),
                    ("substance_2", "substance_2"),
                    ("substance_3", "substance_3"),
                ],
            ),
            Self::Consent => (
                "consent to share",
                "consent",
                Target::Client,
                Client,
                &[("consent", "consent_to_share"), ("on", "consent_date")],
            ),
            Self::DomesticAbuse => (
                "domestic-abuse perpetrator",
                "domestic_abuse",
                Target::Client,
                Client,
                &[("domestic_abuse", "domestic_abuse")],
            ),
            Self::Practice => (
                "GP and prescriber",
                "practice",
                Target::Client,
                Client,
                &[("gp", "gp_practice"), ("prescriber", "prescriber")],
            ),
            Self::BookAssessment => (
                "book Required Assessment",
                "book_assessment",
                New,
                Client,
                &[],
            ),
            Self::AssessmentOutcome => (
                "Required Assessment outcome",
                "assessment_outcome",
                Row("required_assessment"),
                Client,
                &[("outcome", "outcome")],
            ),
            Self::Breach => (
                "breach",
                "breach",
                Row("breach"),
                Client,
                &[("status", "status"), ("on", "resolution_date")],
            ),
            Self::AddCustody => ("custody", "add_custody", New, Client, &[]),
            Self::Handover => (
                "hand-over to the prison",
                "handover",
                Row("custody"),
                Client,
                &[
                    ("prison", "prison"),
                    ("with", "handover_with"),
                    ("on", "handover_on"),
                    ("prescribing", "handover_prescribing"),
                    ("consent", "handover_consent"),
                    ("waived", "handover_waived"),
                ],
            ),
            Self::ReleaseDates => (
                "release dates",
                "release_dates",
                Row("custody"),
                Client,
                &[
                    ("expected", "expected_release_date"),
                    ("earliest", "earliest_release_date"),
                    ("release_type", "release_type"),
                ],
            ),
            Self::ReleaseChecklist => (
                "release checklist",
                "release_checklist",
                Row("custody"),
                Client,
                &[
                    ("appointment_booked", "appointment_booked"),
                    ("prescriber_confirmed", "prescriber_confirmed"),
                    ("naloxone_given", "naloxone_given"),
                    ("accommodation_confirmed", "accommodation_confirmed"),
                    ("prison_team_contacted", "prison_team_contacted"),
                ],
            ),
            Self::Released => (
                "released",
                "released",
                Row("custody"),
                Client,
                &[("on", "actual_release_date")],
            ),
            Self::ExitPlan => (
                "13-week exit plan",
                "exit_plan",
                Episode,
                Client,
                &[("plan", "exit_plan")],
            ),
            Self::Extension => (
                "13-week extension",
                "extension",
                Episode,
                Client,
                &[
                    ("reason", "extension_reason"),
                    ("review", "extension_review_date"),
                ],
            ),
            Self::Close => (
                "close episode",
                "close",
                Episode,
                Client,
                &[("reason", "exit_reason"), ("on", "closure_date")],
            ),
            Self::Reassign => (
                "reassign",
                "reassign",
                Clients,
                ClientOrMarked,
                &[
                    ("area", "area_id"),
                    ("care_coordinator", "care_coordinator_id"),
                ],
            ),
            Self::PositiveOutcome => ("positive outcome", "positive_outcome", New, Client, &[]),
            Self::StartModality => ("modality started", "start_modality", New, Client, &[]),
            Self::EndModality => (
                "modality ended",
                "end_modality",
                Row("modality"),
                Client,
                &[("on", "ended_on"), ("completed", "completed")],
            ),
            Self::DrugTest => ("drug test", "drug_test", New, Client, &[]),
            Self::Outreach => ("outreach", "outreach", New, Always, &[]),
        };
        Spec {
            title,
            key,
            legacy_key: self.legacy_key(),
            target,
            menu,
            columns,
            today: self.happened_on(),
        }
    }

    /// The date field of a form that records something happening to the record
    /// (an assessment, a release, a closure): it opens at today where the record
    /// has no date yet, and that default is saved as if the user had typed it.
    const fn happened_on(self) -> Option<&'static str> {
        match self {
            Self::Assessment
            | Self::CarePlan
            | Self::Breach
            | Self::Released
            | Self::Close
            | Self::EndModality => Some("on"),
            _ => None,
        }
    }

    /// The name drafts were stored under before draft keys existed: the titles of
    /// that time, written out here so that renaming a title orphans no draft.
    const fn legacy_key(self) -> &'static str {
        match self {
            Self::Contact => "contact",
            Self::DidNotAttend => "did not attend",
            Self::NewClientReferral => "new referral",
            Self::NewEpisode => "new episode",
            Self::Assessment => "assessment",
            Self::CarePlan => "care plan",
            Self::Review => "care-plan review",
            Self::Engaged => "engaged",
            Self::Prescribed => "prescribed",
            Self::Tier => "tier",
            Self::Flags => "flags and priority groups",
            Self::Substances => "substances",
            Self::Consent => "consent to share",
            Self::Practice => "GP and prescriber",
            Self::DomesticAbuse => "domestic-abuse perpetrator",
            Self::BookAssessment => "book Required Assessment",
            Self::AssessmentOutcome => "Required Assessment outcome",
            Self::Breach => "breach",
            Self::AddCustody => "custody",
            Self::Handover => "hand-over to the prison",
            Self::ReleaseDates => "release dates",
            Self::ReleaseChecklist => "release checklist",
            Self::Released => "released",
            Self::ExitPlan => "13-week exit plan",
            Self::Extension => "13-week extension",
            Self::Close => "close episode",
            Self::Reassign => "reassign",
            Self::PositiveOutcome => "positive outcome",
            Self::StartModality => "modality started",
            Self::EndModality => "modality ended",
            Self::DrugTest => "drug test",
            Self::Outreach => "outreach",
        }
    }

    /// Title shown on the form.
    #[must_use]
    pub const fn title(self) -> &'static str {
        self.spec().title
    }

    /// The stable name its drafts are stored under (never the label).
    #[must_use]
    pub const fn draft_key(self) -> &'static str {
        self.spec().key
    }

    /// What a save that found nothing to change tells the user.
    #[must_use]
    pub fn nothing_changed(self) -> String {
        format!(
            "Nothing changed: the {} is as it was, so nothing was saved.",
            self.title()
        )
    }

    /// The form a draft stored under `name` belongs to: its draft key, or the name
    /// drafts were stored under before draft keys existed.
    #[must_use]
    pub fn from_draft_key(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.spec().key == name || k.spec().legacy_key == name)
    }

    /// Of this kind's draft names, the one equal to `name` (for discarding a draft
    /// stored under the older name).
    #[must_use]
    pub fn stored_name(self, name: &str) -> &'static str {
        let spec = self.spec();
        if spec.legacy_key == name {
            spec.legacy_key
        } else {
            spec.key
        }
    }
}

/// The row a form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// None: the form records something new.
    New,
    /// The client row.
    Client,
    /// The client's open episode.
    Episode,
    /// A row of this table, found by [`target_row`].
    Row(&'static str),
    /// One or more client rows (the marked clients, or the one selected).
    Clients,
}

impl Target {
    /// The table of the edited row(s), if any.
    #[must_use]
    pub const fn table(self) -> Option<&'static str> {
        match self {
            Self::New => None,
            Self::Client | Self::Clients => Some("client"),
            Self::Episode => Some("episode"),
            Self::Row(table) => Some(table),
        }
    }
}

/// Where the menu of updates (`u`) offers a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    /// With a client selected.
    Client,
    /// Always (the form is not about one client).
    Always,
    /// With a client selected, or with clients marked in the caseload.
    ClientOrMarked,
}

/// One place that defines a kind of form: its title, draft key, the row it edits,
/// where the menu offers it, and which field holds which column of that row (the
/// fields start from those columns and a save merges them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Title shown on the form and in the menu.
    pub title: &'static str,
    /// Stable name drafts are stored under; never changes when the title does.
    pub key: &'static str,
    /// The name drafts were stored under before `key` existed (the title then):
    /// frozen, so those drafts stay loadable whatever the title becomes.
    pub legacy_key: &'static str,
    /// The row it edits.
    pub target: Target,
    /// Where the menu offers it.
    pub menu: Menu,
    /// (field key, column) pairs of the edited row.
    pub columns: &'static [(&'static str, &'static str)],
    /// The date field that opens at today where the record has none (the day the
    /// thing happened); saving it so counts as the user's change.
    pub today: Option<&'static str>,
}

/// The id of the row a form of `kind` edits when its target is [`Target::Row`]: the
/// outstanding breach, the assessment without an outcome (else the newest), the
/// custody not yet released, the modality not yet ended.
#[must_use]
pub fn target_row(kind: FormKind, record: &ClientRecord) -> Option<i64> {
    match kind {
        FormKind::Breach => record
            .breaches
            .iter()
            .find(|b| b.status == BreachStatus::Outstanding)
            .map(|b| b.id),
        FormKind::AssessmentOutcome => record
            .assessments
            .iter()
            .find(|a| a.outcome.is_none())
            .or_else(|| record.assessments.first())
            .map(|a| a.id),
        FormKind::Handover
        | FormKind::ReleaseDates
        | FormKind::ReleaseChecklist
        | FormKind::Released => record
            .custody
            .iter()
            .find(|c| c.actual_release_date.is_none())
            .map(|c| c.id),
        FormKind::EndModality => record
            .modalities
            .iter()
            .find(|m| m.ended_on.is_none())
            .map(|m| m.id),
        _ => None,
    }
}
