//! Checking parsed rows against the store ([`plan`]) and writing them ([`apply`]):
//! a dry run reports what would happen; applying writes every row in one transaction,
//! or nothing if any row has a problem.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::domain::model::{Area, Worker};
use crate::store::{
    Actor, ImportKeys, NewBreach, NewClient, NewContact, NewCustody, NewEpisode, Store, StoreError,
    StoreResult,
};

use super::parse::{self, Kind, Parsed, Problem, Row};

/// What one row would do.
#[derive(Debug, Clone)]
pub enum Change {
    /// Create a client.
    CreateClient(NewClient),
    /// Update client `id` (changed fields shown in the report).
    UpdateClient(i64, NewClient, Vec<&'static str>),
    /// Create an episode.
    CreateEpisode(NewEpisode),
    /// Create a custody episode.
    CreateCustody(NewCustody),
    /// Create a contact.
    CreateContact(NewContact),
    /// Create a breach.
    CreateBreach(NewBreach),
    /// Already recorded exactly so: nothing to do.
    Unchanged,
}

/// The outcome of checking a file: a change per clean row, and every problem.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// (line, change), in file order.
    pub changes: Vec<(u64, Change)>,
    /// Problems, by line.
    pub problems: Vec<Problem>,
}

impl Plan {
    /// (created, updated, unchanged).
    #[must_use]
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for (_, change) in &self.changes {
            match change {
                Change::Unchanged => counts.2 += 1,
                Change::UpdateClient(..) => counts.1 += 1,
                _ => counts.0 += 1,
            }
        }
        counts
    }

    /// A report for people: totals, then each update and every problem.
    #[must_use]
    pub fn summary(&self, applied: bool) -> String {
        let (created, updated, unchanged) = self.counts();
        let verb = if applied { "" } else { "would be " };
        let mut out = format!(
            "{created} {verb}created, {updated} {verb}updated, {unchanged} unchanged, {} problem(s)\n",
            self.problems.len()
        );
        for (line, change) in &self.changes {
            if let Change::UpdateClient(_, client, fields) = change {
                let _ = writeln!(
                    out,
                    "line {line}: client {} {verb}updated: {}",
                    client.reference,
                    fields.join(", ")
                );
            }
        }
        for problem in &self.problems {
            let _ = writeln!(out, "{problem}");
        }
        if !self.problems.is_empty() {
            out.push_str("Nothing was written: fix the problems and import again.\n");
        } else if !applied && created + updated > 0 {
            out.push_str("Dry run: nothing was written; add --apply to import.\n");
        }
        out
    }
}

/// Parses `bytes` and checks every row against `store`.
///
/// # Errors
/// An SQLite error reading the store.
pub fn plan_file(store: &Store, kind: Kind, bytes: &[u8]) -> StoreResult<Plan> {
    plan(store, parse::parse(kind, bytes))
}

/// Checks parsed rows against `store`: resolves areas, workers and client references,
/// finds duplicates, and decides create / update / unchanged for each row.
///
/// # Errors
/// An SQLite error reading the store.
pub fn plan(store: &Store, parsed: Parsed) -> StoreResult<Plan> {
    let mut ctx = Context {
        areas: store.areas()?,
        workers: store.workers()?,
        keys: store.import_keys()?,
        plan: Plan {
            changes: Vec::new(),
            problems: parsed.problems,
        },
        seen: HashSet::new(),
    };
    for (line, row) in parsed.rows {
        if let Some(change) = ctx.check(line, row) {
            ctx.plan.changes.push((line, change));
        }
    }
    ctx.plan.problems.sort_by_key(|p| p.line);
    Ok(ctx.plan)
}

struct Context {
    areas: Vec<Area>,
    workers: Vec<Worker>,
    keys: ImportKeys,
    plan: Plan,
    /// Natural keys already met in this file.
    seen: HashSet<String>,
}

impl Context {
    fn problem(&mut self, line: u64, column: &str, message: String) {
        self.plan.problems.push(Problem {
            line,
            column: Some(column.to_owned()),
            message,
        });
    }

    fn client_id(&mut self, line: u64, reference: &str) -> Option<i64> {
        let id = self.keys.clients.get(reference).map(|(id, _)| *id);
        if id.is_none() {
            self.problem(
                line,
                "client_reference",
                format!("no client '{reference}': import the clients first"),
            );
        }
        id
    }

