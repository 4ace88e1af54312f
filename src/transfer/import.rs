//! Checking parsed rows and writing them, in two steps so that the write lock is held
//! briefly:
//!
//! 1. [`plan`] reads a snapshot (areas, workers, clients) outside any write
//!    transaction, resolves names, applies every domain and role rule, and prepares each
//!    row: its values and its audit text.
//! 2. [`run`] opens one `BEGIN IMMEDIATE` transaction and checks each prepared row again
//!    against the database as it is now (natural keys, twins, the client's current values
//!    and area), inserting or updating with prepared statements. It commits only with
//!    `apply` and no problem; otherwise it rolls back. A dry run is therefore the apply,
//!    rolled back: the same rules and the same schema constraints, so a file whose dry
//!    run found no problem cannot fail on a row when applied.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::domain::dates::{self, uk};
use crate::domain::model::{BreachStatus, Worker};
use crate::domain::roles::{self, ClientScope, Operation};
use crate::domain::substances::AlcoholRule;
use crate::domain::twin;
use crate::store::{
    Actor, ImportKeys, NewBreach, NewContact, NewCustody, NewEpisode, Store, StoreResult,
    format_timestamp,
};

use super::clients::{ClientCells, client_change};
use super::parse::{self, CLEAR, Cell, Kind, Parsed, Problem, Row};
use super::write::{Writer, row_problem};

/// The settings an import is checked with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Today (from `--today` or the clock): dates that must be past may not be after it.
    pub today: NaiveDate,
    /// Whether alcohol may be the primary substance (the forms' setting).
    pub alcohol: AlcoholRule,
}

/// One row ready to write: its values and (for inserts) its audit text.
#[derive(Debug, Clone)]
pub enum Prepared {
    /// A client: created, or merged into the stored one by reference.
    Client(Box<ClientCells>),
    /// An episode.
    Episode(NewEpisode, String),
    /// A custody episode.
    Custody(NewCustody, String),
    /// A contact.
    Contact(NewContact, String),
    /// A breach.
    Breach(NewBreach, String),
}

/// A checked file: every row ready to write, and every problem found so far.
#[derive(Debug, Clone)]
pub struct Plan {
    /// (line, row), in the order they are written (file order; contacts by client
    /// and time).
    pub rows: Vec<(u64, Prepared)>,
    /// Problems, by line.
    pub problems: Vec<Problem>,
    pub(super) kind: Kind,
    pub(super) rules: Rules,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Rows created.
    pub created: usize,
    /// Clients updated.
    pub updated: usize,
    /// Rows already recorded exactly so.
    pub unchanged: usize,
    /// Each client update: line, reference, changed fields, emptied columns.
    pub updates: Vec<(u64, String, Vec<&'static str>, Vec<&'static str>)>,
    /// Every problem, by line; any problem means nothing was written.
    pub problems: Vec<Problem>,
    /// Whether the rows were committed.
    pub written: bool,
    /// Whether the file held clients (the only kind that updates).
    pub clients: bool,
}

impl Outcome {
    /// How many values each column had emptied by [`CLEAR`].
    #[must_use]
    pub fn cleared(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for column in self.updates.iter().flat_map(|u| &u.3) {
            *counts.entry(*column).or_insert(0) += 1;
        }
        counts
    }

    /// A report for people: totals, each update and what it empties, every problem.
    #[must_use]
    pub fn summary(&self) -> String {
        let verb = if self.written { "" } else { "would be " };
        let mut out = format!(
            "{} {verb}created, {} unchanged",
            self.created, self.unchanged
        );
        if self.clients {
            let _ = write!(out, ", {} {verb}updated", self.updated);
        }
        let _ = writeln!(out, ", {} problem(s)", self.problems.len());
        for (line, reference, fields, cleared) in &self.updates {
            let _ = write!(
                out,
                "line {line}: client {reference} {verb}updated: {}",
                fields.join(", ")
            );
            if !cleared.is_empty() {
                let _ = write!(out, "; emptied by {CLEAR}: {}", cleared.join(", "));
            }
            out.push('\n');
        }
        if !self.updates.is_empty() {
            let cleared = self.cleared();
            if cleared.is_empty() {
                let _ = writeln!(out, "No field {verb}emptied.");
            } else {
                let counts: Vec<String> = cleared.iter().map(|(c, n)| format!("{c} {n}")).collect();
                let _ = writeln!(out, "Fields {verb}emptied: {}.", counts.join(", "));
            }
        }
        for problem in &self.problems {
            let _ = writeln!(out, "{problem}");
        }
        if !self.problems.is_empty() {
            out.push_str("Nothing was written: fix the problems and import again.\n");
        } else if !self.written && self.created + self.updated > 0 {
            out.push_str("Dry run: nothing was written; add --apply to import.\n");
        }
        out
    }
}

