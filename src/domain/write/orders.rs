//! The write vocabulary of court orders and licences: an order's terms, and the
//! order and review rows an import inserts.

use chrono::NaiveDate;

use crate::domain::model::OrderKind;

/// What a court order or licence is, as made: its kind, court, start and every date
/// it may end on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTerms {
    /// DRR (high or low intensity), ATR, licence, community order, suspended sentence.
    pub kind: OrderKind,
    /// The court that made it (for a licence, the court that sentenced).
    pub court: String,
    /// The day it started.
    pub start_date: NaiveDate,
    /// The day it ends as made.
    pub end_date: NaiveDate,
    /// An earlier possible end (early revocation for good progress), if any.
    pub early_end_date: Option<NaiveDate>,
    /// A later possible end (an extension, supervision after a licence), if any.
    pub late_end_date: Option<NaiveDate>,
}

impl OrderTerms {
    /// Why these dates cannot be an order's (the field key to mark, and the
    /// sentence), or `None`: it ends after it starts, an early end falls between
    /// the two, a late end after the end.
    #[must_use]
    pub fn date_problem(&self) -> Option<(&'static str, &'static str)> {
        if self.end_date <= self.start_date {
            return Some(("end", "the order must end after the day it starts"));
        }
        if self
            .early_end_date
            .is_some_and(|d| d <= self.start_date || d >= self.end_date)
        {
            return Some((
                "early_end",
                "an early end must fall after the start and before the end as made",
            ));
        }
        if self.late_end_date.is_some_and(|d| d <= self.end_date) {
            return Some(("late_end", "a late end must fall after the end as made"));
        }
        None
    }
}

/// A court order or licence to insert (an import's row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// Row id of the client it is about.
    pub client_id: i64,
    /// What it is and when it may end.
    pub terms: OrderTerms,
    /// The day it ended, once it has.
    pub ended_on: Option<NaiveDate>,
}
