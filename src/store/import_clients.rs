//! SQL for importing clients: every stored client field read as a clients file states
//! it (for the plan's snapshot and again inside the write), a new client inserted, a
//! stored one overwritten with its twin key kept in step, each audited as `import`.

use super::read::{FlagColumns, code, code_opt, flags_of};
use super::sql::{self, Connection, Value};
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
    /// The positions of [`CLIENT_SELECT`]'s columns in `row` (and in every other row
    /// of its statement).
    pub(super) fn of(row: &sql::Row) -> sql::Result<Self> {
        Ok(Self {
            row: ClientColumns::of(row)?,
            flags: FlagColumns::of(row)?,
        })
    }
}

/// A row of [`CLIENT_SELECT`]: the client's id and values.
pub(super) fn client_row(r: &sql::Row, at: &ClientAt) -> sql::Result<(i64, NewClient)> {
    let c = &at.row;
    let substances = [c.substance_1, c.substance_2, c.substance_3]
        .into_iter()
        .map(|i| code_opt::<Substance>(r, i))
        .collect::<sql::Result<Vec<_>>>()?;
    Ok((
        r.get_at(c.id)?,
        NewClient {
            reference: r.get_at(c.reference)?,
            given_name: r.get_at(c.given_name)?,
            family_name: r.get_at(c.family_name)?,
            date_of_birth: r.get_at(c.date_of_birth)?,
            sex: code::<Sex>(r, c.sex)?,
            ethnicity: code::<Ethnicity>(r, c.ethnicity)?,
            nhs_number: r.get_at(c.nhs_number)?,
            area_id: r.get_at(c.area_id)?,
            care_coordinator_id: r.get_at(c.care_coordinator_id)?,
            consent_date: r.get_at(c.consent_date)?,
            substances: substances.into_iter().flatten().collect(),
            flags: flags_of(r, &at.flags)?,
            details: crate::domain::write::ClientDetails {
                gp_practice: r.get_at(c.gp_practice)?,
                prescriber: r.get_at(c.prescriber)?,
                domestic_abuse: r.get_at(c.domestic_abuse)?,
            },
        },
    ))
}

/// The client `sql` (a [`CLIENT_SELECT`] for one row) finds with `key`, if any.
pub(super) fn one_client(
    conn: &Connection,
    sql: &str,
    key: Value,
) -> StoreResult<Option<(i64, NewClient)>> {
    let Some(row) = conn.query_opt(sql, &[key])? else {
        return Ok(None);
    };
    Ok(Some(client_row(&row, &ClientAt::of(&row)?)?))
}

impl Tx<'_> {
    /// The client with `reference` as it is now: id and stored values.
    ///
    /// # Errors
    /// The engine's error.
    pub fn client_by_reference(&self, reference: &str) -> StoreResult<Option<(i64, NewClient)>> {
        one_client(
            self.tx,
            &format!("{CLIENT_SELECT} WHERE reference = ?1"),
            reference.into(),
        )
    }

    /// The reference of the client holding twin key `key`, if any.
    ///
    /// # Errors
    /// The engine's error.
    pub fn twin_holder(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .tx
            .query_opt(
                "SELECT c.reference FROM client_twin t JOIN client c ON c.id = t.client_id
                  WHERE t.key = ?1",
                &[key.into()],
            )?
            .map(|row| row.get("reference"))
            .transpose()?)
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
    /// [`StoreError::Duplicate`] naming the client that has the key already, or the
    /// engine's error.
    pub(super) fn set_twin_key(&self, id: i64, c: &NewClient) -> StoreResult<()> {
        let key = crate::domain::twin::key(&c.family_name, &c.given_name, c.date_of_birth);
        // Looked for first, not caught as the index's refusal: on PostgreSQL a refused
        // statement ends the transaction's use.
        if let Some(twin) = self.tx.query_opt(
            "SELECT c.id, c.reference FROM client_twin t JOIN client c ON c.id = t.client_id
              WHERE t.key = ?1 AND t.client_id <> ?2",
            &[key.as_str().into(), id.into()],
        )? {
            return Err(StoreError::Duplicate {
                client_id: twin.get("id")?,
                reference: twin.get("reference")?,
            });
        }
        self.tx.execute(
            "INSERT INTO client_twin (key, client_id) VALUES (?1, ?2)
             ON CONFLICT (client_id) DO UPDATE SET key = excluded.key",
            &[key.into(), id.into()],
        )?;
        Ok(())
    }

    /// Overwrites client `id` with `c` (an import's update), audited with `old` and
    /// `new` (the client before and after, as JSON text), and returns the old values.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if the client has gone, or the engine's error.
    pub fn import_client_update(
        &self,
        id: i64,
        c: &NewClient,
        old: &str,
        new: &str,
    ) -> StoreResult<NewClient> {
        let gone = || StoreError::NotFound {
            entity: "client",
            key: id.to_string(),
        };
        // Held until the import ends, so that the values read are the ones replaced.
        self.tx.lock_version("client", id)?.ok_or_else(gone)?;
        let before = one_client(
            self.tx,
            &format!("{CLIENT_SELECT} WHERE id = ?1"),
            id.into(),
        )?
        .ok_or_else(gone)?
        .1;
        self.tx.execute(
            "UPDATE client SET given_name = ?2, family_name = ?3, date_of_birth = ?4, sex = ?5,
                    ethnicity = ?6, nhs_number = ?7, area_id = ?8, care_coordinator_id = ?9,
                    consent_to_share = ?10, consent_date = ?11, substance_1 = ?12,
                    substance_2 = ?13, substance_3 = ?14, iom = ?15, ppo = ?16, mappa = ?17,
                    marac = ?18, matac = ?19, approved_premises = ?20, drr = ?21, atr = ?22,
                    licence_condition = ?23, gp_practice = ?24, prescriber = ?25,
                    domestic_abuse = ?26, version = version + 1
              WHERE id = ?1",
            &super::records::client_params(id.into(), c),
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
