//! The only place with SQL. [`Store`] opens (or creates) a database file, migrates it,
//! maps rows to domain types, and performs every write as one `BEGIN IMMEDIATE`
//! transaction that leaves an audit row.

mod access;
mod area_counts;
mod backup;
mod draft;
mod error;
mod error_pg;
mod export;
mod fields;
mod generate;
mod import;
mod import_appointments;
mod import_clients;
mod import_contacts;
mod import_duties;
mod import_facts;
mod import_orders;
mod lock;
pub mod migrate;
mod orders;
pub mod pg;
mod postgres;
mod private_copy;
mod queries;
mod read;
mod records;
mod reengage;
mod report;
mod rows;
mod sample;
pub mod share;
pub mod sql;
mod staff;
mod target;
mod tx;
mod undo;
mod update;
mod value;
mod views;
mod window;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDateTime;
use rusqlite::OpenFlags;

pub use crate::domain::write::{
    Change, ClientEdit, CustodyEdit, Draft, EpisodeEdit, FieldConflict, NewArea, NewBreach,
    NewClient, NewContact, NewCustody, NewDrugTest, NewEpisode, NewModality, NewOutcome,
    NewOutreach, NewReengagement, NewRequiredAssessment, NewWorker, Receipt, ReferralFor, RowBase,
    StaffChange, Versioned, Written, value_text,
};
pub use access::{AccessEntry, Looked};
pub use error::{StoreError, StoreResult};
pub use error_pg::{PgProblem, shown_url};
pub use export::{ExportKind, ExportTable};
pub use generate::Origin;
pub use import::{
    Differs, EpisodeImported, ImportKeys, ImportedEpisode, OPEN_CUSTODY, OPEN_EPISODE,
};
pub use import_appointments::{
    Imported, ImportedAssessment, ImportedBriefInterventions, ImportedEngagement,
};
pub use import_duties::{ImportedCustody, ImportedReengagement, ImportedReview};
pub use import_facts::{ImportedModality, ImportedOutcome};
pub use lock::{
    DEFAULT_WAIT, Holder, LockPolicy, Waiting, describe as describe_holder, holder,
    set_process_policy,
};
pub use postgres::postgres_url;
pub use private_copy::PrivateCopy;
pub use report::{NewTally, ReplacedTally};
pub use sample::{Draw, Offences, SampleMember};
pub use target::Target;
use tx::Audited;
pub use tx::Tx;
pub use window::{Only, Window, in_name_order};

/// How long a read waits for SQLite's brief exclusive moments (recovering or
/// checkpointing the WAL). Writers wait for each other by [`LockPolicy`] instead.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Who is making a change, and when: stamped on every audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// OS login of the person (from the process's real uid).
    pub login: String,
    /// The time of the change, from the one clock the app reads.
    pub now: NaiveDateTime,
}

/// Whether the session may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Normal session.
    ReadWrite,
    /// Opened with `--readonly`: SQLite itself refuses writes.
    ReadOnly,
}

/// Where a store's database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file.
    File(PathBuf),
    /// A PostgreSQL database: its URL as shown to people, without a password.
    Postgres(String),
}

impl Location {
    /// The SQLite file, if it is one.
    #[must_use]
    pub fn file(&self) -> Option<&Path> {
        match self {
            Self::File(path) => Some(path),
            Self::Postgres(_) => None,
        }
    }
}

/// An open caseload database.
#[derive(Debug)]
pub struct Store {
    conn: sql::Connection,
    location: Location,
    target: Target,
    access: Access,
    lock: LockPolicy,
}

/// The SQLite connection under `conn`, for store code that still uses rusqlite
/// directly; on PostgreSQL, [`StoreError::NotOnPostgres`].
fn sqlite_of(conn: &sql::Connection) -> StoreResult<&rusqlite::Connection> {
    conn.as_sqlite().ok_or(StoreError::NotOnPostgres)
}

