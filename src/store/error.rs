//! Storage errors. Each says what is wrong and how to fix it, in one sentence.

use std::path::PathBuf;

/// Everything that can go wrong opening or using the database.
#[derive(Debug)]
pub enum StoreError {
    /// The database file does not exist.
    Missing(PathBuf),
    /// The directory that should hold a new database does not exist.
    MissingDirectory(PathBuf),
    /// The file exists but is not an SQLite database.
    NotSqlite(PathBuf),
    /// An SQLite database, but not one of ours.
    NotCaseload(PathBuf),
    /// Written by a newer version of caseload.
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// Schema version in the file.
        found: i64,
        /// Newest schema version this build understands.
        supported: i64,
    },
    /// The file cannot be written and a writable session was asked for.
    ReadOnlyFile(PathBuf),
    /// Anyone on the machine could read the file.
    WorldReadable(PathBuf),
    /// A new database was asked for where a file already exists.
    AlreadyExists(PathBuf),
    /// Someone else saved the row after it was read; nothing was written.
    Conflict {
        /// Table of the row.
        entity: &'static str,
        /// Row id.
        row_id: i64,
        /// Who made the newer change, and when, from the audit log (if known).
        changed_by: Option<(String, String)>,
    },
    /// A row that should exist does not (deleted or never created).
    NotFound {
        /// Table.
        entity: &'static str,
        /// Row id or key.
        key: String,
    },
    /// Input refused by a rule; the text names the field and the fix.
    Invalid(String),
    /// The acting worker's role does not allow the change; the text says why.
    NotAllowed(String),
    /// A new client matches an existing one (same reference, or same name and date of
    /// birth): offer that record instead of creating a twin.
    Duplicate {
        /// The existing client's row id.
        client_id: i64,
        /// The existing client's reference.
        reference: String,
    },
    /// The session was opened read-only.
    ReadOnlySession,
    /// Any other SQLite error.
    Sqlite(rusqlite::Error),
    /// A file-system error.
    Io(std::io::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing(p) => write!(
                f,
                "no database at {}: run `caseload init --db {0}` to create one, or `caseload demo` to try the demo",
                p.display()
            ),
            Self::MissingDirectory(p) => write!(
                f,
                "directory {} does not exist: create it first (mkdir -p {0}) or choose another --db path",
                p.display()
            ),
            Self::NotSqlite(p) => write!(
                f,
                "{} is not an SQLite database: check the --db path (the file was not changed)",
                p.display()
            ),
            Self::NotCaseload(p) => write!(
                f,
                "{} is an SQLite database but not a caseload database: check the --db path (the file was not changed)",
                p.display()
            ),
            Self::NewerSchema { path, found, supported } => write!(
                f,
                "{} was written by a newer caseload (schema {found}, this build knows up to {supported}): upgrade caseload to open it",
                path.display()
            ),
            Self::ReadOnlyFile(p) => write!(
                f,
                "{} is read-only: add --readonly to view it, or make it writable (chmod u+w {0})",
                p.display()
            ),
            Self::WorldReadable(p) => write!(
                f,
                "{} can be read by every user on this machine: restrict it with `chmod 600 {0}` and try again",
                p.display()
            ),
            Self::AlreadyExists(p) => write!(
                f,
                "{} already exists: choose another path, or open it without `init`",
                p.display()
            ),
            Self::Conflict { entity, row_id, changed_by } => match changed_by {
                Some((who, when)) => write!(
                    f,
                    "{who} changed this {entity} (#{row_id}) at {when}, after you opened it: nothing was saved; reload and re-apply your change"
                ),
                None => write!(
                    f,
                    "this {entity} (#{row_id}) was changed by someone else after you opened it: nothing was saved; reload and re-apply your change"
                ),
            },
            Self::NotFound { entity, key } => write!(f, "no {entity} {key}: it may have been removed; reload"),
            Self::Invalid(message) => f.write_str(message),
            Self::NotAllowed(message) => write!(f, "{message}; nothing was saved"),
            Self::Duplicate { reference, .. } => write!(
                f,
                "this person is already client {reference} (same reference, or same name and date of birth): open that record instead"
            ),
            Self::ReadOnlySession => f.write_str(
                "this session is read-only: nothing was saved (ask an admin to add your login with `caseload worker add`, or drop --readonly)",
            ),
            Self::Sqlite(e) => write!(f, "database error: {e}"),
            Self::Io(e) => write!(f, "file error: {e}"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Sqlite(e) => Some(e),
            Self::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;
