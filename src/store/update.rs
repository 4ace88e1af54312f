//! Conflict-checked, audited writes of [`Change`]s, and undo.
//!
//! Every edit names the version the user read: the row is re-read inside the
//! `BEGIN IMMEDIATE` transaction, and if its version moved the save is refused with
//! [`StoreError::Conflict`] naming who changed it and when (from the audit log).
//! Otherwise only the fields that differ are written, the version is bumped, and one
//! audit row records each changed field's before and after.

use super::fields::{edit_of, text};
use super::rows::{known_table, not_found, read_row};
use super::sql::{Connection, Dialect};
use super::{Actor, Audited, Store, StoreError, StoreResult, Tx};
use crate::domain::handover::{Handover, PRISON_NOT_KNOWN};
use crate::domain::model::{
    AssessmentOutcome, BreachStatus, ExitReason, Rag, Role, SignpostDestination, Worker,
};
use crate::domain::release::Checklist;
use crate::domain::roles::{ClientScope, Operation};
use crate::domain::write::{
    Change, EpisodeEdit, NewContact, NewCustody, NewDrugTest, NewEpisode, NewModality, NewOutcome,
    NewOutreach, NewRequiredAssessment, Receipt, ReferralFor, RowBase, Value, Versioned, Written,
};
use chrono::NaiveDateTime;

/// The values in `bases` of the columns `fields` writes to `table` row `row_id`.
fn base_of(
    bases: &[RowBase],
    table: &str,
    row_id: i64,
    fields: &[(&'static str, Value)],
) -> Option<Vec<(&'static str, Value)>> {
    let base = bases
        .iter()
        .find(|b| b.table == table && b.row.id == row_id)?;
    Some(
        fields
            .iter()
            .filter_map(|(column, _)| base.get(column).map(|v| (*column, v.clone())))
            .collect(),
    )
}

/// Finds an existing client by reference, or by name and date of birth (letters'
/// case aside, as the index `client_name_dob` compares them on each engine).
fn duplicate_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => {
            "SELECT id, reference FROM client
              WHERE reference = ?1
                 OR (family_name = ?2 COLLATE NOCASE AND given_name = ?3 COLLATE NOCASE
                     AND date_of_birth = ?4)
              ORDER BY reference = ?1 DESC, id LIMIT 1"
        }
        Dialect::Postgres => {
            "SELECT id, reference FROM client
              WHERE reference = ?1
                 OR (lower(family_name) = lower(?2) AND lower(given_name) = lower(?3)
                     AND date_of_birth = ?4)
              ORDER BY reference = ?1 DESC, id LIMIT 1"
        }
    }
}

/// The existing client `client` would duplicate, as `(id, reference)`, read on `conn`.
fn duplicate_of(
    conn: &Connection,
    client: &super::NewClient,
) -> StoreResult<Option<(i64, String)>> {
    conn.query_opt(
        duplicate_sql(conn.dialect()),
        &[
            client.reference.as_str().into(),
            client.family_name.as_str().into(),
            client.given_name.as_str().into(),
            client.date_of_birth.into(),
        ],
    )?
    .map(|row| Ok((row.get("id")?, row.get("reference")?)))
    .transpose()
}

impl Store {
    /// Saves `change` as `actor`, in one transaction: the role rules for the worker
    /// whose login is `actor.login`, the version check, the write and its audit rows.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] if a row moved on since it was read (nothing saved),
    /// [`StoreError::NotAllowed`] for the role, [`StoreError::Duplicate`] for a twin
    /// client, [`StoreError::Invalid`] for a broken rule, or an SQLite error.
    pub fn apply(&mut self, actor: &Actor, change: &Change) -> StoreResult<Receipt> {
        self.write(actor, |tx| tx.apply(change, &[]))
    }

    /// Saves `change` as [`Store::apply`] does, but merged three ways against
    /// `bases`, the rows as the user's form showed them: only the columns the user
    /// changed are written, a column only a colleague changed since keeps their
    /// value, and a column both changed to different values refuses the save with
    /// [`StoreError::FieldConflicts`] (nothing written). A change that differs from
    /// its bases in nothing writes nothing and returns a receipt with no rows.
    ///
    /// # Errors
    /// As [`Store::apply`], with [`StoreError::FieldConflicts`] in place of
    /// [`StoreError::Conflict`] for the rows in `bases`.
    pub fn apply_merged(
        &mut self,
        actor: &Actor,
        change: &Change,
        bases: &[RowBase],
    ) -> StoreResult<Receipt> {
        self.write(actor, |tx| tx.apply(change, bases))
    }

