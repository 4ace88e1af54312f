//! Reads for the breaches, releases and client-record views. Columns are read by
//! name; a column two joined tables share gets an alias saying whose it is.

use super::read::{ChecklistColumns, FlagColumns, checklist, code, code_opt, flags_of};
use super::sql::{self, Row, Value};
use super::{Store, StoreError, StoreResult};
use crate::domain::handover::{Handover, PRISON_NOT_KNOWN};
use crate::domain::model::Substance;
use crate::domain::record::{
    AssessmentRecord, AuditRecord, BreachRow, ClientRecord, ClientRef, ContactRecord,
    CustodyRecord, EpisodeRecord, ModalityRecord, Profile, ReengagementRecord, ReleaseRow,
    TestRecord,
};
use crate::domain::reengage::Tried;

/// Columns of [`ClientRef`], read by [`client_ref`]; `c` is the client.
const CLIENT_REF: &str =
    "c.id AS client_id, c.reference, c.family_name || ', ' || c.given_name AS client_name,
    c.area_id, c.care_coordinator_id,
    EXISTS (SELECT 1 FROM episode e WHERE e.client_id = c.id AND e.closure_date IS NULL)
        AS on_caseload";

fn client_ref(r: &Row) -> sql::Result<ClientRef> {
    Ok(ClientRef {
        client_id: r.get("client_id")?,
        reference: r.get("reference")?,
        name: r.get("client_name")?,
        area_id: r.get("area_id")?,
        care_coordinator_id: r.get("care_coordinator_id")?,
        on_caseload: r.get("on_caseload")?,
    })
}

fn breach_row(r: &Row) -> sql::Result<BreachRow> {
    Ok(BreachRow {
        client: client_ref(r)?,
        id: r.get("breach_id")?,
        rag: code(r, "rag")?,
        raised_at: r.get("raised_at")?,
        deadline: r.get("deadline")?,
        status: code(r, "status")?,
        resolution_date: r.get("resolution_date")?,
        tried: tried(r)?,
    })
}

/// What was tried to re-engage since a breach, from the columns `tried_count`,
/// `tried_at` and `tried_how`.
pub(super) fn tried(r: &Row) -> sql::Result<Tried> {
    Ok(Tried {
        count: r.get("tried_count")?,
        last: match r.get("tried_at")? {
            Some(at) => Some((at, code(r, "tried_how")?)),
            None => None,
        },
    })
}

const BREACH_SELECT: &str = "b.id AS breach_id, b.rag, b.raised_at, b.deadline, b.status,
    b.resolution_date,
    (SELECT count(*) FROM reengagement r WHERE r.breach_id = b.id) AS tried_count,
    (SELECT r.attempted_at FROM reengagement r WHERE r.breach_id = b.id
      ORDER BY r.attempted_at DESC, r.id DESC LIMIT 1) AS tried_at,
    (SELECT r.how FROM reengagement r WHERE r.breach_id = b.id
      ORDER BY r.attempted_at DESC, r.id DESC LIMIT 1) AS tried_how
    FROM breach b JOIN client c ON c.id = b.client_id";

