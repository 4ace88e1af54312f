//! Drafts: the typed values of an open form, kept so that a dropped SSH connection
//! loses nothing. Saving replaces the previous draft of the same form and client.

use chrono::NaiveDateTime;

use super::sql::Value;
use super::{Actor, Store, StoreResult, format_timestamp};
use crate::domain::write::Draft;

/// Removes one login's draft of one form for one client (or none).
const DELETE_DRAFT: &str = "DELETE FROM draft
     WHERE login = ?1 AND form = ?2 AND coalesce(client_id, 0) = coalesce(?3, 0)";

impl Store {
    /// Saves (or replaces) `actor`'s draft of `form` for `client_id`, stamped `actor.now`.
    ///
    /// # Errors
    /// [`super::StoreError::ReadOnlySession`] or an SQLite error.
    pub fn save_draft(
        &mut self,
        actor: &Actor,
        form: &str,
        client_id: Option<i64>,
        fields: &serde_json::Value,
    ) -> StoreResult<()> {
        self.write(actor, |tx| {
            tx.tx.execute(
                DELETE_DRAFT,
                &[actor.login.as_str().into(), form.into(), client_id.into()],
            )?;
            tx.tx.execute(
                "INSERT INTO draft (login, form, client_id, fields, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                &[
                    actor.login.as_str().into(),
                    form.into(),
                    client_id.into(),
                    fields.to_string().into(),
                    format_timestamp(actor.now).into(),
                ],
            )?;
            Ok(())
        })
    }

    /// Every draft `login` left, newest first, to offer back at start-up.
    ///
    /// # Errors
    /// An SQLite error (a draft whose fields are not JSON comes back as `null`).
    pub fn drafts(&self, login: &str) -> StoreResult<Vec<Draft>> {
        let rows = self.conn.query(
            "SELECT login, form, client_id, fields, saved_at FROM draft
              WHERE login = ?1 ORDER BY saved_at DESC, id DESC",
            &[Value::from(login)],
        )?;
        rows.into_iter()
            .map(|r| {
                let fields: String = r.get("fields")?;
                let saved_at: String = r.get("saved_at")?;
                Ok(Draft {
                    login: r.get("login")?,
                    form: r.get("form")?,
                    client_id: r.get("client_id")?,
                    fields: serde_json::from_str(&fields).unwrap_or_default(),
                    saved_at: NaiveDateTime::parse_from_str(&saved_at, "%Y-%m-%d %H:%M")
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Discards `actor`'s draft of `form` for `client_id` (after saving or abandoning).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn discard_draft(
        &mut self,
        actor: &Actor,
        form: &str,
        client_id: Option<i64>,
    ) -> StoreResult<()> {
        self.write(actor, |tx| {
            tx.tx.execute(
                DELETE_DRAFT,
                &[actor.login.as_str().into(), form.into(), client_id.into()],
            )?;
            Ok(())
        })
    }
}