    /// Every column of a row, read in one statement with its version: the base a form
    /// opens on and later merges against.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] or an SQLite error.
    pub fn row_base(&self, table: &'static str, row_id: i64) -> StoreResult<RowBase> {
        let values = read_row(&self.conn, table, row_id)?;
        let version = values
            .iter()
            .find_map(|(name, value)| match (name.as_str(), value) {
                ("version", Value::Integer(v)) => Some(*v),
                _ => None,
            })
            .unwrap_or(1);
        Ok(RowBase {
            table,
            row: Versioned {
                id: row_id,
                version,
            },
            values,
        })
    }

    /// The existing client a new referral would duplicate, as `(id, reference)`.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn find_duplicate(&self, client: &super::NewClient) -> StoreResult<Option<(i64, String)>> {
        duplicate_of(&self.conn, client)
    }

    /// The current version of a row, to start an edit from.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] or an SQLite error.
    pub fn version_of(&self, table: &'static str, row_id: i64) -> StoreResult<Versioned> {
        let version = self
            .conn
            .query_opt(
                &format!("SELECT version FROM {} WHERE id = ?1", known_table(table)?),
                &[Value::Integer(row_id)],
            )?
            .ok_or_else(|| not_found(table, row_id))?
            .get("version")?;
        Ok(Versioned {
            id: row_id,
            version,
        })
    }
}

