//! The form component driven by key events: focus, typing, validation messages for
//! every date field, discard and confirm questions, and forms saved to the store.

use caseload::domain::dates::ACCEPTED;
use caseload::domain::model::{ContactKind, ExitReason, SignpostDestination};
use caseload::form::{FieldKind, Form, FormContext, FormKind, Outcome, Stage};
use caseload::store::{Change, EpisodeEdit, StoreError, Versioned};
use chrono::NaiveDateTime;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::common::{as_login, at, date, team_store};

fn now() -> NaiveDateTime {
    at("2026-11-23 09:30")
}

fn context() -> FormContext {
    let row = Versioned { id: 1, version: 1 };
    FormContext {
        now: now(),
        client: Some(row),
        episode: Some(row),
        row: Some(row),
        clock_start: Some(date("2026-08-01")),
        ..FormContext::default()
    }
}

fn press(form: &mut Form, code: KeyCode) -> Outcome {
    let modifiers = if code == KeyCode::BackTab {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    form.handle_key(KeyEvent::new(code, modifiers), now())
}

fn type_text(form: &mut Form, text: &str) {
    for c in text.chars() {
        press(form, KeyCode::Char(c));
    }
}

/// Focuses the field `key`, replaces its text with `text`, and tabs away (which checks it).
fn fill(form: &mut Form, key: &str, text: &str) {
    while form.fields[form.focus].key != key {
        press(form, KeyCode::Tab);
    }
    form.fields[form.focus].value.clear();
    type_text(form, text);
    press(form, KeyCode::Tab);
}

fn error_of(form: &Form, key: &str) -> Option<String> {
    form.fields
        .iter()
        .find(|f| f.key == key)
        .and_then(|f| f.error.clone())
}

#[test]
fn tab_and_shift_tab_move_between_fields_and_wrap() {
    let mut form = Form::open(FormKind::Contact, context());
    assert_eq!(form.focus, 0);
    press(&mut form, KeyCode::Tab);
    press(&mut form, KeyCode::Tab);
    assert_eq!(form.fields[form.focus].key, "note");
    press(&mut form, KeyCode::Tab);
    assert_eq!(form.focus, 0, "wraps to the first field");
    press(&mut form, KeyCode::BackTab);
    assert_eq!(form.fields[form.focus].key, "note");
    type_text(&mut form, "rang, no answer");
    assert_eq!(form.value("note"), "rang, no answer");
}

#[test]
fn every_date_field_of_every_form_accepts_and_refuses_with_a_message() {
    let accepted = [
        "23/11/2026",
        "2026-11-23",
        "today",
        "yesterday",
        "-3",
        "01/01/2020",
    ];
    let refused = [
        (
            "23/11/26",
            "'23/11/26' has a two-digit year: write all four digits, e.g. 05/03/2026".to_owned(),
        ),
        (
            "31/02/2026",
            "'31/02/2026' is not a real date: check the day and month".to_owned(),
        ),
        (
            "next week",
            format!("'next week' is not a date: {ACCEPTED}"),
        ),
    ];
    let mut checked = 0;
    for kind in FormKind::ALL {
        let fields = Form::open(kind, context()).fields;
        // A date of birth has its own range (see the test below).
        for field in fields
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::Date { .. }) && f.key != "date_of_birth")
        {
            let FieldKind::Date { past_only } = field.kind else {
                unreachable!()
            };
            for text in accepted {
                let mut form = Form::open(kind, context());
                fill(&mut form, field.key, text);
                assert_eq!(
                    error_of(&form, field.key),
                    None,
                    "{kind:?}.{} refused {text}",
                    field.key
                );
            }
            for (text, message) in &refused {
                let mut form = Form::open(kind, context());
                fill(&mut form, field.key, text);
                assert_eq!(
                    error_of(&form, field.key).as_deref(),
                    Some(message.as_str()),
                    "{kind:?}.{}",
                    field.key
                );
            }
            let mut form = Form::open(kind, context());
            fill(&mut form, field.key, "+7");
            let future = error_of(&form, field.key);
            if past_only {
                assert_eq!(
                    future.as_deref(),
                    Some("30/11/2026 is in the future: this date must be today or earlier"),
                    "{kind:?}.{}",
                    field.key
                );
            } else {
                assert_eq!(future, None, "{kind:?}.{} may be in the future", field.key);
            }
            checked += 1;
        }
    }
    // 20 date fields, less the date of birth checked on its own below.
    assert!(checked >= 19, "only {checked} date fields checked");
}

