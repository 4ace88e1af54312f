//! What pops over a view, snapshotted at 80x24 on the demo data: the menu of updates,
//! a form opened from it, a draft offered back, the command line while completing,
//! and the caseload and a record with names hidden.

use caseload::app::{Mode, View};
use caseload::form::FormKind;
use caseload::store::Actor;
use caseload::tui::offer_drafts;
use crossterm::event::KeyCode;

use crate::common::{at, demo_store};
use crate::ui::{app_for, press, screen, type_text};

#[test]
fn the_menu_of_updates_and_a_form_opened_from_it() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('3'), KeyCode::Enter, KeyCode::Char('u')],
    );
    assert_eq!(app.mode(), Mode::Menu);
    insta::assert_snapshot!("menu_80x24", screen(&app));
    press(&mut store, &mut app, &[KeyCode::Down, KeyCode::Enter]);
    assert_eq!(app.mode(), Mode::Form);
    insta::assert_snapshot!("form_80x24", screen(&app));
}

#[test]
fn a_draft_offered_back() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let client = app.data().caseload[0].client_id;
    let actor = Actor {
        login: "tester".into(),
        now: at("2026-11-23 14:02"),
    };
    store
        .save_draft(
            &actor,
            FormKind::Contact.draft_key(),
            Some(client),
            &serde_json::json!({ "note": "half-typed note", "kind": "phone" }),
        )
        .unwrap();
    offer_drafts(&store, &mut app).unwrap();
    assert_eq!(app.mode(), Mode::DraftOffer);
    insta::assert_snapshot!("draft_offer_80x24", screen(&app));
}

#[test]
fn the_command_line_while_completing() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(&mut store, &mut app, "area ca");
    press(&mut store, &mut app, &[KeyCode::Tab]);
    assert_eq!(app.mode(), Mode::Command);
    insta::assert_snapshot!("command_line_80x24", screen(&app));
}

#[test]
fn names_hidden_on_the_caseload_and_a_record() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('R'), KeyCode::Char('3')],
    );
    assert!(app.redact());
    insta::assert_snapshot!("redacted_caseload_80x24", screen(&app));
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.view(), View::Client);
    insta::assert_snapshot!("redacted_client_80x24", screen(&app));
}