    fn worker_id(&mut self, line: u64, column: &str, text: &str) -> Option<i64> {
        let found = self.workers.iter().find(|w| {
            w.login
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case(text))
                || w.name.eq_ignore_ascii_case(text)
        });
        let id = found.map(|w| w.id);
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
        if self.seen.insert(key) {
            return true;
        }
        self.problem(
            line,
            column,
            "repeats an earlier line of this file".to_owned(),
        );
        false
    }

    #[allow(clippy::too_many_lines)] // one arm per kind of row, each short
    fn check(&mut self, line: u64, row: Row) -> Option<Change> {
        match row {
            Row::Client(c) => self.client(line, c),
            Row::Episode(e) => {
                let client_id = self.client_id(line, &e.client)?;
                let key = format!("{client_id}|{}", e.referral_date);
                if !self.once(line, "referral_date", format!("episode|{key}")) {
                    return None;
                }
                if self.keys.episodes.contains(&key) {
                    return Some(Change::Unchanged);
                }
                if e.closure.is_none() && !self.keys.open_episode.insert(client_id) {
                    self.problem(
                        line,
                        "closure_date",
                        format!("client {} already has an open episode", e.client),
                    );
                    return None;
                }
                Some(Change::CreateEpisode(NewEpisode {
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
                }))
            }
            Row::Custody(c) => {
                let client_id = self.client_id(line, &c.client)?;
                let key = format!("{client_id}|{}", c.reception_date);
                if !self.once(line, "reception_date", format!("custody|{key}")) {
                    return None;
                }
                if self.keys.custody.contains(&key) {
                    return Some(Change::Unchanged);
                }
                if c.actual_release_date.is_none() && !self.keys.open_custody.insert(client_id) {
                    self.problem(
                        line,
                        "actual_release_date",
                        format!("client {} is already in custody", c.client),
                    );
                    return None;
                }
                Some(Change::CreateCustody(NewCustody {
                    client_id,
                    prison: c.prison,
                    reception_date: c.reception_date,
                    expected_release_date: c.expected_release_date,
                    earliest_release_date: c.earliest_release_date,
                    release_type: c.release_type,
                    checklist: crate::domain::release::Checklist::default(),
                    actual_release_date: c.actual_release_date,
                }))
            }
            Row::Contact(c) => {
                let client_id = self.client_id(line, &c.client)?;
                let worker_id = self.worker_id(line, "worker", &c.worker)?;
                let key = format!(
                    "{client_id}|{}|{}",
                    crate::store::format_timestamp(c.contact_at),
                    c.kind.code()
                );
                if !self.once(line, "contact_at", format!("contact|{key}")) {
                    return None;
                }
                if self.keys.contacts.contains(&key) {
                    return Some(Change::Unchanged);
                }
                Some(Change::CreateContact(NewContact {
                    client_id,
                    worker_id,
                    contact_at: c.contact_at,
                    kind: c.kind,
                    note: c.note,
                }))
            }
            Row::Breach(b) => {
                let client_id = self.client_id(line, &b.client)?;
                let key = format!(
                    "{client_id}|{}",
                    crate::store::format_timestamp(b.raised_at)
                );
                if !self.once(line, "raised_at", format!("breach|{key}")) {
                    return None;
                }
                if self.keys.breaches.contains(&key) {
                    return Some(Change::Unchanged);
                }
                if (b.status == crate::domain::model::BreachStatus::Outstanding)
                    != b.resolution_date.is_none()
                {
                    self.problem(
                        line,
                        "resolution_date",
                        "give a resolution date exactly when the status is not outstanding"
                            .to_owned(),
                    );
                    return None;
                }
                Some(Change::CreateBreach(NewBreach {
                    client_id,
                    required_assessment_id: None,
                    raised_at: b.raised_at,
                    rag: b.rag,
                    status: b.status,
                    resolution_date: b.resolution_date,
                }))
            }
        }
    }

    fn client(&mut self, line: u64, c: parse::ClientRow) -> Option<Change> {
        let area = self
            .areas
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(&c.area))
            .map(|a| a.id);
        if area.is_none() {
            let known: Vec<&str> = self.areas.iter().map(|a| a.name.as_str()).collect();
            self.problem(
                line,
                "area",
                format!("no area '{}'; areas: {}", c.area, known.join(", ")),
            );
        }
        let coordinator = match &c.care_coordinator {
            None => Some(None),
            Some(text) => self.worker_id(line, "care_coordinator", text).map(Some),
        };
        if !self.once(line, "reference", format!("client|{}", c.reference)) {
            return None;
        }
        let person = format!(
            "{}|{}|{}",
            c.family_name.to_lowercase(),
            c.given_name.to_lowercase(),
            c.date_of_birth
        );
        if !self.seen.insert(format!("person|{person}")) {
            self.problem(line, "reference", format!(
                "{} {} born {} appears earlier in this file under another reference: not created",
                c.given_name, c.family_name, crate::domain::dates::uk(c.date_of_birth)));
            return None;
        }
        let client = NewClient {
            reference: c.reference,
            given_name: c.given_name,
            family_name: c.family_name,
            date_of_birth: c.date_of_birth,
            sex: c.sex,
            ethnicity: c.ethnicity,
            nhs_number: c.nhs_number,
            area_id: area?,
            care_coordinator_id: coordinator?,
            consent_date: c.consent_date,
            substances: c.substances,
            flags: c.flags,
        };
        if let Some((id, existing)) = self.keys.clients.get(&client.reference) {
            let changed = changed_fields(existing, &client);
            return Some(if changed.is_empty() {
                Change::Unchanged
            } else {
                Change::UpdateClient(*id, client, changed)
            });
        }
        if let Some(other) = self.keys.people.get(&person) {
            let other = other.clone();
            self.problem(line, "reference", format!(
                "{} {} born {} is already client {other}: not created (a duplicate by name and date of birth)",
                client.given_name, client.family_name, crate::domain::dates::uk(client.date_of_birth)));
            return None;
        }
        Some(Change::CreateClient(client))
    }
}

