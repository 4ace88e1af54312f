//! Updates from the keyboard, through the real key table, app, effects and store:
//! log a contact and undo it, a colleague's save to another field, read-only refusal,
//! drafts offered back, and a bulk reassign that states its count.

use caseload::app::{App, Mode, Session, View};
use caseload::demo::DEMO_LEAD;
use caseload::domain::model::Flags;
use caseload::form::{FormKind, Stage};
use caseload::keys::KeyBindings;
use caseload::store::{Actor, Change, ClientEdit, Store};
use caseload::tui::{offer_drafts, perform};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rusqlite::Connection;

use crate::common::{at, demo_store};
use crate::ui::{app_as, app_for, lead_session, press, screen};

/// Gives the demo lead the login the tests run as ("tester", as `lead_session`).
fn as_lead(store: &mut Store) {
    let lead = store
        .workers()
        .unwrap()
        .into_iter()
        .find(|w| w.name == DEMO_LEAD)
        .unwrap();
    store
        .assign_login(
            &caseload::store::Actor {
                login: "admin".into(),
                now: at("2026-11-23 09:00"),
            },
            lead.id,
            "tester",
        )
        .unwrap();
}

fn type_text(store: &mut Store, app: &mut App, text: &str) {
    for c in text.chars() {
        let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        if let Some(action) = KeyBindings::default().action_for(app.mode(), &event) {
            if let Some(effect) = app.update(action) {
                perform(store, app, effect).unwrap();
            }
        }
    }
}

fn count(store: &Store, sql: &str) -> i64 {
    Connection::open(store.path())
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// Opens the first caseload client's record.
fn open_first_client(store: &mut Store, app: &mut App) -> i64 {
    press(store, app, &[KeyCode::Char('3'), KeyCode::Enter]);
    assert_eq!(app.view(), View::Client);
    app.client().unwrap().profile.id
}

#[test]
fn a_contact_is_logged_from_the_keyboard_audited_and_undone() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    as_lead(&mut store);
    let client = open_first_client(&mut store, &mut app);
    let before = count(
        &store,
        &format!("SELECT count(*) FROM contact WHERE client_id = {client}"),
    );
    press(&mut store, &mut app, &[KeyCode::Char('n')]);
    assert_eq!(app.mode(), Mode::Form);
    assert_eq!(app.form().unwrap().kind, FormKind::Contact);
    insta::assert_snapshot!(screen(&app));
    press(&mut store, &mut app, &[KeyCode::Tab, KeyCode::Tab]);
    type_text(&mut store, &mut app, "Phoned about the housing appointment");
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(
        app.mode(),
        Mode::Normal,
        "{:?}",
        app.form().and_then(|f| f.notice.clone())
    );
    assert_eq!(app.message(), Some("Saved: contact. U undoes it."));
    assert_eq!(
        count(
            &store,
            &format!("SELECT count(*) FROM contact WHERE client_id = {client}")
        ),
        before + 1
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM audit WHERE entity = 'contact' AND who = 'tester' AND action = 'insert'"
        ),
        1
    );
    let record = app.client().unwrap();
    assert_eq!(
        record.contacts[0].note, "Phoned about the housing appointment",
        "the record on screen is reloaded"
    );

    press(&mut store, &mut app, &[KeyCode::Char('U')]);
    assert_eq!(
        count(
            &store,
            &format!("SELECT count(*) FROM contact WHERE client_id = {client}")
        ),
        before
    );
    assert!(
        count(
            &store,
            "SELECT count(*) FROM audit WHERE who = 'tester' AND action = 'undo'"
        ) >= 1,
        "the undo is audited"
    );
    press(&mut store, &mut app, &[KeyCode::Char('U')]);
    assert_eq!(
        app.message(),
        Some("nothing to undo: no change saved in this session")
    );
}

