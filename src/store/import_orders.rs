//! SQL for importing court orders and licences: each is looked up by its natural key
//! (client, kind, start) first, so a file imported twice stores each order once; the
//! import's write transaction lets no other write in between.

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
    /// changes one: its form does); the engine's error.
    pub fn import_order(&self, o: &NewOrder, audit: &str) -> StoreResult<Option<i64>> {
        let t = &o.terms;
        let stored: Option<NewOrder> = self
            .tx
            .query_opt(
                "SELECT court, end_date, early_end_date, late_end_date, ended_on FROM court_order
                  WHERE client_id = ?1 AND kind = ?2 AND start_date = ?3",
                &[
                    o.client_id.into(),
                    t.kind.code().into(),
                    t.start_date.into(),
                ],
            )?
            .map(|r| -> StoreResult<NewOrder> {
                let mut same = o.clone();
                same.terms.court = r.get("court")?;
                same.terms.end_date = r.get("end_date")?;
                same.terms.early_end_date = r.get("early_end_date")?;
                same.terms.late_end_date = r.get("late_end_date")?;
                same.ended_on = r.get("ended_on")?;
                Ok(same)
            })
            .transpose()?;
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
            None => {
                let id = self.insert_order(o)?;
                self.audit_import("court_order", id, None, audit)?;
                if o.ended_on.is_none() {
                    self.flag_for(o.client_id, t.kind)?;
                }
                Ok(Some(id))
            }
        }
    }
}
