//! Storage errors. Each says what is wrong and how to fix it, in one sentence.

use std::path::PathBuf;
use std::time::Duration;

use super::lock::{self, Holder};

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
    /// An empty file (0 bytes, or SQLite with nothing in it): not a database yet.
    EmptyFile(PathBuf),
    /// The path is a directory.
    Directory(PathBuf),
    /// The path is a FIFO, device or socket, not a regular file.
    NotAFile(PathBuf),
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
    /// Anyone on the machine could create files beside the database (a planted `-wal`
    /// would be read as the database's latest changes).
    WorldWritableDirectory(PathBuf),
    /// The user is not in the group that shares the file or directory.
    NotInGroup {
        /// The file or directory the group may use.
        path: PathBuf,
        /// The group's name.
        group: String,
        /// The user's login.
        login: String,
        /// Listed in the group, but this log-in session started before that.
        pending: bool,
    },
    /// The user may not read (or reach) a file or directory, for a reason other than
    /// a missing group.
    NoAccess {
        /// The file or directory.
        path: PathBuf,
        /// What was refused: "read" or "open".
        need: &'static str,
    },
    /// The database's `-wal` or `-shm` file cannot be used by this user.
    CompanionNotShared {
        /// The `-wal` or `-shm` file.
        path: PathBuf,
        /// Its owner's login.
        owner: String,
        /// The database's group, which it should have.
        group: String,
    },
    /// SQLite must create files beside the database, and the directory is read-only
    /// for this user.
    ReadOnlyDirectory {
        /// The directory.
        dir: PathBuf,
        /// The database in it.
        db: PathBuf,
    },
    /// SQLite could not open the file, for a reason the checks before it did not find.
    CannotOpen(PathBuf),
    /// A long operation (a backup) was stopped by a signal; nothing was left behind.
    Interrupted(String),
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
    /// A colleague changed some of the same fields to other values since the form
    /// opened; nothing was written. Fields only one side changed are not listed.
    FieldConflicts(Vec<crate::domain::write::FieldConflict>),
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
    /// Another writer held the database for longer than this write would wait;
    /// nothing was written.
    Busy {
        /// Who held it, if they announced themselves.
        holder: Option<Holder>,
        /// How long this write waited.
        waited: Duration,
    },
    /// The session was opened read-only.
    ReadOnlySession,
    /// Any other SQLite error.
    Sqlite(rusqlite::Error),
    /// Something that still reaches SQLite directly, asked of a PostgreSQL database.
    NotOnPostgres,
    /// Something that only an SQLite file has, asked of a PostgreSQL database.
    SqliteOnly {
        /// What was asked for, e.g. "caseload backup".
        what: &'static str,
        /// What to do on PostgreSQL instead.
        instead: &'static str,
    },
    /// The SQL layer's error that is neither SQLite's nor PostgreSQL's (a row of the
    /// wrong shape).
    Sql(super::sql::Error),
    /// What went wrong reaching or using PostgreSQL, in words (see `error_pg.rs`).
    Postgres(super::error_pg::PgProblem),
    /// A file-system error.
    Io(std::io::Error),
}

