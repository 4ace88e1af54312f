//! The model and `update`: pure state changes, no I/O. `update` returns an [`Effect`]
//! for the loop in `tui` to perform on the store.

use chrono::NaiveDate;

use crate::action::{Action, Effect};
use crate::domain::model::{AreaSummary, CaseloadRow, Worker};

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The list of areas.
    Areas,
    /// The selected area's clients.
    Clients,
}

/// Who is using this session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// OS login.
    pub login: String,
    /// The worker record for that login, if there is one.
    pub worker: Option<Worker>,
    /// Database file shown in the status line.
    pub database: String,
    /// Whether the session can write.
    pub read_only: bool,
}

/// A scrolling selection over a list whose rows may not all fit on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    /// Selected row.
    pub selected: usize,
    /// First visible row.
    pub offset: usize,
}

impl ListCursor {
    /// Moves by `delta` rows within a list of `len`, keeping the selection inside a
    /// window of `visible` rows.
    pub fn step(&mut self, delta: isize, len: usize, visible: usize) {
        if len == 0 {
            *self = Self::default();
            return;
        }
        self.selected = self.selected.saturating_add_signed(delta).min(len - 1);
        self.keep_visible(visible);
    }

    /// Adjusts the offset so the selection is on screen.
    pub fn keep_visible(&mut self, visible: usize) {
        let visible = visible.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + visible {
            self.offset = self.selected + 1 - visible;
        }
    }
}

/// Everything the screen shows, and the state of the interaction.
#[derive(Debug, Clone)]
pub struct App {
    /// The day the rules are evaluated on.
    pub today: NaiveDate,
    /// Who, and on which database.
    pub session: Session,
    /// Per-area counts.
    pub areas: Vec<AreaSummary>,
    /// Selection in the areas list.
    pub area_cursor: ListCursor,
    /// The caseload of the area whose id is `clients_area`.
    pub clients: Vec<CaseloadRow>,
    /// Which area `clients` belongs to.
    pub clients_area: Option<i64>,
    /// Selection in the clients table.
    pub client_cursor: ListCursor,
    /// Focused pane.
    pub focus: Pane,
    /// Help popup open.
    pub show_help: bool,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Set once the user has asked to leave.
    pub quitting: bool,
}

impl App {
    /// A new app over a snapshot of area counts.
    #[must_use]
    pub fn new(
        today: NaiveDate,
        session: Session,
        areas: Vec<AreaSummary>,
        size: (u16, u16),
    ) -> Self {
        Self {
            today,
            session,
            areas,
            area_cursor: ListCursor::default(),
            clients: Vec::new(),
            clients_area: None,
            client_cursor: ListCursor::default(),
            focus: Pane::Areas,
            show_help: false,
            size,
            quitting: false,
        }
    }

    /// The area under the cursor.
    #[must_use]
    pub fn selected_area(&self) -> Option<&AreaSummary> {
        self.areas.get(self.area_cursor.selected)
    }

    /// The client under the cursor.
    #[must_use]
    pub fn selected_client(&self) -> Option<&CaseloadRow> {
        self.clients.get(self.client_cursor.selected)
    }

    /// Installs a freshly loaded caseload for `area_id`, keeping the selection on the
    /// same client if it is still there.
    pub fn set_clients(&mut self, area_id: i64, clients: Vec<CaseloadRow>) {
        let keep = (self.clients_area == Some(area_id))
            .then(|| self.selected_client().map(|c| c.client_id))
            .flatten();
        self.clients = clients;
        self.clients_area = Some(area_id);
        self.client_cursor =
            match keep.and_then(|id| self.clients.iter().position(|c| c.client_id == id)) {
                Some(selected) => ListCursor {
                    selected,
                    offset: self.client_cursor.offset,
                },
                None => ListCursor::default(),
            };
        self.client_cursor.keep_visible(self.client_rows_visible());
    }

    /// The effect that loads the selected area's caseload, if it is not loaded yet.
    #[must_use]
    pub fn load_selected_area(&self) -> Option<Effect> {
        let id = self.selected_area()?.area.id;
        (self.clients_area != Some(id)).then_some(Effect::LoadArea(id))
    }

    /// How many client rows fit on screen, from the layout in `ui`.
    #[must_use]
    pub fn client_rows_visible(&self) -> usize {
        usize::from(crate::ui::client_table_rows(self.size, self.areas.len()))
    }

    /// Applies an action; returns what the loop must do next, if anything.
    pub fn update(&mut self, action: Action) -> Option<Effect> {
        let page = isize::try_from(self.client_rows_visible().max(1)).unwrap_or(1);
        match action {
            Action::Quit => {
                self.quitting = true;
                return Some(Effect::Quit);
            }
            Action::ToggleHelp => self.show_help = !self.show_help,
            Action::Resize(columns, rows) => {
                self.size = (columns, rows);
                self.client_cursor.keep_visible(self.client_rows_visible());
            }
            Action::SwitchPane => {
                self.focus = match self.focus {
                    Pane::Areas => Pane::Clients,
                    Pane::Clients => Pane::Areas,
                };
            }
            Action::Enter => {
                if self.focus == Pane::Areas {
                    self.focus = Pane::Clients;
                }
            }
            Action::Back => {
                if self.show_help {
                    self.show_help = false;
                } else {
                    self.focus = Pane::Areas;
                }
            }
            Action::Up => return self.step(-1),
            Action::Down => return self.step(1),
            Action::PageUp => return self.step(-page),
            Action::PageDown => return self.step(page),
            Action::Top => return self.step(isize::MIN / 2),
            Action::Bottom => return self.step(isize::MAX / 2),
        }
        None
    }

    fn step(&mut self, delta: isize) -> Option<Effect> {
        match self.focus {
            Pane::Areas => {
                let len = self.areas.len();
                self.area_cursor.step(delta, len, len);
                self.load_selected_area()
            }
            Pane::Clients => {
                let visible = self.client_rows_visible();
                self.client_cursor.step(delta, self.clients.len(), visible);
                None
            }
        }
    }
}
