//! Court orders and licences (003, "Completing a court sentence and DIP"): "find out
//! when they are likely to finish it (all potential dates) and arrange to check prior
//! to that date", and the court reviews where the magistrate or judge "will want to
//! know how the service user is progressing". Aftercare after an order is an episode
//! of its own, on the 13-week clock like any other.

use chrono::{Datelike, NaiveDate};

use super::model::OrderKind;

impl OrderKind {
    /// The short name a Today reason starts with: "DRR", "ATR", "Licence"...
    #[must_use]
    pub const fn short(self) -> &'static str {
        match self {
            Self::DrrHigh | Self::DrrLow => "DRR",
            Self::Atr => "ATR",
            Self::Licence => "Licence",
            Self::CommunityOrder => "Community order",
            Self::SuspendedSentence => "Suspended sentence",
        }
    }
}

/// Every date an order in force may end on, and the court reviews whose progress
/// report has not gone yet: what the Today rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDates {
    /// DRR, ATR, licence...
    pub kind: OrderKind,
    /// The end as the order was made.
    pub end_date: NaiveDate,
    /// An earlier possible end (early revocation for good progress), if any.
    pub early_end_date: Option<NaiveDate>,
    /// A later possible end (an extension, supervision after a licence), if any.
    pub late_end_date: Option<NaiveDate>,
    /// Review dates whose progress report is not sent yet, earliest first.
    pub reviews: Box<[NaiveDate]>,
}

impl OrderDates {
    /// The potential end dates, earliest first.
    pub fn potential_ends(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        [self.early_end_date, Some(self.end_date), self.late_end_date]
            .into_iter()
            .flatten()
    }
}

/// What an order in force needs from the worker about its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndDue {
    /// It may end on `on`, `days` from today (0 = today): arrange aftercare.
    MayEnd {
        /// The potential end date.
        on: NaiveDate,
        /// Days from today to it.
        days: i64,
    },
    /// Every potential end date has passed and its end is not recorded.
    Passed {
        /// The last potential end date.
        on: NaiveDate,
        /// Days since it.
        days: i64,
    },
}

/// The end the worker should prepare for on `today`: the next potential end date if
/// it is `lead_days` or fewer away (from the day `lead_days` before it to the day
/// itself); once the last one has passed, that it is still recorded as in force.
/// `None` while the next end is further away than the lead time.
#[must_use]
pub fn end_due(order: &OrderDates, today: NaiveDate, lead_days: i64) -> Option<EndDue> {
    if let Some(on) = order.potential_ends().find(|d| *d >= today) {
        let days = (on - today).num_days();
        (days <= lead_days).then_some(EndDue::MayEnd { on, days })
    } else {
        let on = order.potential_ends().last()?;
        Some(EndDue::Passed {
            on,
            days: (today - on).num_days(),
        })
    }
}

/// The next court review on or after `today` whose progress report has not gone,
/// if it is `lead_days` or fewer away, with the days to it (0 = today). A review
/// that has passed is no longer asked for.
#[must_use]
pub fn review_due(
    order: &OrderDates,
    today: NaiveDate,
    lead_days: i64,
) -> Option<(NaiveDate, i64)> {
    let on = *order.reviews.iter().find(|d| **d >= today)?;
    let days = (on - today).num_days();
    (days <= lead_days).then_some((on, days))
}

/// A day as a reason says it from `today`: "today", "tomorrow", "on Thursday" within
/// the week, else "on Thu 14/03".
#[must_use]
pub fn day_words(on: NaiveDate, today: NaiveDate) -> String {
    match (on - today).num_days() {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        2..=6 => format!("on {}", weekday(on)),
        _ => format!("on {}", on.format("%a %d/%m")),
    }
}

fn weekday(on: NaiveDate) -> &'static str {
    match on.weekday() {
        chrono::Weekday::Mon => "Monday",
        chrono::Weekday::Tue => "Tuesday",
        chrono::Weekday::Wed => "Wednesday",
        chrono::Weekday::Thu => "Thursday",
        chrono::Weekday::Fri => "Friday",
        chrono::Weekday::Sat => "Saturday",
        chrono::Weekday::Sun => "Sunday",
    }
}
