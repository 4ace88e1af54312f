//! Between forms and the store: what a save or a conflict does to the app. Called by
//! the loop in `tui`; `App::update` itself stays free of I/O.

use crate::action::Effect;
use crate::app::App;
use crate::domain::write::{Change, Receipt};
use crate::form::Form;
use crate::store::{Actor, Store, StoreError, StoreResult};

/// Saves the open form's change, merged against the rows as the form showed them.
/// On success the form closes, the receipt is kept for undo and the draft is
/// dropped; a form that differs from the record in nothing writes nothing and says
/// so. Fields a colleague changed to something else since the form opened are put
/// to the user side by side (the form stays open, nothing is written until they
/// choose). A duplicate referral offers the existing client's record instead (the
/// returned effect opens it). Other refusals are shown on the form.
///
/// # Errors
/// [`StoreError::Busy`] if a colleague's write kept the lock (nothing saved, the form
/// still open), or a store error outside the save itself.
pub fn save(
    store: &mut Store,
    app: &mut App,
    actor: &Actor,
    change: &Change,
) -> StoreResult<Option<Effect>> {
    let Some(form) = app.form.as_mut() else {
        return Ok(None);
    };
    match store.apply_merged(actor, change, &form.context.bases) {
        Ok(receipt) => {
            let kind = form.kind;
            let client = form.context.client.map(|c| c.id);
            if receipt.rows.is_empty() {
                // Changed on the form, yet equal to the record: a colleague (or the
                // user's own choice of their values) got there first.
                let message = if form.is_changed() {
                    format!(
                        "Nothing to save: the {} already holds these values.",
                        kind.title()
                    )
                } else {
                    kind.nothing_changed()
                };
                app.close_form();
                app.message = Some(message);
            } else {
                let note = theirs_kept(form, &receipt);
                app.saved(receipt, kind.title());
                if let Some(note) = note {
                    app.message = Some(format!("Saved: {}; {note}. U undoes yours.", kind.title()));
                }
            }
            // The change is saved whatever happens here: a draft left behind (a
            // colleague took the lock in between) is only offered back once.
            if let Err(error) = store.discard_draft(actor, kind.draft_key(), client) {
                app.message = Some(format!(
                    "{}: saved, but its draft could not be removed ({error}); discard it if it is offered.",
                    kind.title()
                ));
            }
        }
        Err(StoreError::FieldConflicts(conflicts)) => form.resolve(conflicts),
        // Nothing was saved and the form stays open: the loop tries again.
        Err(error @ StoreError::Busy { .. }) => return Err(error),
        Err(error @ StoreError::Conflict { .. }) => {
            form.notice = Some(format!(
                "{error}. Esc closes the form; open it again to start from their change."
            ));
        }
        Err(StoreError::Duplicate {
            client_id,
            reference,
        }) => {
            app.close_form();
            app.message = Some(format!(
                "{reference} already has that reference, or that name and date of birth: here is their record (u for a new episode)"
            ));
            return Ok(Some(Effect::OpenClient(client_id)));
        }
        Err(error) => form.notice = Some(error.to_string()),
    }
    Ok(None)
}

/// The fields of a save that keep a colleague's value (they changed them after the
/// form opened, and the user did not), by label, with who and when.
fn theirs_kept(form: &Form, receipt: &Receipt) -> Option<String> {
    let columns = form.kind.spec().columns;
    let kept: Vec<String> = receipt
        .kept
        .iter()
        .map(|c| {
            let label = columns
                .iter()
                .find(|(_, column)| *column == c.column)
                .and_then(|(key, _)| form.fields.iter().find(|f| f.key == *key))
                .map_or_else(|| c.column.replace('_', " "), |f| f.label.to_owned());
            match &c.changed_by {
                Some((who, when)) => format!("{label} keeps {who}'s change of {when}"),
                None => format!("{label} keeps a colleague's change"),
            }
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(", "))
}

/// What an undo did, in a sentence: everything reversed, or which fields keep a
/// colleague's later value (named, with who and when).
#[must_use]
pub fn undone_message(undone: &Receipt) -> String {
    if undone.kept.is_empty() {
        return "Undone: your last change is reversed (and audited).".to_owned();
    }
    let kept: Vec<String> = undone
        .kept
        .iter()
        .map(|c| {
            let field = c.column.replace('_', " ");
            match &c.changed_by {
                Some((who, when)) => format!("{field}, which {who} changed at {when} after you"),
                None => format!("{field}, which someone changed after you"),
            }
        })
        .collect();
    let done = if undone.rows.is_empty() {
        "Not undone"
    } else {
        "Undone except"
    };
    format!(
        "{done}: {}. Their value stays; change it by hand if it must go back.",
        kept.join("; ")
    )
}
