//! The store's reads give the same answers on PostgreSQL as on SQLite: the commands
//! that read (`report`, `tally`'s area look-up) through the real binary, and the lists
//! whose order is text order, in a database whose collation orders text otherwise.
//! Runs with `CASELOAD_TEST_PG` (`scripts/pg-test.sh`).

use std::path::Path;
use std::process::{Command, Output};

use caseload::domain::model::Role;
use caseload::store::{NewArea, NewWorker, Origin, Store};

use crate::common::{actor, as_login, demo_store, empty_store};
use crate::postgres::{PgDatabase, copied, copied_into};

/// The binary on `db` (a path or a URL) on the test day, with no config files.
fn caseload(db: &str, config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caseload"))
        .env("XDG_CONFIG_HOME", config.join("config"))
        .env("CASELOAD_SYSTEM_CONFIG", config.join("system.toml"))
        .env_remove("CASELOAD_DB")
        .args(["--db", db, "--today", "2026-11-23"])
        .args(args)
        .output()
        .unwrap()
}

/// Its exit code, standard output and standard error.
fn said(output: Output) -> (Option<i32>, String, String) {
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn report_and_tally_print_the_same_on_postgres_as_on_sqlite() {
    // The tally is written as the one running the test, as the demo's team leader.
    let (dir, store, area) = crate::locks::demo_for_me();
    let file = store.path().to_str().unwrap().to_owned();
    let Some((pg, on_postgres)) = copied(store) else {
        return;
    };
    drop(on_postgres);
    let config = dir.path();
    // What both print, the same on both: standard output, or the refusal.
    let both = |args: &[&str]| -> String {
        let sqlite = said(caseload(&file, config, args));
        let postgres = said(caseload(&pg.url, config, args));
        assert_eq!(postgres, sqlite, "{args:?}");
        match sqlite {
            (Some(0), out, _) => out,
            (_, _, err) => err,
        }
    };
    let quarter = ["report", "--quarter", "2026-27:Q2"];
    let json = [&quarter[..], &["--format", "json"]].concat();
    let before = both(&json);
    both(&quarter);
    both(&[&quarter[..], &["--area", &area]].concat());

    let tally = [
        "tally",
        "--area",
        &area.to_uppercase(),
        "--date",
        "2026-09-14",
        "--charged",
        "9",
        "--tested",
        "7",
        "--positive",
        "3",
    ];
    // The demo has tallied that day already.
    let refused = both(&tally);
    assert!(
        refused.contains("already has a custody-suite tally for 14/09/2026"),
        "{refused}"
    );
    let replaced = both(&[&tally[..], &["--replace"]].concat());
    assert!(replaced.starts_with("Replaced 2 charged"), "{replaced}");
    assert!(
        replaced.ends_with(" with 9 charged, 7 tested, 3 positive.\n"),
        "{replaced}"
    );
    let after = both(&json);
    assert_ne!(after, before, "the tally is in the return on both");
}

/// A store with areas and workers whose names sort differently by bytes, ignoring
/// ASCII case, and by a language's rules.
fn names_in_every_order() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = empty_store();
    store
        .generate(&actor(), Origin::Synthetic("fixture"), |tx| {
            for name in ["Zed Vale", "abbey", "Éast", "Fen", "_Depot", "bank"] {
                let area = tx.insert_area(&NewArea {
                    name: name.to_owned(),
                    intensive: false,
                })?;
                tx.insert_worker(&NewWorker {
                    name: name.to_owned(),
                    login: Some(format!("w{area}")),
                    role: Role::CareCoordinator,
                    area_id: Some(area),
                })?;
            }
            Ok(())
        })
        .unwrap();
    (dir, store)
}

#[test]
fn areas_and_workers_come_in_sqlites_order_whatever_the_databases_collation() {
    let (_dir, on_sqlite) = names_in_every_order();
    let areas = |store: &Store| -> Vec<String> {
        store.areas().unwrap().into_iter().map(|a| a.name).collect()
    };
    let workers = |store: &Store| -> Vec<String> {
        store
            .workers()
            .unwrap()
            .into_iter()
            .map(|w| w.name)
            .collect()
    };
    // SQLite's orders: areas ignoring ASCII case, workers byte for byte.
    assert_eq!(
        areas(&on_sqlite),
        ["_Depot", "abbey", "bank", "Fen", "Zed Vale", "Éast"]
    );
    assert_eq!(
        workers(&on_sqlite),
        ["Fen", "Zed Vale", "_Depot", "abbey", "bank", "Éast"]
    );
    let expected = (areas(&on_sqlite), workers(&on_sqlite));
    // English rules would put "abbey" before "Éast" before "Fen" before "Zed Vale".
    let Some(pg) = PgDatabase::create_with(
        "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-GB' LOCALE 'C.UTF-8'",
    ) else {
        return;
    };
    let (_pg, on_postgres) = copied_into(pg, on_sqlite);
    assert_eq!((areas(&on_postgres), workers(&on_postgres)), expected);
    let login = on_postgres.workers().unwrap()[0].login.clone().unwrap();
    assert_eq!(
        on_postgres.worker_by_login(&login).unwrap().unwrap().name,
        "Fen"
    );
    assert_eq!(on_postgres.worker_by_login("nobody").unwrap(), None);
}

