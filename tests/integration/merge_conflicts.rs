//! A colleague's save in between, seen from one session: the fields in dispute side by
//! side with who and when, a bulk reassign that asks only about the moved client, a
//! change already made that saves nothing, and an undo that leaves a colleague's change.

use caseload::action::Effect;
use caseload::domain::model::ReleaseType;
use caseload::form::{FormKind, Stage};
use caseload::store::{Change, CustodyEdit, EpisodeEdit};
use caseload::tui::perform;
use crossterm::event::KeyCode;
use rusqlite::Connection;

use crate::common::{as_login, date, team_store};
use crate::merge::{app_as, audit_count, enter, fixture, open, set};
use crate::ui::press;

#[test]
fn the_fields_in_dispute_are_shown_side_by_side_with_who_and_when() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "cora");
    open(&mut store, &mut app, FormKind::ReleaseDates, team.c1);
    let custody = app.form().unwrap().context.row.unwrap();
    let mut colleague = crate::common::second_connection(&store);
    colleague
        .apply(
            &as_login("lead"),
            &Change::Custody(
                custody,
                CustodyEdit::ReleaseDates {
                    expected: Some(date("2027-03-20")),
                    earliest: Some(date("2027-02-01")),
                    release_type: Some(ReleaseType::Parole),
                },
            ),
        )
        .unwrap();
    set(&mut store, &mut app, "expected", "01/04/2027");
    set(&mut store, &mut app, "release_type", "end_of_sentence");
    set(&mut store, &mut app, "earliest", "15/01/2027");
    let audits = audit_count(&store);
    enter(&mut store, &mut app);
    assert_eq!(
        audit_count(&store),
        audits,
        "nothing is written before the choice"
    );
    insta::assert_snapshot!(crate::ui::screen(&app));
    // Enter before choosing every field saves nothing and says which is left.
    press(&mut store, &mut app, &[KeyCode::Char('y'), KeyCode::Enter]);
    assert_eq!(audit_count(&store), audits);
    let notice = app.form().unwrap().notice.clone().unwrap();
    assert_eq!(
        notice,
        "Choose theirs (t) or yours (y) for release type first."
    );
    press(&mut store, &mut app, &[KeyCode::Char('t'), KeyCode::Enter]);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    let stored: (String, String, String) = Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT expected_release_date, earliest_release_date, release_type FROM custody",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        stored,
        ("2027-04-01".into(), "2027-01-15".into(), "parole".into()),
        "yours where chosen, theirs where chosen, and the field only we changed"
    );
}

#[test]
fn a_bulk_reassign_asks_only_about_the_client_a_colleague_moved_and_can_leave_them_out() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "lead");
    let seed = Box::new(app.form_seed());
    perform(
        &mut store,
        &mut app,
        Effect::OpenForm {
            kind: FormKind::Reassign,
            client_id: None,
            clients: vec![team.c1, team.c2],
            seed,
        },
    )
    .unwrap();
    let form = app.form().unwrap();
    assert_eq!(
        form.value("area"),
        team.north.to_string(),
        "both are in Northtown"
    );
    assert_eq!(
        form.value("care_coordinator"),
        "",
        "their co-ordinators differ"
    );
    // Meanwhile C-1 is given to the team leader.
    let c1 = store.version_of("client", team.c1).unwrap();
    crate::common::second_connection(&store)
        .apply(
            &as_login("lead"),
            &Change::Reassign {
                clients: vec![c1],
                area_id: team.north,
                care_coordinator_id: Some(team.lead),
            },
        )
        .unwrap();
    set(
        &mut store,
        &mut app,
        "care_coordinator",
        &team.colin.to_string(),
    );
    enter(&mut store, &mut app);
    let Some(Stage::Resolve { items, .. }) = app.form().map(|f| &f.stage) else {
        panic!("no choice offered: {:?}", app.form().map(|f| &f.notice));
    };
    assert_eq!(items.len(), 1, "only C-1's co-ordinator is in dispute");
    assert_eq!(items[0].conflict.row_id, team.c1);
    press(&mut store, &mut app, &[KeyCode::Char('t'), KeyCode::Enter]);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    let coordinators: Vec<(i64, i64)> = crate::common::pairs(
        &store,
        &format!(
            "SELECT id, care_coordinator_id FROM client WHERE id IN ({}, {}) ORDER BY id",
            team.c1, team.c2
        ),
    );
    assert_eq!(
        coordinators,
        vec![(team.c1, team.lead), (team.c2, team.colin)],
        "C-1 left with the colleague's choice; C-2 already with colin, so nothing to do"
    );
}

#[test]
fn a_change_a_colleague_already_made_saves_nothing_and_says_so() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "cora");
    open(&mut store, &mut app, FormKind::Tier, team.c1);
    let episode = store.version_of("episode", team.e1).unwrap();
    crate::common::second_connection(&store)
        .apply(
            &as_login("lead"),
            &Change::Episode(episode, EpisodeEdit::Tier(3)),
        )
        .unwrap();
    let audits = audit_count(&store);
    set(&mut store, &mut app, "tier", "3");
    enter(&mut store, &mut app);
    assert!(app.form().is_none());
    assert_eq!(
        app.message(),
        Some("Nothing to save: the tier already holds these values.")
    );
    assert_eq!(audit_count(&store), audits);
}

#[test]
fn undo_of_a_record_a_colleague_has_since_changed_leaves_it_and_names_them() {
    let (_dir, mut store, team) = team_store();
    let added = store
        .apply(
            &as_login("cora"),
            &Change::AddCustody {
                client_id: team.c1,
                prison: "HMP Testshire".into(),
                reception_date: date("2026-10-01"),
                reception_kind: None,
                expected_release: None,
            },
        )
        .unwrap();
    let custody = store.version_of("custody", added.rows[0].row_id).unwrap();
    store
        .apply(
            &as_login("lead"),
            &Change::Custody(custody, CustodyEdit::Released(date("2026-11-20"))),
        )
        .unwrap();
    let error = store.undo(&as_login("cora"), &added).unwrap_err();
    assert_eq!(
        error.to_string(),
        "lead changed this custody at 2026-11-23 09:30, after you added it, so it stays: nothing was undone"
    );
    assert_eq!(store.client_record(team.c1).unwrap().custody.len(), 1);
}
