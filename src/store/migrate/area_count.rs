//! Step 17: the Areas view's counts of the open episodes, kept by triggers per area,
//! clock rule and day the 13-week clock started, so that the view reads a few thousand
//! rows instead of joining every open episode with its client (200 ms at 300,000
//! clients).

use rusqlite::Connection;

use crate::store::error::StoreResult;

/// Step 17's table, view and triggers, word for word as in `schema.sql`.
const AREA_COUNT: &str = include_str!("area_count.sql");

/// The triggers [`AREA_COUNT`] makes.
const TRIGGERS: [&str; 13] = [
    "client_out",
    "client_in",
    "client_gone",
    "episode_out",
    "episode_in",
    "episode_added",
    "episode_removed",
    "custody_out",
    "custody_in",
    "custody_added_out",
    "custody_added_in",
    "custody_removed_out",
    "custody_removed_in",
];

/// Step 17: the table, its view and triggers, the table filled from the open episodes
/// (all made again where a test's rewind left them).
pub(super) fn area_count(tx: &Connection) -> StoreResult<()> {
    for trigger in TRIGGERS {
        tx.execute_batch(&format!("DROP TRIGGER IF EXISTS area_count_{trigger};"))?;
    }
    tx.execute_batch("DROP VIEW IF EXISTS area_count_row; DROP TABLE IF EXISTS area_count;")?;
    tx.execute_batch(AREA_COUNT)?;
    tx.execute(
        "INSERT INTO area_count
         SELECT area_id, clock, started, count(*), sum(iom), sum(ppo), sum(in_custody),
                sum(ppo * in_custody)
           FROM area_count_row GROUP BY area_id, clock, started",
        [],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::store::migrate::SCHEMA;

    #[test]
    fn step_seventeen_is_word_for_word_in_schema_sql() {
        assert!(SCHEMA.contains(AREA_COUNT));
    }

    /// Per area, for each clock rule and day: the active caseload, IOM, PPO, in
    /// custody, PPO in custody and those whose clock started on or before the day.
    type Counts = Vec<(i64, String, String, [i64; 6])>;

    const RULES: [&str; 2] = ["care-plan", "assessment"];
    const DAYS: [&str; 3] = ["2026-03-01", "2026-06-01", "2026-12-31"];

    /// What the triggers keep, summed as the Areas view sums it.
    fn kept(conn: &Connection) -> Counts {
        counts(
            conn,
            "SELECT area_id, sum(active), sum(iom), sum(ppo), sum(in_custody),
                    sum(ppo_in_custody), sum(CASE WHEN started <= ?2 THEN active ELSE 0 END)
               FROM area_count WHERE clock = ?1 GROUP BY area_id HAVING sum(active) <> 0
              ORDER BY area_id",
        )
    }

    /// The same counted afresh from the open episodes (the query the view ran
    /// before step 17).
    fn recounted(conn: &Connection) -> Counts {
        counts(
            conn,
            "SELECT c.area_id, count(*), sum(c.iom), sum(c.ppo), count(cu.id),
                    sum(c.ppo AND cu.id IS NOT NULL),
                    sum(CASE ?1 WHEN 'assessment'
                        THEN min(coalesce(e.assessment_date, e.care_plan_date), e.care_plan_date)
                        ELSE e.care_plan_date END <= ?2)
               FROM episode e JOIN client c ON c.id = e.client_id
               LEFT JOIN custody cu ON cu.client_id = c.id AND cu.actual_release_date IS NULL
              WHERE e.closure_date IS NULL GROUP BY c.area_id ORDER BY c.area_id",
        )
    }

    fn counts(conn: &Connection, sql: &str) -> Counts {
        let mut all = Vec::new();
        for rule in RULES {
            for day in DAYS {
                let mut stmt = conn.prepare(sql).unwrap();
                let rows = stmt
                    .query_map([rule, day], |r| {
                        let mut n = [0; 6];
                        for (i, slot) in n.iter_mut().enumerate() {
                            *slot = r.get::<_, Option<i64>>(i + 1)?.unwrap_or(0);
                        }
                        Ok((r.get(0)?, rule.to_owned(), day.to_owned(), n))
                    })
                    .unwrap();
                all.extend(rows.map(Result::unwrap));
            }
        }
        all
    }

    /// A day in 2026 (from 2 January), or none.
    fn day(n: u32) -> Option<String> {
        (n % 5 != 0).then(|| {
            let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap()
                + chrono::Days::new(u64::from(n % 360));
            date.to_string()
        })
    }

    /// One write of the kind `kind` (of 13), its figures from `a` and `b`: every way a
    /// client, an episode or a custody episode changes what the Areas view counts.
    /// A write the schema refuses (a second open episode, say) changes nothing.
    fn write(conn: &Connection, kind: u8, a: u32, b: u32) {
        let client = i64::from(a % 8) + 1;
        let row = i64::from(b % 12) + 1;
        let area = i64::from(b % 3) + 1;
        let flag = i64::from(a % 2);
        let _ = match kind {
            0 => conn.execute(
                "INSERT INTO client (reference, given_name, family_name, date_of_birth,
                                     area_id, iom, ppo)
                 VALUES (?1, 'Synthetic', 'Person', '1980-01-01', ?2, ?3, ?4)",
                rusqlite::params![format!("C-{a}-{b}"), area, flag, i64::from(b % 2)],
            ),
            1 => conn.execute(
                "UPDATE client SET area_id = ?2 WHERE id = ?1",
                rusqlite::params![client, area],
            ),
            2 if b % 2 == 0 => conn.execute(
                "UPDATE client SET iom = ?2 WHERE id = ?1",
                rusqlite::params![client, flag],
            ),
            2 => conn.execute(
                "UPDATE client SET ppo = ?2 WHERE id = ?1",
                rusqlite::params![client, flag],
            ),
            3 => conn.execute(
                "INSERT INTO episode (client_id, referral_date, referral_source,
                                      assessment_date, care_plan_date, closure_date, exit_reason)
                 VALUES (?1, '2026-01-01', 'police', ?2, ?3, ?4, ?5)",
                rusqlite::params![
                    client,
                    day(a),
                    day(b),
                    (b % 4 == 0).then_some("2026-12-31"),
                    (b % 4 == 0).then_some("other"),
                ],
            ),
            4 => conn.execute(
                "UPDATE episode SET closure_date = '2026-12-31', exit_reason = 'other'
                  WHERE id = ?1",
                [row],
            ),
            5 => conn.execute(
                "UPDATE episode SET closure_date = NULL, exit_reason = NULL WHERE id = ?1",
                [row],
            ),
            6 => conn.execute(
                "UPDATE episode SET assessment_date = ?2, care_plan_date = ?3 WHERE id = ?1",
                rusqlite::params![row, day(a), day(a / 3 + b)],
            ),
            7 => conn.execute("DELETE FROM episode WHERE id = ?1", [row]),
            8 => conn.execute(
                "INSERT INTO custody (client_id, prison, reception_date, actual_release_date)
                 VALUES (?1, 'HMP Example', ?2, ?3)",
                rusqlite::params![
                    client,
                    format!("2025-01-{:02}", b % 28 + 1),
                    (b % 3 == 0).then_some("2026-12-31"),
                ],
            ),
            9 => conn.execute(
                "UPDATE custody SET actual_release_date = ?2 WHERE id = ?1",
                rusqlite::params![row, (a % 2 == 0).then_some("2026-12-31")],
            ),
            10 => conn.execute("DELETE FROM custody WHERE id = ?1", [row]),
            11 => conn.execute(
                "UPDATE episode SET client_id = ?2 WHERE id = ?1",
                rusqlite::params![row, client],
            ),
            _ => conn.execute(
                "UPDATE custody SET client_id = ?2 WHERE id = ?1",
                rusqlite::params![row, client],
            ),
        };
        // A client goes only once nothing refers to it (undoing a new referral).
        if kind == 12 && a % 4 == 0 {
            let _ = conn.execute("DELETE FROM client WHERE id = ?1", [client]);
        }
    }

    fn team() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             INSERT INTO area (id, name) VALUES (1, 'North'), (2, 'South'), (3, 'East');",
        )
        .unwrap();
        conn
    }

    proptest! {
        #[test]
        fn the_triggers_keep_the_counts_through_any_writes(
            writes in prop::collection::vec((0_u8..13, 0_u32..10_000, 0_u32..10_000), 1..80),
        ) {
            let conn = team();
            for (i, (kind, a, b)) in writes.iter().enumerate() {
                write(&conn, *kind, *a, *b);
                prop_assert_eq!(kept(&conn), recounted(&conn), "after write {}", i);
            }
        }
    }

    #[test]
    fn the_step_counts_what_is_there_already() {
        let conn = team();
        for (kind, a, b) in [(0, 1, 0), (0, 2, 1), (3, 0, 1), (3, 1, 2), (8, 0, 1)] {
            write(&conn, kind, a, b);
        }
        conn.execute_batch("DELETE FROM area_count").unwrap();
        area_count(&conn).unwrap();
        let kept = kept(&conn);
        assert_eq!(kept, recounted(&conn));
        assert!(
            kept.iter().any(|(_, _, _, n)| n[0] > 0 && n[3] > 0),
            "{kept:?}"
        );
    }
}
