//! SQL for imports: the keys an import is checked against, its write (kept or rolled
//! back, each row on its own), and the inserts it makes, each audited as `import`
//! (clients are in `import_clients`, the daily duties' records in `import_duties`).
//! Written once for SQLite and PostgreSQL on the SQL layer; new rows' ids come back with
//! `INSERT ... RETURNING id`, which returns nothing where `ON CONFLICT DO NOTHING` kept
//! a stored row.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::import_clients::{CLIENT_SELECT, ClientAt, client_row};
use super::sql::{self, Value};
use super::{Audited, NewBreach, NewClient, Store, StoreError, StoreResult, Tx};
use crate::domain::dates::uk;
use crate::domain::model::{ExitReason, ReferralSource};
use crate::domain::roles::ClientScope;

/// An episode to import, as a file states it: an optional value is `None` where the
/// cell was blank, which says nothing of a stored episode (a new one takes the
/// default: assessed need yes, not engaged, not prescribed, tier 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedEpisode {
    /// Row id of the client.
    pub client_id: i64,
    /// The day it starts; with the client, its natural key.
    pub referral_date: NaiveDate,
    /// Who referred.
    pub referral_source: ReferralSource,
    /// Day of the assessment (DIR), if done.
    pub assessment_date: Option<NaiveDate>,
    /// Whether the assessment found a need for the caseload.
    pub assessed_need: Option<bool>,
    /// The DAN 24/7 number given at assessment.
    pub dan_advised: Option<bool>,
    /// Day the care plan started.
    pub care_plan_date: Option<NaiveDate>,
    /// Engaged in treatment.
    pub engaged: Option<bool>,
    /// The day engagement was evidenced; an engaged episode without one is dated at its
    /// care plan, else assessment, else referral (schema step 5's rule).
    pub engaged_on: Option<NaiveDate>,
    /// Prescribed.
    pub prescribed: Option<bool>,
    /// Tier 1-4.
    pub tier: Option<u8>,
    /// Closure date and exit reason.
    pub closure: Option<(NaiveDate, ExitReason)>,
}

/// A value a file states that a stored record contradicts: the column, the stored
/// value and the file's, as a person reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Differs {
    /// The file's column.
    pub column: &'static str,
    /// The stored value (`blank` if none).
    pub stored: String,
    /// The file's value.
    pub file: String,
}

/// What importing an episode did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EpisodeImported {
    /// A new episode, with its row id.
    Created(i64),
    /// The stored episode agrees with every value the row states.
    Unchanged,
    /// The stored episode took the row's assessment, as the assessment form records
    /// it: these columns changed (`assessed_need`, and `assessment_date` where none
    /// was stored).
    Assessed(Vec<&'static str>),
    /// The stored episode contradicts these values, which an import never changes.
    Differs(Vec<Differs>),
}

/// The page cache of an import's write on SQLite, in KiB as `PRAGMA cache_size` takes
/// it (negative).
pub(super) const IMPORT_CACHE_KIB: i64 = -256 * 1024;

/// What an import's rows are checked against before its write: the clients, read
/// outside the write transaction (which checks again).
#[derive(Debug, Clone, Default)]
pub struct ImportKeys {
    /// Client reference -> (id, stored values).
    pub clients: HashMap<String, (i64, NewClient)>,
    /// Twin key (`domain::twin::key`) -> client reference.
    pub people: HashMap<String, String>,
}

impl Store {
    /// The clients and twin keys an import is checked against.
    ///
    /// # Errors
    /// The engine's error.
    pub fn import_keys(&self) -> StoreResult<ImportKeys> {
        // One read snapshot, so both lists come from one moment: a colleague's import
        // committed between two separate reads would show its clients' twin keys
        // without the clients, and every row would look like a twin.
        let snapshot = self.conn.snapshot()?;
        let mut keys = ImportKeys::default();
        let mut at = None;
        snapshot.scan(CLIENT_SELECT, &[], |row| {
            let at = match &mut at {
                Some(at) => at,
                None => at.insert(ClientAt::of(row)?),
            };
            let (id, client) = client_row(row, at)?;
            keys.clients.insert(client.reference.clone(), (id, client));
            Ok(())
        })?;
        snapshot.scan(
            "SELECT t.key, c.reference FROM client_twin t JOIN client c ON c.id = t.client_id",
            &[],
            |row| {
                keys.people.insert(row.get("key")?, row.get("reference")?);
                Ok(())
            },
        )?;
        snapshot.commit()?;
        Ok(keys)
    }

