//! The key table: named bindings with defaults and config overrides, and the one place
//! keys (and, when the config turns it on, the mouse) become actions.
//!
//! No default uses a key that tmux or terminals commonly take (Ctrl-a, Ctrl-b,
//! Ctrl-h/j/k/l, Alt+digit).

use std::collections::BTreeMap;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::action::{Action, FilterChip};
use crate::app::view::{Mode, View};
use crate::form::FormKind;

/// A key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Modifiers that must be held (Shift is part of the character for letters).
    pub modifiers: KeyModifiers,
}

impl Key {
    /// Parses `q`, `G`, `?`, `ctrl-l`, `enter`, `esc`, `tab`, `backtab`, `up`, `down`,
    /// `pgup`, `pgdn`, `home`, `end`, `space`, `f5`.
    ///
    /// # Errors
    /// A sentence naming the key that was not understood.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (modifiers, name) = match text.get(..5) {
            Some(prefix) if prefix.eq_ignore_ascii_case("ctrl-") && text.len() > 5 => {
                (KeyModifiers::CONTROL, &text[5..])
            }
            _ => (KeyModifiers::NONE, text),
        };
        let code = match name.to_ascii_lowercase().as_str() {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" => KeyCode::PageUp,
            "pgdn" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ => {
                let mut chars = name.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => {
                        return Err(format!(
                            "'{text}' is not a key (e.g. q, G, ctrl-l, enter, f5)"
                        ));
                    }
                }
            }
        };
        Ok(Self { code, modifiers })
    }

    const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::CONTROL,
        }
    }
}

/// Every rebindable action, by the name used in the config file.
#[derive(Debug, Clone)]
pub struct KeyBindings {
    bindings: Vec<(&'static str, Action, Vec<Key>, &'static str)>,
}

