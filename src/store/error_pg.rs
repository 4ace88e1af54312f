//! PostgreSQL's errors in words, as `error.rs` has SQLite's: a refused row becomes the
//! sentence SQLite's refusal gets, a lost race a busy database, a role's missing right
//! a refusal saying so; the server's own text never reaches a user.

use std::fmt;
use std::time::Duration;

use postgres::error::SqlState;

use super::StoreError;
use super::error::{BrokenRule, broken_rule, natural_key_clash_pg};

/// What went wrong reaching or using a PostgreSQL database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PgProblem {
    /// The URL is not one the driver understands.
    BadUrl(String),
    /// Nothing answered at the URL's host and port.
    Unreachable(String),
    /// The server refused the login (no such role, or its authentication failed).
    Login(String),
    /// The server has no database of the URL's name.
    NoDatabase(String),
    /// The database holds no caseload schema.
    NotCaseload(String),
    /// A new caseload database was asked for where one with rows already is.
    InUse {
        /// The database's URL, as shown.
        url: String,
        /// Its tables that hold rows, with their counts.
        tables: Vec<(String, i64)>,
    },
    /// Another `caseload init` or `demo` is making the database right now.
    InitRunning(String),
    /// The schema's creation or upgrade waited too long for a lock.
    SchemaBusy {
        /// The database's URL, as shown.
        url: String,
        /// How long it waited.
        seconds: u64,
        /// The session holding a lock, if one was found: its process id, and it in
        /// words.
        holder: Option<(i64, String)>,
    },
    /// The connection failed after it was made.
    Lost,
    /// A refusal with no plainer words: its SQLSTATE, for an admin to look up.
    Refused(String),
}

impl fmt::Display for PgProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadUrl(url) => write!(
                f,
                "{url} is not a PostgreSQL URL caseload can use: write it as postgres://ROLE@HOST:PORT/DATABASE"
            ),
            Self::Unreachable(url) => write!(
                f,
                "cannot reach the PostgreSQL server of {url}: check that it is running and that the URL's host and port are right"
            ),
            Self::Login(url) => write!(
                f,
                "the PostgreSQL server refused the login for {url}: ask its admin to enrol your login (caseload worker add) and to allow it in pg_hba.conf (peer or certificate)"
            ),
            Self::NoDatabase(url) => write!(
                f,
                "there is no PostgreSQL database {url}: create it (createdb NAME), then run `caseload init --db {url}` or `caseload migrate --to {url}`"
            ),
            Self::NotCaseload(url) => write!(
                f,
                "the PostgreSQL database {url} holds no caseload database: run `caseload init --db {url}` for a new one, or copy a team in with `caseload migrate --from FILE --to {url}`"
            ),
            Self::InUse { url, tables } => {
                let listed: Vec<String> = tables.iter().map(|(t, n)| format!("{t} {n}")).collect();
                write!(
                    f,
                    "the PostgreSQL database {url} already holds a caseload database ({}); nothing was created. Use it as it is (--db {url}), or make a new, empty database (createdb NAME) for a new one",
                    listed.join(", ")
                )
            }
            Self::InitRunning(url) => write!(
                f,
                "another caseload init (or demo) is setting up {url} right now: nothing was created; when it has finished, use the database it made (--db {url})"
            ),
            Self::SchemaBusy {
                url,
                seconds,
                holder: Some((pid, holder)),
            } => write!(
                f,
                "{url} could not be brought up to date: after {seconds} s {holder} still holds what the upgrade must change, and every colleague would queue behind the upgrade. Nothing was changed: wait for that session to finish (ask whoever runs it), then open caseload again; a database admin can end it with SELECT pg_terminate_backend({pid})"
            ),
            Self::SchemaBusy { url, seconds, .. } => write!(
                f,
                "{url} could not be brought up to date: after {seconds} s another session still holds what the upgrade must change. Nothing was changed: wait for it to finish, then open caseload again"
            ),
            Self::Lost => f.write_str(
                "the connection to PostgreSQL failed (the server may have stopped or the network dropped): nothing was saved; check the server and try again",
            ),
            Self::Refused(state) => write!(
                f,
                "the database refused this (PostgreSQL error {state}): nothing was saved; tell an admin if it happens again"
            ),
        }
    }
}

