//! Reads for the quarterly return: every record the KPI arithmetic needs, as the plain
//! `domain::kpi` input types. Which records count for a period is decided there.

use chrono::NaiveDate;

use super::read::{code, code_opt};
use super::sql::{Connection, Row, Value};
use super::{Actor, Audited, Store, StoreError, StoreResult, Tx};
use crate::domain::kpi::{
    Dated, EpisodeFacts, Inputs, ModalityFacts, OutreachFacts, SampleFacts, TallyFacts, TestFacts,
};
use crate::domain::model::{
    ExitReason, ReferralSource, SignpostDestination, Substance, TestKind, TestResult,
};
use crate::domain::period::Period;
use crate::domain::roles::{ClientScope, Operation};

fn date_of(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

/// A custody-suite tally to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewTally {
    /// Row id of the area whose custody suite it counts.
    pub area_id: i64,
    /// The day counted: one tally per area and day.
    pub recorded_on: NaiveDate,
    /// Adults charged with a trigger offence.
    pub charged: u32,
    /// Of those, drug tested.
    pub tested: u32,
    /// Of those tested, positive (opiates, cocaine or both).
    pub positive: u32,
}

/// The counts of a tally that a replacing write replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplacedTally {
    /// Adults charged, as recorded before.
    pub charged: u32,
    /// Of those, drug tested, as recorded before.
    pub tested: u32,
    /// Of those tested, positive, as recorded before.
    pub positive: u32,
}

impl Store {
    /// Records the custody-suite tally for an area and day as `actor`, in one
    /// transaction with its role check and audit row. A day the area has already
    /// tallied is refused, naming the recorded counts, unless `replace`; the replacing
    /// write's audit row carries the values it replaced, which are returned.
    ///
    /// # Errors
    /// [`StoreError::NotAllowed`] for the role, [`StoreError::Invalid`] for a day
    /// already tallied (without `replace`) or more tested than charged, or SQLite.
    pub fn record_tally(
        &mut self,
        actor: &Actor,
        tally: &NewTally,
        replace: bool,
    ) -> StoreResult<Option<ReplacedTally>> {
        self.write(actor, |tx| tx.record_tally(tally, replace))
    }
}

/// Refuses counts that cannot be: more tested than charged, or more positive than
/// tested.
fn check_tally(t: &NewTally) -> StoreResult<()> {
    if t.tested > t.charged {
        return Err(StoreError::Invalid(
            "tested cannot be more than charged: only adults charged that day are tested"
                .to_owned(),
        ));
    }
    if t.positive > t.tested {
        return Err(StoreError::Invalid(
            "positive cannot be more than tested: only a test can be positive".to_owned(),
        ));
    }
    Ok(())
}

