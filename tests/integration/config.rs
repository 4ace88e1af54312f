//! The config file: defaults, overrides, and refusals that name the line.

use caseload::action::Action;
use caseload::app::Mode;
use caseload::config::{Settings, parse};
use caseload::keys::KeyBindings;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[test]
fn an_empty_file_gives_the_defaults() {
    assert_eq!(parse("").unwrap(), Settings::default());
}

#[test]
fn triage_coefficients_and_windows_can_be_set() {
    let s = parse("release_window_days = 14\n[triage]\nred_breach = 500.0\nno_contact_days = 10\n")
        .unwrap();
    assert_eq!(s.release_window_days, 14);
    assert!((s.triage.red_breach - 500.0).abs() < f64::EPSILON);
    assert_eq!(s.triage.no_contact_days, 10);
    assert!(
        (s.triage.amber_breach - 50.0).abs() < f64::EPSILON,
        "unset values keep their default"
    );
}

#[test]
fn keys_can_be_rebound() {
    let s = parse("[keys]\nquit = [\"x\", \"ctrl-q\"]\n").unwrap();
    let keys = KeyBindings::default().with_overrides(&s.keys).unwrap();
    let x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(keys.action_for(Mode::Normal, &x), Some(Action::Quit));
    assert_eq!(keys.action_for(Mode::Normal, &ctrl_q), Some(Action::Quit));
    assert_eq!(
        keys.action_for(Mode::Normal, &q),
        None,
        "the default is replaced"
    );
}

#[test]
fn mistakes_name_the_line_and_the_problem() {
    let cases = [
        ("colour = true\nrelease_window_days = \"soon\"\n", "line 2:"),
        (
            "[triage]\nred_brech = 1.0\n",
            "line 2: unknown field `red_brech`",
        ),
        (
            "[keys]\nquit = [\"ctrl-\"]\n",
            "[keys] 'ctrl-' is not a key",
        ),
        (
            "[keys]\nexplode = [\"x\"]\n",
            "[keys] unknown action 'explode'",
        ),
        (
            "release_window_days = -1\n",
            "release_window_days must be 0 or more",
        ),
    ];
    for (text, expected) in cases {
        let error = parse(text).unwrap_err();
        assert!(error.contains(expected), "{text:?}: {error}");
    }
}

#[test]
fn no_default_key_is_one_that_tmux_or_terminals_take() {
    // Ctrl-l is left out on purpose: it is the universal "repaint" key, and asked for.
    let taken = ['a', 'b', 'h', 'j', 'k'];
    for (keys, _) in KeyBindings::default().help() {
        for c in taken {
            assert!(
                !keys.split(", ").any(|k| k == format!("Ctrl-{c}")),
                "{keys}"
            );
        }
        assert!(!keys.contains("Alt"), "{keys}");
    }
}