#[test]
fn a_date_of_birth_must_be_plausible_on_the_form() {
    // Today is 23/11/2026: from 01/01/1900 to 23/11/2016.
    for (text, refused) in [
        ("01/01/1900", false),
        ("23/11/2016", false),
        ("31/12/1899", true),
        ("24/11/2016", true),
        ("01/02/0024", true),
    ] {
        let mut form = Form::open(FormKind::NewClientReferral, context());
        fill(&mut form, "date_of_birth", text);
        let error = error_of(&form, "date_of_birth");
        if refused {
            let error = error.unwrap_or_default();
            assert!(
                error.ends_with(
                    "is not a plausible date of birth: it must be between 01/01/1900 and \
                     23/11/2016 (10 years before today); check the year"
                ),
                "{text}: {error}"
            );
        } else {
            assert_eq!(error, None, "{text}");
        }
    }
}

#[test]
fn every_date_time_field_accepts_and_refuses_with_a_message() {
    for kind in [
        FormKind::Contact,
        FormKind::DidNotAttend,
        FormKind::BookAssessment,
    ] {
        for (text, wanted) in [
            ("now", None),
            ("yesterday 14:00", None),
            ("22/11/2026 23:59", None),
            (
                "today",
                Some(
                    "'today' has no time: use now, or a date then a 24-hour time, e.g. today 14:30 or 23/11/2026 09:00",
                ),
            ),
            (
                "today 25:00",
                Some(
                    "'25:00' is not a time: use now, or a date then a 24-hour time, e.g. today 14:30 or 23/11/2026 09:00",
                ),
            ),
            (
                "22/11/26 10:00",
                Some("'22/11/26' has a two-digit year: write all four digits, e.g. 05/03/2026"),
            ),
        ] {
            let mut form = Form::open(kind, context());
            fill(&mut form, "at", text);
            assert_eq!(error_of(&form, "at").as_deref(), wanted, "{kind:?} {text}");
        }
        let mut form = Form::open(kind, context());
        fill(&mut form, "at", "today 14:30");
        let future = error_of(&form, "at");
        if kind == FormKind::BookAssessment {
            assert_eq!(future, None, "appointments are booked ahead");
        } else {
            assert_eq!(
                future.as_deref(),
                Some("23/11/2026 14:30 is in the future: this must be now or earlier")
            );
        }
    }
}

#[test]
fn a_contact_form_with_its_defaults_saves_at_once() {
    let (_dir, mut store, team) = team_store();
    let context = FormContext {
        client: Some(store.version_of("client", team.c1).unwrap()),
        ..context()
    };
    let mut form = Form::open(FormKind::Contact, context);
    let Outcome::Submit(change) = press(&mut form, KeyCode::Enter) else {
        panic!("not submitted")
    };
    let Change::Contact { kind, at: when, .. } = &change else {
        panic!("{change:?}")
    };
    assert_eq!((*kind, *when), (ContactKind::FaceToFace, now()));
    store.apply(&as_login("cora"), &change).unwrap();
}

#[test]
fn esc_asks_before_discarding_a_changed_form() {
    let mut form = Form::open(FormKind::ExitPlan, context());
    assert!(
        matches!(press(&mut form, KeyCode::Esc), Outcome::Cancelled),
        "unchanged: closes at once"
    );
    let mut form = Form::open(FormKind::ExitPlan, context());
    type_text(&mut form, "transfer");
    assert!(matches!(press(&mut form, KeyCode::Esc), Outcome::Open));
    assert_eq!(form.stage, Stage::ConfirmDiscard);
    press(&mut form, KeyCode::Char('n'));
    assert_eq!(
        (form.stage.clone(), form.value("plan")),
        (Stage::Editing, "transfer")
    );
    press(&mut form, KeyCode::Esc);
    assert!(matches!(
        press(&mut form, KeyCode::Char('y')),
        Outcome::Cancelled
    ));
}

#[test]
fn required_fields_and_cross_field_rules_say_what_is_wrong() {
    let mut form = Form::open(FormKind::Extension, context());
    assert!(matches!(press(&mut form, KeyCode::Enter), Outcome::Open));
    assert_eq!(
        error_of(&form, "reason").as_deref(),
        Some("reason is required")
    );
    assert_eq!(
        form.fields[form.focus].key, "reason",
        "focus goes to the first problem"
    );

    let mut form = Form::open(FormKind::Substances, context());
    press(&mut form, KeyCode::Char('a')); // amphetamines
    press(&mut form, KeyCode::Char('a')); // alcohol
    press(&mut form, KeyCode::Enter);
    assert_eq!(
        error_of(&form, "substance_1").as_deref(),
        Some("alcohol may not be the primary substance: list it second or third")
    );

    let mut form = Form::open(FormKind::Consent, context());
    press(&mut form, KeyCode::Char('y'));
    press(&mut form, KeyCode::Enter);
    assert_eq!(
        error_of(&form, "on").as_deref(),
        Some("consent needs the date the DIR was signed")
    );
}

