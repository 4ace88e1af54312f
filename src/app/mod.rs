//! The model and `update`: pure state changes, no I/O. `update` takes an action or
//! the result of an effect and returns an [`Effect`] for the loop in `tui` to carry
//! out on the store; derived lists are recomputed here, so drawing only reads.

pub mod command;
pub mod data;
mod done;
mod editing;
pub mod fuzzy;
pub mod lists;
mod read;
mod report;
mod update;
pub mod view;
pub mod workers;

pub use data::{Data, DraftOffer};
pub use editing::Menu;
pub use view::{BreachTab, Mode, Scope, View};

use chrono::{NaiveDate, NaiveDateTime};

use crate::config::Settings;
use crate::domain::model::Worker;
use crate::domain::period::Period;
use crate::domain::record::{BreachRow, ClientRecord};
use crate::domain::triage;
use crate::report::Report;
use fuzzy::SearchTexts;
use lists::{CaseloadFilter, Entry, SortKey};

/// Who is using this session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The OS login the session runs as: whom the audit and the access log name.
    pub login: String,
    /// The worker record for that login, if there is one.
    pub worker: Option<Worker>,
    /// Database file shown in the status line.
    pub database: String,
    /// Whether the session can write.
    pub read_only: bool,
    /// Start with names redacted (`--redact`).
    pub redact: bool,
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

    /// Clamps to a list of `len` and adjusts the offset so the selection is on screen.
    pub fn keep_visible(&mut self, visible: usize) {
        let visible = visible.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + visible {
            self.offset = self.selected + 1 - visible;
        }
    }

    fn clamp(&mut self, len: usize, visible: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
        self.offset = self.offset.min(self.selected);
        self.keep_visible(visible);
    }
}

/// The settings from the config file that the model's rules use. Key bindings, colours
/// and the mouse are the screen's and the loop's (`ui::Ctx`), not the model's.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// How many days ahead the Releases view looks.
    pub release_window_days: i64,
    /// Whether alcohol may be the primary substance (offered in the forms).
    pub alcohol_may_be_primary: bool,
    /// The team's choices the return counts by (KPI windows, the clock's start).
    pub report: crate::domain::kpi::Rules,
    /// The Today ranking.
    pub triage: triage::TriageConfig,
}

impl Rules {
    /// The rules `settings` set.
    #[must_use]
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            release_window_days: settings.release_window_days,
            alcohol_may_be_primary: settings.alcohol_may_be_primary,
            report: settings.return_rules(),
            triage: settings.triage.clone(),
        }
    }
}

/// Everything the screen shows, and the state of the interaction.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // independent switches of the interaction, not a state machine
pub struct App {
    /// Now, from the loop's clock (minute precision is enough for every rule).
    now: NaiveDateTime,
    /// Who, and on which database.
    session: Session,
    /// The settings the model's rules take from the config file.
    rules: Rules,
    /// The loaded snapshot.
    data: Data,
    /// The screen shown.
    view: View,
    /// Where Esc returns to from the client record.
    previous: View,
    /// Whose work is shown.
    scope: Scope,
    /// What the keyboard is doing.
    mode: Mode,
    /// Text being typed in search or command mode.
    input: String,
    /// The active fuzzy search on the caseload.
    search: String,
    /// A one-line message for the status bar (command errors, hints).
    message: Option<String>,
    /// Show initials and references instead of names (screen sharing in meetings).
    redact: bool,
    /// A fresh snapshot is being read in the background.
    loading: bool,
    /// When a colleague's change last refreshed the lists (the "updated" marker).
    updated_elsewhere: Option<NaiveDateTime>,
    /// Caseload filter chips.
    filter: CaseloadFilter,
    /// Caseload sort column.
    sort: SortKey,
    /// Caseload sort reversed.
    descending: bool,
    /// Breaches tab.
    breach_tab: BreachTab,
    /// The client shown in the client view.
    client: Option<ClientRecord>,
    /// Cursor per view (the client and report views use `selected` as their scroll
    /// position).
    cursors: [ListCursor; 9],
    /// The period the Report view asks for.
    report_period: Period,
    /// Whether the Report view asks for the session user's area rather than all areas.
    report_own_area: bool,
    /// The return shown in the Report view, once loaded.
    report: Option<Report>,
    /// A return is being counted in the background.
    report_pending: bool,
    /// Lines of the client record, counted when it arrives.
    client_lines: usize,
    /// Lines of the Report view, counted when a return arrives or goes.
    return_lines: usize,
    /// The open form, if any.
    form: Option<crate::form::Form>,
    /// The menu of updates, when open.
    menu: Option<Menu>,
    /// The last change saved in this session, for undo.
    receipt: Option<crate::domain::write::Receipt>,
    /// Clients marked for a bulk reassign, with the area and care co-ordinator the
    /// list showed when each was marked.
    marked: std::collections::BTreeMap<i64, crate::domain::roles::ClientScope>,
    /// A draft offered back at start-up.
    draft_offer: Option<DraftOffer>,
    /// Derived: caseload rows to show.
    caseload_list: Vec<Entry>,
    /// Results of the shorter queries typed so far, to narrow the next keystroke.
    search_steps: Vec<(String, Vec<Entry>)>,
    /// The caseload's search texts in one buffer while a search is open: built when
    /// one starts, dropped when it is cleared or a new snapshot arrives (kept in the
    /// snapshot, it would double at every reload, when two snapshots are in memory).
    search_texts: Option<SearchTexts>,
    /// Derived: review rows (indices into the caseload).
    review_list: Vec<usize>,
    /// Derived: releases to show (indices into `data.releases`).
    release_list: Vec<usize>,
    /// Derived: per-area release and breach counts, in `data.areas` order.
    area_counts: Vec<lists::AreaCounts>,
    /// Derived: breaches to show (indices into the tab's list).
    breach_list: Vec<usize>,
    /// The Areas view's drill-down into one area's workers, once opened.
    workers: Option<workers::Workers>,
    /// Terminal size (columns, rows).
    size: (u16, u16),
    /// Set once the user has asked to leave.
    quitting: bool,
}

