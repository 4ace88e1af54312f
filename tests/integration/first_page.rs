//! The Caseload's first page in every sort order (issue 16): read windowed before the
//! whole caseload, it must be the first rows of the whole list in that order, row for
//! row, so that nothing moves when the whole list arrives; and a sort change while
//! the rest is read asks for the page in the new order.

use caseload::action::{Action, Done, Effect};
use caseload::app::lists::{self, CaseloadFilter, SortKey};
use caseload::app::{App, Data, View};
use caseload::config::Settings;
use caseload::domain::clock::ClockStart;
use caseload::domain::triage::TriageConfig;
use caseload::loader::{load_first_page, load_first_screen, load_scope};
use chrono::NaiveDate;
use crossterm::event::KeyCode;

use crate::common::{at, demo_store};
use crate::first_rows::scopes;
use crate::ui::{app_for, lead_session, press, screen};

/// The client ids of the first `rows` rows of `data`'s caseload as the Caseload view
/// lists them in `order` (sort key, reversed) on `today`, with no filter or search.
fn first_ids(
    data: &Data,
    (key, descending): (SortKey, bool),
    today: NaiveDate,
    rows: usize,
) -> Vec<i64> {
    let list = lists::caseload(
        &data.caseload,
        &data.orders,
        &CaseloadFilter::default(),
        None,
        key,
        descending,
        None,
        today,
    );
    list.iter()
        .take(rows)
        .map(|entry| data.caseload[entry.row()].client_id)
        .collect()
}

#[test]
fn the_first_page_in_every_order_is_the_first_rows_of_the_whole_list() {
    let (_dir, store) = demo_store();
    every_first_page_is_the_head_of_the_whole_list(&store);
}

#[test]
fn the_first_pages_are_the_first_rows_on_postgres_too() {
    let (_dir, store) = demo_store();
    let Some((_pg, store)) = crate::postgres::copied(store) else {
        return;
    };
    every_first_page_is_the_head_of_the_whole_list(&store);
}

