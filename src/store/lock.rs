//! Waiting for another writer. SQLite lets one connection write at a time; a write
//! here waits for the lock for as long as the process allows ([`LockPolicy`]) instead
//! of failing with SQLite's "database is locked", and says who it is waiting for.
//!
//! Who holds the lock: every writer, once it has the lock, announces itself in a small
//! side file next to the database (`<db>-writer`: login, what, since, process id),
//! and removes it when its transaction ends. Only the lock holder writes the file, so
//! it never races; a file left by a crashed writer names a process that no longer
//! exists and is ignored.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::error::{StoreError, StoreResult};
use super::share::{self, Sharing};
use super::sql::{self, Connection, Transaction};
use super::{BUSY_TIMEOUT, Target, format_timestamp};

/// How long writes wait by default before giving up.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(120);

/// How often a waiting write tells its [`LockPolicy::report`] how long it has waited.
pub const REPORT_EVERY: Duration = Duration::from_secs(1);

/// Who holds the write lock, as the holder announced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// OS login of the writer.
    pub login: String,
    /// What it is doing, e.g. "an import".
    pub what: String,
    /// When its transaction began (`YYYY-MM-DD HH:MM`).
    pub since: String,
    /// Its process id, to tell a live writer from a crashed one.
    pub pid: u32,
}

impl Holder {
    /// "an import by jsmith (since 09:41)".
    #[must_use]
    pub fn describe(&self) -> String {
        let time = self.since.get(11..16).unwrap_or(&self.since);
        format!("{} by {} (since {time})", self.what, self.login)
    }
}

/// Describes the holder, or says it is unknown: "an import by jsmith (since 09:41)" or
/// "another user's change".
#[must_use]
pub fn describe(holder: Option<&Holder>) -> String {
    holder.map_or_else(|| "another user's change".to_owned(), Holder::describe)
}

/// A write waiting for the lock, as handed to [`LockPolicy::report`].
#[derive(Debug, Clone)]
pub struct Waiting {
    /// Who holds the lock, if they announced themselves.
    pub holder: Option<Holder>,
    /// How long this write has waited so far.
    pub waited: Duration,
    /// How long it will wait in all.
    pub limit: Duration,
    /// True on the last call: the wait is over (the write got the lock or gave up).
    pub over: bool,
}

/// How a process's writes wait for the lock.
#[derive(Debug, Clone, Copy)]
pub struct LockPolicy {
    /// How long a write waits for another writer before it gives up.
    pub wait: Duration,
    /// Told about a wait about once a second and when it ends (e.g. to show it on a
    /// terminal); `None` to wait silently.
    pub report: Option<fn(&Waiting)>,
    /// What this process's writes are announced as, e.g. "an import".
    pub activity: &'static str,
}

impl Default for LockPolicy {
    fn default() -> Self {
        Self {
            wait: DEFAULT_WAIT,
            report: None,
            activity: "a change",
        }
    }
}

static PROCESS_POLICY: Mutex<Option<LockPolicy>> = Mutex::new(None);

/// Sets how the stores this process opens from now on wait for the lock (the command
/// line does this once, from `--wait` and the command).
pub fn set_process_policy(policy: LockPolicy) {
    if let Ok(mut current) = PROCESS_POLICY.lock() {
        *current = Some(policy);
    }
}

/// The policy a newly opened store starts with.
pub(super) fn process_policy() -> LockPolicy {
    PROCESS_POLICY
        .lock()
        .ok()
        .and_then(|p| *p)
        .unwrap_or_default()
}

/// The longest single try for the write lock: between tries a waiting write reads who
/// holds it and reports how long it has waited.
const LOCK_SLICE: Duration = Duration::from_millis(250);

