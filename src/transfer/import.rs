//! Checking parsed rows and writing them, in two steps so that the write lock is held
//! briefly:
//!
//! 1. [`plan`] reads a snapshot (areas, workers, clients) outside any write
//!    transaction, resolves names, applies every domain and role rule, and prepares each
//!    row: its values and its audit text.
//! 2. [`run`] opens one `BEGIN IMMEDIATE` transaction and checks each prepared row again
//!    against the database as it is now (natural keys, twins, the client's current values
//!    and area), inserting or updating with prepared statements (a contacts file's rows
//!    are staged on the connection before the lock and copied with one statement). It
//!    commits only with `apply` and no problem; otherwise it rolls back. A dry run is
//!    the same write rolled back (on SQLite on a private copy of the database, one read
//!    snapshot, so it takes no write lock; on PostgreSQL in the database, where writers
//!    do not exclude each other): the same rules and the same schema constraints, so a
//!    file whose dry run found no problem cannot fail on a row when applied.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::domain::roles;
use crate::domain::substances::AlcoholRule;
use crate::store::{
    Actor, ImportedAssessment, ImportedBriefInterventions, ImportedEngagement, ImportedEpisode,
    ImportedModality, ImportedOutcome, NewBreach, NewContact, NewDrugTest, NewTally, Store,
    StoreResult, Tx,
};

use super::check::Context;
use super::clients::ClientCells;
use super::parse::{self, CLEAR, Kind, Parsed, Problem};
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
    /// An episode, as the file states it.
    Episode(ImportedEpisode, String),
    /// A custody episode, with what the file says of its hand-over.
    Custody(Box<crate::store::ImportedCustody>, String),
    /// A contact.
    Contact(NewContact, String),
    /// A breach.
    Breach(NewBreach, String),
    /// A drug test.
    DrugTest(NewDrugTest, String),
    /// A custody-suite tally, with its area's name (for messages) and audit text.
    Tally(NewTally, String, String),
    /// A positive outcome, with the client and referral date of its episode (found in
    /// the write) and the audit text.
    Outcome(ImportedOutcome, String),
    /// A modality, with the client and referral date of its episode (found in the
    /// write) and the audit text.
    Modality(ImportedModality, String),
    /// Brief interventions, with their area's name (for messages) and audit text.
    BriefInterventions(ImportedBriefInterventions, String, String),
    /// An appointment, with its audit text.
    Assessment(ImportedAssessment, String),
    /// An episode's engagement, with the episode's values after it (audit text).
    Engagement(ImportedEngagement, String),
    /// A court order or licence, with the audit text.
    Order(crate::domain::write::NewOrder, String),
    /// An attempt to re-engage a client after a breach, with the audit text.
    Reengagement(crate::store::ImportedReengagement, String),
    /// A court review, with the audit text.
    CourtReview(crate::store::ImportedReview, String),
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
    /// Rows inserted (rows already there are `unchanged`).
    pub created: usize,
    /// Existing clients whose values the file changed, appointments whose outcome it
    /// recorded, and episodes whose engagement it dated or assessment it recorded.
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
        if self.clients || self.updated > 0 {
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
    let workers = store.workers()?;
    // Those still on the team first: a name shared with someone who left finds them.
    let (here, left): (Vec<_>, Vec<_>) = workers.iter().partition(|w| w.active);
    for w in here.iter().chain(&left) {
        for name in w.login.iter().chain([&w.name]) {
            names.entry(name.to_lowercase()).or_insert(w.id);
        }
    }
    let left = left.iter().map(|w| w.id).collect();
    let mut ctx = Context {
        areas: store.areas()?.into_iter().map(|a| (a.name, a.id)).collect(),
        names,
        left,
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
    // Contacts are written client by client, so that each index page is visited once,
    // not once per row: it shortens a large import's write lock several times over.
    // Each client's newest first: the client's last contact (kept by a trigger) then
    // changes once, at its first contact, instead of at every one. (Other kinds keep
    // file order: which of two open episodes is refused depends on it.)
    plan.rows.sort_by(|(a_line, a), (b_line, b)| match (a, b) {
        (Prepared::Contact(a, _), Prepared::Contact(b, _)) => {
            (a.client_id, b.contact_at, a_line).cmp(&(b.client_id, a.contact_at, b_line))
        }
        _ => a_line.cmp(b_line),
    });
    Ok(plan)
}

/// Writes `plan` as `actor` in one short transaction, checking every row again against
/// the database as it is now; commits only if `apply` and no row has a problem. A dry
/// run (`apply` false) makes the same write and rolls it back ([`Store::dry_run`]: on
/// SQLite on a private copy taken as one read snapshot, so it never takes the write lock
/// and nobody waits for it), and reports exactly what applying would have done at that
/// moment.
///
/// # Errors
/// A store error that is not about a row (the database cannot be written, say).
pub fn run(store: &mut Store, actor: &Actor, plan: &Plan, apply: bool) -> StoreResult<Outcome> {
    if apply {
        // A contacts file's rows are staged before the lock is taken, so that the write
        // holds it only to copy them into place.
        let staged = plan.kind == Kind::Contacts;
        if staged {
            store.stage_contacts(contacts(plan))?;
        }
        let outcome = store.write_or_roll_back(actor, |tx| {
            let outcome = write(tx, plan, apply, staged)?;
            let keep = outcome.written;
            Ok((outcome, keep))
        });
        if staged {
            store.unstage_contacts()?;
        }
        outcome
    } else {
        store.dry_run(actor, |tx| write(tx, plan, false, false))
    }
}

/// A plan's contacts with their audit texts, in the order they are written.
fn contacts(plan: &Plan) -> impl Iterator<Item = (&NewContact, &str)> {
    plan.rows.iter().filter_map(|(_, row)| match row {
        Prepared::Contact(c, audit) => Some((c, audit.as_str())),
        _ => None,
    })
}

/// The write step of [`run`], in `tx`; a contacts file's rows are `staged` on its
/// connection already, or are staged here.
fn write(tx: &Tx<'_>, plan: &Plan, apply: bool, staged: bool) -> StoreResult<Outcome> {
    let mut outcome = Outcome {
        problems: plan.problems.clone(),
        clients: plan.kind == Kind::Clients,
        ..Outcome::default()
    };
    if plan.rows.is_empty() && !plan.problems.is_empty() {
        return Ok(outcome);
    }
    let bulk = plan.kind == Kind::Contacts;
    if bulk && !staged {
        tx.stage_contacts(contacts(plan))?;
    }
    let mut writer = Writer {
        tx,
        worker: tx.importer()?,
        plan,
        scopes: HashMap::new(),
        contacts: 0,
        outcome: &mut outcome,
    };
    // Contacts are numbered from 1 in the order they were staged.
    let mut seq = 0_i64;
    for (line, row) in &plan.rows {
        let contact = matches!(row, Prepared::Contact(..));
        seq += i64::from(contact);
        if let Err(e) = tx.import_row(|| writer.row(*line, row)) {
            if contact {
                tx.unstage_contact(seq)?;
            }
            let problem = row_problem(plan.kind, *line, e)?;
            writer.outcome.problems.push(problem);
        }
    }
    if bulk {
        let created = tx.insert_staged_contacts()?;
        writer.outcome.created += created;
        writer.outcome.unchanged += writer.contacts - created;
    }
    drop(writer);
    outcome.problems.sort_by_key(|p| p.line);
    outcome.written = apply && outcome.problems.is_empty();
    Ok(outcome)
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
