//! The checks of the return's facts beyond clients and their episodes: drug tests,
//! custody-suite tallies, positive outcomes, modalities, brief interventions and
//! appointments (the [`Context`] of `check.rs`, by the rules of their forms).

use crate::domain::dates::uk;
use crate::domain::model::{AssessmentOutcome, SignpostDestination};
use crate::domain::roles::{ClientScope, Operation};
use crate::store::{
    ImportedAssessment, ImportedBriefInterventions, ImportedEngagement, ImportedModality,
    ImportedOutcome, NewDrugTest, NewTally, format_timestamp,
};

use super::check::Context;
use super::import::Prepared;
use super::parse;

/// The most brief interventions one row may give for a worker's day: more is a typing
/// slip (`120` for `12`), not a day's work.
const MOST_A_DAY: u32 = 60;

impl Context {
    /// The area named `name` (ignoring case) and its id, or a problem listing the areas.
    fn area(&mut self, line: u64, name: &str) -> Option<(String, i64)> {
        let found = self
            .areas
            .iter()
            .find(|(area, _)| area.eq_ignore_ascii_case(name))
            .cloned();
        if found.is_none() {
            let known: Vec<&str> = self.areas.iter().map(|(area, _)| area.as_str()).collect();
            self.problem(
                line,
                "area",
                format!("no area '{name}'; areas: {}", known.join(", ")),
            );
        }
        found
    }

