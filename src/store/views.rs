//! Reads for the breaches, releases and client-record views.

use rusqlite::{OptionalExtension, Row};

use super::read::{self, checklist, timestamp, vocab, vocab_opt};
use super::{Store, StoreError, StoreResult};
use crate::domain::handover::{Handover, PRISON_NOT_KNOWN};
use crate::domain::model::Substance;
use crate::domain::record::{
    AssessmentRecord, AuditRecord, BreachRow, ClientRecord, ClientRef, ContactRecord,
    CustodyRecord, EpisodeRecord, ModalityRecord, Profile, ReleaseRow, TestRecord,
};

/// Columns of [`ClientRef`], read by [`client_ref`] from index 0; `c` is the client.
const CLIENT_REF: &str = "c.id, c.reference, c.family_name || ', ' || c.given_name, c.area_id,
    c.care_coordinator_id,
    EXISTS (SELECT 1 FROM episode e WHERE e.client_id = c.id AND e.closure_date IS NULL)";

fn client_ref(r: &Row<'_>) -> rusqlite::Result<ClientRef> {
    Ok(ClientRef {
        client_id: r.get(0)?,
        reference: r.get(1)?,
        name: r.get(2)?,
        area_id: r.get(3)?,
        care_coordinator_id: r.get(4)?,
        on_caseload: r.get(5)?,
    })
}

fn breach_row(r: &Row<'_>) -> rusqlite::Result<BreachRow> {
    Ok(BreachRow {
        client: client_ref(r)?,
        id: r.get(6)?,
        rag: vocab(r, 7)?,
        raised_at: timestamp(r, 8)?,
        deadline: timestamp(r, 9)?,
        status: vocab(r, 10)?,
        resolution_date: r.get(11)?,
    })
}

