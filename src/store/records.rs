//! The [`Tx`] methods that insert new rows (the structs are in
//! [`crate::domain::write`]).
//!
//! These inserts do not write audit rows themselves: the caller decides how a change is
//! audited (one row per record for an edit or an import, one summary row for the demo
//! generator) and does it in the same transaction with [`Tx::audit`].

use super::sql::Value;
use super::{StoreError, StoreResult, Tx, format_timestamp};
use crate::domain::model::{
    AssessmentOutcome, BreachStatus, Rag, ReceptionKind, ReleaseType, SignpostDestination,
};
use crate::domain::write::{
    NewArea, NewBreach, NewClient, NewContact, NewCustody, NewDrugTest, NewEpisode, NewModality,
    NewOutcome, NewOutreach, NewRequiredAssessment, NewWorker,
};
use chrono::{NaiveDate, NaiveDateTime};

/// The values of a client row: `first` (the reference for an insert, the row id for
/// an update) as `?1`, then every other column, `?2`..`?26`, in the order both
/// `insert_client` and the import's `import_client_update` name them.
pub(super) fn client_params(first: Value, c: &NewClient) -> Vec<Value> {
    let mut params = vec![first];
    params.extend(client_columns(c));
    params
}

/// Every column of a client row but the first ([`client_params`]'s `?2`..`?26`).
fn client_columns(c: &NewClient) -> Vec<Value> {
    let substance = |i: usize| c.substances.get(i).map(|s| s.code()).into();
    let f = &c.flags;
    vec![
        c.given_name.as_str().into(),
        c.family_name.as_str().into(),
        c.date_of_birth.into(),
        c.sex.code().into(),
        c.ethnicity.code().into(),
        c.nhs_number.as_deref().into(),
        c.area_id.into(),
        c.care_coordinator_id.into(),
        c.consent_date.is_some().into(),
        c.consent_date.into(),
        substance(0),
        substance(1),
        substance(2),
        f.iom.into(),
        f.ppo.into(),
        f.mappa.into(),
        f.marac.into(),
        f.matac.into(),
        f.approved_premises.into(),
        f.drr.into(),
        f.atr.into(),
        f.licence_condition.into(),
        c.details.gp_practice.as_deref().into(),
        c.details.prescriber.as_deref().into(),
        c.details.domestic_abuse.into(),
    ]
}

