//! Where a client on the caseload is in their journey, derived from the episode.

use chrono::NaiveDate;

use super::model::{CustodySummary, EpisodeDates};

/// The stage of the client journey shown in lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClientStatus {
    /// Referred, not yet assessed.
    Referred,
    /// Assessed (DIR), no care plan yet.
    Assessed,
    /// Care plan agreed, not (yet) engaged in treatment.
    CarePlan,
    /// Engaged in treatment.
    Engaged,
    /// In prison now.
    InCustody,
}

impl ClientStatus {
    /// The word for lists.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Referred => "referred",
            Self::Assessed => "assessed",
            Self::CarePlan => "care plan",
            Self::Engaged => "engaged",
            Self::InCustody => "in custody",
        }
    }
}

/// Status of a client with an open episode. Custody overrides the treatment stage.
#[must_use]
pub fn status(episode: &EpisodeDates, custody: Option<&CustodySummary>) -> ClientStatus {
    if custody.is_some() {
        ClientStatus::InCustody
    } else if episode.engaged && episode.care_plan_date.is_some() {
        ClientStatus::Engaged
    } else if episode.care_plan_date.is_some() {
        ClientStatus::CarePlan
    } else if episode.assessment_date.is_some() {
        ClientStatus::Assessed
    } else {
        ClientStatus::Referred
    }
}

/// The next date that matters for a client in custody: their planned release date.
#[must_use]
pub fn next_release(custody: Option<&CustodySummary>, today: NaiveDate) -> Option<NaiveDate> {
    custody.and_then(|c| {
        super::release::planning_date(c.expected_release_date, c.earliest_release_date, today)
    })
}
