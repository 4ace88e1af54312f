//! Reads: rows mapped to domain types. Rules that depend on `today` stay in `domain`;
//! the queries take the dates those rules compute.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreResult};
use crate::domain::clock;
use crate::domain::model::{
    Area, AreaSummary, CaseloadRow, CustodySummary, EpisodeDates, Role, Worker,
};

/// Columns of [`CaseloadRow`], in the order [`caseload_row`] reads them.
const CASELOAD_SELECT: &str = "
    SELECT c.id, c.reference, c.given_name, c.family_name, c.area_id, w.name,
           c.iom, c.ppo, c.mappa, c.marac, c.matac, c.approved_premises, c.drr, c.atr,
           c.licence_condition,
           e.id, e.referral_date, e.assessment_date, e.care_plan_date, e.engaged, e.exit_plan,
           e.extension_review_date,
           cu.prison, cu.expected_release_date, cu.earliest_release_date, cu.appointment_booked,
           cu.prescriber_confirmed, cu.naloxone_given, cu.accommodation_confirmed,
           cu.prison_team_contacted, cu.id IS NOT NULL,
           (SELECT max(k.contact_at) FROM contact k
             WHERE k.client_id = c.id AND k.kind <> 'did_not_attend'),
           c.care_coordinator_id, c.consent_to_share, e.next_review_date
      FROM client c
      JOIN episode e ON e.client_id = c.id AND e.closure_date IS NULL
      LEFT JOIN worker w ON w.id = c.care_coordinator_id
      LEFT JOIN custody cu ON cu.client_id = c.id AND cu.actual_release_date IS NULL";

fn caseload_row(r: &Row<'_>) -> rusqlite::Result<CaseloadRow> {
    let custody = if r.get::<_, bool>(30)? {
        Some(CustodySummary {
            prison: r.get(22)?,
            expected_release_date: r.get(23)?,
            earliest_release_date: r.get(24)?,
            checklist: super::read::checklist(r, 25)?,
        })
    } else {
        None
    };
    let last_contact: Option<String> = r.get(31)?;
    Ok(CaseloadRow {
        client_id: r.get(0)?,
        reference: r.get(1)?,
        given_name: r.get(2)?,
        family_name: r.get(3)?,
        area_id: r.get(4)?,
        care_coordinator_id: r.get(32)?,
        care_coordinator: r.get(5)?,
        consent: r.get(33)?,
        flags: super::read::flags(r, 6)?,
        episode: EpisodeDates {
            id: r.get(15)?,
            referral_date: r.get(16)?,
            assessment_date: r.get(17)?,
            care_plan_date: r.get(18)?,
            engaged: r.get(19)?,
            exit_plan: r.get(20)?,
            extension_review_date: r.get(21)?,
        },
        custody,
        last_contact: last_contact
            .and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok()),
        next_review_date: r.get(34)?,
    })
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
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.name, a.intensive,
                    count(e.id),
                    coalesce(sum(c.iom), 0),
                    coalesce(sum(c.ppo), 0),
                    count(cu.id),
                    coalesce(sum(e.care_plan_date <= ?1), 0)
               FROM area a
               LEFT JOIN (client c JOIN episode e ON e.client_id = c.id AND e.closure_date IS NULL)
                      ON c.area_id = a.id
               LEFT JOIN custody cu ON cu.client_id = c.id AND cu.actual_release_date IS NULL
              GROUP BY a.id
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
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The active caseload (clients with an open episode), in name order (the caseload
    /// list relies on it to break sort ties): in one area and/or
    /// of one care co-ordinator, or everyone when both are `None`.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn caseload(
        &self,
        area_id: Option<i64>,
        worker_id: Option<i64>,
    ) -> StoreResult<Vec<CaseloadRow>> {
        let sql = format!(
            "{CASELOAD_SELECT} WHERE (?1 IS NULL OR c.area_id = ?1)
                AND (?2 IS NULL OR c.care_coordinator_id = ?2)
              ORDER BY c.family_name COLLATE NOCASE, c.given_name COLLATE NOCASE, c.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([area_id, worker_id], caseload_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
