//! SQL for imports: the keys an import is checked against, its write (kept or rolled
//! back), and the inserts it makes, each audited as `import` (clients are in
//! `import_clients`, the daily duties' records in `import_duties`).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::import_clients::{CLIENT_SELECT, ClientAt, client_row};
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

/// The page cache of an import's write, in KiB as `PRAGMA cache_size` takes it (negative).
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
    /// An SQLite error.
    pub fn import_keys(&self) -> StoreResult<ImportKeys> {
        // One read transaction, so both lists come from one snapshot: a colleague's
        // import committed between two separate reads would show its clients' twin
        // keys without the clients, and every row would look like a twin.
        let snapshot = self.sqlite()?.unchecked_transaction()?;
        let mut keys = ImportKeys::default();
        {
            let mut clients = snapshot.prepare(CLIENT_SELECT)?;
            let at = ClientAt::of(&clients)?;
            for row in clients.query_map([], |r| client_row(r, &at))? {
                let (id, client) = row?;
                keys.clients.insert(client.reference.clone(), (id, client));
            }
            let mut people = snapshot.prepare(
                "SELECT t.key, c.reference FROM client_twin t JOIN client c ON c.id = t.client_id",
            )?;
            keys.people = people
                .query_map([], |r| Ok((r.get("key")?, r.get("reference")?)))?
                .collect::<rusqlite::Result<_>>()?;
        }
        snapshot.commit()?;
        Ok(keys)
    }

    /// Runs `change` in one write transaction, waiting for other writers as every
    /// write does, and keeps its changes only if `change` says so; otherwise the
    /// transaction is rolled back (an import with a problem writes nothing).
    ///
    /// # Errors
    /// [`StoreError::ReadOnlySession`] in a read-only session, or whatever `change`
    /// or SQLite returns.
    pub fn write_or_roll_back<T>(
        &mut self,
        actor: &super::Actor,
        change: impl FnOnce(&Tx<'_>) -> StoreResult<(T, bool)>,
    ) -> StoreResult<T> {
        if self.access == super::Access::ReadOnly {
            return Err(StoreError::ReadOnlySession);
        }
        // A large import touches many index pages: a bigger page cache (allocated only
        // as used) keeps them in memory rather than spilling to the WAL mid-transaction.
        let cache: i64 = self
            .sqlite()?
            .query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.sqlite()?
            .pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
        // Each insert that fires a trigger (a contact's last-contact trigger) keeps a
        // statement journal of the pages it changes; in memory, not in a temporary file.
        self.sqlite()?.pragma_update(None, "temp_store", "MEMORY")?;
        // No savepoint: one would copy every page the import changes to a statement
        // journal, inside the lock, only to be thrown away.
        let result = super::lock::write(
            &self.conn,
            (self.location.file(), &self.target),
            &self.lock,
            (&actor.login, actor.now),
            |tx| change(&Tx { tx, actor }),
        );
        self.sqlite()?.pragma_update(None, "cache_size", cache)?;
        self.sqlite()?
            .pragma_update(None, "temp_store", "DEFAULT")?;
        result
    }
}

