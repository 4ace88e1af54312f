//! Who has capacity: Enter on an area lists its workers with their loads (counted by
//! the Today and 13-week rules), sorted like the other lists; Enter on a worker shows
//! their clients, where a team leader marks several and reassigns them, and where
//! anyone else only reads. Two processes on a stale list are in `reassign_processes`.

use caseload::app::workers::WorkerSort;
use caseload::app::{App, Scope, View};
use caseload::domain::capacity::Load;
use caseload::store::Store;
use crossterm::event::KeyCode;

use crate::common::demo_store;
use crate::ui::{app_as, app_for, lead_session, press, screen};

/// Areas, then Enter on the area at row `at`.
fn open_area(store: &mut Store, app: &mut App, at: usize) {
    press(store, app, &[KeyCode::Char('2'), KeyCode::Home]);
    for _ in 0..at {
        press(store, app, &[KeyCode::Down]);
    }
    press(store, app, &[KeyCode::Enter]);
    assert_eq!(app.view(), View::Workers);
}

/// The row of the session's own area in the Areas view.
fn own_area_row(app: &App) -> usize {
    let own = app.session().worker.as_ref().unwrap().area_id.unwrap();
    app.data()
        .areas
        .iter()
        .position(|a| a.area.id == own)
        .unwrap()
}

fn total(app: &App, count: impl Fn(&Load) -> usize) -> usize {
    app.workers()
        .unwrap()
        .rows
        .iter()
        .map(|r| count(&r.load))
        .sum()
}

#[test]
fn the_workers_of_an_area_at_80x24_and_200x50() {
    let (_dir, mut store) = demo_store();
    for size in [(80, 24), (200, 50)] {
        let mut app = app_for(&store, size);
        let row = own_area_row(&app);
        open_area(&mut store, &mut app, row);
        insta::assert_snapshot!(format!("workers_{}x{}", size.0, size.1), screen(&app));
    }
}

#[test]
fn the_loads_add_up_to_the_areas_counts_and_the_today_queue() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    // Another area than the lead's own: the scope widens to read all of it.
    let row = (own_area_row(&app) + 1) % app.data().areas.len();
    open_area(&mut store, &mut app, row);
    assert_eq!(app.scope(), Scope::Everything);
    let area = app.data().areas[row].clone();
    assert_eq!(app.workers().unwrap().area.0, area.area.id);
    assert_eq!(total(&app, |l| l.active), area.active);
    assert_eq!(total(&app, |l| l.ppo), area.ppo);
    assert_eq!(total(&app, |l| l.iom), area.iom);
    assert_eq!(total(&app, |l| l.in_custody), area.in_custody);
    assert_eq!(total(&app, |l| l.past_13_weeks), area.at_or_past_13_weeks);
    let queued = app
        .data()
        .today
        .iter()
        .filter(|item| {
            app.data()
                .row_of_client(item.client_id)
                .is_some_and(|r| r.area_id == area.area.id)
        })
        .count();
    assert!(queued > 0, "the demo area has work on the Today queue");
    assert_eq!(total(&app, |l| l.today), queued);
    let late = total(&app, |l| l.overdue);
    assert!(0 < late && late <= queued, "{late} of {queued}");
    // Every worker of the area is listed, those with no client too.
    let listed: Vec<i64> = app
        .workers()
        .unwrap()
        .rows
        .iter()
        .filter_map(|r| r.worker_id)
        .collect();
    for worker in &app.data().workers {
        let holds = app
            .data()
            .caseload
            .iter()
            .any(|r| r.area_id == area.area.id && r.care_coordinator_id == Some(worker.id));
        if holds {
            assert!(listed.contains(&worker.id), "{} missing", worker.name);
        }
    }
}

