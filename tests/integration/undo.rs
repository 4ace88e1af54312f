//! Undo of a saved update: the fields restored and the undo itself audited, a
//! colleague's change to another field kept, a field they changed since left and named;
//! and an audit table that refuses to be rewritten.

use caseload::domain::model::ContactKind;
use caseload::store::{Change, EpisodeEdit};
use rusqlite::Connection;

use crate::common::{as_login, at, date, team_store};

use crate::updates::{audit_rows, save};

#[test]
fn undo_restores_the_fields_and_is_itself_audited() {
    let (_dir, mut store, team) = team_store();
    let row = store.version_of("episode", team.e1).unwrap();
    let receipt = save(
        &mut store,
        "cora",
        &Change::Episode(row, EpisodeEdit::Tier(4)),
    );
    let undone = store.undo(&as_login("cora"), &receipt).unwrap();
    assert_eq!(
        undone.rows[0].version,
        row.version + 2,
        "undo is a new version, not a rewind"
    );
    let conn = Connection::open(store.path()).unwrap();
    let tier: i64 = conn
        .query_row("SELECT tier FROM episode WHERE id = ?1", [team.e1], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(tier, 2);
    let audit = audit_rows(&store, "episode", team.e1);
    assert_eq!(
        audit.last().unwrap(),
        &(
            "undo".to_owned(),
            Some(r#"{"tier":4}"#.to_owned()),
            Some(r#"{"tier":2}"#.to_owned())
        )
    );

    let contact = save(
        &mut store,
        "cora",
        &Change::Contact {
            client_id: team.c1,
            at: at("2026-11-23 09:00"),
            kind: ContactKind::Phone,
            note: "typo".into(),
        },
    );
    store.undo(&as_login("cora"), &contact).unwrap();
    let contacts: i64 = conn
        .query_row("SELECT count(*) FROM contact", [], |r| r.get(0))
        .unwrap();
    assert_eq!(contacts, 0);
    assert_eq!(
        audit_rows(&store, "contact", contact.rows[0].row_id)
            .last()
            .unwrap()
            .0,
        "undo"
    );
}

#[test]
fn undo_after_a_colleagues_change_to_another_field_reverts_mine_only() {
    let (_dir, mut store, team) = team_store();
    let row = store.version_of("episode", team.e1).unwrap();
    let mine = save(
        &mut store,
        "cora",
        &Change::Episode(row, EpisodeEdit::Engaged(Some(date("2026-11-20")))),
    );
    let theirs = store.version_of("episode", team.e1).unwrap();
    save(
        &mut store,
        "lead",
        &Change::Episode(theirs, EpisodeEdit::Prescribed(true)),
    );
    let undone = store.undo(&as_login("cora"), &mine).unwrap();
    assert!(undone.kept.is_empty(), "{:?}", undone.kept);
    let conn = Connection::open(store.path()).unwrap();
    let (engaged, prescribed): (i64, i64) = conn
        .query_row(
            "SELECT engaged, prescribed FROM episode WHERE id = ?1",
            [team.e1],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((engaged, prescribed), (0, 1));
}

#[test]
fn undo_keeps_a_field_a_colleague_changed_since_and_names_them() {
    let (_dir, mut store, team) = team_store();
    let row = store.version_of("episode", team.e1).unwrap();
    let mine = save(
        &mut store,
        "cora",
        &Change::Episode(row, EpisodeEdit::Tier(4)),
    );
    let theirs = store.version_of("episode", team.e1).unwrap();
    save(
        &mut store,
        "lead",
        &Change::Episode(theirs, EpisodeEdit::Tier(3)),
    );
    let undone = store.undo(&as_login("cora"), &mine).unwrap();
    assert!(undone.rows.is_empty(), "nothing is written");
    assert_eq!(undone.kept.len(), 1);
    assert_eq!(undone.kept[0].column, "tier");
    assert_eq!(
        undone.kept[0]
            .changed_by
            .as_ref()
            .map(|(who, _)| who.as_str()),
        Some("lead")
    );
    assert_eq!(store.client_record(team.c1).unwrap().episodes[0].tier, 3);
}

#[test]
fn the_audit_table_refuses_update_and_delete() {
    let (_dir, mut store, team) = team_store();
    let row = store.version_of("episode", team.e1).unwrap();
    save(
        &mut store,
        "cora",
        &Change::Episode(row, EpisodeEdit::Tier(3)),
    );
    let conn = Connection::open(store.path()).unwrap();
    assert!(
        conn.execute("UPDATE audit SET who = 'someone'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM audit", []).is_err());
}
