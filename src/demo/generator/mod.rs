//! The generator: who each invented client is, where their episode stands, and the
//! contacts, tests, appointments and breaches that go with it.

use chrono::{Days, NaiveDate};

use super::data::{
    AREAS, FAMILY_NAMES, GIVEN_NAMES, NOTES, PRISONS, Rng, SUBSTANCE_POOL, at, days_before,
    test_nhs_number,
};
use super::{DEMO_LEAD, DemoOptions, DemoSummary};
use crate::domain::model::{
    AssessmentKind, AssessmentOutcome, BreachStatus, ContactKind, Ethnicity, ExitReason, Flags,
    ModalityKind, OutcomeKind, OutreachKind, Rag, ReferralSource, ReleaseType, Role,
    SignpostDestination, TestKind, TestResult,
};
use crate::domain::release::Checklist;
use crate::store::{
    NewArea, NewBreach, NewClient, NewContact, NewCustody, NewDrugTest, NewEpisode, NewModality,
    NewOutcome, NewOutreach, NewRequiredAssessment, NewTally, NewWorker, StoreResult, Tx,
};

/// Where a generated client's open episode stands (or that they have none).
#[derive(Clone, Copy)]
enum Scenario {
    NewReferral,
    Assessed,
    OnCarePlan { day: u64 },
    NearBenchmark { day: u64 },
    LongStay { day: u64, review_passed: bool },
    InCustody { day: u64, release_in: i64 },
    Closed { reason: ExitReason, weeks: u64 },
}

fn scenario_for(index: usize, rng: &mut Rng) -> Scenario {
    // The first clients cover every exit reason in every retention band, so the demo
    // (and the report built on it) always has them; the rest are drawn at random.
    let covered = ExitReason::ALL.len() * 3;
    if index < covered {
        let reason = ExitReason::ALL[index / 3];
        let weeks = [rng.range(1, 11), rng.range(12, 23), rng.range(24, 40)][index % 3];
        return Scenario::Closed { reason, weeks };
    }
    match rng.range(0, 99) {
        0..=7 => Scenario::NewReferral,
        8..=12 => Scenario::Assessed,
        13..=44 => Scenario::OnCarePlan {
            day: rng.range(0, 69),
        },
        45..=59 => Scenario::NearBenchmark {
            day: rng.range(63, 105),
        },
        60..=65 => Scenario::LongStay {
            day: rng.range(106, 260),
            review_passed: rng.chance(30),
        },
        66..=79 => {
            let release_in = if rng.chance(55) {
                rng.range(0, 14)
            } else {
                rng.range(15, 120)
            };
            Scenario::InCustody {
                day: rng.range(20, 200),
                release_in: i64::try_from(release_in).unwrap_or(0),
            }
        }
        _ => Scenario::Closed {
            reason: *rng.pick(ExitReason::ALL),
            weeks: rng.range(1, 40),
        },
    }
}

/// Writes one demo into an open transaction.
pub(super) struct Generator<'a, 'b> {
    tx: &'a Tx<'b>,
    rng: Rng,
    today: NaiveDate,
    clients: usize,
    /// (area id, intensive, care co-ordinator ids)
    areas: Vec<(i64, bool, Vec<i64>)>,
    summary: DemoSummary,
    /// Follow-up breaches raised so far (rotates their RAG).
    breaches_raised: usize,
    /// Twin keys given out: a generated person is never another's twin.
    people: std::collections::HashSet<String>,
}

impl<'a, 'b> Generator<'a, 'b> {
    pub(super) fn new(tx: &'a Tx<'b>, options: &DemoOptions) -> Self {
        Self {
            tx,
            rng: Rng(options.seed),
            today: options.today,
            clients: options.clients,
            areas: Vec::new(),
            summary: DemoSummary::default(),
            breaches_raised: 0,
            people: std::collections::HashSet::new(),
        }
    }

    pub(super) fn run(mut self) -> StoreResult<DemoSummary> {
        self.staff()?;
        for index in 0..self.clients {
            self.client(index)?;
        }
        self.outreach()?;
        self.custody_tallies()?;
        Ok(self.summary)
    }

