//! The PostgreSQL migration set in step with SQLite's: the same tables and columns at
//! the same version, the same dates refused, and a database that is not caseload's (or
//! is newer) refused.

use caseload::store::Store;
use caseload::store::pg::migrate;
use caseload::store::sql::{Connection, Value};

use crate::postgres::PgDatabase;

/// A column: its name, its type as SQLite declares it, and whether it is NOT NULL.
type Column = (String, String, bool);

/// Each table's name and columns, in order.
type Tables = Vec<(String, Vec<Column>)>;

/// The tables and their columns of a new SQLite file.
fn sqlite_columns() -> Tables {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::create(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .into_iter()
        .map(|table| {
            let columns = conn
                .prepare(
                    "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid",
                )
                .unwrap()
                .query_map([&table], |r| {
                    let declared: String = r.get("type")?;
                    let not_null = r.get::<_, bool>("notnull")? || r.get::<_, i64>("pk")? > 0;
                    Ok((r.get("name")?, declared.to_lowercase(), not_null))
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            (table, columns)
        })
        .collect()
}

/// The same, from PostgreSQL's information schema (SQLite's INTEGER is `bigint` there).
fn postgres_columns(db: &Connection) -> Tables {
    let rows = db
        .query(
            "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS ty,
                    is_nullable::text AS nullable
               FROM information_schema.columns
              WHERE table_schema = 'public' AND table_name <> 'schema_version'
              ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap();
    let mut tables: Tables = Vec::new();
    for row in rows {
        let table: String = row.get("t").unwrap();
        let ty: String = row.get("ty").unwrap();
        let column = (
            row.get("c").unwrap(),
            if ty == "bigint" {
                "integer".to_owned()
            } else {
                ty
            },
            row.get::<String>("nullable").unwrap() == "NO",
        );
        match tables.last_mut() {
            Some((last, columns)) if *last == table => columns.push(column),
            _ => tables.push((table, vec![column])),
        }
    }
    tables
}

/// A fresh test database with caseload's schema, and a connection to it; `None`
/// without a test cluster.
pub fn migrated() -> Option<(PgDatabase, Connection)> {
    let pg = PgDatabase::create()?;
    let db = pg.connect();
    let tx = db.transaction().unwrap();
    migrate::migrate(&tx).unwrap();
    tx.commit().unwrap();
    Some((pg, db))
}

#[test]
fn both_migration_sets_make_the_same_tables_and_columns_at_the_same_version() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let db = pg.connect();
    let tx = db.transaction().unwrap();
    assert_eq!(migrate::migrate(&tx).unwrap(), migrate::Migrated::Created);
    tx.commit().unwrap();
    assert_eq!(postgres_columns(&db), sqlite_columns());
    let version: i64 = db
        .query_row("SELECT version FROM schema_version", &[])
        .unwrap()
        .get("version")
        .unwrap();
    assert_eq!(version, caseload::store::migrate::current_version());
    let tx = db.transaction().unwrap();
    assert_eq!(migrate::migrate(&tx).unwrap(), migrate::Migrated::Current);
}

#[test]
fn dates_and_times_are_refused_as_sqlite_refuses_them() {
    let Some((_pg, db)) = migrated() else {
        return;
    };
    db.execute_batch("INSERT INTO area (id, name) VALUES (1, 'North')")
        .unwrap();
    let add = |born: &str| {
        db.execute(
            "INSERT INTO client (reference, given_name, family_name, date_of_birth, area_id)
             VALUES (?1, 'Ann', 'Example', ?2, 1)",
            &[Value::from(format!("R-{born}")), Value::from(born)],
        )
    };
    assert!(add("1980-02-29").is_ok());
    for bad in [
        "1981-02-29",
        "1980-2-01",
        "01/02/1980",
        "1980-02-01 10:00",
        "",
    ] {
        assert!(add(bad).is_err(), "{bad:?} was stored");
    }
    let area = db.execute("INSERT INTO area (name) VALUES ('NORTH')", &[]);
    assert!(area.is_err(), "area names are unique ignoring case");
}

#[test]
fn a_newer_or_foreign_postgres_database_is_refused() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let db = pg.connect();
    db.execute_batch("CREATE TABLE payroll (id bigint)")
        .unwrap();
    let tx = db.transaction().unwrap();
    let error = migrate::migrate(&tx).unwrap_err().to_string();
    assert!(error.contains("not caseload's"), "{error}");
    drop(tx);
    db.execute_batch("DROP TABLE payroll").unwrap();
    let tx = db.transaction().unwrap();
    migrate::migrate(&tx).unwrap();
    tx.commit().unwrap();
    db.execute_batch("UPDATE schema_version SET version = version + 1")
        .unwrap();
    let tx = db.transaction().unwrap();
    let error = migrate::migrate(&tx).unwrap_err().to_string();
    assert!(error.contains("newer than this caseload knows"), "{error}");
}

/// The names of the indexes a new SQLite file's schema creates (not those SQLite makes
/// for UNIQUE and PRIMARY KEY constraints by itself).
fn sqlite_indexes() -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::create(&path).unwrap());
    let conn = Connection::sqlite(rusqlite::Connection::open(&path).unwrap());
    conn.query(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| r.get("name").unwrap())
    .collect()
}

#[test]
fn both_sets_make_the_same_indexes_and_every_postgres_table_has_row_security() {
    let Some((_pg, db)) = migrated() else {
        return;
    };
    // The natural keys above all: an import relies on them to store a row once.
    let postgres: Vec<String> = db
        .query(
            "SELECT indexname::text AS name FROM pg_indexes i
              WHERE schemaname = 'public' AND indexname <> 'area_name'
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
              ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get("name").unwrap())
        .collect();
    assert_eq!(postgres, sqlite_indexes());
    // A table added by a later step must get its policies (store/pg/security.sql shows how).
    let unguarded: Vec<String> = db
        .query(
            "SELECT relname::text AS name FROM pg_class
              WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
                AND NOT relrowsecurity AND relname NOT IN ('meta', 'schema_version')
              ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get("name").unwrap())
        .collect();
    assert_eq!(
        unguarded,
        Vec::<String>::new(),
        "tables without row-level security"
    );
    let writable: i64 = db
        .query_row(
            "SELECT count(*) AS n FROM information_schema.role_table_grants
              WHERE grantee = 'caseload_worker' AND table_name IN ('audit', 'access_log')
                AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')",
            &[],
        )
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(writable, 0, "workers may change the append-only tables");
}