impl std::fmt::Display for StoreError {
    // Over 80 lines: one sentence per error, a table rather than logic.
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
                "{} is an SQLite database but not a caseload database: check the --db path, or create a new database elsewhere with `caseload init --db NEW-PATH` (the file was not changed)",
                p.display()
            ),
            Self::EmptyFile(_) | Self::Directory(_) | Self::NotAFile(_) => self.fmt_not_a_database(f),
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
            Self::WorldWritableDirectory(_)
            | Self::NotInGroup { .. }
            | Self::NoAccess { .. }
            | Self::CompanionNotShared { .. }
            | Self::ReadOnlyDirectory { .. }
            | Self::CannotOpen(_) => self.fmt_access(f),
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
            Self::FieldConflicts(fields) => {
                let list: Vec<String> = fields.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "changed by a colleague since you opened it: {}. Nothing was saved: choose theirs or yours for each",
                    list.join("; ")
                )
            }
            Self::NotFound { entity, key } => write!(f, "no {entity} {key}: it may have been removed; reload"),
            Self::Invalid(message) | Self::Interrupted(message) => f.write_str(message),
            Self::NotAllowed(message) => write!(f, "{message}; nothing was saved"),
            Self::Duplicate { reference, .. } => write!(
                f,
                "this person is already client {reference} (same reference, or same name and date of birth): open that record instead"
            ),
            Self::Busy { holder, waited } if waited.as_secs() == 0 => write!(
                f,
                "the database is busy with {}: nothing was saved; try again in a moment",
                lock::describe(holder.as_ref())
            ),
            Self::Busy { holder, waited } => write!(
                f,
                "gave up after waiting {} for {} to finish: nothing was saved; try again when it is done",
                spoken(*waited),
                lock::describe(holder.as_ref())
            ),
            Self::ReadOnlySession => f.write_str(
                "this session is read-only: nothing was saved (ask an admin to add your login with `caseload worker add`, or drop --readonly)",
            ),
            Self::Sqlite(e) => match plain_words(e) {
                Some(words) => f.write_str(words),
                None => unexplained(f, e),
            },
            Self::NotOnPostgres | Self::SqliteOnly { .. } | Self::Sql(_) | Self::Postgres(_) => {
                self.fmt_engine(f)
            }
            Self::Io(e) => write!(f, "file error: {e}"),
        }
    }
}

impl StoreError {
    /// Whether this is a statement stopped by [`super::Store::interrupt_handle`]'s
    /// handle (SQLite's "interrupted", PostgreSQL's "query canceled").
    #[must_use]
    pub fn interrupted(&self) -> bool {
        match self {
            Self::Sqlite(e) => {
                e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted)
            }
            Self::Postgres(super::error_pg::PgProblem::Refused(code)) => {
                code == postgres::error::SqlState::QUERY_CANCELED.code()
            }
            _ => false,
        }
    }

    /// The sentences for what differs between the two engines.
    fn fmt_engine(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
                Self::NotOnPostgres => f.write_str(
                    "this is not available on PostgreSQL yet: nothing was changed; use it on an SQLite database (README, \"Moving to PostgreSQL\", lists what runs on PostgreSQL)",
                ),
                Self::SqliteOnly { what, instead } => {
                    write!(f, "{what} works on an SQLite file only: {instead}")
                }
                Self::Sql(e) => std::fmt::Display::fmt(e, f),
                Self::Postgres(problem) => std::fmt::Display::fmt(problem, f),
                _ => Ok(()),
        }
    }

    /// The sentences for a path that is not a database file.
    fn fmt_not_a_database(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::EmptyFile(p) => write!(
                f,
                "{} is empty, not a caseload database: check the --db path; to start a new database there, remove the empty file and run `caseload init --db {0}` (the file was not changed)",
                p.display()
            ),
            Self::Directory(p) => write!(
                f,
                "{} is a directory, not a database file: give the file's path, e.g. --db {}",
                p.display(),
                p.join("caseload.db").display()
            ),
            Self::NotAFile(p) => write!(
                f,
                "{} is not a regular file (a pipe, device or socket): check the --db path (nothing was read from it)",
                p.display()
            ),
            _ => Ok(()),
        }
    }

    /// The sentences for a database this user cannot open or reach.
    fn fmt_access(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WorldWritableDirectory(p) => write!(
                f,
                "{} can be written by every user on this machine, so anyone could plant a file beside the database: restrict it (chmod o-w {0}; for a team, chmod 2770) and try again",
                p.display()
            ),
            Self::NotInGroup {
                path,
                group,
                login,
                pending: false,
            } => write!(
                f,
                "you ({login}) are not in the group {group}, which shares {}: ask an admin to run `usermod -aG {group} {login}`, then log out and in again",
                path.display()
            ),
            Self::NotInGroup {
                path,
                group,
                login,
                pending: true,
            } => write!(
                f,
                "you ({login}) were added to the group {group}, which shares {}, after this log-in began: log out and in again (or run `newgrp {group}`)",
                path.display()
            ),
            Self::NoAccess { path, need } => write!(
                f,
                "you may not {need} {}: ask an admin to run `caseload doctor --db DATABASE`, which prints the fix",
                path.display()
            ),
            Self::CompanionNotShared { path, owner, group } => write!(
                f,
                "{} (created by {owner}) cannot be used by you: an admin fixes it with `chgrp {group} {0} && chmod 660 {0}` (`caseload doctor` checks every file)",
                path.display()
            ),
            Self::ReadOnlyDirectory { dir, db } => write!(
                f,
                "you may not create files in {}, and SQLite needs {}-wal and -shm there: ask an admin to make the directory the team's (`chmod 2770 {0}`; `caseload doctor` checks it all)",
                dir.display(),
                db.display()
            ),
            Self::CannotOpen(p) => write!(
                f,
                "cannot open {}: run `caseload doctor --db {0}`, which checks the file, its directory and your group, and prints the fix",
                p.display()
            ),
            _ => Ok(()),
        }
    }
}

