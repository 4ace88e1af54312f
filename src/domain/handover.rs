//! Going into prison: the hand-over to CARATS or the prison drug team (003, "Promotion
//! of DIP in Prison"). A custody reception starts it; the case may not be closed as
//! "custody" until it is recorded, or a team leader has said why it cannot be.

use chrono::NaiveDate;

/// What a custody's prison reads as while nobody knows which prison it is.
pub const PRISON_NOT_KNOWN: &str = "not known yet";

/// Whom to ask while the prison is not known (003).
pub const WHO_TO_ASK: &str =
    "ask the custody suite, the solicitor, the local CARATS team or court staff";

/// A custody's hand-over as recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // one independent fact each
pub struct Handover {
    /// Whether the prison is known.
    pub prison_known: bool,
    /// Whether the CARATS or prison drug team worker contacted is named.
    pub named: bool,
    /// The date they were contacted.
    pub contacted_on: Option<NaiveDate>,
    /// Prescribing and dose confirmed with the prison.
    pub prescribing_confirmed: bool,
    /// Consent to share confirmed.
    pub consent_confirmed: bool,
    /// A team leader recorded why no hand-over is possible.
    pub waived: bool,
}

impl Handover {
    /// Recorded: the prison is known and whom at the prison drug team was
    /// contacted, and when, is written down.
    #[must_use]
    pub const fn is_recorded(&self) -> bool {
        self.prison_known && self.named && self.contacted_on.is_some()
    }

    /// Whether the episode may be closed with exit reason "custody": the hand-over
    /// is recorded, or a team leader recorded why it cannot be.
    #[must_use]
    pub const fn allows_closing(&self) -> bool {
        self.is_recorded() || self.waived
    }
}

/// Days since the reception (0 = today) while the hand-over is still owed: neither
/// recorded nor waived. `None` once it is, or for a reception dated after `today`.
#[must_use]
pub fn owed_days(reception: NaiveDate, handover: &Handover, today: NaiveDate) -> Option<i64> {
    let days = (today - reception).num_days();
    (days >= 0 && !handover.allows_closing()).then_some(days)
}

/// Why closing with exit reason "custody" is refused, or `None` if it is allowed.
/// `handover` is that of the client's newest custody (`None`: no custody recorded).
#[must_use]
pub fn close_refusal(handover: Option<&Handover>) -> Option<&'static str> {
    match handover {
        None => Some(
            "exit reason custody needs the custody recorded first, with its hand-over to CARATS or the prison drug team (u: custody, then hand-over)",
        ),
        Some(h) if !h.allows_closing() => Some(
            "the hand-over to CARATS or the prison drug team is not recorded: record the prison, whom you contacted and when (u: hand-over) before closing with exit reason custody, or a team leader records there why no hand-over is possible",
        ),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    const RECORDED: Handover = Handover {
        prison_known: true,
        named: true,
        contacted_on: Some(NaiveDate::MIN),
        prescribing_confirmed: false,
        consent_confirmed: false,
        waived: false,
    };

    #[test]
    fn owed_from_the_day_of_reception_until_recorded() {
        let none = Handover::default();
        for (today, owed) in [(19, None), (20, Some(0)), (21, Some(1)), (22, Some(2))] {
            assert_eq!(owed_days(day(20), &none, day(today)), owed, "on {today}");
        }
        assert_eq!(owed_days(day(20), &RECORDED, day(22)), None);
        let waived = Handover {
            waived: true,
            ..none
        };
        assert_eq!(owed_days(day(20), &waived, day(22)), None);
    }

    #[test]
    fn recorded_needs_the_prison_who_and_when() {
        assert!(RECORDED.is_recorded());
        for partial in [
            Handover {
                prison_known: false,
                ..RECORDED
            },
            Handover {
                named: false,
                ..RECORDED
            },
            Handover {
                contacted_on: None,
                ..RECORDED
            },
        ] {
            assert!(!partial.is_recorded(), "{partial:?}");
            assert!(close_refusal(Some(&partial)).is_some());
        }
        assert_eq!(close_refusal(Some(&RECORDED)), None);
        assert!(close_refusal(None).is_some());
        let waived = Handover {
            waived: true,
            ..Handover::default()
        };
        assert_eq!(close_refusal(Some(&waived)), None);
    }
}