#[test]
fn the_views_read_the_same_rows_on_postgres_as_on_sqlite() {
    let Some((_pg, on_postgres)) = crate::postgres::demo_on_postgres() else {
        return;
    };
    let (_dir, on_sqlite) = demo_store();
    let caseload = on_sqlite.caseload(None, None, &[]).unwrap();
    assert_eq!(on_postgres.caseload(None, None, &[]).unwrap(), caseload);
    let held = caseload.iter().find_map(|r| r.care_coordinator_id).unwrap();
    let area = caseload[0].area_id;
    for limits in [
        (Some(area), None),
        (None, Some(held)),
        (Some(area), Some(held)),
    ] {
        let rows = on_sqlite.caseload(limits.0, limits.1, &[]).unwrap();
        assert!(
            !rows.is_empty() && rows.len() < caseload.len(),
            "{limits:?}"
        );
        assert_eq!(on_postgres.caseload(limits.0, limits.1, &[]).unwrap(), rows);
    }
    // The demo has custody rows and contacts (its orders are in the next test).
    assert!(caseload.iter().any(|r| r.custody.is_some()));
    assert!(caseload.iter().any(|r| r.last_contact.is_some()));

    for outstanding in [true, false] {
        let breaches = on_sqlite.breaches(outstanding).unwrap();
        assert!(!breaches.is_empty());
        assert_eq!(on_postgres.breaches(outstanding).unwrap(), breaches);
    }
    let releases = on_sqlite.releases().unwrap();
    assert!(!releases.is_empty());
    assert_eq!(on_postgres.releases().unwrap(), releases);
    assert_eq!(
        on_postgres.open_breaches().unwrap(),
        on_sqlite.open_breaches().unwrap()
    );

    // Every client's record: orders, custody, breaches, contacts, audit rows.
    for row in &caseload {
        let record = on_sqlite.client_record(row.client_id).unwrap();
        assert_eq!(on_postgres.client_record(row.client_id).unwrap(), record);
    }
    let reference = caseload[7].label.reference().to_lowercase();
    assert_eq!(
        on_postgres.client_id_by_reference(&reference).unwrap(),
        Some(caseload[7].client_id)
    );
    assert_eq!(on_postgres.client_id_by_reference("no such").unwrap(), None);
    assert!(matches!(
        on_postgres.client_record(-1),
        Err(caseload::store::StoreError::NotFound { .. })
    ));
}

#[test]
fn an_order_and_its_review_are_recorded_and_read_back_alike_on_both_engines() {
    use caseload::store::Change;

    let (_dir, store, team) = crate::common::team_store();
    let (_copy_dir, copy, _) = crate::common::team_store();
    let Some((_pg, mut on_postgres)) = copied(copy) else {
        return;
    };
    let mut on_sqlite = store;
    let mut records = Vec::new();
    for store in [&mut on_sqlite, &mut on_postgres] {
        let lead = as_login("lead");
        store
            .apply(&lead, &crate::court_orders::community_order(team.c1))
            .unwrap();
        store
            .apply(
                &lead,
                &Change::AddReview {
                    client_id: team.c1,
                    on: crate::common::date("2026-12-01"),
                },
            )
            .unwrap();
        let again = store
            .apply(&lead, &crate::court_orders::community_order(team.c1))
            .unwrap_err();
        assert!(
            again.to_string().contains("already has a court order"),
            "{again}"
        );
        let rows = store.caseload(None, None, &[]).unwrap();
        records.push((store.client_record(team.c1).unwrap(), rows));
    }
    let (record, rows) = &records[0];
    assert_eq!(record.orders.len(), 1);
    assert_eq!(record.orders[0].reviews.len(), 1);
    let c1 = rows.iter().find(|r| r.client_id == team.c1).unwrap();
    assert_eq!(c1.order.as_ref().unwrap().reviews.len(), 1);
    assert_eq!(records[1], records[0]);
}
