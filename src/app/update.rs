//! `App::update`: how each action changes the state, and what the loop must do next.
//! Pure: anything that needs the store comes back as an [`Effect`], and what came of
//! it as a [`Done`](crate::action::Done) (see `done.rs`).

use super::command::{self, Command};
use super::lists::{self, CaseloadFilter};
use super::{App, BreachTab, ListCursor, Mode, Scope, View};
use crate::action::{Action, Effect, FilterChip, Message};
use crate::domain::triage;

impl App {
    /// Starts in `scope` (from `--scope` or the one left last time) instead of the
    /// role's; without a worker record there is no "mine" or "area": everything.
    #[must_use]
    pub fn starting_in(mut self, scope: Scope) -> Self {
        self.scope = if self.session.worker.is_some() {
            scope
        } else {
            Scope::Everything
        };
        self
    }

    /// Applies the user's action or what came of an effect: the only way the app
    /// changes once running. Returns what the loop must do next, if anything.
    pub fn update(&mut self, message: impl Into<Message>) -> Option<Effect> {
        match message.into() {
            Message::Act(action) => self.act(action),
            Message::Done(done) => self.done(done),
        }
    }

    /// Applies an action of the user's (or the clock's); clears the last message.
    fn act(&mut self, action: Action) -> Option<Effect> {
        self.message = None;
        match action {
            Action::Quit => Some(self.quit()),
            Action::Suspend => Some(Effect::Suspend),
            Action::Redraw => Some(Effect::Redraw),
            Action::Reload => Some(self.reload()),
            Action::Tick(now) => self.tick(now),
            Action::ToggleRedact => self.toggle_redact(),
            Action::OpenMenu => self.open_menu(),
            Action::QuickForm(kind) => self.quick_form(kind),
            Action::FormKey(key) => self.form_key(key),
            Action::Undo => self.undo(),
            Action::ToggleMark => {
                self.toggle_mark();
                None
            }
            Action::AnswerDraft(restore) => self.answer_draft(restore),
            Action::ChangedElsewhere => Some(self.changed_elsewhere()),
            Action::Resize(columns, rows) => self.resize(columns, rows),
            Action::ToggleHelp => self.toggle_help(),
            Action::Explain => self.toggle_explain(),
            Action::ShowView(view) => {
                self.show(view);
                self.page_effect().or_else(|| self.report_effect())
            }
            Action::NextView | Action::PrevView => self.next_view(action),
            Action::Up if self.mode == Mode::Menu => {
                self.menu_step(-1);
                None
            }
            Action::Down if self.mode == Mode::Menu => {
                self.menu_step(1);
                None
            }
            Action::Enter if self.mode == Mode::Menu => self.menu_choose(),
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.step(-isize::try_from(self.visible_rows()).unwrap_or(1)),
            Action::PageDown => self.step(isize::try_from(self.visible_rows()).unwrap_or(1)),
            Action::Scroll(delta) => self.step(delta),
            Action::Click { column, row } => self.click(column, row),
            Action::Top => self.step(isize::MIN / 2),
            Action::Bottom => self.step(isize::MAX / 2),
            Action::Enter => self.enter(),
            Action::Back => self.back(),
            Action::StartSearch => self.start_search(),
            Action::StartCommand => self.start_command(),
            Action::Input(c) => self.input_char(c),
            Action::Backspace => self.backspace(),
            Action::Complete => self.complete(),
            Action::Submit => self.submit(),
            Action::Cancel => self.cancel(),
            Action::CycleScope => Some(self.cycle_scope()),
            Action::CycleSort => self.cycle_sort(),
            Action::ReverseSort => self.reverse_sort(),
            Action::ToggleFilter(chip) => self.toggle_filter(chip),
            Action::ClearFilters => self.clear_filters(),
            Action::PreviousQuarter | Action::NextQuarter => {
                self.step_quarter(action == Action::NextQuarter)
            }
            Action::ToggleReportArea => self.toggle_report_area(),
            Action::ToggleBreachTab => self.toggle_breach_tab(),
        }
    }

    fn quit(&mut self) -> Effect {
        self.quitting = true;
        Effect::Quit
    }

    fn tick(&mut self, now: chrono::NaiveDateTime) -> Option<Effect> {
        let new_day = now.date() != self.now.date();
        self.now = now;
        if new_day {
            return Some(self.reload());
        }
        triage::retime(&mut self.data.today, now, &self.rules.triage);
        None
    }

    fn toggle_redact(&mut self) -> Option<Effect> {
        self.redact = !self.redact;
        self.message = Some(
            if self.redact {
                "names hidden: initials and references only"
            } else {
                "names shown"
            }
            .to_owned(),
        );
        None
    }

    fn changed_elsewhere(&mut self) -> Effect {
        self.updated_elsewhere = Some(self.now);
        self.reload()
    }

