//! Undo: compensating writes for a saved change, themselves audited as `undo`.

use super::rows::explain_constraint;
use super::{Actor, Audited, Store, StoreError, StoreResult, Tx};
use crate::domain::write::{Receipt, Versioned, Written};

impl Store {
    /// Undoes a saved change with compensating writes (themselves audited, action
    /// `undo`): edited fields get their earlier values back, except a field a colleague
    /// changed since (it keeps their value and is listed in the receipt's `kept`), and
    /// inserted rows are removed, provided nobody changed them since.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] if an inserted row was changed since (naming who and
    /// when) or other records now depend on it, or [`StoreError::NotAllowed`].
    pub fn undo(&mut self, actor: &Actor, receipt: &Receipt) -> StoreResult<Receipt> {
        self.write(actor, |tx| tx.undo(receipt))
    }
}

impl Tx<'_> {
    /// Undoes `receipt`, last row first; see [`Store::undo`].
    fn undo(&self, receipt: &Receipt) -> StoreResult<Receipt> {
        let mut rows = Vec::new();
        let mut kept = Vec::new();
        for written in receipt.rows.iter().rev() {
            let scope = match written.table {
                "outreach" => None,
                table => Some(self.scope_of(table, written.row_id)?),
            };
            self.authorise(receipt.operation, scope)?;
            let row = Versioned {
                id: written.row_id,
                version: written.version,
            };
            if let Some(fields) = &written.before {
                let (reverted, refused) = self.merge_row(
                    written.table,
                    row,
                    Some(&written.after),
                    fields,
                    Audited::Undo,
                    true,
                )?;
                rows.extend(reverted);
                kept.extend(refused);
            } else {
                self.remove_inserted(written, row)?;
            }
        }
        Ok(Receipt {
            operation: receipt.operation,
            rows,
            kept,
        })
    }

    /// Removes a row the change inserted, unless someone changed it since or other
    /// records now refer to it.
    fn remove_inserted(&self, written: &Written, row: Versioned) -> StoreResult<()> {
        self.current_version(written.table, row)
            .map_err(|e| match e {
                StoreError::Conflict {
                    entity,
                    changed_by: Some((who, when)),
                    ..
                } => StoreError::Invalid(format!(
                    "{who} changed this {entity} at {when}, after you added it, so it stays: nothing was undone"
                )),
                StoreError::Conflict { entity, .. } => StoreError::Invalid(format!(
                    "someone changed this {entity} after you added it, so it stays: nothing was undone"
                )),
                other => other,
            })?;
        let before = self.row_json(written.table, row.id)?;
        self.tx
            .execute(
                &format!("DELETE FROM {} WHERE id = ?1", written.table),
                &[row.id.into()],
            )
            .map_err(|e| match explain_constraint(e.into()) {
                StoreError::Invalid(_) => StoreError::Invalid(
                    "cannot undo: other records now refer to this one".to_owned(),
                ),
                other => other,
            })?;
        self.audit(
            written.table,
            Some(row.id),
            Audited::Undo,
            Some(&before),
            None,
        )
    }
}
