//! Reads for a first screen: the few caseload rows the head of the Today queue can come
//! from (see [`Cut`]), and the outstanding breaches as the queue ranks them, so that a
//! large caseload shows its first rows before the whole of it is read.

use std::sync::Arc;

use chrono::{Days, NaiveDate};
use rusqlite::types::Value;

use super::queries::{CASELOAD_SELECT, CaseloadAt, by_name, caseload_row};
use super::read::{timestamp, vocab};
use super::views::tried;
use super::{Store, StoreResult};
use crate::domain::model::CaseloadRow;
use crate::domain::triage::{Cut, OpenBreach};

/// A day as the store writes it.
fn day(d: NaiveDate) -> Value {
    Value::Text(d.format("%Y-%m-%d").to_string())
}

impl Store {
    /// The active caseload rows, in one area and/or of one care co-ordinator as
    /// [`Store::caseload`], of every client who may have an item of the Today queue at
    /// or above `cut`: one of `breach_clients` (whose breach scores that), no contact
    /// since `cut.unseen_since` (or none ever, and referred by then), a referral
    /// waiting since `cut.waiting_since`, and the clients of each other kind the cut
    /// lets in. In name order. Each part is read from its own index (`UNION ALL`: a
    /// plain `UNION` makes SQLite merge the parts in order, scanning every client for
    /// the first).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn caseload_candidates(
        &self,
        (area_id, worker_id): (Option<i64>, Option<i64>),
        cut: &Cut,
        breach_clients: &[i64],
    ) -> StoreResult<Vec<Arc<CaseloadRow>>> {
        // A contact stamped `YYYY-MM-DD HH:MM` before the next day is on or before it.
        let mut values = vec![
            day(cut.unseen_since + Days::new(1)),
            day(cut.unseen_since),
            day(cut.waiting_since),
            Value::Text(serde_json::to_string(breach_clients).unwrap_or_default()),
        ];
        let mut parts = vec![
            "SELECT client_id FROM client_last_contact WHERE contact_at < ?1".to_owned(),
            "SELECT n.client_id FROM client_last_contact n
               JOIN episode w ON w.client_id = n.client_id AND w.closure_date IS NULL
              WHERE n.contact_at IS NULL AND w.referral_date <= ?2"
                .to_owned(),
            "SELECT client_id FROM episode
              WHERE closure_date IS NULL AND assessment_date IS NULL AND referral_date <= ?3"
                .to_owned(),
            "SELECT value FROM json_each(?4)".to_owned(),
        ];
        // The open episodes past one of the cut's dates, each only when the cut has it.
        for (by, condition) in [
            (cut.review_due_by, "next_review_date"),
            (cut.care_plan_by, "care_plan_date"),
            (
                cut.assessed_by,
                "care_plan_date IS NOT NULL AND assessment_date",
            ),
        ] {
            if let Some(by) = by {
                values.push(day(by));
                parts.push(format!(
                    "SELECT client_id FROM episode
                      WHERE closure_date IS NULL AND {condition} <= ?{}",
                    values.len()
                ));
            }
        }
        if cut.custody {
            parts
                .push("SELECT client_id FROM custody WHERE actual_release_date IS NULL".to_owned());
        }
        if cut.orders {
            parts.push("SELECT client_id FROM court_order WHERE ended_on IS NULL".to_owned());
        }
        if cut.consent {
            parts.push(
                "SELECT a.client_id FROM episode a JOIN client k ON k.id = a.client_id
                  WHERE a.closure_date IS NULL AND a.assessment_date IS NOT NULL
                    AND k.consent_to_share = 0"
                    .to_owned(),
            );
        }
        let mut limits = Vec::new();
        if let Some(area) = area_id {
            values.push(Value::Integer(area));
            limits.push(format!(" AND c.area_id = ?{}", values.len()));
        }
        if let Some(worker) = worker_id {
            values.push(Value::Integer(worker));
            limits.push(format!(" AND c.care_coordinator_id = ?{}", values.len()));
        }
        let limits = limits.concat();
        let sql = format!(
            "WITH candidate (id) AS ({})
             {CASELOAD_SELECT} WHERE c.id IN (SELECT id FROM candidate){limits}",
            parts.join(" UNION ALL ")
        );
        let mut stmt = self.sqlite()?.prepare_cached(&sql)?;
        let at = CaseloadAt::of(&stmt)?;
        let mut rows = stmt
            .query_map(rusqlite::params_from_iter(values), |r| caseload_row(r, &at))?
            .map(|row| row.map(Arc::new))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.sort_unstable_by(|a, b| by_name(a, b));
        Ok(rows)
    }

    /// The first `rows` active caseload rows in name order, in one area and/or of one
    /// care co-ordinator as [`Store::caseload`]: the Caseload view's first page, read
    /// along the name index.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn caseload_page(
        &self,
        (area_id, worker_id): (Option<i64>, Option<i64>),
        rows: usize,
    ) -> StoreResult<Vec<Arc<CaseloadRow>>> {
        let mut values = vec![Value::Integer(i64::try_from(rows).unwrap_or(i64::MAX))];
        let mut limits = Vec::new();
        if let Some(area) = area_id {
            values.push(Value::Integer(area));
            limits.push(format!("c.area_id = ?{}", values.len()));
        }
        if let Some(worker) = worker_id {
            values.push(Value::Integer(worker));
            limits.push(format!("c.care_coordinator_id = ?{}", values.len()));
        }
        let limits = if limits.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", limits.join(" AND "))
        };
        // The order of `by_name`, which the whole read sorts by. Walking the name index
        // finds the first page of an area or of everyone after a few rows, where
        // SQLite's own plan sorts the whole scope (50-75 ms at 100,000 clients); one
        // worker's few clients are found by their own index instead.
        let select = if worker_id.is_none() {
            CASELOAD_SELECT.replacen(
                "FROM client c",
                "FROM client c INDEXED BY client_name_dob",
                1,
            )
        } else {
            CASELOAD_SELECT.to_owned()
        };
        let sql = format!(
            "{select} {limits}
             ORDER BY c.family_name COLLATE NOCASE, c.given_name COLLATE NOCASE, c.id LIMIT ?1"
        );
        let mut stmt = self.sqlite()?.prepare_cached(&sql)?;
        let at = CaseloadAt::of(&stmt)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(values), |r| caseload_row(r, &at))?
            .map(|row| row.map(Arc::new))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Outstanding breaches as the Today queue ranks them, in the order of
    /// [`Store::breaches`] (by deadline), without the client columns the Breaches view
    /// shows: joining every breach's client is a random read of the client table each,
    /// 0.1 s at 300,000 clients.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn open_breaches(&self) -> StoreResult<Vec<OpenBreach>> {
        let mut stmt = self.sqlite()?.prepare_cached(
            "SELECT b.client_id, b.rag, b.raised_at, b.deadline,
                    (SELECT count(*) FROM reengagement r WHERE r.breach_id = b.id) AS tried_count,
                    (SELECT r.attempted_at FROM reengagement r WHERE r.breach_id = b.id
                      ORDER BY r.attempted_at DESC, r.id DESC LIMIT 1) AS tried_at,
                    (SELECT r.how FROM reengagement r WHERE r.breach_id = b.id
                      ORDER BY r.attempted_at DESC, r.id DESC LIMIT 1) AS tried_how
               FROM breach b WHERE b.status = 'outstanding' ORDER BY b.deadline, b.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OpenBreach {
                client_id: r.get("client_id")?,
                rag: vocab(r, "rag")?,
                deadline: timestamp(r, "deadline")?,
                raised_at: timestamp(r, "raised_at")?,
                tried: tried(r)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
