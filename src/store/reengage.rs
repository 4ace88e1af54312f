//! SQL for attempts to re-engage a client after a breach (002's cooling-off period):
//! the form's insert, checked against the breach, and the import's.

use super::sql::Value;
use super::{NewReengagement, StoreError, StoreResult, Tx, format_timestamp};
use crate::domain::model::ReengageHow;
use chrono::NaiveDateTime;

impl Tx<'_> {
    /// The attempt to insert, once it is checked against its breach: made after the
    /// breach and not after `now` (the actor's time).
    ///
    /// # Errors
    /// [`StoreError::Invalid`] naming the fix, [`StoreError::NotFound`] if the
    /// breach is gone, or an SQLite error.
    pub(super) fn new_reengagement(
        &self,
        breach_id: i64,
        at: NaiveDateTime,
        how: ReengageHow,
        note: &str,
    ) -> StoreResult<NewReengagement> {
        let raised_at = self.breach_raised_at(breach_id)?;
        crate::domain::reengage::check_attempt(raised_at, at, self.actor.now)
            .map_err(StoreError::Invalid)?;
        Ok(NewReengagement {
            breach_id,
            attempted_at: at,
            how,
            note: note.trim().to_owned(),
        })
    }

    /// The client's outstanding breach that an attempt at `at` follows: the newest
    /// raised by then.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] naming the fix if there is none, or an SQLite error.
    pub(super) fn outstanding_breach(&self, client_id: i64, at: NaiveDateTime) -> StoreResult<i64> {
        self.tx
            .query_opt(
                "SELECT id FROM breach WHERE client_id = ?1 AND status = 'outstanding'
                  ORDER BY raised_at <= ?2 DESC, raised_at DESC, id DESC LIMIT 1",
                &[client_id.into(), format_timestamp(at).into()],
            )?
            .map(|row| row.get("id"))
            .transpose()?
            .ok_or_else(|| {
                StoreError::Invalid(
                    "this client has no outstanding breach: re-engagement is recorded against                      one, so record the missed appointment and its breach first"
                        .to_owned(),
                )
            })
    }

    /// When breach `breach_id` happened.
    fn breach_raised_at(&self, breach_id: i64) -> StoreResult<NaiveDateTime> {
        self.tx
            .query_opt(
                "SELECT raised_at FROM breach WHERE id = ?1",
                &[Value::Integer(breach_id)],
            )?
            .map(|row| row.get("raised_at"))
            .transpose()?
            .ok_or_else(|| StoreError::NotFound {
                entity: "breach",
                key: format!("#{breach_id}"),
            })
    }

    /// Inserts an attempt and returns its id.
    ///
    /// # Errors
    /// An SQLite error (the same attempt twice is refused by its natural key).
    pub fn insert_reengagement(&self, r: &NewReengagement) -> StoreResult<i64> {
        Ok(self
            .tx
            .query_row(
                "INSERT INTO reengagement (breach_id, attempted_at, how, note)
                 VALUES (?1, ?2, ?3, ?4) RETURNING id",
                &[
                    r.breach_id.into(),
                    format_timestamp(r.attempted_at).into(),
                    r.how.code().into(),
                    r.note.as_str().into(),
                ],
            )?
            .get("id")?)
    }
}
