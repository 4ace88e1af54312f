//! Client rows: merging a row into the stored client (absent and blank cells keep,
//! `(clear)` empties), the substance ranking, and what may be changed by whom. Pure,
//! so the snapshot check and the check inside the write transaction are the same code.

use chrono::NaiveDate;

use crate::domain::dates::uk;
use crate::domain::model::{Ethnicity, Flags, Sex, Substance, Worker};
use crate::domain::roles::{self, ClientScope, Operation};
use crate::domain::substances::Ranked;
use crate::domain::write::ClientDetails;
use crate::store::NewClient;

use super::import::Rules;
use super::parse::{Cell, Problem};

/// A client row with its area and care co-ordinator resolved to ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCells {
    /// The client reference the row is keyed on.
    pub reference: String,
    /// Given name, required in every row.
    pub given_name: String,
    /// Family name, required in every row.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Row id of the area the row names (required).
    pub area_id: i64,
    /// Sex: absent or blank keeps the stored value.
    pub sex: Cell<Sex>,
    /// Ethnic group: absent or blank keeps the stored value.
    pub ethnicity: Cell<Ethnicity>,
    /// NHS number, checked: absent or blank keeps the stored one.
    pub nhs_number: Cell<String>,
    /// Care co-ordinator id.
    pub care_coordinator_id: Cell<i64>,
    /// Date consent to share was signed: absent or blank keeps the stored one.
    pub consent_date: Cell<NaiveDate>,
    /// Substances by rank.
    pub substances: [Cell<Substance>; 3],
    /// Yes/no columns, in `parse::FLAG_COLUMNS` order.
    pub flags: [Option<bool>; 9],
    /// GP practice: absent or blank keeps the stored one.
    pub gp_practice: Cell<String>,
    /// Prescribing service: absent or blank keeps the stored one.
    pub prescriber: Cell<String>,
    /// Domestic-abuse perpetrator; `None` keeps the stored value.
    pub domestic_abuse: Option<bool>,
}

/// What a client row does to the client stored under its reference (if any).
#[derive(Debug, Clone)]
pub(super) enum ClientChange {
    Create(Box<NewClient>),
    Update(Box<ClientUpdate>),
    Unchanged,
}

/// An update to a stored client: what it was, what it becomes, and which fields change
/// and empty.
#[derive(Debug, Clone)]
pub(super) struct ClientUpdate {
    pub(super) id: i64,
    pub(super) before: NewClient,
    pub(super) after: NewClient,
    pub(super) changed: Vec<&'static str>,
    pub(super) cleared: Vec<&'static str>,
}

/// Decides and checks a client row against `stored` (id and values) and the holder of
/// its twin key: the merge (absent and blank cells keep, [`CLEAR`] empties), the
/// substance ranking, dates in the past, and the role rules. Pure, so the snapshot
/// check and the check inside the write transaction are the same code.
pub(super) fn client_change(
    line: u64,
    cells: &ClientCells,
    stored: Option<&(i64, NewClient)>,
    twin_of: Option<String>,
    worker: &Worker,
    rules: Rules,
) -> Result<ClientChange, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut problem = |column: &str, message: String| {
        problems.push(Problem {
            line,
            column: Some(column.to_owned()),
            message,
        });
    };
    let base = stored.map(|(_, c)| c);
    let substances = merge_substances(cells, base, rules, &mut problem);
    let after = merged(cells, base, substances);
    for (column, date) in [
        ("date_of_birth", Some(after.date_of_birth)),
        ("consent_date", after.consent_date),
    ] {
        if let Some(date) = date.filter(|d| *d > rules.today) {
            problem(
                column,
                format!(
                    "{} is after today ({}): it must be a date in the past",
                    uk(date),
                    uk(rules.today)
                ),
            );
        }
    }
    let change = match stored {
        None => {
            if let Some(other) = twin_of {
                problem(
                    "reference",
                    format!(
                        "{} {} born {} is already client {other}: not created (a duplicate by name and date of birth)",
                        after.given_name,
                        after.family_name,
                        uk(after.date_of_birth)
                    ),
                );
            }
            let scope = ClientScope {
                area_id: after.area_id,
                care_coordinator_id: after.care_coordinator_id,
            };
            if let Err(refusal) = roles::check(Some(worker), Operation::Refer, Some(scope)) {
                problem("reference", format!("not imported: {refusal}"));
            }
            ClientChange::Create(Box::new(after))
        }
        Some((id, before)) => {
            let changed = changed_fields(before, &after);
            if changed.is_empty() {
                ClientChange::Unchanged
            } else {
                for why in update_refusals(before, &after, &changed, twin_of, worker) {
                    problem("reference", why);
                }
                ClientChange::Update(Box::new(ClientUpdate {
                    id: *id,
                    cleared: cleared_columns(before, &after),
                    before: before.clone(),
                    after,
                    changed,
                }))
            }
        }
    };
    if problems.is_empty() {
        Ok(change)
    } else {
        Err(problems)
    }
}