impl Tx<'_> {
    /// Applies one change, merged against `bases`; see [`Store::apply_merged`].
    fn apply(&self, change: &Change, bases: &[RowBase]) -> StoreResult<Receipt> {
        let me = self.signed_in()?;
        let operation = change.operation();
        let allow = |scope: ClientScope| self.authorise(operation, Some(scope)).map(drop);
        if let Change::Breach {
            breach,
            status,
            date,
        } = change
        {
            if (*status == BreachStatus::Outstanding) != date.is_none() {
                return Err(StoreError::Invalid(
                    "a breach that is put out for arrest, arrested, withdrawn or resolved needs the date it was dealt with; an outstanding one has none".to_owned(),
                ));
            }
            let rag: Option<String> = self
                .tx
                .query_opt(
                    "SELECT rag FROM breach WHERE id = ?1",
                    &[Value::Integer(breach.id)],
                )?
                .map(|row| row.get("rag"))
                .transpose()?;
            if let Some(rag) = rag.as_deref().and_then(Rag::from_code) {
                crate::domain::breach::check_status(rag, *status).map_err(StoreError::Invalid)?;
            }
        }
        if let Change::Episode(
            episode,
            EpisodeEdit::Close {
                reason: ExitReason::Custody,
                ..
            },
        ) = change
        {
            let handover = self.newest_handover(episode.id)?;
            if let Some(why) = crate::domain::handover::close_refusal(handover.as_ref()) {
                return Err(StoreError::Invalid(why.to_owned()));
            }
        }
        self.check_order_link(change)?;
        let mut kept = Vec::new();
        let rows = if let Some((table, row, fields)) = edit_of(change) {
            allow(self.scope_of(table, row.id)?)?;
            let base = base_of(bases, table, row.id, &fields);
            let (written, theirs) =
                self.merge_row(table, row, base.as_deref(), &fields, Audited::Update, false)?;
            kept = theirs;
            written.into_iter().collect()
        } else {
            match change {
                Change::Referral {
                    client,
                    date,
                    source,
                } => self.refer(client, *date, *source, &allow)?,
                Change::AssessmentOutcome {
                    assessment,
                    outcome,
                    breach,
                    breach_at,
                } => self.assessment_outcome(
                    *assessment,
                    *outcome,
                    (*breach, *breach_at),
                    bases,
                    &allow,
                )?,
                Change::Reassign {
                    clients,
                    area_id,
                    care_coordinator_id,
                } => self.reassign(clients, *area_id, *care_coordinator_id, bases, &allow)?,
                Change::AddOrder { .. } | Change::AddReview { .. } => {
                    self.record_order(change, &allow)?
                }
                _ => vec![self.record(&me, change, &allow)?],
            }
        };
        Ok(Receipt {
            operation,
            rows,
            kept,
        })
    }

    /// The hand-over of the newest custody of the client of `episode_id`, if any.
    fn newest_handover(&self, episode_id: i64) -> StoreResult<Option<Handover>> {
        let found = self.tx.query_opt(
            "SELECT prison, coalesce(trim(handover_with), '') <> '' AS named, handover_on,
                    coalesce(trim(handover_waived), '') <> '' AS waived,
                    handover_prescribing, handover_consent
               FROM custody
              WHERE client_id = (SELECT client_id FROM episode WHERE id = ?1)
              ORDER BY reception_date DESC, id DESC LIMIT 1",
            &[Value::Integer(episode_id)],
        )?;
        let Some(r) = found else {
            return Ok(None);
        };
        Ok(Some(Handover {
            prison_known: r.get::<String>("prison")? != PRISON_NOT_KNOWN,
            named: r.get("named")?,
            contacted_on: r.get("handover_on")?,
            waived: r.get("waived")?,
            prescribing_confirmed: r.get("handover_prescribing")?,
            consent_confirmed: r.get("handover_consent")?,
        }))
    }

    /// Inserts the row of a change that records something new.
    #[allow(clippy::too_many_lines)] // one short arm per kind of record
    fn record(
        &self,
        me: &Worker,
        change: &Change,
        allow: &dyn Fn(ClientScope) -> StoreResult<()>,
    ) -> StoreResult<Written> {
        let client_scope = |id| self.scope_of("client", id).and_then(allow);
        let episode_scope = |id| self.scope_of("episode", id).and_then(allow);
        match change {
            Change::Contact {
                client_id,
                at,
                kind,
                note,
            } => {
                client_scope(*client_id)?;
                let new = NewContact {
                    client_id: *client_id,
                    worker_id: me.id,
                    contact_at: *at,
                    kind: *kind,
                    note: note.clone(),
                };
                self.inserted("contact", self.insert_contact(&new))
            }
            Change::BookAssessment {
                client_id,
                kind,
                at,
            } => {
                client_scope(*client_id)?;
                let new = NewRequiredAssessment {
                    client_id: *client_id,
                    kind: *kind,
                    appointment_at: *at,
                    outcome: None,
                };
                self.inserted("required_assessment", self.insert_required_assessment(&new))
            }
            Change::Reengagement {
                client_id,
                at,
                how,
                note,
            } => {
                client_scope(*client_id)?;
                let breach_id = self.outstanding_breach(*client_id, *at)?;
                let new = self.new_reengagement(breach_id, *at, *how, note)?;
                self.inserted("reengagement", self.insert_reengagement(&new))
            }
            Change::AddCustody {
                client_id,
                prison,
                reception_date,
                reception_kind,
                expected_release,
            } => {
                client_scope(*client_id)?;
                let new = NewCustody {
                    client_id: *client_id,
                    prison: prison.clone(),
                    reception_date: *reception_date,
                    reception_kind: *reception_kind,
                    expected_release_date: *expected_release,
                    earliest_release_date: None,
                    release_type: None,
                    checklist: Checklist::default(),
                    actual_release_date: None,
                };
                self.inserted("custody", self.insert_custody(&new))
            }
            Change::PositiveOutcome {
                episode_id,
                on,
                kind,
            } => {
                episode_scope(*episode_id)?;
                let new = NewOutcome {
                    episode_id: *episode_id,
                    recorded_on: *on,
                    kind: *kind,
                };
                self.inserted("positive_outcome", self.insert_outcome(&new))
            }
            Change::StartModality {
                episode_id,
                kind,
                on,
            } => {
                episode_scope(*episode_id)?;
                let new = NewModality {
                    episode_id: *episode_id,
                    kind: *kind,
                    started_on: *on,
                    ended_on: None,
                    completed: false,
                };
                self.inserted("modality", self.insert_modality(&new))
            }
            Change::DrugTest {
                client_id,
                on,
                kind,
                result,
            } => {
                client_scope(*client_id)?;
                let new = NewDrugTest {
                    client_id: *client_id,
                    tested_on: *on,
                    kind: *kind,
                    result: *result,
                };
                self.inserted("drug_test", self.insert_drug_test(&new))
            }
            Change::Outreach { on, signposted_to } => self.outreach(me, *on, *signposted_to, allow),
            other => Err(StoreError::Invalid(format!(
                "{:?} is not a record of something new",
                other.operation()
            ))),
        }
    }

    fn outreach(
        &self,
        me: &Worker,
        on: chrono::NaiveDate,
        signposted_to: Option<SignpostDestination>,
        allow: &dyn Fn(ClientScope) -> StoreResult<()>,
    ) -> StoreResult<Written> {
        // The role first: an admin (who has no area) hears the rule, not the area.
        self.authorise(Operation::Outreach, None)?;
        let area_id = me.area_id.ok_or_else(|| {
            StoreError::Invalid(
                "outreach is counted for your area, and your worker record has none: ask an admin to set it".to_owned(),
            )
        })?;
        allow(ClientScope {
            area_id,
            care_coordinator_id: None,
        })?;
        let new = NewOutreach {
            recorded_on: on,
            worker_id: me.id,
            area_id,
            signposted_to,
        };
        self.inserted("outreach", self.insert_outreach(&new))
    }

    fn refer(
        &self,
        client: &ReferralFor,
        date: chrono::NaiveDate,
        source: crate::domain::model::ReferralSource,
        allow: &dyn Fn(ClientScope) -> StoreResult<()>,
    ) -> StoreResult<Vec<Written>> {
        let mut rows = Vec::new();
        let client_id = match client {
            ReferralFor::NewClient(new) => {
                allow(ClientScope {
                    area_id: new.area_id,
                    care_coordinator_id: new.care_coordinator_id,
                })?;
                if let Some((client_id, reference)) = duplicate_of(self.tx, new)? {
                    return Err(StoreError::Duplicate {
                        client_id,
                        reference,
                    });
                }
                let written = self.inserted("client", self.insert_client(new))?;
                let id = written.row_id;
                rows.push(written);
                id
            }
            ReferralFor::Existing(id) => {
                allow(self.scope_of("client", *id)?)?;
                let open: bool = self
                    .tx
                    .query_row(
                        "SELECT EXISTS (SELECT 1 FROM episode WHERE client_id = ?1 AND closure_date IS NULL) AS open",
                        &[Value::Integer(*id)],
                    )?
                    .get("open")?;
                if open {
                    return Err(StoreError::Invalid(
                        "this client already has an open episode: update it, or close it before a new referral".to_owned(),
                    ));
                }
                *id
            }
        };
        let episode = NewEpisode::referral(client_id, date, source);
        rows.push(self.inserted("episode", self.insert_episode(&episode))?);
        Ok(rows)
    }

    fn assessment_outcome(
        &self,
        assessment: Versioned,
        outcome: AssessmentOutcome,
        (breach, breach_at): (Option<crate::domain::model::Rag>, Option<NaiveDateTime>),
        bases: &[RowBase],
        allow: &dyn Fn(ClientScope) -> StoreResult<()>,
    ) -> StoreResult<Vec<Written>> {
        allow(self.scope_of("required_assessment", assessment.id)?)?;
        let failed = outcome == AssessmentOutcome::FailedToAttend;
        if !failed && (breach.is_some() || breach_at.is_some()) {
            return Err(StoreError::Invalid(
                "a breach can only be raised when the client failed to attend".to_owned(),
            ));
        }
        // As the assessments import: a failed attendance is a breach, with its RAG.
        if failed && breach.is_none() {
            return Err(StoreError::Invalid(
                "failing to attend is a breach: give its RAG (red, amber or green)".to_owned(),
            ));
        }
        let table = "required_assessment";
        let fields = [("outcome", text(outcome.code()))];
        let base = base_of(bases, table, assessment.id, &fields);
        let mut rows: Vec<Written> = self
            .merge_row(
                table,
                assessment,
                base.as_deref(),
                &fields,
                Audited::Update,
                false,
            )?
            .0
            .into_iter()
            .collect();
        if let Some(rag) = breach {
            rows.push(self.inserted("breach", self.raise_breach(assessment.id, rag, breach_at))?);
        }
        Ok(rows)
    }

    fn reassign(
        &self,
        clients: &[Versioned],
        area_id: i64,
        care_coordinator_id: Option<i64>,
        bases: &[RowBase],
        allow: &dyn Fn(ClientScope) -> StoreResult<()>,
    ) -> StoreResult<Vec<Written>> {
        if let Some(id) = care_coordinator_id {
            let target: Option<(String, Option<i64>)> = self
                .tx
                .query_opt(
                    "SELECT role, area_id FROM worker WHERE id = ?1 AND active = 1",
                    &[Value::Integer(id)],
                )?
                .map(|row| Ok::<_, super::sql::Error>((row.get("role")?, row.get("area_id")?)))
                .transpose()?;
            let fits = target.is_some_and(|(role, area)| {
                area == Some(area_id)
                    && matches!(
                        Role::from_code(&role),
                        Some(Role::CareCoordinator | Role::TeamLeader)
                    )
            });
            if !fits {
                return Err(StoreError::Invalid(
                    "the new care co-ordinator must be an active care co-ordinator or team leader in the new area".to_owned(),
                ));
            }
        }
        let fields = [
            ("area_id", Value::Integer(area_id)),
            (
                "care_coordinator_id",
                care_coordinator_id.map_or(Value::Null, Value::Integer),
            ),
        ];
        let mut rows = Vec::new();
        let mut conflicts = Vec::new();
        for row in clients {
            allow(self.scope_of("client", row.id)?)?;
            let base = base_of(bases, "client", row.id, &fields);
            match self.merge_row(
                "client",
                *row,
                base.as_deref(),
                &fields,
                Audited::Reassign,
                false,
            ) {
                Ok((written, _)) => rows.extend(written),
                Err(StoreError::FieldConflicts(found)) => conflicts.extend(found),
                Err(other) => return Err(other),
            }
        }
        if conflicts.is_empty() {
            Ok(rows)
        } else {
            Err(StoreError::FieldConflicts(conflicts))
        }
    }
}
