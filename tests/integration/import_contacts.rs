//! A contacts import stages its rows before the write lock and writes them with one
//! statement inside it (issue 11: the lock of a large import): every new contact once,
//! each with its one audit row naming it, each client's last contact kept, a row
//! already stored left alone, and a row the write refuses (its client moved since the
//! file was checked) reported on its line with nothing written.

use caseload::store::Store;
use caseload::transfer::import::{self, Outcome, Plan, Rules};
use caseload::transfer::parse::Kind;

use crate::common::{as_login, team_store, today};

fn plan(store: &Store, login: &str, rows: &str) -> Plan {
    let text = format!("client_reference,worker,contact_at,kind,note\n{rows}");
    let rules = Rules {
        today: today(),
        alcohol: caseload::domain::substances::AlcoholRule::NotPrimary,
    };
    import::plan_file(store, Kind::Contacts, text.as_bytes(), login, rules).unwrap()
}

fn import(store: &mut Store, login: &str, rows: &str, apply: bool) -> Outcome {
    let plan = plan(store, login, rows);
    import::run(store, &as_login(login), &plan, apply).unwrap()
}

fn count(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Each client's kept last contact, by reference.
fn kept(db: &rusqlite::Connection) -> Vec<(String, Option<String>)> {
    db.prepare(
        "SELECT c.reference, l.contact_at FROM client c
           JOIN client_last_contact l ON l.client_id = c.id ORDER BY c.reference",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Contacts that have exactly one audit row, an import's, naming them: their id,
/// client and time, and the file's line.
const AUDITED: &str = "SELECT count(*) FROM contact k
    WHERE (SELECT count(*) FROM audit a
            WHERE a.entity = 'contact' AND a.row_id = k.id AND a.action = 'import'
              AND a.who = 'lead' AND a.before IS NULL
              AND json_extract(a.after, '$.client_id') = k.client_id
              AND json_extract(a.after, '$.contact_at') = k.contact_at
              AND json_extract(a.after, '$.line') > 1) = 1";

#[test]
fn every_new_contact_is_written_once_with_its_audit_row_and_the_last_contact_kept() {
    let (dir, mut store, _team) = team_store();
    let db = rusqlite::Connection::open(dir.path().join("test.db")).unwrap();
    let first = import(
        &mut store,
        "lead",
        "C-1,lead,10/03/2026 10:00,phone,stored\n",
        true,
    );
    assert_eq!((first.written, first.created), (true, 1), "{first:?}");
    // C-1: the stored row again, an older contact and a newer did-not-attend (neither
    // moves its last contact); C-2: three contacts out of order and a newer
    // did-not-attend.
    let rows = "C-1,lead,10/03/2026 10:00,phone,stored\n\
                C-1,lead,01/03/2026 09:00,phone,older\n\
                C-2,lead,05/03/2026 11:00,phone,a\n\
                C-2,lead,07/03/2026 08:30,face_to_face,b\n\
                C-1,lead,12/03/2026 09:00,did_not_attend,\n\
                C-2,lead,06/03/2026 14:00,letter,c\n\
                C-2,lead,09/03/2026 10:00,did_not_attend,\n";
    let dry = import(&mut store, "lead", rows, false);
    assert_eq!((dry.written, dry.created, dry.unchanged), (false, 6, 1));
    assert_eq!(
        count(&db, "SELECT count(*) FROM contact"),
        1,
        "a dry run writes nothing"
    );
    let applied = import(&mut store, "lead", rows, true);
    assert_eq!(
        (applied.written, applied.created, applied.unchanged),
        (true, 6, 1),
        "{applied:?}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM contact"), 7);
    assert_eq!(count(&db, AUDITED), 7, "each contact and its one audit row");
    assert_eq!(
        count(&db, "SELECT count(*) FROM audit WHERE entity = 'contact'"),
        7
    );
    assert_eq!(
        kept(&db),
        [
            ("C-1".to_owned(), Some("2026-03-10 10:00".to_owned())),
            ("C-2".to_owned(), Some("2026-03-07 08:30".to_owned())),
            ("C-3".to_owned(), None),
        ]
    );
    let again = import(&mut store, "lead", rows, true);
    assert_eq!((again.created, again.unchanged), (0, 7), "{again:?}");
    assert_eq!(count(&db, "SELECT count(*) FROM contact"), 7);
}

#[test]
fn a_client_moved_after_the_check_refuses_its_rows_and_nothing_is_written() {
    let (dir, mut store, team) = team_store();
    let db = rusqlite::Connection::open(dir.path().join("test.db")).unwrap();
    let rows = "C-1,cora,01/03/2026 10:00,phone,\n\
                C-2,cora,01/03/2026 11:00,phone,\n\
                C-1,cora,02/03/2026 10:00,letter,\n\
                C-2,cora,03/03/2026 09:00,phone,\n";
    let checked = plan(&store, "cora", rows);
    assert!(checked.problems.is_empty(), "{:?}", checked.problems);
    // C-2 moves to the other area between the check and the write.
    let move_to = |area: i64| {
        db.execute(
            "UPDATE client SET area_id = ?1 WHERE id = ?2",
            [area, team.c2],
        )
        .unwrap();
    };
    move_to(team.south);
    let refused = import::run(&mut store, &as_login("cora"), &checked, true).unwrap();
    let lines: Vec<u64> = refused.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [3, 5], "{refused:?}");
    assert!(
        refused.problems[0].to_string().starts_with(
            "line 3, column client_reference: not imported: this client is in another area"
        ),
        "{refused:?}"
    );
    assert_eq!(
        (refused.written, refused.created),
        (false, 2),
        "{refused:?}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM contact"), 0);
    assert_eq!(
        count(&db, "SELECT count(*) FROM audit WHERE entity = 'contact'"),
        0
    );
    // Back in the area, the same checked file is written whole.
    move_to(team.north);
    let applied = import::run(&mut store, &as_login("cora"), &checked, true).unwrap();
    assert_eq!((applied.written, applied.created), (true, 4), "{applied:?}");
    assert_eq!(count(&db, "SELECT count(*) FROM contact"), 4);
    assert_eq!(
        count(&db, "SELECT count(*) FROM audit WHERE entity = 'contact'"),
        4
    );
}
