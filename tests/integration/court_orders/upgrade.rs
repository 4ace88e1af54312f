//! Schema step 15 on a database written before it.

use caseload::store::{Access, Store};
use rusqlite::Connection;

use crate::common::{empty_store, pairs};

/// The columns of `table` as SQLite reports them.
fn columns(conn: &Connection, table: &str) -> Vec<(String, String, i64, Option<String>)> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info('{table}')"
        ))
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The tables, indexes and episode column are those of `schema.sql`; a client's DRR
/// flag and episode are kept as they were (no order is invented from a flag).
#[test]
fn step_fifteen_adds_orders_and_reviews_and_keeps_the_flags() {
    let (dir, store) = empty_store();
    let path = store.path().to_path_buf();
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let fresh: Vec<_> = ["court_order", "court_review", "episode"]
        .iter()
        .map(|t| columns(&conn, t))
        .collect();
    let objects = |conn: &Connection| -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_master WHERE tbl_name LIKE 'court_%' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get::<_, Option<String>>(0))
            .unwrap()
            .map(|s| s.unwrap().unwrap_or_default())
            .collect()
    };
    let fresh_objects = objects(&conn);
    conn.execute_batch(
        "DROP TABLE court_review; DROP TABLE court_order;
         ALTER TABLE episode DROP COLUMN follows_order_id;
         PRAGMA user_version = 14;
         INSERT INTO area (name) VALUES ('Newport');
         INSERT INTO client (reference, given_name, family_name, date_of_birth, area_id, drr)
         VALUES ('C-1', 'Ada', 'Quill', '1980-02-01', 1, 1);
         INSERT INTO episode (client_id, referral_date, referral_source)
         VALUES (1, '2026-09-01', 'court');",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    let kept: Vec<(i64, Option<i64>)> = pairs(
        &store,
        "SELECT c.drr, e.follows_order_id FROM client c JOIN episode e ON e.client_id = c.id",
    );
    assert_eq!(kept, [(1, None)]);
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let after: Vec<_> = ["court_order", "court_review", "episode"]
        .iter()
        .map(|t| columns(&conn, t))
        .collect();
    assert_eq!(after, fresh, "the columns of schema.sql");
    assert_eq!(objects(&conn), fresh_objects, "the indexes of schema.sql");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, caseload::store::migrate::current_version());
    drop(dir);
}
