//! `caseload migrate` with the real binary: the demo copied into PostgreSQL row for row
//! and byte for byte, a non-empty target refused, and then what the database enforces
//! on the copy: the append-only audit and each worker's reach by role and area.

use std::process::{Command, Output};

use caseload::store::sql::{Connection, Row, Value};

use crate::common::demo_store;
use crate::postgres::PgDatabase;

fn migrate(from: &std::path::Path, to: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["--today", "2026-11-23", "migrate", "--from"])
        .args([from.to_str().unwrap(), "--to", to])
        .output()
        .unwrap()
}

/// Every row of `table` on `db`, in the order of its first column (the id, or the key;
/// the test cluster sorts text byte by byte, as SQLite does).
fn rows(db: &Connection, table: &str) -> Vec<Vec<Value>> {
    db.query(&format!("SELECT * FROM \"{table}\" ORDER BY 1"), &[])
        .unwrap()
        .into_iter()
        .map(Row::into_values)
        .collect()
}

/// The demo, copied into a fresh PostgreSQL database by the binary (what it printed),
/// with the SQLite file it came from.
pub fn migrated_demo() -> Option<(PgDatabase, tempfile::TempDir, std::path::PathBuf, String)> {
    let pg = PgDatabase::create()?;
    let (dir, store) = demo_store();
    let path = store.path().to_path_buf();
    drop(store);
    let output = migrate(&path, &pg.url);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    Some((pg, dir, path, String::from_utf8(output.stdout).unwrap()))
}

#[test]
fn the_demo_is_copied_row_for_row_and_byte_for_byte() {
    let Some((pg, _dir, path, printed)) = migrated_demo() else {
        return;
    };
    let sqlite = Connection::sqlite(rusqlite::Connection::open(&path).unwrap());
    let postgres = pg.connect();
    let tables: Vec<String> = sqlite
        .query(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get("name").unwrap())
        .collect();
    assert!(tables.contains(&"audit".to_owned()));
    for table in &tables {
        if table == "area_count" {
            // Not copied: PostgreSQL's triggers count the rows copied, to the same
            // counts (SQLite's may keep rows counted down to nought).
            let counted = "SELECT * FROM area_count WHERE active <> 0 ORDER BY 1, 2, 3";
            let kept = postgres.query(counted, &[]).unwrap();
            assert!(!kept.is_empty());
            let sqlite_rows: Vec<Vec<Value>> = sqlite
                .query(counted, &[])
                .unwrap()
                .into_iter()
                .map(Row::into_values)
                .collect();
            assert_eq!(
                kept.into_iter().map(Row::into_values).collect::<Vec<_>>(),
                sqlite_rows
            );
            continue;
        }
        let copied = rows(&postgres, table);
        assert_eq!(copied, rows(&sqlite, table), "table {table}");
        let line = format!("  {table} ");
        let count = printed
            .lines()
            .find(|l| l.starts_with(&line))
            .unwrap_or_else(|| panic!("no count for {table} in:\n{printed}"));
        assert_eq!(
            count.split_whitespace().nth(1),
            Some(copied.len().to_string().as_str())
        );
    }
    assert!(
        printed.contains("Every table has the same number of rows in both"),
        "{printed}"
    );
    assert!(
        printed.contains(
            "The return is the same from both, for every area and each one: \
             2026-27:Q2; 2026-27:Q3; 01/04/1990 to 23/11/2026."
        ),
        "{printed}"
    );
    // The closing lines say what to do next, not that caseload stays on SQLite.
    assert!(
        printed.contains("Next: point caseload at it: --db postgres://")
            && printed.contains("CASELOAD_DB=postgres://")
            && printed.contains("db = \"postgres://")
            && printed.contains("is no longer written to"),
        "{printed}"
    );
    assert!(!printed.contains("still runs on SQLite"), "{printed}");
    // New rows are numbered after the copied ones.
    let next: i64 = postgres
        .query_row(
            "INSERT INTO area (name) VALUES ('Somewhere new') RETURNING id",
            &[],
        )
        .unwrap()
        .get("id")
        .unwrap();
    let highest: i64 = sqlite
        .query_row("SELECT max(id) AS id FROM area", &[])
        .unwrap()
        .get("id")
        .unwrap();
    assert_eq!(next, highest + 1);
}

