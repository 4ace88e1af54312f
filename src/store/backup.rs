//! Backups while colleagues keep saving: one read snapshot (`VACUUM INTO`), which
//! writers never restart, into a hidden file beside the destination that is checked
//! and only then given the destination's name.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::Connection;

use super::{Store, StoreError, StoreResult, publish, share};

impl Store {
    /// Copies the database to the new file `target` (see [`Store::backup_until`]).
    ///
    /// # Errors
    /// As [`Store::backup_until`].
    pub fn backup_to(&self, target: &Path) -> StoreResult<()> {
        self.backup_until(target, &AtomicBool::new(false))
    }

    /// Copies the database to the new file `target` as one consistent snapshot, taken
    /// while others go on writing. The copy is built under a hidden name in the
    /// target's directory, shared as the database is (its group, its owner and group
    /// permissions), passes `integrity_check`, and only then appears as `target`. If
    /// `stop` is set (a signal) or anything fails, the partial copy is removed and
    /// nothing is at `target`. Partial copies left by killed backups are removed.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] if `target` exists; [`StoreError::Interrupted`] if
    /// stopped; [`StoreError::Invalid`] if the copy fails its check; an SQLite or I/O
    /// error; [`StoreError::SqliteOnly`] on PostgreSQL.
    pub fn backup_until(&self, target: &Path, stop: &AtomicBool) -> StoreResult<()> {
        if self.location.file().is_none() {
            return Err(StoreError::SqliteOnly {
                what: "caseload backup",
                instead: "back a PostgreSQL database up with its own tools (pg_dump, or the server's base backups)",
            });
        }
        if target.exists() {
            return Err(StoreError::AlreadyExists(target.to_path_buf()));
        }
        let dir = share::directory_of(target);
        if !dir.is_dir() {
            return Err(StoreError::MissingDirectory(dir));
        }
        share::remove_stale_partials(target);
        let partial = share::partial_name(target);
        drop(self.create_file(&partial)?);
        let result = self
            .snapshot_into(&partial, stop)
            .and_then(|()| check_copy(&partial, target))
            .and_then(|()| publish(&partial, target));
        if let Err(e) = result {
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let _ = std::fs::remove_file(share::with_suffix(&partial, suffix));
            }
            if stop.load(Ordering::Relaxed) {
                return Err(StoreError::Interrupted(format!(
                    "the backup was stopped: nothing was written to {}",
                    target.display()
                )));
            }
            return Err(e);
        }
        Ok(())
    }

    /// `VACUUM INTO` the empty file `partial`, interrupted as soon as `stop` is set.
    fn snapshot_into(&self, partial: &Path, stop: &AtomicBool) -> StoreResult<()> {
        if stop.load(Ordering::Relaxed) {
            return Err(StoreError::Interrupted(String::new()));
        }
        let done = AtomicBool::new(false);
        let conn = self.sqlite()?;
        let interrupt = conn.get_interrupt_handle();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    if stop.load(Ordering::Relaxed) {
                        interrupt.interrupt();
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
            let result = conn.execute("VACUUM INTO ?1", [partial.to_string_lossy()]);
            done.store(true, Ordering::Relaxed);
            result
        })?;
        Ok(())
    }
}

/// Makes the copy a self-contained file (no `-wal`) and runs `integrity_check` on it.
fn check_copy(partial: &Path, target: &Path) -> StoreResult<()> {
    let copy = Connection::open(partial)?;
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    let verdict: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    copy.close().map_err(|(_, e)| StoreError::from(e))?;
    if verdict != "ok" {
        return Err(StoreError::Invalid(format!(
            "the copy for {} failed its integrity check ({verdict}): nothing was written there",
            target.display()
        )));
    }
    Ok(())
}
