//! SQL for exports: the export tables, streamed a row at a time.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::sql::Value;
use super::{Store, StoreError, StoreResult};

/// Rows to export, whole: column names and text cells (for small tables and tests; an
/// export streams through [`Store::export_each`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportTable {
    /// Column names.
    pub columns: Vec<&'static str>,
    /// Rows of cells, as text ("" for NULL).
    pub rows: Vec<Vec<String>>,
}

/// The export tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportKind {
    /// Clients with an open episode, in the columns of the clients import (so the file
    /// imports back unchanged), in reference number order.
    Caseload,
    /// Every breach, outstanding first (the weekly breach spreadsheet).
    Breaches,
    /// Clients in custody, by expected release date.
    Releases,
    /// The audit log, oldest first.
    Audit,
    /// The access log, oldest first: who opened which record, exported or listed how
    /// many (team leaders and admins only).
    Access,
    /// Every drug test, in the columns of the drug-tests import, by client and day.
    DrugTests,
    /// Every custody-suite tally, in the columns of the tallies import, by area and day.
    Tallies,
    /// Every positive outcome, in the columns of the outcomes import, by client and day.
    Outcomes,
    /// Every modality, in the columns of the modalities import, by client and start.
    Modalities,
    /// Brief interventions counted per area, day, worker and where they signposted
    /// people, in the columns of the brief-interventions import.
    BriefInterventions,
    /// Every Required Assessment and Restriction on Bail appointment, with its outcome
    /// and the breach a failed attendance raised, in the columns of the assessments
    /// import, by client and time.
    Assessments,
    /// Every engaged episode's engagement day, in the columns of the engagement import.
    Engagement,
    /// Every court order and licence with every date it may end on, in the columns of
    /// the orders import, by client and start.
    Orders,
    /// Every court review of an order, with whether its progress report went, in the
    /// columns of the court-reviews import, by client, order and review date.
    CourtReviews,
}

/// References in number order: by the number they end with (`C-9` before `C-10`), then
/// as text (`C-010` before `C-10`); references without a number first.
const REFERENCE_ORDER: &str =
    "length(ltrim(substr(c.reference, length(rtrim(c.reference, '0123456789')) + 1), '0')),
    ltrim(substr(c.reference, length(rtrim(c.reference, '0123456789')) + 1), '0'), c.reference";

