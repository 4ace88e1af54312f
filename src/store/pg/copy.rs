//! `caseload migrate`: a team's SQLite file copied into PostgreSQL, every table (audit
//! and access log included) in foreign-key order, in one PostgreSQL transaction read
//! from one SQLite snapshot, ids kept, identity sequences moved past them, and verified
//! by counting each table on both sides, and by computing the return from both,
//! before anything is committed.

use std::path::Path;

use chrono::NaiveDate;

use super::PgError;
use super::migrate;
use crate::domain::kpi::{self, Inputs, Rules};
use crate::domain::period::Period;
use crate::store::report::report_inputs_on;
use crate::store::sql::{Connection, Row, Transaction, Value};
use crate::store::{Access, Store};

/// What a copy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// Each table, in the order copied, with its rows (the same on both sides).
    pub tables: Vec<(String, i64)>,
    /// Worker logins made PostgreSQL roles by this copy (others existed already).
    pub new_roles: Vec<String>,
    /// Every worker login, each now a role in the group `caseload_worker`.
    pub logins: Vec<String>,
    /// The periods whose return (every area together, and each area) came out the
    /// same from both sides.
    pub same_returns: Vec<Period>,
}

/// What the return compared before a copy commits is computed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReturnCheck {
    /// The day the copy is made: which quarters are compared.
    pub today: NaiveDate,
    /// The team's return rules (config `[return]`).
    pub rules: Rules,
}

impl ReturnCheck {
    /// The periods compared: the return's default quarter, the quarter so far, and one
    /// period from 1 April 1990 to today, which counts every record.
    fn periods(&self) -> Vec<Period> {
        let default = Period::last_complete_quarter(self.today);
        let mut periods = vec![default.clone()];
        let current = Period::quarter_of(self.today);
        if current != default {
            periods.push(current);
        }
        let first = NaiveDate::from_ymd_opt(1990, 4, 1).unwrap_or(self.today);
        if let Ok(all) = Period::between(first.min(self.today), self.today) {
            periods.push(all);
        }
        periods
    }
}

/// The most parameters one batched `INSERT` carries (PostgreSQL allows 65,535).
const PARAMETERS_PER_INSERT: usize = 30_000;

/// Copies the caseload database at `from` (SQLite, at this build's schema) into the
/// PostgreSQL database `to` names, which must be empty (its schema is created) or hold
/// caseload's schema with no rows; worker logins become PostgreSQL roles (so the
/// connecting role needs CREATEROLE, or to be a superuser).
///
/// # Errors
/// [`PgError::Store`] if the file cannot be opened read-only as it stands (it needs
/// upgrading, say), [`PgError::NoCreateRole`], [`PgError::NotEmpty`] or [`PgError::NotCaseload`] for a target
/// that already holds something, [`PgError::Mismatch`] if the counts differ,
/// [`PgError::ReturnDiffers`] if a return `check` computes differs, or the engines'
/// errors. Nothing is committed on any error.
pub fn copy_from_sqlite(from: &Path, to: &str, check: ReturnCheck) -> Result<Copied, PgError> {
    let Store { conn: source, .. } = Store::open(from, Access::ReadOnly).map_err(PgError::Store)?;
    let target = Connection::postgres(to)?;
    let may_create_roles = target.query_row(
        "SELECT current_user::text AS role, rolcreaterole OR rolsuper AS may
           FROM pg_roles WHERE rolname = current_user",
        &[],
    )?;
    if !may_create_roles.get::<bool>("may")? {
        return Err(PgError::NoCreateRole(may_create_roles.get("role")?));
    }
    let read = source.snapshot()?;
    let write = target.transaction()?;
    migrate::migrate(&write)?;
    let order = tables_in_order(&read)?;
    let mut filled = Vec::new();
    for table in &order {
        let rows = count(&write, table)?;
        if rows > 0 {
            filled.push((table.clone(), rows));
        }
    }
    if !filled.is_empty() {
        return Err(PgError::NotEmpty(filled));
    }
    let mut tables = Vec::with_capacity(order.len());
    for table in order {
        copy_table(&read, &write, &table)?;
        let sqlite = count(&read, &table)?;
        let postgres = count(&write, &table)?;
        if sqlite != postgres {
            return Err(PgError::Mismatch {
                table,
                sqlite,
                postgres,
            });
        }
        tables.push((table, sqlite));
    }
    move_identities_on(&write)?;
    let same_returns = check
        .periods()
        .into_iter()
        .map(|period| same_return(&read, &write, &period, check.rules).map(|()| period))
        .collect::<Result<_, _>>()?;
    let logins: Vec<String> = write
        .query(
            "SELECT DISTINCT login FROM worker WHERE login IS NOT NULL ORDER BY login",
            &[],
        )?
        .iter()
        .map(|row| row.get("login"))
        .collect::<Result<_, _>>()?;
    let mut new_roles = Vec::new();
    for login in &logins {
        let created: bool = write
            .query_row(
                "SELECT caseload_enrol(?1) AS created",
                &[Value::from(login.as_str())],
            )?
            .get("created")?;
        if created {
            new_roles.push(login.clone());
        }
    }
    write.commit()?;
    Ok(Copied {
        tables,
        new_roles,
        logins,
        same_returns,
    })
}

