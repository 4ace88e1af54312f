//! SQL for an import's contacts: the one kind a file holds hundreds of thousands of.
//! Its rows are staged in a temporary table of the importing connection before the
//! write transaction starts (on SQLite, before the write lock is taken); inside it one
//! `INSERT ... SELECT` writes the contacts and their audit rows, so the write is spent
//! on the engine's own work on the rows, not on binding, stepping and journalling them
//! one statement at a time. Temporary tables are the session's own on both engines.

use super::sql::{Connection, Dialect, Value};
use super::{Audited, NewContact, Store, StoreResult, Tx, format_timestamp};

/// The staging table: one row per contact to import, `seq` in the order they are
/// written (by client, each client's newest first), with the audit row's text.
const STAGE: &str = "CREATE TEMP TABLE import_contact (
        seq        INTEGER PRIMARY KEY,
        client_id  BIGINT NOT NULL,
        worker_id  BIGINT NOT NULL,
        contact_at TEXT NOT NULL,
        kind       TEXT NOT NULL,
        note       TEXT NOT NULL,
        audit      TEXT NOT NULL
    )";

/// How many rows one staging `INSERT` carries: one on SQLite, where a prepared
/// statement is stepped once per row in process; on PostgreSQL many, each statement
/// being a round trip to the server.
fn rows_per_insert(dialect: Dialect) -> usize {
    match dialect {
        Dialect::Sqlite => 1,
        Dialect::Postgres => 500,
    }
}

/// The staging `INSERT` of `rows` rows.
fn stage_insert(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|row| {
            let first = row * 7;
            let marks: Vec<String> = (1..=7).map(|i| format!("?{}", first + i)).collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO import_contact (seq, client_id, worker_id, contact_at, kind, note, audit)
         VALUES {}",
        values.join(", ")
    )
}

/// Fills the staging table on `conn` with `rows` (contact, audit text), numbered from 1
/// in order; how many. On SQLite temporary tables are kept in memory (`temp_store`,
/// which the caller sets outside any transaction: changing it drops them).
fn stage<'r>(
    conn: &Connection,
    rows: impl Iterator<Item = (&'r NewContact, &'r str)>,
) -> StoreResult<usize> {
    conn.execute_batch("DROP TABLE IF EXISTS import_contact")?;
    conn.execute_batch(STAGE)?;
    let per_insert = rows_per_insert(conn.dialect());
    let full = stage_insert(per_insert);
    let mut values: Vec<Value> = Vec::with_capacity(per_insert * 7);
    let mut seq = 0_i64;
    for (c, audit) in rows {
        seq += 1;
        values.extend([
            seq.into(),
            c.client_id.into(),
            c.worker_id.into(),
            format_timestamp(c.contact_at).into(),
            c.kind.code().into(),
            c.note.as_str().into(),
            audit.into(),
        ]);
        if values.len() == per_insert * 7 {
            conn.execute(&full, &values)?;
            values.clear();
        }
    }
    if !values.is_empty() {
        conn.execute(&stage_insert(values.len() / 7), &values)?;
    }
    Ok(usize::try_from(seq).unwrap_or(usize::MAX))
}

impl Store {
    /// Stages an import's contacts (each with its audit text, in the order they are to
    /// be written) on this connection, outside any write transaction: the import's
    /// write ([`Tx::insert_staged_contacts`]) then only copies them. How many were
    /// staged.
    ///
    /// # Errors
    /// The engine's error.
    pub fn stage_contacts<'r>(
        &self,
        rows: impl Iterator<Item = (&'r NewContact, &'r str)>,
    ) -> StoreResult<usize> {
        if let Some(sqlite) = self.conn.as_sqlite() {
            // The import's write keeps `temp_store` so (`Store::write_or_roll_back`).
            sqlite.pragma_update(None, "temp_store", "MEMORY")?;
        }
        // On SQLite a deferred transaction of the temporary database only takes no lock
        // on the database itself; on PostgreSQL a transaction of a temporary table
        // locks nothing anyone else uses.
        self.conn.execute_batch("BEGIN")?;
        let count = match stage(&self.conn, rows) {
            Ok(count) => count,
            Err(e) => {
                self.conn.execute_batch("ROLLBACK")?;
                return Err(e);
            }
        };
        self.conn.execute_batch("COMMIT")?;
        Ok(count)
    }

    /// Drops the staged contacts, once the import's write has ended either way.
    ///
    /// # Errors
    /// The engine's error.
    pub fn unstage_contacts(&self) -> StoreResult<()> {
        self.conn
            .execute_batch("DROP TABLE IF EXISTS import_contact")?;
        Ok(())
    }
}

