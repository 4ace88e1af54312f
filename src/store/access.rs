//! The access log: who opened which client record, and who exported or listed how
//! many, for an information-governance review. Append-only (triggers refuse UPDATE
//! and DELETE); written in batches, so opening a record never waits for a write.

use std::time::Duration;

use chrono::NaiveDateTime;
use rusqlite::OpenFlags;

use super::sql::{Connection, Dialect, Value};
use super::{Access, BUSY_TIMEOUT, Store, StoreError, StoreResult};
use crate::domain::model::Role;
use crate::domain::record::Viewer;

/// One thing looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Looked {
    /// A client record opened, by row id.
    Record(i64),
    /// An export written: what (e.g. "caseload as csv to a terminal"), and how many rows.
    Export {
        /// What was exported, in words.
        detail: String,
        /// Rows written.
        rows: usize,
    },
    /// A report listing clients: which, and how many rows.
    Report {
        /// Which report, in words.
        detail: String,
        /// Rows listed.
        rows: usize,
    },
}

/// One row for the access log: when, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    /// When it was looked at.
    pub at: NaiveDateTime,
    /// What was looked at.
    pub looked: Looked,
}

/// Logs are stamped to the second (an opening takes less than a minute).
fn stamp(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

impl Store {
    /// Appends `entries` for `login` to the access log, all in one short transaction,
    /// waiting at most `wait` for another writer ([`Duration::ZERO`]: not at all). A
    /// read-only session (`--readonly`) writes them through a connection of its own:
    /// what was looked at is logged however the records were opened.
    ///
    /// # Errors
    /// [`StoreError::Busy`] if another writer holds the lock for the whole wait
    /// (nothing was written; try again later), or a sentence saying why the log
    /// cannot be written.
    pub fn log_access(
        &mut self,
        login: &str,
        entries: &[AccessEntry],
        wait: Duration,
    ) -> StoreResult<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let result = match (self.access, self.location.file()) {
            (Access::ReadOnly, Some(file)) => {
                let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                rusqlite::Connection::open_with_flags(file, flags)
                    .map_err(StoreError::from)
                    .and_then(|conn| append(&Connection::sqlite(conn), login, entries, wait))
            }
            _ => append(&self.conn, login, entries, wait),
        };
        result.map_err(|e| match e {
            StoreError::Busy { .. } => StoreError::Busy {
                holder: super::lock::holder(self.path()),
                waited: wait,
            },
            StoreError::Sqlite(inner)
                if matches!(
                    inner.sqlite_error_code(),
                    Some(
                        rusqlite::ErrorCode::ReadOnly
                            | rusqlite::ErrorCode::CannotOpen
                            | rusqlite::ErrorCode::PermissionDenied
                    )
                ) =>
            {
                StoreError::Invalid(format!(
                    "the access log in {} cannot be written from your login (the file or its \
                     directory is read-only for you): `caseload doctor --db {0}` says why",
                    self.path().display()
                ))
            }
            other => other,
        })
    }

    /// Who opened client `client_id`'s record: one line per login, the latest first
    /// (at most 20).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn viewers(&self, client_id: i64) -> StoreResult<Vec<Viewer>> {
        // Grouped by the worker's columns too: PostgreSQL names every column it shows.
        let rows = self.conn.query(
            "SELECT l.login, w.name, w.role, max(l.at) AS last, count(*) AS times FROM access_log l
               LEFT JOIN worker w ON w.login = l.login
              WHERE l.client_id = ?1
              GROUP BY l.login, w.name, w.role ORDER BY max(l.at) DESC, l.login LIMIT 20",
            &[Value::Integer(client_id)],
        )?;
        rows.into_iter()
            .map(|r| {
                Ok(Viewer {
                    login: r.get("login")?,
                    name: r.get("name")?,
                    role: r
                        .get::<Option<String>>("role")?
                        .and_then(|code| Role::from_code(&code)),
                    last: r.get("last")?,
                    times: r.get("times")?,
                })
            })
            .collect()
    }
}

/// Inserts `entries` in one write transaction on `conn`, waiting at most `wait` for
/// SQLite's write lock.
fn append(
    conn: &Connection,
    login: &str,
    entries: &[AccessEntry],
    wait: Duration,
) -> StoreResult<()> {
    if let Some(sqlite) = conn.as_sqlite() {
        sqlite.busy_timeout(wait)?;
    }
    let result = (|| -> StoreResult<()> {
        let tx = conn.transaction()?;
        if conn.dialect() == Dialect::Postgres {
            // A --readonly session's transactions are read-only in the server; what it
            // looked at is logged all the same (row-level security: in its own name).
            tx.execute_batch("SET TRANSACTION READ WRITE")?;
        }
        for entry in entries {
            let (what, detail, client, rows) = match &entry.looked {
                Looked::Record(id) => ("record", "", Some(*id), None),
                Looked::Export { detail, rows } => ("export", detail.as_str(), None, Some(*rows)),
                Looked::Report { detail, rows } => ("report", detail.as_str(), None, Some(*rows)),
            };
            let rows = rows.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
            tx.execute(
                "INSERT INTO access_log (at, login, what, detail, client_id, row_count)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                &[
                    stamp(entry.at).into(),
                    login.into(),
                    what.into(),
                    detail.into(),
                    client.into(),
                    rows.into(),
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    })();
    if let Some(sqlite) = conn.as_sqlite() {
        sqlite.busy_timeout(BUSY_TIMEOUT)?;
    }
    result
}