impl App {
    /// A new app showing the Today view, before any data is loaded.
    #[must_use]
    pub fn new(
        now: NaiveDateTime,
        session: Session,
        settings: &Settings,
        size: (u16, u16),
    ) -> Self {
        let scope = match &session.worker {
            Some(w) if w.area_id.is_some() => {
                if w.role == crate::domain::model::Role::CareCoordinator {
                    Scope::Mine
                } else {
                    Scope::MyArea
                }
            }
            _ => Scope::Everything,
        };
        let redact = session.redact;
        // A login without a worker record is told at once why nothing can be changed.
        let message = session.worker.is_none().then(|| {
            format!(
                "read-only: no worker record for login '{}' (an admin adds you with `caseload worker add`)",
                session.login
            )
        });
        Self {
            now,
            session,
            rules: Rules::from_settings(settings),
            data: Data::default(),
            view: View::Today,
            previous: View::Today,
            scope,
            mode: Mode::Normal,
            input: String::new(),
            search: String::new(),
            message,
            redact,
            loading: false,
            updated_elsewhere: None,
            filter: CaseloadFilter::default(),
            sort: SortKey::default(),
            descending: false,
            breach_tab: BreachTab::Outstanding,
            client: None,
            cursors: [ListCursor::default(); 9],
            report_period: Period::last_complete_quarter(now.date()),
            report_own_area: false,
            report: None,
            report_pending: false,
            client_lines: 0,
            return_lines: 1,
            form: None,
            menu: None,
            receipt: None,
            marked: std::collections::BTreeMap::new(),
            draft_offer: None,
            caseload_list: Vec::new(),
            search_steps: Vec::new(),
            search_texts: None,
            review_list: Vec::new(),
            release_list: Vec::new(),
            breach_list: Vec::new(),
            area_counts: Vec::new(),
            workers: None,
            size,
            quitting: false,
        }
    }

    /// The day the rules are evaluated on.
    #[must_use]
    pub fn today(&self) -> NaiveDate {
        self.now.date()
    }

    /// The session user's worker id, if any.
    #[must_use]
    pub fn me(&self) -> Option<i64> {
        self.session.worker.as_ref().map(|w| w.id)
    }

    /// The (area, worker) limits of the current scope.
    #[must_use]
    pub fn scope_limits(&self) -> (Option<i64>, Option<i64>) {
        let worker = self.session.worker.as_ref();
        match self.scope {
            Scope::Mine => (None, worker.map(|w| w.id)),
            Scope::MyArea => (worker.and_then(|w| w.area_id), None),
            Scope::Everything => (None, None),
        }
    }

    /// Installs a freshly loaded snapshot, keeping each list's selection on the same
    /// item where it still exists.
    pub(super) fn set_data(&mut self, data: Data) {
        let keep_client = self.selected_client_id();
        self.search_texts = None;
        self.data = data;
        self.derive_lists();
        if let Some(id) = keep_client {
            self.select_client_id(id);
        }
    }