    fn resize(&mut self, columns: u16, rows: u16) -> Option<Effect> {
        self.size = (columns, rows);
        self.count_return_lines();
        self.clamp_cursors();
        None
    }

    fn toggle_help(&mut self) -> Option<Effect> {
        self.mode = if self.mode == Mode::Help {
            Mode::Normal
        } else {
            Mode::Help
        };
        None
    }

    fn toggle_explain(&mut self) -> Option<Effect> {
        if self.view == View::Today && !self.data.today.is_empty() {
            self.mode = if self.mode == Mode::Explain {
                Mode::Normal
            } else {
                Mode::Explain
            };
        }
        None
    }

    fn next_view(&mut self, action: Action) -> Option<Effect> {
        let tabs = View::TABS;
        let at = tabs.iter().position(|v| *v == self.view).unwrap_or(0);
        let next = if action == Action::NextView {
            at + 1
        } else {
            at + tabs.len() - 1
        };
        self.show(tabs[next % tabs.len()]);
        self.page_effect().or_else(|| self.report_effect())
    }

    fn start_search(&mut self) -> Option<Effect> {
        self.show(View::Caseload);
        self.mode = Mode::Search;
        self.input = self.search.clone();
        // Ready before the first letter, which searches every name.
        self.search_texts();
        None
    }

    fn start_command(&mut self) -> Option<Effect> {
        self.mode = Mode::Command;
        self.input.clear();
        None
    }

    fn input_char(&mut self, c: char) -> Option<Effect> {
        self.input.push(c);
        self.after_input();
        None
    }

    fn backspace(&mut self) -> Option<Effect> {
        self.input.pop();
        self.after_input();
        None
    }

    fn complete(&mut self) -> Option<Effect> {
        if self.mode == Mode::Command {
            let areas: Vec<String> = self
                .data
                .areas
                .iter()
                .map(|a| a.area.name.clone())
                .collect();
            self.input = command::complete(&self.input, |word| match word {
                "area" => areas.clone(),
                "scope" => vec!["mine".into(), "area".into(), "all".into()],
                _ => Vec::new(),
            });
        }
        None
    }

    fn cancel(&mut self) -> Option<Effect> {
        let cancelled = std::mem::replace(&mut self.mode, Mode::Normal);
        self.input.clear();
        if cancelled == Mode::Search {
            self.search.clear();
            self.derive_caseload();
        }
        None
    }

    fn cycle_scope(&mut self) -> Effect {
        self.scope = match self.scope {
            Scope::Mine => Scope::MyArea,
            Scope::MyArea => Scope::Everything,
            // Without a worker record there is no "mine": stay on everything.
            Scope::Everything => {
                if self.session.worker.is_some() {
                    Scope::Mine
                } else {
                    Scope::Everything
                }
            }
        };
        self.reload()
    }

    fn cycle_sort(&mut self) -> Option<Effect> {
        if self.view == View::Workers {
            self.sort_workers(false);
            return None;
        }
        self.sort = self.sort.next();
        self.message = Some(format!("sorted by {}", self.sort.label()));
        self.derive_caseload();
        self.page_effect()
    }

    fn reverse_sort(&mut self) -> Option<Effect> {
        if self.view == View::Workers {
            self.sort_workers(true);
            return None;
        }
        self.descending = !self.descending;
        self.derive_caseload();
        self.page_effect()
    }

    fn toggle_filter(&mut self, chip: FilterChip) -> Option<Effect> {
        let f = &mut self.filter;
        match chip {
            FilterChip::Iom => f.iom = !f.iom,
            FilterChip::Ppo => f.ppo = !f.ppo,
            FilterChip::DomesticAbuse => f.domestic_abuse = !f.domestic_abuse,
            FilterChip::Custody => f.custody = !f.custody,
            FilterChip::Week11 => f.week_11 = !f.week_11,
            FilterChip::Mine => f.mine = !f.mine,
        }
        self.derive_caseload();
        None
    }

    fn clear_filters(&mut self) -> Option<Effect> {
        self.filter = CaseloadFilter::default();
        self.search.clear();
        self.derive_caseload();
        None
    }

    fn toggle_breach_tab(&mut self) -> Option<Effect> {
        self.breach_tab = match self.breach_tab {
            BreachTab::Outstanding => BreachTab::DealtWith,
            BreachTab::DealtWith => BreachTab::Outstanding,
        };
        self.cursors[View::Breaches.index()] = ListCursor::default();
        let (area, worker) = self.scope_limits();
        self.breach_list = lists::breaches(self.breach_source(), area, worker);
        None
    }

    fn step(&mut self, delta: isize) -> Option<Effect> {
        let len = self.list_len();
        let visible = self.visible_rows();
        self.cursors[self.view.index()].step(delta, len, visible);
        None
    }