/// Parses `bytes` and checks every row as `login` would import it.
///
/// # Errors
/// An SQLite error reading the store.
pub fn plan_file(
    store: &Store,
    kind: Kind,
    bytes: &[u8],
    login: &str,
    rules: Rules,
) -> StoreResult<Plan> {
    plan(store, kind, parse::parse(kind, bytes), login, rules)
}

/// Checks parsed rows against a snapshot of `store`, outside any write transaction:
/// resolves areas, workers and client references, finds repeats within the file, and
/// applies the domain and role rules, preparing each clean row.
///
/// # Errors
/// An SQLite error reading the store.
pub fn plan(
    store: &Store,
    kind: Kind,
    parsed: Parsed,
    login: &str,
    rules: Rules,
) -> StoreResult<Plan> {
    let mut plan = Plan {
        rows: Vec::new(),
        problems: parsed.problems,
        kind,
        rules,
    };
    let Some(worker) = store.worker_by_login(login)? else {
        plan.problems.insert(
            0,
            Problem {
                line: 1,
                column: None,
                message: format!(
                    "{}: nothing can be imported",
                    roles::no_worker_message(login)
                ),
            },
        );
        return Ok(plan);
    };
    let mut names = HashMap::new();
    for w in store.workers()? {
        for name in w.login.iter().chain([&w.name]) {
            names.entry(name.to_lowercase()).or_insert(w.id);
        }
    }
    let mut ctx = Context {
        areas: store.areas()?.into_iter().map(|a| (a.name, a.id)).collect(),
        names,
        keys: store.import_keys()?,
        worker,
        rules,
        problems: Vec::new(),
        seen: HashMap::new(),
    };
    for (line, row) in parsed.rows {
        if let Some(prepared) = ctx.check(line, row) {
            plan.rows.push((line, prepared));
        }
    }
    plan.problems.append(&mut ctx.problems);
    plan.problems.sort_by_key(|p| p.line);
    // Contacts are written in the order of their natural key, so that each index page
    // is visited once, not once per row: it shortens a large import's write lock
    // several times over. (Other kinds keep file order: which of two open episodes is
    // refused depends on it.)
    plan.rows.sort_by(|(a_line, a), (b_line, b)| match (a, b) {
        (Prepared::Contact(a, _), Prepared::Contact(b, _)) => {
            (a.client_id, a.contact_at, a_line).cmp(&(b.client_id, b.contact_at, b_line))
        }
        _ => a_line.cmp(b_line),
    });
    Ok(plan)
}

/// Writes `plan` as `actor` in one short transaction, checking every row again against
/// the database as it is now; commits only if `apply` and no row has a problem.
///
/// # Errors
/// A store error that is not about a row (the database cannot be written, say).
pub fn run(store: &mut Store, actor: &Actor, plan: &Plan, apply: bool) -> StoreResult<Outcome> {
    store.write_or_roll_back(actor, apply, |tx| {
        let mut outcome = Outcome {
            problems: plan.problems.clone(),
            clients: plan.kind == Kind::Clients,
            ..Outcome::default()
        };
        if plan.rows.is_empty() && !plan.problems.is_empty() {
            return Ok((outcome, false));
        }
        let mut writer = Writer {
            tx,
            worker: tx.importer()?,
            plan,
            scopes: HashMap::new(),
            outcome: &mut outcome,
        };
        for (line, row) in &plan.rows {
            if let Err(e) = writer.row(*line, row) {
                let problem = row_problem(plan.kind, *line, e)?;
                writer.outcome.problems.push(problem);
            }
        }
        outcome.problems.sort_by_key(|p| p.line);
        outcome.written = apply && outcome.problems.is_empty();
        let keep = outcome.written;
        Ok((outcome, keep))
    })
}