    fn staff(&mut self) -> StoreResult<()> {
        let per_area = (self.clients / 150).max(2);
        for (area_index, (name, intensive)) in AREAS.iter().enumerate() {
            let area_id = self.tx.insert_area(&NewArea {
                name: (*name).to_owned(),
                intensive: *intensive,
            })?;
            let mut coordinators = Vec::with_capacity(per_area);
            for n in 0..per_area {
                let (given, _) = GIVEN_NAMES[(area_index * 7 + n * 3) % GIVEN_NAMES.len()];
                let family = FAMILY_NAMES[(area_index * 11 + n * 5 + 3) % FAMILY_NAMES.len()];
                coordinators.push(self.tx.insert_worker(&NewWorker {
                    name: format!("{given} {family}"),
                    login: None,
                    role: Role::CareCoordinator,
                    area_id: Some(area_id),
                })?);
            }
            self.summary.workers += per_area;
            self.areas.push((area_id, *intensive, coordinators));
        }
        let newport = self.areas[3].0;
        self.tx.insert_worker(&NewWorker {
            name: DEMO_LEAD.to_owned(),
            login: None,
            role: Role::TeamLeader,
            area_id: Some(newport),
        })?;
        self.tx.insert_worker(&NewWorker {
            name: "Morgan Helpdesk".to_owned(),
            login: None,
            role: Role::Support,
            area_id: Some(newport),
        })?;
        self.summary.workers += 2;
        Ok(())
    }

    fn client(&mut self, index: usize) -> StoreResult<()> {
        let rng = &mut self.rng;
        let (area_id, intensive, coordinators) = {
            let (id, intensive, ccs) = rng.pick(&self.areas);
            (*id, *intensive, ccs.clone())
        };
        let coordinator = *rng.pick(&coordinators);
        let scenario = scenario_for(index, rng);
        let consent = rng.chance(90);
        let mut client = self.person(index, area_id, coordinator);
        // Invented names repeat: move a birth date on a day until the person is unique.
        while !self.people.insert(crate::domain::twin::key(
            &client.family_name,
            &client.given_name,
            client.date_of_birth,
        )) {
            client.date_of_birth = client.date_of_birth - Days::new(1);
        }
        let rng = &mut self.rng;
        let source = *rng.pick(&[
            ReferralSource::Police,
            ReferralSource::Police,
            ReferralSource::Probation,
            ReferralSource::Prison,
            ReferralSource::Court,
            ReferralSource::SelfReferral,
            ReferralSource::Other,
        ]);
        let earlier = rng.chance(20);
        let (episode, custody) = self.episode_for(scenario, source);
        let client = NewClient {
            consent_date: episode.assessment_date.filter(|_| consent),
            ..client
        };
        let client_id = self.tx.insert_client(&client)?;
        self.summary.clients += 1;

        if earlier {
            self.earlier_episode(client_id, coordinator, episode.referral_date)?;
        }
        let episode = NewEpisode {
            client_id,
            ..episode
        };
        let episode_id = self.tx.insert_episode(&episode)?;
        self.summary.episodes += 1;
        if matches!(scenario, Scenario::Assessed) && index % 4 == 0 {
            // Some assessments find no need for the caseload (KPI 4's denominator).
            self.tx.set_assessed_need(episode_id, false)?;
        }
        if let Some(custody) = custody {
            let reception = custody.reception_date;
            let contacted = custody.checklist.prison_team_contacted;
            let id = self.tx.insert_custody(&NewCustody {
                client_id,
                ..custody
            })?;
            // Handed over within two days, but for a few recent receptions still owed.
            if contacted || reception + Days::new(14) < self.today {
                self.tx
                    .set_handover(id, "CARATS duty worker", reception + Days::new(2))?;
            }
        }
        let end = episode.closure.map_or(self.today, |(date, _)| date);
        let silent_for = match (
            episode.closure,
            custody_free(&scenario),
            self.rng.chance(15),
        ) {
            (None, true, true) => self.rng.range(15, 30),
            _ => 0,
        };
        self.contacts(
            client_id,
            coordinator,
            episode.referral_date,
            end,
            silent_for,
        )?;
        self.custody_testing(client_id, source, intensive, &episode)?;
        self.treatment(episode_id, client_id, &episode)?;
        Ok(())
    }