impl Tx<'_> {
    /// The importing worker as the database has them now (active, with their role).
    ///
    /// # Errors
    /// [`StoreError::NotAllowed`] for a login with no active worker record, or an
    /// SQLite error.
    pub fn importer(&self) -> StoreResult<crate::domain::model::Worker> {
        self.signed_in()
    }

    /// Client `id`'s area and care co-ordinator now, for the role rules.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn client_scope(&self, id: i64) -> StoreResult<Option<ClientScope>> {
        Ok(self
            .sqlite()?
            .prepare_cached("SELECT area_id, care_coordinator_id FROM client WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(ClientScope {
                    area_id: r.get("area_id")?,
                    care_coordinator_id: r.get("care_coordinator_id")?,
                })
            })
            .optional()?)
    }

    /// The reference of the client with row id `id`, for an import's report.
    ///
    /// # Errors
    /// An SQLite error, or no such client.
    pub fn client_reference(&self, id: i64) -> StoreResult<String> {
        Ok(self
            .sqlite()?
            .prepare_cached("SELECT reference FROM client WHERE id = ?1")?
            .query_row([id], |r| r.get("reference"))?)
    }

    /// Imports an episode unless the client has one with that referral date, audited
    /// with `audit` (the row as JSON text). A stored one takes the row's assessment as
    /// the assessment form records it (`assessed_need`, and the date where none is
    /// stored), with its version raised and an audit row of the values before; any
    /// other value it contradicts is reported, never changed.
    ///
    /// # Errors
    /// An SQLite error (e.g. a second open episode for the client).
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
            .sqlite()?
            .prepare_cached(
                "INSERT INTO episode (client_id, referral_date, referral_source, assessment_date,
                    assessed_need, care_plan_date, engaged, engaged_on, prescribed, tier,
                    closure_date, exit_reason, dan_advised)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (client_id, referral_date) DO NOTHING",
            )?
            .execute(params![
                e.client_id,
                e.referral_date,
                e.referral_source.code(),
                e.assessment_date,
                e.assessed_need.unwrap_or(true),
                e.care_plan_date,
                engaged,
                engaged_on,
                e.prescribed.unwrap_or(false),
                e.tier.unwrap_or(2),
                e.closure.map(|(date, _)| date),
                e.closure.map(|(_, reason)| reason.code()),
                e.dan_advised.unwrap_or(false),
            ])?;
        if inserted > 0 {
            return Ok(self
                .imported("episode", inserted, audit)?
                .map_or(EpisodeImported::Unchanged, EpisodeImported::Created));
        }
        let (id, version, stored, differs) = self
            .sqlite()?
            .prepare_cached(
                "SELECT id, version, referral_source, assessment_date, assessed_need,
                        care_plan_date, engaged, engaged_on, prescribed, tier, closure_date,
                        exit_reason, dan_advised
                   FROM episode WHERE client_id = ?1 AND referral_date = ?2",
            )?
            .query_row(params![e.client_id, e.referral_date], |r| {
                Ok((
                    r.get::<_, i64>("id")?,
                    r.get::<_, i64>("version")?,
                    (
                        r.get::<_, Option<NaiveDate>>("assessment_date")?,
                        r.get::<_, bool>("assessed_need")?,
                    ),
                    differs(r, e)?,
                ))
            })?;
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
        let updated = self
            .sqlite()?
            .prepare_cached(
                "UPDATE episode
                    SET assessment_date = coalesce(assessment_date, ?1),
                        assessed_need = coalesce(?2, assessed_need), version = version + 1
                  WHERE id = ?3 AND version = ?4",
            )?
            .execute(params![e.assessment_date, e.assessed_need, id, version])?;
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
    /// An SQLite error.
    pub fn import_breach(&self, b: &NewBreach, audit: &str) -> StoreResult<Option<i64>> {
        let deadline = crate::domain::breach::deadline(b.raised_at, b.rag);
        let inserted = self
            .sqlite()?
            .prepare_cached(
                "INSERT INTO breach (client_id, raised_at, rag, deadline, status, resolution_date)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (client_id, raised_at) DO NOTHING",
            )?
            .execute(params![
                b.client_id,
                super::format_timestamp(b.raised_at),
                b.rag.code(),
                super::format_timestamp(deadline),
                b.status.code(),
                b.resolution_date
            ])?;
        self.imported("breach", inserted, audit)
    }

    /// The id of the row just inserted into `entity`, audited with `after`, if
    /// `inserted` says a row was (`None`: it was there already).
    pub(super) fn imported(
        &self,
        entity: &'static str,
        inserted: usize,
        after: &str,
    ) -> StoreResult<Option<i64>> {
        if inserted == 0 {
            return Ok(None);
        }
        let id = self.sqlite()?.last_insert_rowid();
        self.audit_import(entity, id, None, after)?;
        Ok(Some(id))
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
        self.sqlite()?
            .prepare_cached(
                "INSERT INTO audit (at, who, entity, row_id, action, before, after)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                super::format_timestamp(self.actor.now),
                self.actor.login,
                entity,
                row_id,
                Audited::Import.word(),
                before,
                after
            ])?;
        Ok(())
    }
}

/// Each value of `e` (a cell the file filled) that the stored episode `r` differs in.
fn differs(r: &rusqlite::Row<'_>, e: &ImportedEpisode) -> rusqlite::Result<Vec<Differs>> {
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
        r.get::<_, i64>("tier")?.to_string(),
        e.tier.map(|t| t.to_string()),
    );
    compare(
        "closure_date",
        day(r.get("closure_date")?),
        e.closure.map(|(date, _)| uk(date)),
    );
    compare(
        "exit_reason",
        r.get::<_, Option<String>>("exit_reason")?
            .unwrap_or_else(|| "blank".to_owned()),
        e.closure.map(|(_, reason)| reason.code().to_owned()),
    );
    Ok(differs)
}
