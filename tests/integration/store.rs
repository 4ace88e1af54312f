//! Storage: creation, refusal of bad files, transactions, schema.
//!
//! The tests of what the store does (transactions, the schema's refusals, the audit
//! log, the reads) run on every engine ([`on_each_engine`]). SQLite-only, because they
//! are about the file itself and PostgreSQL has no such thing: the file's mode (0600,
//! world-readable, read-only files), the WAL journal mode, `user_version` and the
//! schema read back from `sqlite_master`, files that are not SQLite or not ours, a
//! missing directory and refusing to overwrite a file (PostgreSQL's counterparts of the
//! last ones are in `postgres_store` and `postgres_init`).

use std::os::unix::fs::PermissionsExt;

use caseload::domain::model::{ReferralSource, Role};
use caseload::store::{Access, NewArea, NewEpisode, NewWorker, Store, StoreError, migrate};
use rusqlite::Connection;

use crate::common::{TestDb, actor, demo_store, empty_store, on_each_engine, today};

fn schema_of(conn: &Connection) -> Vec<(String, String, String)> {
    let mut stmt = conn
        .prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_new_database_is_readable_only_by_its_owner() {
    let (dir, store) = empty_store();
    let mode = std::fs::metadata(store.path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    drop(dir);
}

#[test]
fn migrated_schema_equals_schema_sql() {
    let (_dir, store) = empty_store();
    let migrated = Connection::open(store.path()).unwrap();
    let reference = Connection::open_in_memory().unwrap();
    reference.execute_batch(migrate::SCHEMA).unwrap();
    assert_eq!(schema_of(&migrated), schema_of(&reference));
    let version: i64 = migrated
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, migrate::current_version());
}

#[test]
fn pragmas_are_set_on_open() {
    let (_dir, store) = empty_store();
    let conn = Connection::open(store.path()).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn foreign_keys_are_enforced() {
    on_each_engine(|engine| {
        let (_db, mut store) = TestDb::empty(engine);
        let result = store.generate(
            &actor(),
            caseload::store::Origin::Synthetic("fixture"),
            |tx| {
                tx.insert_worker(&NewWorker {
                    name: "Nobody".into(),
                    login: None,
                    role: Role::Support,
                    area_id: Some(999),
                })
            },
        );
        let words = result.unwrap_err().to_string();
        assert!(
            words.starts_with("this refers to a record that is no longer there"),
            "{words}"
        );
        assert!(store.workers().unwrap().is_empty());
    });
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    on_each_engine(|engine| {
        let (db, mut store) = TestDb::empty(engine);
        let result = store.generate(
            &actor(),
            caseload::store::Origin::Synthetic("areas"),
            |tx| {
                tx.insert_area(&NewArea {
                    name: "Newport".into(),
                    intensive: true,
                })?;
                // Second area with the same name (ignoring case) violates UNIQUE.
                tx.insert_area(&NewArea {
                    name: "NEWPORT".into(),
                    intensive: false,
                })
            },
        );
        assert!(result.is_err());
        assert!(store.areas().unwrap().is_empty());
        assert_eq!(db.value::<i64>("SELECT count(*) AS v FROM audit"), 0);
    });
}

#[test]
fn impossible_dates_are_refused_by_the_schema() {
    on_each_engine(|engine| {
        let (db, mut store) = TestDb::demo(engine);
        let result = store.generate(
            &actor(),
            caseload::store::Origin::Synthetic("fixture"),
            |tx| {
                tx.insert_episode(&NewEpisode {
                    client_id: 1,
                    referral_date: today(),
                    referral_source: ReferralSource::Police,
                    assessment_date: None,
                    care_plan_date: None,
                    next_review_date: None,
                    engaged: false,
                    prescribed: false,
                    tier: 7,
                    exit_plan: None,
                    extension: None,
                    closure: None,
                })
            },
        );
        assert!(
            result.is_err(),
            "tier 7 and a second open episode must be refused"
        );
        let bad = db.raw().execute(
            "UPDATE client SET date_of_birth = '1990-02-31' WHERE id = 1",
            &[],
        );
        assert!(bad.is_err(), "31 February must be refused");
    });
}

#[test]
fn audit_rows_cannot_be_changed_or_deleted() {
    on_each_engine(|engine| {
        let (db, _store) = TestDb::demo(engine);
        let conn = db.raw();
        let update = conn
            .execute("UPDATE audit SET who = 'someone else'", &[])
            .unwrap_err();
        assert!(update.to_string().contains("append-only"), "{update}");
        let delete = conn.execute("DELETE FROM audit", &[]).unwrap_err();
        assert!(delete.to_string().contains("append-only"), "{delete}");
    });
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    let content = b"this is a shopping list, not a database\n".repeat(100);
    std::fs::write(&path, &content).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let error = Store::open(&path, Access::ReadWrite).unwrap_err();
    assert!(matches!(error, StoreError::NotSqlite(_)), "{error:?}");
    assert!(error.to_string().contains("is not an SQLite database"));
    assert_eq!(std::fs::read(&path).unwrap(), content);
}

#[test]
fn another_applications_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let error = Store::open(&path, Access::ReadWrite).unwrap_err();
    assert!(matches!(error, StoreError::NotCaseload(_)), "{error:?}");
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let (_dir, store) = empty_store();
    let path = store.path().to_path_buf();
    drop(store);
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let error = Store::open(&path, Access::ReadWrite).unwrap_err();
    assert!(
        error.to_string().contains("newer caseload (schema 99"),
        "{error}"
    );
}

#[test]
fn a_world_readable_database_is_refused_with_the_fix() {
    let (_dir, store) = empty_store();
    let path = store.path().to_path_buf();
    drop(store);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let error = Store::open(&path, Access::ReadOnly).unwrap_err();
    assert!(error.to_string().contains("chmod 600"), "{error}");
}

#[test]
fn a_read_only_file_needs_the_readonly_flag() {
    let (_dir, store) = demo_store();
    let path = store.path().to_path_buf();
    drop(store);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
    let error = Store::open(&path, Access::ReadWrite).unwrap_err();
    assert!(error.to_string().contains("--readonly"), "{error}");
    let mut readonly = Store::open(&path, Access::ReadOnly).unwrap();
    assert_eq!(readonly.areas().unwrap().len(), 5);
    let write = readonly.generate(
        &actor(),
        caseload::store::Origin::Synthetic("x"),
        |_| Ok(()),
    );
    assert!(matches!(write, Err(StoreError::ReadOnlySession)));
}

#[test]
fn a_missing_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/caseload.db");
    let error = Store::create(&path).unwrap_err();
    assert!(
        matches!(error, StoreError::MissingDirectory(_)),
        "{error:?}"
    );
    let error = Store::open(&path, Access::ReadWrite).unwrap_err();
    assert!(error.to_string().contains("mkdir -p"), "{error}");
}

