//! One SQL layer over both engines, so that the store's SQL is written once: a
//! [`Connection`] over a `rusqlite::Connection` or a synchronous `postgres::Client`,
//! statements with SQLite's `?N` placeholders (translated for PostgreSQL by
//! [`Dialect`]), parameters and results as [`Value`]s, rows read by column name
//! ([`Row`]), and transactions that are safe for version-checked writes on both
//! ([`Connection::transaction`], [`Transaction::lock_version`]).
//!
//! Every method takes `&self`, as rusqlite's do, so a store function moves onto this
//! layer by changing its connection's type and its `params![...]` into
//! `&[Value]` slices; its SQL stays as it is unless `dialect.rs` names a difference.
//! See ARCHITECTURE.md, "One SQL for two engines".

mod dialect;
mod notify;
mod row;
mod tls;
mod value;

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use postgres::fallible_iterator::FallibleIterator;

pub use dialect::Dialect;
pub use row::Row;
pub use tls::{Connector, SslMode, TlsProblem};
pub use value::{FromValue, Value};

/// What went wrong in the SQL layer.
#[derive(Debug)]
pub enum Error {
    /// SQLite's error.
    Sqlite(rusqlite::Error),
    /// PostgreSQL's (or the connection's) error.
    Postgres(postgres::Error),
    /// A query that must return a row returned none.
    NoRow,
    /// A row was read by a column name the statement does not have.
    NoColumn(String),
    /// A column's value was not of the type it was read as.
    Conversion {
        /// The column.
        column: String,
        /// The Rust type asked for.
        wanted: &'static str,
        /// What the value was.
        found: String,
    },
    /// A column of a type caseload never stores (a blob, a `numeric` sum).
    UnsupportedType {
        /// The column.
        column: String,
        /// The engine's name for its type.
        type_name: String,
    },
    /// A statement was started on a PostgreSQL connection while it was still
    /// returning the rows of another (a query inside [`Connection::for_each`]'s
    /// callback on the same connection).
    Reentered,
    /// A connection's TLS could not be set up as its URL asks.
    Tls(TlsProblem),
}

/// This layer's result.
pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(e) => write!(f, "the SQLite database refused: {e}"),
            Self::Postgres(e) => match e.as_db_error() {
                Some(db) => match db.detail() {
                    Some(detail) => write!(f, "PostgreSQL refused: {} ({detail})", db.message()),
                    None => write!(f, "PostgreSQL refused: {}", db.message()),
                },
                None if e.is_closed() => write!(
                    f,
                    "the connection to PostgreSQL was closed: check that the server is running \
                     and try again"
                ),
                None => {
                    let cause = std::error::Error::source(e)
                        .map_or_else(|| e.to_string(), |cause| format!("{e}: {cause}"));
                    write!(
                        f,
                        "could not talk to PostgreSQL ({cause}): check the URL and that the \
                         server is running"
                    )
                }
            },
            Self::NoRow => write!(f, "a query that should find a row found none"),
            Self::NoColumn(c) => write!(f, "a query has no column {c}"),
            Self::Conversion {
                column,
                wanted,
                found,
            } => write!(f, "column {column} held {found}, not a {wanted}"),
            Self::UnsupportedType { column, type_name } => write!(
                f,
                "column {column} is of type {type_name}, which caseload does not store"
            ),
            Self::Reentered => write!(
                f,
                "a statement was started on a PostgreSQL connection still returning rows"
            ),
            Self::Tls(problem) => problem.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Sqlite(e) => Some(e),
            Self::Postgres(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Self::Postgres(e)
    }
}

/// An open connection to SQLite or PostgreSQL.
pub struct Connection {
    engine: Engine,
    /// What a PostgreSQL connection has heard of others' commits (`notify.rs`).
    heard: notify::Heard,
    /// How a PostgreSQL connection reached its server, for its cancel requests.
    tls: Connector,
}

enum Engine {
    Sqlite(rusqlite::Connection),
    // The client's methods take `&mut self`; behind a RefCell this layer's take `&self`
    // as rusqlite's do. A second statement while one is still returning rows is
    // refused ([`Error::Reentered`]), as PostgreSQL's protocol would.
    Postgres(RefCell<postgres::Client>),
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Connection({:?})", self.dialect())
    }
}