/// Computes the return for `period` from the SQLite snapshot and from the copy, for
/// every area together and for each area, and refuses the copy if any differs.
fn same_return(
    sqlite: &Connection,
    postgres: &Connection,
    period: &Period,
    rules: Rules,
) -> Result<(), PgError> {
    let sqlite = report_inputs_on(sqlite, period).map_err(PgError::Store)?;
    let postgres = report_inputs_on(postgres, period).map_err(PgError::Store)?;
    let figures = |inputs: &Inputs| kpi::compute(inputs, period, rules);
    let differs = |scope: &str| PgError::ReturnDiffers {
        period: period.label.clone(),
        scope: scope.to_owned(),
    };
    if figures(&sqlite) != figures(&postgres) {
        return Err(differs("every area"));
    }
    for area in &sqlite.areas {
        if figures(&sqlite.for_area(area.id)) != figures(&postgres.for_area(area.id)) {
            return Err(differs(&area.name));
        }
    }
    Ok(())
}

/// The SQLite file's tables, each after every table it refers to (in the file's order
/// otherwise), so that no row is copied before the row it names.
fn tables_in_order(read: &Transaction<'_>) -> Result<Vec<String>, PgError> {
    let mut pending: Vec<(String, Vec<String>)> = Vec::new();
    for row in read.query(
        // Not `area_count`: its triggers count the rows as they are copied.
        "SELECT name FROM sqlite_master
          WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'area_count'
          ORDER BY rowid",
        &[],
    )? {
        let name: String = row.get("name")?;
        let parents = read
            .query(
                "SELECT DISTINCT \"table\" AS parent FROM pragma_foreign_key_list(?1)",
                &[Value::from(name.as_str())],
            )?
            .iter()
            .map(|r| r.get("parent"))
            .collect::<Result<Vec<String>, _>>()?
            .into_iter()
            .filter(|parent| *parent != name)
            .collect();
        pending.push((name, parents));
    }
    let mut ordered: Vec<String> = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|(_, parents)| parents.iter().all(|p| ordered.contains(p)))
            .unwrap_or(0); // a cycle (none in caseload's schema): its first table
        ordered.push(pending.remove(ready).0);
    }
    Ok(ordered)
}

/// Rows of `table`.
fn count(db: &Connection, table: &str) -> Result<i64, PgError> {
    Ok(db
        .query_row(&format!("SELECT count(*) AS n FROM \"{table}\""), &[])?
        .get("n")?)
}

/// Copies every row of `table`, every column by name, in batched `INSERT`s.
fn copy_table(read: &Connection, write: &Connection, table: &str) -> Result<(), PgError> {
    let columns: Vec<String> = read
        .query(
            "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
            &[Value::from(table)],
        )?
        .iter()
        .map(|row| row.get("name"))
        .collect::<Result<_, _>>()?;
    let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let list = quoted.join(", ");
    let per_insert = (PARAMETERS_PER_INSERT / columns.len().max(1)).max(1);
    let insert = |values: &[Value]| {
        let rows = values.len() / columns.len();
        let tuples: Vec<String> = (0..rows)
            .map(|r| {
                let marks: Vec<String> = (1..=columns.len())
                    .map(|c| format!("?{}", r * columns.len() + c))
                    .collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        write.execute(
            &format!(
                "INSERT INTO \"{table}\" ({list}) VALUES {}",
                tuples.join(", ")
            ),
            values,
        )
    };
    let mut batch: Vec<Value> = Vec::with_capacity(per_insert * columns.len());
    read.for_each(
        &format!("SELECT {list} FROM \"{table}\" ORDER BY rowid"),
        &[],
        |row: Row| {
            batch.extend(row.into_values());
            if batch.len() >= per_insert * columns.len() {
                insert(&batch)?;
                batch.clear();
            }
            Ok(())
        },
    )?;
    if !batch.is_empty() {
        insert(&batch)?;
    }
    Ok(())
}

/// Moves each identity column's sequence past the highest id copied, so the next row
/// PostgreSQL numbers does not collide with a copied one.
fn move_identities_on(write: &Connection) -> Result<(), PgError> {
    let tables: Vec<String> = write
        .query(
            "SELECT table_name::text AS name FROM information_schema.columns
              WHERE table_schema = 'public' AND column_name = 'id' AND is_identity = 'YES'",
            &[],
        )?
        .iter()
        .map(|row| row.get("name"))
        .collect::<Result<_, _>>()?;
    for table in tables {
        write.query_row(
            &format!(
                "SELECT setval(pg_get_serial_sequence(?1, 'id'),
                               (SELECT coalesce(max(id), 0) + 1 FROM \"{table}\"), false)"
            ),
            &[Value::from(table.as_str())],
        )?;
    }
    Ok(())
}
