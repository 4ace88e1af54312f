//! The checks a plan makes on each parsed row against its snapshot of the store:
//! names resolved, repeats within the file found, domain and role rules applied.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::domain::dates::{self, uk};
use crate::domain::model::{BreachStatus, Worker};
use crate::domain::roles::{self, ClientScope, Operation};
use crate::domain::twin;
use crate::store::{ImportKeys, ImportedEpisode, NewBreach, NewContact, format_timestamp};

use super::clients::{ClientCells, client_change};
use super::import::{Prepared, Rules};
use super::parse::{self, Cell, Problem, Row};

mod duties;
mod orders;

/// What a plan checks rows against: a snapshot of the store, the importer, and
/// what the file has said so far.
pub(super) struct Context {
    pub(super) areas: Vec<(String, i64)>,
    /// Lower-case login or name -> worker id.
    pub(super) names: HashMap<String, i64>,
    /// Workers who have left (inactive): they keep their contacts but take no new client.
    pub(super) left: HashSet<i64>,
    pub(super) keys: ImportKeys,
    pub(super) worker: Worker,
    pub(super) rules: Rules,
    pub(super) problems: Vec<Problem>,
    /// Natural keys already met in this file -> their line.
    pub(super) seen: HashMap<String, u64>,
}

impl Context {
    pub(super) fn problem(&mut self, line: u64, column: &str, message: String) {
        self.problems.push(Problem {
            line,
            column: Some(column.to_owned()),
            message,
        });
    }

    pub(super) fn client(&mut self, line: u64, reference: &str) -> Option<(i64, ClientScope)> {
        let found = self.keys.clients.get(reference).map(|(id, c)| {
            (
                *id,
                ClientScope {
                    area_id: c.area_id,
                    care_coordinator_id: c.care_coordinator_id,
                },
            )
        });
        if found.is_none() {
            self.problem(
                line,
                "client_reference",
                format!("no client '{reference}': import the clients first"),
            );
        }
        found
    }

    pub(super) fn worker_id(&mut self, line: u64, column: &str, text: &str) -> Option<i64> {
        let id = self.names.get(&text.to_lowercase()).copied();
        if id.is_none() {
            self.problem(
                line,
                column,
                format!("no worker with the login or name '{text}'"),
            );
        }
        id
    }

    /// Marks a natural key as met; a second row with it in the file is a problem.
    pub(super) fn once(&mut self, line: u64, column: &str, key: String) -> bool {
        match self.seen.get(&key) {
            None => {
                self.seen.insert(key, line);
                true
            }
            Some(&first) => {
                self.problem(line, column, format!("repeats line {first} of this file"));
                false
            }
        }
    }

    /// Refuses a date after today where the past is required.
    pub(super) fn past(&mut self, line: u64, column: &str, date: Option<NaiveDate>) -> bool {
        match date {
            Some(date) if date > self.rules.today => {
                self.problem(
                    line,
                    column,
                    format!(
                        "{} is after today ({}): it must be a date in the past",
                        uk(date),
                        uk(self.rules.today)
                    ),
                );
                false
            }
            _ => true,
        }
    }

    /// Refuses `date` in `column` if it is before `earlier` (named `what`).
    pub(super) fn not_before(
        &mut self,
        line: u64,
        column: &str,
        date: Option<NaiveDate>,
        earlier: Option<NaiveDate>,
        what: &str,
    ) -> bool {
        match (date, earlier) {
            (Some(date), Some(earlier)) if date < earlier => {
                self.problem(
                    line,
                    column,
                    format!(
                        "{} is before the {what} ({}): it cannot be",
                        uk(date),
                        uk(earlier)
                    ),
                );
                false
            }
            _ => true,
        }
    }

    pub(super) fn allowed(
        &mut self,
        line: u64,
        column: &str,
        op: Operation,
        scope: ClientScope,
    ) -> bool {
        match roles::check(Some(&self.worker), op, Some(scope)) {
            Ok(()) => true,
            Err(refusal) => {
                self.problem(line, column, format!("not imported: {refusal}"));
                false
            }
        }
    }