/// Every first page of `store`'s demo (in every order, scope and size, on a few days
/// and clock rules) is exactly the first rows of the whole list in its order.
fn every_first_page_is_the_head_of_the_whole_list(store: &caseload::store::Store) {
    let default = TriageConfig::default();
    // A clock that starts at the assessment, a few days before the care plan in the demo.
    let assessment = TriageConfig {
        clock_starts: ClockStart::Assessment,
        ..TriageConfig::default()
    };
    let mut compared = 0;
    for (now, cfg) in [
        ("2026-11-23 09:30", &default),
        ("2027-01-10 08:00", &default),
        ("2026-09-01 12:00", &assessment),
        ("2026-11-23 23:59", &assessment),
    ] {
        let now = at(now);
        let today = now.date();
        for scope in scopes(store) {
            let whole = load_scope(store, scope, now, cfg, &[]).unwrap();
            for order in SortKey::ALL
                .into_iter()
                .flat_map(|k| [(k, false), (k, true)])
            {
                for rows in [1, 20, 45] {
                    let page = load_first_page(store, scope, now, cfg, rows, order).unwrap();
                    assert_eq!(page.partial, Some(View::Caseload));
                    assert_eq!(page.page_order, Some(order));
                    let expected = first_ids(&whole, order, today, rows);
                    let at = format!("{now} {scope:?} {order:?} {rows} rows");
                    // Exactly the first rows: a row past them could be scrolled to.
                    assert_eq!(page.caseload.len(), expected.len(), "{at}");
                    assert_eq!(first_ids(&page, order, today, rows), expected, "{at}");
                    for row in &page.caseload {
                        assert!(whole.caseload.contains(row), "{at}: {row:?}");
                    }
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 500, "compared {compared} pages");
}

/// Changes the demo so that a window too small for the first pages by status or next
/// key date would show: more clients in the lowest status than a page, every client
/// in custody among the unassessed (the rows read for the referred), clients whose
/// only date is an extension review, a 13-week benchmark on the day itself, and
/// clients in custody with release dates before and after the test days.
fn with_status_and_date_edges(dir: &std::path::Path) {
    let raw = rusqlite::Connection::open(dir.join("test.db")).unwrap();
    let not_in_custody = "closure_date IS NULL
        AND client_id NOT IN (SELECT client_id FROM custody WHERE actual_release_date IS NULL)";
    raw.execute_batch(&format!(
        "UPDATE episode SET assessment_date = NULL, care_plan_date = NULL, engaged = 0
          WHERE closure_date IS NULL
            AND client_id IN (SELECT client_id FROM custody WHERE actual_release_date IS NULL);
         UPDATE episode SET assessment_date = NULL, care_plan_date = NULL, engaged = 0
          WHERE id IN (SELECT id FROM episode WHERE {not_in_custody} ORDER BY id LIMIT 60);
         UPDATE episode SET referral_date = '2024-01-01', assessment_date = '2024-12-20',
                care_plan_date = '2025-01-01', next_review_date = NULL,
                extension_review_date = '2026-08-01', extension_reason = 'synthetic'
          WHERE id IN (SELECT id FROM episode WHERE {not_in_custody}
                        ORDER BY id DESC LIMIT 3);
         UPDATE episode SET referral_date = '2026-08-01', assessment_date = NULL,
                care_plan_date = '2026-08-24', next_review_date = NULL,
                extension_review_date = NULL, extension_reason = NULL
          WHERE id = (SELECT id FROM episode WHERE {not_in_custody}
                       ORDER BY id DESC LIMIT 1 OFFSET 3);
         UPDATE episode SET referral_date = '2026-08-01', assessment_date = '2026-08-23',
                care_plan_date = '2026-08-24', next_review_date = NULL,
                extension_review_date = NULL, extension_reason = NULL
          WHERE id = (SELECT id FROM episode WHERE {not_in_custody}
                       ORDER BY id DESC LIMIT 1 OFFSET 4);"
    ))
    .unwrap();
    // Release dates: only a past earliest; a past earliest and a later expected; only
    // a later earliest; none.
    for (offset, earliest, expected) in [
        (0, Some("2020-01-01"), None),
        (1, Some("2020-01-01"), Some("2031-01-01")),
        (2, Some("2031-06-01"), None),
        (3, None, None),
    ] {
        let changed = raw
            .execute(
                "UPDATE custody SET earliest_release_date = ?1, expected_release_date = ?2
                  WHERE id = (SELECT id FROM custody WHERE actual_release_date IS NULL
                               ORDER BY id LIMIT 1 OFFSET ?3)",
                rusqlite::params![earliest, expected, offset],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }
}

#[test]
fn the_first_pages_by_status_and_next_date_hold_the_rows_a_small_window_would_miss() {
    let (dir, store) = demo_store();
    with_status_and_date_edges(dir.path());
    every_first_page_is_the_head_of_the_whole_list(&store);
}

#[test]
fn the_first_pages_by_status_and_next_date_hold_them_on_postgres_too() {
    let (dir, store) = demo_store();
    with_status_and_date_edges(dir.path());
    let Some((_pg, store)) = crate::postgres::copied(store) else {
        return;
    };
    every_first_page_is_the_head_of_the_whole_list(&store);
}

#[test]
fn a_clock_started_long_before_its_care_plan_heads_the_first_page_by_the_clock() {
    let (dir, store) = demo_store();
    // One client assessed two years before their care plan: under the assessment rule
    // their clock is everyone's longest, though their care plan date is not the first.
    let raw = rusqlite::Connection::open(dir.path().join("test.db")).unwrap();
    let changed = raw
        .execute(
            "UPDATE episode SET referral_date = '2024-06-03', assessment_date = '2024-06-10'
              WHERE id = (SELECT id FROM episode WHERE closure_date IS NULL
                             AND care_plan_date IS NOT NULL
                           ORDER BY care_plan_date DESC LIMIT 1)",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let cfg = TriageConfig {
        clock_starts: ClockStart::Assessment,
        ..TriageConfig::default()
    };
    let now = at("2026-11-23 09:30");
    let order = (SortKey::Clock, false);
    for scope in scopes(&store) {
        let whole = load_scope(&store, scope, now, &cfg, &[]).unwrap();
        for rows in [1, 20] {
            let page = load_first_page(&store, scope, now, &cfg, rows, order).unwrap();
            assert_eq!(
                first_ids(&page, order, now.date(), rows),
                first_ids(&whole, order, now.date(), rows),
                "{scope:?} {rows} rows"
            );
        }
    }
}

/// The Reload effect's first page, if the update asked for one.
fn page_asked(effect: Option<Effect>) -> Option<(SortKey, bool)> {
    match effect {
        Some(Effect::Reload { snapshot, .. }) if snapshot.first_rows > 0 => snapshot.first_page,
        _ => None,
    }
}

#[test]
fn a_sort_change_over_a_first_page_asks_for_the_page_in_the_new_order() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (100, 30));
    press(&mut store, &mut app, &[KeyCode::Char('3')]);
    // A read under way (as after a scope change), and its first page arrives.
    let _reading = app.update(Action::Reload);
    let page = |order| {
        let cfg = TriageConfig::default();
        let now = at("2026-11-23 09:30");
        load_first_page(&store, (None, None), now, &cfg, 20, order).unwrap()
    };
    app.update(Done::FirstRows(Box::new(page((SortKey::Name, false)))));
    let text = screen(&app);
    assert!(
        text.contains("the first 20 clients, reading the rest"),
        "{text}"
    );
    // By reference, the first page by name is not its first page: the read in flight
    // gives way to one of the page in that order, and the view waits for it.
    let asked = page_asked(app.update(Action::CycleSort));
    assert_eq!(asked, Some((SortKey::Reference, false)));
    let text = screen(&app);
    assert!(text.contains("Reading the caseload"), "{text}");
    assert!(!text.contains("the first 20"), "{text}");
    app.update(Done::FirstRows(Box::new(page((SortKey::Reference, false)))));
    let text = screen(&app);
    assert!(
        text.contains("the first 20 clients, reading the rest"),
        "{text}"
    );
    assert_eq!(
        page_asked(app.update(Action::ReverseSort)),
        Some((SortKey::Reference, true))
    );
    assert_eq!(
        page_asked(app.update(Action::CycleSort)),
        Some((SortKey::Coordinator, true))
    );
    assert_eq!(
        page_asked(app.update(Action::CycleSort)),
        Some((SortKey::Status, true))
    );
    let text = screen(&app);
    assert!(text.contains("Reading the caseload"), "{text}");
    // With a filter, the first rows by name would not be its first rows either.
    press(&mut store, &mut app, &[KeyCode::Char('i')]);
    assert_eq!(app.update(Action::CycleSort).map(|_| "an effect"), None);
    assert_eq!(app.update(Action::CycleSort).map(|_| "an effect"), None);
    assert!(screen(&app).contains("Reading the caseload"));
}

#[test]
fn opening_the_caseload_over_the_first_screen_of_today_asks_for_its_first_page() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (100, 30));
    let _reading = app.update(Action::Reload);
    let cfg = TriageConfig::default();
    let first = load_first_screen(&store, (None, None), at("2026-11-23 09:30"), &cfg, 20)
        .unwrap()
        .unwrap();
    app.update(Done::FirstRows(Box::new(first)));
    assert_eq!(
        page_asked(app.update(Action::ShowView(View::Caseload))),
        Some((SortKey::Name, false))
    );
    // Once the whole read is in, opening a view reads nothing.
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('r'), KeyCode::Char('1')],
    );
    assert_eq!(
        page_asked(app.update(Action::ShowView(View::Caseload))),
        None
    );
}

