//! SQL for importing appointments (Required Assessments and Restrictions on Bail, with
//! their outcomes and the breaches a failed attendance raises), brief interventions and
//! an episode's engagement.
//! Neither has a natural key in the schema; the import keys them as a team does, in
//! its write transaction (on PostgreSQL with the rows it
//! compares locked), so a file imported twice stores each row once.

use chrono::{NaiveDate, NaiveDateTime};

use super::read::code_opt;
use super::{NewOutreach, NewRequiredAssessment, StoreResult, Tx, format_timestamp};
use crate::domain::model::{AssessmentKind, AssessmentOutcome, Rag, SignpostDestination};

/// An appointment to import, keyed on its client, time and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedAssessment {
    /// Row id of the client.
    pub client_id: i64,
    /// RA-IA, RA-FU or Restriction on Bail.
    pub kind: AssessmentKind,
    /// When the appointment is (or was).
    pub appointment_at: NaiveDateTime,
    /// What happened, once known.
    pub outcome: Option<AssessmentOutcome>,
    /// For a failed attendance: the breach's RAG and, if not the appointment's time,
    /// when it runs from.
    pub breach: Option<(Rag, Option<NaiveDateTime>)>,
}

/// An episode's engagement to import: the episode named by client and referral date,
/// as a file names it, and the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedEngagement {
    /// Row id of the client.
    pub client_id: i64,
    /// The referral date of the client's episode.
    pub referral_date: NaiveDate,
    /// The day engagement was evidenced.
    pub engaged_on: NaiveDate,
}

/// What an import did with a row that may complete a stored record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    /// A new record.
    Created,
    /// A stored record completed (an appointment's outcome, an episode's engagement).
    Updated,
    /// Recorded already so.
    Unchanged,
}

/// Brief interventions to import: how many one worker gave in an area on a day, with
/// one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedBriefInterventions {
    /// Row id of the area.
    pub area_id: i64,
    /// The day they count for.
    pub recorded_on: NaiveDate,
    /// Row id of the worker who gave them.
    pub worker_id: i64,
    /// Where they signposted people, if anywhere.
    pub signposted_to: Option<SignpostDestination>,
    /// How many.
    pub count: u32,
}

