//! The staff, and each invented client: who they are and, through the scenario drawn
//! for them, their episodes and everything that goes with them.

use chrono::Days;

use crate::demo::DEMO_LEAD;
use crate::demo::data::{
    AREAS, FAMILY_NAMES, GIVEN_NAMES, SUBSTANCE_POOL, days_before, test_nhs_number,
};
use crate::domain::model::{Ethnicity, Flags, ReferralSource, Role};
use crate::store::{NewArea, NewClient, NewCustody, NewEpisode, NewWorker, StoreResult};

use super::Generator;
use super::episode::{Scenario, custody_free, scenario_for};

impl Generator<'_, '_> {
    pub(super) fn staff(&mut self) -> StoreResult<()> {
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

    pub(super) fn client(&mut self, index: usize) -> StoreResult<()> {
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
            // One in fifteen, without a draw of its own: the other draws stay as they were.
            details: crate::domain::write::ClientDetails {
                domestic_abuse: index % 15 == 4,
                ..crate::domain::write::ClientDetails::default()
            },
        }
    }
}
