//! The write step of an import: inside one `BEGIN IMMEDIATE` transaction, each
//! prepared row is checked again against the database as it is now and written with
//! prepared statements; a row the database refuses becomes a problem in words.

use std::collections::HashMap;

use crate::domain::model::TestResult;
use crate::domain::model::Worker;
use crate::domain::roles::{self, ClientScope, Operation};
use crate::domain::twin;
use crate::store::{
    Differs, EpisodeImported, Imported, ImportedAssessment, ImportedBriefInterventions,
    ImportedEpisode, NewDrugTest, NewTally, OPEN_CUSTODY, OPEN_EPISODE, StoreError, StoreResult,
    Tx,
};

use super::clients::{ClientCells, ClientChange, ClientUpdate, client_change, client_json};
use super::import::{Outcome, Plan, Prepared};
use super::parse::{Kind, Problem};

/// The write step's state: the transaction, the importer as the database has them
/// now, and each client's area as it is now (read once per client).
pub(super) struct Writer<'a, 'b> {
    pub(super) tx: &'a Tx<'b>,
    pub(super) worker: Worker,
    pub(super) plan: &'a Plan,
    pub(super) scopes: HashMap<i64, Option<ClientScope>>,
    /// Contacts checked and left staged, to be inserted together once every row is
    /// checked (`Tx::insert_staged_contacts`).
    pub(super) contacts: usize,
    pub(super) outcome: &'a mut Outcome,
}

impl Writer<'_, '_> {
    /// Writes one prepared row, or returns why it cannot be.
    pub(super) fn row(&mut self, line: u64, row: &Prepared) -> StoreResult<()> {
        let (client_id, ops): (i64, &[Operation]) = match row {
            Prepared::Client(cells) => return self.client(line, cells),
            Prepared::Tally(t, area, audit) => return self.tally(line, t, area, audit),
            Prepared::BriefInterventions(b, area, audit) => {
                return self.brief_interventions(line, b, area, audit);
            }
            Prepared::Episode(e, _) if e.closure.is_some() => {
                (e.client_id, &[Operation::Refer, Operation::Close])
            }
            Prepared::Episode(e, _) => (e.client_id, &[Operation::Refer]),
            Prepared::Custody(c, _) => (c.client_id, &[Operation::EditClient]),
            Prepared::Contact(c, _) => (c.client_id, &[Operation::RecordContact]),
            Prepared::Breach(b, _) => (b.client_id, &[Operation::EditClient]),
            Prepared::DrugTest(t, _) => (t.client_id, &[Operation::EditClient]),
            Prepared::Outcome(o, _) => (o.client_id, &[Operation::EditClient]),
            Prepared::Modality(m, _) => (m.client_id, &[Operation::EditClient]),
            Prepared::Assessment(a, _) => (a.client_id, &[Operation::RecordAppointment]),
            Prepared::Engagement(e, _) => (e.client_id, &[Operation::EditClient]),
            Prepared::Order(o, _) => (o.client_id, &[Operation::EditClient]),
            Prepared::Reengagement(r, _) => (r.client_id, &[Operation::RecordContact]),
            Prepared::CourtReview(r, _) => (r.client_id, &[Operation::EditClient]),
        };
        for op in ops {
            self.allow(client_id, *op)?;
        }
        let inserted = match row {
            Prepared::Client(_) | Prepared::Tally(..) | Prepared::BriefInterventions(..) => {
                return Ok(());
            }
            Prepared::Episode(e, audit) => return self.episode(line, e, audit),
            Prepared::DrugTest(t, audit) => match self.tx.import_drug_test(t, audit)? {
                Ok(inserted) => inserted,
                Err(stored) => {
                    self.outcome.problems.push(test_differs(line, t, &stored));
                    return Ok(());
                }
            },
            Prepared::Assessment(a, audit) => return self.assessment(line, a, audit),
            Prepared::Engagement(e, audit) => {
                match self.tx.import_engagement(e, audit)? {
                    Ok(Imported::Updated) => self.outcome.updated += 1,
                    Ok(_) => self.outcome.unchanged += 1,
                    Err(stored) => self.outcome.problems.push(Problem {
                        line,
                        column: Some("engaged_on".to_owned()),
                        message: format!(
                            "this episode is recorded as engaged from {}, and an import never \
                             changes the day: correct the row, or change it on the engaged form",
                            crate::domain::dates::uk(stored)
                        ),
                    }),
                }
                return Ok(());
            }
            Prepared::Custody(c, audit) => return self.custody(line, c, audit),
            Prepared::Reengagement(r, audit) => return self.reengagement(line, r, audit),
            Prepared::CourtReview(r, audit) => return self.court_review(line, r, audit),
            Prepared::Contact(..) => {
                self.contacts += 1;
                return Ok(());
            }
            Prepared::Breach(b, audit) => self.tx.import_breach(b, audit)?,
            Prepared::Outcome(o, audit) => self.tx.import_outcome(o, audit)?,
            Prepared::Modality(m, audit) => self.tx.import_modality(m, audit)?,
            Prepared::Order(o, audit) => self.tx.import_order(o, audit)?,
        };
        if inserted.is_some() {
            self.outcome.created += 1;
        } else {
            self.outcome.unchanged += 1;
        }
        Ok(())
    }