impl Default for KeyBindings {
    #[allow(clippy::too_many_lines)] // the key table: one line per binding
    fn default() -> Self {
        use KeyCode::{BackTab, Down, End, Enter, Esc, Home, PageDown, PageUp, Tab, Up};
        let p = Key::plain;
        let c = Key::ch;
        let bindings = vec![
            ("up", Action::Up, vec![p(Up), c('k')], "move up"),
            ("down", Action::Down, vec![p(Down), c('j')], "move down"),
            ("page_up", Action::PageUp, vec![p(PageUp)], "page up"),
            (
                "page_down",
                Action::PageDown,
                vec![p(PageDown)],
                "page down",
            ),
            ("top", Action::Top, vec![p(Home), c('g')], "first row"),
            ("bottom", Action::Bottom, vec![p(End), c('G')], "last row"),
            ("next_view", Action::NextView, vec![p(Tab)], "next view"),
            (
                "previous_view",
                Action::PrevView,
                vec![p(BackTab)],
                "previous view",
            ),
            (
                "today",
                Action::ShowView(View::Today),
                vec![c('1')],
                "Today queue",
            ),
            (
                "areas",
                Action::ShowView(View::Areas),
                vec![c('2')],
                "caseloads by area",
            ),
            (
                "caseload",
                Action::ShowView(View::Caseload),
                vec![c('3')],
                "caseload",
            ),
            (
                "releases",
                Action::ShowView(View::Releases),
                vec![c('4')],
                "releases",
            ),
            (
                "breaches",
                Action::ShowView(View::Breaches),
                vec![c('5')],
                "breaches",
            ),
            (
                "review",
                Action::ShowView(View::Review),
                vec![c('6')],
                "13-week review",
            ),
            (
                "report",
                Action::ShowView(View::Report),
                vec![c('7')],
                "quarterly return",
            ),
            ("open", Action::Enter, vec![p(Enter)], "open the selection"),
            ("back", Action::Back, vec![p(Esc)], "back / clear filters"),
            (
                "search",
                Action::StartSearch,
                vec![c('/')],
                "fuzzy search name/ref",
            ),
            (
                "command",
                Action::StartCommand,
                vec![c(':')],
                "command line",
            ),
            (
                "scope",
                Action::CycleScope,
                vec![c('o')],
                "scope: mine/area/all",
            ),
            (
                "explain",
                Action::Explain,
                vec![c('e')],
                "explain the Today score",
            ),
            (
                "sort",
                Action::CycleSort,
                vec![c('s')],
                "sort by the next column",
            ),
            (
                "reverse",
                Action::ReverseSort,
                vec![c('S')],
                "reverse the sort",
            ),
            (
                "filter_iom",
                Action::ToggleFilter(FilterChip::Iom),
                vec![c('i')],
                "filter: IOM",
            ),
            (
                "filter_ppo",
                Action::ToggleFilter(FilterChip::Ppo),
                vec![c('p')],
                "filter: PPO",
            ),
            (
                "filter_custody",
                Action::ToggleFilter(FilterChip::Custody),
                vec![c('c')],
                "filter: in custody",
            ),
            (
                "filter_week11",
                Action::ToggleFilter(FilterChip::Week11),
                vec![c('w')],
                "filter: week 11+",
            ),
            (
                "filter_mine",
                Action::ToggleFilter(FilterChip::Mine),
                vec![c('m')],
                "filter: my clients",
            ),
            (
                "clear_filters",
                Action::ClearFilters,
                vec![c('x')],
                "clear filters and search",
            ),
            (
                "breach_tab",
                Action::ToggleBreachTab,
                vec![c('t')],
                "breaches: other tab",
            ),
            (
                "updates",
                Action::OpenMenu,
                vec![c('u')],
                "update the client (menu)",
            ),
            (
                "contact",
                Action::QuickForm(FormKind::Contact),
                vec![c('n')],
                "log a contact",
            ),
            (
                "referral",
                Action::QuickForm(FormKind::NewClientReferral),
                vec![c('N')],
                "new referral",
            ),
            (
                "outreach",
                Action::QuickForm(FormKind::Outreach),
                vec![c('T')],
                "tally outreach work",
            ),
            ("undo", Action::Undo, vec![c('U')], "undo your last change"),
            (
                "mark",
                Action::ToggleMark,
                vec![c(' ')],
                "mark for bulk reassign",
            ),
            (
                "previous_quarter",
                Action::PreviousQuarter,
                vec![c('[')],
                "return: previous quarter",
            ),
            (
                "next_quarter",
                Action::NextQuarter,
                vec![c(']')],
                "return: next quarter",
            ),
            (
                "report_area",
                Action::ToggleReportArea,
                vec![c('a')],
                "return: all areas / mine",
            ),
            (
                "redact",
                Action::ToggleRedact,
                vec![c('R')],
                "hide names (meetings)",
            ),
            ("reload", Action::Reload, vec![c('r')], "reload now"),
            (
                "redraw",
                Action::Redraw,
                vec![Key::ctrl('l')],
                "repaint the screen",
            ),
            (
                "suspend",
                Action::Suspend,
                vec![Key::ctrl('z')],
                "suspend to the shell",
            ),
            ("help", Action::ToggleHelp, vec![c('?')], "this help"),
            ("quit", Action::Quit, vec![c('q'), Key::ctrl('c')], "quit"),
        ];
        Self { bindings }
    }
}