impl Connection {
    /// This layer over an open SQLite connection.
    #[must_use]
    pub fn sqlite(conn: rusqlite::Connection) -> Self {
        Self {
            engine: Engine::Sqlite(conn),
            heard: notify::Heard::default(),
            tls: Connector::default(),
        }
    }

    /// Connects to the PostgreSQL database `url` names (`postgres://user@host:port/db`),
    /// with the TLS its `sslmode`, `sslrootcert`, `sslcert` and `sslkey` ask for, as
    /// libpq means them (`tls.rs`).
    ///
    /// # Errors
    /// [`Error::Postgres`] if the URL is malformed or the server cannot be reached or
    /// refuses the login; [`Error::Tls`] if TLS cannot be set up as the URL asks.
    pub fn postgres(url: &str) -> Result<Self> {
        let (client, tls) = tls::connect(url)?;
        Ok(Self {
            engine: Engine::Postgres(RefCell::new(client)),
            heard: notify::Heard::default(),
            tls,
        })
    }

    /// The SQLite connection underneath, for what only SQLite has (its pragmas, the
    /// backup API, `VACUUM INTO`); `None` on PostgreSQL.
    #[must_use]
    pub fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.engine {
            Engine::Sqlite(conn) => Some(conn),
            Engine::Postgres(_) => None,
        }
    }

    /// The SQLite connection underneath, taken (to close it and see its error); on
    /// PostgreSQL `None`, the connection closed.
    #[must_use]
    pub fn into_sqlite(self) -> Option<rusqlite::Connection> {
        match self.engine {
            Engine::Sqlite(conn) => Some(conn),
            Engine::Postgres(_) => None,
        }
    }

    /// The engine this connection talks to.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        match self.engine {
            Engine::Sqlite(_) => Dialect::Sqlite,
            Engine::Postgres(_) => Dialect::Postgres,
        }
    }

    fn client(cell: &RefCell<postgres::Client>) -> Result<std::cell::RefMut<'_, postgres::Client>> {
        cell.try_borrow_mut().map_err(|_| Error::Reentered)
    }

    /// Runs one statement with `params` for its `?N` placeholders; the number of rows
    /// it changed.
    ///
    /// # Errors
    /// The engine's error.
    pub fn execute(&self, sql: &str, params: &[Value]) -> Result<u64> {
        match &self.engine {
            Engine::Sqlite(conn) => {
                // Cached, as the store's statements run again and again.
                let changed = conn
                    .prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(params))?;
                Ok(u64::try_from(changed).unwrap_or(u64::MAX))
            }
            Engine::Postgres(cell) => {
                let sql = Dialect::Postgres.translate(sql);
                Ok(Self::client(cell)?.execute(sql.as_ref(), &pg_params(params))?)
            }
        }
    }

    /// Runs statements separated by `;`, without parameters (schema files).
    ///
    /// # Errors
    /// The engine's error; statements before the failing one have run.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Engine::Postgres(cell) => Ok(Self::client(cell)?.batch_execute(sql)?),
        }
    }

    /// Runs a query and hands each row to `each` as it is read (a large read never
    /// holds all its rows); stops at the first error `each` returns.
    ///
    /// # Errors
    /// The engine's error, a value of a type caseload never stores, or `each`'s.
    pub fn for_each(
        &self,
        sql: &str,
        params: &[Value],
        each: impl FnMut(Row) -> Result<()>,
    ) -> Result<()> {
        self.try_for_each(sql, params, each)
    }

    /// [`Connection::for_each`] with `each`'s own error, returned as it is (an
    /// export's write error stays a write error).
    ///
    /// # Errors
    /// The engine's error, a value of a type caseload never stores, or `each`'s.
    pub fn try_for_each<E: From<Error>>(
        &self,
        sql: &str,
        params: &[Value],
        mut each: impl FnMut(Row) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut stopped = None;
        self.each_row(sql, params, |row| match each(row) {
            Ok(()) => true,
            Err(e) => {
                stopped = Some(e);
                false
            }
        })?;
        stopped.map_or(Ok(()), Err)
    }

    /// [`Connection::try_for_each`]'s reading: `each` says whether to go on.
    fn each_row(
        &self,
        sql: &str,
        params: &[Value],
        mut each: impl FnMut(Row) -> bool,
    ) -> Result<()> {
        match &self.engine {
            Engine::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                let names: Arc<[String]> = stmt.column_names().map(String::from).collect();
                let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
                while let Some(r) = rows.next()? {
                    let mut values = Vec::with_capacity(names.len());
                    for (index, name) in names.iter().enumerate() {
                        values.push(value::from_sqlite(r.get_ref(index)?).ok_or_else(|| {
                            Error::UnsupportedType {
                                column: name.clone(),
                                type_name: "blob".to_owned(),
                            }
                        })?);
                    }
                    if !each(Row::new(Arc::clone(&names), values)) {
                        break;
                    }
                }
                Ok(())
            }
            Engine::Postgres(cell) => {
                let mut client = Self::client(cell)?;
                let sql = Dialect::Postgres.translate(sql);
                let stmt = client.prepare(sql.as_ref())?;
                let names: Arc<[String]> =
                    stmt.columns().iter().map(|c| c.name().to_owned()).collect();
                let mut rows = client.query_raw(&stmt, pg_params(params))?;
                while let Some(r) = rows.next()? {
                    let mut values = Vec::with_capacity(names.len());
                    for (index, name) in names.iter().enumerate() {
                        values.push(value::from_postgres(&r, index).map_err(|e| match e {
                            value::PgRead::Driver(e) => Error::Postgres(e),
                            value::PgRead::Type(ty) => Error::UnsupportedType {
                                column: name.clone(),
                                type_name: ty.to_string(),
                            },
                        })?);
                    }
                    if !each(Row::new(Arc::clone(&names), values)) {
                        break;
                    }
                }
                Ok(())
            }
        }
    }

    /// Runs a query and hands each row to `each` by reference, as it is read, stopping
    /// at the first error `each` returns. On SQLite one row's buffers are reused for
    /// the next, so a read of 100,000 rows that maps each into its own type allocates
    /// nothing per row here (the caseload read).
    ///
    /// # Errors
    /// As [`Connection::for_each`].
    pub fn scan(
        &self,
        sql: &str,
        params: &[Value],
        mut each: impl FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        let Engine::Sqlite(conn) = &self.engine else {
            return self.for_each(sql, params, |row| each(&row));
        };
        let mut stmt = conn.prepare_cached(sql)?;
        let names: Arc<[String]> = stmt.column_names().map(String::from).collect();
        let mut row = Row::new(Arc::clone(&names), vec![Value::Null; names.len()]);
        let mut spare = Vec::new();
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        while let Some(r) = rows.next()? {
            for (index, value) in row.values_mut().iter_mut().enumerate() {
                if !value::refill_from_sqlite(value, r.get_ref(index)?, &mut spare) {
                    return Err(Error::UnsupportedType {
                        column: names[index].clone(),
                        type_name: "blob".to_owned(),
                    });
                }
            }
            each(&row)?;
        }
        Ok(())
    }

    /// All the rows of a query.
    ///
    /// # Errors
    /// As [`Connection::for_each`].
    pub fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        self.each_row(sql, params, |row| {
            rows.push(row);
            true
        })?;
        Ok(rows)
    }

    /// The first row of a query, if any.
    ///
    /// # Errors
    /// As [`Connection::for_each`].
    pub fn query_opt(&self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row of a query that must find one.
    ///
    /// # Errors
    /// [`Error::NoRow`] if it finds none, else as [`Connection::for_each`].
    pub fn query_row(&self, sql: &str, params: &[Value]) -> Result<Row> {
        self.query_opt(sql, params)?.ok_or(Error::NoRow)
    }

    /// Starts a write transaction ([`Dialect::begin`]): on SQLite it holds the only
    /// write lock; on PostgreSQL, rows whose version a write compares are locked first
    /// with [`Transaction::lock_version`]. Rolled back when dropped uncommitted.
    ///
    /// # Errors
    /// The engine's error (on SQLite, `SQLITE_BUSY` while another connection writes).
    pub fn transaction(&self) -> Result<Transaction<'_>> {
        self.execute_batch(self.dialect().begin())?;
        Ok(Transaction {
            conn: self,
            open: true,
        })
    }

    /// What stops this connection's statement in flight from another thread.
    ///
    /// # Errors
    /// [`Error::Reentered`] on PostgreSQL while the connection is returning rows.
    pub fn interrupt_handle(&self) -> Result<Interrupt> {
        match &self.engine {
            Engine::Sqlite(conn) => Ok(Interrupt::Sqlite(conn.get_interrupt_handle())),
            Engine::Postgres(cell) => Ok(Interrupt::Postgres(
                Self::client(cell)?.cancel_token(),
                self.tls.clone(),
            )),
        }
    }

    /// Starts a read-only snapshot ([`Dialect::begin_snapshot`]): every read in it
    /// sees the database as at its first read, whatever others commit meanwhile.
    ///
    /// # Errors
    /// The engine's error.
    pub fn snapshot(&self) -> Result<Transaction<'_>> {
        self.execute_batch(self.dialect().begin_snapshot())?;
        Ok(Transaction {
            conn: self,
            open: true,
        })
    }
}

