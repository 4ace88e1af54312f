//! Opening a caseload database on PostgreSQL: `Store::open` on a `postgres://` URL
//! connects, checks the schema (brought up to date by `pg/migrate.rs` in a writable
//! session) and makes a read-only session read-only in the server too.

use std::path::{Path, PathBuf};
use std::time::Duration;

use postgres::error::SqlState;

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
    /// [`Store::create_with`] on the PostgreSQL database `url` names, which must exist
    /// (`createdb`) and be empty, or hold caseload's schema with no rows: the schema is
    /// created (or brought up to date) and committed, then `build` fills it in its own
    /// transactions. A `build` that fails leaves the schema without rows, which the next
    /// `init` or `demo` accepts as empty.
    ///
    /// # Errors
    /// [`PgProblem::InUse`] for a database with caseload rows, another program's
    /// tables, the connection's errors ([`Store::open`]), or whatever `build` returns.
    pub(super) fn create_postgres<T>(
        url: &str,
        build: impl FnOnce(&mut Self) -> StoreResult<T>,
    ) -> StoreResult<(Self, T)> {
        let shown = shown_url(url);
        let conn = connect(url, &shown)?;
        // Held by this session until `build` has made the first rows: a second init
        // meanwhile is refused, one after it finds the rows. A failure drops the
        // connection, which lets the lock go.
        let first: bool = conn
            .query_row(
                "SELECT pg_try_advisory_lock(?1) AS first",
                &[migrate::INIT_LOCK.into()],
            )?
            .get("first")?;
        if !first {
            return Err(StoreError::Postgres(PgProblem::InitRunning(shown)));
        }
        up_to_date(&conn, &shown)?;
        let tables = filled_tables(&conn)?;
        if !tables.is_empty() {
            return Err(StoreError::Postgres(PgProblem::InUse {
                url: shown,
                tables,
            }));
        }
        let mut store = Self {
            conn,
            location: Location::Postgres(shown),
            target: super::Target(PathBuf::from(url)),
            access: Access::ReadWrite,
            lock: lock::process_policy(),
        };
        let value = build(&mut store)?;
        store.conn.query_row(
            "SELECT pg_advisory_unlock(?1) AS done",
            &[migrate::INIT_LOCK.into()],
        )?;
        Ok((store, value))
    }

    /// [`Store::open`] on the PostgreSQL database `url` names.
    pub(super) fn open_postgres(url: &str, access: Access) -> StoreResult<Self> {
        let shown = shown_url(url);
        let conn = connect(url, &shown)?;
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
            up_to_date(&conn, &shown)?;
        }
        if access == Access::ReadOnly {
            // The server itself refuses writes, as SQLite does for a read-only open.
            conn.execute_batch("SET default_transaction_read_only = on")?;
        }
        Ok(Self {
            conn,
            location: Location::Postgres(shown),
            target: super::Target(PathBuf::from(url)),
            access,
            lock: lock::process_policy(),
        })
    }
}

/// The longest the schema's creation or upgrade waits for a lock: while its DDL waits
/// for a table, every colleague's statement on that table queues behind it, so it
/// gives up soon (sooner if `--wait` says so) and names what it waited for.
const SCHEMA_WAIT: Duration = Duration::from_secs(5);

/// [`migrate::migrate`] in a transaction of its own, committed: each lock it takes
/// waits at most [`SCHEMA_WAIT`] (`lock_timeout`), then [`PgProblem::SchemaBusy`]
/// names the session it waited for; a role that does not own the tables is told to
/// ask for the owner.
fn up_to_date(conn: &sql::Connection, shown: &str) -> StoreResult<()> {
    let wait = lock::process_policy().wait.min(SCHEMA_WAIT);
    let tx = conn.transaction()?;
    tx.query_row(
        "SELECT set_config('lock_timeout', ?1, true) AS waits,
                set_config('application_name', 'caseload schema upgrade', true) AS announced",
        &[format!("{}ms", wait.as_millis().max(1)).into()],
    )?;
    match migrate::migrate(&tx) {
        Ok(_) => Ok(tx.commit()?),
        Err(PgError::Sql(sql::Error::Postgres(e)))
            if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) =>
        {
            drop(tx);
            Err(StoreError::Postgres(PgProblem::SchemaBusy {
                url: shown.to_owned(),
                seconds: wait.as_secs().max(1),
                holder: lock_holder(conn),
            }))
        }
        // A step's DDL needs the tables' owner: a worker's role cannot upgrade.
        Err(PgError::Sql(sql::Error::Postgres(e)))
            if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) =>
        {
            Err(StoreError::Invalid(format!(
                "{shown} needs upgrading to schema {} for this caseload, which only the role that owns its tables may do: nothing was changed; ask an admin to open it once as that role with this caseload (--db with the owner's URL), then try again",
                migrate::current_version()
            )))
        }
        Err(e) => Err(from_pg(e, shown)),
    }
}

