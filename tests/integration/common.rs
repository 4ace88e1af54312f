//! Shared fixtures: temporary databases, a fixed "today", the demo data.

use caseload::demo::{self, DemoOptions};
use caseload::store::{Access, Actor, Store};
use chrono::{NaiveDate, NaiveDateTime};

/// The fixed day every test pretends is today.
pub fn today() -> NaiveDate {
    date("2026-11-23")
}

/// A date from ISO text.
pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

/// A date-time from `YYYY-MM-DD HH:MM`.
pub fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test date-time")
}

/// The actor tests write as.
pub fn actor() -> Actor {
    Actor {
        login: "tester".to_owned(),
        now: at("2026-11-23 09:30"),
    }
}

/// A new empty database in a temporary directory (kept alive by the returned guard).
pub fn empty_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::create(&dir.path().join("test.db")).expect("create store");
    (dir, store)
}

/// A database holding the standard demo (seed 2014, 300 clients, today = [`today`]).
pub fn demo_store() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = empty_store();
    demo::generate(
        &mut store,
        &actor(),
        &DemoOptions {
            seed: 2014,
            today: today(),
            clients: 300,
        },
    )
    .expect("demo data");
    (dir, store)
}

/// Reopens the database file of `store` as a second, independent connection.
#[allow(dead_code)]
pub fn second_connection(store: &Store) -> Store {
    Store::open(store.path(), Access::ReadWrite).expect("second connection")
}
