//! The row engine under every change: version checks, field-level updates, inserts
//! read back for the audit log, and the client a row belongs to (for the role rules).
//! Table and column names come from code, never from input, and table names are
//! checked against [`TABLES`] before they go into SQL text.

use serde_json::{Map, Value as Json};

use super::error::BrokenRule;
use super::sql::{Connection, Value};
use super::{Audited, StoreError, StoreResult, Tx};
use crate::domain::model::{Role, Worker};
use crate::domain::roles::{self, ClientScope, Operation};
use crate::domain::write::{FieldConflict, Versioned, Written};

/// What a three-way merge of one edit found: the columns to write (index into the
/// edit's fields) and the columns both sides changed to different values.
struct Plan {
    version: i64,
    now: Vec<Value>,
    write: Vec<usize>,
    conflicts: Vec<FieldConflict>,
    /// Columns only a colleague changed since the base: their value stays.
    theirs: Vec<FieldConflict>,
}

/// Tables a change can touch; names are checked against this list before they are
/// put into SQL text.
pub(super) const TABLES: &[&str] = &[
    "client",
    "episode",
    "custody",
    "drug_test",
    "required_assessment",
    "breach",
    "reengagement",
    "contact",
    "modality",
    "positive_outcome",
    "outreach",
    "area",
    "worker",
    "court_order",
    "court_review",
];

pub(super) fn known_table(table: &'static str) -> StoreResult<&'static str> {
    TABLES
        .contains(&table)
        .then_some(table)
        .ok_or_else(|| StoreError::Invalid(format!("unknown table {table}")))
}

pub(super) fn not_found(entity: &'static str, row_id: i64) -> StoreError {
    StoreError::NotFound {
        entity,
        key: format!("#{row_id}"),
    }
}

/// Every column of row `row_id` of `table`, in table order, as (name, value) pairs.
pub(super) fn read_row(
    conn: &Connection,
    table: &'static str,
    row_id: i64,
) -> StoreResult<Vec<(String, Value)>> {
    let row = conn
        .query_opt(
            &format!("SELECT * FROM {} WHERE id = ?1", known_table(table)?),
            &[Value::Integer(row_id)],
        )?
        .ok_or_else(|| not_found(table, row_id))?;
    let names = row.names().to_vec();
    Ok(names.into_iter().zip(row.into_values()).collect())
}

/// A database value as JSON for the audit log.
fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Integer(i) => Json::from(*i),
        Value::Real(r) => Json::from(*r),
        Value::Text(t) => Json::from(t.as_str()),
    }
}

/// Turns an SQLite CHECK, NOT NULL, UNIQUE or FOREIGN KEY failure into a sentence
/// naming the column ([`super::error::broken_rule`]); other errors pass through
/// (PostgreSQL's get theirs in `error_pg.rs`).
pub(super) fn explain_constraint(e: StoreError) -> StoreError {
    match e {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(failure, message))
            if failure.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            let (rule, column) = message
                .as_deref()
                .and_then(super::error::sqlite_broken_rule)
                .unwrap_or((BrokenRule::Check, None));
            StoreError::Invalid(super::error::broken_rule(rule, column))
        }
        other => other,
    }
}

/// The active worker signed in as `login`. Refuses a login with no worker record, or
/// an inactive one, with the sentence saying what to do.
pub(super) fn signed_in(conn: &Connection, login: &str) -> StoreResult<Worker> {
    let found = conn.query_opt(
        "SELECT id, name, login, role, area_id, active FROM worker
          WHERE login = ?1 ORDER BY active DESC LIMIT 1",
        &[login.into()],
    )?;
    let Some(row) = found else {
        return Err(StoreError::NotAllowed(roles::no_worker_message(login)));
    };
    let worker = Worker {
        id: row.get("id")?,
        name: row.get("name")?,
        login: row.get("login")?,
        role: super::read::code::<Role>(&row, "role")?,
        area_id: row.get("area_id")?,
        active: row.get("active")?,
    };
    if worker.active {
        Ok(worker)
    } else {
        Err(StoreError::NotAllowed(roles::inactive_worker_message(
            login,
        )))
    }
}

