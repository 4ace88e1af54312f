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

/// The next date that matters for a client on the caseload, with what it is:
/// release (in custody), else the earliest of care-plan review, 13-week benchmark (if
/// not yet passed, its clock starting as `clock_starts` says) and extension review.
#[must_use]
pub fn next_key_date(
    row: &super::model::CaseloadRow,
    today: NaiveDate,
    clock_starts: super::clock::ClockStart,
) -> Option<(&'static str, NaiveDate)> {
    if row.custody.is_some() {
        return next_release(row.custody.as_deref(), today).map(|d| ("release", d));
    }
    let benchmark = row
        .episode
        .clock_start(clock_starts)
        .map(|start| start + chrono::Days::new(91))
        .filter(|d| *d >= today);
    [
        row.next_review_date.map(|d| ("review", d)),
        benchmark.map(|d| ("13 weeks", d)),
        row.episode
            .extension_review_date
            .map(|d| ("ext. review", d)),
    ]
    .into_iter()
    .flatten()
    .min_by_key(|(_, d)| *d)
}