#[test]
fn closing_an_episode_is_confirmed_with_cancel_as_the_default() {
    let mut form = Form::open(FormKind::Close, context());
    press(&mut form, KeyCode::Char('d')); // disengaged
    assert!(matches!(press(&mut form, KeyCode::Enter), Outcome::Open));
    let Stage::Confirm {
        message,
        confirm_selected,
    } = form.stage.clone()
    else {
        panic!("no confirm step")
    };
    assert!(!confirm_selected, "Cancel is the default");
    assert_eq!(
        message,
        "Close this episode on 23/11/2026 (disengaged): retention 12-23 weeks?"
    );
    assert!(
        matches!(press(&mut form, KeyCode::Enter), Outcome::Open),
        "Enter on Cancel saves nothing"
    );
    assert_eq!(form.stage, Stage::Editing);
    press(&mut form, KeyCode::Enter);
    press(&mut form, KeyCode::Right);
    let Outcome::Submit(Change::Episode(_, EpisodeEdit::Close { reason, .. })) =
        press(&mut form, KeyCode::Enter)
    else {
        panic!("not submitted")
    };
    assert_eq!(reason, ExitReason::Disengaged);
}

#[test]
fn a_change_to_three_or_more_records_states_the_count() {
    let clients = (1..=3).map(|id| Versioned { id, version: 1 }).collect();
    let context = FormContext {
        clients,
        areas: vec![(7, "Northtown".into())],
        workers: vec![(9, "Colin Example".into())],
        ..context()
    };
    let mut form = Form::open(FormKind::Reassign, context);
    press(&mut form, KeyCode::Char(' '));
    press(&mut form, KeyCode::Tab);
    press(&mut form, KeyCode::Char('c'));
    press(&mut form, KeyCode::Enter);
    let Stage::Confirm { message, .. } = &form.stage else {
        panic!("no confirm step")
    };
    assert_eq!(
        message,
        "Reassign 3 client(s) to Colin Example in Northtown? This changes 3 records."
    );
}

#[test]
fn outreach_takes_two_keystrokes() {
    let mut form = Form::open(FormKind::Outreach, context());
    press(&mut form, KeyCode::Char('h'));
    let Outcome::Submit(Change::Outreach { signposted_to, on }) = press(&mut form, KeyCode::Enter)
    else {
        panic!("not submitted")
    };
    assert_eq!(
        (signposted_to, on),
        (Some(SignpostDestination::Housing), date("2026-11-23"))
    );
}

#[test]
fn a_conflict_leaves_the_form_open_with_the_users_input() {
    let (_dir, mut store, team) = team_store();
    let read = store.version_of("episode", team.e1).unwrap();
    let mut form = Form::open(
        FormKind::ExitPlan,
        FormContext {
            episode: Some(read),
            ..context()
        },
    );
    type_text(&mut form, "move to community team");
    store
        .apply(
            &as_login("lead"),
            &Change::Episode(read, EpisodeEdit::ExitPlan("theirs".into())),
        )
        .unwrap();
    let Outcome::Submit(change) = press(&mut form, KeyCode::Enter) else {
        panic!("not submitted")
    };
    let error = store.apply(&as_login("cora"), &change).unwrap_err();
    assert!(matches!(error, StoreError::Conflict { .. }));
    form.notice = Some(error.to_string());
    assert_eq!(
        form.value("plan"),
        "move to community team",
        "nothing typed is lost"
    );
}

#[test]
fn a_form_survives_as_a_draft() {
    let (_dir, mut store, team) = team_store();
    let mut form = Form::open(FormKind::Contact, context());
    fill(&mut form, "note", "half-written note");
    store
        .save_draft(
            &as_login("cora"),
            form.kind.draft_key(),
            Some(team.c1),
            &form.to_json(),
        )
        .unwrap();
    let draft = store.drafts("cora").unwrap().remove(0);
    let kind = FormKind::from_draft_key(&draft.form).unwrap();
    let mut restored = Form::open(kind, context());
    restored.restore(&draft.fields);
    assert_eq!(restored.value("note"), "half-written note");
    assert!(restored.is_changed());
}

#[test]
fn the_form_draws_labels_values_and_problems() {
    use ratatui::{Terminal, backend::TestBackend};
    let mut form = Form::open(FormKind::Extension, context());
    press(&mut form, KeyCode::Enter);
    let mut terminal = Terminal::new(TestBackend::new(70, 10)).unwrap();
    terminal
        .draw(|frame| {
            caseload::ui::form::render(
                frame,
                frame.area(),
                &form,
                caseload::ui::theme::Theme::MONO,
            );
        })
        .unwrap();
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    for text in [
        "13-week extension",
        "reason*",
        "reason is required",
        "review date*",
        "Enter save",
    ] {
        assert!(screen.contains(text), "{text} missing from {screen}");
    }
}