#[test]
fn s_sorts_by_each_count_and_capital_s_reverses() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let row = own_area_row(&app);
    open_area(&mut store, &mut app, row);
    let actives = |app: &App| -> Vec<usize> {
        app.workers()
            .unwrap()
            .rows
            .iter()
            .filter(|r| r.worker_id.is_some())
            .map(|r| r.load.active)
            .collect()
    };
    press(&mut store, &mut app, &[KeyCode::Char('s')]);
    assert_eq!(app.workers().unwrap().sort, WorkerSort::Active);
    assert_eq!(app.message(), Some("sorted by active"));
    let mut expected = actives(&app);
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(actives(&app), expected, "most first");
    assert!(screen(&app).contains("Active^"), "{}", screen(&app));
    press(&mut store, &mut app, &[KeyCode::Char('S')]);
    expected.reverse();
    assert_eq!(actives(&app), expected, "fewest first: who has room");
    for _ in 0..5 {
        press(&mut store, &mut app, &[KeyCode::Char('s')]);
    }
    assert_eq!(app.workers().unwrap().sort, WorkerSort::Past13Weeks);
    press(&mut store, &mut app, &[KeyCode::Char('s')]);
    assert_eq!(app.workers().unwrap().sort, WorkerSort::Name);
}

#[test]
fn enter_shows_a_workers_clients_and_esc_goes_back_up() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let row = own_area_row(&app);
    open_area(&mut store, &mut app, row);
    // The busiest worker first.
    press(&mut store, &mut app, &[KeyCode::Char('s'), KeyCode::Home]);
    let worker = app.workers().unwrap().rows[0].clone();
    assert!(worker.load.active > 1);
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.view(), View::Caseload);
    assert_eq!(app.caseload_list().len(), worker.load.active);
    assert!(
        screen(&app).contains(&format!("worker: {}", worker.name)),
        "{}",
        screen(&app)
    );
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char(' '), KeyCode::Down, KeyCode::Char(' ')],
    );
    assert_eq!(app.marked().len(), 2);
    assert_eq!(app.message(), Some("2 marked: u, then reassign"));
    press(&mut store, &mut app, &[KeyCode::Esc]);
    assert_eq!(app.view(), View::Workers, "back to the workers");
    assert_eq!(app.filter().worker, None);
    assert_eq!(app.marked().len(), 2, "the marks stay until the reassign");
    press(&mut store, &mut app, &[KeyCode::Esc]);
    assert_eq!(app.view(), View::Areas);
}

#[test]
fn esc_from_another_areas_workers_gives_back_the_scope_it_widened() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let before = app.scope();
    assert_ne!(
        before,
        Scope::Everything,
        "a team leader starts in their area"
    );
    let row = (own_area_row(&app) + 1) % app.data().areas.len();
    open_area(&mut store, &mut app, row);
    assert_eq!(app.scope(), Scope::Everything);
    // Into a worker's clients and back, then back to the areas.
    press(&mut store, &mut app, &[KeyCode::Enter, KeyCode::Esc]);
    assert_eq!(app.view(), View::Workers);
    assert_eq!(app.scope(), Scope::Everything);
    press(&mut store, &mut app, &[KeyCode::Esc]);
    assert_eq!(app.view(), View::Areas);
    assert_eq!(app.scope(), before, "the scope is the user's again");
    // Their own area needed no widening: Esc leaves the scope alone.
    let row = own_area_row(&app);
    open_area(&mut store, &mut app, row);
    assert_eq!(app.scope(), before);
    press(&mut store, &mut app, &[KeyCode::Esc]);
    assert_eq!(app.scope(), before);
}

