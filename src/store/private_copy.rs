//! A private copy of the database, for a write that must never be kept (an import's
//! dry run): it is made from one read snapshot, so it takes no write lock and no
//! colleague waits for it.

use rusqlite::Connection;

use super::{Actor, Store, StoreError, StoreResult, Tx};

/// The database as one read snapshot saw it, in SQLite's private temporary file: only
/// this process can reach it (the file is removed as soon as it is open, so nothing
/// is left behind even if the process is killed), and it is gone when this is dropped.
pub struct PrivateCopy {
    conn: super::sql::Connection,
}

impl Store {
    /// Copies the database, as one read snapshot, to a [`PrivateCopy`]. A reader never
    /// makes a writer wait (WAL), so colleagues keep saving while it is made.
    ///
    /// # Errors
    /// An SQLite or I/O error (say, no room in the temporary directory).
    pub fn private_copy(&self) -> StoreResult<PrivateCopy> {
        // An empty name: SQLite's private temporary database, in SQLITE_TMPDIR, TMPDIR
        // or /var/tmp, mode 0600 and unlinked on open.
        let mut conn = Connection::open("")?;
        {
            // One read transaction for the whole copy: a commit by a colleague meanwhile
            // is not in it and does not restart it.
            let snapshot = self.sqlite()?.unchecked_transaction()?;
            snapshot.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
            let backup = rusqlite::backup::Backup::new(&snapshot, &mut conn)?;
            match backup.step(-1)? {
                rusqlite::backup::StepResult::Done => {}
                other => {
                    return Err(StoreError::Invalid(format!(
                        "could not copy the database for a dry run ({other:?}): try again"
                    )));
                }
            }
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // As an import's write (`Store::write_or_roll_back`): a large page cache, and
        // statement journals in memory.
        conn.pragma_update(None, "cache_size", super::import::IMPORT_CACHE_KIB)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        Ok(PrivateCopy {
            conn: super::sql::Connection::sqlite(conn),
        })
    }
}

impl PrivateCopy {
    /// Runs `change` in one transaction on the copy, as `actor`, and rolls it back.
    ///
    /// # Errors
    /// Whatever `change` or SQLite returns.
    pub fn roll_back<T>(
        &mut self,
        actor: &Actor,
        change: impl FnOnce(&Tx<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let tx = self.conn.transaction()?;
        let value = change(&Tx { tx: &tx, actor })?;
        tx.rollback()?;
        Ok(value)
    }
}
