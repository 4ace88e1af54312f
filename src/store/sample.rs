//! The quarterly re-offending sample: drawn once per quarter (seeded, recorded), then
//! offence counts are filled in as they come back from the police national computer.

use chrono::NaiveDate;
use serde::Serialize;

use super::read::code;
use super::sql::{self, Row, Value};
use super::{Actor, Audited, Store, StoreError, StoreResult, format_timestamp};
use crate::domain::model::ExitReason;
use crate::domain::period::Period;
use crate::domain::roles::{ClientScope, Operation};
use crate::domain::sample::{SAMPLE_SIZE, draw};

/// A recorded draw and its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draw {
    /// Quarter label, e.g. `2014-15:Q3`.
    pub period: String,
    /// Seed the draw used, so anyone can repeat it.
    pub seed: u64,
    /// How many closed episodes were eligible.
    pub eligible: u64,
    /// When it was drawn.
    pub drawn_at: String,
    /// Who drew it.
    pub drawn_by: String,
    /// The sampled clients.
    pub members: Vec<SampleMember>,
}

/// Offences recorded for one sampled client (each `None` until recorded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Offences {
    /// Before the episode.
    pub before: Option<u32>,
    /// During it.
    pub during: Option<u32>,
    /// In the first 3 months after.
    pub after_3m: Option<u32>,
    /// In the first 12 months after.
    pub after_12m: Option<u32>,
}

/// One sampled client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampleMember {
    /// The client's reference.
    pub reference: String,
    /// Episode row id.
    pub episode_id: i64,
    /// When the sampled episode closed.
    pub closure_date: NaiveDate,
    /// Why the sampled episode closed.
    pub exit_reason: ExitReason,
    /// Offence counts recorded so far (`None` for each not yet known).
    pub offences: Offences,
}

/// A sample member's offence counts, from their four `offences_*` columns.
fn offences(r: &Row) -> sql::Result<Offences> {
    Ok(Offences {
        before: r.get("offences_before")?,
        during: r.get("offences_during")?,
        after_3m: r.get("offences_after_3m")?,
        after_12m: r.get("offences_after_12m")?,
    })
}