#[test]
fn a_care_coordinator_reads_the_counts_and_cannot_mark() {
    let (_dir, mut store) = demo_store();
    let lead = lead_session(&store).worker.unwrap();
    let coordinator = store
        .workers()
        .unwrap()
        .into_iter()
        .find(|w| {
            w.area_id == lead.area_id && w.role == caseload::domain::model::Role::CareCoordinator
        })
        .unwrap();
    let mut session = lead_session(&store);
    session.worker = Some(coordinator.clone());
    let mut app = app_as(&store, session, (80, 24));
    let row = own_area_row(&app);
    open_area(&mut store, &mut app, row);
    assert_eq!(app.scope(), Scope::Everything, "their own caseload widened");
    let text = screen(&app);
    assert!(text.contains("(to read: team leaders reassign)"), "{text}");
    let at = app
        .workers()
        .unwrap()
        .rows
        .iter()
        .position(|r| r.worker_id == Some(coordinator.id))
        .unwrap();
    for _ in 0..at {
        press(&mut store, &mut app, &[KeyCode::Down]);
    }
    press(&mut store, &mut app, &[KeyCode::Enter, KeyCode::Char(' ')]);
    assert!(app.marked().is_empty());
    let message = app.message().unwrap();
    assert!(
        message.starts_with("Not marked: care co-ordinators may change their own clients"),
        "{message}"
    );
    assert!(
        message.contains("not reassign clients: ask your team leader"),
        "{message}"
    );
}

/// Runs `sql` on the demo database straight, as a colleague's write would land.
fn exec(store: &Store, sql: &str) {
    rusqlite::Connection::open(store.path())
        .unwrap()
        .execute_batch(sql)
        .unwrap();
}

fn row_of(app: &App, name: &str) -> Option<usize> {
    app.workers()
        .unwrap()
        .rows
        .iter()
        .position(|r| r.name == name)
}

#[test]
fn a_worker_who_has_left_is_listed_apart_only_while_they_hold_clients() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let row = own_area_row(&app);
    let area = app.data().areas[row].area.id;
    exec(
        &store,
        &format!(
            "UPDATE worker SET active = 0 WHERE name = 'Owain Bevan';
             INSERT INTO worker (name, login, role, area_id, active)
             VALUES ('Ann Gone-Early', NULL, 'care_coordinator', {area}, 0);"
        ),
    );
    press(&mut store, &mut app, &[KeyCode::Char('r')]);
    open_area(&mut store, &mut app, row);
    let rows = &app.workers().unwrap().rows;
    assert_eq!(row_of(&app, "Ann Gone-Early"), None, "left, holding nobody");
    let left = &rows[row_of(&app, "Owain Bevan").unwrap()];
    assert!(left.left && left.load.active > 0, "{left:?}");
    assert_eq!(row_of(&app, "Owain Bevan"), Some(0), "apart, first");
    let text = screen(&app);
    assert!(text.contains("Owain Bevan (left: reassign)"), "{text}");
    assert!(
        rows.iter().filter(|r| r.left).count() == 1,
        "the others have not left"
    );
    // Whoever is sorted first by a count, the one who left stays apart.
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('s'), KeyCode::Char('S')],
    );
    assert_eq!(row_of(&app, "Owain Bevan"), Some(0));
}

#[test]
fn the_cursor_stays_on_its_worker_across_a_reload_and_a_sort() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let row = own_area_row(&app);
    let area = app.data().areas[row].area.id;
    open_area(&mut store, &mut app, row);
    let lead = row_of(&app, caseload::demo::DEMO_LEAD).unwrap();
    for _ in 0..lead {
        press(&mut store, &mut app, &[KeyCode::Down]);
    }
    let on = |app: &App| {
        app.workers().unwrap().rows[app.cursor().selected]
            .name
            .clone()
    };
    assert_eq!(on(&app), caseload::demo::DEMO_LEAD);
    // A colleague adds a worker whose name sorts first: every row moves down one.
    exec(
        &store,
        &format!(
            "INSERT INTO worker (name, login, role, area_id)
             VALUES ('Aaron Newcomer', NULL, 'care_coordinator', {area});"
        ),
    );
    press(&mut store, &mut app, &[KeyCode::Char('r')]);
    assert_eq!(row_of(&app, "Aaron Newcomer"), Some(0));
    assert_eq!(
        on(&app),
        caseload::demo::DEMO_LEAD,
        "the same worker, a row lower"
    );
    press(&mut store, &mut app, &[KeyCode::Char('s')]);
    assert_eq!(on(&app), caseload::demo::DEMO_LEAD, "and after a sort");
}