impl Tx<'_> {
    /// Imports an appointment, audited with `audit` (the row as JSON text): created if
    /// the client has none of that kind at that time; unchanged if one has the row's
    /// outcome (or the row gives none); updated if one has no outcome yet and the row
    /// gives it. A failed attendance raises its breach by [`Tx::raise_breach`], as the
    /// outcome form does. `Err` with the stored outcome if it is another (an import
    /// never changes an outcome).
    ///
    /// # Errors
    /// The engine's error, or [`super::StoreError::Invalid`] from the breach dating rule.
    pub fn import_assessment(
        &self,
        a: &ImportedAssessment,
        audit: &str,
    ) -> StoreResult<Result<Imported, AssessmentOutcome>> {
        let stored = self
            .tx
            .query(
                &format!(
                    "SELECT id, outcome FROM required_assessment
                      WHERE client_id = ?1 AND appointment_at = ?2 AND kind = ?3 ORDER BY id{}",
                    self.tx.dialect().for_update()
                ),
                &[
                    a.client_id.into(),
                    format_timestamp(a.appointment_at).into(),
                    a.kind.code().into(),
                ],
            )?
            .iter()
            .map(|r| Ok((r.get("id")?, code_opt(r, "outcome")?)))
            .collect::<StoreResult<Vec<(i64, Option<AssessmentOutcome>)>>>()?;
        if a.outcome.is_none() && !stored.is_empty()
            || stored.iter().any(|(_, outcome)| *outcome == a.outcome)
        {
            return Ok(Ok(Imported::Unchanged));
        }
        let (id, imported) = if stored.is_empty() {
            let id = self.insert_required_assessment(&NewRequiredAssessment {
                client_id: a.client_id,
                kind: a.kind,
                appointment_at: a.appointment_at,
                outcome: a.outcome,
            })?;
            self.audit_import("required_assessment", id, None, audit)?;
            (id, Imported::Created)
        } else if let Some((id, _)) = stored.iter().find(|(_, outcome)| outcome.is_none()) {
            self.tx.execute(
                "UPDATE required_assessment SET outcome = ?1, version = version + 1
                  WHERE id = ?2",
                &[a.outcome.map(AssessmentOutcome::code).into(), (*id).into()],
            )?;
            self.audit_import(
                "required_assessment",
                *id,
                Some(r#"{"outcome":null}"#),
                audit,
            )?;
            (*id, Imported::Updated)
        } else {
            let other = stored.iter().find_map(|(_, outcome)| *outcome);
            return Ok(Err(other.unwrap_or(AssessmentOutcome::Attended)));
        };
        if let (Some(AssessmentOutcome::FailedToAttend), Some((rag, at))) = (a.outcome, a.breach) {
            let breach = self.raise_breach(id, rag, at)?;
            let raised = serde_json::json!({ "required_assessment_id": id, "rag": rag.code() });
            self.audit_import("breach", breach, None, &raised.to_string())?;
        }
        Ok(Ok(imported))
    }

    /// Imports brief interventions, each audited with `audit`, unless the worker has
    /// some with that outcome in the area that day. `Ok(true)` if inserted, `Ok(false)`
    /// if as many are there; `Err` with how many are if another number (an import never
    /// adds to or replaces them).
    ///
    /// # Errors
    /// The engine's error.
    pub fn import_brief_interventions(
        &self,
        b: &ImportedBriefInterventions,
        audit: &str,
    ) -> StoreResult<Result<bool, u32>> {
        let signposted_to = b.signposted_to.map(SignpostDestination::code);
        let stored: u32 = self
            .tx
            .query_row(
                "SELECT count(*) AS stored FROM outreach WHERE area_id = ?1 AND recorded_on = ?2
                    AND worker_id = ?3 AND signposted_to IS NOT DISTINCT FROM ?4",
                &[
                    b.area_id.into(),
                    b.recorded_on.into(),
                    b.worker_id.into(),
                    signposted_to.into(),
                ],
            )?
            .get("stored")?;
        if stored == b.count {
            return Ok(Ok(false));
        }
        if stored > 0 {
            return Ok(Err(stored));
        }
        for _ in 0..b.count {
            let id = self.insert_outreach(&NewOutreach {
                recorded_on: b.recorded_on,
                worker_id: b.worker_id,
                area_id: b.area_id,
                signposted_to: b.signposted_to,
            })?;
            self.audit_import("outreach", id, None, audit)?;
        }
        Ok(Ok(true))
    }

    /// Imports an episode's engagement, audited with its values before and `after`:
    /// updated if the episode is not engaged, or engaged with no day; unchanged if
    /// engaged from that day; `Err` with the stored day if another (an import never
    /// changes it).
    ///
    /// # Errors
    /// [`super::StoreError::Invalid`] if the client has no episode referred that day,
    /// or the engine's error.
    pub fn import_engagement(
        &self,
        e: &ImportedEngagement,
        after: &str,
    ) -> StoreResult<Result<Imported, NaiveDate>> {
        let episode = self.episode_referred(e.client_id, e.referral_date)?;
        let stored = self.tx.query_row(
            &format!(
                "SELECT engaged, engaged_on FROM episode WHERE id = ?1{}",
                self.tx.dialect().for_update()
            ),
            &[episode.into()],
        )?;
        let (engaged, on): (bool, Option<NaiveDate>) =
            (stored.get("engaged")?, stored.get("engaged_on")?);
        match on.filter(|_| engaged) {
            Some(day) if day == e.engaged_on => return Ok(Ok(Imported::Unchanged)),
            Some(day) => return Ok(Err(day)),
            None => {}
        }
        self.tx.execute(
            "UPDATE episode SET engaged = 1, engaged_on = ?1, version = version + 1
              WHERE id = ?2",
            &[e.engaged_on.into(), episode.into()],
        )?;
        let before =
            serde_json::json!({ "engaged": engaged, "engaged_on": on.map(|d| d.to_string()) });
        self.audit_import("episode", episode, Some(&before.to_string()), after)?;
        Ok(Ok(Imported::Updated))
    }
}