impl ExportKind {
    /// The column names, in order.
    #[must_use]
    #[allow(clippy::too_many_lines)] // the columns of every export, in one table
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Caseload => &[
                "reference",
                "given_name",
                "family_name",
                "date_of_birth",
                "area",
                "sex",
                "ethnicity",
                "nhs_number",
                "care_coordinator",
                "consent_date",
                "substance_1",
                "substance_2",
                "substance_3",
                "iom",
                "ppo",
                "mappa",
                "marac",
                "matac",
                "approved_premises",
                "drr",
                "atr",
                "licence_condition",
                "gp_practice",
                "prescribing_service",
                "da_perpetrator",
            ],
            Self::Breaches => &[
                "client_reference",
                "given_name",
                "family_name",
                "area",
                "raised_at",
                "rag",
                "deadline",
                "status",
                "resolution_date",
                "overdue",
            ],
            Self::Releases => &[
                "client_reference",
                "given_name",
                "family_name",
                "area",
                "prison",
                "reception_date",
                "expected_release_date",
                "earliest_release_date",
                "release_type",
                "appointment_booked",
                "prescriber_confirmed",
                "naloxone_given",
                "accommodation_confirmed",
                "prison_team_contacted",
                "dan_advised",
            ],
            Self::Audit => &[
                "id", "at", "who", "entity", "row_id", "action", "before", "after",
            ],
            Self::Access => &[
                "id",
                "at",
                "login",
                "worker",
                "what",
                "detail",
                "client_reference",
                "rows",
            ],
            Self::DrugTests => &["client_reference", "tested_on", "kind", "result"],
            Self::Tallies => &["area", "recorded_on", "charged", "tested", "positive"],
            Self::Outcomes => &["client_reference", "referral_date", "recorded_on", "kind"],
            Self::Modalities => &[
                "client_reference",
                "referral_date",
                "kind",
                "started_on",
                "ended_on",
                "completed",
            ],
            Self::BriefInterventions => {
                &["area", "recorded_on", "worker", "signposted_to", "count"]
            }
            Self::Assessments => &[
                "client_reference",
                "appointment_at",
                "kind",
                "outcome",
                "breach_rag",
                "breached_at",
            ],
            Self::Engagement => &["client_reference", "referral_date", "engaged_on"],
            Self::Orders => &[
                "client_reference",
                "kind",
                "court",
                "start_date",
                "end_date",
                "early_end_date",
                "late_end_date",
                "ended_on",
            ],
            Self::CourtReviews => &[
                "client_reference",
                "order_kind",
                "order_start_date",
                "review_on",
                "report_sent",
            ],
        }
    }

    /// The query: `?1` is today (as text; the exports that do not compare with it
    /// still take it, as [`EVERY_DAY`]).
    fn sql(self) -> String {
        match self {
            Self::Caseload => format!(
                "SELECT {CLIENT_COLUMNS} FROM client c JOIN area a ON a.id = c.area_id
                   LEFT JOIN worker w ON w.id = c.care_coordinator_id
                  WHERE EXISTS (SELECT 1 FROM episode e WHERE e.client_id = c.id AND e.closure_date IS NULL)
                    AND {EVERY_DAY}
                  ORDER BY {REFERENCE_ORDER}"
            ),
            Self::Breaches => format!(
                "SELECT c.reference, c.given_name, c.family_name, a.name, b.raised_at, b.rag,
                        b.deadline, b.status, b.resolution_date,
                        CASE WHEN b.status = 'outstanding' AND substr(b.deadline, 1, 10) < ?1
                             THEN 'yes' ELSE '' END
                   FROM breach b JOIN client c ON c.id = b.client_id JOIN area a ON a.id = c.area_id
                  ORDER BY b.status <> 'outstanding', b.deadline, {REFERENCE_ORDER}"
            ),
            Self::Releases => format!(
                "SELECT c.reference, c.given_name, c.family_name, a.name, cu.prison,
                        cu.reception_date, cu.expected_release_date, cu.earliest_release_date,
                        cu.release_type, cu.appointment_booked, cu.prescriber_confirmed,
                        cu.naloxone_given, cu.accommodation_confirmed, cu.prison_team_contacted,
                        cu.dan_advised
                   FROM custody cu JOIN client c ON c.id = cu.client_id JOIN area a ON a.id = c.area_id
                  WHERE cu.actual_release_date IS NULL AND {EVERY_DAY}
                  ORDER BY cu.expected_release_date IS NULL, cu.expected_release_date, {REFERENCE_ORDER}"
            ),
            Self::Audit => format!(
                "SELECT id, at, who, entity, row_id, action, before, after FROM audit
                  WHERE {EVERY_DAY} ORDER BY id"
            ),
            Self::Access => format!(
                "SELECT l.id, l.at, l.login, w.name, l.what, l.detail, c.reference, l.row_count
                   FROM access_log l LEFT JOIN worker w ON w.login = l.login
                   LEFT JOIN client c ON c.id = l.client_id
                  WHERE {EVERY_DAY} ORDER BY l.id"
            ),
            Self::DrugTests => format!(
                "SELECT c.reference, t.tested_on, t.kind, t.result
                   FROM drug_test t JOIN client c ON c.id = t.client_id
                  WHERE {EVERY_DAY}
                  ORDER BY {REFERENCE_ORDER}, t.tested_on, t.kind, t.result"
            ),
            Self::Tallies => format!(
                "SELECT a.name, t.recorded_on, t.charged, t.tested, t.positive
                   FROM custody_tally t JOIN area a ON a.id = t.area_id
                  WHERE {EVERY_DAY} ORDER BY a.name, t.recorded_on"
            ),
            Self::Outcomes => format!(
                "SELECT c.reference, e.referral_date, o.recorded_on, o.kind
                   FROM positive_outcome o JOIN episode e ON e.id = o.episode_id
                   JOIN client c ON c.id = e.client_id
                  WHERE {EVERY_DAY}
                  ORDER BY {REFERENCE_ORDER}, e.referral_date, o.recorded_on, o.kind"
            ),
            Self::Modalities => format!(
                "SELECT c.reference, e.referral_date, m.kind, m.started_on, m.ended_on,
                        CASE m.completed WHEN 1 THEN 'yes' ELSE 'no' END
                   FROM modality m JOIN episode e ON e.id = m.episode_id
                   JOIN client c ON c.id = e.client_id
                  WHERE {EVERY_DAY}
                  ORDER BY {REFERENCE_ORDER}, e.referral_date, m.started_on, m.kind"
            ),
            // Grouped by the joined rows' keys (the same groups as the outreach row's
            // area and worker), so PostgreSQL sees their names are one per group.
            Self::BriefInterventions => format!(
                "SELECT a.name, o.recorded_on, coalesce(w.login, w.name), o.signposted_to, count(*)
                   FROM outreach o JOIN area a ON a.id = o.area_id JOIN worker w ON w.id = o.worker_id
                  WHERE {EVERY_DAY}
                  GROUP BY a.id, o.recorded_on, w.id, o.signposted_to
                  ORDER BY a.name, o.recorded_on, 3, o.signposted_to IS NOT NULL, o.signposted_to"
            ),
            // A failed attendance's first breach (the one its outcome raised).
            Self::Assessments => format!(
                "SELECT c.reference, r.appointment_at, r.kind, r.outcome, b.rag, b.raised_at
                   FROM required_assessment r JOIN client c ON c.id = r.client_id
                   LEFT JOIN breach b ON b.id = (SELECT min(id) FROM breach
                                                  WHERE required_assessment_id = r.id)
                  WHERE {EVERY_DAY}
                  ORDER BY {REFERENCE_ORDER}, r.appointment_at, r.kind"
            ),
            Self::Engagement => format!(
                "SELECT c.reference, e.referral_date, e.engaged_on
                   FROM episode e JOIN client c ON c.id = e.client_id
                  WHERE e.engaged = 1 AND e.engaged_on IS NOT NULL AND {EVERY_DAY}
                  ORDER BY {REFERENCE_ORDER}, e.referral_date"
            ),
            Self::Orders => format!(
                "SELECT c.reference, o.kind, o.court, o.start_date, o.end_date, o.early_end_date,
                        o.late_end_date, o.ended_on
                   FROM court_order o JOIN client c ON c.id = o.client_id
                  WHERE {EVERY_DAY}
                  ORDER BY {REFERENCE_ORDER}, o.start_date, o.kind"
            ),
            Self::CourtReviews => format!(
                "SELECT c.reference, o.kind, o.start_date, r.review_on,
                        CASE r.report_sent WHEN 1 THEN 'yes' ELSE 'no' END
                   FROM court_review r JOIN court_order o ON o.id = r.court_order_id
                   JOIN client c ON c.id = o.client_id
                  WHERE {EVERY_DAY}
                  ORDER BY {REFERENCE_ORDER}, o.start_date, o.kind, r.review_on"
            ),
        }
    }
}

