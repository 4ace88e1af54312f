//! SQL for importing the daily duties' records (issue 15): a custody with its
//! hand-over, re-engagement attempts after a breach, and court reviews. Each is
//! looked up by its natural key inside the import's write transaction: a row
//! recorded already is unchanged, a row that completes it (a hand-over recorded
//! later, a report sent) updates it, audited, and a row that contradicts it is
//! refused: an import never overwrites what someone recorded.

use chrono::{NaiveDate, NaiveDateTime};

use super::import::{OPEN_CUSTODY, one_open};
use super::sql::Value;
use super::{Differs, Imported, StoreResult, Tx, format_timestamp};
use crate::domain::dates::uk;
use crate::domain::handover::PRISON_NOT_KNOWN;
use crate::domain::model::{OrderKind, ReceptionKind, ReengageHow, ReleaseType};

/// A custody to import, with what the file says of its hand-over (`None`: nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCustody {
    /// Row id of the client.
    pub client_id: i64,
    /// The prison ([`PRISON_NOT_KNOWN`] while nobody knows which).
    pub prison: String,
    /// Day of reception; with the client, its natural key.
    pub reception_date: NaiveDate,
    /// Expected release date.
    pub expected_release_date: Option<NaiveDate>,
    /// Earliest release date.
    pub earliest_release_date: Option<NaiveDate>,
    /// How they are expected to leave.
    pub release_type: Option<ReleaseType>,
    /// Day actually released.
    pub actual_release_date: Option<NaiveDate>,
    /// Remanded or sentenced.
    pub reception_kind: Option<ReceptionKind>,
    /// Who at CARATS or the prison drug team was contacted.
    pub handover_with: Option<String>,
    /// When.
    pub handover_on: Option<NaiveDate>,
    /// Prescribing and dose confirmed with the prison.
    pub prescribing: Option<bool>,
    /// Consent to share confirmed.
    pub consent: Option<bool>,
    /// The DAN 24/7 number given before release.
    pub dan_advised: Option<bool>,
}

/// An attempt to re-engage a client after the breach raised at `raised_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedReengagement {
    /// Row id of the client.
    pub client_id: i64,
    /// When the breach was raised (with the client, the breach's key).
    pub raised_at: NaiveDateTime,
    /// When the attempt was made.
    pub attempted_at: NaiveDateTime,
    /// How.
    pub how: ReengageHow,
    /// Free text.
    pub note: String,
}

/// A court review of the client's order of `order_kind` started on `order_start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedReview {
    /// Row id of the client.
    pub client_id: i64,
    /// The order's kind.
    pub order_kind: OrderKind,
    /// The order's start date.
    pub order_start: NaiveDate,
    /// The review date.
    pub review_on: NaiveDate,
    /// The progress report was sent (`None`: nothing said).
    pub report_sent: Option<bool>,
}

/// A row refused by what is stored: the column to correct and a sentence.
pub type Refused = (&'static str, String);

/// The hand-over facts and release dates of a stored custody, as compared with a
/// file's.
struct StoredHandover {
    id: i64,
    prison: String,
    expected: Option<NaiveDate>,
    earliest: Option<NaiveDate>,
    release_type: Option<String>,
    released: Option<NaiveDate>,
    reception_kind: Option<String>,
    with: Option<String>,
    on: Option<NaiveDate>,
    prescribing: bool,
    consent: bool,
    dan_advised: bool,
}

impl StoredHandover {
    /// The values a file may fill in, as the audit row's before.
    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "prison": self.prison, "reception_kind": self.reception_kind,
            "handover_with": self.with, "handover_on": self.on.map(|d| d.to_string()),
            "handover_prescribing": self.prescribing, "handover_consent": self.consent,
            "dan_advised": self.dan_advised,
            "expected_release_date": self.expected.map(|d| d.to_string()),
            "earliest_release_date": self.earliest.map(|d| d.to_string()),
            "release_type": self.release_type,
            "actual_release_date": self.released.map(|d| d.to_string()),
        })
    }
}

