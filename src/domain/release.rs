//! Prison releases: days to release and readiness from the release checklist.

use chrono::NaiveDate;

use super::model::Rag;

/// The five things to confirm before a client leaves prison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // one independent tick per checklist item
pub struct Checklist {
    /// An appointment on the day of release is booked (ideally meeting at the gate).
    pub appointment_booked: bool,
    /// Who continues any prescription, and at what dose, is confirmed.
    pub prescriber_confirmed: bool,
    /// Naloxone and overdose-risk advice given.
    pub naloxone_given: bool,
    /// Accommodation for the night of release confirmed.
    pub accommodation_confirmed: bool,
    /// The prison drug team has been contacted.
    pub prison_team_contacted: bool,
}

impl Checklist {
    /// Number of items on the checklist.
    pub const LEN: usize = 5;

    /// Each item with its short description, in checklist order.
    #[must_use]
    pub fn items(&self) -> [(&'static str, bool); Self::LEN] {
        [
            ("appointment on day of release", self.appointment_booked),
            ("prescriber and dose", self.prescriber_confirmed),
            ("naloxone and overdose advice", self.naloxone_given),
            ("accommodation", self.accommodation_confirmed),
            ("prison drug team contacted", self.prison_team_contacted),
        ]
    }

    /// How many items are done.
    #[must_use]
    pub fn done(&self) -> usize {
        self.items().iter().filter(|(_, done)| *done).count()
    }

    /// Whether every item is done.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.done() == Self::LEN
    }

    /// What is still missing, as short phrases for a queue row, e.g. "no appointment
    /// booked", "prescriber not confirmed".
    #[must_use]
    pub fn missing_phrases(&self) -> Vec<&'static str> {
        [
            (self.appointment_booked, "no appointment booked"),
            (self.prescriber_confirmed, "prescriber not confirmed"),
            (self.naloxone_given, "no naloxone"),
            (self.accommodation_confirmed, "no accommodation"),
            (self.prison_team_contacted, "prison team not contacted"),
        ]
        .into_iter()
        .filter_map(|(done, phrase)| (!done).then_some(phrase))
        .collect()
    }

    /// The items still to do, in checklist order.
    #[must_use]
    pub fn missing(&self) -> Vec<&'static str> {
        self.items()
            .into_iter()
            .filter_map(|(name, done)| (!done).then_some(name))
            .collect()
    }
}

/// The date to plan for: the earliest possible release if it has not passed, else the
/// expected release date. `None` if neither is known.
#[must_use]
pub fn planning_date(
    expected: Option<NaiveDate>,
    earliest: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match (earliest, expected) {
        (Some(early), _) if early >= today => Some(early),
        (_, Some(expected)) => Some(expected),
        (early, None) => early,
    }
}

/// Whole days from `today` to `release` (0 = today, negative = passed).
#[must_use]
pub fn days_to_release(release: NaiveDate, today: NaiveDate) -> i64 {
    (release - today).num_days()
}

/// Release readiness as a RAG: a complete checklist is green; otherwise red within 2
/// days of release (or past it), amber within 7 days, green further out.
#[must_use]
pub fn readiness(checklist: &Checklist, days_to_release: i64) -> Rag {
    if checklist.is_complete() || days_to_release > 7 {
        Rag::Green
    } else if days_to_release <= 2 {
        Rag::Red
    } else {
        Rag::Amber
    }
}
