//! Live refresh: `Connection::data_version` moves when another connection commits a
//! change and for nothing else, on SQLite (`PRAGMA data_version`) and on PostgreSQL
//! (`LISTEN`/`NOTIFY`, triggers on every table), with the same meaning. The SQLite half
//! runs always; the PostgreSQL half with `scripts/pg-test.sh`.

use caseload::store::Store;
use caseload::store::pg::migrate;
use caseload::store::sql::{Connection, Dialect, Value};

use crate::postgres_schema::migrated;

/// Two connections to one new caseload database: one writes, one watches.
struct Pair {
    /// What keeps the database alive (its folder, or the PostgreSQL database).
    _held: Box<dyn std::any::Any>,
    writer: Connection,
    watcher: Connection,
}

/// The pair on a new SQLite file, and on a new PostgreSQL database if there is a test
/// cluster.
fn pairs() -> Vec<Pair> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notify.db");
    drop(Store::create(&path).unwrap());
    let open = || Connection::sqlite(rusqlite::Connection::open(&path).unwrap());
    let mut pairs = vec![Pair {
        writer: open(),
        watcher: open(),
        _held: Box::new(dir),
    }];
    if let Some((pg, writer)) = migrated() {
        pairs.push(Pair {
            watcher: pg.connect(),
            writer,
            _held: Box::new(pg),
        });
    }
    pairs
}

/// `conn`'s data version once everything committed so far has reached it: a
/// notification travels to a listening session by itself, and its server sends what
/// it has been told before it answers the session's next statement, so one round trip
/// first makes the answer certain (SQLite's needs none).
fn version(conn: &Connection) -> i64 {
    conn.query_row("SELECT 1 AS one", &[]).unwrap();
    conn.data_version().unwrap()
}

/// An area, a worker in it and a client of theirs, with ids 1.
fn seed(db: &Connection) {
    db.execute_batch(
        "INSERT INTO area (id, name) VALUES (1, 'North');
         INSERT INTO worker (id, name, login, role, area_id)
         VALUES (1, 'Bea Example', 'bea', 'care_coordinator', 1);
         INSERT INTO client (id, reference, given_name, family_name, date_of_birth, area_id,
                             care_coordinator_id)
         VALUES (1, 'R-1', 'Ann', 'Example', '1980-02-29', 1, 1);",
    )
    .unwrap();
}

#[test]
fn a_commit_moves_the_other_connections_version_and_not_its_own() {
    for Pair {
        writer, watcher, ..
    } in pairs()
    {
        let engine = writer.dialect();
        let (mine, theirs) = (version(&writer), version(&watcher));
        seed(&writer);
        assert_ne!(
            version(&watcher),
            theirs,
            "{engine:?}: a commit went unnoticed"
        );
        assert_eq!(
            version(&writer),
            mine,
            "{engine:?}: a connection's own commit moved its version"
        );
        let seen = version(&watcher);
        assert_eq!(version(&watcher), seen, "{engine:?}: it moved by itself");
    }
}

#[test]
fn an_idle_session_that_only_asks_hears_a_commit() {
    // A TUI's own connection is idle between its writes: asking must be enough, with
    // no statement of the session's own in between.
    for Pair {
        writer, watcher, ..
    } in pairs()
    {
        let engine = writer.dialect();
        let seen = watcher.data_version().unwrap();
        seed(&writer);
        // The notification travels by itself; give it up to 5 s.
        let heard = (0..50).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            watcher.data_version().unwrap() != seen
        });
        assert!(heard, "{engine:?}: an idle session never heard the commit");
    }
}

#[test]
fn a_rolled_back_transaction_moves_no_version() {
    for Pair {
        writer, watcher, ..
    } in pairs()
    {
        let engine = writer.dialect();
        let seen = version(&watcher);
        let tx = writer.transaction().unwrap();
        seed(&tx);
        drop(tx);
        assert_eq!(version(&watcher), seen, "{engine:?}: a rollback was heard");
        seed(&writer);
        assert_ne!(
            version(&watcher),
            seen,
            "{engine:?}: the commit went unnoticed"
        );
    }
}

#[test]
fn inserts_updates_and_deletes_of_every_kind_of_table_are_heard() {
    for Pair {
        writer, watcher, ..
    } in pairs()
    {
        let engine = writer.dialect();
        seed(&writer);
        // Set-up and reference data, a client's record, a row kept by a trigger
        // (client_last_contact), the append-only tables, and a draft.
        for statement in [
            "INSERT INTO area (id, name) VALUES (2, 'South')",
            "UPDATE area SET name = 'South East', version = version + 1 WHERE id = 2",
            "DELETE FROM area WHERE id = 2",
            "UPDATE worker SET name = 'Bea Sample' WHERE id = 1",
            "UPDATE client SET gp_practice = 'Hill Surgery' WHERE id = 1",
            "INSERT INTO contact (id, client_id, worker_id, contact_at, kind)
             VALUES (1, 1, 1, '2026-01-05 10:00', 'phone')",
            "UPDATE contact SET note = 'Rang back' WHERE id = 1",
            "DELETE FROM contact WHERE id = 1",
            "INSERT INTO audit (at, who, entity, row_id, action)
             VALUES ('2026-01-05 10:00', 'bea', 'client', 1, 'update')",
            "INSERT INTO access_log (at, login, what, client_id)
             VALUES ('2026-01-05 10:00:00', 'bea', 'record', 1)",
            "INSERT INTO draft (id, login, form, client_id, fields, saved_at)
             VALUES (1, 'bea', 'contact', 1, '{}', '2026-01-05 10:00')",
            "DELETE FROM draft WHERE id = 1",
        ] {
            let seen = version(&watcher);
            writer.execute(statement, &[]).unwrap();
            assert_ne!(
                version(&watcher),
                seen,
                "{engine:?}: not heard: {statement}"
            );
        }
    }
}

