//! SQL for importing clients: every stored client field read as a clients file states
//! it (for the plan's snapshot and again inside the write), a new client inserted, a
//! stored one overwritten with its twin key kept in step, each audited as `import`.

use rusqlite::{OptionalExtension, params};

use super::read::{FlagColumns, vocab};
use super::{NewClient, StoreError, StoreResult, Tx};
use crate::domain::model::{Ethnicity, Sex, Substance};

/// Every stored client field, as [`ClientAt`] finds them.
pub(super) const CLIENT_SELECT: &str =
    "SELECT id, reference, given_name, family_name, date_of_birth, sex,
    ethnicity, nhs_number, area_id, care_coordinator_id, consent_date, substance_1, substance_2,
    substance_3, iom, ppo, mappa, marac, matac, approved_premises, drr, atr, licence_condition,
    gp_practice, prescriber, domestic_abuse
    FROM client";

super::read::columns! {
    /// Where [`CLIENT_SELECT`] put each column but the flags.
    ClientColumns {
        id, reference, given_name, family_name, date_of_birth, sex, ethnicity, nhs_number,
        area_id, care_coordinator_id, consent_date, substance_1, substance_2, substance_3,
        gp_practice, prescriber, domestic_abuse,
    }
}

/// [`CLIENT_SELECT`]'s columns, looked up once per statement: an import reads every
/// client (100,000 of them, say) to check its rows against.
pub(super) struct ClientAt {
    row: ClientColumns,
    flags: FlagColumns,
}

impl ClientAt {
    pub(super) fn of(stmt: &rusqlite::Statement<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            row: ClientColumns::of(stmt)?,
            flags: FlagColumns::of(stmt)?,
        })
    }
}

pub(super) fn client_row(
    r: &rusqlite::Row<'_>,
    at: &ClientAt,
) -> rusqlite::Result<(i64, NewClient)> {
    let c = &at.row;
    let substances = [c.substance_1, c.substance_2, c.substance_3]
        .into_iter()
        .map(|i| super::read::vocab_opt::<Substance>(r, i))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((
        r.get(c.id)?,
        NewClient {
            reference: r.get(c.reference)?,
            given_name: r.get(c.given_name)?,
            family_name: r.get(c.family_name)?,
            date_of_birth: r.get(c.date_of_birth)?,
            sex: vocab::<Sex>(r, c.sex)?,
            ethnicity: vocab::<Ethnicity>(r, c.ethnicity)?,
            nhs_number: r.get(c.nhs_number)?,
            area_id: r.get(c.area_id)?,
            care_coordinator_id: r.get(c.care_coordinator_id)?,
            consent_date: r.get(c.consent_date)?,
            substances: substances.into_iter().flatten().collect(),
            flags: super::read::flags(r, &at.flags)?,
            details: crate::domain::write::ClientDetails {
                gp_practice: r.get(c.gp_practice)?,
                prescriber: r.get(c.prescriber)?,
                domestic_abuse: r.get(c.domestic_abuse)?,
            },
        },
    ))
}

/// The client `sql` (a [`CLIENT_SELECT`] for one row) finds with `key`, if any.
pub(super) fn one_client(
    tx: &rusqlite::Connection,
    sql: &str,
    key: impl rusqlite::ToSql,
) -> StoreResult<Option<(i64, NewClient)>> {
    let mut stmt = tx.prepare_cached(sql)?;
    let at = ClientAt::of(&stmt)?;
    Ok(stmt.query_row([key], |r| client_row(r, &at)).optional()?)
}

impl Tx<'_> {
    /// The client with `reference` as it is now: id and stored values.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn client_by_reference(&self, reference: &str) -> StoreResult<Option<(i64, NewClient)>> {
        one_client(
            self.sqlite()?,
            &format!("{CLIENT_SELECT} WHERE reference = ?1"),
            reference,
        )
    }

    /// The reference of the client holding twin key `key`, if any.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn twin_holder(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .sqlite()?
            .prepare_cached(
                "SELECT c.reference FROM client_twin t JOIN client c ON c.id = t.client_id
                  WHERE t.key = ?1",
            )?
            .query_row([key], |r| r.get("reference"))
            .optional()?)
    }

    /// Imports a new client, audited with `after` (the client as JSON text); its id.
    ///
    /// # Errors
    /// As [`Tx::insert_client`].
    pub fn import_client(&self, c: &NewClient, after: &str) -> StoreResult<i64> {
        let id = self.insert_client(c)?;
        self.audit_import("client", id, None, after)?;
        Ok(id)
    }

    /// Records client `id`'s twin key (replacing an old one).
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] naming the client that has the key already, or an
    /// SQLite error.
    pub(super) fn set_twin_key(&self, id: i64, c: &NewClient) -> StoreResult<()> {
        let key = crate::domain::twin::key(&c.family_name, &c.given_name, c.date_of_birth);
        let result = self
            .sqlite()?
            .prepare_cached(
                "INSERT INTO client_twin (key, client_id) VALUES (?1, ?2)
                 ON CONFLICT (client_id) DO UPDATE SET key = excluded.key",
            )?
            .execute(params![key, id]);
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                let (client_id, reference) = self.sqlite()?.query_row(
                    "SELECT c.id, c.reference FROM client_twin t JOIN client c ON c.id = t.client_id
                      WHERE t.key = ?1",
                    [&key],
                    |r| Ok((r.get("id")?, r.get("reference")?)),
                )?;
                Err(StoreError::Duplicate {
                    client_id,
                    reference,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Overwrites client `id` with `c` (an import's update), audited with `old` and
    /// `new` (the client before and after, as JSON text), and returns the old values.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if the client has gone, or an SQLite error.
    pub fn import_client_update(
        &self,
        id: i64,
        c: &NewClient,
        old: &str,
        new: &str,
    ) -> StoreResult<NewClient> {
        let before = one_client(
            self.sqlite()?,
            &format!("{CLIENT_SELECT} WHERE id = ?1"),
            id,
        )?
        .ok_or_else(|| StoreError::NotFound {
            entity: "client",
            key: id.to_string(),
        })?
        .1;
        self.sqlite()?.execute(
            "UPDATE client SET given_name = ?2, family_name = ?3, date_of_birth = ?4, sex = ?5,
                    ethnicity = ?6, nhs_number = ?7, area_id = ?8, care_coordinator_id = ?9,
                    consent_to_share = ?10, consent_date = ?11, substance_1 = ?12,
                    substance_2 = ?13, substance_3 = ?14, iom = ?15, ppo = ?16, mappa = ?17,
                    marac = ?18, matac = ?19, approved_premises = ?20, drr = ?21, atr = ?22,
                    licence_condition = ?23, gp_practice = ?24, prescriber = ?25,
                    domestic_abuse = ?26, version = version + 1
              WHERE id = ?1",
            rusqlite::params_from_iter(super::records::client_params(&id, c)),
        )?;
        let twin = |c: &NewClient| {
            crate::domain::twin::key(&c.family_name, &c.given_name, c.date_of_birth)
        };
        if twin(&before) != twin(c) {
            self.set_twin_key(id, c)?;
        }
        self.audit_import("client", id, Some(old), new)?;
        Ok(before)
    }
}
