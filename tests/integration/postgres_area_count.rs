//! Schema step 17 on PostgreSQL: the Areas view's counts kept by triggers through
//! writes of every kind, and read by a worker only for the area they may read.

use caseload::store::sql::{Connection, Value};

use crate::postgres_migrate::{count, log_in_as, migrated_demo};

/// The kept counts (rows counted down to nought left out), per area, clock rule and
/// clock start.
const KEPT: &str = "SELECT area_id, clock, started, active, iom, ppo, in_custody, ppo_in_custody
                      FROM area_count WHERE active <> 0 ORDER BY 1, 2, 3";

/// The same counted afresh from the open episodes, as SQLite counted them before
/// step 17 (a clock with no care plan has not started).
const RECOUNTED: &str = "
    SELECT c.area_id, k.clock,
           coalesce(CASE WHEN k.clock = 'assessment' AND e.care_plan_date IS NOT NULL
                         THEN least(coalesce(e.assessment_date, e.care_plan_date), e.care_plan_date)
                         ELSE e.care_plan_date END, '9999-12-31') AS started,
           count(*) AS active, sum(c.iom)::bigint AS iom, sum(c.ppo)::bigint AS ppo,
           count(cu.id) AS in_custody,
           sum(CASE WHEN cu.id IS NULL THEN 0 ELSE c.ppo END)::bigint AS ppo_in_custody
      FROM episode e JOIN client c ON c.id = e.client_id
      LEFT JOIN custody cu ON cu.client_id = c.id AND cu.actual_release_date IS NULL
     CROSS JOIN (VALUES ('care-plan'), ('assessment')) AS k (clock)
     WHERE e.closure_date IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";

fn rows(db: &Connection, sql: &str) -> Vec<Vec<Value>> {
    db.query(sql, &[])
        .unwrap()
        .into_iter()
        .map(caseload::store::sql::Row::into_values)
        .collect()
}

#[test]
fn the_triggers_keep_the_area_counts_through_writes_on_postgres() {
    let Some((pg, _dir, _path, _)) = migrated_demo() else {
        return;
    };
    let db = pg.connect();
    assert_eq!(rows(&db, KEPT), rows(&db, RECOUNTED), "after the copy");
    // Rows added below are numbered after these, and only they are removed again.
    let last = |table: &str| count(&db, &format!("SELECT max(id) FROM {table}"), &[]);
    let (episodes, custody) = (last("episode"), last("custody"));
    // Every kind of write that changes a count, to a few of the demo's clients.
    let writes: [&str; 12] = [
        "UPDATE client SET area_id = 1 + (id % 2) WHERE id % 97 = 0",
        "UPDATE client SET iom = 1 - iom WHERE id % 89 = 0",
        "UPDATE client SET ppo = 1 - ppo WHERE id % 83 = 0",
        "UPDATE episode SET closure_date = '2026-11-23', exit_reason = 'other'
          WHERE closure_date IS NULL AND id % 79 = 0",
        "UPDATE episode SET closure_date = NULL, exit_reason = NULL
          WHERE closure_date = '2026-11-23' AND id % 2 = 0",
        "UPDATE episode SET care_plan_date = NULL WHERE closure_date IS NULL AND id % 73 = 0",
        "UPDATE episode SET assessment_date = referral_date
          WHERE closure_date IS NULL AND id % 71 = 0",
        "UPDATE custody SET actual_release_date = '2026-11-23'
          WHERE actual_release_date IS NULL AND id % 3 = 0",
        "INSERT INTO custody (client_id, prison, reception_date)
         SELECT c.id, 'HMP Example', '2026-11-01' FROM client c
          WHERE c.id % 67 = 0
            AND NOT EXISTS (SELECT 1 FROM custody u
                             WHERE u.client_id = c.id AND u.actual_release_date IS NULL)",
        &format!("DELETE FROM custody WHERE id > {custody} AND client_id % 2 = 0"),
        "INSERT INTO episode (client_id, referral_date, referral_source, care_plan_date)
         SELECT c.id, '2026-11-01', 'self', '2026-11-02' FROM client c
          WHERE c.id % 61 = 0
            AND NOT EXISTS (SELECT 1 FROM episode e
                             WHERE e.client_id = c.id AND e.closure_date IS NULL)",
        &format!("DELETE FROM episode WHERE id > {episodes}"),
    ];
    for write in writes {
        let changed = db.execute(write, &[]).unwrap();
        assert!(changed > 0, "{write}");
        assert_eq!(rows(&db, KEPT), rows(&db, RECOUNTED), "after {write}");
    }
}