#[test]
fn create_refuses_to_overwrite_an_existing_file() {
    let (_dir, store) = demo_store();
    let error = Store::create(store.path()).unwrap_err();
    assert!(matches!(error, StoreError::AlreadyExists(_)), "{error:?}");
    assert_eq!(
        store.areas().unwrap().len(),
        5,
        "the existing file is untouched"
    );
}

#[test]
fn demo_database_passes_the_checks() {
    on_each_engine(|engine| {
        let (_db, store) = TestDb::demo(engine);
        assert_eq!(store.check().unwrap(), Vec::<String>::new());
    });
}

#[test]
fn area_summaries_match_the_caseload_rows() {
    use caseload::domain::clock::ClockStart;
    on_each_engine(|engine| {
        let (_db, store) = TestDb::demo(engine);
        for rule in [ClockStart::CarePlan, ClockStart::Assessment] {
            area_summaries_match_under(&store, rule);
        }
        // The rule matters on the demo: some client reaches day 91 sooner from the DIR.
        let past = |rule| {
            store
                .area_summaries(today(), rule)
                .unwrap()
                .iter()
                .map(|s| s.at_or_past_13_weeks)
                .sum::<usize>()
        };
        assert!(past(ClockStart::Assessment) > past(ClockStart::CarePlan));
    });
}

fn area_summaries_match_under(store: &Store, rule: caseload::domain::clock::ClockStart) {
    let summaries = store.area_summaries(today(), rule).unwrap();
    assert_eq!(summaries.len(), 5);
    for s in &summaries {
        let rows = store.caseload(Some(s.area.id), None, &[]).unwrap();
        assert_eq!(s.active, rows.len(), "{}", s.area.name);
        assert_eq!(s.iom, rows.iter().filter(|r| r.flags.iom).count());
        assert_eq!(s.ppo, rows.iter().filter(|r| r.flags.ppo).count());
        assert_eq!(
            s.in_custody,
            rows.iter().filter(|r| r.custody.is_some()).count()
        );
        assert_eq!(
            s.ppo_in_custody,
            rows.iter()
                .filter(|r| r.flags.ppo && r.custody.is_some())
                .count()
        );
        let past = rows
            .iter()
            .filter(|r| {
                r.episode
                    .clock_start(rule)
                    .is_some_and(|d| caseload::domain::clock::at_or_past_benchmark(d, today()))
            })
            .count();
        assert_eq!(s.at_or_past_13_weeks, past);
    }
    assert!(
        summaries.iter().any(|s| s.ppo_in_custody > 0),
        "the demo has PPOs in custody"
    );
}