/// A write that names a row that is not there (a foreign key refused), on either engine.
pub(super) const NO_LONGER_THERE: &str = "this refers to a record that is no longer there (a colleague may have removed it): nothing was saved; reload and try again";

/// SQLite's failures that a user can act on, in words instead of SQLite's own text.
fn plain_words(e: &rusqlite::Error) -> Option<&'static str> {
    use rusqlite::ErrorCode;
    if e.sqlite_error()?.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY {
        return Some(NO_LONGER_THERE);
    }
    Some(match e.sqlite_error_code()? {
        ErrorCode::CannotOpen => {
            "the database could not be opened: run `caseload doctor`, which checks the file, its directory and your group, and prints the fix"
        }
        ErrorCode::ReadOnly | ErrorCode::PermissionDenied => {
            "the database is read-only for you: nothing was saved; `caseload doctor` says why and prints the fix"
        }
        ErrorCode::DiskFull => {
            "the disk holding the database is full: nothing was saved, and everything saved before is safe; free some space (or ask an admin to) and try again"
        }
        ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
            "the database file is damaged: nothing was saved; run `caseload check` and restore the latest backup"
        }
        ErrorCode::SystemIoFailure => {
            "the disk could not take the write (it may be full): nothing was saved, and everything saved before is safe; check the free space (df -h), try again, and tell an admin if it happens again"
        }
        ErrorCode::OperationInterrupted => "the operation was interrupted: nothing was saved",
        _ => return None,
    })
}