    /// Runs `change` in one write transaction, waiting for other writers as every
    /// write does, and keeps its changes only if `change` says so; otherwise the
    /// transaction is rolled back (an import with a problem writes nothing).
    ///
    /// # Errors
    /// [`StoreError::ReadOnlySession`] in a read-only session, or whatever `change`
    /// or the engine returns.
    pub fn write_or_roll_back<T>(
        &mut self,
        actor: &super::Actor,
        change: impl FnOnce(&Tx<'_>) -> StoreResult<(T, bool)>,
    ) -> StoreResult<T> {
        if self.access == super::Access::ReadOnly {
            return Err(StoreError::ReadOnlySession);
        }
        // SQLite only: PostgreSQL's server keeps its own cache, and has no statement
        // journals.
        let cache = match self.conn.as_sqlite() {
            Some(sqlite) => {
                // A large import touches many index pages: a bigger page cache
                // (allocated only as used) keeps them in memory rather than spilling to
                // the WAL mid-transaction.
                let cache: i64 = sqlite.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
                sqlite.pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
                // Each insert that fires a trigger (a contact's last-contact trigger)
                // keeps a statement journal of the pages it changes; in memory, not in a
                // temporary file.
                sqlite.pragma_update(None, "temp_store", "MEMORY")?;
                Some(cache)
            }
            None => None,
        };
        // No savepoint on SQLite: one would copy every page the import changes to a
        // statement journal, inside the lock, only to be thrown away.
        let result = super::lock::write(
            &self.conn,
            (self.location.file(), &self.target),
            &self.lock,
            (&actor.login, actor.now),
            |tx| change(&Tx { tx, actor }),
        );
        if let (Some(sqlite), Some(cache)) = (self.conn.as_sqlite(), cache) {
            sqlite.pragma_update(None, "cache_size", cache)?;
            sqlite.pragma_update(None, "temp_store", "DEFAULT")?;
        }
        result
    }

    /// Runs `change` as an import's write that is never kept (a dry run), as `actor`:
    /// on SQLite in a [`Store::private_copy`], so that it takes no write lock and nobody
    /// waits for it; on PostgreSQL, where writers do not exclude each other, in a write
    /// transaction of the database itself, rolled back.
    ///
    /// # Errors
    /// Whatever `change` or the engine returns ([`StoreError::ReadOnlySession`] on
    /// PostgreSQL in a read-only session).
    pub fn dry_run<T>(
        &mut self,
        actor: &super::Actor,
        change: impl FnOnce(&Tx<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        if self.conn.as_sqlite().is_some() {
            return self.private_copy()?.roll_back(actor, change);
        }
        self.write_or_roll_back(actor, |tx| Ok((change(tx)?, false)))
    }
}

impl Tx<'_> {
    /// The importing worker as the database has them now (active, with their role).
    ///
    /// # Errors
    /// [`StoreError::NotAllowed`] for a login with no active worker record, or the
    /// engine's error.
    pub fn importer(&self) -> StoreResult<crate::domain::model::Worker> {
        self.signed_in()
    }

    /// Runs `row`, one row's writes, so that a row the database refuses leaves the
    /// import able to go on and report every other row: on PostgreSQL, where a refused
    /// statement ends the transaction's use, inside a savepoint rolled back on an
    /// error; on SQLite as it is (a refused statement undoes itself alone, and an
    /// import with a problem is rolled back whole).
    ///
    /// # Errors
    /// Whatever `row` returns, or the engine's error.
    pub fn import_row<T>(&self, row: impl FnOnce() -> StoreResult<T>) -> StoreResult<T> {
        if self.tx.dialect() == sql::Dialect::Sqlite {
            return row();
        }
        self.tx.execute_batch("SAVEPOINT import_row")?;
        let result = row();
        if result.is_err() {
            self.tx.execute_batch("ROLLBACK TO SAVEPOINT import_row")?;
        }
        self.tx.execute_batch("RELEASE SAVEPOINT import_row")?;
        result
    }

    /// Client `id`'s area and care co-ordinator now, for the role rules.
    ///
    /// # Errors
    /// The engine's error.
    pub fn client_scope(&self, id: i64) -> StoreResult<Option<ClientScope>> {
        self.tx
            .query_opt(
                "SELECT area_id, care_coordinator_id FROM client WHERE id = ?1",
                &[id.into()],
            )?
            .map(|r| {
                Ok(ClientScope {
                    area_id: r.get("area_id")?,
                    care_coordinator_id: r.get("care_coordinator_id")?,
                })
            })
            .transpose()
    }

    /// The reference of the client with row id `id`, for an import's report.
    ///
    /// # Errors
    /// The engine's error, or no such client.
    pub fn client_reference(&self, id: i64) -> StoreResult<String> {
        Ok(self
            .tx
            .query_row("SELECT reference FROM client WHERE id = ?1", &[id.into()])?
            .get("reference")?)
    }

    /// Imports an episode unless the client has one with that referral date, audited
    /// with `audit` (the row as JSON text). A stored one takes the row's assessment as
    /// the assessment form records it (`assessed_need`, and the date where none is
    /// stored), with its version raised and an audit row of the values before; any
    /// other value it contradicts is reported, never changed.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] with [`OPEN_EPISODE`] if the client has another open
    /// episode, or the engine's error.
    pub fn import_episode(&self, e: &ImportedEpisode, audit: &str) -> StoreResult<EpisodeImported> {
        let engaged = e.engaged.unwrap_or(false);
        // Engaged with no day given: dated as step 5 dated older engaged episodes.
        let engaged_on = e.engaged_on.or_else(|| {
            engaged.then(|| {
                e.care_plan_date
                    .or(e.assessment_date)
                    .unwrap_or(e.referral_date)
            })
        });
        let inserted = self
            .insert_new(
                "INSERT INTO episode (client_id, referral_date, referral_source, assessment_date,
                    assessed_need, care_plan_date, engaged, engaged_on, prescribed, tier,
                    closure_date, exit_reason, dan_advised)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (client_id, referral_date) DO NOTHING RETURNING id",
                &[
                    e.client_id.into(),
                    e.referral_date.into(),
                    e.referral_source.code().into(),
                    e.assessment_date.into(),
                    e.assessed_need.unwrap_or(true).into(),
                    e.care_plan_date.into(),
                    engaged.into(),
                    engaged_on.into(),
                    e.prescribed.unwrap_or(false).into(),
                    i64::from(e.tier.unwrap_or(2)).into(),
                    e.closure.map(|(date, _)| date).into(),
                    e.closure.map(|(_, reason)| reason.code()).into(),
                    e.dan_advised.unwrap_or(false).into(),
                ],
            )
            .map_err(|e| one_open(e, "episode", OPEN_EPISODE))?;
        if let Some(id) = self.imported("episode", inserted, audit)? {
            return Ok(EpisodeImported::Created(id));
        }
        let stored_row = self.tx.query_row(
            &format!(
                "SELECT id, version, referral_source, assessment_date, assessed_need,
                        care_plan_date, engaged, engaged_on, prescribed, tier, closure_date,
                        exit_reason, dan_advised
                   FROM episode WHERE client_id = ?1 AND referral_date = ?2{}",
                self.tx.dialect().for_update()
            ),
            &[e.client_id.into(), e.referral_date.into()],
        )?;
        let (id, version): (i64, i64) = (stored_row.get("id")?, stored_row.get("version")?);
        let stored: (Option<NaiveDate>, bool) = (
            stored_row.get("assessment_date")?,
            stored_row.get("assessed_need")?,
        );
        let differs = differs(&stored_row, e)?;
        // The assessment form's values: the need always, the date only where none is
        // stored (a recorded DIR date is never moved by a file).
        let (assessed, other): (Vec<Differs>, Vec<Differs>) = differs.into_iter().partition(|d| {
            d.column == "assessed_need" || (d.column == "assessment_date" && stored.0.is_none())
        });
        if !other.is_empty() {
            let mut all = other;
            all.extend(assessed);
            return Ok(EpisodeImported::Differs(all));
        }
        if assessed.is_empty() {
            return Ok(EpisodeImported::Unchanged);
        }
        let updated = self.tx.execute(
            "UPDATE episode
                SET assessment_date = coalesce(assessment_date, ?1),
                    assessed_need = coalesce(?2, assessed_need), version = version + 1
              WHERE id = ?3 AND version = ?4",
            &[
                e.assessment_date.into(),
                e.assessed_need.into(),
                id.into(),
                version.into(),
            ],
        )?;
        if updated != 1 {
            return Err(StoreError::Invalid(
                "the episode changed while it was imported: import again".to_owned(),
            ));
        }
        let before = serde_json::json!({
            "assessment_date": stored.0.map(|d| d.to_string()),
            "assessed_need": stored.1,
        });
        self.audit_import("episode", id, Some(&before.to_string()), audit)?;
        Ok(EpisodeImported::Assessed(
            assessed.iter().map(|d| d.column).collect(),
        ))
    }

