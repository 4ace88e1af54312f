//! SQL for an import's contacts: the one kind a file holds hundreds of thousands of,
//! so its write reuses two prepared statements and the audit row's time and login.

use rusqlite::{Statement, params};

use super::{Audited, NewContact, StoreResult, Tx, format_timestamp};

/// Inserts an import's contacts, each with its audit row, inside the import's write
/// transaction: the statements are prepared once, not looked up per row.
pub struct ContactInserts<'t> {
    contact: Statement<'t>,
    audit: Statement<'t>,
    conn: &'t rusqlite::Connection,
    at: String,
    who: &'t str,
}

impl<'t> Tx<'t> {
    /// The contact inserts of this import.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn contact_inserts(&self) -> StoreResult<ContactInserts<'t>> {
        let conn = self.sqlite()?;
        Ok(ContactInserts {
            contact: conn.prepare(
                "INSERT INTO contact (client_id, worker_id, contact_at, kind, note)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (client_id, contact_at, kind, worker_id, note) DO NOTHING",
            )?,
            audit: conn.prepare(
                "INSERT INTO audit (at, who, entity, row_id, action, before, after)
                 VALUES (?1, ?2, 'contact', ?3, ?4, NULL, ?5)",
            )?,
            conn,
            at: format_timestamp(self.actor.now),
            who: &self.actor.login,
        })
    }
}

impl ContactInserts<'_> {
    /// Imports a contact unless the same one (client, time, kind, worker, note) is
    /// there, audited with `audit` (the row as JSON text); its id if inserted.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn insert(&mut self, c: &NewContact, audit: &str) -> StoreResult<Option<i64>> {
        let inserted = self.contact.execute(params![
            c.client_id,
            c.worker_id,
            format_timestamp(c.contact_at),
            c.kind.code(),
            c.note
        ])?;
        if inserted == 0 {
            return Ok(None);
        }
        let id = self.conn.last_insert_rowid();
        self.audit.execute(params![
            self.at,
            self.who,
            id,
            Audited::Import.word(),
            audit
        ])?;
        Ok(Some(id))
    }
}
