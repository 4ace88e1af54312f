//! SQL for data exchange: the keys an import is checked against, the client update an
//! import may make, and the export tables.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::read::vocab;
use super::{NewClient, Store, StoreError, StoreResult, Tx};
use crate::domain::model::{Ethnicity, Sex, Substance};

/// What an import is checked against: natural keys already in the database.
#[derive(Debug, Clone, Default)]
pub struct ImportKeys {
    /// Client reference -> (id, stored values).
    pub clients: HashMap<String, (i64, NewClient)>,
    /// `family|given|dob` (lower case) -> client reference.
    pub people: HashMap<String, String>,
    /// `client_id|referral_date` of every episode.
    pub episodes: HashSet<String>,
    /// Clients with an open episode.
    pub open_episode: HashSet<i64>,
    /// `client_id|reception_date` of every custody episode.
    pub custody: HashSet<String>,
    /// Clients in custody now.
    pub open_custody: HashSet<i64>,
    /// `client_id|contact_at|kind` of every contact.
    pub contacts: HashSet<String>,
    /// `client_id|raised_at` of every breach.
    pub breaches: HashSet<String>,
}

/// Rows to export: column names and text cells.
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
    /// Clients with an open episode, in the clients import columns plus episode dates.
    Caseload,
    /// Every breach, outstanding first (the weekly breach spreadsheet).
    Breaches,
    /// Clients in custody, by expected release date.
    Releases,
    /// The audit log, oldest first.
    Audit,
}

const CLIENT_COLUMNS: &str =
    "c.reference, c.given_name, c.family_name, c.date_of_birth, a.name, c.sex,
    c.ethnicity, c.nhs_number, coalesce(w.login, w.name), c.consent_date, c.substance_1,
    c.substance_2, c.substance_3, c.iom, c.ppo, c.mappa, c.marac, c.matac, c.approved_premises,
    c.drr, c.atr, c.licence_condition";

/// Every stored client field, in the order [`client_row`] reads them.
const CLIENT_SELECT: &str = "SELECT id, reference, given_name, family_name, date_of_birth, sex,
    ethnicity, nhs_number, area_id, care_coordinator_id, consent_date, substance_1, substance_2,
    substance_3, iom, ppo, mappa, marac, matac, approved_premises, drr, atr, licence_condition
    FROM client";

fn client_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, NewClient)> {
    let substances = [11, 12, 13]
        .into_iter()
        .map(|i| super::read::vocab_opt::<Substance>(r, i))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((
        r.get(0)?,
        NewClient {
            reference: r.get(1)?,
            given_name: r.get(2)?,
            family_name: r.get(3)?,
            date_of_birth: r.get(4)?,
            sex: vocab::<Sex>(r, 5)?,
            ethnicity: vocab::<Ethnicity>(r, 6)?,
            nhs_number: r.get(7)?,
            area_id: r.get(8)?,
            care_coordinator_id: r.get(9)?,
            consent_date: r.get(10)?,
            substances: substances.into_iter().flatten().collect(),
            flags: super::read::flags(r, 14)?,
        },
    ))
}