#[test]
fn a_copy_whose_return_differs_is_refused_and_nothing_is_committed() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let (_dir, store) = demo_store();
    let path = store.path().to_path_buf();
    drop(store);
    // caseload's schema, with a trigger that moves every referral a year back as it is
    // copied: the counts still agree, the return does not.
    let owner = pg.connect();
    let tx = owner.transaction().unwrap();
    caseload::store::pg::migrate::migrate(&tx).unwrap();
    tx.commit().unwrap();
    owner
        .execute_batch(
            "CREATE FUNCTION a_year_back() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 NEW.referral_date := to_char(NEW.referral_date::date - 365, 'YYYY-MM-DD');
                 RETURN NEW;
             END $$;
             CREATE TRIGGER a_year_back BEFORE INSERT ON episode
                FOR EACH ROW EXECUTE FUNCTION a_year_back();",
        )
        .unwrap();
    let copy = migrate(&path, &pg.url);
    let stderr = String::from_utf8_lossy(&copy.stderr);
    assert_eq!(copy.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the return for 2026-27:Q2 (every area) computed from PostgreSQL differs")
            && stderr.contains("nothing was committed: keep using the file"),
        "{stderr}"
    );
    for table in ["client", "episode", "audit"] {
        assert_eq!(rows(&owner, table).len(), 0, "{table}");
    }
}

#[test]
fn a_database_already_holding_rows_is_refused_and_left_as_it_was() {
    let Some((pg, _dir, path, _)) = migrated_demo() else {
        return;
    };
    let before = rows(&pg.connect(), "audit").len();
    let again = migrate(&path, &pg.url);
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("already holds caseload rows") && stderr.contains("createdb"),
        "{stderr}"
    );
    assert_eq!(rows(&pg.connect(), "audit").len(), before);
}

/// Gives the first worker of `role` in the first area that has one the login `login`,
/// made a PostgreSQL role as `caseload migrate` makes them; their worker id and area.
pub fn log_in_as(owner: &Connection, role: &str, login: &str) -> (i64, i64) {
    let worker = owner
        .query_row(
            "SELECT id, area_id FROM worker WHERE role = ?1 AND area_id IS NOT NULL
              ORDER BY area_id, id LIMIT 1",
            &[Value::from(role)],
        )
        .unwrap();
    let (id, area): (i64, i64) = (worker.get("id").unwrap(), worker.get("area_id").unwrap());
    owner
        .execute(
            "UPDATE worker SET login = ?1 WHERE id = ?2",
            &[Value::from(login), Value::Integer(id)],
        )
        .unwrap();
    owner
        .query_row(
            "SELECT caseload_enrol(?1) AS created",
            &[Value::from(login)],
        )
        .unwrap();
    (id, area)
}

pub fn count(db: &Connection, sql: &str, params: &[Value]) -> i64 {
    db.query_row(sql, params).unwrap().get_at(0).unwrap()
}