impl Tx<'_> {
    /// Stages contacts as [`Store::stage_contacts`] does, inside this transaction (a
    /// dry run's, which is rolled back and the table with it).
    ///
    /// # Errors
    /// The engine's error.
    pub fn stage_contacts<'r>(
        &self,
        rows: impl Iterator<Item = (&'r NewContact, &'r str)>,
    ) -> StoreResult<usize> {
        // A private copy's connection has `temp_store` so already (`Store::private_copy`).
        stage(self.tx, rows)
    }

    /// Takes the staged contact `seq` (numbered from 1 in staging order) out of the
    /// import: a row the write step refused.
    ///
    /// # Errors
    /// The engine's error.
    pub fn unstage_contact(&self, seq: i64) -> StoreResult<()> {
        self.tx
            .execute("DELETE FROM import_contact WHERE seq = ?1", &[seq.into()])?;
        Ok(())
    }

    /// Inserts every staged contact that is not there already (the same client, time,
    /// kind, worker and note), each with its audit row as `import`; how many were
    /// inserted.
    ///
    /// # Errors
    /// The engine's error.
    pub fn insert_staged_contacts(&self) -> StoreResult<usize> {
        let (now, who, action) = (
            Value::from(format_timestamp(self.actor.now)),
            Value::from(self.actor.login.as_str()),
            Value::from(Audited::Import.word()),
        );
        if self.tx.dialect() == Dialect::Postgres {
            // Writers do not exclude each other here, so the ids are the identity's,
            // and each audit row finds its contact by the natural key it went in with.
            let inserted = self.tx.execute(
                "WITH added AS (
                     INSERT INTO contact (client_id, worker_id, contact_at, kind, note)
                     SELECT client_id, worker_id, contact_at, kind, note
                       FROM import_contact ORDER BY seq
                     ON CONFLICT (client_id, contact_at, kind, worker_id, note) DO NOTHING
                     RETURNING id, client_id, worker_id, contact_at, kind, note)
                 INSERT INTO audit (at, who, entity, row_id, action, before, after)
                 SELECT ?1, ?2, 'contact', a.id, ?3, NULL, s.audit
                   FROM added a
                   JOIN import_contact s USING (client_id, worker_id, contact_at, kind, note)
                  ORDER BY a.id",
                &[now, who, action],
            )?;
            return Ok(usize::try_from(inserted).unwrap_or(usize::MAX));
        }
        // Each staged row's id is fixed in advance (past every id there is now: the
        // write lock is held), so its audit row can name it; a row already there leaves
        // its id unused.
        let base: i64 = self
            .tx
            .query_row("SELECT coalesce(max(id), 0) AS base FROM contact", &[])?
            .get("base")?;
        let inserted = self.tx.execute(
            "INSERT INTO contact (id, client_id, worker_id, contact_at, kind, note)
             SELECT ?1 + seq, client_id, worker_id, contact_at, kind, note
               FROM import_contact ORDER BY seq
             ON CONFLICT (client_id, contact_at, kind, worker_id, note) DO NOTHING",
            &[base.into()],
        )?;
        self.tx.execute(
            "INSERT INTO audit (at, who, entity, row_id, action, before, after)
             SELECT ?1, ?2, 'contact', ?3 + s.seq, ?4, NULL, s.audit
               FROM import_contact s
              WHERE EXISTS (SELECT 1 FROM contact k WHERE k.id = ?3 + s.seq)
              ORDER BY s.seq",
            &[now, who, base.into(), action],
        )?;
        Ok(usize::try_from(inserted).unwrap_or(usize::MAX))
    }
}
