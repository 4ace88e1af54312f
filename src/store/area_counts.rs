//! The Areas view's counts: per-area totals of the active caseload, releases due and
//! outstanding breaches, counted in SQL so that the view never reads every client (the
//! caseload's totals from the counts schema step 17's triggers keep).

use super::read::code;
use super::sql::Value;
use super::{Store, StoreResult};
use crate::domain::clock;
use crate::domain::model::{Area, AreaSummary, Rag, ReleaseDates};
use chrono::NaiveDate;

impl Store {
    /// Per-area counts of the active caseload on `today`, the 13-week clock starting
    /// as `clock_starts` says ([`clock::ClockStart::of`], in SQL): sums of the counts
    /// schema step 17's triggers keep (`area_count`), so no open episode is read. On
    /// PostgreSQL a worker reads the counts of the areas row security lets them read
    /// (their own; an admin every area): another area's row shows no one.
    ///
    /// # Errors
    /// The engine's error.
    pub fn area_summaries(
        &self,
        today: NaiveDate,
        clock_starts: clock::ClockStart,
    ) -> StoreResult<Vec<AreaSummary>> {
        // Started on or before this date means day 91 or later today.
        let benchmark_start = today - chrono::Days::new(clock::BENCHMARK_DAYS.unsigned_abs());
        // Every area, so an area with nobody on its caseload still has its row.
        let sql = format!(
            "SELECT a.id, a.name, a.intensive, {} AS counted,
                    coalesce(s.active, 0) AS active, coalesce(s.iom, 0) AS iom,
                    coalesce(s.ppo, 0) AS ppo, coalesce(s.in_custody, 0) AS in_custody,
                    coalesce(s.benchmark, 0) AS benchmark,
                    coalesce(s.ppo_in_custody, 0) AS ppo_in_custody
               FROM area a
               LEFT JOIN (SELECT area_id, CAST(sum(active) AS BIGINT) AS active,
                                 CAST(sum(iom) AS BIGINT) AS iom,
                                 CAST(sum(ppo) AS BIGINT) AS ppo,
                                 CAST(sum(in_custody) AS BIGINT) AS in_custody,
                                 CAST(sum(CASE WHEN started <= ?1 THEN active ELSE 0 END)
                                      AS BIGINT) AS benchmark,
                                 CAST(sum(ppo_in_custody) AS BIGINT) AS ppo_in_custody
                            FROM area_count WHERE clock = ?2
                           GROUP BY area_id) s ON s.area_id = a.id
              ORDER BY a.name",
            self.conn.dialect().counts_area("a.id")
        );
        let rows = self.conn.query(
            &sql,
            &[
                Value::from(benchmark_start),
                Value::from(clock_starts.setting()),
            ],
        )?;
        rows.iter()
            .map(|r| {
                let count = |column: &str| {
                    r.get::<i64>(column)
                        .map(|n| usize::try_from(n).unwrap_or(0))
                };
                Ok(AreaSummary {
                    area: Area {
                        id: r.get("id")?,
                        name: r.get("name")?,
                        intensive: r.get("intensive")?,
                    },
                    active: count("active")?,
                    iom: count("iom")?,
                    ppo: count("ppo")?,
                    in_custody: count("in_custody")?,
                    at_or_past_13_weeks: count("benchmark")?,
                    ppo_in_custody: count("ppo_in_custody")?,
                    counted: r.get("counted")?,
                })
            })
            .collect()
    }

    /// The open custody episodes of clients on the caseload whose release may fall
    /// from `today` to `last` (its expected or earliest release date does): what the
    /// Areas view counts its releases from, read from the open-custody index without
    /// the client columns the Releases view shows. `release::planning_date` decides.
    ///
    /// # Errors
    /// The engine's error.
    pub fn releases_between(
        &self,
        today: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<Vec<ReleaseDates>> {
        let rows = self.conn.query(
            // CROSS JOIN: from the open custody episodes to their clients. Left to
            // itself SQLite walks every client by area (0.15 s at 300,000 clients).
            // The join's condition is in WHERE, as PostgreSQL (which plans the join
            // itself) takes no ON after CROSS JOIN.
            "SELECT c.area_id, cu.expected_release_date, cu.earliest_release_date
               FROM custody cu CROSS JOIN client c
              WHERE c.id = cu.client_id
                AND cu.actual_release_date IS NULL
                AND (cu.expected_release_date BETWEEN ?1 AND ?2
                     OR cu.earliest_release_date BETWEEN ?1 AND ?2)
                AND EXISTS (SELECT 1 FROM episode e
                             WHERE e.client_id = cu.client_id AND e.closure_date IS NULL)",
            &[Value::from(today), Value::from(last)],
        )?;
        rows.iter()
            .map(|r| {
                Ok(ReleaseDates {
                    area_id: r.get("area_id")?,
                    expected: r.get("expected_release_date")?,
                    earliest: r.get("earliest_release_date")?,
                })
            })
            .collect()
    }

    /// How many breaches are outstanding per area and RAG: (area, RAG, count), for
    /// the Areas view, without reading the breaches themselves.
    ///
    /// # Errors
    /// The engine's error.
    pub fn outstanding_breaches_by_area(&self) -> StoreResult<Vec<(i64, Rag, usize)>> {
        let rows = self.conn.query(
            "SELECT c.area_id, b.rag, count(*) AS n
               FROM breach b JOIN client c ON c.id = b.client_id
              WHERE b.status = 'outstanding'
              GROUP BY c.area_id, b.rag",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.get("area_id")?,
                    code(r, "rag")?,
                    usize::try_from(r.get::<i64>("n")?).unwrap_or(0),
                ))
            })
            .collect()
    }
}