const BREACH_SELECT: &str = "b.id, b.rag, b.raised_at, b.deadline, b.status, b.resolution_date
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
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], breach_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Everyone in custody now, soonest expected release first (unknown dates last).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn releases(&self) -> StoreResult<Vec<ReleaseRow>> {
        let sql = format!(
            "SELECT {CLIENT_REF}, cu.id, cu.prison, cu.expected_release_date, cu.earliest_release_date,
                    cu.release_type, cu.appointment_booked, cu.prescriber_confirmed, cu.naloxone_given,
                    cu.accommodation_confirmed, cu.prison_team_contacted
               FROM custody cu JOIN client c ON c.id = cu.client_id
              WHERE cu.actual_release_date IS NULL
              ORDER BY coalesce(cu.earliest_release_date, cu.expected_release_date) IS NULL,
                       coalesce(cu.earliest_release_date, cu.expected_release_date), cu.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(ReleaseRow {
                client: client_ref(r)?,
                id: r.get(6)?,
                prison: r.get(7)?,
                expected_release_date: r.get(8)?,
                earliest_release_date: r.get(9)?,
                release_type: vocab_opt(r, 10)?,
                checklist: checklist(r, 11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The client id for a reference (ignoring case), if there is one.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn client_id_by_reference(&self, reference: &str) -> StoreResult<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM client WHERE reference = ?1 COLLATE NOCASE",
                [reference.trim()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Everything about one client, for the client record view.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if there is no such client, or an SQLite error.
    #[allow(clippy::too_many_lines)] // one query per section of the record
    pub fn client_record(&self, client_id: i64) -> StoreResult<ClientRecord> {
        let profile = self
            .conn
            .query_row(
                "SELECT c.id, c.reference, c.given_name, c.family_name, c.date_of_birth, c.sex,
                        c.ethnicity, c.nhs_number, a.name, w.name, c.consent_date, c.substance_1,
                        c.substance_2, c.substance_3, c.iom, c.ppo, c.mappa, c.marac, c.matac,
                        c.approved_premises, c.drr, c.atr, c.licence_condition, c.version,
                        nullif(trim(c.gp_practice), ''), nullif(trim(c.prescriber), ''),
                        c.domestic_abuse
                   FROM client c JOIN area a ON a.id = c.area_id
                   LEFT JOIN worker w ON w.id = c.care_coordinator_id
                  WHERE c.id = ?1",
                [client_id],
                |r| {
                    let substances = (11..14)
                        .map(|i| vocab_opt::<Substance>(r, i))
                        .collect::<rusqlite::Result<Vec<_>>>()?
                        .into_iter()
                        .flatten()
                        .collect();
                    Ok(Profile {
                        id: r.get(0)?,
                        reference: r.get(1)?,
                        given_name: r.get(2)?,
                        family_name: r.get(3)?,
                        date_of_birth: r.get(4)?,
                        sex: vocab(r, 5)?,
                        ethnicity: vocab(r, 6)?,
                        nhs_number: r.get(7)?,
                        area: r.get(8)?,
                        care_coordinator: r.get(9)?,
                        consent_date: r.get(10)?,
                        substances,
                        flags: read::flags(r, 14)?,
                        version: r.get(23)?,
                        gp_practice: r.get(24)?,
                        prescriber: r.get(25)?,
                        domestic_abuse: r.get(26)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                entity: "client",
                key: format!("#{client_id}"),
            })?;
        Ok(ClientRecord {
            profile,
            episodes: self.list(
                "SELECT id, referral_date, referral_source, assessment_date, care_plan_date,
                        next_review_date, engaged, prescribed, tier, exit_plan, extension_reason,
                        extension_review_date, closure_date, exit_reason
                   FROM episode WHERE client_id = ?1 ORDER BY referral_date DESC, id DESC",
                client_id,
                |r| {
                    let extension: Option<String> = r.get(10)?;
                    let closure = r.get::<_, Option<chrono::NaiveDate>>(12)?;
                    Ok(EpisodeRecord {
                        id: r.get(0)?,
                        referral_date: r.get(1)?,
                        referral_source: vocab(r, 2)?,
                        assessment_date: r.get(3)?,
                        care_plan_date: r.get(4)?,
                        next_review_date: r.get(5)?,
                        engaged: r.get(6)?,
                        prescribed: r.get(7)?,
                        tier: r.get(8)?,
                        exit_plan: r.get(9)?,
                        extension: extension.zip(r.get(11)?),
                        closure: match closure {
                            Some(date) => Some((date, vocab(r, 13)?)),
                            None => None,
                        },
                    })
                },
            )?,
            custody: self.list(
                "SELECT prison, reception_date, expected_release_date, earliest_release_date,
                        release_type, appointment_booked, prescriber_confirmed, naloxone_given,
                        accommodation_confirmed, prison_team_contacted, actual_release_date, id,
                        nullif(trim(handover_with), ''), handover_on, handover_prescribing,
                        handover_consent, nullif(trim(handover_waived), '')
                   FROM custody WHERE client_id = ?1 ORDER BY reception_date DESC, id DESC",
                client_id,
                |r| {
                    let prison: String = r.get(0)?;
                    let handover_with: Option<String> = r.get(12)?;
                    let handover_waived: Option<String> = r.get(16)?;
                    let handover = Handover {
                        prison_known: prison != PRISON_NOT_KNOWN,
                        named: handover_with.is_some(),
                        contacted_on: r.get(13)?,
                        prescribing_confirmed: r.get(14)?,
                        consent_confirmed: r.get(15)?,
                        waived: handover_waived.is_some(),
                    };
                    Ok(CustodyRecord {
                        handover,
                        handover_with,
                        handover_waived,
                        prison,
                        reception_date: r.get(1)?,
                        expected_release_date: r.get(2)?,
                        earliest_release_date: r.get(3)?,
                        release_type: vocab_opt(r, 4)?,
                        checklist: checklist(r, 5)?,
                        actual_release_date: r.get(10)?,
                        id: r.get(11)?,
                    })
                },
            )?,
            assessments: self.list(
                "SELECT kind, appointment_at, outcome, id FROM required_assessment
                  WHERE client_id = ?1 ORDER BY appointment_at DESC, id DESC",
                client_id,
                |r| {
                    Ok(AssessmentRecord {
                        kind: vocab(r, 0)?,
                        appointment_at: timestamp(r, 1)?,
                        outcome: vocab_opt(r, 2)?,
                        id: r.get(3)?,
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
                        id: r.get(0)?,
                        kind: vocab(r, 1)?,
                        started_on: r.get(2)?,
                        ended_on: r.get(3)?,
                        completed: r.get(4)?,
                    })
                },
            )?,
            breaches: self.list(
                &format!("SELECT {CLIENT_REF}, {BREACH_SELECT} WHERE c.id = ?1 ORDER BY b.raised_at DESC, b.id DESC"),
                client_id,
                breach_row,
            )?,
            tests: self.list(
                "SELECT tested_on, kind, result FROM drug_test WHERE client_id = ?1
                  ORDER BY tested_on DESC, id DESC",
                client_id,
                |r| Ok(TestRecord { tested_on: r.get(0)?, kind: vocab(r, 1)?, result: vocab(r, 2)? }),
            )?,
            contacts: self.list(
                "SELECT k.contact_at, k.kind, w.name, k.note FROM contact k
                   JOIN worker w ON w.id = k.worker_id
                  WHERE k.client_id = ?1 ORDER BY k.contact_at DESC, k.id DESC",
                client_id,
                |r| {
                    Ok(ContactRecord {
                        contact_at: timestamp(r, 0)?,
                        kind: vocab(r, 1)?,
                        worker: r.get(2)?,
                        note: r.get(3)?,
                    })
                },
            )?,
            audit: self.client_audit(client_id)?,
            viewers: self.viewers(client_id)?,
        })
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
              ORDER BY id DESC",
            client_id,
            |r| {
                Ok(AuditRecord {
                    at: r.get(0)?,
                    who: r.get(1)?,
                    entity: r.get(2)?,
                    action: r.get(3)?,
                    before: r.get(4)?,
                    after: r.get(5)?,
                })
            },
        )
    }

    /// Runs a query with one id parameter and collects its mapped rows.
    fn list<T>(
        &self,
        sql: &str,
        id: i64,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> StoreResult<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([id], map)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
