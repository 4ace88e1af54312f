//! Where each generated client's episode stands: the scenario drawn for them and the
//! dates, custody and closure that follow from it.

use chrono::{Days, NaiveDate};

use crate::demo::data::{PRISONS, Rng, days_before};
use crate::domain::model::{ExitReason, ReceptionKind, ReferralSource, ReleaseType};
use crate::domain::release::Checklist;
use crate::store::{NewCustody, NewEpisode, StoreResult};

use super::Generator;

/// Where a generated client's open episode stands (or that they have none).
#[derive(Clone, Copy)]
pub(super) enum Scenario {
    NewReferral,
    Assessed,
    OnCarePlan { day: u64 },
    NearBenchmark { day: u64 },
    LongStay { day: u64, review_passed: bool },
    InCustody { day: u64, release_in: i64 },
    Closed { reason: ExitReason, weeks: u64 },
}

pub(super) fn scenario_for(index: usize, rng: &mut Rng) -> Scenario {
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

impl Generator<'_, '_> {
    #[allow(clippy::too_many_lines)] // one arm per scenario reads better than seven helpers
    pub(super) fn episode_for(
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
                    // A release date and type: serving a sentence, not on remand.
                    reception_kind: Some(ReceptionKind::Sentence),
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
                        // The DAN 24/7 number goes with the overdose advice (003).
                        dan_advised: ticks[2],
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

    pub(super) fn earlier_episode(
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
}

/// Referral, assessment and care-plan dates of a generated episode.
struct NewEpisodeDates {
    referral: NaiveDate,
    assessment: Option<NaiveDate>,
    care_plan: Option<NaiveDate>,
    review_in: u64,
}

pub(super) fn custody_free(scenario: &Scenario) -> bool {
    !matches!(scenario, Scenario::InCustody { .. })
}