/// [`run`] with `apply`: writes every row, or nothing if any has a problem.
///
/// # Errors
/// As [`run`].
pub fn apply(store: &mut Store, actor: &Actor, plan: &Plan) -> StoreResult<Outcome> {
    run(store, actor, plan, true)
}

/// [`run`] rolled back: reports what applying would do, writing nothing.
///
/// # Errors
/// As [`run`].
pub fn dry_run(store: &mut Store, actor: &Actor, plan: &Plan) -> StoreResult<Outcome> {
    run(store, actor, plan, false)
}

struct Context {
    areas: Vec<(String, i64)>,
    /// Lower-case login or name -> worker id.
    names: HashMap<String, i64>,
    keys: ImportKeys,
    worker: Worker,
    rules: Rules,
    problems: Vec<Problem>,
    /// Natural keys already met in this file -> their line.
    seen: HashMap<String, u64>,
}

impl Context {
    fn problem(&mut self, line: u64, column: &str, message: String) {
        self.problems.push(Problem {
            line,
            column: Some(column.to_owned()),
            message,
        });
    }

    fn client(&mut self, line: u64, reference: &str) -> Option<(i64, ClientScope)> {
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

    fn worker_id(&mut self, line: u64, column: &str, text: &str) -> Option<i64> {
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
    fn once(&mut self, line: u64, column: &str, key: String) -> bool {
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
    fn past(&mut self, line: u64, column: &str, date: Option<NaiveDate>) -> bool {
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
    fn not_before(
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

    fn allowed(&mut self, line: u64, column: &str, op: Operation, scope: ClientScope) -> bool {
        match roles::check(Some(&self.worker), op, Some(scope)) {
            Ok(()) => true,
            Err(refusal) => {
                self.problem(line, column, format!("not imported: {refusal}"));
                false
            }
        }
    }

    fn check(&mut self, line: u64, row: Row) -> Option<Prepared> {
        match row {
            Row::Client(c) => self.client_row(line, c),
            Row::Episode(e) => self.episode(line, &e),
            Row::Custody(c) => self.custody(line, c),
            Row::Contact(c) => self.contact(line, c),
            Row::Breach(b) => self.breach(line, &b),
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
            NewEpisode {
                client_id,
                referral_date: e.referral_date,
                referral_source: e.referral_source,
                assessment_date: e.assessment_date,
                care_plan_date: e.care_plan_date,
                next_review_date: None,
                engaged: e.engaged,
                prescribed: e.prescribed,
                tier: e.tier,
                exit_plan: None,
                extension: None,
                closure: e.closure,
            },
            audit.to_string(),
        ))
    }

    fn custody(&mut self, line: u64, c: parse::CustodyRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &c.client)?;
        let key = format!("custody|{client_id}|{}", c.reception_date);
        let earliest_ok = match (c.earliest_release_date, c.expected_release_date) {
            (Some(earliest), Some(expected)) if earliest > expected => {
                self.problem(line, "earliest_release_date", format!(
                    "{} is after the expected release date ({}): the earliest release cannot be later",
                    uk(earliest), uk(expected)));
                false
            }
            _ => true,
        };
        let ok = [
            self.once(line, "reception_date", key),
            self.past(line, "reception_date", Some(c.reception_date)),
            self.past(line, "actual_release_date", c.actual_release_date),
            self.not_before(
                line,
                "actual_release_date",
                c.actual_release_date,
                Some(c.reception_date),
                "reception date",
            ),
            earliest_ok,
            self.allowed(line, "client_reference", Operation::EditClient, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({ "line": line, "client_id": client_id, "reception_date": c.reception_date.to_string() });
        Some(Prepared::Custody(
            NewCustody {
                client_id,
                prison: c.prison,
                reception_date: c.reception_date,
                expected_release_date: c.expected_release_date,
                earliest_release_date: c.earliest_release_date,
                release_type: c.release_type,
                checklist: crate::domain::release::Checklist::default(),
                actual_release_date: c.actual_release_date,
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
            Cell::Set(text) => self
                .worker_id(line, "care_coordinator", text)
                .map(Cell::Set),
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
