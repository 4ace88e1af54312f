//! What the user asked for ([`Action`]), what the loop must do about it ([`Effect`]),
//! and what came of that ([`Done`]). Data flows one way: `App::update` takes an
//! action or a result ([`Message`]) and returns an effect; the loop's interpreter
//! carries the effect out on the store and hands back a result, never touching the app.

use std::sync::Arc;

use chrono::NaiveDateTime;
use crossterm::event::KeyEvent;

use crate::app::data::{Data, DraftOffer};
use crate::app::view::View;
use crate::domain::model::CaseloadRow;
use crate::domain::record::ClientRecord;
use crate::domain::write::{Change, Draft, FieldConflict, Receipt, RowBase};
use crate::form::{Form, FormContext, FormKind};
use crate::report::{Report, ReportOptions};

/// A caseload filter chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterChip {
    /// IOM only.
    Iom,
    /// PPO only.
    Ppo,
    /// Domestic-abuse perpetrators only.
    DomesticAbuse,
    /// In custody only.
    Custody,
    /// Week 11 or later only.
    Week11,
    /// My clients only.
    Mine,
}

/// An intent, produced from a key (or the mouse) by `keys` and consumed by `App::update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Move the selection up one row.
    Up,
    /// Move the selection down one row.
    Down,
    /// Move up one page.
    PageUp,
    /// Move down one page.
    PageDown,
    /// Jump to the first row.
    Top,
    /// Jump to the last row.
    Bottom,
    /// Move the selection by this many rows (the mouse wheel).
    Scroll(isize),
    /// A left click at this screen cell: selects a list row, or switches to a tab.
    Click {
        /// Screen column, from 0 at the left.
        column: u16,
        /// Screen row, from 0 at the top.
        row: u16,
    },
    /// Next view in tab order.
    NextView,
    /// Previous view in tab order.
    PrevView,
    /// Go to this view.
    ShowView(View),
    /// Open the selected item.
    Enter,
    /// Back out: close a popup, leave the client record, clear the caseload filters.
    Back,
    /// Show or hide the key help.
    ToggleHelp,
    /// Show or hide the score breakdown of the selected Today item.
    Explain,
    /// Start typing a fuzzy search on the caseload.
    StartSearch,
    /// Start typing a `:` command.
    StartCommand,
    /// A character typed into the search or command line.
    Input(char),
    /// Delete the last typed character.
    Backspace,
    /// Complete the command line.
    Complete,
    /// Finish typing (keep the search / run the command).
    Submit,
    /// Abandon typing (clears the search).
    Cancel,
    /// Cycle the scope: my caseload, my area, everything.
    CycleScope,
    /// Sort the caseload by the next column.
    CycleSort,
    /// Reverse the caseload sort.
    ReverseSort,
    /// Toggle a caseload filter chip.
    ToggleFilter(FilterChip),
    /// Clear the caseload filters and search.
    ClearFilters,
    /// Switch the breaches view between outstanding and dealt with.
    ToggleBreachTab,
    /// Report view: show the previous quarter.
    PreviousQuarter,
    /// Report view: show the next quarter.
    NextQuarter,
    /// Report view: switch between all areas and the session user's area.
    ToggleReportArea,
    /// Read the data again now.
    Reload,
    /// Hide or show client names (initials and references only, for meetings).
    ToggleRedact,
    /// Open the menu of updates for the selected client.
    OpenMenu,
    /// Open this form straight away (for the selected client, where it needs one).
    QuickForm(FormKind),
    /// A key for the open form.
    FormKey(KeyEvent),
    /// Undo the last change saved in this session.
    Undo,
    /// Mark or unmark the selected client for a bulk reassign.
    ToggleMark,
    /// Answer the offer to restore a draft.
    AnswerDraft(bool),
    /// Repaint the whole terminal.
    Redraw,
    /// Suspend to the shell (Ctrl-Z).
    Suspend,
    /// Time passed; countdowns and "today" may have changed.
    Tick(NaiveDateTime),
    /// Someone else committed a change to the database.
    ChangedElsewhere,
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// Leave the program.
    Quit,
}

/// Work the loop performs after an update; the app itself never does I/O. Each
/// effect carries everything its store work needs, so carrying it out reads nothing
/// from the app.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Read what the form needs and open it.
    OpenForm {
        /// Which form.
        kind: FormKind,
        /// The client it is about.
        client_id: Option<i64>,
        /// Clients marked for a bulk reassign.
        clients: Vec<i64>,
        /// What the form opens with before the store is read (time, choices, home).
        seed: Box<FormContext>,
    },
    /// Record a sampled client's offence counts in a quarter's re-offending sample.
    RecordOffences {
        /// The quarter's label, e.g. `2026-27:Q2`.
        quarter: String,
        /// Client reference.
        reference: String,
        /// Before, during, 3+ and 12+ months after (`None` = unchanged).
        counts: [Option<u32>; 4],
    },
    /// Save the change of the open form.
    Save(Box<SaveRequest>),
    /// Undo a saved change.
    Undo(Box<Receipt>),
    /// Reopen a form from a draft.
    RestoreDraft {
        /// The draft as stored.
        draft: Box<Draft>,
        /// What the form opens with before the store is read.
        seed: Box<FormContext>,
    },
    /// Drop the draft of a form.
    DiscardDraft {
        /// The form's stable name.
        form: &'static str,
        /// The client it was about.
        client_id: Option<i64>,
    },
    /// Read the snapshot again in the background, and the client record on screen at
    /// once (after a change of the user's, which the record must show).
    Reload {
        /// The scope, time and current rows the snapshot is read for.
        snapshot: Box<SnapshotRequest>,
        /// The client record to read again, if one is on screen and must follow.
        record: Option<i64>,
    },
    /// Load and show a client's record.
    OpenClient(i64),
    /// Find a client by reference, then show the record.
    OpenClientByReference(String),
    /// Put a client record the user opened into the access log (queued: the loop
    /// writes it after the frame is drawn).
    LogAccess(i64),
    /// Count the quarterly return in the background (as `caseload report` does) and
    /// show it; the app's time gives the day it is produced on.
    LoadReport(ReportOptions),
    /// Repaint everything.
    Redraw,
    /// Restore the terminal, stop until resumed, then take it back.
    Suspend,
    /// Restore the terminal and exit.
    Quit,
}

