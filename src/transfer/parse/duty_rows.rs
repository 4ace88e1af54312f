//! The rows and columns the daily duties added (issue 15): what a custody row says
//! of the hand-over to the prison, re-engagement attempts after a breach, and the
//! court's reviews of an order.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::model::{OrderKind, ReceptionKind, ReengageHow};

/// The columns of a re-engagement file: (name, required).
pub(super) const REENGAGEMENT_COLUMNS: &[(&str, bool)] = &[
    ("client_reference", true),
    ("raised_at", true),
    ("attempted_at", true),
    ("how", true),
    ("note", false),
];

/// The columns of a court-reviews file: (name, required).
pub(super) const COURT_REVIEW_COLUMNS: &[(&str, bool)] = &[
    ("client_reference", true),
    ("order_kind", true),
    ("order_start_date", true),
    ("review_on", true),
    ("report_sent", false),
];

/// What a custody row says of the reception and its hand-over to CARATS or the
/// prison drug team; each `None` where the cell is blank (nothing said).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandoverCells {
    /// Remanded or sentenced.
    pub reception_kind: Option<ReceptionKind>,
    /// Who at CARATS or the prison drug team was contacted.
    pub handover_with: Option<String>,
    /// When they were contacted (given with `handover_with`).
    pub handover_on: Option<NaiveDate>,
    /// Prescribing and dose confirmed with the prison.
    pub prescribing_confirmed: Option<bool>,
    /// Consent to share confirmed.
    pub consent_confirmed: Option<bool>,
    /// The DAN 24/7 helpline number given before release (a release-checklist item).
    pub dan_advised: Option<bool>,
}

/// An attempt to re-engage a client after a breach: the breach (its client and the
/// time it was raised), and when and how; the breach, time and how are its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReengagementRow {
    /// Client reference.
    pub client: String,
    /// When the breach it follows was raised.
    pub raised_at: NaiveDateTime,
    /// When the attempt was made.
    pub attempted_at: NaiveDateTime,
    /// Phone, text, letter, home visit...
    pub how: ReengageHow,
    /// Free text.
    pub note: String,
}

/// A court review of an order (its client, kind and start date): the review date is
/// its key, and whether the progress report went is what it says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourtReviewRow {
    /// Client reference.
    pub client: String,
    /// The order's kind.
    pub order_kind: OrderKind,
    /// The order's start date.
    pub order_start_date: NaiveDate,
    /// The review date.
    pub review_on: NaiveDate,
    /// The progress report was sent (blank: nothing said; a new review is not sent).
    pub report_sent: Option<bool>,
}
