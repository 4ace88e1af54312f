//! "Has anyone else committed since I last looked?", answered on both engines cheaply
//! enough (on PostgreSQL one empty statement) that a session can ask it every second:
//! [`Connection::data_version`].
//!
//! - SQLite: `PRAGMA data_version`, which moves when another connection to the file
//!   commits, never for this connection's own commits.
//! - PostgreSQL: every caseload table has a statement-level trigger that sends a
//!   notification on `caseload_changed` (`store/pg/notify.sql`). PostgreSQL delivers a
//!   transaction's notifications once, at commit (one per transaction, since they are
//!   all alike), and none for a transaction rolled back. On first use the connection
//!   `LISTEN`s; from then on the version is the number of notifications sent by other
//!   sessions. The server sends each to an idle listener at once, but the driver only
//!   reads them with the answer to a statement (its non-blocking poll does not read
//!   the socket by itself: a session that only asked would never hear a colleague), so
//!   each call sends one empty statement first, a round trip of a few bytes. A session's
//!   own commits are left out, as SQLite leaves them out: its own writes do not make
//!   it think a colleague changed something. One difference remains: a committed
//!   statement that changed no row is heard on PostgreSQL (its triggers fire once per
//!   statement, rows or none) and not on SQLite; a session then reads once more and
//!   finds nothing new, which costs a read and never hides a change.
//!
//! Notifications wait in the driver until the next call, a few dozen bytes each: a
//! connection that has started listening should be asked regularly (a session asks
//! every second).
//!
//! The version only says whether it changed: compare it with the one seen last; its
//! value means nothing across connections or engines.

use std::cell::Cell;

use postgres::fallible_iterator::FallibleIterator;

use super::{Connection, Engine, Result};

/// The channel PostgreSQL's triggers notify on a commit that changed caseload's data
/// (named again in `store/pg/notify.sql`).
const CHANNEL: &str = "caseload_changed";

/// What a PostgreSQL connection has heard on `CHANNEL`.
#[derive(Debug, Default)]
pub(super) struct Heard {
    /// This session's server process, once known: its own notifications are left out.
    own_process: Cell<Option<i32>>,
    /// Whether `LISTEN` has taken effect (it waits for the commit when sent inside a
    /// transaction, and a rollback undoes it).
    listening: Cell<bool>,
    /// Notifications from other sessions so far.
    others: Cell<i64>,
}

impl Connection {
    /// A number that changes when another connection commits a change to the database
    /// and stays the same otherwise (this connection's own commits included): see the
    /// module's documentation. The first call on PostgreSQL starts listening (two
    /// short statements); later calls read what has arrived with one empty statement.
    ///
    /// # Errors
    /// The engine's error, or, on PostgreSQL, a closed connection (else a session
    /// would not notice that it no longer hears its colleagues).
    pub fn data_version(&self) -> Result<i64> {
        match &self.engine {
            Engine::Sqlite(conn) => Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?),
            Engine::Postgres(cell) => {
                let mut client = Self::client(cell)?;
                let heard = &self.heard;
                let mut others = heard.others.get();
                if !heard.listening.get() {
                    // LISTEN again until it holds: sent inside a transaction, it waits
                    // for the commit, and a rollback undoes it.
                    client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
                    let row = client.query_one(
                        "SELECT pg_backend_pid() AS pid,
                                $1::text IN (SELECT pg_listening_channels()) AS listening",
                        &[&CHANNEL],
                    )?;
                    let asked_before = heard.own_process.replace(Some(row.try_get("pid")?));
                    heard.listening.set(row.try_get("listening")?);
                    if asked_before.is_some() && heard.listening.get() {
                        // Commits made since the first call, before LISTEN held, went
                        // unheard: say that something may have changed.
                        others += 1;
                    }
                }
                // The round trip that brings in what the server has sent since; on a
                // closed connection it fails, saying so, as any statement would (else
                // a session would not notice that it no longer hears its colleagues).
                client.batch_execute("")?;
                {
                    let mut notifications = client.notifications();
                    let mut arrived = notifications.iter();
                    while let Some(notification) = arrived.next()? {
                        if notification.channel() == CHANNEL
                            && Some(notification.process_id()) != heard.own_process.get()
                        {
                            others += 1;
                        }
                    }
                }
                heard.others.set(others);
                Ok(others)
            }
        }
    }
}