/// Names of the fields that differ between a stored client and an imported one.
fn changed_fields(old: &NewClient, new: &NewClient) -> Vec<&'static str> {
    let old = client_json(old);
    let new = client_json(new);
    [
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "nhs_number",
        "area_id",
        "care_coordinator_id",
        "consent_date",
        "substances",
        "flags",
    ]
    .into_iter()
    .filter(|f| old.get(f) != new.get(f))
    .collect()
}

/// A client as JSON, for comparison and for audit rows.
#[must_use]
pub fn client_json(c: &NewClient) -> serde_json::Value {
    serde_json::json!({
        "reference": c.reference, "given_name": c.given_name, "family_name": c.family_name,
        "date_of_birth": c.date_of_birth.to_string(), "sex": c.sex.code(),
        "ethnicity": c.ethnicity.code(), "nhs_number": c.nhs_number, "area_id": c.area_id,
        "care_coordinator_id": c.care_coordinator_id,
        "consent_date": c.consent_date.map(|d| d.to_string()),
        "substances": c.substances.iter().map(|s| s.code()).collect::<Vec<_>>(),
        "flags": c.flags,
    })
}

/// Writes every change of `plan` in one transaction, each row audited as `actor` with
/// the action `import`. Refuses (writing nothing) if the plan has any problem.
///
/// # Errors
/// [`StoreError::Invalid`] if the plan has problems; any store error rolls back all rows.
pub fn apply(store: &mut Store, actor: &Actor, plan: &Plan) -> StoreResult<()> {
    if !plan.problems.is_empty() {
        return Err(StoreError::Invalid(format!(
            "the file has {} problem(s): nothing was written",
            plan.problems.len()
        )));
    }
    store.write(actor, |tx| {
        for (line, change) in &plan.changes {
            let line = serde_json::json!(line);
            match change {
                Change::Unchanged => {}
                Change::CreateClient(c) => {
                    let id = tx.insert_client(c)?;
                    tx.audit("client", Some(id), "import", None, Some(&client_json(c)))?;
                }
                Change::UpdateClient(id, c, _) => {
                    let before = tx.update_client(*id, c)?;
                    tx.audit("client", Some(*id), "import", Some(&client_json(&before)), Some(&client_json(c)))?;
                }
                Change::CreateEpisode(e) => {
                    let id = tx.insert_episode(e)?;
                    tx.audit("episode", Some(id), "import", None, Some(&serde_json::json!({ "line": line, "client_id": e.client_id, "referral_date": e.referral_date.to_string() })))?;
                }
                Change::CreateCustody(c) => {
                    let id = tx.insert_custody(c)?;
                    tx.audit("custody", Some(id), "import", None, Some(&serde_json::json!({ "line": line, "client_id": c.client_id, "reception_date": c.reception_date.to_string() })))?;
                }
                Change::CreateContact(c) => {
                    let id = tx.insert_contact(c)?;
                    tx.audit("contact", Some(id), "import", None, Some(&serde_json::json!({ "line": line, "client_id": c.client_id, "contact_at": crate::store::format_timestamp(c.contact_at) })))?;
                }
                Change::CreateBreach(b) => {
                    let id = tx.insert_breach(b)?;
                    tx.audit("breach", Some(id), "import", None, Some(&serde_json::json!({ "line": line, "client_id": b.client_id, "raised_at": crate::store::format_timestamp(b.raised_at) })))?;
                }
            }
        }
        Ok(())
    })
}