impl Tx<'_> {
    /// Runs `sql`, an `INSERT ... RETURNING id`, and returns the new row's id.
    fn insert_returning_id(&self, sql: &str, params: &[Value]) -> StoreResult<i64> {
        Ok(self.tx.query_row(sql, params)?.get("id")?)
    }

    /// Inserts an area and returns its id.
    ///
    /// # Errors
    /// An SQLite error (e.g. the name is taken).
    pub fn insert_area(&self, area: &NewArea) -> StoreResult<i64> {
        self.insert_returning_id(
            "INSERT INTO area (name, intensive) VALUES (?1, ?2) RETURNING id",
            &[area.name.as_str().into(), area.intensive.into()],
        )
    }

    /// Inserts a worker and returns its id.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn insert_worker(&self, worker: &NewWorker) -> StoreResult<i64> {
        self.insert_returning_id(
            "INSERT INTO worker (name, login, role, area_id) VALUES (?1, ?2, ?3, ?4) RETURNING id",
            &[
                worker.name.as_str().into(),
                worker.login.as_deref().into(),
                worker.role.code().into(),
                worker.area_id.into(),
            ],
        )
    }

    /// Inserts a client, with its twin key, and returns its id.
    ///
    /// # Errors
    /// [`super::StoreError::Duplicate`] if a client has the same name and date of birth
    /// (as `domain::twin` compares them); an SQLite error (duplicate reference, a CHECK
    /// failing...).
    pub fn insert_client(&self, c: &NewClient) -> StoreResult<i64> {
        let params = client_params(c.reference.as_str().into(), c);
        let id = self.insert_returning_id(
            "INSERT INTO client (reference, given_name, family_name, date_of_birth, sex,
                ethnicity, nhs_number, area_id, care_coordinator_id, consent_to_share,
                consent_date, substance_1, substance_2, substance_3, iom, ppo, mappa, marac,
                matac, approved_premises, drr, atr, licence_condition, gp_practice, prescriber,
                domestic_abuse)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26) RETURNING id",
            &params,
        )?;
        self.add_twin_key(id, c)?;
        Ok(id)
    }

    /// Records a new client's twin key (`domain::twin`), refusing a second client with
    /// the same name and date of birth.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] naming the twin, or the engine's error.
    fn add_twin_key(&self, id: i64, c: &NewClient) -> StoreResult<()> {
        let key = crate::domain::twin::key(&c.family_name, &c.given_name, c.date_of_birth);
        if let Some(twin) = self.tx.query_opt(
            "SELECT c.id, c.reference FROM client_twin t JOIN client c ON c.id = t.client_id
              WHERE t.key = ?1",
            &[key.as_str().into()],
        )? {
            return Err(StoreError::Duplicate {
                client_id: twin.get("id")?,
                reference: twin.get("reference")?,
            });
        }
        self.tx.execute(
            "INSERT INTO client_twin (key, client_id) VALUES (?1, ?2)",
            &[key.into(), id.into()],
        )?;
        Ok(())
    }

    /// Inserts an episode and returns its id.
    ///
    /// # Errors
    /// An SQLite error (e.g. a second open episode for the client).
    pub fn insert_episode(&self, e: &NewEpisode) -> StoreResult<i64> {
        self.insert_returning_id(
            "INSERT INTO episode (client_id, referral_date, referral_source, assessment_date,
                    care_plan_date, next_review_date, engaged, prescribed, tier, exit_plan,
                    extension_reason, extension_review_date, closure_date, exit_reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id",
            &[
                Value::from(e.client_id),
                Value::from(e.referral_date),
                Value::from(e.referral_source.code()),
                Value::from(e.assessment_date),
                Value::from(e.care_plan_date),
                Value::from(e.next_review_date),
                Value::from(e.engaged),
                Value::from(e.prescribed),
                Value::from(i64::from(e.tier)),
                Value::from(e.exit_plan.as_deref()),
                Value::from(e.extension.as_ref().map(|(reason, _)| reason.as_str())),
                Value::from(e.extension.as_ref().map(|(_, date)| *date)),
                Value::from(e.closure.map(|(date, _)| date)),
                Value::from(e.closure.map(|(_, reason)| reason.code())),
            ],
        )
    }

    /// Inserts a custody episode and returns its id.
    ///
    /// # Errors
    /// An SQLite error (e.g. the client is already in custody).
    pub fn insert_custody(&self, c: &NewCustody) -> StoreResult<i64> {
        let k = &c.checklist;
        self.insert_returning_id(
            "INSERT INTO custody (client_id, prison, reception_date, expected_release_date,
                    earliest_release_date, release_type, appointment_booked, prescriber_confirmed,
                    naloxone_given, accommodation_confirmed, prison_team_contacted,
                    actual_release_date, dan_advised, reception_kind)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id",
            &[
                Value::from(c.client_id),
                Value::from(c.prison.as_str()),
                Value::from(c.reception_date),
                Value::from(c.expected_release_date),
                Value::from(c.earliest_release_date),
                Value::from(c.release_type.map(ReleaseType::code)),
                Value::from(k.appointment_booked),
                Value::from(k.prescriber_confirmed),
                Value::from(k.naloxone_given),
                Value::from(k.accommodation_confirmed),
                Value::from(k.prison_team_contacted),
                Value::from(c.actual_release_date),
                Value::from(k.dan_advised),
                Value::from(c.reception_kind.map(ReceptionKind::code)),
            ],
        )
    }

    /// Records that a custody was handed over to `with` at CARATS or the prison drug
    /// team on `on` (the demo's history; a worker's goes through a form and its audit).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn set_handover(&self, custody_id: i64, with: &str, on: NaiveDate) -> StoreResult<()> {
        self.tx.execute(
            "UPDATE custody SET handover_with = ?2, handover_on = ?3 WHERE id = ?1",
            &[custody_id.into(), with.into(), on.into()],
        )?;
        Ok(())
    }

    /// Inserts a contact and returns its id.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn insert_contact(&self, c: &NewContact) -> StoreResult<i64> {
        self.insert_returning_id(
            "INSERT INTO contact (client_id, worker_id, contact_at, kind, note)
                 VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
            &[
                Value::from(c.client_id),
                Value::from(c.worker_id),
                Value::from(format_timestamp(c.contact_at)),
                Value::from(c.kind.code()),
                Value::from(c.note.as_str()),
            ],
        )
    }

    /// Inserts a drug test and returns its id.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn insert_drug_test(&self, t: &NewDrugTest) -> StoreResult<i64> {
        self.insert_returning_id(
            "INSERT INTO drug_test (client_id, tested_on, kind, result) VALUES (?1, ?2, ?3, ?4) RETURNING id",
            &[
                Value::from(t.client_id),
                Value::from(t.tested_on),
                Value::from(t.kind.code()),
                Value::from(t.result.code()),
            ],
        )
    }

    /// Inserts a Required Assessment appointment and returns its id.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn insert_required_assessment(&self, a: &NewRequiredAssessment) -> StoreResult<i64> {
        self.insert_returning_id(
            "INSERT INTO required_assessment (client_id, kind, appointment_at, outcome)
                 VALUES (?1, ?2, ?3, ?4) RETURNING id",
            &[
                Value::from(a.client_id),
                Value::from(a.kind.code()),
                Value::from(format_timestamp(a.appointment_at)),
                Value::from(a.outcome.map(AssessmentOutcome::code)),
            ],
        )
    }

    /// Raises the breach of the missed appointment `assessment_id`, outstanding, marked
    /// `rag`: dated at `at`, or at the appointment's time if `None`, by
    /// `domain::breach::breach_time` (never before the appointment, nor after now); its
    /// deadline runs from then. The outcome form and the appointments import both raise
    /// breaches here. Returns its id.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] if `at` breaks the dating rule, or an SQLite error.
    pub fn raise_breach(
        &self,
        assessment_id: i64,
        rag: Rag,
        at: Option<NaiveDateTime>,
    ) -> StoreResult<i64> {
        let row = self.tx.query_row(
            "SELECT client_id, appointment_at FROM required_assessment WHERE id = ?1",
            &[Value::Integer(assessment_id)],
        )?;
        let (client_id, appointment_at): (i64, NaiveDateTime) =
            (row.get("client_id")?, row.get("appointment_at")?);
        self.insert_breach(&NewBreach {
            client_id,
            required_assessment_id: Some(assessment_id),
            raised_at: crate::domain::breach::breach_time(appointment_at, at, self.actor.now)
                .map_err(StoreError::Invalid)?,
            rag,
            status: BreachStatus::Outstanding,
            resolution_date: None,
        })
    }

    /// Inserts a breach, with its deadline computed from the RAG rule, and returns its id.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn insert_breach(&self, b: &NewBreach) -> StoreResult<i64> {
        let deadline = crate::domain::breach::deadline(b.raised_at, b.rag);
        self.insert_returning_id(
            "INSERT INTO breach (client_id, required_assessment_id, raised_at, rag, deadline,
                    status, resolution_date)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            &[
                Value::from(b.client_id),
                Value::from(b.required_assessment_id),
                Value::from(format_timestamp(b.raised_at)),
                Value::from(b.rag.code()),
                Value::from(format_timestamp(deadline)),
                Value::from(b.status.code()),
                Value::from(b.resolution_date),
            ],
        )
    }

    /// Inserts a care-plan modality and returns its id.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn insert_modality(&self, m: &NewModality) -> StoreResult<i64> {
        self.insert_returning_id(
            "INSERT INTO modality (episode_id, kind, started_on, ended_on, completed)
                 VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
            &[
                Value::from(m.episode_id),
                Value::from(m.kind.code()),
                Value::from(m.started_on),
                Value::from(m.ended_on),
                Value::from(m.completed),
            ],
        )
    }

    /// Inserts a positive outcome and returns its id.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn insert_outcome(&self, o: &NewOutcome) -> StoreResult<i64> {
        self.insert_returning_id(
            "INSERT INTO positive_outcome (episode_id, recorded_on, kind) VALUES (?1, ?2, ?3) RETURNING id",
            &[
                Value::from(o.episode_id),
                Value::from(o.recorded_on),
                Value::from(o.kind.code()),
            ],
        )
    }

    /// Inserts a brief intervention (an outreach tally) and returns its id.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn insert_outreach(&self, o: &NewOutreach) -> StoreResult<i64> {
        self.insert_returning_id(
            "INSERT INTO outreach (recorded_on, worker_id, area_id, signposted_to)
                 VALUES (?1, ?2, ?3, ?4) RETURNING id",
            &[
                Value::from(o.recorded_on),
                Value::from(o.worker_id),
                Value::from(o.area_id),
                Value::from(o.signposted_to.map(SignpostDestination::code)),
            ],
        )
    }
}