    /// Installs a loaded client record and shows it.
    fn open_client(&mut self, record: ClientRecord) {
        if self.view != View::Client {
            self.previous = self.view;
        }
        self.refresh_client(record);
        self.view = View::Client;
        self.cursors[View::Client.index()] = ListCursor::default();
        self.mode = Mode::Normal;
    }

    /// Installs a reread of the client record on screen (the scroll position stays),
    /// counting its lines once here rather than at every key.
    pub(super) fn refresh_client(&mut self, record: ClientRecord) {
        let shows_viewers = crate::domain::roles::may_review_access(self.session.worker.as_ref());
        self.client_lines = crate::layout::record_lines(
            &record,
            self.today(),
            self.rules.triage.clock_starts,
            shows_viewers,
        );
        self.client = Some(record);
    }

    /// The cursor of the current view.
    #[must_use]
    pub fn cursor(&self) -> ListCursor {
        self.cursors[self.view.index()]
    }

    /// The cursor of `view`.
    #[must_use]
    pub fn cursor_of(&self, view: View) -> ListCursor {
        self.cursors[view.index()]
    }

    /// Rows in the current view's list.
    #[must_use]
    pub fn list_len(&self) -> usize {
        self.len_of(self.view)
    }

    /// Rows the current view can show at the current size.
    #[must_use]
    pub fn visible_rows(&self) -> usize {
        self.visible_rows_of(self.view)
    }

    fn visible_rows_of(&self, view: View) -> usize {
        crate::layout::visible_rows(self.size, view)
    }

    /// The breaches of the current tab.
    #[must_use]
    pub fn breach_source(&self) -> &[BreachRow] {
        match self.breach_tab {
            BreachTab::Outstanding => &self.data.breaches,
            BreachTab::DealtWith => &self.data.dealt_with,
        }
    }

    /// The client id under the cursor in the current view, if the row is a client's.
    #[must_use]
    pub fn selected_client_id(&self) -> Option<i64> {
        self.client_at(self.view, self.cursor().selected)
    }

    /// The client id of row `at` of `view`'s list, if the row is a client's.
    fn client_at(&self, view: View, at: usize) -> Option<i64> {
        if self.waits_for_snapshot(view) {
            return None;
        }
        match view {
            View::Today => self.data.today.get(at).map(|i| i.client_id),
            View::Caseload => self
                .caseload_list
                .get(at)
                .map(|e| self.data.caseload[e.row()].client_id),
            View::Review => self
                .review_list
                .get(at)
                .map(|&i| self.data.caseload[i].client_id),
            View::Releases => self
                .release_list
                .get(at)
                .map(|&i| self.data.releases[i].client.client_id),
            View::Breaches => self
                .breach_list
                .get(at)
                .map(|&i| self.breach_source()[i].client.client_id),
            View::Areas | View::Client | View::Report | View::Workers => None,
        }
    }

    fn select_client_id(&mut self, id: i64) {
        let position =
            (0..self.len_of(self.view)).position(|at| self.client_at(self.view, at) == Some(id));
        if let Some(selected) = position {
            let visible = self.visible_rows();
            let cursor = &mut self.cursors[self.view.index()];
            cursor.selected = selected;
            cursor.keep_visible(visible);
        }
    }

    /// Recomputes every list the views show from the snapshot, and clamps the cursors.
    fn derive_lists(&mut self) {
        let today = self.today();
        let (area, worker) = self.scope_limits();
        self.derive_caseload();
        self.review_list = lists::review(&self.data.caseload, &self.data.orders, today);
        self.release_list = lists::releases(
            &self.data.releases,
            area,
            worker,
            self.rules.release_window_days,
            today,
        );
        self.breach_list = lists::breaches(self.breach_source(), area, worker);
        self.area_counts = self.data.area_counts.clone().unwrap_or_else(|| {
            lists::area_counts_of_lists(
                &self.data.areas,
                &self.data.releases,
                &self.data.breaches,
                today,
            )
        });
        self.derive_workers();
        self.clamp_cursors();
    }

    /// Keeps each list's cursor inside its list and on screen.
    fn clamp_cursors(&mut self) {
        for view in View::TABS.into_iter().chain([View::Workers]) {
            let len = self.len_of(view);
            let visible = crate::layout::visible_rows(self.size, view);
            self.cursors[view.index()].clamp(len, visible);
        }
    }

