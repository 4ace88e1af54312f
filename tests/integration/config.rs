//! The config file: defaults, overrides, and refusals that name the line.

use caseload::action::Action;
use caseload::app::Mode;
use caseload::config::{Palette, Settings, parse};
use caseload::domain::clock::Stage;
use caseload::domain::model::Rag;
use caseload::keys::KeyBindings;
use caseload::ui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};

#[test]
fn an_empty_file_gives_the_defaults() {
    assert_eq!(parse("").unwrap(), Settings::default());
}

#[test]
fn triage_coefficients_and_windows_can_be_set() {
    let s = parse(
        "release_window_days = 14\n[triage]\nred_breach = 500.0\nno_contact_days = 10\n\
         no_contact_days_ppo = 5\n",
    )
    .unwrap();
    assert_eq!(s.release_window_days, 14);
    assert!((s.triage.red_breach - 500.0).abs() < f64::EPSILON);
    assert_eq!(s.triage.no_contact_days, 10);
    assert_eq!(
        s.triage.no_contact_days_ppo, 5,
        "the team's PPO expectation"
    );
    assert_eq!(s.triage.no_contact_days_iom, 10, "IOM keeps its default");
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
        (
            "colour = true\npalette = \"256\"\n",
            "line 2: unknown variant `256`, expected one of `ansi16`, `ansi256`, `truecolor`",
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

#[test]
fn the_palette_is_the_16_ansi_colours_unless_the_file_asks_for_more() {
    assert_eq!(Settings::default().palette, Palette::Ansi16);
    assert_eq!(
        Theme::chosen(&Settings::default(), false),
        Theme::COLOUR,
        "the default draws exactly what the screenshots show"
    );
    for (text, palette) in [
        ("palette = \"ansi16\"", Palette::Ansi16),
        ("palette = \"ansi256\"", Palette::Ansi256),
        ("palette = \"truecolor\"", Palette::Truecolor),
    ] {
        assert_eq!(parse(text).unwrap().palette, palette, "{text}");
    }
}

#[test]
fn each_palette_draws_the_same_roles_in_its_own_kind_of_colour() {
    let theme = |palette| {
        Theme::chosen(
            &Settings {
                palette,
                ..Settings::default()
            },
            false,
        )
    };
    let ansi16 = theme(Palette::Ansi16);
    assert_eq!(ansi16.rag(Rag::Red).fg, Some(Color::Red));
    assert_eq!(ansi16.rag(Rag::Amber).fg, Some(Color::Yellow));
    assert!(ansi16.selected().add_modifier.contains(Modifier::REVERSED));

    let ansi256 = theme(Palette::Ansi256);
    for style in [
        ansi256.rag(Rag::Red),
        ansi256.rag(Rag::Amber),
        ansi256.rag(Rag::Green),
        ansi256.dim(),
        ansi256.border(),
        ansi256.flag(),
        ansi256.stage(Stage::Overdue),
    ] {
        assert!(matches!(style.fg, Some(Color::Indexed(_))), "{style:?}");
    }
    assert!(matches!(ansi256.selected().bg, Some(Color::Indexed(_))));

    let truecolor = theme(Palette::Truecolor);
    for style in [
        truecolor.rag(Rag::Red),
        truecolor.rag(Rag::Amber),
        truecolor.rag(Rag::Green),
        truecolor.dim(),
        truecolor.border(),
        truecolor.flag(),
        truecolor.stage(Stage::Approaching),
    ] {
        assert!(matches!(style.fg, Some(Color::Rgb(..))), "{style:?}");
    }
    assert!(matches!(truecolor.selected().bg, Some(Color::Rgb(..))));

    for richer in [ansi256, truecolor] {
        assert_ne!(
            richer.rag(Rag::Amber).fg,
            richer.stage(Stage::Extended).fg,
            "amber is its own shade"
        );
        assert_ne!(richer.rag(Rag::Red).fg, richer.rag(Rag::Amber).fg);
        assert!(
            richer.rag(Rag::Red).add_modifier.contains(Modifier::BOLD),
            "red is bold in every palette"
        );
    }
}

#[test]
fn no_color_and_colour_false_win_over_any_palette() {
    for palette in [Palette::Ansi16, Palette::Ansi256, Palette::Truecolor] {
        let coloured = Settings {
            palette,
            ..Settings::default()
        };
        let plain = Settings {
            colour: false,
            ..coloured.clone()
        };
        for theme in [Theme::chosen(&coloured, true), Theme::chosen(&plain, false)] {
            assert_eq!(theme, Theme::MONO, "{palette:?}");
            for style in [
                theme.rag(Rag::Red),
                theme.rag(Rag::Amber),
                theme.dim(),
                theme.border(),
                theme.flag(),
                theme.selected(),
                theme.stage(Stage::Due),
            ] {
                assert_eq!((style.fg, style.bg), (None, None), "{palette:?}");
            }
        }
    }
    let mono_truecolor = Theme {
        colour: false,
        palette: Palette::Truecolor,
    };
    assert_eq!(mono_truecolor.rag(Rag::Red).fg, None);
    assert_eq!(mono_truecolor.selected().bg, None);
}
