//! SQL for importing the facts the return counts beyond clients and their episodes:
//! drug tests, custody-suite tallies, positive outcomes and modalities. Each insert stops at its natural key, so a
//! file imported twice stores each row once.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::{NewDrugTest, NewTally, ReplacedTally, StoreError, StoreResult, Tx};
use crate::domain::model::{ModalityKind, OutcomeKind, TestResult};

/// A modality to import: its episode named by client and referral date, as a file
/// names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedModality {
    /// Row id of the client.
    pub client_id: i64,
    /// The referral date of the client's episode it belongs to.
    pub referral_date: NaiveDate,
    /// Which care-plan modality.
    pub kind: ModalityKind,
    /// The day it started.
    pub started_on: NaiveDate,
    /// The day it ended, if it has.
    pub ended_on: Option<NaiveDate>,
    /// Completed (requires an end date).
    pub completed: bool,
}

/// A positive outcome to import: its episode named by client and referral date, as a
/// file names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedOutcome {
    /// Row id of the client.
    pub client_id: i64,
    /// The referral date of the client's episode it belongs to.
    pub referral_date: NaiveDate,
    /// The day it counts for in the return.
    pub recorded_on: NaiveDate,
    /// Which positive outcome.
    pub kind: OutcomeKind,
}

impl Tx<'_> {
    /// Imports a drug test unless the client has one of that kind that day, audited
    /// with `audit` (the row as JSON text). `Ok(Some(id))` if inserted, `Ok(None)` if
    /// one with the same result is there; `Err` with the stored results if only others
    /// are (a corrected result is reported, never stored as a second test).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn import_drug_test(
        &self,
        t: &NewDrugTest,
        audit: &str,
    ) -> StoreResult<Result<Option<i64>, Vec<TestResult>>> {
        let stored: Vec<TestResult> = self
            .sqlite()?
            .prepare_cached(
                "SELECT result FROM drug_test WHERE client_id = ?1 AND tested_on = ?2 AND kind = ?3
                  ORDER BY id",
            )?
            .query_map(params![t.client_id, t.tested_on, t.kind.code()], |r| {
                super::read::vocab::<TestResult>(r, "result")
            })?
            .collect::<rusqlite::Result<_>>()?;
        if stored.contains(&t.result) {
            return Ok(Ok(None));
        }
        if !stored.is_empty() {
            return Ok(Err(stored));
        }
        let inserted = self
            .sqlite()?
            .prepare_cached(
                "INSERT INTO drug_test (client_id, tested_on, kind, result) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                t.client_id,
                t.tested_on,
                t.kind.code(),
                t.result.code()
            ])?;
        Ok(Ok(self.imported("drug_test", inserted, audit)?))
    }

    /// Imports an area's custody-suite tally for a day unless the area has one for that
    /// day, audited with `audit`. `Ok(Some(id))` if inserted, `Ok(None)` if the same
    /// counts are there; `Err` with the stored counts if different ones are (an import
    /// never replaces a tally: `caseload tally --replace` does, one day at a time).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn import_tally(
        &self,
        t: &NewTally,
        audit: &str,
    ) -> StoreResult<Result<Option<i64>, ReplacedTally>> {
        let inserted = self
            .sqlite()?
            .prepare_cached(
                "INSERT INTO custody_tally (area_id, recorded_on, charged, tested, positive)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (area_id, recorded_on) DO NOTHING",
            )?
            .execute(params![
                t.area_id,
                t.recorded_on,
                t.charged,
                t.tested,
                t.positive
            ])?;
        if inserted > 0 {
            return Ok(Ok(self.imported("custody_tally", inserted, audit)?));
        }
        let stored = self
            .sqlite()?
            .prepare_cached(
                "SELECT charged, tested, positive FROM custody_tally
                  WHERE area_id = ?1 AND recorded_on = ?2",
            )?
            .query_row(params![t.area_id, t.recorded_on], |r| {
                Ok(ReplacedTally {
                    charged: r.get("charged")?,
                    tested: r.get("tested")?,
                    positive: r.get("positive")?,
                })
            })
            .optional()?;
        Ok(match stored {
            Some(s) if (s.charged, s.tested, s.positive) != (t.charged, t.tested, t.positive) => {
                Err(s)
            }
            _ => Ok(None),
        })
    }

    /// Imports a positive outcome into the client's episode with that referral date,
    /// unless the same one (episode, day, kind) is there, audited with `audit`; its id if
    /// inserted.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] if the client has no episode referred that day, or an
    /// SQLite error.
    pub fn import_outcome(&self, o: &ImportedOutcome, audit: &str) -> StoreResult<Option<i64>> {
        let episode = self.episode_referred(o.client_id, o.referral_date)?;
        let inserted = self
            .sqlite()?
            .prepare_cached(
                "INSERT INTO positive_outcome (episode_id, recorded_on, kind)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (episode_id, recorded_on, kind) DO NOTHING",
            )?
            .execute(params![episode, o.recorded_on, o.kind.code()])?;
        self.imported("positive_outcome", inserted, audit)
    }

    /// The id of client `client_id`'s episode referred on `referral_date`.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] if there is none, or an SQLite error.
    pub(super) fn episode_referred(
        &self,
        client_id: i64,
        referral_date: NaiveDate,
    ) -> StoreResult<i64> {
        let episode: Option<i64> = self
            .sqlite()?
            .prepare_cached("SELECT id FROM episode WHERE client_id = ?1 AND referral_date = ?2")?
            .query_row(params![client_id, referral_date], |r| r.get("id"))
            .optional()?;
        episode.ok_or_else(|| {
            StoreError::Invalid(format!(
                "the client has no episode referred on {}: give the referral_date of one of \
                 their episodes, or import the episode first",
                crate::domain::dates::uk(referral_date)
            ))
        })
    }

    /// Imports a modality into the client's episode with that referral date, unless
    /// one of that kind started that day is there, audited with `audit`; its id if
    /// inserted.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] if the client has no episode referred that day, or the
    /// stored modality ended otherwise (an import never changes one: the modality form
    /// does); or an SQLite error.
    pub fn import_modality(&self, m: &ImportedModality, audit: &str) -> StoreResult<Option<i64>> {
        let episode = self.episode_referred(m.client_id, m.referral_date)?;
        let inserted = self
            .sqlite()?
            .prepare_cached(
                "INSERT INTO modality (episode_id, kind, started_on, ended_on, completed)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (episode_id, kind, started_on) DO NOTHING",
            )?
            .execute(params![
                episode,
                m.kind.code(),
                m.started_on,
                m.ended_on,
                m.completed
            ])?;
        if inserted > 0 {
            return self.imported("modality", inserted, audit);
        }
        let (ended_on, completed): (Option<NaiveDate>, bool) = self
            .sqlite()?
            .prepare_cached(
                "SELECT ended_on, completed FROM modality
                  WHERE episode_id = ?1 AND kind = ?2 AND started_on = ?3",
            )?
            .query_row(params![episode, m.kind.code(), m.started_on], |r| {
                Ok((r.get("ended_on")?, r.get("completed")?))
            })?;
        if (ended_on, completed) == (m.ended_on, m.completed) {
            return Ok(None);
        }
        let stored = match ended_on {
            None => "still running".to_owned(),
            Some(day) if completed => format!("completed on {}", crate::domain::dates::uk(day)),
            Some(day) => format!("ended on {}", crate::domain::dates::uk(day)),
        };
        Err(StoreError::Invalid(format!(
            "this modality is recorded already, {stored}, and an import never changes one: \
             correct the row, or end the modality on its form"
        )))
    }
}