    /// Imports a breach (deadline from the RAG rule) unless the client has one raised
    /// at that time, audited with `audit`; its id if inserted.
    ///
    /// # Errors
    /// The engine's error.
    pub fn import_breach(&self, b: &NewBreach, audit: &str) -> StoreResult<Option<i64>> {
        let deadline = crate::domain::breach::deadline(b.raised_at, b.rag);
        let inserted = self.insert_new(
            "INSERT INTO breach (client_id, raised_at, rag, deadline, status, resolution_date)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (client_id, raised_at) DO NOTHING RETURNING id",
            &[
                b.client_id.into(),
                super::format_timestamp(b.raised_at).into(),
                b.rag.code().into(),
                super::format_timestamp(deadline).into(),
                b.status.code().into(),
                b.resolution_date.into(),
            ],
        )?;
        self.imported("breach", inserted, audit)
    }

    /// Runs `sql`, an `INSERT ... ON CONFLICT ... DO NOTHING RETURNING id`: the new
    /// row's id, or `None` if a stored row kept its place.
    pub(super) fn insert_new(&self, sql: &str, params: &[Value]) -> sql::Result<Option<i64>> {
        self.tx
            .query_opt(sql, params)?
            .map(|row| row.get("id"))
            .transpose()
    }

    /// `inserted` (the id of a row just inserted into `entity`, `None` if it was there
    /// already), audited with `after`.
    pub(super) fn imported(
        &self,
        entity: &'static str,
        inserted: Option<i64>,
        after: &str,
    ) -> StoreResult<Option<i64>> {
        if let Some(id) = inserted {
            self.audit_import(entity, id, None, after)?;
        }
        Ok(inserted)
    }