impl Store {
    /// Breaches: outstanding ones by deadline, or (with `outstanding = false`) those
    /// dealt with, most recent first.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn breaches(&self, outstanding: bool) -> StoreResult<Vec<BreachRow>> {
        let sql = if outstanding {
            format!(
                "SELECT {CLIENT_REF}, {BREACH_SELECT} WHERE b.status = 'outstanding' ORDER BY b.deadline, b.id"
            )
        } else {
            format!(
                "SELECT {CLIENT_REF}, {BREACH_SELECT} WHERE b.status <> 'outstanding'
                  ORDER BY b.resolution_date DESC, b.id DESC"
            )
        };
        let rows = self.conn.query(&sql, &[])?;
        Ok(rows.iter().map(breach_row).collect::<sql::Result<_>>()?)
    }

    /// Everyone in custody now, soonest expected release first (unknown dates last).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn releases(&self) -> StoreResult<Vec<ReleaseRow>> {
        let sql = format!(
            "SELECT {CLIENT_REF}, cu.prison, cu.expected_release_date, cu.earliest_release_date,
                    cu.release_type, cu.appointment_booked, cu.prescriber_confirmed, cu.naloxone_given,
                    cu.accommodation_confirmed, cu.prison_team_contacted, cu.dan_advised,
                    cu.id AS custody_id
               FROM custody cu JOIN client c ON c.id = cu.client_id
              WHERE cu.actual_release_date IS NULL
              ORDER BY coalesce(cu.earliest_release_date, cu.expected_release_date) IS NULL,
                       coalesce(cu.earliest_release_date, cu.expected_release_date), cu.id"
        );
        let rows = self.conn.query(&sql, &[])?;
        Ok(rows
            .iter()
            .map(|r| {
                Ok(ReleaseRow {
                    client: client_ref(r)?,
                    id: r.get("custody_id")?,
                    prison: r.get("prison")?,
                    expected_release_date: r.get("expected_release_date")?,
                    earliest_release_date: r.get("earliest_release_date")?,
                    release_type: code_opt(r, "release_type")?,
                    checklist: checklist(r, &ChecklistColumns::of(r)?)?,
                })
            })
            .collect::<sql::Result<_>>()?)
    }

    /// The client id for a reference (ignoring case), if there is one.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn client_id_by_reference(&self, reference: &str) -> StoreResult<Option<i64>> {
        Ok(self
            .conn
            .query_opt(
                "SELECT id FROM client WHERE lower(reference) = lower(?1)",
                &[reference.trim().into()],
            )?
            .map(|r| r.get("id"))
            .transpose()?)
    }

    /// Everything about one client, for the client record view: one query per
    /// section of the record.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if there is no such client, or an SQLite error.
    pub fn client_record(&self, client_id: i64) -> StoreResult<ClientRecord> {
        Ok(ClientRecord {
            profile: self.profile(client_id)?,
            episodes: self.list(
                "SELECT id, referral_date, referral_source, assessment_date, dan_advised, care_plan_date,
                        next_review_date, engaged, prescribed, tier, exit_plan, extension_reason,
                        extension_review_date, closure_date, exit_reason, follows_order_id
                   FROM episode WHERE client_id = ?1 ORDER BY referral_date DESC, id DESC",
                client_id,
                episode_record,
            )?,
            custody: self.custody_records(client_id)?,
            orders: self.order_records(client_id)?,
            assessments: self.list(
                "SELECT kind, appointment_at, outcome, id FROM required_assessment
                  WHERE client_id = ?1 ORDER BY appointment_at DESC, id DESC",
                client_id,
                |r| {
                    Ok(AssessmentRecord {
                        kind: code(r, "kind")?,
                        appointment_at: r.get("appointment_at")?,
                        outcome: code_opt(r, "outcome")?,
                        id: r.get("id")?,
                    })
                },
            )?,
            modalities: self.list(
                "SELECT m.id, m.kind, m.started_on, m.ended_on, m.completed FROM modality m
                   JOIN episode e ON e.id = m.episode_id
                  WHERE e.client_id = ?1 ORDER BY m.started_on DESC, m.id DESC",
                client_id,
                |r| {
                    Ok(ModalityRecord {
                        id: r.get("id")?,
                        kind: code(r, "kind")?,
                        started_on: r.get("started_on")?,
                        ended_on: r.get("ended_on")?,
                        completed: r.get("completed")?,
                    })
                },
            )?,
            breaches: self.list(
                &format!("SELECT {CLIENT_REF}, {BREACH_SELECT} WHERE c.id = ?1 ORDER BY b.raised_at DESC, b.id DESC"),
                client_id,
                breach_row,
            )?,
            reengagements: self.list(
                "SELECT r.breach_id, r.attempted_at, r.how, r.note FROM reengagement r
                   JOIN breach b ON b.id = r.breach_id
                  WHERE b.client_id = ?1 ORDER BY r.attempted_at DESC, r.id DESC",
                client_id,
                |r| {
                    Ok(ReengagementRecord {
                        breach_id: r.get("breach_id")?,
                        at: r.get("attempted_at")?,
                        how: code(r, "how")?,
                        note: r.get("note")?,
                    })
                },
            )?,
            tests: self.list(
                "SELECT tested_on, kind, result FROM drug_test WHERE client_id = ?1
                  ORDER BY tested_on DESC, id DESC",
                client_id,
                |r| {
                    Ok(TestRecord {
                        tested_on: r.get("tested_on")?,
                        kind: code(r, "kind")?,
                        result: code(r, "result")?,
                    })
                },
            )?,
            contacts: self.list(
                "SELECT k.contact_at, k.kind, w.name AS worker, k.note FROM contact k
                   JOIN worker w ON w.id = k.worker_id
                  WHERE k.client_id = ?1 ORDER BY k.contact_at DESC, k.id DESC",
                client_id,
                |r| {
                    Ok(ContactRecord {
                        contact_at: r.get("contact_at")?,
                        kind: code(r, "kind")?,
                        worker: r.get("worker")?,
                        note: r.get("note")?,
                    })
                },
            )?,
            audit: self.client_audit(client_id)?,
            viewers: self.viewers(client_id)?,
        })
    }

    /// The client row itself, with the names of its area and care co-ordinator.
    fn profile(&self, client_id: i64) -> StoreResult<Profile> {
        let row = self.conn.query_opt(
            "SELECT c.id, c.reference, c.given_name, c.family_name, c.date_of_birth, c.sex,
                    c.ethnicity, c.nhs_number, a.name AS area, w.name AS care_coordinator,
                    c.consent_date, c.substance_1, c.substance_2, c.substance_3, c.iom, c.ppo,
                    c.mappa, c.marac, c.matac, c.approved_premises, c.drr, c.atr,
                    c.licence_condition, c.version,
                    nullif(trim(c.gp_practice), '') AS gp_practice,
                    nullif(trim(c.prescriber), '') AS prescriber, c.domestic_abuse
               FROM client c JOIN area a ON a.id = c.area_id
               LEFT JOIN worker w ON w.id = c.care_coordinator_id
              WHERE c.id = ?1",
            &[Value::Integer(client_id)],
        )?;
        let Some(r) = row else {
            return Err(StoreError::NotFound {
                entity: "client",
                key: format!("#{client_id}"),
            });
        };
        let substances = ["substance_1", "substance_2", "substance_3"]
            .into_iter()
            .map(|column| code_opt::<Substance>(&r, column))
            .collect::<sql::Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect();
        Ok(Profile {
            id: r.get("id")?,
            reference: r.get("reference")?,
            given_name: r.get("given_name")?,
            family_name: r.get("family_name")?,
            date_of_birth: r.get("date_of_birth")?,
            sex: code(&r, "sex")?,
            ethnicity: code(&r, "ethnicity")?,
            nhs_number: r.get("nhs_number")?,
            area: r.get("area")?,
            care_coordinator: r.get("care_coordinator")?,
            consent_date: r.get("consent_date")?,
            substances,
            flags: flags_of(&r, &FlagColumns::of(&r)?)?,
            version: r.get("version")?,
            gp_practice: r.get("gp_practice")?,
            prescriber: r.get("prescriber")?,
            domestic_abuse: r.get("domestic_abuse")?,
        })
    }

    /// The client's custody episodes, newest first, with their hand-overs.
    fn custody_records(&self, client_id: i64) -> StoreResult<Vec<CustodyRecord>> {
        self.list(
            "SELECT prison, reception_date, expected_release_date, earliest_release_date,
                    release_type, appointment_booked, prescriber_confirmed, naloxone_given,
                    accommodation_confirmed, prison_team_contacted, dan_advised, reception_kind,
                    actual_release_date, id,
                    nullif(trim(handover_with), '') AS handover_with, handover_on,
                    handover_prescribing, handover_consent,
                    nullif(trim(handover_waived), '') AS handover_waived
               FROM custody WHERE client_id = ?1 ORDER BY reception_date DESC, id DESC",
            client_id,
            |r| {
                let prison: String = r.get("prison")?;
                let handover_with: Option<String> = r.get("handover_with")?;
                let handover_waived: Option<String> = r.get("handover_waived")?;
                let handover = Handover {
                    prison_known: prison != PRISON_NOT_KNOWN,
                    named: handover_with.is_some(),
                    contacted_on: r.get("handover_on")?,
                    prescribing_confirmed: r.get("handover_prescribing")?,
                    consent_confirmed: r.get("handover_consent")?,
                    waived: handover_waived.is_some(),
                };
                Ok(CustodyRecord {
                    handover,
                    handover_with,
                    handover_waived,
                    prison,
                    reception_date: r.get("reception_date")?,
                    reception_kind: code_opt(r, "reception_kind")?,
                    expected_release_date: r.get("expected_release_date")?,
                    earliest_release_date: r.get("earliest_release_date")?,
                    release_type: code_opt(r, "release_type")?,
                    checklist: checklist(r, &ChecklistColumns::of(r)?)?,
                    actual_release_date: r.get("actual_release_date")?,
                    id: r.get("id")?,
                })
            },
        )
    }

    /// Audit rows about the client row and the rows that belong to it.
    fn client_audit(&self, client_id: i64) -> StoreResult<Vec<AuditRecord>> {
        self.list(
            "SELECT at, who, entity, action, before, after FROM audit
              WHERE (entity = 'client' AND row_id = ?1)
                 OR (entity = 'episode' AND row_id IN (SELECT id FROM episode WHERE client_id = ?1))
                 OR (entity = 'custody' AND row_id IN (SELECT id FROM custody WHERE client_id = ?1))
                 OR (entity = 'contact' AND row_id IN (SELECT id FROM contact WHERE client_id = ?1))
                 OR (entity = 'breach' AND row_id IN (SELECT id FROM breach WHERE client_id = ?1))
                 OR (entity = 'required_assessment'
                     AND row_id IN (SELECT id FROM required_assessment WHERE client_id = ?1))
                 OR (entity = 'drug_test' AND row_id IN (SELECT id FROM drug_test WHERE client_id = ?1))
                 OR (entity = 'court_order' AND row_id IN (SELECT id FROM court_order WHERE client_id = ?1))
                 OR (entity = 'court_review' AND row_id IN (SELECT r.id FROM court_review r
                     JOIN court_order o ON o.id = r.court_order_id WHERE o.client_id = ?1))
              ORDER BY id DESC",
            client_id,
            |r| {
                Ok(AuditRecord {
                    at: r.get("at")?,
                    who: r.get("who")?,
                    entity: r.get("entity")?,
                    action: r.get("action")?,
                    before: r.get("before")?,
                    after: r.get("after")?,
                })
            },
        )
    }

    /// Runs a query with one id parameter and collects its mapped rows.
    fn list<T>(
        &self,
        sql: &str,
        id: i64,
        map: impl FnMut(&Row) -> sql::Result<T>,
    ) -> StoreResult<Vec<T>> {
        let rows = self.conn.query(sql, &[Value::Integer(id)])?;
        Ok(rows.iter().map(map).collect::<sql::Result<_>>()?)
    }
}

/// One episode of the client record.
fn episode_record(r: &Row) -> sql::Result<EpisodeRecord> {
    let extension: Option<String> = r.get("extension_reason")?;
    let closure = r.get::<Option<chrono::NaiveDate>>("closure_date")?;
    Ok(EpisodeRecord {
        id: r.get("id")?,
        referral_date: r.get("referral_date")?,
        referral_source: code(r, "referral_source")?,
        assessment_date: r.get("assessment_date")?,
        dan_advised: r.get("dan_advised")?,
        care_plan_date: r.get("care_plan_date")?,
        next_review_date: r.get("next_review_date")?,
        engaged: r.get("engaged")?,
        prescribed: r.get("prescribed")?,
        tier: r.get("tier")?,
        exit_plan: r.get("exit_plan")?,
        extension: extension.zip(r.get("extension_review_date")?),
        closure: match closure {
            Some(date) => Some((date, code(r, "exit_reason")?)),
            None => None,
        },
        follows_order: r.get("follows_order_id")?,
    })
}