impl Effect {
    /// The effect that saves `change`, made on `form`: merged against the rows as the
    /// form read them, and dropping the form's draft once saved.
    #[must_use]
    pub fn save(change: Change, form: &Form) -> Self {
        Self::Save(Box::new(SaveRequest {
            change,
            bases: form.context.bases.clone(),
            draft: form.kind.draft_key(),
            client_id: form.context.client.map(|c| c.id),
        }))
    }
}

/// A snapshot to read: the scope's limits, the moment, and the caseload rows on
/// screen (rows that have not changed are shared with the new snapshot, not copied).
#[derive(Debug, Clone)]
pub struct SnapshotRequest {
    /// Only this area's clients, if set.
    pub area: Option<i64>,
    /// Only this worker's clients, if set.
    pub worker: Option<i64>,
    /// The time the lists and countdowns are worked out at.
    pub now: NaiveDateTime,
    /// The caseload rows of the snapshot on screen.
    pub previous: Vec<Arc<CaseloadRow>>,
    /// Rows of the Today queue to show first, from a quick read of the clients its
    /// head can come from, before the whole snapshot (0: none, the lists on screen
    /// stay until it arrives).
    pub first_rows: usize,
    /// The first rows are the Caseload view's first page instead, in this order (sort
    /// key, reversed).
    pub first_page: Option<(crate::app::lists::SortKey, bool)>,
}

/// A form's change with what a save needs besides: the rows as the form read them
/// (a colleague's later change to another field is kept, not overwritten) and the
/// draft to drop once it is saved.
#[derive(Debug, Clone)]
pub struct SaveRequest {
    /// The change.
    pub change: Change,
    /// The edited rows as read when the form opened.
    pub bases: Vec<RowBase>,
    /// The form's draft key.
    pub draft: &'static str,
    /// The client the form is about (its draft is kept per client).
    pub client_id: Option<i64>,
}

/// What `App::update` takes: the user's intent, or what came of an effect.
#[derive(Debug)]
pub enum Message {
    /// From a key, the mouse, the clock or a colleague's commit.
    Act(Action),
    /// From the loop, once it carried out an effect or a background read finished.
    Done(Done),
}

impl From<Action> for Message {
    fn from(action: Action) -> Self {
        Self::Act(action)
    }
}

impl From<Done> for Message {
    fn from(done: Done) -> Self {
        Self::Done(done)
    }
}

/// What came of an effect or a background read: the only way results reach the app.
#[derive(Debug)]
pub enum Done {
    /// The first screen of the snapshot last asked for (see [`Data::partial`]); the
    /// whole snapshot follows.
    FirstRows(Box<Data>),
    /// The snapshot last asked for has been read.
    Loaded(Box<Data>),
    /// Reading the snapshot failed; the sentence says what to do.
    LoadFailed(String),
    /// The return last asked for has been counted.
    ReportReady(Box<Report>),
    /// Counting the return failed; the sentence says what to do.
    ReportFailed(String),
    /// A client record, read to be shown (the user opened it).
    ClientLoaded(Box<ClientRecord>),
    /// The record on screen, read again after a change (the view stays as it was).
    ClientRefreshed(Box<ClientRecord>),
    /// A form, opened (or restored from a draft) on what the store holds now.
    FormOpened(Box<Form>),
    /// The open form's change is written; `draft_left` says why its draft stays.
    Saved {
        /// What was written (empty if the record already held the form's values).
        receipt: Box<Receipt>,
        /// The store's words, if the form's draft could not be dropped.
        draft_left: Option<String>,
    },
    /// The open form's change was refused and nothing was written.
    SaveRefused(Refusal),
    /// A save waits for a colleague's write, named here; the loop tries it again.
    SaveWaiting(String),
    /// A waiting save was given up because the form changed since Enter.
    SaveOutdated,
    /// The last change was undone, except where a colleague changed a field since.
    Undone(Box<Receipt>),
    /// The last change could not be undone: the store's words.
    UndoFailed(String),
    /// Offence counts were written to a quarter's re-offending sample.
    OffencesRecorded {
        /// The client's reference.
        reference: String,
        /// The quarter's label.
        quarter: String,
    },
    /// A draft this login left behind, to offer back.
    DraftFound(Box<DraftOffer>),
    /// Something could not be done: a sentence for the status line.
    Failed(String),
}

/// Why a save wrote nothing.
#[derive(Debug)]
pub enum Refusal {
    /// Fields a colleague changed to something else since the form opened: the user
    /// picks each value.
    Conflicts(Vec<FieldConflict>),
    /// The row changed under the form in a way fields cannot settle (the sentence).
    Stale(String),
    /// The new client is already recorded: their record is shown instead.
    Duplicate {
        /// The existing client.
        client_id: i64,
        /// Their reference.
        reference: String,
    },
    /// Any other refusal, as a sentence for the form.
    Other(String),
}