impl Tx<'_> {
    fn record_tally(&self, t: &NewTally, replace: bool) -> StoreResult<Option<ReplacedTally>> {
        self.authorise(
            Operation::CustodyTally,
            Some(ClientScope {
                area_id: t.area_id,
                care_coordinator_id: None,
            }),
        )?;
        check_tally(t)?;
        let area: String = self
            .tx
            .query_row(
                "SELECT name FROM area WHERE id = ?1",
                &[Value::Integer(t.area_id)],
            )?
            .get("name")?;
        let existing: Option<(i64, ReplacedTally)> = self
            .tx
            .query_opt(
                "SELECT id, charged, tested, positive FROM custody_tally
                  WHERE area_id = ?1 AND recorded_on = ?2",
                &[t.area_id.into(), t.recorded_on.into()],
            )?
            .map(|r| -> StoreResult<_> {
                Ok((
                    r.get("id")?,
                    ReplacedTally {
                        charged: r.get("charged")?,
                        tested: r.get("tested")?,
                        positive: r.get("positive")?,
                    },
                ))
            })
            .transpose()?;
        let values = |charged: u32, tested: u32, positive: u32| {
            serde_json::json!({
                "area": area, "recorded_on": t.recorded_on.to_string(),
                "charged": charged, "tested": tested, "positive": positive,
            })
        };
        let after = values(t.charged, t.tested, t.positive);
        let Some((id, before)) = existing else {
            let id = self.set_tally(t)?;
            self.audit(
                "custody_tally",
                Some(id),
                Audited::Insert,
                None,
                Some(&after),
            )?;
            return Ok(None);
        };
        if !replace {
            let by: Option<(String, String)> = self
                .tx
                .query_opt(
                    "SELECT who, at FROM audit WHERE entity = 'custody_tally' AND row_id = ?1
                      ORDER BY id DESC LIMIT 1",
                    &[Value::Integer(id)],
                )?
                .map(|r| -> StoreResult<_> { Ok((r.get("who")?, r.get("at")?)) })
                .transpose()?;
            let by = by.map_or_else(String::new, |(who, at)| {
                format!(" (recorded by {who} at {at})")
            });
            return Err(StoreError::Invalid(format!(
                "{area} already has a custody-suite tally for {}: {} charged, {} tested, {} \
                 positive{by}; nothing was saved. To replace it, record it again with --replace",
                crate::domain::dates::uk(t.recorded_on),
                before.charged,
                before.tested,
                before.positive
            )));
        }
        self.tx.execute(
            "UPDATE custody_tally SET charged = ?1, tested = ?2, positive = ?3,
                    version = version + 1
              WHERE id = ?4",
            &[
                i64::from(t.charged).into(),
                i64::from(t.tested).into(),
                i64::from(t.positive).into(),
                id.into(),
            ],
        )?;
        let old = values(before.charged, before.tested, before.positive);
        self.audit(
            "custody_tally",
            Some(id),
            Audited::Replace,
            Some(&old),
            Some(&after),
        )?;
        Ok(Some(before))
    }

    /// Writes the custody-suite tally for an area and day (replacing one already
    /// there) and returns its id, with no role check: for the demo generator; people's
    /// tallies go through [`Store::record_tally`]. The caller writes the audit row.
    ///
    /// # Errors
    /// An SQLite error, e.g. more tested than charged.
    pub fn set_tally(&self, t: &NewTally) -> StoreResult<i64> {
        Ok(self
            .tx
            .query_row(
                "INSERT INTO custody_tally (area_id, recorded_on, charged, tested, positive)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (area_id, recorded_on) DO UPDATE
                    SET charged = excluded.charged, tested = excluded.tested,
                        positive = excluded.positive, version = custody_tally.version + 1
                 RETURNING id",
                &[
                    t.area_id.into(),
                    t.recorded_on.into(),
                    i64::from(t.charged).into(),
                    i64::from(t.tested).into(),
                    i64::from(t.positive).into(),
                ],
            )?
            .get("id")?)
    }

    /// Marks an episode's assessment as having found no need for the caseload.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn set_assessed_need(&self, episode_id: i64, need: bool) -> StoreResult<()> {
        self.tx.execute(
            "UPDATE episode SET assessed_need = ?1, version = version + 1 WHERE id = ?2",
            &[need.into(), episode_id.into()],
        )?;
        Ok(())
    }
}

impl Store {
    /// Everything the return for `period` may count: the dated records of the period
    /// (tests, tallies, appointments, modalities, outcomes, outreach) and the episodes
    /// not closed before it. The domain filters again; reading only these keeps a
    /// return at 100,000 clients small.
    ///
    /// # Errors
    /// The database's error.
    pub fn report_inputs(&self, period: &Period) -> StoreResult<Inputs> {
        report_inputs_on(&self.conn, period)
    }
}

