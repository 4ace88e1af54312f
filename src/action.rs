//! What the user asked for ([`Action`]) and what the loop must do about it ([`Effect`]).

use chrono::NaiveDateTime;

use crate::app::View;
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

/// An intent, produced from a key by `keys` and consumed by `App::update`.
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
    /// Repaint the whole terminal.
    Redraw,
    /// Suspend to the shell (Ctrl-Z).
    Suspend,
    /// Time passed; countdowns and "today" may have changed.
    Tick(NaiveDateTime),
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// Leave the program.
    Quit,
}

/// Work the loop performs after an update; the app itself never does I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
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
