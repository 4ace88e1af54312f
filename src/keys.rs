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
    /// The key itself, without modifiers.
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
}

/// A character key.
const fn ch(c: char) -> Key {
    Key::plain(KeyCode::Char(c))
}

/// A character key with Ctrl held.
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

const UP: Key = Key::plain(KeyCode::Up);
const DOWN: Key = Key::plain(KeyCode::Down);
const PAGE_UP: Key = Key::plain(KeyCode::PageUp);
const PAGE_DOWN: Key = Key::plain(KeyCode::PageDown);
const HOME: Key = Key::plain(KeyCode::Home);
const END: Key = Key::plain(KeyCode::End);
const TAB: Key = Key::plain(KeyCode::Tab);
const BACK_TAB: Key = Key::plain(KeyCode::BackTab);
const ENTER: Key = Key::plain(KeyCode::Enter);
const ESC: Key = Key::plain(KeyCode::Esc);

/// One rebindable action: what it does, its keys, and how the help describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The action the keys ask for.
    pub action: Action,
    /// The keys, in the order the help lists them (the footer shows the first).
    pub keys: Vec<Key>,
    /// What the help says it does.
    pub help: &'static str,
}

/// Declares [`KeyBindings`], one named field per binding with its default keys, and
/// the list of `(config name, binding)` in table order, which the help follows and
/// key lookup searches (so the first binding of a key wins).
macro_rules! key_table {
    ($($name:ident: $action:expr, [$($key:expr),* $(,)?], $help:literal;)*) => {
        /// The key table: one binding per action, named as in the config's `[keys]`.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct KeyBindings {
            $(
                #[doc = $help]
                pub $name: Binding,
            )*
        }

        impl Default for KeyBindings {
            fn default() -> Self {
                #[allow(clippy::enum_glob_use)] // the table names actions bare
                use Action::*;
                Self {
                    $($name: Binding { action: $action, keys: vec![$($key),*], help: $help },)*
                }
            }
        }

        impl KeyBindings {
            /// Every binding with its config name, in table order.
            #[must_use]
            pub fn entries(&self) -> Vec<(&'static str, &Binding)> {
                vec![$((stringify!($name), &self.$name)),*]
            }

            fn entries_mut(&mut self) -> Vec<(&'static str, &mut Binding)> {
                vec![$((stringify!($name), &mut self.$name)),*]
            }
        }
    };
}

