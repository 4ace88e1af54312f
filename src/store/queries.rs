//! Reads: rows mapped to domain types. Rules that depend on `today` stay in `domain`;
//! the queries take the dates those rules compute.

use std::cmp::Ordering;
use std::sync::Arc;

use super::read::{ChecklistColumns, FlagColumns, checklist, code, code_opt, date_opt, flags_of};
use super::sql::{self, Row, Value};
use super::{Store, StoreResult};
use crate::domain::handover::{Handover, PRISON_NOT_KNOWN};
use crate::domain::model::{
    Area, CaseloadRow, ClientLabel, CustodySummary, EpisodeDates, Role, Worker, cmp_nocase,
};

/// Columns of [`CaseloadRow`], named as [`CaseloadColumns`] finds them. The scan
/// follows the client table's own order (the row id): in name order every row would be
/// a random page read, which made this read four times slower at 100,000 clients.
/// [`Store::caseload`] sorts by name after. The last contact is the one the triggers of
/// schema step 16 keep, not a probe of each client's contacts.
pub(super) const CASELOAD_SELECT: &str = "
    SELECT c.id AS client_id, c.reference, c.given_name, c.family_name, c.area_id,
           c.care_coordinator_id,
           c.iom, c.ppo, c.mappa, c.marac, c.matac, c.approved_premises, c.drr, c.atr,
           c.licence_condition,
           e.id AS episode_id, e.referral_date, e.assessment_date, e.care_plan_date, e.engaged,
           e.exit_plan, e.extension_review_date,
           cu.prison, cu.expected_release_date, cu.earliest_release_date, cu.appointment_booked,
           cu.prescriber_confirmed, cu.naloxone_given, cu.accommodation_confirmed,
           cu.prison_team_contacted, cu.dan_advised, cu.id IS NOT NULL AS in_custody,
           lc.contact_at AS last_contact,
           c.consent_to_share, c.domestic_abuse, e.next_review_date,
           cu.reception_date, coalesce(trim(cu.handover_with), '') <> '' AS handover_named,
           cu.handover_on, coalesce(trim(cu.handover_waived), '') <> '' AS handover_waived,
           cu.handover_prescribing, cu.handover_consent, cu.reception_kind,
           o.kind AS order_kind, o.end_date AS ends_as_made, o.early_end_date AS ends_early,
           o.late_end_date AS ends_late,
           (SELECT string_agg(r.review_on, ',') FROM court_review r
             WHERE r.court_order_id = o.id AND r.report_sent = 0) AS court_reviews
      FROM client c
      JOIN episode e ON e.client_id = c.id AND e.closure_date IS NULL
      LEFT JOIN custody cu ON cu.client_id = c.id AND cu.actual_release_date IS NULL
      LEFT JOIN court_order o ON o.client_id = c.id AND o.ended_on IS NULL
      LEFT JOIN client_last_contact lc ON lc.client_id = c.id";

super::read::columns! {
    /// Where [`CASELOAD_SELECT`] put each column, found once per read.
    CaseloadColumns {
        client_id, reference, given_name, family_name, area_id, care_coordinator_id,
        episode_id, referral_date, assessment_date, care_plan_date, engaged, exit_plan,
        extension_review_date, prison, expected_release_date, earliest_release_date,
        in_custody, last_contact, consent_to_share, domestic_abuse, next_review_date, reception_date,
        handover_named, handover_on, handover_waived, handover_prescribing, handover_consent,
        reception_kind,
    }
}

/// [`CASELOAD_SELECT`]'s columns, looked up once: a caseload read maps up to 100,000
/// rows, and a search by name for each of 40 cells would cost more than the query.
struct CaseloadAt {
    row: CaseloadColumns,
    flags: FlagColumns,
    checklist: ChecklistColumns,
    order: super::orders::OrderColumns,
}

impl CaseloadAt {
    /// The positions in `row`'s statement (every row of it has the same).
    fn of(row: &Row) -> sql::Result<Self> {
        Ok(Self {
            row: CaseloadColumns::of(row)?,
            flags: FlagColumns::of(row)?,
            checklist: ChecklistColumns::of(row)?,
            order: super::orders::OrderColumns::of(row)?,
        })
    }
}

/// A row of [`CASELOAD_SELECT`], its columns where `at` found them.
fn caseload_row(r: &Row, at: &CaseloadAt) -> sql::Result<CaseloadRow> {
    let c = &at.row;
    let custody = if r.get_at::<bool>(c.in_custody)? {
        let prison: String = r.get_at(c.prison)?;
        Some(Box::new(CustodySummary {
            expected_release_date: date_opt(r, c.expected_release_date)?,
            earliest_release_date: date_opt(r, c.earliest_release_date)?,
            checklist: checklist(r, &at.checklist)?,
            reception_date: r.get_at(c.reception_date)?,
            reception_kind: code_opt(r, c.reception_kind)?,
            handover: Handover {
                prison_known: prison != PRISON_NOT_KNOWN,
                named: r.get_at(c.handover_named)?,
                contacted_on: date_opt(r, c.handover_on)?,
                waived: r.get_at(c.handover_waived)?,
                prescribing_confirmed: r.get_at(c.handover_prescribing)?,
                consent_confirmed: r.get_at(c.handover_consent)?,
            },
            prison,
        }))
    } else {
        None
    };
    let text = |index| -> sql::Result<&str> {
        r.text_at(index)?.ok_or_else(|| sql::Error::Conversion {
            column: r.names()[index].clone(),
            wanted: "text",
            found: "null".to_owned(),
        })
    };
    Ok(CaseloadRow {
        client_id: r.get_at(c.client_id)?,
        label: ClientLabel::new(
            text(c.family_name)?,
            text(c.given_name)?,
            text(c.reference)?,
        ),
        area_id: r.get_at(c.area_id)?,
        care_coordinator_id: r.get_at(c.care_coordinator_id)?,
        consent: r.get_at(c.consent_to_share)?,
        domestic_abuse: r.get_at(c.domestic_abuse)?,
        flags: flags_of(r, &at.flags)?,
        episode: EpisodeDates {
            id: r.get_at(c.episode_id)?,
            referral_date: date_opt(r, c.referral_date)?,
            assessment_date: date_opt(r, c.assessment_date)?,
            care_plan_date: date_opt(r, c.care_plan_date)?,
            engaged: r.get_at(c.engaged)?,
            exit_plan: r.text_at(c.exit_plan)?.map(Box::from),
            extension_review_date: date_opt(r, c.extension_review_date)?,
        },
        custody,
        last_contact: date_opt(r, c.last_contact)?,
        next_review_date: date_opt(r, c.next_review_date)?,
        order: super::orders::order_dates(r, &at.order)?,
    })
}

