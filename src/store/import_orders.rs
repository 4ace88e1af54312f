//! SQL for importing court orders and licences: each stops at its natural key
//! (client, kind, start), so a file imported twice stores each order once.

use rusqlite::{OptionalExtension, params};

use super::{StoreError, StoreResult, Tx};
use crate::domain::dates::uk;
use crate::domain::write::NewOrder;

impl Tx<'_> {
    /// Imports an order unless one of that kind started that day is recorded for the
    /// client, audited with `audit`; its id if inserted. A new order in force of a
    /// flagged kind sets the client's flag, as the form does.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] if the stored order says otherwise (an import never
    /// changes one: its form does); an SQLite error (another order in force).
    pub fn import_order(&self, o: &NewOrder, audit: &str) -> StoreResult<Option<i64>> {
        let t = &o.terms;
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO court_order (client_id, kind, court, start_date, end_date,
                                          early_end_date, late_end_date, ended_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (client_id, kind, start_date) DO NOTHING",
            )?
            .execute(params![
                o.client_id,
                t.kind.code(),
                t.court.trim(),
                t.start_date,
                t.end_date,
                t.early_end_date,
                t.late_end_date,
                o.ended_on
            ])?;
        if inserted > 0 {
            let id = self.imported("court_order", inserted, audit)?;
            if o.ended_on.is_none() {
                self.flag_for(o.client_id, t.kind)?;
            }
            return Ok(id);
        }
        let stored: Option<NewOrder> = self
            .tx
            .prepare_cached(
                "SELECT court, end_date, early_end_date, late_end_date, ended_on FROM court_order
                  WHERE client_id = ?1 AND kind = ?2 AND start_date = ?3",
            )?
            .query_row(params![o.client_id, t.kind.code(), t.start_date], |r| {
                let mut same = o.clone();
                same.terms.court = r.get("court")?;
                same.terms.end_date = r.get("end_date")?;
                same.terms.early_end_date = r.get("early_end_date")?;
                same.terms.late_end_date = r.get("late_end_date")?;
                same.ended_on = r.get("ended_on")?;
                Ok(same)
            })
            .optional()?;
        match stored {
            Some(stored) if stored.terms.court == t.court.trim() && stored == *o => Ok(None),
            Some(stored) => Err(StoreError::Invalid(format!(
                "this order is recorded already ({}, ends {}{}), and an import never changes \
                 one: correct the row, or change the order on its form",
                stored.terms.court,
                uk(stored.terms.end_date),
                stored
                    .ended_on
                    .map_or_else(String::new, |d| format!(", ended {}", uk(d)))
            ))),
            None => Ok(None),
        }
    }
}
