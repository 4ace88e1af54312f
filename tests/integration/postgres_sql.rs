//! The SQL layer (`store::sql`) on both engines: the same statements, with SQLite's
//! placeholders, give the same rows read by name; transactions commit or roll back
//! whole; and a version read for a write is locked on PostgreSQL until the write ends,
//! so a second writer sees the first's change (no lost update). The SQLite half always
//! runs; the PostgreSQL half with `CASELOAD_TEST_PG`.

use caseload::store::sql::{Connection, Dialect, Value};

use crate::postgres::PgDatabase;

/// The table both engines get, in the subset of SQL they share.
const TABLE: &str = "CREATE TABLE thing (
    id      bigint PRIMARY KEY,
    name    text,
    flag    bigint NOT NULL DEFAULT 0,
    score   double precision,
    version bigint NOT NULL DEFAULT 1
)";

/// An SQLite connection on a temporary file, and PostgreSQL's when there is a cluster;
/// each with the table made.
fn engines() -> Vec<(Connection, Option<PgDatabase>, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Connection::sqlite(rusqlite::Connection::open(dir.path().join("t.db")).unwrap());
    let mut all = vec![(sqlite, None, dir)];
    if let Some(pg) = PgDatabase::create() {
        all.push((pg.connect(), Some(pg), tempfile::tempdir().unwrap()));
    }
    for (db, _, _) in &all {
        db.execute_batch(TABLE).unwrap();
    }
    all
}

#[test]
fn the_same_statements_give_the_same_rows_read_by_name() {
    for (db, _pg, _dir) in engines() {
        let added = db
            .execute(
                "INSERT INTO thing (id, name, flag, score) VALUES (?1, ?2, ?3, ?4), (?5, NULL, 0, NULL)",
                &[
                    Value::Integer(1),
                    Value::from("Ann's"),
                    Value::from(true),
                    Value::Real(2.5),
                    Value::Integer(2),
                ],
            )
            .unwrap();
        assert_eq!(added, 2, "{:?}", db.dialect());
        let rows = db
            .query(
                "SELECT id, name, flag, score, name IS NOT NULL AS named FROM thing
                  WHERE id >= ?1 ORDER BY id",
                &[Value::Integer(1)],
            )
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get::<String>("name").unwrap(), "Ann's");
        assert!(rows[0].get::<bool>("flag").unwrap());
        assert!((rows[0].get::<f64>("score").unwrap() - 2.5).abs() < f64::EPSILON);
        assert!(rows[0].get::<bool>("named").unwrap(), "{:?}", db.dialect());
        assert_eq!(rows[1].get::<Option<String>>("name").unwrap(), None);
        assert!(!rows[1].get::<bool>("named").unwrap());
        let wrong = rows[0].get::<i64>("name").unwrap_err().to_string();
        assert!(wrong.contains("column name held text"), "{wrong}");
        assert!(rows[0].get::<i64>("missing").is_err());
    }
}

#[test]
fn a_transaction_dropped_uncommitted_leaves_nothing_and_a_committed_one_stays() {
    for (db, _pg, _dir) in engines() {
        {
            let tx = db.transaction().unwrap();
            tx.execute("INSERT INTO thing (id) VALUES (?1)", &[Value::Integer(1)])
                .unwrap();
        }
        let tx = db.transaction().unwrap();
        tx.execute("INSERT INTO thing (id) VALUES (?1)", &[Value::Integer(2)])
            .unwrap();
        tx.commit().unwrap();
        let ids: Vec<i64> = db
            .query("SELECT id FROM thing", &[])
            .unwrap()
            .iter()
            .map(|r| r.get("id").unwrap())
            .collect();
        assert_eq!(ids, [2], "{:?}", db.dialect());
    }
}

#[test]
fn a_locked_version_makes_a_second_postgres_writer_wait_and_see_the_first_change() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let first = pg.connect();
    assert_eq!(first.dialect(), Dialect::Postgres);
    first.execute_batch(TABLE).unwrap();
    first
        .execute_batch("INSERT INTO thing (id, name) VALUES (1, 'before')")
        .unwrap();
    let tx = first.transaction().unwrap();
    assert_eq!(tx.lock_version("thing", 1).unwrap(), Some(1));
    let url = pg.url.clone();
    let second = std::thread::spawn(move || {
        let db = Connection::postgres(&url).unwrap();
        let tx = db.transaction().unwrap();
        let seen = tx.lock_version("thing", 1).unwrap();
        tx.commit().unwrap();
        seen
    });
    // The second writer is waiting for the first's lock before the first commits.
    let watcher = pg.connect();
    let mut waiting = false;
    for _ in 0..600 {
        let n: i64 = watcher
            .query_row("SELECT count(*) AS n FROM pg_locks WHERE NOT granted", &[])
            .unwrap()
            .get("n")
            .unwrap();
        if n > 0 {
            waiting = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(waiting, "the second writer never waited for the row lock");
    tx.execute(
        "UPDATE thing SET name = 'after', version = version + 1 WHERE id = ?1",
        &[Value::Integer(1)],
    )
    .unwrap();
    tx.commit().unwrap();
    assert_eq!(second.join().unwrap(), Some(2));
}

#[test]
fn a_statement_in_flight_is_stopped_from_another_thread_on_both_engines() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    for (db, _pg, _dir) in engines() {
        let interrupt = db.interrupt_handle().unwrap();
        let done = Arc::new(AtomicBool::new(false));
        // Stops whatever runs until the read has ended: the read may not have started
        // when the first stop arrives, so it is sent again until it has.
        let stopper = {
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                while !done.load(Ordering::Acquire) {
                    interrupt.interrupt();
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
            })
        };
        // Counts for ever unless stopped.
        let endless = db.query(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT max(x) FROM n",
            &[],
        );
        done.store(true, Ordering::Release);
        stopper.join().unwrap();
        let error = caseload::store::StoreError::from(endless.unwrap_err());
        assert!(error.interrupted(), "{:?}: {error:?}", db.dialect());
    }
}