    /// Checks one parsed row; prepares it, or records why not in `problems`.
    pub(super) fn check(&mut self, line: u64, row: Row) -> Option<Prepared> {
        match row {
            Row::Client(c) => self.client_row(line, c),
            Row::Episode(e) => self.episode(line, &e),
            Row::Custody(c) => self.custody(line, c),
            Row::Contact(c) => self.contact(line, c),
            Row::Breach(b) => self.breach(line, &b),
            Row::DrugTest(t) => self.drug_test(line, &t),
            Row::Tally(t) => self.tally(line, &t),
            Row::Outcome(o) => self.outcome(line, &o),
            Row::Modality(m) => self.modality(line, &m),
            Row::BriefIntervention(b) => self.brief_interventions(line, &b),
            Row::Assessment(a) => self.assessment(line, &a),
            Row::Engagement(e) => self.engagement(line, &e),
            Row::Order(o) => self.order(line, &o),
            Row::Reengagement(r) => self.reengagement(line, r),
            Row::CourtReview(r) => self.court_review(line, &r),
        }
    }

    fn episode(&mut self, line: u64, e: &parse::EpisodeRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &e.client)?;
        let key = format!("episode|{client_id}|{}", e.referral_date);
        let closure = e.closure.map(|(date, _)| date);
        let ok = [
            self.once(line, "referral_date", key),
            self.past(line, "referral_date", Some(e.referral_date)),
            self.past(line, "assessment_date", e.assessment_date),
            self.past(line, "care_plan_date", e.care_plan_date),
            self.past(line, "engaged_on", e.engaged_on),
            self.not_before(
                line,
                "engaged_on",
                e.engaged_on,
                Some(e.referral_date),
                "referral date",
            ),
            self.past(line, "closure_date", closure),
            self.not_before(
                line,
                "assessment_date",
                e.assessment_date,
                Some(e.referral_date),
                "referral date",
            ),
            self.not_before(
                line,
                "care_plan_date",
                e.care_plan_date,
                Some(e.referral_date),
                "referral date",
            ),
            self.not_before(
                line,
                "closure_date",
                closure,
                Some(e.referral_date),
                "referral date",
            ),
            self.allowed(line, "client_reference", Operation::Refer, scope),
            closure.is_none() || self.allowed(line, "closure_date", Operation::Close, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({ "line": line, "client_id": client_id, "referral_date": e.referral_date.to_string() });
        Some(Prepared::Episode(
            ImportedEpisode {
                client_id,
                referral_date: e.referral_date,
                referral_source: e.referral_source,
                assessment_date: e.assessment_date,
                assessed_need: e.assessed_need,
                dan_advised: e.dan_advised,
                care_plan_date: e.care_plan_date,
                engaged: e.engaged,
                engaged_on: e.engaged_on,
                prescribed: e.prescribed,
                tier: e.tier,
                closure: e.closure,
            },
            audit.to_string(),
        ))
    }

    fn contact(&mut self, line: u64, c: parse::ContactRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &c.client)?;
        let worker_id = self.worker_id(line, "worker", &c.worker)?;
        let at = format_timestamp(c.contact_at);
        let key = format!(
            "contact|{client_id}|{at}|{}|{worker_id}|{}",
            c.kind.code(),
            c.note
        );
        let ok = [
            self.once(line, "contact_at", key),
            self.past(line, "contact_at", Some(c.contact_at.date())),
            self.allowed(line, "client_reference", Operation::RecordContact, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({ "line": line, "client_id": client_id, "contact_at": at });
        Some(Prepared::Contact(
            NewContact {
                client_id,
                worker_id,
                contact_at: c.contact_at,
                kind: c.kind,
                note: c.note,
            },
            audit.to_string(),
        ))
    }

    fn breach(&mut self, line: u64, b: &parse::BreachRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &b.client)?;
        let at = format_timestamp(b.raised_at);
        let status_ok = (b.status == BreachStatus::Outstanding) == b.resolution_date.is_none();
        if !status_ok {
            self.problem(
                line,
                "resolution_date",
                "give a resolution date exactly when the status is not outstanding".to_owned(),
            );
        }
        // The breach form's rule: a red breach is dealt with only once arrested.
        let rag_ok = crate::domain::breach::check_status(b.rag, b.status)
            .map_err(|message| self.problem(line, "status", message))
            .is_ok();
        let ok = [
            self.once(line, "raised_at", format!("breach|{client_id}|{at}")),
            self.past(line, "raised_at", Some(b.raised_at.date())),
            self.past(line, "resolution_date", b.resolution_date),
            self.not_before(
                line,
                "resolution_date",
                b.resolution_date,
                Some(b.raised_at.date()),
                "date it was raised",
            ),
            status_ok,
            rag_ok,
            self.allowed(line, "client_reference", Operation::EditClient, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({ "line": line, "client_id": client_id, "raised_at": at });
        Some(Prepared::Breach(
            NewBreach {
                client_id,
                required_assessment_id: None,
                raised_at: b.raised_at,
                rag: b.rag,
                status: b.status,
                resolution_date: b.resolution_date,
            },
            audit.to_string(),
        ))
    }

    fn client_row(&mut self, line: u64, c: parse::ClientRow) -> Option<Prepared> {
        let area = self
            .areas
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&c.area))
            .map(|(_, id)| *id);
        if area.is_none() {
            let known: Vec<&str> = self.areas.iter().map(|(name, _)| name.as_str()).collect();
            self.problem(
                line,
                "area",
                format!("no area '{}'; areas: {}", c.area, known.join(", ")),
            );
        }
        let coordinator = match &c.care_coordinator {
            Cell::Keep => Some(Cell::Keep),
            Cell::Clear => Some(Cell::Clear),
            Cell::Set(text) => match self.worker_id(line, "care_coordinator", text) {
                // A client may stay with someone who has left until reassigned, but is
                // not given to them.
                Some(id)
                    if self.left.contains(&id)
                        && self
                            .keys
                            .clients
                            .get(&c.reference)
                            .is_none_or(|(_, s)| s.care_coordinator_id != Some(id)) =>
                {
                    self.problem(
                        line,
                        "care_coordinator",
                        format!(
                            "{text} has left the team (their worker record is inactive): give \
                             a current care co-ordinator, or leave the cell blank"
                        ),
                    );
                    None
                }
                found => found.map(Cell::Set),
            },
        };
        // A date after today is refused as such, below.
        if c.date_of_birth <= self.rules.today {
            if let Err(why) = dates::check_date_of_birth(c.date_of_birth, self.rules.today) {
                self.problem(line, "date_of_birth", why);
            }
        }
        if !self.once(line, "reference", format!("client|{}", c.reference)) {
            return None;
        }
        let key = twin::key(&c.family_name, &c.given_name, c.date_of_birth);
        if let Some(first) = self.seen.get(&format!("person|{key}")) {
            let first = *first;
            self.problem(line, "reference", format!(
                "{} {} born {} appears on line {first} of this file under another reference: not created",
                c.given_name, c.family_name, uk(c.date_of_birth)));
            return None;
        }
        self.seen.insert(format!("person|{key}"), line);
        let cells = ClientCells {
            reference: c.reference,
            given_name: c.given_name,
            family_name: c.family_name,
            date_of_birth: c.date_of_birth,
            area_id: area?,
            sex: c.sex,
            ethnicity: c.ethnicity,
            nhs_number: c.nhs_number,
            care_coordinator_id: coordinator?,
            consent_date: c.consent_date,
            substances: c.substances,
            flags: c.flags,
            gp_practice: c.gp_practice,
            prescriber: c.prescriber,
            domestic_abuse: c.domestic_abuse,
        };
        let stored = self.keys.clients.get(&cells.reference).cloned();
        let twin_of = self.keys.people.get(&key).cloned();
        match client_change(
            line,
            &cells,
            stored.as_ref(),
            twin_of,
            &self.worker,
            self.rules,
        ) {
            Ok(_) => Some(Prepared::Client(Box::new(cells))),
            Err(mut problems) => {
                self.problems.append(&mut problems);
                None
            }
        }
    }
}