    /// A modality, by the rules of the modality forms: started and ended on days not
    /// after today, started not before the referral, ended not before it started,
    /// completed only once ended; an edit of the client's record. The episode is found
    /// in the write.
    pub(super) fn modality(&mut self, line: u64, m: &parse::ModalityRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &m.client)?;
        let key = format!(
            "modality|{client_id}|{}|{}|{}",
            m.referral_date,
            m.kind.code(),
            m.started_on
        );
        let completed_ok = !m.completed || m.ended_on.is_some();
        if !completed_ok {
            self.problem(
                line,
                "completed",
                "a modality is completed only once it has ended: give its ended_on, or write no"
                    .to_owned(),
            );
        }
        let ok = [
            completed_ok,
            self.once(line, "started_on", key),
            self.past(line, "started_on", Some(m.started_on)),
            self.past(line, "ended_on", m.ended_on),
            self.not_before(
                line,
                "started_on",
                Some(m.started_on),
                Some(m.referral_date),
                "referral date",
            ),
            self.not_before(
                line,
                "ended_on",
                m.ended_on,
                Some(m.started_on),
                "start date",
            ),
            self.allowed(line, "client_reference", Operation::EditClient, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({
            "line": line, "client_id": client_id, "referral_date": m.referral_date.to_string(),
            "kind": m.kind.code(), "started_on": m.started_on.to_string(),
            "ended_on": m.ended_on.map(|d| d.to_string()), "completed": m.completed,
        });
        Some(Prepared::Modality(
            ImportedModality {
                client_id,
                referral_date: m.referral_date,
                kind: m.kind,
                started_on: m.started_on,
                ended_on: m.ended_on,
                completed: m.completed,
            },
            audit.to_string(),
        ))
    }

    /// A positive outcome, by the positive-outcome form's rules: a day not after today
    /// (nor before the episode's referral), an edit of the client's record. The episode
    /// is found in the write.
    pub(super) fn outcome(&mut self, line: u64, o: &parse::OutcomeRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &o.client)?;
        let key = format!(
            "outcome|{client_id}|{}|{}|{}",
            o.referral_date,
            o.recorded_on,
            o.kind.code()
        );
        let ok = [
            self.once(line, "recorded_on", key),
            self.past(line, "recorded_on", Some(o.recorded_on)),
            self.not_before(
                line,
                "recorded_on",
                Some(o.recorded_on),
                Some(o.referral_date),
                "referral date",
            ),
            self.allowed(line, "client_reference", Operation::EditClient, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({
            "line": line, "client_id": client_id, "referral_date": o.referral_date.to_string(),
            "recorded_on": o.recorded_on.to_string(), "kind": o.kind.code(),
        });
        Some(Prepared::Outcome(
            ImportedOutcome {
                client_id,
                referral_date: o.referral_date,
                recorded_on: o.recorded_on,
                kind: o.kind,
            },
            audit.to_string(),
        ))
    }

    /// A drug test, by the drug-test form's rules: a day not after today, an edit of
    /// the client's record.
    pub(super) fn drug_test(&mut self, line: u64, t: &parse::DrugTestRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &t.client)?;
        // A test is client, day and kind: a second result for them is a correction.
        let key = format!("drug_test|{client_id}|{}|{}", t.tested_on, t.kind.code());
        let ok = [
            self.once(line, "tested_on", key),
            self.past(line, "tested_on", Some(t.tested_on)),
            self.allowed(line, "client_reference", Operation::EditClient, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({
            "line": line, "client_id": client_id, "tested_on": t.tested_on.to_string(),
            "kind": t.kind.code(), "result": t.result.code(),
        });
        Some(Prepared::DrugTest(
            NewDrugTest {
                client_id,
                tested_on: t.tested_on,
                kind: t.kind,
                result: t.result,
            },
            audit.to_string(),
        ))
    }

    /// A custody-suite tally, by the rules of `caseload tally`: a known area, a day not
    /// after today, no more tested than charged nor positive than tested, and the
    /// importer's right to tally in that area.
    pub(super) fn tally(&mut self, line: u64, t: &parse::TallyRow) -> Option<Prepared> {
        let (area, area_id) = self.area(line, &t.area)?;
        let mut counts_ok = true;
        if t.tested > t.charged {
            counts_ok = false;
            self.problem(
                line,
                "tested",
                format!(
                    "{} tested is more than {} charged: only adults charged that day are tested",
                    t.tested, t.charged
                ),
            );
        }
        if t.positive > t.tested {
            counts_ok = false;
            self.problem(
                line,
                "positive",
                format!(
                    "{} positive is more than {} tested: only a test can be positive",
                    t.positive, t.tested
                ),
            );
        }
        let scope = ClientScope {
            area_id,
            care_coordinator_id: None,
        };
        let ok = [
            counts_ok,
            self.once(
                line,
                "recorded_on",
                format!("tally|{area_id}|{}", t.recorded_on),
            ),
            self.past(line, "recorded_on", Some(t.recorded_on)),
            self.allowed(line, "area", Operation::CustodyTally, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({
            "line": line, "area": area, "recorded_on": t.recorded_on.to_string(),
            "charged": t.charged, "tested": t.tested, "positive": t.positive,
        });
        Some(Prepared::Tally(
            NewTally {
                area_id,
                recorded_on: t.recorded_on,
                charged: t.charged,
                tested: t.tested,
                positive: t.positive,
            },
            area,
            audit.to_string(),
        ))
    }

    /// Brief interventions, by the outreach form's rules: a known area and worker, a
    /// day not after today, from 1 to [`MOST_A_DAY`], and the importer's right to
    /// record outreach in that area.
    pub(super) fn brief_interventions(
        &mut self,
        line: u64,
        b: &parse::BriefInterventionRow,
    ) -> Option<Prepared> {
        let (area, area_id) = self.area(line, &b.area)?;
        let worker_id = self.worker_id(line, "worker", &b.worker)?;
        let outcome = b.signposted_to.map_or("", SignpostDestination::code);
        let count_ok = (1..=MOST_A_DAY).contains(&b.count);
        if !count_ok {
            self.problem(
                line,
                "count",
                format!(
                    "{} is not a number of brief interventions one worker gives in a day: \
                     write from 1 to {MOST_A_DAY}, and leave out a day with none",
                    b.count
                ),
            );
        }
        let scope = ClientScope {
            area_id,
            care_coordinator_id: None,
        };
        let key = format!("brief|{area_id}|{}|{worker_id}|{outcome}", b.recorded_on);
        let ok = [
            count_ok,
            self.once(line, "recorded_on", key),
            self.past(line, "recorded_on", Some(b.recorded_on)),
            self.allowed(line, "area", Operation::Outreach, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({
            "line": line, "area": area, "recorded_on": b.recorded_on.to_string(),
            "worker_id": worker_id, "signposted_to": b.signposted_to.map(SignpostDestination::code),
        });
        Some(Prepared::BriefInterventions(
            ImportedBriefInterventions {
                area_id,
                recorded_on: b.recorded_on,
                worker_id,
                signposted_to: b.signposted_to,
                count: b.count,
            },
            area,
            audit.to_string(),
        ))
    }

    /// A Required Assessment or Restriction on Bail appointment, by the booking and
    /// outcome forms' rules: an outcome only once the appointment has passed, a breach
    /// dated on or after the appointment and not after today, and the importer's right
    /// to record appointments for the client.
    pub(super) fn assessment(&mut self, line: u64, a: &parse::AssessmentRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &a.client)?;
        let at = format_timestamp(a.appointment_at);
        let key = format!("assessment|{client_id}|{at}|{}", a.kind.code());
        let outcome_ok = a.outcome.is_none() || a.appointment_at.date() <= self.rules.today;
        if !outcome_ok {
            self.problem(
                line,
                "outcome",
                format!(
                    "the appointment ({}) is after today ({}): record its outcome once it has \
                     happened, or leave outcome blank to book it",
                    a.appointment_at.format("%d/%m/%Y %H:%M"),
                    uk(self.rules.today)
                ),
            );
        }
        let breach_ok = match a.breached_at {
            Some(breached_at) if breached_at < a.appointment_at => {
                self.problem(
                    line,
                    "breached_at",
                    format!(
                        "a breach is the missed appointment, so it cannot be dated before it \
                         ({}): give a time on or after it, or leave breached_at blank",
                        a.appointment_at.format("%d/%m/%Y %H:%M")
                    ),
                );
                false
            }
            Some(breached_at) => self.past(line, "breached_at", Some(breached_at.date())),
            None => true,
        };
        let ok = [
            outcome_ok,
            breach_ok,
            self.once(line, "appointment_at", key),
            self.allowed(
                line,
                "client_reference",
                Operation::RecordAppointment,
                scope,
            ),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({
            "line": line, "client_id": client_id, "appointment_at": at, "kind": a.kind.code(),
            "outcome": a.outcome.map(AssessmentOutcome::code),
        });
        Some(Prepared::Assessment(
            ImportedAssessment {
                client_id,
                kind: a.kind,
                appointment_at: a.appointment_at,
                outcome: a.outcome,
                breach: a.breach_rag.map(|rag| (rag, a.breached_at)),
            },
            audit.to_string(),
        ))
    }

    /// An episode's engagement, by the engaged form's rules: a day not after today nor
    /// before the referral, an edit of the client's record. The episode is found in the
    /// write.
    pub(super) fn engagement(&mut self, line: u64, e: &parse::EngagementRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &e.client)?;
        let key = format!("engagement|{client_id}|{}", e.referral_date);
        let ok = [
            self.once(line, "referral_date", key),
            self.past(line, "engaged_on", Some(e.engaged_on)),
            self.not_before(
                line,
                "engaged_on",
                Some(e.engaged_on),
                Some(e.referral_date),
                "referral date",
            ),
            self.allowed(line, "client_reference", Operation::EditClient, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({ "engaged": true, "engaged_on": e.engaged_on.to_string() });
        Some(Prepared::Engagement(
            ImportedEngagement {
                client_id,
                referral_date: e.referral_date,
                engaged_on: e.engaged_on,
            },
            audit.to_string(),
        ))
    }
}