impl Tx<'_> {
    /// Imports a custody: inserted if the client has none received that day;
    /// otherwise the file fills in what the stored one lacks (the prison once known,
    /// who was contacted and when, each tick, the release dates and type, the day of
    /// release), as the hand-over, release-dates and released forms would, and any
    /// value it contradicts is returned (nothing written).
    ///
    /// # Errors
    /// [`StoreError::Invalid`](super::StoreError::Invalid) with [`OPEN_CUSTODY`] if the
    /// client is already in custody, or the engine's error.
    pub fn import_custody(
        &self,
        c: &ImportedCustody,
        audit: &str,
    ) -> StoreResult<Result<Imported, Vec<Differs>>> {
        let named = c.handover_with.is_some() && c.handover_on.is_some();
        let inserted = self
            .insert_new(
                "INSERT INTO custody (client_id, prison, reception_date, expected_release_date,
                    earliest_release_date, release_type, actual_release_date, reception_kind,
                    handover_with, handover_on, handover_prescribing, handover_consent,
                    dan_advised, prison_team_contacted, prescriber_confirmed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                 ON CONFLICT (client_id, reception_date) DO NOTHING RETURNING id",
                &[
                    c.client_id.into(),
                    c.prison.as_str().into(),
                    c.reception_date.into(),
                    c.expected_release_date.into(),
                    c.earliest_release_date.into(),
                    c.release_type.map(ReleaseType::code).into(),
                    c.actual_release_date.into(),
                    c.reception_kind.map(ReceptionKind::code).into(),
                    c.handover_with.as_deref().into(),
                    c.handover_on.into(),
                    c.prescribing.unwrap_or(false).into(),
                    c.consent.unwrap_or(false).into(),
                    c.dan_advised.unwrap_or(false).into(),
                    named.into(),
                    c.prescribing.unwrap_or(false).into(),
                ],
            )
            .map_err(|e| one_open(e, "custody", OPEN_CUSTODY))?;
        if self.imported("custody", inserted, audit)?.is_some() {
            return Ok(Ok(Imported::Created));
        }
        let r = self.tx.query_row(
            &format!(
                "SELECT id, prison, reception_kind, handover_with, handover_on,
                        handover_prescribing, handover_consent, dan_advised,
                        expected_release_date, earliest_release_date, release_type,
                        actual_release_date
                   FROM custody WHERE client_id = ?1 AND reception_date = ?2{}",
                self.tx.dialect().for_update()
            ),
            &[c.client_id.into(), c.reception_date.into()],
        )?;
        let stored = StoredHandover {
            id: r.get("id")?,
            prison: r.get("prison")?,
            expected: r.get("expected_release_date")?,
            earliest: r.get("earliest_release_date")?,
            release_type: r.get("release_type")?,
            released: r.get("actual_release_date")?,
            reception_kind: r.get("reception_kind")?,
            with: r.get("handover_with")?,
            on: r.get("handover_on")?,
            prescribing: r.get("handover_prescribing")?,
            consent: r.get("handover_consent")?,
            dan_advised: r.get("dan_advised")?,
        };
        let (fills, differs) = handover_fills(&stored, c);
        if !differs.is_empty() {
            return Ok(Err(differs));
        }
        if fills.is_empty() {
            return Ok(Ok(Imported::Unchanged));
        }
        let sets: Vec<String> = fills
            .iter()
            .enumerate()
            .map(|(i, (column, _))| format!("{column} = ?{}", i + 2))
            .collect();
        let mut values = vec![Value::from(stored.id)];
        values.extend(fills.iter().map(|(_, v)| v.value()));
        self.tx.execute(
            &format!(
                "UPDATE custody SET {}, version = version + 1 WHERE id = ?1",
                sets.join(", ")
            ),
            &values,
        )?;
        let before = stored.json();
        let after: serde_json::Map<String, serde_json::Value> = fills
            .iter()
            .map(|(column, value)| ((*column).to_owned(), value.json()))
            .collect();
        self.audit_import(
            "custody",
            stored.id,
            Some(&before.to_string()),
            &serde_json::Value::Object(after).to_string(),
        )?;
        Ok(Ok(Imported::Updated))
    }

    /// Imports an attempt to re-engage a client after their breach raised at
    /// `raised_at`: inserted, unchanged if recorded so, or refused (no such breach, an
    /// attempt before it, or the same attempt stored with another note).
    ///
    /// # Errors
    /// The engine's error.
    pub fn import_reengagement(
        &self,
        r: &ImportedReengagement,
        audit: &str,
    ) -> StoreResult<Result<Imported, Refused>> {
        let breach: Option<(i64, NaiveDateTime)> = self
            .tx
            .query_opt(
                "SELECT id, raised_at FROM breach WHERE client_id = ?1 AND raised_at = ?2",
                &[r.client_id.into(), format_timestamp(r.raised_at).into()],
            )?
            .map(|row| -> StoreResult<_> { Ok((row.get("id")?, row.get("raised_at")?)) })
            .transpose()?;
        let Some((breach_id, raised_at)) = breach else {
            return Ok(Err((
                "raised_at",
                format!(
                    "the client has no breach raised at {}: re-engagement is recorded against \
                     its breach, so import the breaches first or correct the time",
                    r.raised_at.format("%d/%m/%Y %H:%M")
                ),
            )));
        };
        if let Err(why) =
            crate::domain::reengage::check_attempt(raised_at, r.attempted_at, r.attempted_at)
        {
            return Ok(Err(("attempted_at", why)));
        }
        let stored: Option<String> = self
            .tx
            .query_opt(
                "SELECT note FROM reengagement WHERE breach_id = ?1 AND attempted_at = ?2 AND how = ?3",
                &[
                    breach_id.into(),
                    format_timestamp(r.attempted_at).into(),
                    r.how.code().into(),
                ],
            )?
            .map(|row| row.get("note"))
            .transpose()?;
        match stored {
            Some(note) if note == r.note.trim() => Ok(Ok(Imported::Unchanged)),
            Some(note) => Ok(Err((
                "note",
                format!(
                    "this attempt is recorded already with the note '{note}', and an import \
                     never changes one: correct the row, or leave it out"
                ),
            ))),
            None => {
                let id = self.insert_reengagement(&super::NewReengagement {
                    breach_id,
                    attempted_at: r.attempted_at,
                    how: r.how,
                    note: r.note.trim().to_owned(),
                })?;
                self.audit_import("reengagement", id, None, audit)?;
                Ok(Ok(Imported::Created))
            }
        }
    }

    /// Imports a court review of the client's order of that kind and start date:
    /// inserted, unchanged if recorded so, updated if the file says the progress
    /// report went, or refused (no such order, a review before it started, or a report
    /// recorded as sent that the file says was not).
    ///
    /// # Errors
    /// The engine's error.
    pub fn import_review(
        &self,
        r: &ImportedReview,
        audit: &str,
    ) -> StoreResult<Result<Imported, Refused>> {
        let order: Option<i64> = self
            .tx
            .query_opt(
                "SELECT id FROM court_order WHERE client_id = ?1 AND kind = ?2 AND start_date = ?3",
                &[
                    r.client_id.into(),
                    r.order_kind.code().into(),
                    r.order_start.into(),
                ],
            )?
            .map(|row| row.get("id"))
            .transpose()?;
        let Some(order) = order else {
            return Ok(Err((
                "order_start_date",
                format!(
                    "the client has no {} order that started on {}: import the orders first, or \
                     correct order_kind and order_start_date",
                    r.order_kind.label(),
                    uk(r.order_start)
                ),
            )));
        };
        if r.review_on < r.order_start {
            return Ok(Err((
                "review_on",
                format!(
                    "{} is before the order started ({}): a court reviews an order it made",
                    uk(r.review_on),
                    uk(r.order_start)
                ),
            )));
        }
        let stored: Option<(i64, bool)> = self
            .tx
            .query_opt(
                &format!(
                    "SELECT id, report_sent FROM court_review
                      WHERE court_order_id = ?1 AND review_on = ?2{}",
                    self.tx.dialect().for_update()
                ),
                &[order.into(), r.review_on.into()],
            )?
            .map(|row| -> StoreResult<_> { Ok((row.get("id")?, row.get("report_sent")?)) })
            .transpose()?;
        match (stored, r.report_sent) {
            (None, sent) => {
                let id = self.insert_review(order, r.review_on, sent.unwrap_or(false))?;
                self.audit_import("court_review", id, None, audit)?;
                Ok(Ok(Imported::Created))
            }
            (Some((_, true)), Some(false)) => Ok(Err((
                "report_sent",
                "this review's progress report is recorded as sent, and an import never \
                 changes that: write yes, or leave report_sent blank"
                    .to_owned(),
            ))),
            (Some((id, false)), Some(true)) => {
                self.tx.execute(
                    "UPDATE court_review SET report_sent = 1, version = version + 1 WHERE id = ?1",
                    &[id.into()],
                )?;
                self.audit_import(
                    "court_review",
                    id,
                    Some(r#"{"report_sent":false}"#),
                    r#"{"report_sent":true}"#,
                )?;
                Ok(Ok(Imported::Updated))
            }
            (Some(_), _) => Ok(Ok(Imported::Unchanged)),
        }
    }
}