#[test]
fn the_caseload_comes_in_sqlites_nocase_name_order_with_the_last_real_contact() {
    on_each_engine(|engine| {
        use caseload::domain::model::ContactKind;
        use caseload::store::NewContact;
        let (_db, mut store) = TestDb::empty(engine);
        let names = [
            ("Smith", "Al"),
            ("smith jones", "Bo"),
            ("SMITH-Jones", "Cy"),
            ("Smith", "al"),
            ("Émile", "Di"),
            ("Zed", "Ed"),
            ("smith", "Aaron"),
        ];
        store
            .generate(
                &actor(),
                caseload::store::Origin::Synthetic("fixture"),
                |tx| {
                    let area = tx.insert_area(&caseload::store::NewArea {
                        name: "Northtown".into(),
                        intensive: false,
                    })?;
                    for (i, (family, given)) in names.iter().enumerate() {
                        let mut client =
                            crate::common::new_client(&format!("C-{i}"), given, area, None);
                        client.family_name = (*family).to_owned();
                        // Case variants of one name: born on different days, so not twins.
                        client.date_of_birth =
                            client.date_of_birth - chrono::Days::new(i.try_into().unwrap());
                        let id = tx.insert_client(&client)?;
                        tx.insert_episode(&NewEpisode::referral(
                            id,
                            crate::common::date("2026-11-01"),
                            ReferralSource::Police,
                        ))?;
                        for (at, kind) in [
                            ("2026-11-10 10:00", ContactKind::Phone),
                            ("2026-11-20 10:00", ContactKind::DidNotAttend),
                        ] {
                            tx.insert_contact(&NewContact {
                                client_id: id,
                                worker_id: tx.insert_worker(&NewWorker {
                                    name: format!("Worker {i} {at}"),
                                    login: None,
                                    role: Role::CareCoordinator,
                                    area_id: Some(area),
                                })?,
                                contact_at: crate::common::at(at),
                                kind,
                                note: String::new(),
                            })?;
                        }
                    }
                    Ok(())
                },
            )
            .unwrap();
        let rows = store.caseload(None, None, &[]).unwrap();
        // SQLite's `ORDER BY family_name COLLATE NOCASE, given_name COLLATE NOCASE, id`:
        // ASCII letters fold, others (É) do not and sort by their bytes, after "z".
        let sqlite_order = [
            "smith, Aaron",
            "Smith, Al",
            "Smith, al",
            "smith jones, Bo",
            "SMITH-Jones, Cy",
            "Zed, Ed",
            "Émile, Di",
        ];
        let ours: Vec<&str> = rows.iter().map(|r| r.display_name()).collect();
        assert_eq!(ours, sqlite_order);
        assert!(
            rows.iter()
                .all(|r| r.last_contact == Some(crate::common::date("2026-11-10"))),
            "a did-not-attend is not a contact"
        );
    });
}

#[test]
fn taking_a_login_from_another_worker_audits_both_workers() {
    on_each_engine(|engine| {
        let (db, mut store) = TestDb::empty(engine);
        let worker = |name: &str, login: Option<&str>| NewWorker {
            name: name.into(),
            login: login.map(str::to_owned),
            role: Role::CareCoordinator,
            area_id: None,
        };
        let (had, gets) = store
            .generate(
                &actor(),
                caseload::store::Origin::Synthetic("fixture"),
                |tx| {
                    Ok((
                        tx.insert_worker(&worker("Had It", Some("shared")))?,
                        tx.insert_worker(&worker("Gets It", None))?,
                    ))
                },
            )
            .unwrap();
        store.assign_login(&actor(), gets, "shared").unwrap();
        let logins: Vec<(i64, Option<String>)> =
            db.pairs("SELECT id AS a, login AS b FROM worker ORDER BY id");
        assert_eq!(logins, [(had, None), (gets, Some("shared".to_owned()))]);
        let audited: Vec<(i64, String)> = db.pairs(
        "SELECT row_id AS a, after AS b FROM audit WHERE entity = 'worker' AND action = 'update' ORDER BY id",
    );
        assert_eq!(
            audited,
            [
                (had, r#"{"login":null}"#.to_owned()),
                (gets, r#"{"login":"shared"}"#.to_owned())
            ]
        );
    });
}