    /// An invented person: name, birth date, flags and substances.
    fn person(&mut self, index: usize, area_id: i64, coordinator: i64) -> NewClient {
        let rng = &mut self.rng;
        let (given, sex) = *rng.pick(GIVEN_NAMES);
        let family = *rng.pick(FAMILY_NAMES);
        let mut substances = vec![*rng.pick(&SUBSTANCE_POOL[..SUBSTANCE_POOL.len() - 1])];
        for _ in 0..rng.range(0, 2) {
            let next = *rng.pick(SUBSTANCE_POOL);
            if !substances.contains(&next) {
                substances.push(next);
            }
        }
        let iom = rng.chance(75);
        let flags = Flags {
            iom,
            ppo: iom && rng.chance(14),
            mappa: rng.chance(5),
            marac: rng.chance(4),
            matac: rng.chance(3),
            approved_premises: rng.chance(6),
            drr: rng.chance(12),
            atr: rng.chance(4),
            licence_condition: rng.chance(15),
        };
        NewClient {
            reference: format!("C-{}", 1001 + index),
            given_name: given.to_owned(),
            family_name: family.to_owned(),
            date_of_birth: days_before(self.today, rng.range(18 * 365 + 5, 60 * 365)),
            sex,
            ethnicity: *rng.pick(&[
                Ethnicity::White,
                Ethnicity::White,
                Ethnicity::White,
                Ethnicity::Mixed,
                Ethnicity::Asian,
                Ethnicity::Black,
                Ethnicity::NotStated,
            ]),
            nhs_number: if rng.chance(70) {
                test_nhs_number(rng)
            } else {
                None
            },
            area_id,
            care_coordinator_id: Some(coordinator),
            consent_date: None,
            substances,
            flags,
        }
    }

    #[allow(clippy::too_many_lines)] // one arm per scenario reads better than seven helpers
    fn episode_for(
        &mut self,
        scenario: Scenario,
        source: ReferralSource,
    ) -> (NewEpisode, Option<NewCustody>) {
        let today = self.today;
        let rng = &mut self.rng;
        let base = |referral: NewEpisodeDates| NewEpisode {
            assessment_date: referral.assessment,
            care_plan_date: referral.care_plan,
            next_review_date: referral
                .care_plan
                .map(|_| today + Days::new(referral.review_in)),
            ..NewEpisode::referral(0, referral.referral, source)
        };
        let on_plan = |day: u64, rng: &mut Rng| {
            let care_plan = days_before(today, day);
            let assessment = care_plan - Days::new(rng.range(0, 6));
            NewEpisodeDates {
                referral: assessment - Days::new(rng.range(0, 7)),
                assessment: Some(assessment),
                care_plan: Some(care_plan),
                review_in: rng.range(0, 40),
            }
        };
        match scenario {
            Scenario::NewReferral => {
                let referral = days_before(today, rng.range(0, 13));
                (
                    base(NewEpisodeDates {
                        referral,
                        assessment: None,
                        care_plan: None,
                        review_in: 0,
                    }),
                    None,
                )
            }
            Scenario::Assessed => {
                let assessment = days_before(today, rng.range(0, 10));
                let referral = assessment - Days::new(rng.range(0, 8));
                (
                    base(NewEpisodeDates {
                        referral,
                        assessment: Some(assessment),
                        care_plan: None,
                        review_in: 0,
                    }),
                    None,
                )
            }
            Scenario::OnCarePlan { day } => {
                let mut e = base(on_plan(day, rng));
                e.engaged = rng.chance(80);
                e.prescribed = e.engaged && rng.chance(45);
                e.tier = if e.prescribed { 3 } else { 2 };
                (e, None)
            }
            Scenario::NearBenchmark { day } => {
                let mut e = base(on_plan(day, rng));
                e.engaged = true;
                e.prescribed = rng.chance(50);
                e.tier = if e.prescribed { 3 } else { 2 };
                if rng.chance(45) {
                    e.exit_plan = Some("Transfer to community prescribing service".to_owned());
                }
                if day > 91 && rng.chance(50) {
                    e.extension = Some((
                        "Lapse after bereavement; stabilising".to_owned(),
                        today + Days::new(rng.range(3, 30)),
                    ));
                }
                (e, None)
            }
            Scenario::LongStay { day, review_passed } => {
                let mut e = base(on_plan(day, rng));
                e.engaged = true;
                e.prescribed = true;
                e.tier = 3;
                let review = if review_passed {
                    days_before(today, rng.range(1, 20))
                } else {
                    today + Days::new(rng.range(1, 45))
                };
                e.extension = Some(("Awaiting residential placement".to_owned(), review));
                (e, None)
            }
            Scenario::InCustody { day, release_in } => {
                let mut e = base(on_plan(day, rng));
                e.engaged = rng.chance(60);
                let reception = days_before(today, rng.range(5, day.max(6)));
                let expected = today + Days::new(release_in.unsigned_abs());
                let earliest = (rng.chance(25) && release_in > 10)
                    .then(|| expected - Days::new(rng.range(3, 10)));
                let ticks: Vec<bool> = (0..5)
                    .map(|_| rng.chance(if release_in <= 7 { 65 } else { 30 }))
                    .collect();
                let custody = NewCustody {
                    client_id: 0,
                    prison: (*rng.pick(PRISONS)).to_owned(),
                    reception_date: reception.max(e.referral_date),
                    expected_release_date: Some(expected),
                    earliest_release_date: earliest,
                    release_type: Some(*rng.pick(&[
                        ReleaseType::Licence,
                        ReleaseType::Licence,
                        ReleaseType::HomeDetentionCurfew,
                        ReleaseType::EndOfSentence,
                        ReleaseType::Parole,
                    ])),
                    checklist: Checklist {
                        appointment_booked: ticks[0],
                        prescriber_confirmed: ticks[1],
                        naloxone_given: ticks[2],
                        accommodation_confirmed: ticks[3],
                        prison_team_contacted: ticks[4],
                    },
                    actual_release_date: None,
                };
                (e, Some(custody))
            }
            Scenario::Closed { reason, weeks } => {
                let closure = days_before(today, rng.range(1, 400));
                let care_plan = closure - Days::new(weeks * 7 + rng.range(0, 6));
                let assessment = care_plan - Days::new(rng.range(0, 5));
                let mut e = base(NewEpisodeDates {
                    referral: assessment - Days::new(rng.range(0, 7)),
                    assessment: Some(assessment),
                    care_plan: Some(care_plan),
                    review_in: 0,
                });
                e.next_review_date = None;
                e.engaged = reason != ExitReason::Disengaged || rng.chance(40);
                e.prescribed = e.engaged && rng.chance(40);
                e.closure = Some((closure, reason));
                (e, None)
            }
        }
    }

