//! The release checklist, a plain type on its own so that the model's custody rows and
//! the release rules can both use it without depending on each other.

/// The six things to confirm before a client leaves prison.
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
    /// The DAN 24/7 helpline number given, "in case of an emergency or to get
    /// appointment details" (003 asks for it before release).
    pub dan_advised: bool,
}

impl Checklist {
    /// Number of items on the checklist.
    pub const LEN: usize = 6;

    /// Each item with its short description, in checklist order.
    #[must_use]
    pub fn items(&self) -> [(&'static str, bool); Self::LEN] {
        [
            ("appointment on day of release", self.appointment_booked),
            ("prescriber and dose", self.prescriber_confirmed),
            ("naloxone and overdose advice", self.naloxone_given),
            ("accommodation", self.accommodation_confirmed),
            ("prison drug team contacted", self.prison_team_contacted),
            ("DAN 24/7 number given", self.dan_advised),
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
            (self.dan_advised, "no DAN 24/7"),
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
