//! Schema creation and numbered migration steps, tracked by `PRAGMA user_version`.
//!
//! `schema.sql` is always the whole, current model: a new file gets it in one go. An
//! older file gets the steps in [`STEPS`] that it has not had yet. Adding a step means
//! changing `schema.sql` to match, which `tests/` checks.

use std::path::Path;

use rusqlite::Connection;

use super::error::{StoreError, StoreResult};

/// The whole current data model.
pub const SCHEMA: &str = include_str!("../../schema.sql");

/// Marks a file as a caseload database (`PRAGMA application_id`, "CSLD").
pub const APPLICATION_ID: i64 = 0x4353_4C44;

/// Migration steps after schema version 1; step `i` takes version `i + 1` to `i + 2`.
pub const STEPS: &[&str] = &[];

/// The schema version this build writes.
#[must_use]
pub fn current_version() -> i64 {
    1 + i64::try_from(STEPS.len()).unwrap_or(i64::MAX - 1)
}

/// Brings the database at `path` (already open on `conn`) to the current schema, or
/// refuses with a clear error if it is not ours or is newer than this build.
pub(super) fn migrate(conn: &mut Connection, path: &Path, writable: bool) -> StoreResult<()> {
    let application_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| not_a_database(e, path))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;

    if application_id == 0 && version == 0 && objects == 0 {
        if !writable {
            return Err(StoreError::NotCaseload(path.to_path_buf()));
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", current_version())?;
        tx.commit()?;
        return Ok(());
    }
    if application_id != APPLICATION_ID {
        return Err(StoreError::NotCaseload(path.to_path_buf()));
    }
    if version > current_version() {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: current_version(),
        });
    }
    if version < current_version() && !writable {
        return Err(StoreError::Invalid(format!(
            "{} needs upgrading to schema {} first: open it once without --readonly",
            path.display(),
            current_version()
        )));
    }
    for (index, step) in STEPS
        .iter()
        .enumerate()
        .skip(usize::try_from(version - 1).unwrap_or(0))
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", i64::try_from(index).unwrap_or(0) + 2)?;
        tx.commit()?;
    }
    Ok(())
}

/// Maps SQLite's "not a database" to a sentence naming the file.
pub(super) fn not_a_database(e: rusqlite::Error, path: &Path) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotSqlite(path.to_path_buf()),
        _ => StoreError::Sqlite(e),
    }
}