    /// An episode: created, unchanged, its assessment recorded on the stored one (the
    /// report names the columns), or refused naming each value the stored one differs in.
    fn episode(&mut self, line: u64, e: &ImportedEpisode, audit: &str) -> StoreResult<()> {
        match self.tx.import_episode(e, audit)? {
            EpisodeImported::Created(_) => self.outcome.created += 1,
            EpisodeImported::Unchanged => self.outcome.unchanged += 1,
            EpisodeImported::Assessed(columns) => {
                self.outcome.updated += 1;
                let episode = format!(
                    "{}'s episode of {}",
                    self.tx.client_reference(e.client_id)?,
                    crate::domain::dates::uk(e.referral_date)
                );
                self.outcome
                    .updates
                    .push((line, episode, columns, Vec::new()));
            }
            EpisodeImported::Differs(differs) => {
                self.outcome.problems.push(recorded_differs(
                    line,
                    "this episode",
                    &differs,
                    "an import changes an episode only to record its assessment \
                     (assessed_need, and the assessment_date where none is stored): correct \
                     the row, leave those cells blank, or change the episode on its forms",
                ));
            }
        }
        Ok(())
    }

    /// The role rules against the client's area and co-ordinator as they are now.
    fn allow(&mut self, client_id: i64, op: Operation) -> StoreResult<()> {
        let scope = if let Some(scope) = self.scopes.get(&client_id) {
            *scope
        } else {
            let scope = self.tx.client_scope(client_id)?;
            self.scopes.insert(client_id, scope);
            scope
        };
        let scope = scope.ok_or_else(|| StoreError::NotFound {
            entity: "client",
            key: format!("#{client_id}"),
        })?;
        roles::check(Some(&self.worker), op, Some(scope))
            .map_err(|refusal| StoreError::NotAllowed(format!("not imported: {refusal}")))
    }

    /// A custody-suite tally: the importer's right to tally in its area as it is now,
    /// and a day already tallied with other counts refused (never replaced).
    fn tally(&mut self, line: u64, t: &NewTally, area: &str, audit: &str) -> StoreResult<()> {
        let scope = ClientScope {
            area_id: t.area_id,
            care_coordinator_id: None,
        };
        roles::check(Some(&self.worker), Operation::CustodyTally, Some(scope))
            .map_err(|refusal| StoreError::NotAllowed(format!("not imported: {refusal}")))?;
        match self.tx.import_tally(t, audit)? {
            Ok(Some(_)) => self.outcome.created += 1,
            Ok(None) => self.outcome.unchanged += 1,
            Err(stored) => self.outcome.problems.push(Problem {
                line,
                column: Some("recorded_on".to_owned()),
                message: format!(
                    "{} already has a tally for this day: {} charged, {} tested, {} positive; \
                     an import never replaces one: correct the row, or replace the day with \
                     `caseload tally --replace`",
                    area, stored.charged, stored.tested, stored.positive
                ),
            }),
        }
        Ok(())
    }