/// Orders caseload rows as SQLite's `ORDER BY family_name COLLATE NOCASE, given_name
/// COLLATE NOCASE, id` would. Sorting in place needs no memory beside the rows.
pub(super) fn by_name(a: &CaseloadRow, b: &CaseloadRow) -> Ordering {
    cmp_nocase(a.label.family(), b.label.family())
        .then_with(|| cmp_nocase(a.label.given(), b.label.given()))
        .then(a.client_id.cmp(&b.client_id))
}

/// A worker from a row of `id, name, login, role, area_id, active`.
fn worker_row(r: &Row) -> sql::Result<Worker> {
    Ok(Worker {
        id: r.get("id")?,
        name: r.get("name")?,
        login: r.get("login")?,
        role: code::<Role>(r, "role")?,
        area_id: r.get("area_id")?,
        active: r.get("active")?,
    })
}

impl Store {
    /// A `meta` value, if set.
    ///
    /// # Errors
    /// The database's error.
    pub fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .query_opt("SELECT value FROM meta WHERE key = ?1", &[key.into()])?
            .map(|r| r.get("value"))
            .transpose()?)
    }

    /// Every area, by name (ignoring case, as SQLite's `NOCASE` compares).
    ///
    /// # Errors
    /// The database's error.
    pub fn areas(&self) -> StoreResult<Vec<Area>> {
        areas_on(&self.conn)
    }

    /// Every worker, by name (byte order), those who have left (`active` false) too.
    ///
    /// # Errors
    /// The database's error.
    pub fn workers(&self) -> StoreResult<Vec<Worker>> {
        let sql = format!(
            "SELECT id, name, login, role, area_id, active FROM worker ORDER BY {}, id",
            self.conn.dialect().binary("name")
        );
        let rows = self.conn.query(&sql, &[])?;
        Ok(rows.iter().map(worker_row).collect::<sql::Result<_>>()?)
    }

    /// The active worker who signs in as `login`, if any.
    ///
    /// # Errors
    /// The database's error.
    pub fn worker_by_login(&self, login: &str) -> StoreResult<Option<Worker>> {
        Ok(self
            .conn
            .query_opt(
                "SELECT id, name, login, role, area_id, active FROM worker \
                 WHERE login = ?1 AND active = 1",
                &[login.into()],
            )?
            .as_ref()
            .map(worker_row)
            .transpose()?)
    }

    /// Hands each row of `sql` (a [`CASELOAD_SELECT`] with its conditions) to `each`,
    /// as it is read, its columns looked up once for the whole read.
    ///
    /// # Errors
    /// The database's error.
    pub(super) fn each_caseload_row(
        &self,
        sql: &str,
        values: &[Value],
        mut each: impl FnMut(CaseloadRow),
    ) -> StoreResult<()> {
        let mut at = None;
        self.conn.scan(sql, values, |row| {
            let at = match at {
                Some(ref at) => at,
                None => at.insert(CaseloadAt::of(row)?),
            };
            each(caseload_row(row, at)?);
            Ok(())
        })?;
        Ok(())
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
        // Counted first, so the rows go straight into a vector of the right size: a
        // growing one would hold up to twice the caseload while it is copied.
        let count: i64 = self
            .conn
            .query_row(
                &format!(
                    "SELECT count(*) AS n FROM client c
                       JOIN episode e ON e.client_id = c.id AND e.closure_date IS NULL {limits}"
                ),
                &values,
            )?
            .get_at(0)?;
        let mut rows = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        let mut by_id: Vec<&Arc<CaseloadRow>> = previous.iter().collect();
        by_id.sort_unstable_by_key(|r| r.client_id);
        self.each_caseload_row(&format!("{CASELOAD_SELECT} {limits}"), &values, |row| {
            let same = by_id
                .binary_search_by_key(&row.client_id, |r| r.client_id)
                .ok()
                .map(|i| by_id[i])
                .filter(|old| ***old == row);
            rows.push(same.map_or_else(|| Arc::new(row), Arc::clone));
        })?;
        rows.sort_unstable_by(|a, b| by_name(a, b));
        Ok(rows)
    }
}

/// [`Store::areas`] on any connection or transaction.
pub(super) fn areas_on(conn: &sql::Connection) -> StoreResult<Vec<Area>> {
    let sql = format!(
        "SELECT id, name, intensive FROM area ORDER BY {}, id",
        conn.dialect().nocase("name")
    );
    let rows = conn.query(&sql, &[])?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(Area {
                id: r.get("id")?,
                name: r.get("name")?,
                intensive: r.get("intensive")?,
            })
        })
        .collect::<sql::Result<_>>()?)
}