#[test]
fn a_worker_reads_the_counts_of_their_own_area_only_and_keeps_them_by_writing() {
    let Some((pg, _dir, _path, _)) = migrated_demo() else {
        return;
    };
    let owner = pg.connect();
    let login = format!("tl_{}", std::process::id());
    let (_, area) = log_in_as(&owner, "team_leader", &login);
    let worker = Connection::postgres(&pg.url_as(&login)).unwrap();
    let areas = "SELECT count(DISTINCT area_id) FROM area_count WHERE active <> 0";
    assert!(count(&owner, areas, &[]) > 1);
    assert_eq!(count(&worker, areas, &[]), 1);
    let iom = "SELECT sum(iom)::bigint FROM area_count WHERE clock = 'care-plan' AND area_id = ?1";
    let before = count(&worker, iom, &[Value::Integer(area)]);
    // A write the worker may make, to a count they may not write themselves.
    let changed = worker
        .execute(
            "UPDATE client SET iom = 1 WHERE iom = 0 AND area_id = ?1
                AND id IN (SELECT client_id FROM episode WHERE closure_date IS NULL)",
            &[Value::Integer(area)],
        )
        .unwrap();
    assert!(changed > 0);
    let after = count(&worker, iom, &[Value::Integer(area)]);
    assert_eq!(after, before + i64::try_from(changed).unwrap());
    assert!(worker.execute("DELETE FROM area_count", &[]).is_err());
}

#[test]
fn the_areas_views_releases_and_breaches_are_the_same_on_postgres_as_on_sqlite() {
    let (_dir, store) = crate::common::demo_store();
    let today = crate::common::today();
    let last = today + chrono::Days::new(90);
    // Sorted: neither read promises an order, and the engines may differ in it.
    let read = |store: &caseload::store::Store| {
        let mut releases = store.releases_between(today, last).unwrap();
        releases.sort_by_key(|r| (r.area_id, r.expected, r.earliest));
        let mut breaches = store.outstanding_breaches_by_area().unwrap();
        breaches.sort_unstable();
        (releases, breaches)
    };
    let (releases, breaches) = read(&store);
    // Rows on SQLite, or the comparison below proves nothing.
    assert!(!releases.is_empty() && !breaches.is_empty());
    let Some((_pg, on_postgres)) = crate::postgres::copied(store) else {
        return;
    };
    assert_eq!(read(&on_postgres), (releases, breaches));
}

#[test]
fn another_areas_counts_are_marked_not_counted_rather_than_nought() {
    let Some((pg, _dir, _path, _)) = migrated_demo() else {
        return;
    };
    let owner = pg.connect();
    let login = format!("cc_{}", std::process::id());
    let (_, own_area) = log_in_as(&owner, "care_coordinator", &login);
    let open = |url: &str| {
        caseload::store::Store::open(std::path::Path::new(url), caseload::store::Access::ReadOnly)
            .unwrap()
    };
    let summaries = |url: &str| {
        open(url)
            .area_summaries(
                crate::common::today(),
                caseload::domain::clock::ClockStart::CarePlan,
            )
            .unwrap()
    };
    let as_owner = summaries(&pg.url);
    assert!(as_owner.len() > 1 && as_owner.iter().all(|a| a.counted));
    let as_worker = summaries(&pg.url_as(&login));
    assert_eq!(as_worker.len(), as_owner.len(), "every area keeps its row");
    for (seen, whole) in as_worker.iter().zip(&as_owner) {
        assert_eq!(seen.counted, seen.area.id == own_area, "{}", seen.area.name);
        if seen.counted {
            assert_eq!(seen, whole);
        } else {
            assert_eq!((seen.active, seen.iom, seen.in_custody), (0, 0, 0));
        }
    }
    // The view says so: dashes and "not yours", not noughts.
    let mut store = open(&pg.url_as(&login));
    let mut app = crate::ui::app_for(&store, (80, 24));
    crate::ui::press(
        &mut store,
        &mut app,
        &[crossterm::event::KeyCode::Char('2')],
    );
    let text = crate::ui::screen(&app);
    let hidden = as_worker.iter().find(|a| !a.counted).unwrap();
    let row = text
        .lines()
        .find(|l| l.contains(hidden.area.name.as_str()))
        .unwrap_or_else(|| panic!("no row for {} in\n{text}", hidden.area.name));
    assert!(row.contains("not yours") && row.contains(" - "), "{row}");
    assert!(!row.contains(" 0 "), "{row}");
}
