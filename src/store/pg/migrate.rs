//! The PostgreSQL migration set, kept in step with SQLite's (`store/migrate/`) under
//! the same numbering: a PostgreSQL database at version N has the tables and columns of
//! an SQLite file whose `user_version` is N. SQLite keeps the number in `user_version`;
//! PostgreSQL in the one-row table `schema_version`.
//!
//! No PostgreSQL database existed before schema version 14, so the set starts there:
//! [`BASELINE`] (`schema.sql` and `security.sql` beside this file) is the whole model at
//! version 14, and each later SQLite step gets its PostgreSQL twin in [`STEPS`], in the
//! same commit. Adding a step: append its SQL to `STEPS` (PostgreSQL's dialect of the
//! SQLite step: `bigint` and `text` columns, the `caseload_is_date` style CHECKs; grant a
//! new table to `caseload_worker` and give it row-level security as `security.sql` does)
//! and fold it into `schema.sql` only if you also move [`BASELINE`] (never, once a team
//! runs on PostgreSQL). `current_version() == store::migrate::current_version()` is a
//! test without PostgreSQL; `tests/integration/postgres_schema.rs` compares the two
//! schemas column by column and index by index, and checks that every table but `meta`
//! has row-level security, when `scripts/pg-test.sh` runs it.
//!
//! A change PostgreSQL alone needs, with no SQLite twin, does not take a number: a
//! step would bump SQLite's `user_version` for nothing (and make older caseloads
//! refuse the file). Such a change is written to be run again and runs after the steps
//! whenever it is missing. There is one: live refresh (`notify.sql`), a trigger on
//! every table that notifies listening sessions of each commit (`store/sql/notify.rs`).
//! It runs when a database is created or upgraded, and when one already current lacks
//! a trigger (made before live refresh existed): a check of the catalogue, so a
//! migration of a current database stays one query more. A table a later step adds
//! gets its trigger the same way; `tests/integration/postgres_notify.rs` fails if any
//! table has none.

use super::PgError;
use crate::store::sql::{Transaction, Value};

/// The SQLite schema version the PostgreSQL baseline matches.
pub const BASELINE: i64 = 14;

/// The whole model at [`BASELINE`].
const SCHEMA: &str = include_str!("schema.sql");

/// Roles, grants and row-level security at [`BASELINE`].
const SECURITY: &str = include_str!("security.sql");

/// Live refresh's trigger on every table that has none (run again safely).
const NOTIFY: &str = include_str!("notify.sql");

/// Where the schema version is kept.
const VERSION_TABLE: &str = "CREATE TABLE schema_version (version bigint NOT NULL);";

/// PostgreSQL's steps after [`BASELINE`]: step `i` takes version `BASELINE + i` to
/// `BASELINE + i + 1`, as SQLite's step of the same number does.
pub const STEPS: &[&str] = &[
    include_str!("court_order.sql"),
    include_str!("last_contact.sql"),
    include_str!("area_count.sql"),
    include_str!("episode_assessment.sql"),
    include_str!("episode_extension_review.sql"),
];

/// The schema version this build writes: always SQLite's.
#[must_use]
pub fn current_version() -> i64 {
    BASELINE + i64::try_from(STEPS.len()).unwrap_or(i64::MAX - BASELINE)
}

/// Key of the advisory lock two migrations of one database take in turn.
const MIGRATION_LOCK: i64 = 0x4353_4C44;

/// Key of the advisory lock a new database's `caseload init` (or `demo`) holds in its
/// session until the first rows are in, so that a second one is refused.
pub const INIT_LOCK: i64 = 0x4353_4C49;

/// What [`migrate`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migrated {
    /// An empty database: the whole schema was created.
    Created,
    /// A caseload database at an older version, brought up to date.
    Upgraded {
        /// The version it was at.
        from: i64,
    },
    /// Already at this build's version.
    Current,
}

/// Brings the PostgreSQL database `tx` is on to [`current_version`], inside `tx` (its
/// DDL commits or rolls back with it): an empty database gets the whole schema.
///
/// # Errors
/// [`PgError::NotCaseload`] for a database holding other tables,
/// [`PgError::NewerSchema`] for one written by a newer caseload, or the engine's error.
pub fn migrate(tx: &Transaction<'_>) -> Result<Migrated, PgError> {
    tx.execute(
        "SELECT pg_advisory_xact_lock(?1)",
        &[Value::Integer(MIGRATION_LOCK)],
    )?;
    let ours: bool = tx
        .query_row(
            "SELECT to_regclass('public.schema_version') IS NOT NULL AS ours",
            &[],
        )?
        .get("ours")?;
    if !ours {
        let tables: i64 = tx
            .query_row(
                "SELECT count(*) AS tables FROM information_schema.tables
                  WHERE table_schema = 'public'",
                &[],
            )?
            .get("tables")?;
        if tables > 0 {
            return Err(PgError::NotCaseload { tables });
        }
        tx.execute_batch(VERSION_TABLE)?;
        tx.execute_batch(SCHEMA)?;
        tx.execute_batch(SECURITY)?;
        // The baseline, then every step after it: a new database is built as an old
        // one is upgraded.
        for step in STEPS {
            tx.execute_batch(step)?;
        }
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            &[Value::Integer(current_version())],
        )?;
        announce_changes(tx)?;
        return Ok(Migrated::Created);
    }
    let found: i64 = tx
        .query_row("SELECT version FROM schema_version", &[])?
        .get("version")?;
    if found > current_version() {
        return Err(PgError::NewerSchema {
            found,
            supported: current_version(),
        });
    }
    if found == current_version() {
        announce_changes(tx)?;
        return Ok(Migrated::Current);
    }
    for step in STEPS
        .iter()
        .skip(usize::try_from(found - BASELINE).unwrap_or(0))
    {
        tx.execute_batch(step)?;
    }
    tx.execute(
        "UPDATE schema_version SET version = ?1",
        &[Value::Integer(current_version())],
    )?;
    announce_changes(tx)?;
    Ok(Migrated::Upgraded { from: found })
}

/// Gives every table that lacks it live refresh's trigger ([`NOTIFY`]); checks the
/// catalogue first, so that a current database is not changed.
fn announce_changes(tx: &Transaction<'_>) -> Result<(), PgError> {
    let missing: bool = tx
        .query_row(
            "SELECT EXISTS (
                 SELECT 1 FROM pg_class c
                  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
                    AND NOT EXISTS (SELECT 1 FROM pg_trigger g
                                     WHERE g.tgrelid = c.oid AND g.tgname = 'caseload_changed')
             ) AS missing",
            &[],
        )?
        .get("missing")?;
    if missing {
        tx.execute_batch(NOTIFY)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn postgres_is_at_the_sqlite_schema_version() {
        assert_eq!(
            super::current_version(),
            crate::store::migrate::current_version(),
            "a new SQLite migration step needs its PostgreSQL twin in store/pg/migrate.rs STEPS"
        );
    }
}