    /// A click on a tab shows that view; on a list row, selects it. The row is found
    /// from the same layout and scroll window the view draws.
    fn click(&mut self, column: u16, row: u16) -> Option<Effect> {
        if let Some(view) = crate::layout::tab_at(self.size, column, row) {
            self.show(view);
            return self.report_effect();
        }
        let at = crate::layout::list_row_at(self.size, self.view, column, row)?;
        let visible = self.visible_rows();
        let mut cursor = self.cursor();
        cursor.keep_visible(visible);
        let selected = cursor.offset + at;
        if selected < self.list_len() {
            cursor.selected = selected;
            self.cursors[self.view.index()] = cursor;
        }
        None
    }

    fn enter(&mut self) -> Option<Effect> {
        match self.view {
            View::Areas => self.open_workers(),
            View::Workers => self.open_worker_caseload(),
            _ => self.selected_client_id().map(Effect::OpenClient),
        }
    }

    fn back(&mut self) -> Option<Effect> {
        match self.mode {
            Mode::Help | Mode::Explain => self.mode = Mode::Normal,
            Mode::Menu => {
                self.menu = None;
                self.mode = Mode::Normal;
            }
            _ if self.view == View::Client => self.view = self.previous,
            _ if self.view == View::Workers => return self.back_to_areas(),
            _ if self.view == View::Caseload => self.back_in_caseload(),
            _ => {}
        }
        None
    }

    /// Esc on the caseload: back to the workers it was opened from, else clear the
    /// search and filters.
    fn back_in_caseload(&mut self) {
        if self.back_to_workers() {
            return;
        }
        if !self.search.is_empty() || self.filter != CaseloadFilter::default() {
            self.search.clear();
            self.filter = CaseloadFilter::default();
            self.derive_caseload();
        }
    }

    fn after_input(&mut self) {
        if self.mode == Mode::Search {
            self.search = self.input.clone();
            self.cursors[View::Caseload.index()] = ListCursor::default();
            self.search_step();
        }
    }

    fn submit(&mut self) -> Option<Effect> {
        let mode = self.mode;
        self.mode = Mode::Normal;
        if mode == Mode::Search {
            self.drop_unused_search_texts();
            return None;
        }
        let line = std::mem::take(&mut self.input);
        match command::parse(&line) {
            Err(message) => {
                self.message = Some(message);
                None
            }
            Ok(command) => self.run(command),
        }
    }

    fn run(&mut self, command: Command) -> Option<Effect> {
        match command {
            Command::Show(view) => {
                self.show(view);
                return self.report_effect();
            }
            Command::Reload => return Some(self.reload()),
            Command::Offences(reference, counts) => {
                if self.refuse_if_read_only() {
                    return None;
                }
                return Some(Effect::RecordOffences {
                    quarter: self.report_period.label.clone(),
                    reference,
                    counts,
                });
            }
            Command::Quit => return self.update(Action::Quit),
            Command::Scope(scope) => {
                if scope != Scope::Everything && self.session.worker.is_none() {
                    self.message =
                        Some("no worker record for your login: only :scope all is possible".into());
                    return None;
                }
                self.scope = scope;
                return Some(self.reload());
            }
            Command::Client(reference) => return Some(Effect::OpenClientByReference(reference)),
            Command::Area(name) => {
                let lower = name.to_lowercase();
                let found = self
                    .data
                    .areas
                    .iter()
                    .find(|a| a.area.name.to_lowercase().starts_with(&lower));
                let Some((id, area_name)) = found.map(|a| (a.area.id, a.area.name.clone())) else {
                    self.message = Some(format!(
                        "no area starts with '{name}' (Tab completes area names)"
                    ));
                    return None;
                };
                self.filter.area = Some((id, area_name));
                self.show(View::Caseload);
                self.derive_caseload();
                return self.widen_scope_for_area(Some(id));
            }
            Command::Worker(name) => {
                let lower = name.to_lowercase();
                let found = self
                    .data
                    .workers
                    .iter()
                    .find(|w| w.name.to_lowercase().contains(&lower));
                let Some(worker) = found.map(|w| (Some(w.id), w.name.clone())) else {
                    self.message = Some(format!("no worker's name contains '{name}'"));
                    return None;
                };
                self.filter.worker = Some(worker);
                self.show(View::Caseload);
                self.derive_caseload();
                if self.scope != Scope::Everything {
                    self.scope = Scope::Everything;
                    return Some(self.reload());
                }
            }
        }
        None
    }

    /// Filtering to an area outside the current scope needs the wider snapshot.
    pub(super) fn widen_scope_for_area(&mut self, area: Option<i64>) -> Option<Effect> {
        let (scope_area, scope_worker) = self.scope_limits();
        if scope_worker.is_some() || scope_area.is_some_and(|a| Some(a) != area) {
            self.scope = Scope::Everything;
            return Some(self.reload());
        }
        None
    }
}
