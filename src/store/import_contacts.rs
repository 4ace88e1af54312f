//! SQL for an import's contacts: the one kind a file holds hundreds of thousands of.
//! Its rows are staged in a temporary table of the importing connection before the
//! write lock is taken; inside the lock one `INSERT ... SELECT` writes the contacts and
//! one more their audit rows, so the lock is spent on SQLite's own work on the rows,
//! not on binding, stepping and journalling them one statement at a time.

use rusqlite::params;

use super::{Audited, NewContact, Store, StoreResult, Tx, format_timestamp};

/// The staging table: one row per contact to import, `seq` in the order they are
/// written (by client, each client's newest first), with the audit row's text.
const STAGE: &str = "CREATE TEMP TABLE import_contact (
        seq        INTEGER PRIMARY KEY,
        client_id  INTEGER NOT NULL,
        worker_id  INTEGER NOT NULL,
        contact_at TEXT NOT NULL,
        kind       TEXT NOT NULL,
        note       TEXT NOT NULL,
        audit      TEXT NOT NULL
    )";

/// Fills the staging table on `conn` with `rows` (contact, audit text), numbered from 1
/// in order; how many. Temporary tables are kept in memory (`temp_store`, which the
/// caller sets outside any transaction: changing it drops them).
fn stage<'r>(
    conn: &rusqlite::Connection,
    rows: impl Iterator<Item = (&'r NewContact, &'r str)>,
) -> StoreResult<usize> {
    conn.execute_batch("DROP TABLE IF EXISTS temp.import_contact")?;
    conn.execute_batch(STAGE)?;
    let mut insert = conn.prepare(
        "INSERT INTO temp.import_contact (seq, client_id, worker_id, contact_at, kind, note, audit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let (mut count, mut seq) = (0, 0_i64);
    for (c, audit) in rows {
        count += 1;
        seq += 1;
        insert.execute(params![
            seq,
            c.client_id,
            c.worker_id,
            format_timestamp(c.contact_at),
            c.kind.code(),
            c.note,
            audit
        ])?;
    }
    Ok(count)
}

impl Store {
    /// Stages an import's contacts (each with its audit text, in the order they are to
    /// be written) on this connection, outside any write transaction: the import's
    /// write ([`Tx::insert_staged_contacts`]) then holds the lock only to copy them.
    /// How many were staged.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn stage_contacts<'r>(
        &self,
        rows: impl Iterator<Item = (&'r NewContact, &'r str)>,
    ) -> StoreResult<usize> {
        let conn = self.sqlite()?;
        // The import's write keeps `temp_store` so (`Store::write_or_roll_back`).
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // A transaction of the temporary database only: no lock on the database itself.
        let tx = conn.unchecked_transaction()?;
        let count = stage(&tx, rows)?;
        tx.commit()?;
        Ok(count)
    }

    /// Drops the staged contacts, once the import's write has ended either way.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn unstage_contacts(&self) -> StoreResult<()> {
        self.sqlite()?
            .execute_batch("DROP TABLE IF EXISTS temp.import_contact")?;
        Ok(())
    }
}

impl Tx<'_> {
    /// Stages contacts as [`Store::stage_contacts`] does, inside this transaction (a
    /// dry run's, on a private copy: no one waits for it).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn stage_contacts<'r>(
        &self,
        rows: impl Iterator<Item = (&'r NewContact, &'r str)>,
    ) -> StoreResult<usize> {
        // A private copy's connection has `temp_store` so already (`Store::private_copy`).
        stage(self.sqlite()?, rows)
    }

    /// Takes the staged contact `seq` (numbered from 1 in staging order) out of the
    /// import: a row the write step refused.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn unstage_contact(&self, seq: i64) -> StoreResult<()> {
        self.sqlite()?
            .prepare_cached("DELETE FROM temp.import_contact WHERE seq = ?1")?
            .execute([seq])?;
        Ok(())
    }

    /// Inserts every staged contact that is not there already (the same client, time,
    /// kind, worker and note), each with its audit row as `import`; how many were
    /// inserted.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn insert_staged_contacts(&self) -> StoreResult<usize> {
        let conn = self.sqlite()?;
        // Each staged row's id is fixed in advance (past every id there is now), so its
        // audit row can name it; a row already there leaves its id unused.
        let base: i64 =
            conn.query_row("SELECT coalesce(max(id), 0) FROM contact", [], |r| r.get(0))?;
        let inserted = conn.execute(
            "INSERT INTO contact (id, client_id, worker_id, contact_at, kind, note)
             SELECT ?1 + seq, client_id, worker_id, contact_at, kind, note
               FROM temp.import_contact ORDER BY seq
             ON CONFLICT (client_id, contact_at, kind, worker_id, note) DO NOTHING",
            [base],
        )?;
        conn.execute(
            "INSERT INTO audit (at, who, entity, row_id, action, before, after)
             SELECT ?1, ?2, 'contact', ?3 + s.seq, ?4, NULL, s.audit
               FROM temp.import_contact s
              WHERE EXISTS (SELECT 1 FROM contact k WHERE k.id = ?3 + s.seq)
              ORDER BY s.seq",
            params![
                format_timestamp(self.actor.now),
                self.actor.login,
                base,
                Audited::Import.word()
            ],
        )?;
        Ok(inserted)
    }
}
