//! Reads: rows mapped to domain types. Rules that depend on `today` stay in `domain`;
//! the queries take the dates those rules compute.

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreResult};
use crate::domain::clock;
use crate::domain::handover::{Handover, PRISON_NOT_KNOWN};
use crate::domain::model::{
    Area, AreaSummary, CaseloadRow, ClientLabel, CustodySummary, EpisodeDates, Role, Worker,
    cmp_nocase,
};

/// Columns of [`CaseloadRow`], in the order [`caseload_row`] reads them. The scan
/// follows the client table's own order (the row id): in name order every row would be
/// a random page read, and so would every probe of the contact index, which made this
/// read four times slower at 100,000 clients. [`Store::caseload`] sorts by name after.
const CASELOAD_SELECT: &str = "
    SELECT c.id, c.reference, c.given_name, c.family_name, c.area_id, c.care_coordinator_id,
           c.iom, c.ppo, c.mappa, c.marac, c.matac, c.approved_premises, c.drr, c.atr,
           c.licence_condition,
           e.id, e.referral_date, e.assessment_date, e.care_plan_date, e.engaged, e.exit_plan,
           e.extension_review_date,
           cu.prison, cu.expected_release_date, cu.earliest_release_date, cu.appointment_booked,
           cu.prescriber_confirmed, cu.naloxone_given, cu.accommodation_confirmed,
           cu.prison_team_contacted, cu.id IS NOT NULL,
           (SELECT k.contact_at FROM contact k
             WHERE k.client_id = c.id AND k.kind <> 'did_not_attend'
             ORDER BY k.contact_at DESC LIMIT 1),
           c.consent_to_share, e.next_review_date,
           cu.reception_date, coalesce(trim(cu.handover_with), '') <> '', cu.handover_on,
           coalesce(trim(cu.handover_waived), '') <> '', cu.handover_prescribing,
           cu.handover_consent
      FROM client c
      JOIN episode e ON e.client_id = c.id AND e.closure_date IS NULL
      LEFT JOIN custody cu ON cu.client_id = c.id AND cu.actual_release_date IS NULL";

fn caseload_row(r: &Row<'_>) -> rusqlite::Result<CaseloadRow> {
    let custody = if r.get::<_, bool>(30)? {
        let prison: String = r.get(22)?;
        Some(Box::new(CustodySummary {
            expected_release_date: super::read::date_opt(r, 23)?,
            earliest_release_date: super::read::date_opt(r, 24)?,
            checklist: super::read::checklist(r, 25)?,
            reception_date: r.get(34)?,
            handover: Handover {
                prison_known: prison != PRISON_NOT_KNOWN,
                named: r.get(35)?,
                contacted_on: super::read::date_opt(r, 36)?,
                waived: r.get(37)?,
                prescribing_confirmed: r.get(38)?,
                consent_confirmed: r.get(39)?,
            },
            prison,
        }))
    } else {
        None
    };
    let exit_plan = r.get_ref(20)?.as_str_or_null()?;
    Ok(CaseloadRow {
        client_id: r.get(0)?,
        label: ClientLabel::new(
            r.get_ref(3)?.as_str()?,
            r.get_ref(2)?.as_str()?,
            r.get_ref(1)?.as_str()?,
        ),
        area_id: r.get(4)?,
        care_coordinator_id: r.get(5)?,
        consent: r.get(32)?,
        flags: super::read::flags(r, 6)?,
        episode: EpisodeDates {
            id: r.get(15)?,
            referral_date: super::read::date_opt(r, 16)?,
            assessment_date: super::read::date_opt(r, 17)?,
            care_plan_date: super::read::date_opt(r, 18)?,
            engaged: r.get(19)?,
            exit_plan: exit_plan.map(Box::from),
            extension_review_date: super::read::date_opt(r, 21)?,
        },
        custody,
        last_contact: super::read::date_opt(r, 31)?,
        next_review_date: super::read::date_opt(r, 33)?,
    })
}

/// Orders caseload rows as SQLite's `ORDER BY family_name COLLATE NOCASE, given_name
/// COLLATE NOCASE, id` would. Sorting in place needs no memory beside the rows.
fn by_name(a: &CaseloadRow, b: &CaseloadRow) -> Ordering {
    cmp_nocase(a.label.family(), b.label.family())
        .then_with(|| cmp_nocase(a.label.given(), b.label.given()))
        .then(a.client_id.cmp(&b.client_id))
}

pub(super) fn worker_row(r: &Row<'_>) -> rusqlite::Result<Worker> {
    let role: String = r.get(3)?;
    Ok(Worker {
        id: r.get(0)?,
        name: r.get(1)?,
        login: r.get(2)?,
        role: Role::from_code(&role).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                format!("unknown role {role}").into(),
            )
        })?,
        area_id: r.get(4)?,
    })
}