/// Runs `change` in one write transaction ([`Connection::transaction`]: `BEGIN
/// IMMEDIATE` on SQLite) on `conn`: all of it is committed if `change` says to keep it,
/// or else (or on any error) none of it. Every write goes through here, the schema
/// upgrade at first open included.
///
/// On the SQLite file `db`, while another connection writes, this waits for it (up to
/// `policy.wait`, telling `policy.report` how it goes about once a second); once it
/// holds the lock it announces itself as `login` doing `policy.activity` since `now` to
/// anyone waiting in turn, until its transaction ends. On PostgreSQL (`db` is `None`)
/// writers do not exclude each other: each locks the rows it compares versions of,
/// waiting for another writer's lock as [`write_postgres`] says.
///
/// # Errors
/// [`StoreError::Busy`] if the lock stayed taken for the whole wait, or whatever
/// `change` or the engine returns.
pub(super) fn write<T>(
    conn: &Connection,
    (db, target): (Option<&Path>, &Target),
    policy: &LockPolicy,
    (login, now): (&str, NaiveDateTime),
    change: impl FnOnce(&Transaction<'_>) -> StoreResult<(T, bool)>,
) -> StoreResult<T> {
    let (Some(db), Some(sqlite)) = (db, conn.as_sqlite()) else {
        return write_postgres(conn, target, policy, (login, now), change);
    };
    let started = Instant::now();
    let mut reported: Option<Instant> = None;
    loop {
        let remaining = policy.wait.saturating_sub(started.elapsed());
        sqlite.busy_timeout(remaining.min(LOCK_SLICE))?;
        match conn.transaction() {
            Ok(tx) => {
                sqlite.busy_timeout(BUSY_TIMEOUT)?;
                if reported.is_some() {
                    report(policy, None, started, true);
                }
                let announcement = Announcement::new(db, login, policy.activity, now);
                let (value, keep) = change(&tx)?;
                // Withdrawn before the lock is let go, so that it can never remove the
                // next holder's announcement.
                drop(announcement);
                if keep {
                    tx.commit()?;
                } else {
                    tx.rollback()?;
                }
                return Ok(value);
            }
            Err(sql::Error::Sqlite(error)) if is_busy(&error) => {}
            Err(error) => {
                sqlite.busy_timeout(BUSY_TIMEOUT)?;
                return Err(error.into());
            }
        }
        let holder = holder(db);
        let waited = started.elapsed();
        if waited >= policy.wait {
            sqlite.busy_timeout(BUSY_TIMEOUT)?;
            if reported.is_some() {
                report(policy, holder.clone(), started, true);
            }
            return Err(StoreError::Busy { holder, waited });
        }
        if reported.is_none_or(|at| at.elapsed() >= REPORT_EVERY) {
            report(policy, holder, started, false);
            reported = Some(Instant::now());
        }
    }
}

/// What a PostgreSQL write transaction is announced as in `application_name`, which
/// [`postgres_holder`] reads back: the prefix, then the holder's since, login and what,
/// separated by `|` (what last: the server cuts the name at 63 bytes).
const PG_ANNOUNCED: &str = "caseload|";

/// [`write`] on PostgreSQL. Each statement waits at most `policy.wait` for a lock another
/// transaction holds (`lock_timeout`, set for this transaction only); one that waits
/// longer ends the write with [`StoreError::Busy`], naming the writer it waited for if
/// that was a caseload (each announces itself in its transaction's `application_name`).
/// While a statement waits, [`LockWatch`] tells `policy.report` about it as SQLite's
/// wait does.
fn write_postgres<T>(
    conn: &Connection,
    target: &Target,
    policy: &LockPolicy,
    (login, now): (&str, NaiveDateTime),
    change: impl FnOnce(&Transaction<'_>) -> StoreResult<(T, bool)>,
) -> StoreResult<T> {
    let tx = conn.transaction()?;
    let announced = format!(
        "{PG_ANNOUNCED}{}|{login}|{}",
        format_timestamp(now),
        policy.activity
    );
    // Zero would mean no limit at all.
    let limit = format!("{}ms", policy.wait.as_millis().max(1));
    let backend: i64 = tx
        .query_row(
            "SELECT set_config('lock_timeout', ?1, true) AS waits,
                    set_config('application_name', ?2, true) AS announced,
                    pg_backend_pid() AS backend",
            &[limit.into(), announced.into()],
        )?
        .get("backend")?;
    let started = Instant::now();
    let watch = LockWatch::start(target, backend, policy, started);
    let outcome = change(&tx);
    if let Some(watch) = watch {
        watch.stop();
    }
    let (value, keep) = match outcome {
        Ok(done) => done,
        // PostgreSQL's lock_timeout (a deadlock or a serialization failure is also
        // Busy, but comes sooner than the whole wait).
        Err(StoreError::Busy { .. }) if started.elapsed() >= policy.wait => {
            drop(tx);
            let holder = postgres_holder(conn);
            let waited = started.elapsed();
            return Err(StoreError::Busy { holder, waited });
        }
        Err(other) => return Err(other),
    };
    if keep {
        tx.commit()?;
    } else {
        tx.rollback()?;
    }
    Ok(value)
}

/// Watches a PostgreSQL write from a thread of its own while its connection is busy
/// with it: whenever the write's backend waits for another's lock, tells the policy's
/// report (about once a second) which caseload write it waits for, as SQLite's wait
/// does, and once the write ends (saved or given up) that the wait is over. It
/// connects only once the write has lasted a [`LOCK_SLICE`], so a write not kept
/// waiting costs a thread and no connection.
struct LockWatch {
    /// Dropped to end the watch.
    done: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl LockWatch {
    /// Starts watching backend `backend` of `target`, if the policy shows waits.
    fn start(target: &Target, backend: i64, policy: &LockPolicy, started: Instant) -> Option<Self> {
        policy.report?;
        let url = super::postgres::postgres_url(&target.0)?.to_owned();
        let policy = *policy;
        let (done, ended) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let mut watcher: Option<Connection> = None;
            let mut reported = false;
            let mut pause = LOCK_SLICE;
            while ended.recv_timeout(pause) == Err(mpsc::RecvTimeoutError::Timeout) {
                pause = REPORT_EVERY;
                if watcher.is_none() {
                    watcher = Connection::postgres(&url).ok();
                }
                if let Some(Backend::Waiting(holder)) =
                    watcher.as_ref().map(|w| blocked_by(w, backend))
                {
                    report(&policy, holder, started, false);
                    reported = true;
                }
            }
            if reported {
                report(&policy, None, started, true);
            }
        });
        Some(Self { done, thread })
    }

    /// Ends the watch, once it has said that a wait it reported is over.
    fn stop(self) {
        drop(self.done);
        // A watch that panicked has nothing more to say.
        let _ = self.thread.join();
    }
}

/// What a watched PostgreSQL backend is doing.
enum Backend {
    /// Not waiting for a lock (or it could not be told).
    Going,
    /// Waiting for another's lock: the caseload write's, as it announced itself, or
    /// `None` if that is not a caseload write.
    Waiting(Option<Holder>),
}

/// Whether backend `backend` waits for another's lock, and for whose.
fn blocked_by(watcher: &Connection, backend: i64) -> Backend {
    let Ok(row) = watcher.query_row(
        "SELECT cardinality(pg_blocking_pids(?1)) AS blockers,
                    holder.application_name AS announced, holder.pid
               FROM (SELECT 1) AS one
               LEFT JOIN LATERAL (
                    SELECT application_name, pid FROM pg_stat_activity
                     WHERE pid = ANY(pg_blocking_pids(?1))
                       AND starts_with(application_name, ?2)
                     ORDER BY application_name LIMIT 1) AS holder ON true",
        &[backend.into(), PG_ANNOUNCED.into()],
    ) else {
        return Backend::Going;
    };
    if row.get::<i64>("blockers").unwrap_or(0) == 0 {
        return Backend::Going;
    }
    Backend::Waiting(announced_holder(
        row.get::<Option<String>>("announced").ok().flatten(),
        row.get::<Option<i64>>("pid").ok().flatten(),
    ))
}

/// The holder a caseload write announced in `application_name`, with its backend's pid.
pub(super) fn announced_holder(announced: Option<String>, pid: Option<i64>) -> Option<Holder> {
    let announced = announced?;
    let mut parts = announced.strip_prefix(PG_ANNOUNCED)?.splitn(3, '|');
    Some(Holder {
        since: parts.next()?.to_owned(),
        login: parts.next()?.to_owned(),
        what: parts.next()?.to_owned(),
        pid: u32::try_from(pid?).ok()?,
    })
}

/// The caseload write in progress on the same PostgreSQL database that began first,
/// as it announced itself; `None` if there is none (the wait was for something else,
/// or it has just ended).
fn postgres_holder(conn: &Connection) -> Option<Holder> {
    let row = conn
        .query_opt(
            "SELECT application_name AS announced, pid FROM pg_stat_activity
              WHERE pid <> pg_backend_pid() AND datname = current_database()
                AND starts_with(application_name, ?1)
              ORDER BY application_name LIMIT 1",
            &[PG_ANNOUNCED.into()],
        )
        .ok()??;
    announced_holder(row.get("announced").ok(), row.get("pid").ok())
}

/// Tells the policy's report (if any) how a wait for the lock is going.
fn report(policy: &LockPolicy, holder: Option<Holder>, started: Instant, over: bool) {
    if let Some(report) = policy.report {
        report(&Waiting {
            holder,
            waited: started.elapsed(),
            limit: policy.wait,
            over,
        });
    }
}

/// Whether an SQLite error means another connection holds a lock we need.
pub(super) fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// The side file where the lock holder announces itself.
fn side_file(db: &Path) -> PathBuf {
    share::with_suffix(db, "-writer")
}

/// Who announced holding the lock on `db`, if that process still exists.
#[must_use]
pub fn holder(db: &Path) -> Option<Holder> {
    let text = std::fs::read_to_string(side_file(db)).ok()?;
    let holder: Holder = serde_json::from_str(&text).ok()?;
    alive(holder.pid).then_some(holder)
}

/// Whether process `pid` exists (signal 0 checks without sending anything; another
/// user's process answers "not permitted", which also means it exists).
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 sends nothing; it only checks the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The lock holder's announcement, removed when dropped (at the end of its write).
struct Announcement {
    path: Option<PathBuf>,
}

impl Announcement {
    /// Announces that `login` holds the lock on `db` for `what` since `now`. Best
    /// effort: if the directory cannot be written, waiting colleagues are only told
    /// that someone else is writing.
    fn new(db: &Path, login: &str, what: &str, now: NaiveDateTime) -> Self {
        let holder = Holder {
            login: login.to_owned(),
            what: what.to_owned(),
            since: format_timestamp(now),
            pid: std::process::id(),
        };
        let path = side_file(db);
        let written = write_atomically(db, &path, &holder).is_ok();
        Self {
            path: written.then_some(path),
        }
    }
}

impl Drop for Announcement {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Writes the announcement beside `db`, shared as the database is (its group and
/// mode, whatever the umask), under a temporary name first so that a reader never sees
/// half of it.
fn write_atomically(db: &Path, path: &Path, holder: &Holder) -> StoreResult<()> {
    let sharing = Sharing::of(&std::fs::metadata(db)?);
    let temporary = share::partial_name(path);
    // One left by a crash of an earlier process with our pid would block the new one.
    let _ = std::fs::remove_file(&temporary);
    let result = sharing.create(&temporary).and_then(|mut file| {
        file.write_all(serde_json::to_string(holder).unwrap_or_default().as_bytes())?;
        Ok(std::fs::rename(&temporary, path)?)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