    /// Brief interventions: the importer's right to record outreach in the area as it
    /// is now, and another number stored for the worker's day and outcome refused.
    fn brief_interventions(
        &mut self,
        line: u64,
        b: &ImportedBriefInterventions,
        area: &str,
        audit: &str,
    ) -> StoreResult<()> {
        let scope = ClientScope {
            area_id: b.area_id,
            care_coordinator_id: None,
        };
        roles::check(Some(&self.worker), Operation::Outreach, Some(scope))
            .map_err(|refusal| StoreError::NotAllowed(format!("not imported: {refusal}")))?;
        match self.tx.import_brief_interventions(b, audit)? {
            Ok(true) => self.outcome.created += 1,
            Ok(false) => self.outcome.unchanged += 1,
            Err(stored) => self.outcome.problems.push(Problem {
                line,
                column: Some("count".to_owned()),
                message: format!(
                    "{stored} such brief interventions are recorded already in {area} for this \
                     worker, day and outcome, and the file says {}; an import never adds to or \
                     replaces them: write {stored}, or record the difference on the outreach \
                     form (T)",
                    b.count
                ),
            }),
        }
        Ok(())
    }

    /// An appointment: created, its outcome recorded (and a failed attendance's breach
    /// raised), or another stored outcome reported.
    fn assessment(&mut self, line: u64, a: &ImportedAssessment, audit: &str) -> StoreResult<()> {
        match self.tx.import_assessment(a, audit)? {
            Ok(Imported::Created) => self.outcome.created += 1,
            Ok(Imported::Updated) => self.outcome.updated += 1,
            Ok(Imported::Unchanged) => self.outcome.unchanged += 1,
            Err(stored) => self.outcome.problems.push(Problem {
                line,
                column: Some("outcome".to_owned()),
                message: format!(
                    "this appointment is recorded already as {}, and an import never changes \
                     an outcome: correct the row, or leave its outcome blank",
                    stored.label()
                ),
            }),
        }
        Ok(())
    }

    fn client(&mut self, line: u64, cells: &ClientCells) -> StoreResult<()> {
        let stored = self.tx.client_by_reference(&cells.reference)?;
        let key = twin::key(&cells.family_name, &cells.given_name, cells.date_of_birth);
        let twin_of = self.tx.twin_holder(&key)?;
        let change = match client_change(
            line,
            cells,
            stored.as_ref(),
            twin_of,
            &self.worker,
            self.plan.rules,
        ) {
            Ok(change) => change,
            Err(mut problems) => {
                self.outcome.problems.append(&mut problems);
                return Ok(());
            }
        };
        match change {
            ClientChange::Unchanged => self.outcome.unchanged += 1,
            ClientChange::Create(client) => {
                self.tx
                    .import_client(&client, &client_json(&client).to_string())?;
                self.outcome.created += 1;
            }
            ClientChange::Update(update) => {
                let ClientUpdate {
                    id,
                    before,
                    after,
                    changed,
                    cleared,
                } = *update;
                self.tx.import_client_update(
                    id,
                    &after,
                    &client_json(&before).to_string(),
                    &client_json(&after).to_string(),
                )?;
                self.outcome.updated += 1;
                self.outcome
                    .updates
                    .push((line, cells.reference.clone(), changed, cleared));
            }
        }
        Ok(())
    }
}

/// A row stored already that the import's row contradicts (`what`: "this episode"),
/// as a problem naming each value, then what the user can do (`instead`).
pub(super) fn recorded_differs(
    line: u64,
    what: &str,
    differs: &[Differs],
    instead: &str,
) -> Problem {
    let values: Vec<String> = differs
        .iter()
        .map(|d| format!("{} {} (stored: {})", d.column, d.file, d.stored))
        .collect();
    Problem {
        line,
        column: differs.first().map(|d| d.column.to_owned()),
        message: format!(
            "{what} is recorded already, and the row says otherwise: {}; {instead}",
            values.join(", ")
        ),
    }
}