#[rustfmt::skip]
key_table! {
    up:               Up,                                     [UP, ch('k')],        "move up";
    down:             Down,                                   [DOWN, ch('j')],      "move down";
    page_up:          PageUp,                                 [PAGE_UP],            "page up";
    page_down:        PageDown,                               [PAGE_DOWN],          "page down";
    top:              Top,                                    [HOME, ch('g')],      "first row";
    bottom:           Bottom,                                 [END, ch('G')],       "last row";
    next_view:        NextView,                               [TAB],                "next view";
    previous_view:    PrevView,                               [BACK_TAB],           "previous view";
    today:            ShowView(View::Today),                  [ch('1')],            "Today queue";
    areas:            ShowView(View::Areas),                  [ch('2')],            "caseloads by area";
    caseload:         ShowView(View::Caseload),               [ch('3')],            "caseload";
    releases:         ShowView(View::Releases),               [ch('4')],            "releases";
    breaches:         ShowView(View::Breaches),               [ch('5')],            "breaches";
    review:           ShowView(View::Review),                 [ch('6')],            "13-week review";
    report:           ShowView(View::Report),                 [ch('7')],            "quarterly return";
    open:             Enter,                                  [ENTER],              "open the selection";
    back:             Back,                                   [ESC],                "back / clear filters";
    search:           StartSearch,                            [ch('/')],            "fuzzy search name/ref";
    command:          StartCommand,                           [ch(':')],            "command line";
    scope:            CycleScope,                             [ch('o')],            "scope: mine/area/all";
    explain:          Explain,                                [ch('e')],            "explain the Today score";
    sort:             CycleSort,                              [ch('s')],            "sort by the next column";
    reverse:          ReverseSort,                            [ch('S')],            "reverse the sort";
    filter_iom:       ToggleFilter(FilterChip::Iom),          [ch('i')],            "filter: IOM";
    filter_ppo:       ToggleFilter(FilterChip::Ppo),          [ch('p')],            "filter: PPO";
    filter_da:        ToggleFilter(FilterChip::DomesticAbuse), [ch('d')],           "filter: DA perpetrator";
    filter_custody:   ToggleFilter(FilterChip::Custody),      [ch('c')],            "filter: in custody";
    filter_week11:    ToggleFilter(FilterChip::Week11),       [ch('w')],            "filter: week 11+";
    filter_mine:      ToggleFilter(FilterChip::Mine),         [ch('m')],            "filter: my clients";
    clear_filters:    ClearFilters,                           [ch('x')],            "clear filters and search";
    breach_tab:       ToggleBreachTab,                        [ch('t')],            "breaches: other tab";
    updates:          OpenMenu,                               [ch('u')],            "update the client (menu)";
    contact:          QuickForm(FormKind::Contact),           [ch('n')],            "log a contact";
    referral:         QuickForm(FormKind::NewClientReferral), [ch('N')],            "new referral";
    outreach:         QuickForm(FormKind::Outreach),          [ch('T')],            "tally outreach work";
    undo:             Undo,                                   [ch('U')],            "undo your last change";
    mark:             ToggleMark,                             [ch(' ')],            "mark for bulk reassign";
    previous_quarter: PreviousQuarter,                        [ch('[')],            "return: previous quarter";
    next_quarter:     NextQuarter,                            [ch(']')],            "return: next quarter";
    report_area:      ToggleReportArea,                       [ch('a')],            "return: all areas / mine";
    redact:           ToggleRedact,                           [ch('R')],            "hide names (meetings)";
    reload:           Reload,                                 [ch('r')],            "reload now";
    redraw:           Redraw,                                 [ctrl('l')],          "repaint the screen";
    suspend:          Suspend,                                [ctrl('z')],          "suspend to the shell";
    help:             ToggleHelp,                             [ch('?')],            "this help";
    quit:             Quit,                                   [ch('q'), ctrl('c')], "quit";
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
            let mut entries = self.entries_mut();
            if !entries.iter().any(|(known, _)| known == name) {
                let names: Vec<&str> = entries.iter().map(|(known, _)| *known).collect();
                return Err(format!(
                    "unknown action '{name}' (known: {})",
                    names.join(", ")
                ));
            }
            // A key given to one action is taken from any other, so the override wins.
            for (known, binding) in &mut entries {
                if known == name {
                    binding.keys.clone_from(&keys);
                } else {
                    binding.keys.retain(|k| !keys.contains(k));
                }
            }
        }
        Ok(self)
    }

    /// The keys of `action`, written as the help shows them.
    #[must_use]
    pub fn describe(&self, action: Action) -> String {
        self.entries()
            .into_iter()
            .find(|(_, b)| b.action == action)
            .map(|(_, b)| key_names(&b.keys))
            .unwrap_or_default()
    }

    /// (keys, what they do) for every binding, for the help. The seven view keys share
    /// one row, and the caseload filters two (the priority groups, then the others),
    /// so the help fits an 80x24 terminal.
    #[must_use]
    pub fn help(&self) -> Vec<(String, &'static str)> {
        const VIEWS: &str = "views, in tab order";
        const GROUPS: &str = "filter: IOM/PPO/DA";
        const OTHERS: &str = "filter: custody/wk11+/mine";
        let row_of = |b: &Binding| match b.action {
            Action::ShowView(_) => Some(VIEWS),
            Action::ToggleFilter(FilterChip::Iom | FilterChip::Ppo | FilterChip::DomesticAbuse) => {
                Some(GROUPS)
            }
            Action::ToggleFilter(_) => Some(OTHERS),
            _ => None,
        };
        let entries = self.entries();
        let shared = |what: &str, gap: &str| -> String {
            entries
                .iter()
                .filter(|(_, b)| row_of(b) == Some(what))
                .map(|(_, b)| key_names(&b.keys))
                .filter(|k| !k.is_empty())
                .collect::<Vec<_>>()
                .join(gap)
        };
        let mut rows = Vec::new();
        for (_, binding) in &entries {
            match row_of(binding) {
                Some(what) if rows.iter().all(|(_, seen)| *seen != what) => {
                    let gap = if what == VIEWS { "" } else { " " };
                    rows.push((shared(what, gap), what));
                }
                Some(_) => {}
                None => rows.push((key_names(&binding.keys), binding.help)),
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
        self.entries()
            .into_iter()
            .find(|(_, b)| key_match(event, &b.keys))
            .map(|(_, b)| b.action)
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

/// Keys as the help writes them: "Up, k".
fn key_names(keys: &[Key]) -> String {
    keys.iter()
        .map(|k| key_name(*k))
        .collect::<Vec<_>>()
        .join(", ")
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