#[test]
fn a_care_coordinator_reads_only_their_area_and_writes_only_what_their_role_allows() {
    let Some((pg, _dir, _path, _)) = migrated_demo() else {
        return;
    };
    let owner = pg.connect();
    let login = format!("cc_{}", std::process::id());
    let (me, area) = log_in_as(&owner, "care_coordinator", &login);
    let theirs = count(
        &owner,
        "SELECT count(*) FROM client WHERE area_id = ?1",
        &[Value::Integer(area)],
    );
    let elsewhere = count(
        &owner,
        "SELECT count(*) FROM client WHERE area_id <> ?1",
        &[Value::Integer(area)],
    );
    assert!(theirs > 0 && elsewhere > 0);
    let worker = Connection::postgres(&pg.url_as(&login)).unwrap();
    assert_eq!(count(&worker, "SELECT count(*) FROM client", &[]), theirs);
    assert_eq!(
        count(
            &worker,
            "SELECT count(*) FROM episode e JOIN client c ON c.id = e.client_id",
            &[]
        ),
        count(
            &owner,
            "SELECT count(*) FROM episode e JOIN client c ON c.id = e.client_id
              WHERE c.area_id = ?1",
            &[Value::Integer(area)]
        )
    );
    // Their own client: yes; a colleague's in the same area: silently not theirs to change.
    let own = worker.execute(
        "UPDATE client SET gp_practice = 'Surgery' WHERE care_coordinator_id = ?1",
        &[Value::Integer(me)],
    );
    assert!(own.unwrap() > 0);
    let colleagues = worker
        .execute(
            "UPDATE client SET gp_practice = 'Surgery'
              WHERE care_coordinator_id <> ?1 OR care_coordinator_id IS NULL",
            &[Value::Integer(me)],
        )
        .unwrap();
    assert_eq!(colleagues, 0);
    // A referral into another area is refused by the database.
    let other_area: i64 = count(
        &owner,
        "SELECT min(id) FROM area WHERE id <> ?1",
        &[Value::Integer(area)],
    );
    let refused = worker.execute(
        "INSERT INTO client (reference, given_name, family_name, date_of_birth, area_id)
         VALUES ('X-1', 'Ann', 'Elsewhere', '1980-01-01', ?1)",
        &[Value::Integer(other_area)],
    );
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("row-level security")
    );
    // Audit rows: added in their own name only, never changed or removed.
    let mine = worker.execute(
        "INSERT INTO audit (at, who, entity, row_id, action) VALUES ('2026-11-23 09:30', ?1, 'client', NULL, 'update')",
        &[Value::from(login.as_str())],
    );
    assert_eq!(mine.unwrap(), 1);
    let forged = worker.execute(
        "INSERT INTO audit (at, who, entity, row_id, action) VALUES ('2026-11-23 09:30', 'someone', 'client', NULL, 'update')",
        &[],
    );
    assert!(forged.is_err());
    for change in ["UPDATE audit SET who = 'x'", "DELETE FROM audit"] {
        let error = worker.execute(change, &[]).unwrap_err().to_string();
        assert!(error.contains("permission denied"), "{change}: {error}");
    }
    let error = owner
        .execute("DELETE FROM audit", &[])
        .unwrap_err()
        .to_string();
    assert!(error.contains("append-only"), "{error}");
}

#[test]
fn support_staff_record_contacts_in_their_area_but_change_no_record() {
    let Some((pg, _dir, _path, _)) = migrated_demo() else {
        return;
    };
    let owner = pg.connect();
    let login = format!("support_{}", std::process::id());
    let (me, area) = log_in_as(&owner, "support", &login);
    let client: i64 = count(
        &owner,
        "SELECT min(id) FROM client WHERE area_id = ?1",
        &[Value::Integer(area)],
    );
    let worker = Connection::postgres(&pg.url_as(&login)).unwrap();
    let contact = worker.execute(
        "INSERT INTO contact (client_id, worker_id, contact_at, kind) VALUES (?1, ?2, '2026-11-23 09:30', 'phone')",
        &[Value::Integer(client), Value::Integer(me)],
    );
    assert_eq!(contact.unwrap(), 1);
    let edited = worker
        .execute(
            "UPDATE client SET gp_practice = 'Surgery' WHERE id = ?1",
            &[Value::Integer(client)],
        )
        .unwrap();
    assert_eq!(edited, 0);
    let staff = worker.execute("UPDATE worker SET active = 0", &[]).unwrap();
    assert_eq!(staff, 0, "only admins change workers");
}

#[test]
fn a_role_that_may_not_create_roles_is_told_what_it_needs_and_nothing_is_made() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let (_dir, store) = demo_store();
    let path = store.path().to_path_buf();
    drop(store);
    let role = format!("plain_{}", std::process::id());
    let owner = pg.connect();
    owner
        .execute_batch(&format!(
            "CREATE ROLE {role} LOGIN; GRANT CREATE ON SCHEMA public TO {role}"
        ))
        .unwrap();
    let refused = migrate(&path, &pg.url_as(&role));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("ALTER ROLE {role} CREATEROLE")),
        "{stderr}"
    );
    let tables = owner
        .query_row(
            "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get::<i64>("n")
        .unwrap();
    assert_eq!(tables, 0);
    let unreachable = migrate(&path, "postgres://nobody@127.0.0.1:1/none");
    let stderr = String::from_utf8_lossy(&unreachable.stderr);
    assert!(stderr.contains("Connection refused"), "{stderr}");
}