/// A drug test stored already with another result, as a problem naming it.
fn test_differs(line: u64, t: &NewDrugTest, stored: &[TestResult]) -> Problem {
    let stored: Vec<&str> = stored.iter().map(|r| r.label()).collect();
    Problem {
        line,
        column: Some("result".to_owned()),
        message: format!(
            "a {} test on {} is recorded already as {}; a corrected result is never stored \
             as a second test, and an import never changes one: correct the row, or have the \
             stored test corrected first",
            t.kind.label(),
            crate::domain::dates::uk(t.tested_on),
            stored.join(" and ")
        ),
    }
}

/// A row the database refused, as a problem in words on its line; an error that is not
/// about the row (I/O, a busy database) is passed on.
pub(super) fn row_problem(kind: Kind, line: u64, e: StoreError) -> StoreResult<Problem> {
    let key_column = match kind {
        Kind::Clients => "reference",
        Kind::Tallies | Kind::BriefInterventions => "area",
        _ => "client_reference",
    };
    let (column, message) = match e {
        // The one row-level refusal of an outcome: no episode with that referral date.
        StoreError::Invalid(why) if matches!(kind, Kind::Outcomes | Kind::Engagement) => {
            (Some("referral_date".to_owned()), why)
        }
        // A modality's: no such episode, or the stored one says otherwise.
        StoreError::Invalid(why) if kind == Kind::Modalities => {
            let column = if why.starts_with("the client has no episode") {
                "referral_date"
            } else {
                "started_on"
            };
            (Some(column.to_owned()), why)
        }
        // An appointment's: the breach dating rule (breach_time) at the moment of writing.
        StoreError::Invalid(why) if kind == Kind::Assessments => {
            (Some("breached_at".to_owned()), why)
        }
        // An order's: another in force, or the stored one says otherwise.
        StoreError::Invalid(why) if kind == Kind::Orders => {
            let column = if why.contains("in force") {
                "ended_on"
            } else {
                "start_date"
            };
            (Some(column.to_owned()), why)
        }
        // One open record per client: the row's own closing date would have let it in.
        StoreError::Invalid(why) if why == OPEN_EPISODE => (Some("closure_date".to_owned()), why),
        StoreError::Invalid(why) if why == OPEN_CUSTODY => {
            (Some("actual_release_date".to_owned()), why)
        }
        StoreError::NotAllowed(why) | StoreError::Invalid(why) => {
            (Some(key_column.to_owned()), why)
        }
        StoreError::Duplicate { reference, .. } => (
            Some("reference".to_owned()),
            format!(
                "this person is already client {reference}: not created (a duplicate by name and date of birth)"
            ),
        ),
        StoreError::NotFound { .. } => (
            Some(key_column.to_owned()),
            "this client is no longer in the database: import the clients again".to_owned(),
        ),
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(failure, message))
            if failure.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            constraint_words(kind, key_column, message.as_deref().unwrap_or_default())
        }
        other => return Err(other),
    };
    Ok(Problem {
        line,
        column,
        message,
    })
}

/// Words for a constraint SQLite enforced, naming the column where it can.
fn constraint_words(kind: Kind, key_column: &str, text: &str) -> (Option<String>, String) {
    match text {
        "UNIQUE constraint failed: breach.client_id, breach.raised_at" => (
            Some("breached_at".to_owned()),
            "the client has a breach raised at this time already: give breached_at a later \
             minute, or leave this appointment's outcome to its form"
                .to_owned(),
        ),
        "UNIQUE constraint failed: client.reference" => (
            Some("reference".to_owned()),
            "a client with this reference was created meanwhile: import the file again".to_owned(),
        ),
        _ if text.starts_with("FOREIGN KEY") => (
            Some(key_column.to_owned()),
            "refers to a client or worker that is no longer in the database: import again"
                .to_owned(),
        ),
        _ => {
            let mut columns: Vec<&str> = kind.columns().iter().map(|(c, _)| *c).collect();
            columns.sort_by_key(|c| std::cmp::Reverse(c.len()));
            let column = columns.into_iter().find(|c| text.contains(c));
            (
                column.map(str::to_owned),
                "a rule of the record refuses this value: check it against the Import files section of the README"
                    .to_owned(),
            )
        }
    }
}