    /// An import's audit row, with `before`/`after` already as JSON text (prepared
    /// before the transaction, so the write lock is held briefly).
    pub(super) fn audit_import(
        &self,
        entity: &'static str,
        row_id: i64,
        before: Option<&str>,
        after: &str,
    ) -> StoreResult<()> {
        self.audit_text(entity, Some(row_id), Audited::Import, before, Some(after))
    }
}

/// What an import says of a row whose client has another open episode.
pub const OPEN_EPISODE: &str = "the client already has an open episode: give this row a \
     closure_date, or close the open one first";

/// What an import says of a custody row whose client is already in custody.
pub const OPEN_CUSTODY: &str = "the client is already in custody: give this row an \
     actual_release_date, or record the release first";

/// `e`, or [`StoreError::Invalid`] with `sentence` if it is the refusal of `table`'s
/// partial unique index that allows one open record per client (SQLite names its column,
/// `table.client_id`; PostgreSQL the index, `table_one_open_per_client`).
pub(super) fn one_open(e: sql::Error, table: &str, sentence: &str) -> StoreError {
    let is_it = match &e {
        sql::Error::Sqlite(rusqlite::Error::SqliteFailure(_, Some(message))) => {
            message.strip_prefix("UNIQUE constraint failed: ")
                == Some(format!("{table}.client_id").as_str())
        }
        sql::Error::Postgres(e) => {
            e.as_db_error()
                .and_then(postgres::error::DbError::constraint)
                == Some(format!("{table}_one_open_per_client").as_str())
        }
        _ => false,
    };
    if is_it {
        StoreError::Invalid(sentence.to_owned())
    } else {
        e.into()
    }
}

/// Each value of `e` (a cell the file filled) that the stored episode `r` differs in.
fn differs(r: &sql::Row, e: &ImportedEpisode) -> sql::Result<Vec<Differs>> {
    let day = |d: Option<NaiveDate>| d.map_or_else(|| "blank".to_owned(), uk);
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let mut differs = Vec::new();
    let mut compare = |column: &'static str, stored: String, file: Option<String>| {
        if let Some(file) = file.filter(|file| *file != stored) {
            differs.push(Differs {
                column,
                stored,
                file,
            });
        }
    };
    compare(
        "referral_source",
        r.get("referral_source")?,
        Some(e.referral_source.code().to_owned()),
    );
    compare(
        "assessment_date",
        day(r.get("assessment_date")?),
        e.assessment_date.map(uk),
    );
    compare(
        "assessed_need",
        yes(r.get("assessed_need")?),
        e.assessed_need.map(yes),
    );
    compare(
        "care_plan_date",
        day(r.get("care_plan_date")?),
        e.care_plan_date.map(uk),
    );
    compare("engaged", yes(r.get("engaged")?), e.engaged.map(yes));
    compare(
        "engaged_on",
        day(r.get("engaged_on")?),
        e.engaged_on.map(uk),
    );
    compare(
        "prescribed",
        yes(r.get("prescribed")?),
        e.prescribed.map(yes),
    );
    compare(
        "dan_advised",
        yes(r.get("dan_advised")?),
        e.dan_advised.map(yes),
    );
    compare(
        "tier",
        r.get::<i64>("tier")?.to_string(),
        e.tier.map(|t| t.to_string()),
    );
    compare(
        "closure_date",
        day(r.get("closure_date")?),
        e.closure.map(|(date, _)| uk(date)),
    );
    compare(
        "exit_reason",
        r.get::<Option<String>>("exit_reason")?
            .unwrap_or_else(|| "blank".to_owned()),
        e.closure.map(|(_, reason)| reason.code().to_owned()),
    );
    Ok(differs)
}
