//! The app's side of results: what each [`Done`] the loop hands back changes, and
//! what the loop must do next (a save is followed by a reload, a snapshot on the
//! Report view by a recount). Results never clear the status line: a message shown
//! by the key that asked for the work stays until the next key.

use super::{App, View};
use crate::action::{Done, Effect, Refusal, SnapshotRequest};
use crate::domain::write::Receipt;
use crate::form::Form;

impl App {
    /// Applies what came of an effect; returns the follow-up effect, if any.
    pub(super) fn done(&mut self, done: Done) -> Option<Effect> {
        match done {
            Done::FirstRows(data) => {
                // Only while the read it belongs to is still awaited.
                if self.loading {
                    self.set_data(*data);
                }
                None
            }
            Done::Loaded(data) => {
                self.loading = false;
                self.set_data(*data);
                self.report_effect()
            }
            Done::LoadFailed(message) => {
                self.loading = false;
                self.message = Some(message);
                None
            }
            Done::ReportReady(report) => {
                self.set_report(*report);
                None
            }
            Done::ReportFailed(message) => {
                self.report_pending = false;
                self.message = Some(message);
                None
            }
            Done::ClientLoaded(record) => {
                let id = record.profile.id;
                self.open_client(*record);
                Some(Effect::LogAccess(id))
            }
            Done::ClientRefreshed(record) => {
                self.refresh_client(*record);
                None
            }
            Done::FormOpened(form) => {
                self.show_form(*form);
                None
            }
            Done::Saved {
                receipt,
                draft_left,
            } => Some(self.saved_change(*receipt, draft_left)),
            Done::SaveRefused(refusal) => self.refused(refusal),
            Done::SaveWaiting(holder) => {
                if let Some(form) = self.form.as_mut() {
                    form.notice = Some(format!(
                        "Not saved yet: waiting for {holder} to finish. This form stays open and saves by itself as soon as it can; if you change it, press Enter again."
                    ));
                }
                None
            }
            Done::SaveOutdated => {
                if let Some(form) = self.form.as_mut() {
                    form.notice = Some(
                        "Not saved yet: the database was busy. Press Enter to save the form as it is now."
                            .to_owned(),
                    );
                }
                None
            }
            Done::Undone(undone) => {
                self.message = Some(undone_message(&undone));
                Some(self.after_change())
            }
            Done::UndoFailed(error) => {
                self.message = Some(format!("could not undo: {error}"));
                Some(self.after_change())
            }
            Done::OffencesRecorded { reference, quarter } => {
                self.message = Some(format!(
                    "Recorded offences for {reference} in the {quarter} sample."
                ));
                self.report_effect()
            }
            Done::DraftFound(offer) => {
                self.offer_draft(*offer);
                None
            }
            Done::Failed(message) => {
                self.message = Some(message);
                None
            }
        }
    }

    /// Asks for the snapshot of the current scope, read in the background; the lists
    /// on screen stay until it arrives.
    pub(super) fn reload(&mut self) -> Effect {
        self.loading = true;
        Effect::Reload {
            snapshot: Box::new(self.snapshot_request()),
            record: None,
        }
    }

    /// What a snapshot of the current scope is read for, now.
    fn snapshot_request(&self) -> SnapshotRequest {
        let (area, worker) = self.scope_limits();
        // A first screen only where the list on screen is not this scope's (the start,
        // a scope change) or is a first screen itself, and the view is Today, or the
        // Caseload with no filter or search (its first page, read windowed in any order,
        // is then its first rows): a first screen of anything else would only replace
        // what is shown with less.
        let other_scope = self.data.loaded_at.is_none() || self.data.scope != (area, worker);
        let first_page = if self.view == View::Caseload {
            self.page_order()
        } else {
            None
        };
        let first_rows = if (other_scope || self.data.partial.is_some())
            && (self.view == View::Today || first_page.is_some())
        {
            self.visible_rows_of(self.view)
        } else {
            0
        };
        SnapshotRequest {
            area,
            worker,
            now: self.now,
            previous: self.data.caseload.clone(),
            first_rows,
            first_page,
        }
    }

    /// After a save or an undo: the lists are read again, and the record on screen
    /// at once, so it shows the change.
    fn after_change(&mut self) -> Effect {
        self.loading = true;
        Effect::Reload {
            snapshot: Box::new(self.snapshot_request()),
            record: self.client.as_ref().map(|c| c.profile.id),
        }
    }

    /// A save went through: the form closes and the receipt is kept for undo. A form
    /// that differed from the record in nothing wrote nothing, and says so.
    fn saved_change(&mut self, receipt: Receipt, draft_left: Option<String>) -> Effect {
        if let Some(form) = self.form.as_ref() {
            let kind = form.kind;
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
                self.close_form();
                self.message = Some(message);
            } else {
                let note = theirs_kept(form, &receipt);
                self.saved(receipt, kind.title());
                if let Some(note) = note {
                    self.message =
                        Some(format!("Saved: {}; {note}. U undoes yours.", kind.title()));
                }
            }
            // The change is saved whatever happens here: a draft left behind (a
            // colleague took the lock in between) is only offered back once.
            if let Some(error) = draft_left {
                self.message = Some(format!(
                    "{}: saved, but its draft could not be removed ({error}); discard it if it is offered.",
                    kind.title()
                ));
            }
        }
        self.after_change()
    }

    /// A save wrote nothing: the form stays open with the reason, shows the fields a
    /// colleague changed side by side, or gives way to the existing client's record.
    fn refused(&mut self, refusal: Refusal) -> Option<Effect> {
        if let Refusal::Duplicate {
            client_id,
            reference,
        } = refusal
        {
            self.close_form();
            self.message = Some(format!(
                "{reference} already has that reference, or that name and date of birth: here is their record (u for a new episode)"
            ));
            return Some(Effect::OpenClient(client_id));
        }
        let form = self.form.as_mut()?;
        match refusal {
            Refusal::Conflicts(conflicts) => form.resolve(conflicts),
            Refusal::Stale(error) => {
                form.notice = Some(format!(
                    "{error}. Esc closes the form; open it again to start from their change."
                ));
            }
            Refusal::Other(error) => form.notice = Some(error),
            Refusal::Duplicate { .. } => {}
        }
        None
    }
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
fn undone_message(undone: &Receipt) -> String {
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
