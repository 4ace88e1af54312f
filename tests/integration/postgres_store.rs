//! The store and the binary on a `postgres://` URL: chosen by `--db`, `CASELOAD_DB` or
//! `db =` like a file, opened with its schema checked, and every failure a sentence
//! (an unreachable server, a database without caseload, something not yet on
//! PostgreSQL, PostgreSQL's refusals) with no password and no driver text shown. The
//! parts that need no server always run; the rest with `CASELOAD_TEST_PG`.

use std::path::Path;
use std::process::{Command, Output};

use caseload::store::sql::{Connection, Value};
use caseload::store::{Access, Store, StoreError};

use crate::postgres::{PgDatabase, demo_on_postgres};

/// Nothing listens on port 1 of the loopback address.
const NOWHERE: &str = "postgres://ann:secret@127.0.0.1:1/team";

/// The binary run with `args` in a home of its own (no config, no `CASELOAD_DB`).
pub fn caseload(args: &[&str], home: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_caseload"));
    command
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("CASELOAD_SYSTEM_CONFIG", home.join("system.toml"))
        .env_remove("CASELOAD_DB");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

/// What `output` printed, stdout then stderr.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn info_names_a_postgres_url_from_each_place_it_may_come_from_without_its_password() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("system.toml"),
        format!("db = \"{NOWHERE}\"\n"),
    )
    .unwrap();
    for (args, env, chosen_by) in [
        (vec!["info", "--db", NOWHERE], vec![], "the --db option"),
        (
            vec!["info"],
            vec![("CASELOAD_DB", NOWHERE)],
            "the CASELOAD_DB environment variable",
        ),
        (vec!["info"], vec![], "`db` in the system config file"),
    ] {
        let output = caseload(&args, home.path(), &env);
        let printed = text(&output);
        assert!(output.status.success(), "{printed}");
        assert!(
            printed.contains("database:  postgres://ann@127.0.0.1:1/team (PostgreSQL)"),
            "{printed}"
        );
        assert!(
            printed.contains(&format!("chosen by: {chosen_by}")),
            "{printed}"
        );
        assert!(
            printed
                .contains("cannot reach the PostgreSQL server of postgres://ann@127.0.0.1:1/team"),
            "{printed}"
        );
        assert!(!printed.contains("secret"), "{printed}");
        assert!(!printed.contains("data dir"), "{printed}");
    }
}

#[test]
fn an_unreachable_server_is_a_sentence_with_no_password_and_no_driver_text() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec!["check", "--db", NOWHERE],
        vec!["report", "--db", NOWHERE, "--today", "2026-11-23"],
    ] {
        let output = caseload(&args, home.path(), &[]);
        let printed = text(&output);
        assert!(!output.status.success(), "{printed}");
        assert!(
            printed.contains("cannot reach the PostgreSQL server"),
            "{printed}"
        );
        assert!(!printed.contains("secret"), "{printed}");
        assert!(!printed.contains("os error"), "{printed}");
        assert!(!printed.contains("panicked"), "{printed}");
    }
}

#[test]
fn what_only_an_sqlite_file_has_says_so_on_a_postgres_url() {
    let home = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (
            vec!["doctor", "--db", NOWHERE],
            "caseload doctor works on an SQLite file only",
        ),
        (
            vec!["init", "--db", NOWHERE, "--group", "nosuchgroup"],
            "on PostgreSQL each worker connects as their own role instead: leave out --group",
        ),
    ] {
        let output = caseload(&args, home.path(), &[]);
        let printed = text(&output);
        assert!(!output.status.success(), "{printed}");
        assert!(printed.contains(expected), "{printed}");
        assert!(!printed.contains("panicked"), "{printed}");
    }
}

#[test]
fn a_database_without_caseload_is_refused_with_what_to_run() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let error = Store::open(Path::new(&pg.url), Access::ReadWrite).unwrap_err();
    let words = error.to_string();
    assert!(words.contains("holds no caseload database"), "{words}");
    assert!(words.contains("caseload migrate --from FILE"), "{words}");
}

#[test]
fn a_copied_team_opens_and_what_is_not_moved_yet_says_so() {
    let Some((pg, store)) = demo_on_postgres() else {
        return;
    };
    assert_eq!(
        store.location(),
        &caseload::store::Location::Postgres(pg.url.clone())
    );
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
    let backup = tempfile::tempdir().unwrap();
    let words = store
        .backup_until(
            &backup.path().join("copy.db"),
            &std::sync::atomic::AtomicBool::default(),
        )
        .unwrap_err()
        .to_string();
    assert!(words.contains("pg_dump"), "{words}");
    assert!(!backup.path().join("copy.db").exists());
    let readonly = Store::open(Path::new(&pg.url), Access::ReadOnly).unwrap();
    assert_eq!(readonly.access(), Access::ReadOnly);
}

/// `sql` on `db` as it fails, as the store words it.
fn refusal(db: &Connection, sql: &str, params: &[Value]) -> String {
    StoreError::from(db.execute(sql, params).unwrap_err()).to_string()
}

#[test]
fn postgres_refusals_are_the_sentences_sqlite_refusals_get() {
    let Some((pg, _store)) = demo_on_postgres() else {
        return;
    };
    let owner = pg.connect();
    let duplicate = refusal(
        &owner,
        "INSERT INTO drug_test (client_id, tested_on, kind, result)
         SELECT client_id, tested_on, kind, result FROM drug_test ORDER BY id LIMIT 1",
        &[],
    );
    assert_eq!(
        duplicate,
        "this drug test (same client, day, kind and result) is already recorded: nothing was saved"
    );
    let orphan = refusal(
        &owner,
        "INSERT INTO drug_test (client_id, tested_on, kind, result)
         VALUES (?1, '2026-11-23', 'treatment', 'negative')",
        &[Value::Integer(999_999)],
    );
    assert!(
        orphan.starts_with("this refers to a record that is no longer there"),
        "{orphan}"
    );
    let bad_date = refusal(
        &owner,
        "UPDATE drug_test SET tested_on = '23/11/2026' WHERE id = (SELECT min(id) FROM drug_test)",
        &[],
    );
    assert_eq!(
        bad_date,
        "the value given for tested on is not one this record accepts: nothing was saved; correct tested on and save again"
    );

    // A role that is no active worker may read and change nothing.
    owner
        .execute_batch("CREATE ROLE stranger LOGIN IN ROLE caseload_worker")
        .unwrap();
    let stranger = Connection::postgres(&pg.url_as("stranger")).unwrap();
    let refused = refusal(&stranger, "INSERT INTO area (name) VALUES ('Nowhere')", &[]);
    assert_eq!(
        refused,
        "the database does not let your PostgreSQL role do this (it limits each worker to their role and area); nothing was saved"
    );
    stranger
        .execute_batch("SET default_transaction_read_only = on")
        .unwrap();
    let read_only = refusal(&stranger, "INSERT INTO area (name) VALUES ('Nowhere')", &[]);
    assert!(
        read_only.starts_with("this session is read-only"),
        "{read_only}"
    );
}
