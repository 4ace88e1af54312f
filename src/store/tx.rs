//! The write transaction handed to typed writes, and the audit row every write leaves.

use super::sql::{self, Value};
use super::{Actor, StoreResult, format_timestamp};

/// What an audit row says was done: the word stored in `audit.action`. Only the
/// store writes audit rows, so these are the only words there (besides the
/// migrations' own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Audited {
    /// A row was added.
    Insert,
    /// Fields of a row were changed.
    Update,
    /// Clients were moved to another area or co-ordinator.
    Reassign,
    /// A row was put back as it was before a change.
    Undo,
    /// A custody-suite tally was replaced by a new count for the same day.
    Replace,
    /// The reoffending sample was drawn.
    Draw,
    /// A row came from an import file.
    Import,
    /// The demo data was generated.
    Demo,
    /// Synthetic rows were set up (by a test or benchmark).
    Generate,
}

impl Audited {
    /// The stored word.
    pub(super) fn word(self) -> &'static str {
        match self {
            Self::Insert => "insert",
            Self::Update => "update",
            Self::Reassign => "reassign",
            Self::Undo => "undo",
            Self::Replace => "replace",
            Self::Draw => "draw",
            Self::Import => "import",
            Self::Demo => "demo",
            Self::Generate => "generate",
        }
    }
}

/// A write transaction in progress, with the actor to stamp on audit rows.
pub struct Tx<'a> {
    pub(super) tx: &'a sql::Transaction<'a>,
    pub(super) actor: &'a Actor,
}

impl Tx<'_> {
    /// Appends an audit row for a change to `entity` row `row_id`. `before`/`after` are
    /// the changed fields as JSON (`None` for an insert's before or a delete's after).
    pub(super) fn audit(
        &self,
        entity: &'static str,
        row_id: Option<i64>,
        action: Audited,
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
    ) -> StoreResult<()> {
        self.audit_text(
            entity,
            row_id,
            action,
            before.map(ToString::to_string).as_deref(),
            after.map(ToString::to_string).as_deref(),
        )
    }

    /// [`Tx::audit`] with `before`/`after` already JSON text (an import prepares them
    /// before its transaction, so that the write lock is held briefly).
    pub(super) fn audit_text(
        &self,
        entity: &'static str,
        row_id: Option<i64>,
        action: Audited,
        before: Option<&str>,
        after: Option<&str>,
    ) -> StoreResult<()> {
        self.tx.execute(
            "INSERT INTO audit (at, who, entity, row_id, action, before, after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[
                format_timestamp(self.actor.now).into(),
                self.actor.login.as_str().into(),
                entity.into(),
                row_id.into(),
                action.word().into(),
                before.into(),
                after.into(),
            ],
        )?;
        Ok(())
    }

    /// Sets a `meta` key (used for facts about the file, such as the demo's seed).
    pub(super) fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[key.into(), value.into()],
        )?;
        Ok(())
    }

    /// Gives `login` to the worker `worker_id`, taking it from anyone who had it; each
    /// worker whose login changes gets its audit row.
    pub(super) fn assign_login(&self, worker_id: i64, login: &str) -> StoreResult<()> {
        let set_login = |id: i64, before: Option<&str>, after: Option<&str>| {
            self.tx.execute(
                "UPDATE worker SET login = ?1, version = version + 1 WHERE id = ?2",
                &[after.into(), id.into()],
            )?;
            self.audit(
                "worker",
                Some(id),
                Audited::Update,
                Some(&serde_json::json!({ "login": before })),
                Some(&serde_json::json!({ "login": after })),
            )
        };
        let holders = self.tx.query(
            "SELECT id FROM worker WHERE login = ?1 AND id <> ?2",
            &[login.into(), worker_id.into()],
        )?;
        for holder in holders {
            set_login(holder.get("id")?, Some(login), None)?;
        }
        let before: Option<String> = self
            .tx
            .query_row(
                "SELECT login FROM worker WHERE id = ?1",
                &[Value::Integer(worker_id)],
            )?
            .get("login")?;
        set_login(worker_id, before.as_deref(), Some(login))
    }
}