/// An SQLite error [`plain_words`] has no sentence for, in words all the same: SQLite's
/// own text is for developers; its result code lets an admin look it up.
fn unexplained(f: &mut std::fmt::Formatter<'_>, e: &rusqlite::Error) -> std::fmt::Result {
    match e.sqlite_error() {
        Some(failure) => write!(
            f,
            "the database refused this (SQLite result code {}): nothing was saved; \
             run `caseload check`, and tell an admin if it happens again",
            failure.extended_code
        ),
        None => f.write_str(
            "the database gave an answer caseload did not expect: nothing was saved; \
             tell an admin if it happens again",
        ),
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Sqlite(e) => Some(e),
            Self::Sql(e) => Some(e),
            Self::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// A wait as people say it: "45 s", "2 min", "2 min 30 s".
fn spoken(waited: Duration) -> String {
    let seconds = waited.as_secs();
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

impl From<rusqlite::Error> for StoreError {
    /// SQLite's "database is locked" becomes [`StoreError::Busy`] and a clash on a
    /// natural key a sentence, both in words; anything else stays an SQLite error.
    fn from(e: rusqlite::Error) -> Self {
        if lock::is_busy(&e) {
            return Self::Busy {
                holder: None,
                waited: Duration::ZERO,
            };
        }
        match natural_key_clash(&e) {
            Some(words) => Self::Invalid(words.to_owned()),
            None => Self::Sqlite(e),
        }
    }
}

/// The natural keys (schema steps 2 and 10-12, 15): SQLite's columns as its
/// "UNIQUE constraint failed" message lists them, PostgreSQL's index name, and the
/// sentence for a row either refuses.
const NATURAL_KEYS: &[(&str, &str, &str)] = &[
    (
        "episode.client_id, episode.referral_date",
        "episode_natural_key",
        "this client already has an episode with this referral date: open that one instead; nothing was saved",
    ),
    (
        "custody.client_id, custody.reception_date",
        "custody_natural_key",
        "this client already has a custody record with this reception date: open that one instead; nothing was saved",
    ),
    (
        "contact.client_id, contact.contact_at, contact.kind, contact.worker_id, contact.note",
        "contact_natural_key",
        "this contact (same client, time, kind, worker and note) is already recorded: nothing was saved",
    ),
    (
        "drug_test.client_id, drug_test.tested_on, drug_test.kind, drug_test.result",
        "drug_test_natural_key",
        "this drug test (same client, day, kind and result) is already recorded: nothing was saved",
    ),
    (
        "positive_outcome.episode_id, positive_outcome.recorded_on, positive_outcome.kind",
        "positive_outcome_natural_key",
        "this positive outcome (same episode, day and kind) is already recorded: nothing was saved",
    ),
    (
        "modality.episode_id, modality.kind, modality.started_on",
        "modality_natural_key",
        "this episode already has a modality of this kind started on this day: end or open that one instead; nothing was saved",
    ),
    (
        "reengagement.breach_id, reengagement.attempted_at, reengagement.how",
        "reengagement_natural_key",
        "this attempt to re-engage (same breach, time and way) is already recorded: nothing was saved",
    ),
    (
        "court_order.client_id, court_order.kind, court_order.start_date",
        "court_order_natural_key",
        "this client already has an order of this kind starting on this day: open that one instead; nothing was saved",
    ),
    (
        "court_order.client_id",
        "court_order_one_in_force",
        "this client already has a court order or licence in force: record the day it ended first; nothing was saved",
    ),
    (
        "breach.client_id, breach.raised_at",
        "breach_natural_key",
        "this client already has a breach raised at this time: open that one instead; nothing was saved",
    ),
    (
        "area.name",
        "area_name",
        "there is already an area with this name (letters' case aside): choose another name; nothing was saved",
    ),
    (
        "worker.login",
        "worker_login_key",
        "another worker already has this login: give each worker their own; nothing was saved",
    ),
];

/// A sentence for a row refused by one of the [`NATURAL_KEYS`] on SQLite.
fn natural_key_clash(e: &rusqlite::Error) -> Option<&'static str> {
    let rusqlite::Error::SqliteFailure(_, Some(message)) = e else {
        return None;
    };
    let columns = message.strip_prefix("UNIQUE constraint failed: ")?;
    NATURAL_KEYS
        .iter()
        .find(|(sqlite, _, _)| *sqlite == columns)
        .map(|(_, _, sentence)| *sentence)
}

/// Which kind of column rule refused a row that has no sentence of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BrokenRule {
    /// A CHECK: the value is not one the column accepts.
    Check,
    /// NOT NULL: the column was left blank.
    NotNull,
    /// UNIQUE: another row has the value.
    Unique,
    /// A FOREIGN KEY: the row refers to one that is not there.
    ForeignKey,
}

/// The sentence for a row a column's rule refused, naming the column (in words:
/// `date_of_birth` as "date of birth") where the engine said which.
pub(super) fn broken_rule(rule: BrokenRule, column: Option<&str>) -> String {
    let field = column.map(|c| c.replace('_', " "));
    match (rule, field) {
        (BrokenRule::Check, Some(field)) => format!(
            "the value given for {field} is not one this record accepts: nothing was saved; correct {field} and save again"
        ),
        (BrokenRule::NotNull, Some(field)) => {
            format!("{field} cannot be blank: nothing was saved; fill it in and save again")
        }
        (BrokenRule::Unique, Some(field)) => format!(
            "another record already has this {field}: nothing was saved; choose another {field}"
        ),
        (BrokenRule::ForeignKey, _) => NO_LONGER_THERE.to_owned(),
        (_, None) => "the change breaks a rule of the record: nothing was saved; check the values and save again".to_owned(),
    }
}

/// The rule and column of an SQLite constraint failure, from its message:
/// "CHECK constraint failed: length(trim(name)) > 0" names `name` (the first word
/// that is not a function), "NOT NULL constraint failed: client.reference" `reference`.
pub(super) fn sqlite_broken_rule(message: &str) -> Option<(BrokenRule, Option<&str>)> {
    if let Some(expression) = message.strip_prefix("CHECK constraint failed: ") {
        let mut rest = expression;
        while let Some(start) = rest.find(|c: char| c.is_ascii_lowercase() || c == '_') {
            let word = &rest[start..];
            let length = word
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(word.len());
            rest = &word[length..];
            if !rest.starts_with('(') {
                return Some((BrokenRule::Check, Some(&word[..length])));
            }
        }
        return Some((BrokenRule::Check, None));
    }
    if let Some(columns) = message.strip_prefix("NOT NULL constraint failed: ") {
        return Some((BrokenRule::NotNull, first_column(columns)));
    }
    if let Some(columns) = message.strip_prefix("UNIQUE constraint failed: ") {
        return Some((BrokenRule::Unique, first_column(columns)));
    }
    message
        .starts_with("FOREIGN KEY constraint failed")
        .then_some((BrokenRule::ForeignKey, None))
}

/// The first column of SQLite's "table.column, table.column" list.
fn first_column(columns: &str) -> Option<&str> {
    let first = columns.split(", ").next()?;
    first.rsplit('.').next()
}

/// A sentence for a row refused by one of the [`NATURAL_KEYS`] on PostgreSQL, by the
/// name of its index.
pub(super) fn natural_key_clash_pg(index: &str) -> Option<&'static str> {
    NATURAL_KEYS
        .iter()
        .find(|(_, name, _)| *name == index)
        .map(|(_, _, sentence)| *sentence)
}