impl Store {
    /// The recorded draw for quarter `label`, if any.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn sample_draw(&self, label: &str) -> StoreResult<Option<Draw>> {
        let Some(head) = self.conn.query_opt(
            "SELECT seed, eligible, drawn_at, drawn_by FROM reoffending_draw WHERE period = ?1",
            &[label.into()],
        )?
        else {
            return Ok(None);
        };
        let members = self
            .conn
            .query(
                "SELECT c.reference, e.id AS episode_id, e.closure_date, e.exit_reason,
                        s.offences_before, s.offences_during, s.offences_after_3m,
                        s.offences_after_12m
                   FROM reoffending_sample s JOIN episode e ON e.id = s.episode_id
                   JOIN client c ON c.id = e.client_id
                  WHERE s.period = ?1 ORDER BY c.reference",
                &[label.into()],
            )?
            .iter()
            .map(|r| {
                Ok(SampleMember {
                    reference: r.get("reference")?,
                    episode_id: r.get("episode_id")?,
                    closure_date: r.get("closure_date")?,
                    exit_reason: code::<ExitReason>(r, "exit_reason")?,
                    offences: offences(r)?,
                })
            })
            .collect::<sql::Result<_>>()?;
        Ok(Some(Draw {
            period: label.to_owned(),
            seed: u64::from_ne_bytes(head.get::<i64>("seed")?.to_ne_bytes()),
            eligible: head.get::<i64>("eligible")?.unsigned_abs(),
            drawn_at: head.get("drawn_at")?,
            drawn_by: head.get("drawn_by")?,
            members,
        }))
    }

    /// Draws the sample for `quarter` with `seed`, unless one is already recorded, in
    /// which case that one is returned unchanged (with `false`): a quarter is never
    /// redrawn. Eligible: episodes closed within the quarter.
    ///
    /// # Errors
    /// [`StoreError::NotAllowed`] for anyone but a team leader, or an SQLite error.
    pub fn draw_sample(
        &mut self,
        actor: &Actor,
        quarter: &Period,
        seed: u64,
    ) -> StoreResult<(Draw, bool)> {
        let created = self.write(actor, |tx| {
            tx.authorise(Operation::DrawSample, None)?;
            let exists: bool = tx
                .tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM reoffending_draw WHERE period = ?1) AS drawn",
                    &[quarter.label.as_str().into()],
                )?
                .get("drawn")?;
            if exists {
                return Ok(false);
            }
            let eligible: Vec<i64> = tx
                .tx
                .query(
                    "SELECT id FROM episode WHERE closure_date BETWEEN ?1 AND ?2 ORDER BY id",
                    &[quarter.from.into(), quarter.to.into()],
                )?
                .iter()
                .map(|r| r.get("id"))
                .collect::<sql::Result<_>>()?;
            let chosen = draw(&eligible, seed, SAMPLE_SIZE);
            tx.tx.execute(
                "INSERT INTO reoffending_draw (period, seed, eligible, drawn_at, drawn_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                &[
                    quarter.label.as_str().into(),
                    i64::from_ne_bytes(seed.to_ne_bytes()).into(),
                    i64::try_from(eligible.len()).unwrap_or(i64::MAX).into(),
                    format_timestamp(actor.now).into(),
                    actor.login.as_str().into(),
                ],
            )?;
            for &episode_id in &chosen {
                tx.tx.execute(
                    "INSERT INTO reoffending_sample (period, episode_id) VALUES (?1, ?2)",
                    &[quarter.label.as_str().into(), episode_id.into()],
                )?;
            }
            tx.audit(
                "reoffending_draw",
                None,
                Audited::Draw,
                None,
                Some(&serde_json::json!({
                    "period": quarter.label, "seed": seed.to_string(),
                    "eligible": eligible.len(), "episodes": chosen,
                })),
            )?;
            Ok(true)
        })?;
        let draw = self
            .sample_draw(&quarter.label)?
            .ok_or_else(|| StoreError::NotFound {
                entity: "re-offending sample",
                key: quarter.label.clone(),
            })?;
        Ok((draw, created))
    }

    /// Records offence counts for the sampled client `reference` in quarter `label`;
    /// counts left `None` keep their recorded value. Audited with before and after.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if the client is not in that quarter's sample,
    /// [`StoreError::NotAllowed`] for anyone but a team leader.
    pub fn set_offences(
        &mut self,
        actor: &Actor,
        label: &str,
        reference: &str,
        counts: Offences,
    ) -> StoreResult<()> {
        self.write(actor, |tx| {
            tx.signed_in()?;
            let row = tx
                .tx
                .query_opt(
                    &format!(
                        "SELECT s.id, s.offences_before, s.offences_during, s.offences_after_3m,
                                s.offences_after_12m, c.area_id, c.care_coordinator_id
                           FROM reoffending_sample s JOIN episode e ON e.id = s.episode_id
                           JOIN client c ON c.id = e.client_id
                          WHERE s.period = ?1 AND c.reference = ?2{}",
                        tx.tx.dialect().for_update()
                    ),
                    &[label.into(), reference.into()],
                )?
                .map(|r| {
                    Ok::<_, sql::Error>((
                        r.get::<i64>("id")?,
                        offences(&r)?,
                        ClientScope {
                            area_id: r.get("area_id")?,
                            care_coordinator_id: r.get("care_coordinator_id")?,
                        },
                    ))
                })
                .transpose()?;
            let (id, old, scope) = row.ok_or_else(|| StoreError::NotFound {
                entity: "sampled client",
                key: format!("{reference} in the {label} sample"),
            })?;
            tx.authorise(Operation::RecordOffences, Some(scope))?;
            let new = Offences {
                before: counts.before.or(old.before),
                during: counts.during.or(old.during),
                after_3m: counts.after_3m.or(old.after_3m),
                after_12m: counts.after_12m.or(old.after_12m),
            };
            let count = |n: Option<u32>| Value::from(n.map(i64::from));
            tx.tx.execute(
                "UPDATE reoffending_sample SET offences_before = ?1, offences_during = ?2,
                        offences_after_3m = ?3, offences_after_12m = ?4, version = version + 1
                  WHERE id = ?5",
                &[
                    count(new.before),
                    count(new.during),
                    count(new.after_3m),
                    count(new.after_12m),
                    id.into(),
                ],
            )?;
            tx.audit(
                "reoffending_sample",
                Some(id),
                Audited::Update,
                Some(&serde_json::json!(old)),
                Some(&serde_json::json!(new)),
            )
        })
    }
}