/// What stops a connection's statement in flight from another thread: SQLite's
/// interrupt, or PostgreSQL's cancel request (sent on a connection of its own). The
/// statement fails ([`crate::store::StoreError::interrupted`] says so); one that has
/// already ended is not affected, though on PostgreSQL a cancel that arrives late may
/// stop the connection's next statement instead, so a reader that stops reads this way
/// reads again what was stopped for nothing.
pub enum Interrupt {
    /// SQLite's handle.
    Sqlite(rusqlite::InterruptHandle),
    /// PostgreSQL's token for the connection's backend, and the TLS that reaches it.
    Postgres(postgres::CancelToken, Connector),
}

impl Interrupt {
    /// Stops the statement in flight, if any. On PostgreSQL the request is sent from a
    /// thread of its own, so that a keystroke never waits for the server to answer.
    pub fn interrupt(&self) {
        match self {
            Self::Sqlite(handle) => handle.interrupt(),
            Self::Postgres(token, tls) => {
                let (token, tls) = (token.clone(), tls.clone());
                std::thread::spawn(move || tls.cancel(&token));
            }
        }
    }
}

/// `params` as the driver takes them.
fn pg_params(params: &[Value]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

/// A transaction in progress: the connection's methods run in it (through `Deref`);
/// [`Transaction::commit`] ends it, and dropping it uncommitted rolls it back.
#[derive(Debug)]
pub struct Transaction<'c> {
    conn: &'c Connection,
    open: bool,
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Transaction<'_> {
    /// Commits everything done in the transaction.
    ///
    /// # Errors
    /// The engine's error (nothing is committed then).
    pub fn commit(mut self) -> Result<()> {
        // Still open until it succeeds: a COMMIT SQLite refuses leaves the transaction
        // open, and dropping this then rolls it back (as rusqlite's does).
        self.conn.execute_batch("COMMIT")?;
        self.open = false;
        Ok(())
    }

    /// Undoes everything done in the transaction (as dropping it does, but saying
    /// whether the engine could).
    ///
    /// # Errors
    /// The engine's error.
    pub fn rollback(mut self) -> Result<()> {
        self.conn.execute_batch("ROLLBACK")?;
        self.open = false;
        Ok(())
    }

    /// The `version` of row `id` of `table` (`None` if there is no such row), locked
    /// until the transaction ends, so that the comparison a write makes with it stays
    /// true until it commits: on PostgreSQL a second writer of the row waits here for
    /// the first to finish and then reads the version it left.
    ///
    /// # Errors
    /// The engine's error.
    pub fn lock_version(&self, table: &'static str, id: i64) -> Result<Option<i64>> {
        let sql = format!(
            "SELECT version FROM {table} WHERE id = ?1{}",
            self.dialect().for_update()
        );
        self.query_opt(&sql, &[Value::Integer(id)])?
            .map(|row| row.get("version"))
            .transpose()
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if self.open {
            // Nothing more can be done about a failed rollback: the connection's end
            // (SQLite's, or the server's when the session closes) rolls it back.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