/// [`Store::report_inputs`] on any connection or transaction: `caseload migrate` reads
/// both sides of a copy before it commits, to compare their returns.
///
/// # Errors
/// The database's error.
// Over 80 lines: one short query per input, side by side so that what a return
// counts is read in one place.
pub fn report_inputs_on(conn: &Connection, period: &Period) -> StoreResult<Inputs> {
    Ok(Inputs {
        areas: super::queries::areas_on(conn)?,
        episodes: episode_facts(conn, period)?,
        tests: test_facts(conn, period)?,
        tallies: rows(
            conn,
            "SELECT area_id, recorded_on, charged, tested, positive FROM custody_tally
              WHERE recorded_on BETWEEN ?1 AND ?2",
            Some(period),
            |r| {
                Ok(TallyFacts {
                    area_id: r.get("area_id")?,
                    on: r.get("recorded_on")?,
                    charged: r.get::<i64>("charged")?.unsigned_abs(),
                    tested: r.get::<i64>("tested")?.unsigned_abs(),
                    positive: r.get::<i64>("positive")?.unsigned_abs(),
                })
            },
        )?,
        required_assessments: rows(
            conn,
            "SELECT c.area_id, substr(a.appointment_at, 1, 10) AS on_date
               FROM required_assessment a JOIN client c ON c.id = a.client_id
              WHERE a.outcome = 'attended' AND a.kind IN ('ra_ia', 'ra_fu')
                AND substr(a.appointment_at, 1, 10) BETWEEN ?1 AND ?2",
            Some(period),
            dated,
        )?,
        modalities: rows(
            conn,
            "SELECT c.area_id, m.episode_id, m.started_on, m.ended_on, e.prescribed
               FROM modality m JOIN episode e ON e.id = m.episode_id
               JOIN client c ON c.id = e.client_id
              WHERE m.started_on <= ?2 AND (m.ended_on IS NULL OR m.ended_on >= ?1)",
            Some(period),
            |r| {
                Ok(ModalityFacts {
                    area_id: r.get("area_id")?,
                    episode_id: r.get("episode_id")?,
                    started_on: r.get("started_on")?,
                    ended_on: r.get("ended_on")?,
                    prescribed: r.get("prescribed")?,
                })
            },
        )?,
        outcomes: rows(
            conn,
            "SELECT c.area_id, o.recorded_on AS on_date FROM positive_outcome o
               JOIN episode e ON e.id = o.episode_id JOIN client c ON c.id = e.client_id
              WHERE o.recorded_on BETWEEN ?1 AND ?2",
            Some(period),
            dated,
        )?,
        outreach: rows(
            conn,
            "SELECT area_id, recorded_on, signposted_to FROM outreach
              WHERE recorded_on BETWEEN ?1 AND ?2",
            Some(period),
            |r| {
                Ok(OutreachFacts {
                    area_id: r.get("area_id")?,
                    on: r.get("recorded_on")?,
                    signposted_to: code_opt::<SignpostDestination>(r, "signposted_to")?,
                })
            },
        )?,
        sample: rows(
            conn,
            "SELECT c.area_id, s.period, s.offences_after_3m, s.offences_after_12m
                   FROM reoffending_sample s
                   JOIN episode e ON e.id = s.episode_id JOIN client c ON c.id = e.client_id",
            None,
            |r| {
                Ok((
                    r.get("area_id")?,
                    r.get::<String>("period")?,
                    r.get("offences_after_3m")?,
                    r.get("offences_after_12m")?,
                ))
            },
        )?
        .into_iter()
        .filter_map(|(area_id, label, offences_after_3m, offences_after_12m)| {
            Period::parse(&label).ok().map(|p| SampleFacts {
                area_id,
                quarter_from: p.from,
                offences_after_3m,
                offences_after_12m,
            })
        })
        .collect(),
    })
}

/// Every row `sql` finds (with the period's first and last day as `?1` and `?2`,
/// if `within` one), mapped by `map` as it is read.
fn rows<T>(
    conn: &Connection,
    sql: &str,
    within: Option<&Period>,
    mut map: impl FnMut(&Row) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let params: Vec<Value> = within
        .map(|period| vec![period.from.into(), period.to.into()])
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut failed = None;
    conn.for_each(sql, &params, |row| {
        match map(&row) {
            Ok(value) => out.push(value),
            Err(e) => failed = Some(e),
        }
        Ok(())
    })?;
    failed.map_or(Ok(out), Err)
}