/// The condition of an export that does not compare with today: it still takes `?1`,
/// typed, as PostgreSQL must know every parameter's type.
const EVERY_DAY: &str = "CAST(?1 AS TEXT) IS NOT NULL";

const CLIENT_COLUMNS: &str =
    "c.reference, c.given_name, c.family_name, c.date_of_birth, a.name, c.sex,
    c.ethnicity, c.nhs_number, coalesce(w.login, w.name), c.consent_date, c.substance_1,
    c.substance_2, c.substance_3, c.iom, c.ppo, c.mappa, c.marac, c.matac, c.approved_premises,
    c.drr, c.atr, c.licence_condition, c.gp_practice, c.prescriber, c.domestic_abuse";

impl Store {
    /// Calls `each` with every row of an export in order, as it is read, every cell as
    /// text ("" for NULL); the cells are `kind.columns()`. Nothing is held beyond one
    /// row, so an export of any size runs in the same memory, on either engine.
    ///
    /// # Errors
    /// The engine's error, or the first error `each` returns (which stops the export).
    pub fn export_each<E: From<StoreError>>(
        &self,
        kind: ExportKind,
        today: NaiveDate,
        mut each: impl FnMut(&mut [String]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut cells = vec![String::new(); kind.columns().len()];
        self.conn
            .try_for_each(&kind.sql(), &[today.into()], |row| {
                for (cell, value) in cells.iter_mut().zip(row.values()) {
                    cell.clear();
                    match value {
                        Value::Null => {}
                        Value::Integer(n) => {
                            let _ = write!(cell, "{n}");
                        }
                        Value::Real(x) => {
                            let _ = write!(cell, "{x}");
                        }
                        Value::Text(t) => cell.push_str(t),
                    }
                }
                each(&mut cells).map_err(Stop::Each)
            })
            .map_err(|stop| match stop {
                Stop::Each(e) => e,
                Stop::Read(e) => StoreError::from(e).into(),
            })
    }

    /// How many rows the `kind` export has now (for the access log, which records an
    /// export before it is written).
    ///
    /// # Errors
    /// The engine's error.
    pub fn export_count(&self, kind: ExportKind, today: NaiveDate) -> StoreResult<usize> {
        let count: i64 = self
            .conn
            .query_row(
                &format!("SELECT count(*) AS n FROM ({}) AS export", kind.sql()),
                &[today.into()],
            )?
            .get("n")?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// One export table, whole.
    ///
    /// # Errors
    /// The engine's error.
    pub fn export_table(&self, kind: ExportKind, today: NaiveDate) -> StoreResult<ExportTable> {
        let mut rows = Vec::new();
        self.export_each(kind, today, |row: &mut [String]| -> StoreResult<()> {
            rows.push(row.to_vec());
            Ok(())
        })?;
        Ok(ExportTable {
            columns: kind.columns().to_vec(),
            rows,
        })
    }
}

/// Why an export's read stopped: the engine, or the caller's `each`.
enum Stop<E> {
    Read(super::sql::Error),
    Each(E),
}

impl<E> From<super::sql::Error> for Stop<E> {
    fn from(e: super::sql::Error) -> Self {
        Self::Read(e)
    }
}