/// The one role check of every write path: the worker signed in as `login` may do
/// `op` to `scope` by the rule table in [`roles`], or the refusal names the rule.
/// Returns that worker.
pub(super) fn authorise(
    conn: &Connection,
    login: &str,
    op: Operation,
    scope: Option<ClientScope>,
) -> StoreResult<Worker> {
    let worker = signed_in(conn, login)?;
    roles::check(Some(&worker), op, scope).map_err(|r| StoreError::NotAllowed(r.0))?;
    Ok(worker)
}

impl super::Store {
    /// Asks the role rules before a read that only some roles may see (the staff list),
    /// as a write would ask them: the worker signed in as `login`, if allowed.
    ///
    /// # Errors
    /// [`StoreError::NotAllowed`] naming the rule, or an SQLite error.
    pub fn authorise(
        &self,
        login: &str,
        op: Operation,
        scope: Option<ClientScope>,
    ) -> StoreResult<Worker> {
        authorise(&self.conn, login, op, scope)
    }
}

impl Tx<'_> {
    /// The acting worker, refused unless an active worker record has the actor's login.
    pub(super) fn signed_in(&self) -> StoreResult<Worker> {
        signed_in(self.tx, &self.actor.login)
    }

    /// [`authorise`] for the actor, inside this transaction (so a role changed a
    /// moment ago counts).
    pub(super) fn authorise(
        &self,
        op: Operation,
        scope: Option<ClientScope>,
    ) -> StoreResult<Worker> {
        authorise(self.tx, &self.actor.login, op, scope)
    }

    /// The client a row belongs to, and that client's role scope.
    pub(super) fn scope_of(&self, table: &'static str, row_id: i64) -> StoreResult<ClientScope> {
        let sql = match table {
            "client" => "SELECT c.area_id, c.care_coordinator_id FROM client c WHERE c.id = ?1",
            "court_review" => {
                "SELECT c.area_id, c.care_coordinator_id FROM court_review r
                   JOIN court_order o ON o.id = r.court_order_id
                   JOIN client c ON c.id = o.client_id WHERE r.id = ?1"
            }
            "modality" | "positive_outcome" | "episode" => {
                let join = if table == "episode" {
                    "SELECT c.area_id, c.care_coordinator_id FROM episode e
                       JOIN client c ON c.id = e.client_id WHERE e.id = ?1"
                        .to_owned()
                } else {
                    format!(
                        "SELECT c.area_id, c.care_coordinator_id FROM {table} t
                           JOIN episode e ON e.id = t.episode_id
                           JOIN client c ON c.id = e.client_id WHERE t.id = ?1"
                    )
                };
                return self.scope_query(&join, table, row_id);
            }
            _ => {
                let sql = format!(
                    "SELECT c.area_id, c.care_coordinator_id FROM {} t
                       JOIN client c ON c.id = t.client_id WHERE t.id = ?1",
                    known_table(table)?
                );
                return self.scope_query(&sql, table, row_id);
            }
        };
        self.scope_query(sql, table, row_id)
    }

    fn scope_query(&self, sql: &str, table: &'static str, row_id: i64) -> StoreResult<ClientScope> {
        let row = self
            .tx
            .query_opt(sql, &[Value::Integer(row_id)])?
            .ok_or_else(|| not_found(table, row_id))?;
        Ok(ClientScope {
            area_id: row.get("area_id")?,
            care_coordinator_id: row.get("care_coordinator_id")?,
        })
    }

    /// Who last changed a row and when, from the audit log.
    fn last_change(
        &self,
        table: &'static str,
        row_id: i64,
    ) -> StoreResult<Option<(String, String)>> {
        self.who_and_when(
            "SELECT who, at FROM audit WHERE entity = ?1 AND row_id = ?2 ORDER BY id DESC LIMIT 1",
            &[table.into(), row_id.into()],
        )
    }

    /// The `who` and `at` of the audit row `sql` finds, if any.
    fn who_and_when(&self, sql: &str, params: &[Value]) -> StoreResult<Option<(String, String)>> {
        self.tx
            .query_opt(sql, params)?
            .map(|row| Ok((row.get("who")?, row.get("at")?)))
            .transpose()
    }

    /// Refuses with a conflict unless `row` is still at the version that was read; the
    /// row stays locked until the transaction ends ([`sql::Transaction::lock_version`]),
    /// so no one changes it between this check and the write.
    ///
    /// [`sql::Transaction::lock_version`]: super::sql::Transaction::lock_version
    pub(super) fn current_version(&self, table: &'static str, row: Versioned) -> StoreResult<()> {
        let version = self
            .tx
            .lock_version(known_table(table)?, row.id)?
            .ok_or_else(|| not_found(table, row.id))?;
        if version == row.version {
            return Ok(());
        }
        Err(StoreError::Conflict {
            entity: table,
            row_id: row.id,
            changed_by: self.last_change(table, row.id)?,
        })
    }

    /// Who last changed `column` of a row and when, from the audit log.
    fn last_field_change(
        &self,
        table: &'static str,
        row_id: i64,
        column: &str,
    ) -> StoreResult<Option<(String, String)>> {
        let sql = format!(
            "SELECT who, at FROM audit WHERE entity = ?1 AND row_id = ?2
               AND {} ORDER BY id DESC LIMIT 1",
            self.tx.dialect().json_has_key("after", "?3")
        );
        self.who_and_when(&sql, &[table.into(), row_id.into(), column.into()])
    }

    /// Writes `fields` to `row` if it is still at the version read, bumping the
    /// version and auditing each changed field as `action` (nothing at all when no
    /// field differs).
    pub(super) fn update_row(
        &self,
        table: &'static str,
        row: Versioned,
        fields: &[(&'static str, Value)],
        action: Audited,
    ) -> StoreResult<Written> {
        let plan = self.plan(table, row, None, fields)?;
        Ok(self
            .write_plan(table, row.id, &plan, fields, action)?
            .unwrap_or(Written {
                table,
                row_id: row.id,
                version: plan.version,
                before: Some(Vec::new()),
                after: Vec::new(),
            }))
    }

    /// Merges `fields` ("yours") into `row` three ways: against `base`, the values the
    /// user's form showed (`None`: the row as it is now, provided it is still at the
    /// version read), and the row as it is now ("theirs"). A column is written only
    /// if the user changed it and nobody else did; a column both changed to
    /// different values is a conflict. With `partial` the other columns are still
    /// written and the conflicts returned; otherwise conflicts refuse the whole write
    /// with [`StoreError::FieldConflicts`]. Also returned: the columns only a
    /// colleague changed, which keep their value. `None` when there is nothing to
    /// write.
    pub(super) fn merge_row(
        &self,
        table: &'static str,
        row: Versioned,
        base: Option<&[(&'static str, Value)]>,
        fields: &[(&'static str, Value)],
        action: Audited,
        partial: bool,
    ) -> StoreResult<(Option<Written>, Vec<FieldConflict>)> {
        let mut plan = self.plan(table, row, base, fields)?;
        if !partial && !plan.conflicts.is_empty() {
            return Err(StoreError::FieldConflicts(plan.conflicts));
        }
        let mut kept = std::mem::take(&mut plan.theirs);
        kept.append(&mut plan.conflicts);
        Ok((self.write_plan(table, row.id, &plan, fields, action)?, kept))
    }

    /// The three-way merge of `fields` into `row` against `base` (what the user's form
    /// showed), reading the row as it is now.
    fn plan(
        &self,
        table: &'static str,
        row: Versioned,
        base: Option<&[(&'static str, Value)]>,
        fields: &[(&'static str, Value)],
    ) -> StoreResult<Plan> {
        let columns: Vec<&str> = fields.iter().map(|(c, _)| *c).collect();
        // Locked first: on PostgreSQL a colleague's write of the row waits from here
        // until this one ends, and the read below sees theirs if it came first.
        self.tx
            .lock_version(known_table(table)?, row.id)?
            .ok_or_else(|| not_found(table, row.id))?;
        let read = self
            .tx
            .query_opt(
                &format!(
                    "SELECT {} FROM {} WHERE id = ?1",
                    std::iter::once("version")
                        .chain(columns.iter().copied())
                        .collect::<Vec<_>>()
                        .join(", "),
                    known_table(table)?
                ),
                &[Value::Integer(row.id)],
            )?
            .ok_or_else(|| not_found(table, row.id))?;
        let version: i64 = read.get("version")?;
        let now: Vec<Value> = read.into_values().into_iter().skip(1).collect();
        let base: Vec<Value> = match base {
            Some(base) => columns
                .iter()
                .zip(&now)
                .map(|(c, current)| {
                    base.iter()
                        .find(|(name, _)| name == c)
                        .map_or_else(|| current.clone(), |(_, v)| v.clone())
                })
                .collect(),
            None if version == row.version => now.clone(),
            None => {
                return Err(StoreError::Conflict {
                    entity: table,
                    row_id: row.id,
                    changed_by: self.last_change(table, row.id)?,
                });
            }
        };
        let mut plan = Plan {
            version,
            now,
            write: Vec::new(),
            conflicts: Vec::new(),
            theirs: Vec::new(),
        };
        for (i, (column, yours)) in fields.iter().enumerate() {
            let (base, theirs) = (&base[i], &plan.now[i]);
            if theirs == base {
                if yours != base {
                    plan.write.push(i);
                }
                continue;
            }
            if yours == theirs {
                continue;
            }
            let found = FieldConflict {
                entity: table,
                row_id: row.id,
                column,
                theirs: theirs.clone(),
                yours: yours.clone(),
                changed_by: self.last_field_change(table, row.id, column)?,
            };
            if yours == base {
                plan.theirs.push(found);
            } else {
                plan.conflicts.push(found);
            }
        }
        Ok(plan)
    }

    fn write_plan(
        &self,
        table: &'static str,
        row_id: i64,
        plan: &Plan,
        fields: &[(&'static str, Value)],
        action: Audited,
    ) -> StoreResult<Option<Written>> {
        if plan.write.is_empty() {
            return Ok(None);
        }
        let set: Vec<String> = plan
            .write
            .iter()
            .enumerate()
            .map(|(n, &i)| format!("{} = ?{}", fields[i].0, n + 2))
            .collect();
        let values: Vec<Value> = std::iter::once(Value::Integer(row_id))
            .chain(plan.write.iter().map(|&i| fields[i].1.clone()))
            .collect();
        self.tx
            .execute(
                &format!(
                    "UPDATE {} SET {}, version = version + 1 WHERE id = ?1",
                    known_table(table)?,
                    set.join(", ")
                ),
                &values,
            )
            .map_err(|e| explain_constraint(e.into()))?;
        let (mut old, mut new) = (Map::new(), Map::new());
        for &i in &plan.write {
            let column = fields[i].0;
            old.insert(column.to_owned(), to_json(&plan.now[i]));
            new.insert(column.to_owned(), to_json(&fields[i].1));
        }
        self.audit(
            table,
            Some(row_id),
            action,
            Some(&Json::Object(old)),
            Some(&Json::Object(new)),
        )?;
        Ok(Some(Written {
            table,
            row_id,
            version: plan.version + 1,
            before: Some(
                plan.write
                    .iter()
                    .map(|&i| (fields[i].0, plan.now[i].clone()))
                    .collect(),
            ),
            after: plan.write.iter().map(|&i| fields[i].clone()).collect(),
        }))
    }

    /// The whole row as JSON (column name to value).
    pub(super) fn row_json(&self, table: &'static str, row_id: i64) -> StoreResult<Json> {
        Ok(Json::Object(
            read_row(self.tx, table, row_id)?
                .into_iter()
                .map(|(name, value)| (name, to_json(&value)))
                .collect(),
        ))
    }

    /// Audits a row just inserted (every field as `after`).
    pub(super) fn inserted(
        &self,
        table: &'static str,
        row_id: StoreResult<i64>,
    ) -> StoreResult<Written> {
        let row_id = row_id.map_err(explain_constraint)?;
        let row = self.row_json(table, row_id)?;
        self.audit(table, Some(row_id), Audited::Insert, None, Some(&row))?;
        Ok(Written {
            table,
            row_id,
            version: 1,
            before: None,
            after: Vec::new(),
        })
    }
}