    fn earlier_episode(
        &mut self,
        client_id: i64,
        worker: i64,
        before: NaiveDate,
    ) -> StoreResult<()> {
        let closure = before - Days::new(self.rng.range(60, 700));
        let care_plan = closure - Days::new(self.rng.range(10, 200));
        let reason = *self.rng.pick(
            ExitReason::ALL
                .iter()
                .filter(|r| **r != ExitReason::Deceased)
                .copied()
                .collect::<Vec<_>>()
                .as_slice(),
        );
        let referral_date = care_plan - Days::new(self.rng.range(0, 10));
        self.tx.insert_episode(&NewEpisode {
            assessment_date: Some(care_plan),
            care_plan_date: Some(care_plan),
            engaged: true,
            closure: Some((closure, reason)),
            ..NewEpisode::referral(client_id, referral_date, ReferralSource::Police)
        })?;
        self.summary.episodes += 1;
        self.contacts(client_id, worker, care_plan, closure, 0)
    }

    fn contacts(
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
    fn custody_testing(
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
    fn treatment(&mut self, episode_id: i64, client_id: i64, e: &NewEpisode) -> StoreResult<()> {
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

    /// Brief interventions and signposting over the last year.
    fn outreach(&mut self) -> StoreResult<()> {
        let areas = self.areas.clone();
        for _ in 0..self.clients * 2 {
            let (area_id, _, coordinators) = self.rng.pick(&areas);
            let kind = if self.rng.chance(40) {
                OutreachKind::BriefIntervention
            } else {
                OutreachKind::Signposting
            };
            self.tx.insert_outreach(&NewOutreach {
                recorded_on: days_before(self.today, self.rng.range(0, 365)),
                worker_id: *self.rng.pick(coordinators),
                area_id: *area_id,
                kind,
                destination: (kind == OutreachKind::Signposting)
                    .then(|| *self.rng.pick(SignpostDestination::ALL)),
            })?;
        }
        Ok(())
    }
}

impl Generator<'_, '_> {
    /// A year and more of custody-suite days in the intensive areas (for KPI 1), drawn
    /// last so the rest of the demo does not change with them.
    fn custody_tallies(&mut self) -> StoreResult<()> {
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

/// Referral, assessment and care-plan dates of a generated episode.
struct NewEpisodeDates {
    referral: NaiveDate,
    assessment: Option<NaiveDate>,
    care_plan: Option<NaiveDate>,
    review_in: u64,
}

fn custody_free(scenario: &Scenario) -> bool {
    !matches!(scenario, Scenario::InCustody { .. })
}
