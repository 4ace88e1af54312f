//! What happens around an episode: contacts, custody and treatment tests, follow-up
//! appointments, outreach and the custody suites' daily tallies.

use chrono::{Days, NaiveDate};

use crate::demo::data::{NOTES, at, days_before};
use crate::domain::model::{
    AssessmentKind, AssessmentOutcome, BreachStatus, ContactKind, ModalityKind, OutcomeKind, Rag,
    ReferralSource, SignpostDestination, TestKind, TestResult,
};
use crate::store::{
    NewBreach, NewContact, NewDrugTest, NewEpisode, NewModality, NewOutcome, NewOutreach,
    NewRequiredAssessment, NewTally, StoreResult,
};

use super::Generator;

impl Generator<'_, '_> {
    pub(super) fn contacts(
        &mut self,
        client_id: i64,
        worker_id: i64,
        from: NaiveDate,
        to: NaiveDate,
        silent_for: u64,
    ) -> StoreResult<()> {
        let span = u64::try_from((to - from).num_days())
            .unwrap_or(0)
            .saturating_sub(silent_for);
        let count = (self.rng.range(8, 32)).min(span / 2 + 1);
        let mut logged = std::collections::HashSet::new();
        for n in 0..count {
            let day = from + Days::new(span * n / count.max(1) + self.rng.range(0, 1).min(span));
            let kind = match self.rng.range(0, 99) {
                0..=59 => ContactKind::FaceToFace,
                60..=84 => ContactKind::Phone,
                85..=94 => ContactKind::DidNotAttend,
                95..=97 => ContactKind::Letter,
                _ => ContactKind::Other,
            };
            let note = if kind == ContactKind::DidNotAttend {
                ""
            } else {
                *self.rng.pick(NOTES)
            };
            let hour = u32::try_from(self.rng.range(9, 16)).unwrap_or(9);
            let minute = u32::try_from(self.rng.range(0, 3) * 15).unwrap_or(0);
            let contact_at = at(day.min(self.today), hour, minute);
            // The same client, time and kind is one contact (the natural key).
            if !logged.insert((contact_at, kind)) {
                continue;
            }
            self.tx.insert_contact(&NewContact {
                client_id,
                worker_id,
                contact_at,
                kind,
                note: note.to_owned(),
            })?;
            self.summary.contacts += 1;
        }
        Ok(())
    }

    /// Custody drug tests and Required Assessments (intensive areas only), with breaches.
    pub(super) fn custody_testing(
        &mut self,
        client_id: i64,
        source: ReferralSource,
        intensive: bool,
        e: &NewEpisode,
    ) -> StoreResult<()> {
        if !intensive || source != ReferralSource::Police {
            return Ok(());
        }
        let tested = e.referral_date;
        self.tx.insert_drug_test(&NewDrugTest {
            client_id,
            tested_on: tested,
            kind: if self.rng.chance(85) {
                TestKind::TriggerOffence
            } else {
                TestKind::InspectorsAuthority
            },
            result: *self.rng.pick(&[
                TestResult::PositiveOpiates,
                TestResult::PositiveCocaine,
                TestResult::PositiveBoth,
            ]),
        })?;
        let appointment = at(tested + Days::new(self.rng.range(1, 5)), 10, 30);
        let failed = self.rng.chance(25) && appointment.date() < self.today;
        let outcome = if appointment.date() >= self.today {
            None
        } else if failed {
            Some(AssessmentOutcome::FailedToAttend)
        } else {
            Some(AssessmentOutcome::Attended)
        };
        let assessment_id = self.tx.insert_required_assessment(&NewRequiredAssessment {
            client_id,
            kind: AssessmentKind::Initial,
            appointment_at: appointment,
            outcome,
        })?;
        if e.closure.is_none() && outcome == Some(AssessmentOutcome::Attended) {
            self.follow_up(client_id, appointment.date())?;
        }
        if failed {
            let rag = *self
                .rng
                .pick(&[Rag::Red, Rag::Amber, Rag::Amber, Rag::Green, Rag::Green]);
            let raised_at = appointment + chrono::TimeDelta::hours(2);
            let open = e.closure.is_none() && (self.today - raised_at.date()).num_days() < 40;
            let status = if open {
                BreachStatus::Outstanding
            } else {
                *self.rng.pick(&[
                    BreachStatus::Arrested,
                    BreachStatus::Resolved,
                    BreachStatus::Withdrawn,
                ])
            };
            let resolved = (status != BreachStatus::Outstanding)
                .then(|| (raised_at.date() + Days::new(self.rng.range(0, 10))).min(self.today));
            self.tx.insert_breach(&NewBreach {
                client_id,
                required_assessment_id: Some(assessment_id),
                raised_at,
                rag,
                status,
                resolution_date: resolved,
            })?;
        }
        Ok(())
    }

