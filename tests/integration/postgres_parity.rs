//! The same data gives the same answers on PostgreSQL as on SQLite: the standard demo,
//! copied into a fresh PostgreSQL database, read back through the store on both
//! engines. Runs with `CASELOAD_TEST_PG` (`scripts/pg-test.sh`).

use clap::ValueEnum as _;

use caseload::store::ExportKind;

use crate::postgres::demo_on_postgres;

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
