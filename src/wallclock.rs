//! The one place that reads the system clock. Everything else is handed `today`/`now`.

use chrono::{NaiveDate, NaiveDateTime};

/// Local wall time, optionally pinned to a given day (`--today`) for demos and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WallClock {
    /// Day to use instead of the real date; the time of day stays real.
    pub today_override: Option<NaiveDate>,
}

impl WallClock {
    /// The current local date-time (on the pinned day, if any).
    #[must_use]
    #[allow(clippy::disallowed_methods)] // this is the app's single clock reader
    pub fn now(self) -> NaiveDateTime {
        let real = chrono::Local::now().naive_local();
        match self.today_override {
            Some(day) => day.and_time(real.time()),
            None => real,
        }
    }

    /// Today's date.
    #[must_use]
    pub fn today(self) -> NaiveDate {
        self.now().date()
    }
}
