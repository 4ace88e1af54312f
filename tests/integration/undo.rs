//! Undo of a saved update: the fields restored and the undo itself audited, a
//! colleague's change to another field kept, a field they changed since left and named;
//! and an audit table that refuses to be rewritten; on every engine ([`on_each_engine`]).

use caseload::domain::model::ContactKind;
use caseload::store::{Change, EpisodeEdit};

use crate::common::{TestDb, as_login, at, date, on_each_engine};

use crate::updates::{audit_rows, save};

#[test]
fn undo_restores_the_fields_and_is_itself_audited() {
    on_each_engine(|engine| {
        let (db, mut store, team) = TestDb::team(engine);
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
        let tier: i64 = db.value(&format!(
            "SELECT tier AS v FROM episode WHERE id = {}",
            team.e1
        ));
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
        let contacts: i64 = db.value("SELECT count(*) AS v FROM contact");
        assert_eq!(contacts, 0);
        assert_eq!(
            audit_rows(&store, "contact", contact.rows[0].row_id)
                .last()
                .unwrap()
                .0,
            "undo"
        );
    });
}

#[test]
fn undo_after_a_colleagues_change_to_another_field_reverts_mine_only() {
    on_each_engine(|engine| {
        let (db, mut store, team) = TestDb::team(engine);
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
        let flags: Vec<(i64, i64)> = db.pairs(&format!(
            "SELECT engaged AS a, prescribed AS b FROM episode WHERE id = {}",
            team.e1
        ));
        assert_eq!(flags, [(0, 1)]);
    });
}

#[test]
fn undo_keeps_a_field_a_colleague_changed_since_and_names_them() {
    on_each_engine(|engine| {
        let (_db, mut store, team) = TestDb::team(engine);
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
    });
}

#[test]
fn the_audit_table_refuses_update_and_delete() {
    on_each_engine(|engine| {
        let (db, mut store, team) = TestDb::team(engine);
        let row = store.version_of("episode", team.e1).unwrap();
        save(
            &mut store,
            "cora",
            &Change::Episode(row, EpisodeEdit::Tier(3)),
        );
        let conn = db.raw();
        assert!(
            conn.execute("UPDATE audit SET who = 'someone'", &[])
                .is_err()
        );
        assert!(conn.execute("DELETE FROM audit", &[]).is_err());
    });
}