#[test]
fn a_postgres_transaction_is_heard_once_and_only_at_its_commit() {
    let Some((pg, writer)) = migrated() else {
        return;
    };
    let watcher = pg.connect();
    let seen = version(&watcher);
    let tx = writer.transaction().unwrap();
    seed(&tx);
    tx.execute("UPDATE client SET ppo = 1 WHERE id = 1", &[])
        .unwrap();
    assert_eq!(version(&watcher), seen, "heard before the commit");
    tx.commit().unwrap();
    assert_eq!(version(&watcher), seen + 1, "one transaction, heard once");
    // Unlike SQLite, PostgreSQL hears a statement that changed no row (the triggers
    // fire per statement): a session refreshes once and finds nothing new.
    writer
        .execute("DELETE FROM draft WHERE login = 'nobody'", &[])
        .unwrap();
    assert_eq!(version(&watcher), seen + 2);
}

#[test]
fn a_postgres_session_first_asking_inside_a_transaction_misses_no_commit() {
    let Some((pg, writer)) = migrated() else {
        return;
    };
    let watcher = pg.connect();
    // LISTEN sent inside a transaction waits for its commit, and its rollback undoes it.
    let read = watcher.snapshot().unwrap();
    let seen = read.data_version().unwrap();
    drop(read);
    seed(&writer);
    assert_ne!(version(&watcher), seen, "a commit went unheard");
    let seen = version(&watcher);
    writer
        .execute("UPDATE area SET intensive = 1 WHERE id = 1", &[])
        .unwrap();
    assert_eq!(version(&watcher), seen + 1, "it is not listening");
}

/// Each table of the PostgreSQL schema with the statements (INSERT, UPDATE, DELETE)
/// after which a statement-level trigger calls `caseload_changed()`, from the
/// catalogue.
fn tables_and_heard_statements(db: &Connection) -> Vec<(String, String)> {
    db.query(
        "SELECT t.table_name::text AS name,
                coalesce((SELECT string_agg(g.event_manipulation::text, ' '
                                            ORDER BY g.event_manipulation)
                            FROM information_schema.triggers g
                           WHERE g.event_object_schema = 'public'
                             AND g.event_object_table = t.table_name
                             AND g.action_timing = 'AFTER'
                             AND g.action_orientation = 'STATEMENT'
                             AND g.action_statement = 'EXECUTE FUNCTION caseload_changed()'),
                         '') AS heard
           FROM information_schema.tables t
          WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          ORDER BY 1",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get("name").unwrap(), r.get("heard").unwrap()))
    .collect()
}

/// The tables among `tables` whose changes are not all heard.
fn unheard(tables: &[(String, String)]) -> Vec<String> {
    tables
        .iter()
        .filter(|(_, heard)| heard != "DELETE INSERT UPDATE")
        .map(|(table, _)| table.clone())
        .collect()
}

#[test]
fn every_postgres_table_tells_listeners_of_its_changes() {
    let Some((_pg, db)) = migrated() else {
        return;
    };
    let tables = tables_and_heard_statements(&db);
    // The catalogue, not a list kept here: a table a later step adds is checked too.
    assert!(tables.len() > 20, "{tables:?}");
    assert!(tables.iter().any(|(t, _)| t == "court_review"));
    assert_eq!(unheard(&tables), Vec::<String>::new(), "tables not heard");
}

#[test]
fn a_postgres_database_made_before_live_refresh_gets_it_when_migrated() {
    let Some((_pg, db)) = migrated() else {
        return;
    };
    db.execute_batch(
        "DROP TRIGGER caseload_changed ON client;
         DROP TRIGGER caseload_changed ON contact;",
    )
    .unwrap();
    assert_eq!(
        unheard(&tables_and_heard_statements(&db)),
        ["client", "contact"]
    );
    let tx = db.transaction().unwrap();
    assert_eq!(migrate::migrate(&tx).unwrap(), migrate::Migrated::Current);
    tx.commit().unwrap();
    assert_eq!(
        unheard(&tables_and_heard_statements(&db)),
        Vec::<String>::new()
    );
}

#[test]
fn a_worker_connected_as_their_own_role_hears_and_is_heard() {
    let Some((pg, owner)) = migrated() else {
        return;
    };
    assert_eq!(owner.dialect(), Dialect::Postgres);
    seed(&owner);
    let login = "notify_worker";
    owner
        .query_row(
            "SELECT caseload_enrol(?1) AS created",
            &[Value::from(login)],
        )
        .unwrap();
    let worker = Connection::postgres(&pg.url_as(login)).unwrap();
    let theirs = version(&worker);
    owner
        .execute("UPDATE area SET intensive = 1 WHERE id = 1", &[])
        .unwrap();
    assert_ne!(
        version(&worker),
        theirs,
        "the worker did not hear the change"
    );
    let mine = version(&owner);
    // Row-level security lets a worker keep their own drafts.
    worker
        .execute(
            "INSERT INTO draft (login, form, fields, saved_at)
             VALUES (?1, 'referral', '{}', '2026-01-05 10:00')",
            &[Value::from(login)],
        )
        .unwrap();
    assert_ne!(version(&owner), mine, "the worker's draft was not heard");
}