#[test]
fn a_colleagues_save_to_another_field_stands_when_mine_is_saved_over_it() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    as_lead(&mut store);
    let client = open_first_client(&mut store, &mut app);
    press(&mut store, &mut app, &[KeyCode::Char('u')]);
    assert_eq!(app.mode(), Mode::Menu);
    let flags_at = app
        .menu()
        .as_ref()
        .unwrap()
        .items
        .iter()
        .position(|k| *k == FormKind::Flags)
        .unwrap();
    for _ in 0..flags_at {
        press(&mut store, &mut app, &[KeyCode::Down]);
    }
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.form().unwrap().kind, FormKind::Flags);
    // Tab to PPO and switch it on.
    press(&mut store, &mut app, &[KeyCode::Tab, KeyCode::Char('y')]);
    assert_eq!(
        app.form().unwrap().to_json(),
        serde_json::json!({ "ppo": "yes" }),
        "the draft of an edit holds only what was changed"
    );

    // Meanwhile a colleague sets MAPPA through another connection.
    let mut colleague = Store::open(store.path(), caseload::store::Access::ReadWrite).unwrap();
    let lead = colleague
        .workers()
        .unwrap()
        .into_iter()
        .find(|w| w.name == DEMO_LEAD)
        .unwrap();
    let colleague_actor = Actor {
        login: "cora".into(),
        now: at("2026-11-23 09:31"),
    };
    colleague
        .assign_login(
            &Actor {
                login: "admin".into(),
                now: at("2026-11-23 09:00"),
            },
            lead.id,
            "cora",
        )
        .unwrap();
    let version = colleague.version_of("client", client).unwrap();
    let mut flags = app.client().unwrap().profile.flags;
    flags.mappa = true;
    colleague
        .apply(
            &colleague_actor,
            &Change::Client(version, ClientEdit::Flags(flags)),
        )
        .unwrap();
    colleague
        .assign_login(
            &Actor {
                login: "admin".into(),
                now: at("2026-11-23 09:00"),
            },
            lead.id,
            "tester",
        )
        .unwrap();

    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert!(
        app.form().is_none(),
        "a colleague's change to another field is no conflict: {:?}",
        app.form().map(|f| f.notice.clone())
    );
    let saved: Flags = store.client_record(client).unwrap().profile.flags;
    assert!(saved.mappa, "the colleague's MAPPA stands");
    assert!(saved.ppo, "our PPO is saved");
    let after: String = Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT after FROM audit WHERE entity = 'client' AND who = 'tester' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        after, r#"{"ppo":1}"#,
        "only the field we changed is written"
    );
}

#[test]
fn a_session_without_a_worker_record_cannot_open_forms() {
    let (_dir, mut store) = demo_store();
    let session = Session {
        worker: None,
        read_only: true,
        ..lead_session(&store)
    };
    let mut app = app_as(&store, session, (80, 24));
    open_first_client(&mut store, &mut app);
    press(&mut store, &mut app, &[KeyCode::Char('n')]);
    assert_eq!(app.mode(), Mode::Normal);
    assert!(
        app.message().unwrap().contains("caseload worker add"),
        "{:?}",
        app.message()
    );
}

#[test]
fn a_draft_left_behind_is_offered_back_and_restored() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    as_lead(&mut store);
    let client = app.data().caseload[0].client_id;
    let actor = Actor {
        login: "tester".into(),
        now: at("2026-11-23 14:02"),
    };
    store
        .save_draft(
            &actor,
            "contact",
            Some(client),
            &serde_json::json!({ "note": "half-typed note", "kind": "phone" }),
        )
        .unwrap();
    offer_drafts(&store, &mut app).unwrap();
    assert_eq!(app.mode(), Mode::DraftOffer);
    let text = screen(&app);
    assert!(text.contains("unsaved contact for C-"), "{text}");
    assert!(text.contains("from 23/11 14:02: restore?"), "{text}");
    press(&mut store, &mut app, &[KeyCode::Char('y')]);
    let form = app.form().expect("restored");
    assert_eq!(form.value("note"), "half-typed note");
    assert_eq!(form.context.client.map(|c| c.id), Some(client));
    // Esc, then y to discard, drops the draft too.
    press(&mut store, &mut app, &[KeyCode::Esc, KeyCode::Char('y')]);
    assert!(app.form().is_none());
    assert!(store.drafts("tester").unwrap().is_empty());
}