/// Formats a date-time as stored (`YYYY-MM-DD HH:MM`).
#[must_use]
pub fn format_timestamp(at: NaiveDateTime) -> String {
    use chrono::{Datelike as _, Timelike as _};
    // Not `at.format(..)`: that parses its pattern on every call, and a large import
    // formats two times a row inside its write transaction.
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

impl Store {
    /// Creates a new, empty caseload database at `path`: 0600, or 0660 in a setgid
    /// directory (see [`Store::create_with`]).
    ///
    /// # Errors
    /// As [`Store::create_with`].
    pub fn create(path: &Path) -> StoreResult<Self> {
        Self::create_with(path, None, |_| Ok(())).map(|(store, ())| store)
    }

    /// Creates a new caseload database at `path` filled by `build`, all or nothing: it
    /// is built under a hidden name in the same directory and appears at `path` only
    /// when complete, so an interrupted build never leaves a file there (and partial
    /// files of this user's processes that were killed outright are removed). The file is
    /// shared with group `gid` (mode 0660) if given, with the directory's group if the
    /// directory is setgid, else kept to its owner (0600); the umask plays no part.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] if a file is there, [`StoreError::MissingDirectory`]
    /// if its directory is missing, whatever `build` returns, or an SQLite/IO error.
    /// On a `postgres://` URL the database must exist and hold no caseload rows
    /// ([`PgProblem::InUse`] otherwise): its schema is created and committed first,
    /// then `build` fills it (`gid` plays no part; roles share it there).
    pub fn create_with<T>(
        path: &Path,
        gid: Option<u32>,
        build: impl FnOnce(&mut Self) -> StoreResult<T>,
    ) -> StoreResult<(Self, T)> {
        if let Some(url) = postgres_url(path) {
            return Self::create_postgres(url, build);
        }
        let dir = share::directory_of(path);
        if !dir.is_dir() {
            return Err(StoreError::MissingDirectory(dir));
        }
        if path.exists() {
            return Err(StoreError::AlreadyExists(path.to_path_buf()));
        }
        share::remove_stale_partials(path);
        // A -wal or -shm without its database belongs to one that was deleted: SQLite
        // would replay that old -wal into the new file.
        for suffix in share::COMPANIONS {
            match std::fs::remove_file(share::with_suffix(path, suffix)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(StoreError::Io(e));
                }
                _ => {}
            }
        }
        let partial = share::partial_name(path);
        let result = share::Sharing::for_new_database(&dir, gid)
            .create(&partial)
            .and_then(|file| {
                drop(file);
                let mut store = Self::open_as(&partial, Access::ReadWrite, true)?;
                let value = build(&mut store)?;
                store.close_discarding_wal()?;
                publish(&partial, path)?;
                Ok(value)
            });
        match result {
            Ok(value) => Ok((Self::open(path, Access::ReadWrite)?, value)),
            Err(e) => {
                // Nothing useful was written: leave nothing behind.
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(share::with_suffix(&partial, suffix));
                }
                Err(e)
            }
        }
    }

    /// Closes the connection letting SQLite fold the WAL into the file and remove the
    /// `-wal` and `-shm`, so the file alone is the whole database (before a rename).
    fn close_discarding_wal(self) -> StoreResult<()> {
        set_persistent_wal(self.sqlite()?, false)?;
        let path = self.path().to_path_buf();
        let conn = self.conn.into_sqlite().ok_or(StoreError::NotOnPostgres)?;
        conn.close().map_err(|(_, e)| StoreError::from(e))?;
        if share::COMPANIONS
            .iter()
            .any(|suffix| share::with_suffix(&path, suffix).exists())
        {
            return Err(StoreError::Invalid(format!(
                "{} was still in use when it was closed: nothing was created; try again",
                path.display()
            )));
        }
        Ok(())
    }

    /// Opens an existing caseload database, migrating it to the current schema:
    /// the SQLite file `path`, or the PostgreSQL database if `path` is a `postgres://`
    /// URL ([`postgres_url`]).
    ///
    /// # Errors
    /// A [`StoreError`] naming the problem and the fix: missing file, not SQLite, not
    /// ours, newer schema, read-only file for a writable session, world-readable, or
    /// not usable by this user (not in the group that shares it, read-only directory,
    /// a `-wal` or `-shm` that is not shared); for PostgreSQL, a server that cannot be
    /// reached, a refused login, a missing database or one without caseload's schema.
    pub fn open(path: &Path, access: Access) -> StoreResult<Self> {
        match postgres_url(path) {
            Some(url) => Self::open_postgres(url, access),
            None => Self::open_as(path, access, false),
        }
    }

    /// [`Store::open`]; an empty file gets the schema only if `initialise` (a file
    /// [`Store::create_with`] is building), and is refused otherwise.
    fn open_as(path: &Path, access: Access, initialise: bool) -> StoreResult<Self> {
        let metadata = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(match path.parent() {
                    Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
                        StoreError::MissingDirectory(dir.to_path_buf())
                    }
                    _ => StoreError::Missing(path.to_path_buf()),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(share::unreachable(path));
            }
            Err(e) => return Err(StoreError::Io(e)),
        };
        // Before anything opens it: a FIFO would block the open, a device be read.
        if metadata.is_dir() {
            return Err(StoreError::Directory(path.to_path_buf()));
        }
        if !metadata.is_file() {
            return Err(StoreError::NotAFile(path.to_path_buf()));
        }
        if metadata.permissions().mode() & 0o004 != 0 {
            return Err(StoreError::WorldReadable(path.to_path_buf()));
        }
        share::check_access(path, &metadata, access == Access::ReadWrite)?;
        Self::open_checked(path, access, &metadata, initialise).map_err(|e| match &e {
            StoreError::Sqlite(inner)
                if matches!(
                    inner.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
                ) =>
            {
                StoreError::CannotOpen(path.to_path_buf())
            }
            _ => e,
        })
    }

    /// [`Store::open`] once the file is known to be usable by this user.
    fn open_checked(
        path: &Path,
        access: Access,
        metadata: &std::fs::Metadata,
        initialise: bool,
    ) -> StoreResult<Self> {
        let flags = match access {
            Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
            Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = if access == Access::ReadOnly && share::frozen(path) {
            rusqlite::Connection::open_with_flags(
                format!("file:{}?immutable=1", uri_path(path)),
                flags | OpenFlags::SQLITE_OPEN_URI,
            )?
        } else {
            rusqlite::Connection::open_with_flags(path, flags)?
        };
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Keep the -wal and -shm when the last session closes: the next colleague then
        // finds them already shared, instead of re-creating them with their own group.
        set_persistent_wal(&conn, true)?;
        let wrapped = sql::Connection::sqlite(conn);
        // Reading any pragma touches the header: a non-SQLite file fails here, unchanged.
        migrate::migrate(&wrapped, path, access == Access::ReadWrite, initialise)?;
        let conn = sqlite_of(&wrapped)?;
        if access == Access::ReadWrite {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Invalid(format!(
                    "could not switch {} to WAL mode (got {mode}): is it on a network file system?",
                    path.display()
                )));
            }
            // A read in WAL mode creates the -wal and -shm if they are not there yet.
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
        }
        // Any session, even a read-only one, may have just created them.
        share::adopt_companions(path, metadata);
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(Self {
            conn: wrapped,
            location: Location::File(path.to_path_buf()),
            target: Target(path.to_path_buf()),
            access,
            lock: lock::process_policy(),
        })
    }

    /// Creates the new file `path` (an export, a backup) shared exactly as this
    /// database is: its group, and its owner and group permissions. On PostgreSQL,
    /// with no file to share it as, it is shared as a new database file in its
    /// directory would be: with the directory's group if the directory is setgid,
    /// else kept to its owner (0600).
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] if something is there, or the OS error.
    pub fn create_file(&self, path: &Path) -> StoreResult<std::fs::File> {
        let sharing = match self.location.file() {
            Some(db) => share::Sharing::of(&std::fs::metadata(db)?),
            None => share::Sharing::for_new_database(&share::directory_of(path), None),
        };
        sharing.create(path)
    }

    /// Caps this connection's page cache at `kib` KiB (SQLite's default is 2,000). The
    /// background reader scans more pages than any cache would hold, so a small one
    /// reads as fast and keeps the session's memory down. On PostgreSQL it does
    /// nothing: the server's shared buffers are its administrator's to size, and a
    /// connection keeps no page cache of its own.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn limit_page_cache(&self, kib: u32) -> StoreResult<()> {
        if let Some(conn) = self.conn.as_sqlite() {
            conn.pragma_update(None, "cache_size", -i64::from(kib))?;
        }
        Ok(())
    }

    /// The file this store is on (for a PostgreSQL database, its URL without a
    /// password, as a path).
    #[must_use]
    pub fn path(&self) -> &Path {
        match &self.location {
            Location::File(path) => path,
            Location::Postgres(shown) => Path::new(shown),
        }
    }

    /// Where this store's database is.
    #[must_use]
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// What opens this store's database again (a PostgreSQL URL with its password).
    #[must_use]
    pub fn target(&self) -> Target {
        self.target.clone()
    }

    /// The SQLite connection, for store code that still uses rusqlite directly (while
    /// the store moves onto [`sql`]); on PostgreSQL, [`StoreError::NotOnPostgres`].
    fn sqlite(&self) -> StoreResult<&rusqlite::Connection> {
        sqlite_of(&self.conn)
    }

    /// Whether writes are possible in this session.
    #[must_use]
    pub fn access(&self) -> Access {
        self.access
    }

    /// How long this store's writes wait for another writer before giving up.
    #[must_use]
    pub fn lock_wait(&self) -> Duration {
        self.lock.wait
    }

    /// Sets how long this store's writes wait for another writer (the TUI tries in
    /// short slices so that its keys never freeze, and retries on its tick).
    pub fn set_lock_wait(&mut self, wait: Duration) {
        self.lock.wait = wait;
    }

    /// Runs `change` in one `BEGIN IMMEDIATE` transaction: all of it is committed, or
    /// (on any error) none of it. The closure writes its own audit rows through
    /// `Tx::audit`, so they commit or roll back with the change. Private to the store:
    /// everyone else writes through a typed method that says how it is audited.
    ///
    /// While another connection writes, this waits for it (up to [`Store::lock_wait`],
    /// telling the [`LockPolicy`]'s report how it goes); once it holds the lock it
    /// announces itself to anyone waiting in turn.
    ///
    /// # Errors
    /// [`StoreError::ReadOnlySession`] in a read-only session, [`StoreError::Busy`]
    /// if the lock stayed taken for the whole wait, or whatever `change` or SQLite
    /// returns.
    fn write<T>(
        &mut self,
        actor: &Actor,
        change: impl FnOnce(&Tx<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        if self.access == Access::ReadOnly {
            return Err(StoreError::ReadOnlySession);
        }
        lock::write(
            &self.conn,
            (self.location.file(), &self.target),
            &self.lock,
            (&actor.login, actor.now),
            |tx| Ok((change(&Tx { tx, actor })?, true)),
        )
    }

    /// Runs SQLite's `integrity_check` and `foreign_key_check` (on PostgreSQL, the
    /// checks [`Store::check_covers`] names); an empty list means the database is sound.
    ///
    /// # Errors
    /// The engine's error if the checks themselves cannot run.
    pub fn check(&self) -> StoreResult<Vec<String>> {
        let mut problems = Vec::new();
        let Some(conn) = self.conn.as_sqlite() else {
            return postgres::check(&self.conn);
        };
        let mut integrity = conn.prepare("PRAGMA integrity_check")?;
        for line in integrity.query_map([], |r| r.get::<_, String>(0))? {
            let line = line?;
            if line != "ok" {
                problems.push(format!("integrity: {line}"));
            }
        }
        let mut foreign = conn.prepare("PRAGMA foreign_key_check")?;
        for row in foreign.query_map([], |r| {
            Ok(format!(
                "foreign key: {} row {} refers to a missing {}",
                r.get::<_, String>("table")?,
                r.get::<_, Option<i64>>("rowid")?.unwrap_or_default(),
                r.get::<_, String>("parent")?
            ))
        })? {
            problems.push(row?);
        }
        Ok(problems)
    }

    /// What [`Store::check`] checks on this store's engine, in words.
    #[must_use]
    pub fn check_covers(&self) -> &'static str {
        match self.location {
            Location::File(_) => "integrity and foreign keys checked",
            Location::Postgres(_) => {
                "PostgreSQL: schema version, constraints validated, indexes valid, \
                 row-level security on, foreign keys re-checked row by row; pg_amcheck \
                 checks the server's pages"
            }
        }
    }

    /// A handle that stops this connection's statement in flight from another thread
    /// (SQLite's interrupt, PostgreSQL's cancel request): the statement fails with an
    /// error for which [`StoreError::interrupted`] is true.
    ///
    /// # Errors
    /// The SQL layer's error (see [`sql::Connection::interrupt_handle`]).
    pub fn interrupt_handle(&self) -> StoreResult<sql::Interrupt> {
        Ok(self.conn.interrupt_handle()?)
    }

    /// Changes when another connection commits, not for this store's own commits, so a
    /// session can notice colleagues' writes cheaply: SQLite's `data_version`, or on
    /// PostgreSQL the commits heard by `LISTEN`, counted without a query
    /// ([`sql::Connection::data_version`]).
    ///
    /// # Errors
    /// The engine's error (on PostgreSQL, a closed connection).
    pub fn data_version(&self) -> StoreResult<i64> {
        Ok(self.conn.data_version()?)
    }
}

/// `path` as the path of an SQLite `file:` URI: every byte but letters, digits,
/// `/ - . _ ~` percent-encoded.
fn uri_path(path: &Path) -> String {
    use std::fmt::Write as _;
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Sets SQLite's persistent-WAL file control on `conn`'s main database.
fn set_persistent_wal(conn: &rusqlite::Connection, on: bool) -> StoreResult<()> {
    let mut flag = std::ffi::c_int::from(on);
    // SAFETY: the handle is valid while `conn` lives; the file control reads and writes
    // one int, which `flag` is, for the duration of the call.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            rusqlite::ffi::SQLITE_FCNTL_PERSIST_WAL,
            (&raw mut flag).cast(),
        )
    };
    if rc == rusqlite::ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rc),
            None,
        )))
    }
}

/// Moves the finished file `from` to `to`, refusing to replace anything there (a hard
/// link, then removing the old name).
fn publish(from: &Path, to: &Path) -> StoreResult<()> {
    std::fs::hard_link(from, to).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => StoreError::AlreadyExists(to.to_path_buf()),
        _ => StoreError::Io(e),
    })?;
    std::fs::remove_file(from)?;
    Ok(())
}
