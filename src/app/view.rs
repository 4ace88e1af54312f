//! The view enums and keyboard modes the model is in. Nothing here depends on any
//! other module of the crate, so actions, keys and the screen can name views and
//! modes without importing the model (or each other).

/// The screens, in tab order (the client record is opened, not tabbed to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// What needs doing today, ranked.
    Today,
    /// Caseloads by area.
    Areas,
    /// The caseload in scope.
    Caseload,
    /// Releases in the coming weeks.
    Releases,
    /// Breaches, outstanding and dealt with.
    Breaches,
    /// The 13-week review list.
    Review,
    /// One client's record.
    Client,
    /// The quarterly return for a period.
    Report,
    /// One area's care co-ordinators and their loads (opened from Areas).
    Workers,
}

impl View {
    /// The views reachable by number and Tab, in order.
    pub const TABS: [Self; 7] = [
        Self::Today,
        Self::Areas,
        Self::Caseload,
        Self::Releases,
        Self::Breaches,
        Self::Review,
        Self::Report,
    ];

    /// The title in the tab bar and the client view's tab.
    #[must_use]
    pub const fn title(self) -> &'static str {
        match self {
            Self::Today => "Today",
            Self::Areas => "Areas",
            Self::Caseload => "Caseload",
            Self::Releases => "Releases",
            Self::Breaches => "Breaches",
            Self::Review => "13-week review",
            Self::Client => "Client",
            Self::Report => "Report",
            Self::Workers => "Workers",
        }
    }

    /// Position in the per-view arrays (cursors): tabs first, then the client record,
    /// the return and the workers of an area.
    pub(crate) const fn index(self) -> usize {
        match self {
            Self::Today => 0,
            Self::Areas => 1,
            Self::Caseload => 2,
            Self::Releases => 3,
            Self::Breaches => 4,
            Self::Review => 5,
            Self::Client => 6,
            Self::Report => 7,
            Self::Workers => 8,
        }
    }
}

/// Whose work the lists show (`--scope mine|area|all`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scope {
    /// The session user's own clients.
    Mine,
    /// The session user's home area.
    #[value(name = "area")]
    MyArea,
    /// Every area.
    #[value(name = "all")]
    Everything,
}

impl Scope {
    /// The word `--scope` takes for it.
    #[must_use]
    pub const fn word(self) -> &'static str {
        match self {
            Self::Mine => "mine",
            Self::MyArea => "area",
            Self::Everything => "all",
        }
    }

    /// Word for the status line.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Mine => "my caseload",
            Self::MyArea => "my area",
            Self::Everything => "everything",
        }
    }
}

/// What the keyboard is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Moving around.
    Normal,
    /// Typing a fuzzy search (`/`).
    Search,
    /// Typing a command (`:`).
    Command,
    /// The help popup is open.
    Help,
    /// The score breakdown of the selected Today item is open.
    Explain,
    /// The menu of updates is open.
    Menu,
    /// A form is open: keys go to it.
    Form,
    /// A draft from an earlier session is offered back.
    DraftOffer,
}

/// Which breaches tab is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreachTab {
    /// Outstanding, by deadline.
    Outstanding,
    /// Arrested, withdrawn or resolved.
    DealtWith,
}