impl KeyBindings {
    /// Applies `[keys]` overrides from the config file.
    ///
    /// # Errors
    /// Names an unknown action or key.
    pub fn with_overrides(
        mut self,
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> Result<Self, String> {
        for (name, keys) in overrides {
            let keys = keys
                .iter()
                .map(|k| Key::parse(k))
                .collect::<Result<Vec<_>, _>>()?;
            if !self.bindings.iter().any(|b| b.0 == name) {
                let names: Vec<&str> = self.bindings.iter().map(|b| b.0).collect();
                return Err(format!(
                    "unknown action '{name}' (known: {})",
                    names.join(", ")
                ));
            }
            // A key given to one action is taken from any other, so the override wins.
            for binding in &mut self.bindings {
                if binding.0 == name {
                    binding.2.clone_from(&keys);
                } else {
                    binding.2.retain(|k| !keys.contains(k));
                }
            }
        }
        Ok(self)
    }

    /// The keys of `action`, written as the help shows them.
    #[must_use]
    pub fn describe(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.1 == action)
            .map(|b| {
                b.2.iter()
                    .map(|k| key_name(*k))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    }

    /// (keys, what they do) for every binding, for the help. The six view keys share
    /// one row, so the help fits an 80x24 terminal.
    #[must_use]
    pub fn help(&self) -> Vec<(String, &'static str)> {
        let names = |b: &(&str, Action, Vec<Key>, &str)| {
            b.2.iter()
                .map(|k| key_name(*k))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let is_view = |b: &(&str, Action, Vec<Key>, &str)| matches!(b.1, Action::ShowView(_));
        let views: Vec<String> = self
            .bindings
            .iter()
            .filter(|b| is_view(b))
            .map(names)
            .collect();
        let mut rows = Vec::new();
        for binding in &self.bindings {
            if is_view(binding) {
                if rows.iter().all(|(_, what)| *what != "views, in tab order") {
                    rows.push((views.concat(), "views, in tab order"));
                }
            } else {
                rows.push((names(binding), binding.3));
            }
        }
        rows
    }

    /// Translates a key event in `mode` into an action, or `None` if it means nothing.
    /// Key releases reported by some terminals are ignored.
    #[must_use]
    pub fn action_for(&self, mode: Mode, event: &KeyEvent) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        match mode {
            Mode::Form => Some(Action::FormKey(*event)),
            Mode::DraftOffer => match event.code {
                KeyCode::Char('y' | 'Y') => Some(Action::AnswerDraft(true)),
                KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Action::AnswerDraft(false)),
                _ => None,
            },
            Mode::Menu => {
                let allowed = [Action::Up, Action::Down, Action::Enter, Action::Back];
                match self.lookup(event) {
                    Some(Action::Quit | Action::OpenMenu) => Some(Action::Back),
                    other => other.filter(|a| allowed.contains(a)),
                }
            }
            Mode::Search | Mode::Command => typing(mode, event),
            Mode::Help | Mode::Explain => {
                let closes = [
                    Action::ToggleHelp,
                    Action::Back,
                    Action::Quit,
                    Action::Explain,
                ];
                self.lookup(event)
                    .filter(|a| closes.contains(a))
                    .map(|_| Action::Back)
            }
            Mode::Normal => self.lookup(event),
        }
    }

    fn lookup(&self, event: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .find(|b| key_match(event, &b.2))
            .map(|b| b.1)
    }
}

/// Rows the selection moves for one notch of the mouse wheel.
pub const WHEEL_ROWS: isize = 3;

/// Translates a mouse event into an action: the wheel moves the selection
/// [`WHEEL_ROWS`] a notch, a left click selects a list row or a tab. Only in normal
/// mode: popups, forms and typing stay keyboard-only, so the mouse is never needed.
#[must_use]
pub fn mouse_action(mode: Mode, event: &MouseEvent) -> Option<Action> {
    if mode != Mode::Normal {
        return None;
    }
    match event.kind {
        MouseEventKind::ScrollUp => Some(Action::Scroll(-WHEEL_ROWS)),
        MouseEventKind::ScrollDown => Some(Action::Scroll(WHEEL_ROWS)),
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
            column: event.column,
            row: event.row,
        }),
        _ => None,
    }
}

/// Keys while typing a search or command.
fn typing(mode: Mode, event: &KeyEvent) -> Option<Action> {
    if event.modifiers.contains(KeyModifiers::CONTROL) {
        return match event.code {
            KeyCode::Char('c') => Some(Action::Cancel),
            _ => None,
        };
    }
    match event.code {
        KeyCode::Esc => Some(Action::Cancel),
        KeyCode::Enter => Some(Action::Submit),
        KeyCode::Backspace => Some(Action::Backspace),
        KeyCode::Tab if mode == Mode::Command => Some(Action::Complete),
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::Char(c) if !c.is_control() => Some(Action::Input(c)),
        _ => None,
    }
}

/// Whether `event` is one of `keys`. Shift is part of a character (`G`), so it is
/// ignored when comparing character keys.
#[must_use]
pub fn key_match(event: &KeyEvent, keys: &[Key]) -> bool {
    let modifiers = match event.code {
        KeyCode::Char(_) | KeyCode::BackTab => event.modifiers - KeyModifiers::SHIFT,
        _ => event.modifiers,
    };
    keys.iter()
        .any(|k| k.code == event.code && k.modifiers == modifiers)
}

fn key_name(key: Key) -> String {
    let name = match key.code {
        KeyCode::Char(' ') => "Space".to_owned(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".to_owned(),
        KeyCode::Esc => "Esc".to_owned(),
        KeyCode::Tab => "Tab".to_owned(),
        KeyCode::BackTab => "Shift-Tab".to_owned(),
        KeyCode::Up => "Up".to_owned(),
        KeyCode::Down => "Down".to_owned(),
        KeyCode::Left => "Left".to_owned(),
        KeyCode::Right => "Right".to_owned(),
        KeyCode::PageUp => "PgUp".to_owned(),
        KeyCode::PageDown => "PgDn".to_owned(),
        KeyCode::Home => "Home".to_owned(),
        KeyCode::End => "End".to_owned(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{name}")
    } else {
        name
    }
}