    /// Recomputes the caseload list from scratch (filters, sort or data changed).
    fn derive_caseload(&mut self) {
        self.search_steps.clear();
        self.compute_caseload(None);
    }

    fn compute_caseload(&mut self, within: Option<&[Entry]>) {
        if self.search.trim().is_empty() {
            self.drop_unused_search_texts();
        } else {
            self.search_texts();
        }
        let search = self.search_texts.as_ref().map(|texts| lists::Search {
            query: &self.search,
            texts,
            within,
        });
        self.caseload_list = lists::caseload(
            &self.data.caseload,
            &self.data.orders,
            &self.filter,
            search,
            self.sort,
            self.descending,
            self.me(),
            self.today(),
        );
        let visible = crate::layout::visible_rows(self.size, View::Caseload);
        self.cursors[View::Caseload.index()].clamp(self.caseload_list.len(), visible);
    }

    /// The caseload's search texts, built now if they are not yet.
    fn search_texts(&mut self) -> &SearchTexts {
        let rows = &self.data.caseload;
        self.search_texts
            .get_or_insert_with(|| SearchTexts::new(rows.iter().map(|r| r.label.search_text())))
    }

    /// Lets go of the search texts once no search is open or typed.
    fn drop_unused_search_texts(&mut self) {
        if self.mode != Mode::Search && self.search.trim().is_empty() {
            self.search_texts = None;
        }
    }

    /// A search keystroke: narrow the last result when the query only grew.
    fn search_step(&mut self) {
        while let Some((query, _)) = self.search_steps.last() {
            if !query.is_empty() && self.search.starts_with(query.as_str()) {
                break;
            }
            self.search_steps.pop();
        }
        // Lent out rather than copied while the list is computed from the last one.
        let steps = std::mem::take(&mut self.search_steps);
        self.compute_caseload(steps.last().map(|(_, entries)| entries.as_slice()));
        self.search_steps = steps;
        if !self.search.trim().is_empty() {
            self.search_steps
                .push((self.search.clone(), self.caseload_list.clone()));
        }
    }

    fn len_of(&self, view: View) -> usize {
        if self.waits_for_snapshot(view) {
            return 0;
        }
        match view {
            View::Today => self.data.today.len(),
            View::Areas => self.data.areas.len(),
            View::Caseload => self.caseload_list.len(),
            View::Releases => self.release_list.len(),
            View::Breaches => self.breach_list.len(),
            View::Review => self.review_list.len(),
            View::Workers => self.workers.as_ref().map_or(0, |w| w.rows.len()),
            View::Client | View::Report => {
                let lines = if view == View::Client {
                    self.client_lines
                } else {
                    self.return_lines
                };
                crate::layout::scroll_positions(lines, self.size, view)
            }
        }
    }

    /// Whether `view` waits for the whole snapshot: a first screen (see
    /// [`Data::partial`]) holds only what its own view shows, and the Areas view's
    /// counts once they are read; a record is read by itself.
    /// The Caseload's first page is its list in the order it was read for, with no
    /// filter or search: in any other, it waits too.
    #[must_use]
    pub fn waits_for_snapshot(&self, view: View) -> bool {
        match self.data.partial {
            None => false,
            Some(_) if view == View::Client => false,
            Some(_) if view == View::Areas => self.data.area_counts.is_none(),
            Some(View::Caseload) if view == View::Caseload => {
                self.page_order().is_none() || self.data.page_order != self.page_order()
            }
            Some(first) => view != first,
        }
    }

    /// The order (sort key, reversed) the Caseload's first page is read in, if it lists
    /// every client in scope (no filter, no search).
    fn page_order(&self) -> Option<(SortKey, bool)> {
        (self.filter == CaseloadFilter::default() && self.search.trim().is_empty())
            .then_some((self.sort, self.descending))
    }

    /// While nothing or a first screen is shown and the rest is read: a read of the
    /// Caseload's first page in its order now, if it is on screen and the first screen
    /// is not that page. It stops the read in flight, which follows the page again.
    fn page_effect(&mut self) -> Option<crate::action::Effect> {
        let wanted = self.loading
            && self.view == View::Caseload
            && (self.data.partial.is_some() || self.data.loaded_at.is_none())
            && self
                .page_order()
                .is_some_and(|order| self.data.page_order != Some(order));
        wanted.then(|| self.reload())
    }

    fn show(&mut self, view: View) {
        self.view = view;
        self.mode = Mode::Normal;
    }
}