#[test]
fn keys_typed_before_anything_is_read_ask_for_the_first_page_in_their_order() {
    let (_dir, store) = demo_store();
    // The app as the terminal starts it: nothing read yet, the first read under way.
    let mut app = App::new(
        at("2026-11-23 09:30"),
        lead_session(&store),
        &Settings::default(),
        (100, 30),
    );
    let _reading = app.update(Action::Reload);
    assert_eq!(
        page_asked(app.update(Action::ShowView(View::Caseload))),
        Some((SortKey::Name, false))
    );
    assert_eq!(
        page_asked(app.update(Action::CycleSort)),
        Some((SortKey::Reference, false))
    );
    assert_eq!(
        page_asked(app.update(Action::CycleSort)),
        Some((SortKey::Coordinator, false))
    );
    assert_eq!(
        page_asked(app.update(Action::CycleSort)),
        Some((SortKey::Status, false))
    );
    assert_eq!(
        page_asked(app.update(Action::CycleSort)),
        Some((SortKey::Clock, false))
    );
}

#[test]
fn the_first_screen_is_the_same_on_postgres_as_on_sqlite() {
    let (_dir, store) = demo_store();
    let now = at("2026-11-23 09:30");
    let cfg = TriageConfig::default();
    let scopes = scopes(&store);
    // The head of the Today queue and the rows it is read with, per scope.
    let read = |store: &caseload::store::Store| -> Vec<String> {
        scopes
            .iter()
            .filter_map(|&scope| load_first_screen(store, scope, now, &cfg, 20).unwrap())
            .map(|first| format!("{:?} {:?}", first.today, first.caseload))
            .collect()
    };
    let on_sqlite = read(&store);
    // Read windowed (not every scope is: a worker's caseload is read at once).
    assert!(!on_sqlite.is_empty());
    let Some((_pg, on_postgres)) = crate::postgres::copied(store) else {
        return;
    };
    assert_eq!(read(&on_postgres), on_sqlite);
}