impl From<super::sql::Error> for StoreError {
    /// SQLite's errors as [`From<rusqlite::Error>`] has them, PostgreSQL's in words as
    /// `error_pg.rs` has them; any other stays the SQL layer's.
    fn from(e: super::sql::Error) -> Self {
        match e {
            super::sql::Error::Sqlite(e) => e.into(),
            super::sql::Error::Postgres(e) => super::error_pg::from_postgres(&e),
            other => Self::Sql(other),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_sqlite_error_without_plain_words_is_a_sentence_without_sqlites_text() {
        let check = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_CHECK),
            Some("CHECK constraint failed: kind IN ('phone')".to_owned()),
        );
        let unexpected = rusqlite::Error::InvalidColumnName("kind".to_owned());
        for (error, expected) in [
            (
                check,
                "the database refused this (SQLite result code 275): nothing was saved",
            ),
            (
                unexpected,
                "the database gave an answer caseload did not expect",
            ),
        ] {
            let text = StoreError::Sqlite(error).to_string();
            assert!(text.starts_with(expected), "{text}");
            assert!(!text.contains("CHECK") && !text.contains("kind"), "{text}");
        }
    }

    #[test]
    fn an_sqlite_constraint_failure_names_its_column_in_words() {
        for (message, expected) in [
            (
                "CHECK constraint failed: length(trim(given_name)) > 0",
                "the value given for given name is not one this record accepts: nothing was saved; correct given name and save again",
            ),
            (
                "CHECK constraint failed: date(date_of_birth, '+0 days') IS date_of_birth",
                "the value given for date of birth is not one this record accepts",
            ),
            (
                "CHECK constraint failed: kind IN ('phone')",
                "the value given for kind is not",
            ),
            (
                "NOT NULL constraint failed: client.family_name",
                "family name cannot be blank: nothing was saved; fill it in",
            ),
            (
                "UNIQUE constraint failed: client.reference",
                "another record already has this reference: nothing was saved",
            ),
            (
                "FOREIGN KEY constraint failed",
                "this refers to a record that is no longer there",
            ),
            (
                "CHECK constraint failed: 1 > 0",
                "the change breaks a rule of the record",
            ),
        ] {
            let (rule, column) = sqlite_broken_rule(message).expect(message);
            let text = broken_rule(rule, column);
            assert!(text.starts_with(expected), "{message}: {text}");
        }
        assert_eq!(sqlite_broken_rule("disk I/O error"), None);
    }
}
