//! The key table: named bindings with defaults, and the one place keys become actions.
//!
//! No default uses a key that tmux or terminals commonly take (Ctrl-a, Ctrl-b,
//! Ctrl-h/j/k/l, Alt+digit).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::action::Action;

/// A key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Modifiers that must be held (Shift is ignored for characters).
    pub modifiers: KeyModifiers,
}

impl Key {
    const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::CONTROL,
        }
    }
}

/// Every binding, by name. Each action may have several keys.
#[derive(Debug, Clone)]
pub struct KeyBindings {
    /// Move up.
    pub up: Vec<Key>,
    /// Move down.
    pub down: Vec<Key>,
    /// Page up.
    pub page_up: Vec<Key>,
    /// Page down.
    pub page_down: Vec<Key>,
    /// First row.
    pub top: Vec<Key>,
    /// Last row.
    pub bottom: Vec<Key>,
    /// Switch pane.
    pub switch_pane: Vec<Key>,
    /// Open the selection.
    pub enter: Vec<Key>,
    /// Back out.
    pub back: Vec<Key>,
    /// Toggle help.
    pub help: Vec<Key>,
    /// Quit.
    pub quit: Vec<Key>,
}

impl Default for KeyBindings {
    fn default() -> Self {
        use KeyCode::{BackTab, Char, Down, End, Enter, Esc, Home, PageDown, PageUp, Tab, Up};
        let p = Key::plain;
        Self {
            up: vec![p(Up), p(Char('k'))],
            down: vec![p(Down), p(Char('j'))],
            page_up: vec![p(PageUp)],
            page_down: vec![p(PageDown)],
            top: vec![p(Home), p(Char('g'))],
            bottom: vec![p(End), p(Char('G'))],
            switch_pane: vec![p(Tab), p(BackTab)],
            enter: vec![p(Enter)],
            back: vec![p(Esc)],
            help: vec![p(Char('?'))],
            quit: vec![p(Char('q')), Key::ctrl('c')],
        }
    }
}

/// Whether `event` is one of `keys`. Shift is part of the character itself (`G`), so it
/// is ignored when comparing character keys.
#[must_use]
pub fn key_match(event: &KeyEvent, keys: &[Key]) -> bool {
    let modifiers = match event.code {
        KeyCode::Char(_) | KeyCode::BackTab => event.modifiers - KeyModifiers::SHIFT,
        _ => event.modifiers,
    };
    keys.iter()
        .any(|k| k.code == event.code && k.modifiers == modifiers)
}

/// Translates a key event into an action, or `None` if the key means nothing here.
/// Key releases and repeats reported by some terminals are ignored.
#[must_use]
pub fn action_for(bindings: &KeyBindings, help_open: bool, event: &KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    if help_open {
        // Any of these closes the help; nothing else happens underneath it.
        return (key_match(event, &bindings.help)
            || key_match(event, &bindings.back)
            || key_match(event, &bindings.quit))
        .then_some(Action::ToggleHelp);
    }
    let table: [(&[Key], Action); 11] = [
        (&bindings.up, Action::Up),
        (&bindings.down, Action::Down),
        (&bindings.page_up, Action::PageUp),
        (&bindings.page_down, Action::PageDown),
        (&bindings.top, Action::Top),
        (&bindings.bottom, Action::Bottom),
        (&bindings.switch_pane, Action::SwitchPane),
        (&bindings.enter, Action::Enter),
        (&bindings.back, Action::Back),
        (&bindings.help, Action::ToggleHelp),
        (&bindings.quit, Action::Quit),
    ];
    table
        .into_iter()
        .find(|(keys, _)| key_match(event, keys))
        .map(|(_, action)| action)
}

/// Rows for the help popup: (keys, what they do).
#[must_use]
pub fn help_rows() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Up/Down, k/j", "move the selection"),
        ("PgUp/PgDn", "move a page"),
        ("g/G, Home/End", "first / last row"),
        ("Tab", "switch between areas and clients"),
        ("Enter", "open the selected area's caseload"),
        ("Esc", "back to the areas"),
        ("?", "show or hide this help"),
        ("q, Ctrl-c", "quit"),
    ]
}
