//! The same data gives the same answers on PostgreSQL as on SQLite: the standard demo,
//! copied into a fresh PostgreSQL database, read back through the store on both
//! engines, and written by `caseload export`. Runs with `CASELOAD_TEST_PG`
//! (`scripts/pg-test.sh`).

use clap::ValueEnum as _;

use caseload::store::ExportKind;

use crate::postgres::demo_on_postgres;
use crate::postgres_store::{caseload, text};

#[test]
fn every_export_has_the_same_rows_in_the_same_order_on_both_engines() {
    let Some((_pg, on_postgres)) = demo_on_postgres() else {
        return;
    };
    let (_dir, on_sqlite) = crate::common::demo_store();
    let today = crate::common::today();
    for &kind in ExportKind::value_variants() {
        let sqlite = on_sqlite.export_table(kind, today).unwrap();
        let postgres = on_postgres
            .export_table(kind, today)
            .unwrap_or_else(|e| panic!("{kind:?} on PostgreSQL: {e}"));
        assert_eq!(postgres, sqlite, "{kind:?}");
        assert_eq!(
            on_postgres.export_count(kind, today).unwrap(),
            sqlite.rows.len(),
            "{kind:?}"
        );
    }
    // The demo has rows in the exports that compare with today.
    let breaches = on_sqlite.export_table(ExportKind::Breaches, today).unwrap();
    assert!(!breaches.rows.is_empty());
}

/// `cell` of every row of an access-log export blanked: the time each export was
/// logged (the clock's real time of day, which `--today` leaves alone).
fn without_times(kind: ExportKind, format: &str, bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    if kind != ExportKind::Access {
        return text;
    }
    if format == "json" {
        let mut rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        for row in &mut rows {
            row["at"] = "".into();
        }
        return serde_json::to_string(&rows).unwrap();
    }
    // The id and the time come first and hold no comma.
    text.lines()
        .map(|line| {
            let mut cells = line.splitn(3, ',').collect::<Vec<_>>();
            cells[1] = "";
            cells.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn caseload_export_writes_the_same_bytes_on_both_engines() {
    let (dir, store, _area) = crate::locks::demo_for_me();
    let file = store.path().to_str().unwrap().to_owned();
    let Some((pg, on_postgres)) = crate::postgres::copied(store) else {
        return;
    };
    drop(on_postgres);
    let home = tempfile::tempdir().unwrap();
    let export = |db: &str, args: &[&str]| {
        let mut all = vec!["--db", db, "--today", "2026-11-23", "export"];
        all.extend(args);
        let output = caseload(&all, home.path(), &[]);
        assert!(
            output.status.success(),
            "{args:?} on {db}: {}",
            text(&output)
        );
        output.stdout
    };
    for &kind in ExportKind::value_variants() {
        let name = kind.to_possible_value().unwrap().get_name().to_owned();
        for format in ["csv", "json"] {
            let args = [name.as_str(), "--format", format];
            let sqlite = export(&file, &args);
            let postgres = export(&pg.url, &args);
            assert!(!sqlite.is_empty(), "{name} {format}");
            assert_eq!(
                without_times(kind, format, &postgres),
                without_times(kind, format, &sqlite),
                "{name} as {format}"
            );
        }
    }
    // Redacted, and to a file (kept to its owner, as a new database file would be).
    let redacted = ["caseload", "--redact"];
    assert_eq!(export(&pg.url, &redacted), export(&file, &redacted));
    let written = dir.path().join("breaches.csv");
    let to_file = ["breaches", "--output", written.to_str().unwrap()];
    assert!(export(&pg.url, &to_file).is_empty());
    assert_eq!(
        std::fs::read(&written).unwrap(),
        export(&file, &["breaches"])
    );
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&written).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
}
