//! Import of court orders and licences through the real binary: created once, the
//! dry run writes nothing, refused rows named by line and column with nothing
//! written, a stored order never changed by an import.

use caseload::domain::model::Role;

use crate::import_facts::{database, import, rows};

const ORDERS: &str =
    "client_reference,kind,court,start_date,end_date,early_end_date,late_end_date,ended_on
C-1,atr,Newport Magistrates' Court,01/02/2026,31/07/2026,,,31/07/2026
C-1,DRR (high intensity),Cardiff Crown Court,2026-06-01,2026-12-05,,2027-03-01,
";

#[test]
fn orders_are_created_once_and_the_dry_run_writes_nothing() {
    let (_dir, db) = database(Role::CareCoordinator);
    let stored = "SELECT kind || ' ' || start_date || ' ' || end_date || ' '
                         || coalesce(late_end_date, '-') || ' ' || coalesce(ended_on, 'in force')
                    FROM court_order ORDER BY start_date";
    let (ok, text) = import(&db, "orders", ORDERS, false);
    assert!(ok, "{text}");
    assert!(
        text.starts_with("2 would be created, 0 unchanged"),
        "{text}"
    );
    assert!(rows(&db, stored).is_empty(), "the dry run wrote nothing");

    let (ok, text) = import(&db, "orders", ORDERS, true);
    assert!(ok, "{text}");
    assert!(text.starts_with("2 created, 0 unchanged"), "{text}");
    assert_eq!(
        rows(&db, stored),
        [
            "atr 2026-02-01 2026-07-31 - 2026-07-31",
            "drr_high 2026-06-01 2026-12-05 2027-03-01 in force",
        ]
    );
    let flags = "SELECT drr || ' ' || atr FROM client WHERE reference = 'C-1'";
    assert_eq!(
        rows(&db, flags),
        ["1 0"],
        "the DRR in force sets its flag; the ended ATR not"
    );
    let audit =
        "SELECT action || ' ' || entity FROM audit WHERE entity IN ('court_order', 'client')
                  ORDER BY id";
    assert_eq!(
        rows(&db, audit),
        ["import court_order", "import court_order", "update client"]
    );

    let (ok, text) = import(&db, "orders", ORDERS, true);
    assert!(ok, "{text}");
    assert!(text.starts_with("0 created, 2 unchanged"), "{text}");
    assert_eq!(rows(&db, audit).len(), 3, "nothing new to audit");
}

#[test]
fn refused_orders_are_named_by_line_and_column_and_nothing_is_written() {
    let (_dir, db) = database(Role::CareCoordinator);
    let file =
        "client_reference,kind,court,start_date,end_date,early_end_date,late_end_date,ended_on
C-1,drr_low,Newport Magistrates',01/09/2026,01/03/2027,,,
C-1,curfew,Newport Magistrates',01/09/2026,01/03/2027,,,
C-1,atr,Newport Magistrates',01/09/2026,01/08/2026,,,
C-1,licence,HMP Cardiff,01/09/2026,01/03/2027,01/04/2027,,
C-1,community_order,Newport Magistrates',24/11/2026,01/03/2027,,,
C-1,drr_low,Newport Magistrates',01/09/2026,01/03/2027,,,
C-1,atr,Newport Magistrates',01/08/2026,01/03/2027,,,31/07/2026
C-1,suspended_sentence,,01/09/2026,01/03/2027,,,
";
    let (ok, text) = import(&db, "orders", file, true);
    assert!(!ok, "{text}");
    for expected in [
        "line 3, column kind: 'curfew' is not one of: drr_high, drr_low, atr, licence, community_order, suspended_sentence",
        "line 4, column end_date: the order must end after the day it starts: correct the date",
        "line 5, column early_end_date: an early end must fall after the start and before the end as made: correct the date",
        "line 6, column start_date: 24/11/2026 is after today (23/11/2026): it must be a date in the past",
        "line 7, column start_date: repeats line 2 of this file",
        "line 8, column ended_on: 31/07/2026 is before the start date (01/08/2026): it cannot be",
        "line 9, column court: is required",
        "Nothing was written",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert!(rows(&db, "SELECT kind FROM court_order").is_empty());
}

#[test]
fn a_stored_order_is_never_changed_and_a_second_in_force_is_refused() {
    let (_dir, db) = database(Role::CareCoordinator);
    let (ok, text) = import(&db, "orders", ORDERS, true);
    assert!(ok, "{text}");
    let changed = "client_reference,kind,court,start_date,end_date
C-1,drr_high,Cardiff Crown Court,01/06/2026,12/12/2026
C-1,licence,Cardiff Crown Court,01/10/2026,01/10/2027
";
    let (ok, text) = import(&db, "orders", changed, true);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column start_date: this order is recorded already (Cardiff Crown Court, ends 05/12/2026), and an import never changes one",
        "line 3, column ended_on: this client already has a court order or licence in force",
        "Nothing was written",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(rows(&db, "SELECT kind FROM court_order").len(), 2);
}