impl Store {
    /// A `meta` value, if set.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Every area, by name.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn areas(&self) -> StoreResult<Vec<Area>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, intensive FROM area ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(Area {
                id: r.get(0)?,
                name: r.get(1)?,
                intensive: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every worker, by name.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn workers(&self) -> StoreResult<Vec<Worker>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, login, role, area_id FROM worker ORDER BY name, id",
        )?;
        let rows = stmt.query_map([], worker_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The active worker who signs in as `login`, if any.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn worker_by_login(&self, login: &str) -> StoreResult<Option<Worker>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, login, role, area_id FROM worker WHERE login = ?1 AND active = 1",
                [login],
                worker_row,
            )
            .optional()?)
    }

    /// Per-area counts of the active caseload on `today`.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn area_summaries(&self, today: NaiveDate) -> StoreResult<Vec<AreaSummary>> {
        // Started on or before this date means day 91 or later today.
        let benchmark_start = today - chrono::Days::new(clock::BENCHMARK_DAYS.unsigned_abs());
        // Counted in one pass over the open episodes (`+` keeps the planner from
        // walking clients by area, a random page read per client), then joined to
        // every area, so an area with nobody on its caseload still has its row.
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.name, a.intensive,
                    coalesce(s.active, 0), coalesce(s.iom, 0), coalesce(s.ppo, 0),
                    coalesce(s.in_custody, 0), coalesce(s.benchmark, 0),
                    coalesce(s.ppo_in_custody, 0)
               FROM area a
               LEFT JOIN (SELECT c.area_id AS area_id, count(*) AS active, sum(c.iom) AS iom,
                                 sum(c.ppo) AS ppo, count(cu.id) AS in_custody,
                                 sum(e.care_plan_date <= ?1) AS benchmark,
                                 sum(c.ppo AND cu.id IS NOT NULL) AS ppo_in_custody
                            FROM episode e
                            JOIN client c ON c.id = e.client_id
                            LEFT JOIN custody cu
                                   ON cu.client_id = c.id AND cu.actual_release_date IS NULL
                           WHERE e.closure_date IS NULL
                           GROUP BY +c.area_id) s ON s.area_id = a.id
              ORDER BY a.name",
        )?;
        let rows = stmt.query_map(params![benchmark_start], |r| {
            let count = |i: usize| r.get::<_, i64>(i).map(|n| usize::try_from(n).unwrap_or(0));
            Ok(AreaSummary {
                area: Area {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    intensive: r.get(2)?,
                },
                active: count(3)?,
                iom: count(4)?,
                ppo: count(5)?,
                in_custody: count(6)?,
                at_or_past_13_weeks: count(7)?,
                ppo_in_custody: count(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The active caseload (clients with an open episode), in name order (the caseload
    /// list relies on it to break sort ties): in one area and/or
    /// of one care co-ordinator, or everyone when both are `None`.
    ///
    /// A row equal to one of `previous` (the snapshot on screen) is shared with it, not
    /// copied: a reload while the old snapshot is still shown then costs memory only for
    /// what changed, not for a second caseload.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn caseload(
        &self,
        area_id: Option<i64>,
        worker_id: Option<i64>,
        previous: &[Arc<CaseloadRow>],
    ) -> StoreResult<Vec<Arc<CaseloadRow>>> {
        // One statement per combination of limits, so each can use its index.
        let mut limits = Vec::new();
        let mut values = Vec::new();
        if let Some(area) = area_id {
            limits.push("c.area_id = ?");
            values.push(area);
        }
        if let Some(worker) = worker_id {
            limits.push("c.care_coordinator_id = ?");
            values.push(worker);
        }
        let limits = if limits.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", limits.join(" AND "))
        };
        // Counted first, so the rows go straight into a vector of the right size: a
        // growing one would hold up to twice the caseload while it is copied.
        let count: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM client c
               JOIN episode e ON e.client_id = c.id AND e.closure_date IS NULL {limits}"
            ))?
            .query_row(rusqlite::params_from_iter(&values), |r| r.get(0))?;
        let mut rows = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{CASELOAD_SELECT} {limits}"))?;
        let mut by_id: Vec<&Arc<CaseloadRow>> = previous.iter().collect();
        by_id.sort_unstable_by_key(|r| r.client_id);
        for row in stmt.query_map(rusqlite::params_from_iter(values), caseload_row)? {
            let row = row?;
            let same = by_id
                .binary_search_by_key(&row.client_id, |r| r.client_id)
                .ok()
                .map(|i| by_id[i])
                .filter(|old| ***old == row);
            rows.push(same.map_or_else(|| Arc::new(row), Arc::clone));
        }
        rows.sort_unstable_by(|a, b| by_name(a, b));
        Ok(rows)
    }
}