/// A PostgreSQL error met while using an open database, in words.
pub(super) fn from_postgres(e: &postgres::Error) -> StoreError {
    let Some(db) = e.as_db_error() else {
        return StoreError::Postgres(PgProblem::Lost);
    };
    let code = db.code();
    if *code == SqlState::UNIQUE_VIOLATION
        && let Some(words) = db.constraint().and_then(natural_key_clash_pg)
    {
        return StoreError::Invalid(words.to_owned());
    }
    if [
        SqlState::T_R_SERIALIZATION_FAILURE,
        SqlState::T_R_DEADLOCK_DETECTED,
        SqlState::LOCK_NOT_AVAILABLE,
    ]
    .contains(code)
    {
        return StoreError::Busy {
            holder: None,
            waited: Duration::ZERO,
        };
    }
    let rule = |rule, column| StoreError::Invalid(broken_rule(rule, column));
    let named = |suffix| {
        db.table()
            .zip(db.constraint())
            .and_then(|(table, constraint)| column_of_constraint(table, constraint, suffix))
    };
    match code {
        c if *c == SqlState::FOREIGN_KEY_VIOLATION => return rule(BrokenRule::ForeignKey, None),
        c if *c == SqlState::CHECK_VIOLATION => return rule(BrokenRule::Check, named("_check")),
        c if *c == SqlState::NOT_NULL_VIOLATION => return rule(BrokenRule::NotNull, db.column()),
        c if *c == SqlState::UNIQUE_VIOLATION => return rule(BrokenRule::Unique, named("_key")),
        _ => {}
    }
    if *code == SqlState::INSUFFICIENT_PRIVILEGE {
        return StoreError::NotAllowed(
            "the database does not let your PostgreSQL role do this (it limits each worker to their role and area)"
                .to_owned(),
        );
    }
    if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
        return StoreError::ReadOnlySession;
    }
    StoreError::Postgres(PgProblem::Refused(code.code().to_owned()))
}

/// The column a constraint PostgreSQL named by its default (`TABLE_COLUMN_check`,
/// `TABLE_COLUMN_key`, a digit after a second one on one column) is on; `None` for a
/// rule over several columns (`TABLE_check`).
fn column_of_constraint<'a>(table: &str, constraint: &'a str, suffix: &str) -> Option<&'a str> {
    let rest = constraint.strip_prefix(table)?.strip_prefix('_')?;
    let rest = rest.trim_end_matches(|c: char| c.is_ascii_digit());
    rest.strip_suffix(suffix)
        .filter(|column| !column.is_empty())
}

/// A PostgreSQL error met while connecting to `shown` (the URL without its password),
/// in words.
pub(super) fn connecting(e: &postgres::Error, shown: &str) -> StoreError {
    let shown = shown.to_owned();
    let problem = match e.as_db_error().map(postgres::error::DbError::code) {
        Some(code) if *code == SqlState::INVALID_CATALOG_NAME => PgProblem::NoDatabase(shown),
        Some(code)
            if [
                SqlState::INVALID_PASSWORD,
                SqlState::INVALID_AUTHORIZATION_SPECIFICATION,
            ]
            .contains(code) =>
        {
            PgProblem::Login(shown)
        }
        Some(_) => return from_postgres(e),
        None if is_io(e) => PgProblem::Unreachable(shown),
        None => PgProblem::BadUrl(shown),
    };
    StoreError::Postgres(problem)
}

/// Whether the driver's error came from the network (as opposed to the URL).
fn is_io(e: &postgres::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if cause.is::<std::io::Error>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// `url` without its password (in the user part or a `password=` parameter), to show.
#[must_use]
pub fn shown_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest
        .find(['/', '?'])
        .map_or((rest, ""), |at| rest.split_at(at));
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map_or(user, |(name, _)| name);
            format!("{user}@{host}")
        }
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|pair| !pair.starts_with("password="))
                .collect();
            if kept.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::{column_of_constraint, shown_url};

    #[test]
    fn a_default_constraint_name_gives_its_column() {
        for (table, constraint, suffix, column) in [
            (
                "drug_test",
                "drug_test_tested_on_check",
                "_check",
                Some("tested_on"),
            ),
            ("client", "client_reference_key", "_key", Some("reference")),
            (
                "client",
                "client_nhs_number_check1",
                "_check",
                Some("nhs_number"),
            ),
            ("client", "client_check", "_check", None),
            ("client", "episode_client_id_fkey", "_check", None),
        ] {
            assert_eq!(
                column_of_constraint(table, constraint, suffix),
                column,
                "{constraint}"
            );
        }
    }

    #[test]
    fn a_shown_url_keeps_everything_but_the_password() {
        for (url, shown) in [
            (
                "postgres://ann:secret@db:5433/team",
                "postgres://ann@db:5433/team",
            ),
            ("postgresql://ann@db/team", "postgresql://ann@db/team"),
            (
                "postgres://db/team?password=secret&sslmode=disable",
                "postgres://db/team?sslmode=disable",
            ),
            ("postgres://db/team?password=s", "postgres://db/team"),
            ("postgres://a:b@c", "postgres://a@c"),
        ] {
            assert_eq!(shown_url(url), shown, "{url}");
        }
    }
}