/// The client `cells` describe, over `base` (the stored client, if any): an absent
/// or blank cell keeps the stored value.
fn merged(cells: &ClientCells, base: Option<&NewClient>, substances: Vec<Substance>) -> NewClient {
    NewClient {
        reference: cells.reference.clone(),
        given_name: cells.given_name.clone(),
        family_name: cells.family_name.clone(),
        date_of_birth: cells.date_of_birth,
        sex: cells
            .sex
            .over(base.map(|b| b.sex))
            .unwrap_or(Sex::NotStated),
        ethnicity: cells
            .ethnicity
            .over(base.map(|b| b.ethnicity))
            .unwrap_or(Ethnicity::NotStated),
        nhs_number: cells
            .nhs_number
            .over(base.and_then(|b| b.nhs_number.clone())),
        area_id: cells.area_id,
        care_coordinator_id: cells
            .care_coordinator_id
            .over(base.and_then(|b| b.care_coordinator_id)),
        consent_date: cells.consent_date.over(base.and_then(|b| b.consent_date)),
        substances,
        flags: merge_flags(base.map(|b| b.flags).unwrap_or_default(), cells.flags),
        details: ClientDetails {
            gp_practice: cells
                .gp_practice
                .over(base.and_then(|b| b.details.gp_practice.clone())),
            prescriber: cells
                .prescriber
                .over(base.and_then(|b| b.details.prescriber.clone())),
            domestic_abuse: cells
                .domestic_abuse
                .or(base.map(|b| b.details.domestic_abuse))
                .unwrap_or(false),
        },
    }
}

/// Why an update may not be made: the role rules (moving a client is a reassignment,
/// anything else an edit, both judged on the client as stored) and a twin it would make.
fn update_refusals(
    before: &NewClient,
    after: &NewClient,
    changed: &[&'static str],
    twin_of: Option<String>,
    worker: &Worker,
) -> Vec<String> {
    let scope = ClientScope {
        area_id: before.area_id,
        care_coordinator_id: before.care_coordinator_id,
    };
    let moves = |f: &&str| matches!(*f, "area_id" | "care_coordinator_id");
    let mut refusals = Vec::new();
    for (needed, op) in [
        (changed.iter().any(moves), Operation::Reassign),
        (!changed.iter().all(moves), Operation::EditClient),
    ] {
        if let (true, Err(refusal)) = (needed, roles::check(Some(worker), op, Some(scope))) {
            refusals.push(format!("not imported: {refusal}"));
        }
    }
    if let Some(other) = twin_of.filter(|other| *other != after.reference) {
        refusals.push(format!(
            "{} {} born {} is already client {other}: client {} not updated (they would be twins)",
            after.given_name,
            after.family_name,
            uk(after.date_of_birth),
            after.reference
        ));
    }
    refusals
}

/// The substances after a row: by rank, each cell over the stored one; refused (not
/// shifted) if a rank is empty below a filled one, a substance repeats, or alcohol is
/// primary where the setting forbids it.
fn merge_substances(
    cells: &ClientCells,
    base: Option<&NewClient>,
    rules: Rules,
    problem: &mut impl FnMut(&str, String),
) -> Vec<Substance> {
    let stored = |i: usize| base.and_then(|b| b.substances.get(i).copied());
    let ranks: Vec<Option<Substance>> = (0..3)
        .map(|i| cells.substances[i].over(stored(i)))
        .collect();
    let column = |i: usize| format!("substance_{}", i + 1);
    let mut ok = true;
    for i in 1..3 {
        if let (Some(s), None) = (ranks[i], ranks[i - 1]) {
            problem(
                &column(i),
                format!(
                    "{s} is given but {} would be empty: rank substances without gaps, primary first",
                    column(i - 1)
                ),
            );
            ok = false;
        }
        if let Some(j) = (0..i).find(|j| ranks[i].is_some() && ranks[*j] == ranks[i]) {
            problem(
                &column(i),
                format!(
                    "{} is already {}: list each substance once",
                    ranks[i].map_or_else(String::new, |s| s.to_string()),
                    column(j)
                ),
            );
            ok = false;
        }
    }
    let list: Vec<Substance> = ranks.into_iter().flatten().collect();
    if ok {
        if let Err(why) = Ranked::new(list.clone(), rules.alcohol) {
            problem("substance_1", why);
        }
    }
    list
}

fn merge_flags(mut flags: Flags, cells: [Option<bool>; 9]) -> Flags {
    let slots = [
        &mut flags.iom,
        &mut flags.ppo,
        &mut flags.mappa,
        &mut flags.marac,
        &mut flags.matac,
        &mut flags.approved_premises,
        &mut flags.drr,
        &mut flags.atr,
        &mut flags.licence_condition,
    ];
    for (slot, cell) in slots.into_iter().zip(cells) {
        if let Some(value) = cell {
            *slot = value;
        }
    }
    flags
}

/// The optional columns a row empties (stored value, none after).
fn cleared_columns(before: &NewClient, after: &NewClient) -> Vec<&'static str> {
    let mut cleared = Vec::new();
    if before.nhs_number.is_some() && after.nhs_number.is_none() {
        cleared.push("nhs_number");
    }
    if before.care_coordinator_id.is_some() && after.care_coordinator_id.is_none() {
        cleared.push("care_coordinator");
    }
    if before.consent_date.is_some() && after.consent_date.is_none() {
        cleared.push("consent_date");
    }
    if before.details.gp_practice.is_some() && after.details.gp_practice.is_none() {
        cleared.push("gp_practice");
    }
    if before.details.prescriber.is_some() && after.details.prescriber.is_none() {
        cleared.push("prescribing_service");
    }
    for (i, column) in ["substance_1", "substance_2", "substance_3"]
        .into_iter()
        .enumerate()
    {
        if before.substances.len() > i && after.substances.len() <= i {
            cleared.push(column);
        }
    }
    cleared
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
        "gp_practice",
        "prescribing_service",
        "da_perpetrator",
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
        "flags": c.flags, "gp_practice": c.details.gp_practice,
        "prescribing_service": c.details.prescriber, "da_perpetrator": c.details.domestic_abuse,
    })
}