#[test]
fn a_bulk_reassign_of_three_clients_states_the_count_and_defaults_to_cancel() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    as_lead(&mut store);
    press(&mut store, &mut app, &[KeyCode::Char('3')]);
    press(
        &mut store,
        &mut app,
        &[
            KeyCode::Char(' '),
            KeyCode::Down,
            KeyCode::Char(' '),
            KeyCode::Down,
            KeyCode::Char(' '),
        ],
    );
    assert_eq!(app.marked().len(), 3);
    assert!(screen(&app).contains("* "), "marked rows are shown");
    press(&mut store, &mut app, &[KeyCode::Char('u')]);
    let at = app
        .menu()
        .as_ref()
        .unwrap()
        .items
        .iter()
        .position(|k| *k == FormKind::Reassign)
        .unwrap();
    for _ in 0..at {
        press(&mut store, &mut app, &[KeyCode::Down]);
    }
    press(&mut store, &mut app, &[KeyCode::Enter]);
    let form = app.form().unwrap();
    assert_eq!(form.kind, FormKind::Reassign);
    assert_eq!(form.context.clients.len(), 3);
    // Choose an area (Space picks the next choice), then save.
    press(&mut store, &mut app, &[KeyCode::Char(' '), KeyCode::Enter]);
    match &app.form().unwrap().stage {
        Stage::Confirm {
            message,
            confirm_selected,
        } => {
            assert!(message.contains('3'), "{message}");
            assert!(!confirm_selected, "Cancel is the default");
        }
        other => panic!(
            "expected a confirm step, got {other:?}: {:?}",
            app.form().unwrap().fields
        ),
    }
}

#[test]
fn offence_counts_of_the_sample_are_recorded_from_the_report_view() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    as_lead(&mut store);
    press(&mut store, &mut app, &[KeyCode::Char('7')]);
    let quarter = app.report_period().clone();
    let actor = Actor {
        login: "tester".into(),
        now: at("2026-11-23 09:30"),
    };
    let (draw, _) = store
        .draw_sample(
            &actor,
            &quarter,
            caseload::domain::sample::seed_for(&quarter.label),
        )
        .unwrap();
    let reference = draw.members[0].reference.clone();

    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(
        &mut store,
        &mut app,
        &format!("offences {reference} 4 1 0 -"),
    );
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(
        app.message(),
        Some(
            format!(
                "Recorded offences for {reference} in the {} sample.",
                quarter.label
            )
            .as_str()
        )
    );
    let member = store
        .sample_draw(&quarter.label)
        .unwrap()
        .unwrap()
        .members
        .into_iter()
        .find(|m| m.reference == reference)
        .unwrap();
    assert_eq!(
        (
            member.offences.before,
            member.offences.during,
            member.offences.after_3m,
            member.offences.after_12m
        ),
        (Some(4), Some(1), Some(0), None)
    );
    assert!(
        count(
            &store,
            "SELECT count(*) FROM audit WHERE who = 'tester' AND entity = 'reoffending_sample'"
        ) >= 1
    );

    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(
        &mut store,
        &mut app,
        &format!("offences {reference} four 1 0 0"),
    );
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert!(
        app.message().unwrap().starts_with("'four' is not a count"),
        "{:?}",
        app.message()
    );
    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(&mut store, &mut app, "offences C-99999 1 1 1 1");
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert!(
        app.message().unwrap().contains("C-99999"),
        "{:?}",
        app.message()
    );
}
