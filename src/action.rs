//! What the user asked for ([`Action`]) and what the loop must do about it ([`Effect`]).

use chrono::NaiveDateTime;
use crossterm::event::KeyEvent;

use crate::app::view::View;
use crate::domain::write::{Change, Draft, Receipt};
use crate::form::FormKind;
use crate::report::ReportOptions;

/// A caseload filter chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterChip {
    /// IOM only.
    Iom,
    /// PPO only.
    Ppo,
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

/// Work the loop performs after an update; the app itself never does I/O.
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
    Save(Box<Change>),
    /// Undo a saved change.
    Undo(Box<Receipt>),
    /// Reopen a form from a draft.
    RestoreDraft(Box<Draft>),
    /// Drop the draft of a form.
    DiscardDraft {
        /// The form's stable name.
        form: &'static str,
        /// The client it was about.
        client_id: Option<i64>,
    },
    /// Read the snapshot again for the current scope.
    Reload,
    /// Load and show a client's record.
    OpenClient(i64),
    /// Find a client by reference, then show the record.
    OpenClientByReference(String),
    /// Build the quarterly return (as `caseload report` does) and show it.
    LoadReport(ReportOptions),
    /// Repaint everything.
    Redraw,
    /// Restore the terminal, stop until resumed, then take it back.
    Suspend,
    /// Restore the terminal and exit.
    Quit,
}
