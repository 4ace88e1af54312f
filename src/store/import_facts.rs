//! SQL for importing the facts the return counts beyond clients and their episodes:
//! drug tests, custody-suite tallies, positive outcomes and modalities. Each insert stops at its natural key, so a
//! file imported twice stores each row once.

use chrono::NaiveDate;

use super::read::code;
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
    /// The engine's error.
    pub fn import_drug_test(
        &self,
        t: &NewDrugTest,
        audit: &str,
    ) -> StoreResult<Result<Option<i64>, Vec<TestResult>>> {
        let stored = self
            .tx
            .query(
                "SELECT result FROM drug_test WHERE client_id = ?1 AND tested_on = ?2 AND kind = ?3
                  ORDER BY id",
                &[t.client_id.into(), t.tested_on.into(), t.kind.code().into()],
            )?
            .iter()
            .map(|r| code::<TestResult>(r, "result"))
            .collect::<Result<Vec<_>, _>>()?;
        if stored.contains(&t.result) {
            return Ok(Ok(None));
        }
        if !stored.is_empty() {
            return Ok(Err(stored));
        }
        let inserted = self.insert_new(
            "INSERT INTO drug_test (client_id, tested_on, kind, result) VALUES (?1, ?2, ?3, ?4)
             RETURNING id",
            &[
                t.client_id.into(),
                t.tested_on.into(),
                t.kind.code().into(),
                t.result.code().into(),
            ],
        )?;
        Ok(Ok(self.imported("drug_test", inserted, audit)?))
    }

    /// Imports an area's custody-suite tally for a day unless the area has one for that
    /// day, audited with `audit`. `Ok(Some(id))` if inserted, `Ok(None)` if the same
    /// counts are there; `Err` with the stored counts if different ones are (an import
    /// never replaces a tally: `caseload tally --replace` does, one day at a time).
    ///
    /// # Errors
    /// The engine's error.
    pub fn import_tally(
        &self,
        t: &NewTally,
        audit: &str,
    ) -> StoreResult<Result<Option<i64>, ReplacedTally>> {
        let inserted = self.insert_new(
            "INSERT INTO custody_tally (area_id, recorded_on, charged, tested, positive)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (area_id, recorded_on) DO NOTHING RETURNING id",
            &[
                t.area_id.into(),
                t.recorded_on.into(),
                i64::from(t.charged).into(),
                i64::from(t.tested).into(),
                i64::from(t.positive).into(),
            ],
        )?;
        if inserted.is_some() {
            return Ok(Ok(self.imported("custody_tally", inserted, audit)?));
        }
        let stored = self
            .tx
            .query_opt(
                "SELECT charged, tested, positive FROM custody_tally
                  WHERE area_id = ?1 AND recorded_on = ?2",
                &[t.area_id.into(), t.recorded_on.into()],
            )?
            .map(|r| -> StoreResult<ReplacedTally> {
                Ok(ReplacedTally {
                    charged: r.get("charged")?,
                    tested: r.get("tested")?,
                    positive: r.get("positive")?,
                })
            })
            .transpose()?;
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
    /// [`StoreError::Invalid`] if the client has no episode referred that day, or the
    /// engine's error.
    pub fn import_outcome(&self, o: &ImportedOutcome, audit: &str) -> StoreResult<Option<i64>> {
        let episode = self.episode_referred(o.client_id, o.referral_date)?;
        let inserted = self.insert_new(
            "INSERT INTO positive_outcome (episode_id, recorded_on, kind)
             VALUES (?1, ?2, ?3)
             ON CONFLICT (episode_id, recorded_on, kind) DO NOTHING RETURNING id",
            &[episode.into(), o.recorded_on.into(), o.kind.code().into()],
        )?;
        self.imported("positive_outcome", inserted, audit)
    }

    /// The id of client `client_id`'s episode referred on `referral_date`.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] if there is none, or the engine's error.
    pub(super) fn episode_referred(
        &self,
        client_id: i64,
        referral_date: NaiveDate,
    ) -> StoreResult<i64> {
        let episode: Option<i64> = self
            .tx
            .query_opt(
                "SELECT id FROM episode WHERE client_id = ?1 AND referral_date = ?2",
                &[client_id.into(), referral_date.into()],
            )?
            .map(|r| r.get("id"))
            .transpose()?;
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
    /// does); or the engine's error.
    pub fn import_modality(&self, m: &ImportedModality, audit: &str) -> StoreResult<Option<i64>> {
        let episode = self.episode_referred(m.client_id, m.referral_date)?;
        let inserted = self.insert_new(
            "INSERT INTO modality (episode_id, kind, started_on, ended_on, completed)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (episode_id, kind, started_on) DO NOTHING RETURNING id",
            &[
                episode.into(),
                m.kind.code().into(),
                m.started_on.into(),
                m.ended_on.into(),
                m.completed.into(),
            ],
        )?;
        if inserted.is_some() {
            return self.imported("modality", inserted, audit);
        }
        let stored = self.tx.query_row(
            "SELECT ended_on, completed FROM modality
              WHERE episode_id = ?1 AND kind = ?2 AND started_on = ?3",
            &[episode.into(), m.kind.code().into(), m.started_on.into()],
        )?;
        let (ended_on, completed): (Option<NaiveDate>, bool) =
            (stored.get("ended_on")?, stored.get("completed")?);
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
