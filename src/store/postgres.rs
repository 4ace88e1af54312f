//! Opening a caseload database on PostgreSQL: `Store::open` on a `postgres://` URL
//! connects, checks the schema (brought up to date by `pg/migrate.rs` in a writable
//! session) and makes a read-only session read-only in the server too.

use std::path::{Path, PathBuf};

use super::error_pg::{PgProblem, connecting, shown_url};
use super::pg::{PgError, migrate};
use super::{Access, Location, Store, StoreError, StoreResult, lock, sql};

/// The PostgreSQL URL `db` is, if it is one (`postgres://` or `postgresql://`) rather
/// than an SQLite file's path.
#[must_use]
pub fn postgres_url(db: &Path) -> Option<&str> {
    db.to_str()
        .filter(|text| text.starts_with("postgres://") || text.starts_with("postgresql://"))
}

impl Store {
    /// [`Store::open`] on the PostgreSQL database `url` names.
    pub(super) fn open_postgres(url: &str, access: Access) -> StoreResult<Self> {
        let shown = shown_url(url);
        let conn = sql::Connection::postgres(url).map_err(|e| match e {
            sql::Error::Postgres(e) => connecting(&e, &shown),
            other => other.into(),
        })?;
        let Some(found) = schema_version(&conn)? else {
            return Err(StoreError::Postgres(PgProblem::NotCaseload(shown)));
        };
        let current = migrate::current_version();
        if found > current {
            return Err(StoreError::NewerSchema {
                path: PathBuf::from(&shown),
                found,
                supported: current,
            });
        }
        if found < current && access == Access::ReadOnly {
            return Err(StoreError::Invalid(format!(
                "{shown} needs upgrading to schema {current} first: open it once without --readonly, as the role that owns its tables"
            )));
        }
        if access == Access::ReadWrite {
            // As SQLite's open does: the steps it lacks, and what PostgreSQL alone
            // needs (live refresh's triggers); a current database is left as it is.
            let tx = conn.transaction()?;
            migrate::migrate(&tx).map_err(|e| from_pg(e, &shown))?;
            tx.commit()?;
        }
        if access == Access::ReadOnly {
            // The server itself refuses writes, as SQLite does for a read-only open.
            conn.execute_batch("SET default_transaction_read_only = on")?;
        }
        Ok(Self {
            conn,
            location: Location::Postgres(shown),
            access,
            lock: lock::process_policy(),
        })
    }
}

/// The caseload schema version of the database `conn` is on; `None` if it holds none.
fn schema_version(conn: &sql::Connection) -> StoreResult<Option<i64>> {
    let ours: bool = conn
        .query_row(
            "SELECT to_regclass('public.schema_version') IS NOT NULL AS ours",
            &[],
        )?
        .get("ours")?;
    if !ours {
        return Ok(None);
    }
    Ok(conn
        .query_opt("SELECT version FROM schema_version", &[])?
        .map(|row| row.get("version"))
        .transpose()?)
}

/// A migration's error as the store's.
fn from_pg(e: PgError, shown: &str) -> StoreError {
    match e {
        PgError::Sql(e) => e.into(),
        PgError::Store(e) => e,
        PgError::NewerSchema { found, supported } => StoreError::NewerSchema {
            path: PathBuf::from(shown),
            found,
            supported,
        },
        other => StoreError::Invalid(other.to_string()),
    }
}