fn episode_facts(conn: &Connection, period: &Period) -> StoreResult<Vec<EpisodeFacts>> {
    let period_start = [Value::from(period.from)];
    let mut out = Vec::new();
    let mut failed = None;
    conn.for_each(
        "SELECT c.area_id, e.referral_date, e.referral_source, e.assessment_date,
                e.assessed_need, e.care_plan_date,
                coalesce(e.engaged_on, CASE WHEN e.engaged = 1 THEN e.care_plan_date END)
                    AS engaged_on,
                e.prescribed, e.closure_date, e.exit_reason, c.iom,
                c.substance_1, c.substance_2, c.substance_3,
                (SELECT max(t.tested_on) FROM drug_test t
                  WHERE t.client_id = e.client_id
                    AND t.kind IN ('trigger_offence', 'inspectors_authority')
                    AND t.tested_on <= e.referral_date) AS custody_test_before,
                (SELECT min(k.contact_at) FROM contact k
                  WHERE k.client_id = e.client_id AND k.kind <> 'did_not_attend'
                    AND k.contact_at >= e.referral_date) AS first_contact
           FROM episode e JOIN client c ON c.id = e.client_id
          WHERE e.closure_date IS NULL OR e.closure_date >= ?1",
        &period_start,
        |r| {
            match episode_of(&r) {
                Ok(facts) => out.push(facts),
                Err(e) => failed = Some(e),
            }
            Ok(())
        },
    )?;
    failed.map_or(Ok(out), Err)
}

fn test_facts(conn: &Connection, period: &Period) -> StoreResult<Vec<TestFacts>> {
    rows(
        conn,
        "SELECT t.client_id, c.area_id, t.tested_on, t.kind, t.result,
                (SELECT min(d) FROM (
                    SELECT substr(k.contact_at, 1, 10) AS d FROM contact k
                     WHERE k.client_id = t.client_id AND k.kind <> 'did_not_attend'
                       AND substr(k.contact_at, 1, 10) >= t.tested_on
                    UNION ALL
                    SELECT e.assessment_date FROM episode e
                     WHERE e.client_id = t.client_id AND e.assessment_date >= t.tested_on) AS follow_ups)
                    AS first_follow_up
           FROM drug_test t JOIN client c ON c.id = t.client_id
          WHERE t.tested_on BETWEEN ?1 AND ?2",
        Some(period),
        |r| {
            Ok(TestFacts {
                client_id: r.get("client_id")?,
                area_id: r.get("area_id")?,
                tested_on: r.get("tested_on")?,
                kind: code::<TestKind>(r, "kind")?,
                result: code::<TestResult>(r, "result")?,
                first_follow_up: date_of(r.get("first_follow_up")?),
            })
        },
    )
}

/// An episode's facts, from a row of [`Store::episode_facts`]'s query.
fn episode_of(r: &Row) -> StoreResult<EpisodeFacts> {
    let closure: Option<NaiveDate> = r.get("closure_date")?;
    let reason = code_opt::<ExitReason>(r, "exit_reason")?;
    Ok(EpisodeFacts {
        area_id: r.get("area_id")?,
        referral_date: r.get("referral_date")?,
        referral_source: code::<ReferralSource>(r, "referral_source")?,
        assessment_date: r.get("assessment_date")?,
        assessed_need: r.get("assessed_need")?,
        care_plan_date: r.get("care_plan_date")?,
        engaged_on: date_of(r.get("engaged_on")?),
        prescribed: r.get("prescribed")?,
        closure: closure.zip(reason),
        iom: r.get("iom")?,
        substances: [
            code_opt::<Substance>(r, "substance_1")?,
            code_opt::<Substance>(r, "substance_2")?,
            code_opt::<Substance>(r, "substance_3")?,
        ],
        custody_test_before: date_of(r.get("custody_test_before")?),
        first_contact: date_of(
            r.get::<Option<String>>("first_contact")?
                .map(|t| t.chars().take(10).collect()),
        ),
    })
}

/// An area and a date, from columns `area_id` and `on_date`.
fn dated(r: &Row) -> StoreResult<Dated> {
    Ok(Dated {
        area_id: r.get("area_id")?,
        on: r.get("on_date")?,
    })
}
