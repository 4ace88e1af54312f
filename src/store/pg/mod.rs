//! PostgreSQL: the migration set kept in step with SQLite's ([`migrate`]), with roles
//! and row-level security, and the copy of a team's SQLite file into PostgreSQL
//! ([`copy_from_sqlite`], `caseload migrate`). The store itself runs on PostgreSQL through
//! [`super::sql`].

mod copy;
pub mod migrate;

use std::fmt;

pub use copy::{Copied, ReturnCheck, copy_from_sqlite};

use super::StoreError;
use super::sql;

/// What went wrong between caseload and PostgreSQL.
#[derive(Debug)]
pub enum PgError {
    /// The SQL layer's error (the connection, a refused statement).
    Sql(sql::Error),
    /// The SQLite file to copy could not be opened as it stands.
    Store(StoreError),
    /// The connecting role may not create roles (each worker's login becomes one).
    NoCreateRole(String),
    /// The target database holds tables that are not caseload's.
    NotCaseload {
        /// How many tables it holds.
        tables: i64,
    },
    /// The target database was written by a newer caseload.
    NewerSchema {
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        supported: i64,
    },
    /// The target already holds caseload rows.
    NotEmpty(Vec<(String, i64)>),
    /// A table's rows in PostgreSQL do not number those copied from SQLite.
    Mismatch {
        /// The table.
        table: String,
        /// Rows in SQLite.
        sqlite: i64,
        /// Rows in PostgreSQL.
        postgres: i64,
    },
    /// The return computed from the copy differs from the one computed from the file.
    ReturnDiffers {
        /// The period's label.
        period: String,
        /// "every area", or the area whose return differs.
        scope: String,
    },
}

impl fmt::Display for PgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sql(e) => e.fmt(f),
            Self::Store(e) => e.fmt(f),
            Self::NoCreateRole(role) => write!(
                f,
                "the PostgreSQL role {role} may not create roles, and each worker's login \
                 becomes one: run caseload migrate as a role with CREATEROLE (as a superuser: \
                 ALTER ROLE {role} CREATEROLE)"
            ),
            Self::NotCaseload { tables } => write!(
                f,
                "the PostgreSQL database already holds {tables} tables that are not caseload's: \
                 copy into a new, empty database (createdb NAME) instead"
            ),
            Self::NewerSchema { found, supported } => write!(
                f,
                "the PostgreSQL database is at caseload schema {found}, newer than this \
                 caseload knows ({supported}): use the newer caseload"
            ),
            Self::NotEmpty(tables) => {
                let listed: Vec<String> = tables.iter().map(|(t, n)| format!("{t} {n}")).collect();
                write!(
                    f,
                    "the PostgreSQL database already holds caseload rows ({}); nothing was \
                     copied. Copy into a new, empty database (createdb NAME), or drop this one \
                     first (dropdb NAME) if its rows are not wanted",
                    listed.join(", ")
                )
            }
            Self::Mismatch {
                table,
                sqlite,
                postgres,
            } => write!(
                f,
                "table {table} has {sqlite} rows in SQLite but {postgres} in PostgreSQL after \
                 the copy; nothing was committed: report this, with the file"
            ),
            Self::ReturnDiffers { period, scope } => write!(
                f,
                "the return for {period} ({scope}) computed from PostgreSQL differs from the one \
                 computed from the SQLite file; nothing was committed: keep using the file and \
                 report this, with the file"
            ),
        }
    }
}

impl std::error::Error for PgError {}

impl From<sql::Error> for PgError {
    fn from(e: sql::Error) -> Self {
        Self::Sql(e)
    }
}
