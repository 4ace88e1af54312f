//! What the user asked for ([`Action`]) and what the loop must do about it ([`Effect`]).

/// An intent, produced from a key by `keys` and consumed by `App::update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Move the selection up one row.
    Up,
    /// Move the selection down one row.
    Down,
    /// Move the selection up one page.
    PageUp,
    /// Move the selection down one page.
    PageDown,
    /// Jump to the first row.
    Top,
    /// Jump to the last row.
    Bottom,
    /// Move focus to the other pane.
    SwitchPane,
    /// Open the selected item (an area opens its caseload).
    Enter,
    /// Back out: close a popup, or return focus to the areas.
    Back,
    /// Show or hide the key help.
    ToggleHelp,
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// Leave the program.
    Quit,
}

/// Work the loop performs on the store after an update; the app itself never does I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Load the caseload of this area.
    LoadArea(i64),
    /// Restore the terminal and exit.
    Quit,
}