/// A value a file fills in on a stored custody.
#[derive(Debug, Clone)]
enum Fill {
    Text(String),
    Day(NaiveDate),
    Yes,
}

impl Fill {
    /// As stored.
    fn value(&self) -> Value {
        match self {
            Self::Text(t) => t.as_str().into(),
            Self::Day(d) => (*d).into(),
            Self::Yes => true.into(),
        }
    }

    /// As the audit row's after.
    fn json(&self) -> serde_json::Value {
        match self {
            Self::Text(t) => serde_json::Value::from(t.as_str()),
            Self::Day(d) => serde_json::Value::from(d.to_string()),
            Self::Yes => serde_json::Value::from(true),
        }
    }
}

/// What a file's custody row fills in on the stored one, and what it contradicts:
/// a blank cell says nothing; a value fills an empty stored field (and, as on the
/// hand-over form, ticks the release checklist's prison-team and prescriber items);
/// another value than the stored one, or "no" where "yes" is stored, differs.
fn handover_fills(
    stored: &StoredHandover,
    c: &ImportedCustody,
) -> (Vec<(&'static str, Fill)>, Vec<Differs>) {
    let mut fills = Vec::new();
    let mut differs = Vec::new();
    let mut text = |column: &'static str, stored: Option<&str>, file: Option<&str>| {
        let stored = stored.map(str::trim).filter(|s| !s.is_empty());
        match (stored, file.map(str::trim)) {
            (None, Some(file)) => fills.push((column, Fill::Text(file.to_owned()))),
            (Some(s), Some(file)) if !s.eq_ignore_ascii_case(file) => differs.push(Differs {
                column,
                stored: s.to_owned(),
                file: file.to_owned(),
            }),
            _ => {}
        }
    };
    let prison = Some(stored.prison.as_str()).filter(|p| *p != PRISON_NOT_KNOWN);
    text(
        "prison",
        prison,
        Some(c.prison.as_str()).filter(|p| *p != PRISON_NOT_KNOWN),
    );
    text(
        "reception_kind",
        stored.reception_kind.as_deref(),
        c.reception_kind.map(ReceptionKind::code),
    );
    text(
        "handover_with",
        stored.with.as_deref(),
        c.handover_with.as_deref(),
    );
    text(
        "release_type",
        stored.release_type.as_deref(),
        c.release_type.map(ReleaseType::code),
    );
    for (column, stored, file) in [
        ("handover_on", stored.on, c.handover_on),
        (
            "expected_release_date",
            stored.expected,
            c.expected_release_date,
        ),
        (
            "earliest_release_date",
            stored.earliest,
            c.earliest_release_date,
        ),
        (
            "actual_release_date",
            stored.released,
            c.actual_release_date,
        ),
    ] {
        match (stored, file) {
            (None, Some(day)) => fills.push((column, Fill::Day(day))),
            (Some(s), Some(day)) if s != day => differs.push(Differs {
                column,
                stored: uk(s),
                file: uk(day),
            }),
            _ => {}
        }
    }
    for (column, file_column, stored, file) in [
        (
            "handover_prescribing",
            "prescribing_confirmed",
            stored.prescribing,
            c.prescribing,
        ),
        (
            "handover_consent",
            "consent_confirmed",
            stored.consent,
            c.consent,
        ),
        (
            "dan_advised",
            "dan_advised",
            stored.dan_advised,
            c.dan_advised,
        ),
    ] {
        match (stored, file) {
            (false, Some(true)) => fills.push((column, Fill::Yes)),
            (true, Some(false)) => differs.push(Differs {
                column: file_column,
                stored: "yes".to_owned(),
                file: "no".to_owned(),
            }),
            _ => {}
        }
    }
    if fills.iter().any(|(c, _)| *c == "handover_on") {
        fills.push(("prison_team_contacted", Fill::Yes));
    }
    if fills.iter().any(|(c, _)| *c == "handover_prescribing") {
        fills.push(("prescriber_confirmed", Fill::Yes));
    }
    (fills, differs)
}