    /// A recent RA-FU appointment; a missed one raises an outstanding breach. The RAG
    /// rotates so the demo always has outstanding breaches of every colour, some still
    /// in time and some overdue.
    fn follow_up(&mut self, client_id: i64, after: NaiveDate) -> StoreResult<()> {
        // The first one is a red raised yesterday afternoon: still in time today.
        let first = self.breaches_raised == 0;
        let days_ago = if first { 1 } else { self.rng.range(0, 12) };
        let date = days_before(self.today, days_ago);
        if date <= after {
            return Ok(());
        }
        let failed = first || (days_ago > 0 && self.rng.chance(45));
        let outcome = match (days_ago, failed) {
            (0, _) => None,
            (_, true) => Some(AssessmentOutcome::FailedToAttend),
            (_, false) => Some(AssessmentOutcome::Attended),
        };
        let assessment_id = self.tx.insert_required_assessment(&NewRequiredAssessment {
            client_id,
            kind: AssessmentKind::FollowUp,
            appointment_at: at(date, 14, 0),
            outcome,
        })?;
        if failed {
            let rag = Rag::ALL[self.breaches_raised % Rag::ALL.len()];
            self.breaches_raised += 1;
            self.tx.insert_breach(&NewBreach {
                client_id,
                required_assessment_id: Some(assessment_id),
                raised_at: at(date, 16, 30),
                rag,
                status: BreachStatus::Outstanding,
                resolution_date: None,
            })?;
        }
        Ok(())
    }

    /// Modalities, treatment tests and positive outcomes for an episode with a care plan.
    pub(super) fn treatment(
        &mut self,
        episode_id: i64,
        client_id: i64,
        e: &NewEpisode,
    ) -> StoreResult<()> {
        let Some(start) = e.care_plan_date else {
            return Ok(());
        };
        let end = e.closure.map_or(self.today, |(date, _)| date);
        let kind = if e.prescribed {
            ModalityKind::Prescribing
        } else {
            *self.rng.pick(&[
                ModalityKind::StructuredPsychosocial,
                ModalityKind::HarmReduction,
                ModalityKind::DayProgramme,
            ])
        };
        let finished = e.closure.is_some() && self.rng.chance(60);
        self.tx.insert_modality(&NewModality {
            episode_id,
            kind,
            started_on: start,
            ended_on: finished.then_some(end),
            completed: finished && e.closure.is_some_and(|(_, r)| r.is_planned()),
        })?;
        if e.engaged && (end - start).num_days() > 14 {
            let tested_on = start + Days::new(14);
            let negative = self.rng.chance(45);
            self.tx.insert_drug_test(&NewDrugTest {
                client_id,
                tested_on,
                kind: TestKind::Treatment,
                result: if negative {
                    TestResult::Negative
                } else {
                    TestResult::PositiveOpiates
                },
            })?;
            if negative {
                self.tx.insert_outcome(&NewOutcome {
                    episode_id,
                    recorded_on: tested_on,
                    kind: OutcomeKind::NegativeTreatmentTest,
                })?;
            }
            if self.rng.chance(20) {
                let kind = *self.rng.pick(&[
                    OutcomeKind::HousingSecured,
                    OutcomeKind::EmploymentOrTraining,
                    OutcomeKind::FamilyContactRestored,
                ]);
                self.tx.insert_outcome(&NewOutcome {
                    episode_id,
                    recorded_on: (tested_on + Days::new(7)).min(end),
                    kind,
                })?;
            }
        }
        Ok(())
    }

    /// Brief interventions over the last year, some signposting the person on.
    pub(super) fn outreach(&mut self) -> StoreResult<()> {
        let areas = self.areas.clone();
        for _ in 0..self.clients * 2 {
            let (area_id, _, coordinators) = self.rng.pick(&areas);
            let signposted = !self.rng.chance(40);
            self.tx.insert_outreach(&NewOutreach {
                recorded_on: days_before(self.today, self.rng.range(0, 365)),
                worker_id: *self.rng.pick(coordinators),
                area_id: *area_id,
                signposted_to: signposted.then(|| *self.rng.pick(SignpostDestination::ALL)),
            })?;
        }
        Ok(())
    }

    /// A year and more of custody-suite days in the intensive areas (for KPI 1), drawn
    /// last so the rest of the demo does not change with them.
    pub(super) fn custody_tallies(&mut self) -> StoreResult<()> {
        let intensive: Vec<i64> = self.areas.iter().filter(|a| a.1).map(|a| a.0).collect();
        for area_id in intensive {
            for days_ago in 0..400 {
                let charged = u32::try_from(self.rng.range(0, 6)).unwrap_or(0);
                let missed = u32::from(charged > 0 && self.rng.chance(5));
                let tested = charged - missed;
                let positive = (0..tested).map(|_| u32::from(self.rng.chance(2))).sum();
                self.tx.set_tally(&NewTally {
                    area_id,
                    recorded_on: days_before(self.today, days_ago),
                    charged,
                    tested,
                    positive,
                })?;
            }
        }
        Ok(())
    }
}