/// The other session holding a lock in this database (on a table, or an advisory
/// one such as another upgrade's): its process id, and a phrase naming it, its role
/// and its program.
fn lock_holder(conn: &sql::Connection) -> Option<(i64, String)> {
    let row = conn
        .query_opt(
            "SELECT l.pid::bigint AS pid, a.usename::text AS who,
                    coalesce(a.application_name, '') AS program
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
              WHERE l.granted AND l.pid <> pg_backend_pid()
                AND l.locktype IN ('relation', 'advisory')
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              ORDER BY a.xact_start NULLS LAST, l.pid LIMIT 1",
            &[],
        )
        .ok()??;
    let pid: i64 = row.get("pid").ok()?;
    let who: String = row.get("who").ok()?;
    let program: String = row.get("program").ok()?;
    // A caseload write announces itself (lock.rs).
    let program = match lock::announced_holder(Some(program.clone()), Some(pid)) {
        Some(holder) => format!("caseload: {} by {}", holder.what, holder.login),
        None if program.is_empty() => "a program that gave no name".to_owned(),
        None => program,
    };
    Some((
        pid,
        format!("PostgreSQL session {pid} (role {who}, {program})"),
    ))
}

/// A connection to `url`, its failure in words naming `shown`.
fn connect(url: &str, shown: &str) -> StoreResult<sql::Connection> {
    sql::Connection::postgres(url).map_err(|e| match e {
        sql::Error::Postgres(e) => connecting(&e, shown),
        other => other.into(),
    })
}

/// Caseload's tables that hold rows (all but the schema's own bookkeeping), with
/// their counts, by name.
fn filled_tables(conn: &sql::Connection) -> StoreResult<Vec<(String, i64)>> {
    let mut filled = Vec::new();
    for row in conn.query(
        "SELECT table_name::text AS name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
            AND table_name NOT IN ('schema_version', 'meta')
          ORDER BY table_name",
        &[],
    )? {
        let table: String = row.get("name")?;
        let rows: i64 = conn
            .query_row(&format!("SELECT count(*) AS n FROM \"{table}\""), &[])?
            .get("n")?;
        if rows > 0 {
            filled.push((table, rows));
        }
    }
    Ok(filled)
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

/// [`Store::check`] on PostgreSQL, which has no `PRAGMA integrity_check` (the server
/// keeps its pages sound; `pg_amcheck` checks them): the schema version, every
/// constraint validated, every index valid, row-level security on every table but
/// `meta` and `schema_version`, and every foreign key re-checked row by row (a bulk
/// load with triggers off, say, could have broken one).
pub(super) fn check(conn: &sql::Connection) -> StoreResult<Vec<String>> {
    let mut problems = Vec::new();
    match schema_version(conn)? {
        Some(found) if found == migrate::current_version() => {}
        found => problems.push(format!(
            "schema: version {} where this caseload writes {}",
            found.map_or_else(|| "none".to_owned(), |v| v.to_string()),
            migrate::current_version()
        )),
    }
    for row in conn.query(
        "SELECT conrelid::regclass::text AS tab, conname::text AS name FROM pg_constraint
          WHERE connamespace = 'public'::regnamespace AND NOT convalidated ORDER BY 1, 2",
        &[],
    )? {
        problems.push(format!(
            "constraint: {} on {} is not validated (ALTER TABLE {} VALIDATE CONSTRAINT {})",
            row.get::<String>("name")?,
            row.get::<String>("tab")?,
            row.get::<String>("tab")?,
            row.get::<String>("name")?
        ));
    }
    for row in conn.query(
        "SELECT i.indexrelid::regclass::text AS name FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid
          WHERE c.relnamespace = 'public'::regnamespace AND NOT (i.indisvalid AND i.indisready)
          ORDER BY 1",
        &[],
    )? {
        problems.push(format!(
            "index: {} is not valid (REINDEX INDEX {0})",
            row.get::<String>("name")?
        ));
    }
    for row in conn.query(
        "SELECT relname::text AS name FROM pg_class
          WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
            AND NOT relrowsecurity AND relname NOT IN ('meta', 'schema_version') ORDER BY 1",
        &[],
    )? {
        problems.push(format!(
            "row-level security: off on {}, so every worker reads all of it",
            row.get::<String>("name")?
        ));
    }
    for row in conn.query(
        "SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
                (SELECT string_agg(format('k.%I = p.%I', a.attname, b.attname), ' AND ')
                   FROM unnest(c.conkey, c.confkey) AS u(ck, pk)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = u.ck
                   JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = u.pk)
                  AS joined,
                (SELECT string_agg(format('k.%I IS NOT NULL', a.attname), ' AND ')
                   FROM unnest(c.conkey) AS u(ck)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = u.ck)
                  AS given
           FROM pg_constraint c
          WHERE c.connamespace = 'public'::regnamespace AND c.contype = 'f'
          ORDER BY 1, 2, 3",
        &[],
    )? {
        let (child, parent): (String, String) = (row.get("child")?, row.get("parent")?);
        let missing: i64 = conn
            .query_row(
                &format!(
                    "SELECT count(*) AS n FROM {child} k WHERE {} AND NOT EXISTS
                        (SELECT 1 FROM {parent} p WHERE {})",
                    row.get::<String>("given")?,
                    row.get::<String>("joined")?
                ),
                &[],
            )?
            .get("n")?;
        if missing > 0 {
            problems.push(format!(
                "foreign key: {missing} {child} row(s) refer to a missing {parent}"
            ));
        }
    }
    Ok(problems)
}