impl Store {
    /// The natural keys an import is checked against.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn import_keys(&self) -> StoreResult<ImportKeys> {
        let mut keys = ImportKeys::default();
        let mut stmt = self.conn.prepare(CLIENT_SELECT)?;
        let rows = stmt.query_map([], client_row)?;
        for row in rows {
            let (id, client) = row?;
            keys.people.insert(
                format!(
                    "{}|{}|{}",
                    client.family_name.to_lowercase(),
                    client.given_name.to_lowercase(),
                    client.date_of_birth
                ),
                client.reference.clone(),
            );
            keys.clients.insert(client.reference.clone(), (id, client));
        }
        let text_keys = |sql: &str| -> StoreResult<HashSet<String>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        keys.episodes = text_keys("SELECT client_id || '|' || referral_date FROM episode")?;
        keys.custody = text_keys("SELECT client_id || '|' || reception_date FROM custody")?;
        keys.contacts =
            text_keys("SELECT client_id || '|' || contact_at || '|' || kind FROM contact")?;
        keys.breaches = text_keys("SELECT client_id || '|' || raised_at FROM breach")?;
        let ids = |sql: &str| -> StoreResult<HashSet<i64>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        keys.open_episode = ids("SELECT client_id FROM episode WHERE closure_date IS NULL")?;
        keys.open_custody = ids("SELECT client_id FROM custody WHERE actual_release_date IS NULL")?;
        Ok(keys)
    }

    /// One export table, every cell as text.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn export_table(&self, kind: ExportKind, today: NaiveDate) -> StoreResult<ExportTable> {
        let (columns, sql): (Vec<&'static str>, String) = match kind {
            ExportKind::Caseload => (
                vec![
                    "reference", "given_name", "family_name", "date_of_birth", "area", "sex",
                    "ethnicity", "nhs_number", "care_coordinator", "consent_date", "substance_1",
                    "substance_2", "substance_3", "iom", "ppo", "mappa", "marac", "matac",
                    "approved_premises", "drr", "atr", "licence_condition",
                ],
                format!(
                    "SELECT {CLIENT_COLUMNS} FROM client c JOIN area a ON a.id = c.area_id
                       LEFT JOIN worker w ON w.id = c.care_coordinator_id
                      WHERE EXISTS (SELECT 1 FROM episode e WHERE e.client_id = c.id AND e.closure_date IS NULL)
                      ORDER BY c.reference"
                ),
            ),
            ExportKind::Breaches => (
                vec![
                    "client_reference", "given_name", "family_name", "area", "raised_at", "rag",
                    "deadline", "status", "resolution_date", "overdue",
                ],
                "SELECT c.reference, c.given_name, c.family_name, a.name, b.raised_at, b.rag,
                        b.deadline, b.status, b.resolution_date,
                        CASE WHEN b.status = 'outstanding' AND substr(b.deadline, 1, 10) < ?1
                             THEN 'yes' ELSE '' END
                   FROM breach b JOIN client c ON c.id = b.client_id JOIN area a ON a.id = c.area_id
                  ORDER BY b.status <> 'outstanding', b.deadline, c.reference"
                    .to_owned(),
            ),
            ExportKind::Releases => (
                vec![
                    "client_reference", "given_name", "family_name", "area", "prison",
                    "reception_date", "expected_release_date", "earliest_release_date",
                    "release_type", "appointment_booked", "prescriber_confirmed", "naloxone_given",
                    "accommodation_confirmed", "prison_team_contacted",
                ],
                "SELECT c.reference, c.given_name, c.family_name, a.name, cu.prison,
                        cu.reception_date, cu.expected_release_date, cu.earliest_release_date,
                        cu.release_type, cu.appointment_booked, cu.prescriber_confirmed,
                        cu.naloxone_given, cu.accommodation_confirmed, cu.prison_team_contacted
                   FROM custody cu JOIN client c ON c.id = cu.client_id JOIN area a ON a.id = c.area_id
                  WHERE cu.actual_release_date IS NULL AND ?1 IS NOT NULL
                  ORDER BY cu.expected_release_date IS NULL, cu.expected_release_date, c.reference"
                    .to_owned(),
            ),
            ExportKind::Audit => (
                vec!["id", "at", "who", "entity", "row_id", "action", "before", "after"],
                "SELECT id, at, who, entity, row_id, action, before, after FROM audit
                  WHERE ?1 IS NOT NULL ORDER BY id"
                    .to_owned(),
            ),
        };
        let mut stmt = self.conn.prepare(&sql)?;
        let width = columns.len();
        let bind = if kind == ExportKind::Caseload {
            params![]
        } else {
            params![today]
        };
        let rows = stmt.query_map(bind, |r| {
            (0..width)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => String::new(),
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        rusqlite::types::ValueRef::Real(x) => x.to_string(),
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                            String::from_utf8_lossy(t).into_owned()
                        }
                    })
                })
                .collect::<rusqlite::Result<Vec<String>>>()
        })?;
        Ok(ExportTable {
            columns,
            rows: rows.collect::<rusqlite::Result<_>>()?,
        })
    }
}

impl Tx<'_> {
    /// Records client `id`'s twin key (replacing an old one).
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] naming the client that has the key already, or an
    /// SQLite error.
    pub(super) fn set_twin_key(&self, id: i64, c: &NewClient) -> StoreResult<()> {
        let key = crate::domain::twin::key(&c.family_name, &c.given_name, c.date_of_birth);
        let result = self
            .tx
            .prepare_cached(
                "INSERT INTO client_twin (key, client_id) VALUES (?1, ?2)
                 ON CONFLICT (client_id) DO UPDATE SET key = excluded.key",
            )?
            .execute(params![key, id]);
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                let (client_id, reference) = self.tx.query_row(
                    "SELECT c.id, c.reference FROM client_twin t JOIN client c ON c.id = t.client_id
                      WHERE t.key = ?1",
                    [&key],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Err(StoreError::Duplicate {
                    client_id,
                    reference,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Overwrites client `id` with `c` (an import's update) and returns the old values.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if the client has gone, or an SQLite error.
    pub fn update_client(&self, id: i64, c: &NewClient) -> StoreResult<NewClient> {
        let before = self
            .tx
            .query_row(&format!("{CLIENT_SELECT} WHERE id = ?1"), [id], client_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                entity: "client",
                key: id.to_string(),
            })?
            .1;
        self.tx.execute(
            "UPDATE client SET given_name = ?2, family_name = ?3, date_of_birth = ?4, sex = ?5,
                    ethnicity = ?6, nhs_number = ?7, area_id = ?8, care_coordinator_id = ?9,
                    consent_to_share = ?10, consent_date = ?11, substance_1 = ?12,
                    substance_2 = ?13, substance_3 = ?14, iom = ?15, ppo = ?16, mappa = ?17,
                    marac = ?18, matac = ?19, approved_premises = ?20, drr = ?21, atr = ?22,
                    licence_condition = ?23, version = version + 1
              WHERE id = ?1",
            rusqlite::params_from_iter(super::records::client_params(&id, c)),
        )?;
        let twin = |c: &NewClient| {
            crate::domain::twin::key(&c.family_name, &c.given_name, c.date_of_birth)
        };
        if twin(&before) != twin(c) {
            self.set_twin_key(id, c)?;
        }
        Ok(before)
    }
}
