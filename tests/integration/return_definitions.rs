//! The return's figures and KPIs as the sources define them (000 "How much / How well /
//! Better off", 003 "KPI's made simple"), each on a small hand-built world whose expected
//! value is worked out beside the assertion; and a past quarter's return that does not
//! change when records are edited later.

use caseload::domain::kpi::{
    self, Dated, EpisodeFacts, Inputs, ModalityFacts, OutreachFacts, Ratio, Rules, SampleFacts,
    TallyFacts, TestFacts,
};
use caseload::domain::model::{
    Area, AssessmentKind, AssessmentOutcome, ExitReason, ReferralSource, SignpostDestination,
    Substance, TestKind, TestResult,
};
use caseload::domain::period::Period;
use caseload::report::{self, ReportOptions, render};
use caseload::store::{Actor, Change, EpisodeEdit, Store};

use crate::common::{at, date, team_store};

/// 2014-15 Q3: 1 October - 31 December 2014.
fn q3() -> Period {
    Period::parse("2014-15:Q3").unwrap()
}

fn newport() -> Area {
    Area {
        id: 1,
        name: "Newport".into(),
        intensive: true,
    }
}

fn episode(referral: &str, source: ReferralSource) -> EpisodeFacts {
    crate::report::episode(1, referral, source)
}

fn test(client_id: i64, on: &str, kind: TestKind, result: TestResult) -> TestFacts {
    TestFacts {
        client_id,
        area_id: 1,
        tested_on: date(on),
        kind,
        result,
        first_follow_up: None,
    }
}

fn tally(on: &str, charged: u64, tested: u64, positive: u64) -> TallyFacts {
    TallyFacts {
        area_id: 1,
        on: date(on),
        charged,
        tested,
        positive,
    }
}

fn world(episodes: Vec<EpisodeFacts>) -> Inputs {
    Inputs {
        areas: vec![newport()],
        episodes,
        ..Inputs::default()
    }
}

fn total(inputs: &Inputs, rules: Rules) -> Vec<Option<Ratio>> {
    let f = kpi::compute(inputs, &q3(), rules);
    f.kpis
        .last()
        .unwrap()
        .figures
        .iter()
        .map(|k| k.ratio)
        .collect()
}

#[test]
fn brief_interventions_include_the_signposted_ones() {
    // 000: 388 signposted = 16% of 2,450 brief interventions, so the signposted are
    // among the brief interventions. Here: 3 without signposting, 1 signposted to
    // housing -> 4 brief interventions, of which 1 (25%) signposted.
    let bi = |signposted_to: Option<SignpostDestination>| OutreachFacts {
        area_id: 1,
        on: date("2014-11-01"),
        signposted_to,
    };
    let inputs = Inputs {
        outreach: vec![
            bi(None),
            bi(None),
            bi(None),
            bi(Some(SignpostDestination::Housing)),
        ],
        ..world(vec![])
    };
    let f = kpi::compute(&inputs, &q3(), Rules::default());
    assert_eq!(f.brief_interventions, 4);
    let options = ReportOptions {
        period: q3(),
        area: None,
        suppress_small: false,
        rules: Rules::default(),
    };
    let r = report::assemble(&f, &options, "all areas".into(), date("2015-01-05"));
    let line = r.sections[0]
        .lines
        .iter()
        .find(|l| l.label == "signposted to specialist services")
        .unwrap();
    assert_eq!(line.share_text(), "25.0%");
}

#[test]
fn treatment_tests_count_people_against_the_prescribed_caseload() {
    // 000: "those that have had at least one treatment drug test during the reporting
    // period", as a share of the prescribed caseload. Client 1 tested twice, client 2
    // once, client 3 only in September -> 2 people. Prescribed clients on the caseload
    // on any day of the quarter: e1 (care plan August, open) and e4 (care plan 31
    // December); not e2 (closed 1 October: off the caseload that day) nor e3 (not
    // prescribed) -> 2. 2 people of 2 prescribed = 100%.
    let prescribed = |cp: &str, closure: Option<&str>| EpisodeFacts {
        care_plan_date: Some(date(cp)),
        prescribed: true,
        closure: closure.map(|d| (date(d), ExitReason::Other)),
        ..episode("2014-07-01", ReferralSource::Police)
    };
    let e3 = EpisodeFacts {
        care_plan_date: Some(date("2014-08-01")),
        ..episode("2014-07-01", ReferralSource::Police)
    };
    let inputs = Inputs {
        tests: vec![
            test(1, "2014-10-02", TestKind::Treatment, TestResult::Negative),
            test(
                1,
                "2014-11-02",
                TestKind::Treatment,
                TestResult::PositiveOpiates,
            ),
            test(2, "2014-12-31", TestKind::Treatment, TestResult::Negative),
            test(3, "2014-09-30", TestKind::Treatment, TestResult::Negative),
            test(4, "2014-11-02", TestKind::Voluntary, TestResult::Negative),
        ],
        ..world(vec![
            prescribed("2014-08-01", None),
            prescribed("2014-08-01", Some("2014-10-01")),
            e3,
            prescribed("2014-12-31", None),
        ])
    };
    let f = kpi::compute(&inputs, &q3(), Rules::default());
    assert_eq!(f.treatment_tested_people, 2);
    assert_eq!(f.prescribed_caseload, 2);
    // Voluntary 5-panel tests are a kind of their own (000: 219), not treatment tests.
    let kind = |k| f.tests_by_kind.iter().find(|(x, _)| *x == k).unwrap().1;
    assert_eq!(
        (kind(TestKind::Voluntary), kind(TestKind::Treatment)),
        (1, 3)
    );
}

#[test]
fn modalities_count_individuals_receiving_structured_support_split_by_prescription() {
    // 000: "individuals on the caseload receiving structured support during the reported
    // period, divided between those receiving a prescription and those who are not".
    // Episode 10 (prescribed) has two modalities in the quarter -> one individual;
    // episode 11 (not prescribed) has one running since June, still open -> one;
    // episode 12's ended 30 September and episode 13's starts 1 January -> none.
    let m = |episode_id, from: &str, to: Option<&str>, prescribed| ModalityFacts {
        area_id: 1,
        episode_id,
        started_on: date(from),
        ended_on: to.map(date),
        prescribed,
    };
    let inputs = Inputs {
        modalities: vec![
            m(10, "2014-10-01", Some("2014-10-20"), true),
            m(10, "2014-11-01", None, true),
            m(11, "2014-06-01", None, false),
            m(12, "2014-06-01", Some("2014-09-30"), false),
            m(13, "2015-01-01", None, true),
        ],
        ..world(vec![])
    };
    let f = kpi::compute(&inputs, &q3(), Rules::default());
    assert_eq!(
        (f.modalities_prescribed, f.modalities_not_prescribed),
        (1, 1)
    );
}

#[test]
fn substances_count_every_ranked_one_with_the_primary_beside() {
    // 000 counts 617 substances for 592 referrals: every ranked substance. Three
    // referrals: heroin+crack+alcohol, heroin, crack+cannabis -> 6 substances: heroin 2,
    // crack 2, alcohol 1, cannabis 1; primary: heroin 2, crack 1.
    use Substance::{Alcohol, Cannabis, Crack, Heroin};
    let with = |s: [Option<Substance>; 3]| EpisodeFacts {
        substances: s,
        ..episode("2014-11-01", ReferralSource::Police)
    };
    let inputs = world(vec![
        with([Some(Heroin), Some(Crack), Some(Alcohol)]),
        with([Some(Heroin), None, None]),
        with([Some(Crack), Some(Cannabis), None]),
    ]);
    let f = kpi::compute(&inputs, &q3(), Rules::default());
    assert_eq!(
        f.substances,
        vec![(Heroin, 2), (Crack, 2), (Cannabis, 1), (Alcohol, 1)]
    );
    assert_eq!(f.primary_substances, vec![(Heroin, 2), (Crack, 1)]);
}

#[test]
fn the_12_month_re_offending_figure_is_for_the_quarter_a_year_earlier() {
    // 000: offending "3+ and 12+ months post engagement". For 2014-15 Q3, the 12-month
    // counts are those of the sample drawn for 2013-14 Q3: 2 recorded, 1 with none.
    let s = |from: &str, m3: Option<u32>, m12: Option<u32>| SampleFacts {
        area_id: 1,
        quarter_from: date(from),
        offences_after_3m: m3,
        offences_after_12m: m12,
    };
    let inputs = Inputs {
        sample: vec![
            s("2013-10-01", Some(1), Some(0)),
            s("2013-10-01", Some(0), Some(3)),
            s("2013-10-01", Some(0), None),
            s("2014-10-01", Some(0), None),
        ],
        ..world(vec![])
    };
    let f = kpi::compute(&inputs, &q3(), Rules::default());
    assert_eq!(f.sample_year_before.label, "2013-14:Q3");
    assert_eq!(
        (f.sample_12m_recorded, f.sample_12m_not_reoffending),
        (2, 1)
    );
    assert_eq!((f.sample_recorded, f.sample_not_reoffending), (1, 1));
}

#[test]
fn a_closure_before_the_caseload_is_in_no_retention_band() {
    // Closed 20 November with no care plan: never retained in treatment. Before, it
    // fell into 0-11 weeks measured from its referral.
    let never = EpisodeFacts {
        closure: Some((date("2014-11-20"), ExitReason::Disengaged)),
        ..episode("2014-11-01", ReferralSource::Police)
    };
    let f = kpi::compute(&world(vec![never]), &q3(), Rules::default());
    assert_eq!((f.closures, f.closed_before_caseload), (1, 1));
    assert!(
        f.retention.iter().all(|(_, n)| *n == 0),
        "{:?}",
        f.retention
    );
}

#[test]
fn kpi_1_is_also_shown_month_by_month() {
    // 003: "if 10 people in a month are charged for a trigger offence ... and one fails
    // to get tested then we only get 90%". October 10 charged, 9 tested; November 5 of
    // 5; December no tally.
    let inputs = Inputs {
        tallies: vec![
            tally("2014-10-01", 6, 6, 0),
            tally("2014-10-31", 4, 3, 0),
            tally("2014-11-15", 5, 5, 0),
        ],
        ..world(vec![])
    };
    let f = kpi::compute(&inputs, &q3(), Rules::default());
    assert_eq!(
        f.kpi1_by_month,
        vec![
            ("Oct 2014".to_owned(), Ratio::new(9, 10)),
            ("Nov 2014".to_owned(), Ratio::new(5, 5)),
            ("Dec 2014".to_owned(), Ratio::new(0, 0)),
        ]
    );
    assert_eq!(
        total(&inputs, Rules::default())[0],
        Some(Ratio::new(14, 15))
    );
}

#[test]
fn kpi_2_counts_positives_of_arrestees_who_never_become_clients() {
    // 003: "if the 10 people get tested and all 10 are positive ... we must have 10 DIR
    // forms or 10 ICF's". 1 October: the tally says 10 tested positive; 2 of them are
    // clients with their tests recorded, one contacted on 2 October, the other on
    // 5 November. 3 October: no tally, one client positive, contacted 31 December
    // (period end). KPI 2 = contacted 3 / positives (10 + 1) = 3 of 11. With a 28-day
    // window (a team setting), 5 November (35 days) and 31 December (89 days) are too
    // late: 1 of 11.
    let positive = |client, on: &str, contact: &str| TestFacts {
        first_follow_up: Some(date(contact)),
        ..test(
            client,
            on,
            TestKind::TriggerOffence,
            TestResult::PositiveCocaine,
        )
    };
    let inputs = Inputs {
        tallies: vec![tally("2014-10-01", 12, 11, 10)],
        tests: vec![
            positive(1, "2014-10-01", "2014-10-02"),
            positive(2, "2014-10-01", "2014-11-05"),
            positive(3, "2014-10-03", "2014-12-31"),
            // A contact after period end does not count for this quarter.
            positive(4, "2014-10-03", "2015-01-01"),
            test(
                5,
                "2014-10-03",
                TestKind::Treatment,
                TestResult::PositiveBoth,
            ),
        ],
        ..world(vec![])
    };
    // 3 October now has two client positives (clients 3 and 4): 10 + 2 = 12.
    assert_eq!(total(&inputs, Rules::default())[1], Some(Ratio::new(3, 12)));
    let window = Rules {
        kpi2_window_days: Some(28),
        ..Rules::default()
    };
    assert_eq!(total(&inputs, window)[1], Some(Ratio::new(1, 12)));
}

#[test]
fn kpi_3_is_arrest_referrals_not_tested_with_a_dir_or_an_icf() {
    // 003: "Proportion of those NOT tested that have a DIR completed to 8.2 ... or
    // complete an ICF" by arrest referral. Police referrals in the quarter: a (DIR),
    // b (contact only: an ICF), c (nothing), d (tested the same day: not counted).
    // A probation referral with nothing is not an arrest referral. 2 of 3.
    use ReferralSource::{Police, Probation};
    let a = EpisodeFacts {
        assessment_date: Some(date("2014-10-10")),
        ..episode("2014-10-05", Police)
    };
    let b = EpisodeFacts {
        first_contact: Some(date("2014-10-06")),
        ..episode("2014-10-05", Police)
    };
    let c = episode("2014-10-05", Police);
    let d = EpisodeFacts {
        custody_test_before: Some(date("2014-10-05")),
        ..episode("2014-10-05", Police)
    };
    let inputs = world(vec![a, b, c, d, episode("2014-10-05", Probation)]);
    assert_eq!(total(&inputs, Rules::default())[2], Some(Ratio::new(2, 3)));
}

#[test]
fn kpis_4_and_5_follow_the_dir_to_care_plan_to_engagement_without_credit_for_carats_or_aftercare() {
    // 003 KPI 4: "Proportion assessed as needing a further intervention and gets taken
    // onto the caseload"; KPI 5: "Proportion on caseload that engage". No credit for
    // clients from CARATS (prison) or aftercare without a new DIR.
    //   a: DIR 2 Oct, care plan 9 Oct, engaged 20 Oct            -> 4 yes, 5 yes
    //   b: DIR 3 Oct, care plan 10 Oct, engaged 5 January (late)  -> 4 yes, 5 no
    //   c: DIR 4 Oct, no care plan                               -> 4 no
    //   d: DIR 5 Oct, no need found                              -> not in KPI 4
    //   e: from prison (CARATS), DIR, care plan, engaged         -> no credit
    //   f: aftercare: care plan 12 Oct, engaged, no DIR           -> no credit
    // KPI 4 = 2 of 3 (a, b of a, b, c); KPI 5 = 1 of 2 (a of a, b).
    use ReferralSource::{Police, Prison};
    let with = |dir: Option<&str>, cp: Option<&str>, engaged: Option<&str>, source| EpisodeFacts {
        assessment_date: dir.map(date),
        care_plan_date: cp.map(date),
        engaged_on: engaged.map(date),
        ..episode("2014-10-01", source)
    };
    let d = EpisodeFacts {
        assessed_need: false,
        ..with(Some("2014-10-05"), None, None, Police)
    };
    let inputs = world(vec![
        with(
            Some("2014-10-02"),
            Some("2014-10-09"),
            Some("2014-10-20"),
            Police,
        ),
        with(
            Some("2014-10-03"),
            Some("2014-10-10"),
            Some("2015-01-05"),
            Police,
        ),
        with(Some("2014-10-04"), None, None, Police),
        d,
        with(
            Some("2014-10-02"),
            Some("2014-10-09"),
            Some("2014-10-20"),
            Prison,
        ),
        with(None, Some("2014-10-12"), Some("2014-10-20"), Police),
    ]);
    let ratios = total(&inputs, Rules::default());
    assert_eq!(ratios[3], Some(Ratio::new(2, 3)));
    assert_eq!(ratios[4], Some(Ratio::new(1, 2)));
}

#[test]
fn required_assessments_are_the_attended_ones() {
    // 000: "the number of Required Assessments conducted". Three appointments in
    // October 2026 (2026-27 Q3): attended, failed to attend, no outcome yet -> 1.
    let (_dir, mut store, team) = team_store();
    let cora = Actor {
        login: "cora".into(),
        now: at("2026-11-23 09:30"),
    };
    for (day, outcome) in [
        ("2026-10-05 10:00", Some(AssessmentOutcome::Attended)),
        ("2026-10-06 10:00", Some(AssessmentOutcome::FailedToAttend)),
        ("2026-10-07 10:00", None),
    ] {
        let booked = store
            .apply(
                &cora,
                &Change::BookAssessment {
                    client_id: team.c1,
                    kind: AssessmentKind::Initial,
                    at: at(day),
                },
            )
            .unwrap();
        if let Some(outcome) = outcome {
            let assessment = store
                .version_of("required_assessment", booked.rows[0].row_id)
                .unwrap();
            store
                .apply(
                    &cora,
                    &Change::AssessmentOutcome {
                        assessment,
                        outcome,
                        // A failed attendance is a breach, with its RAG.
                        breach: (outcome == AssessmentOutcome::FailedToAttend)
                            .then_some(caseload::domain::model::Rag::Amber),
                        breach_at: None,
                    },
                )
                .unwrap();
        }
    }
    let inputs = store
        .report_inputs(&Period::parse("2026-27:Q3").unwrap())
        .unwrap();
    let f = kpi::compute(
        &inputs,
        &Period::parse("2026-27:Q3").unwrap(),
        Rules::default(),
    );
    assert_eq!(f.required_assessments, 1);
    let dated: Vec<Dated> = inputs.required_assessments;
    assert_eq!(dated.len(), 1);
}

/// The whole 2026-27 Q2 return (July - September) as JSON.
fn q2_return(store: &Store) -> String {
    let options = ReportOptions {
        period: Period::parse("2026-27:Q2").unwrap(),
        area: None,
        suppress_small: false,
        rules: Rules::default(),
    };
    let built = report::build(store, &options, date("2026-11-23")).unwrap();
    render::render(&built, render::Format::Json).unwrap()
}

#[test]
fn a_past_quarters_return_does_not_change_when_records_are_edited_later() {
    // C-1's episode: referred 1 September, care plan 10 September (the fixture); DIR on
    // 5 September and engagement on 20 September recorded now. Q2's KPI 5 = 1 of 1.
    // Then, in November, the engaged flag is cleared (the client lapsed) and a contact
    // and a tally are recorded: Q2's return must read the same.
    let (_dir, mut store, team) = team_store();
    let cora = Actor {
        login: "cora".into(),
        now: at("2026-11-23 09:30"),
    };
    let edit = |store: &mut Store, change: EpisodeEdit| {
        let row = store.version_of("episode", team.e1).unwrap();
        store.apply(&cora, &Change::Episode(row, change)).unwrap();
    };
    edit(
        &mut store,
        EpisodeEdit::Assessment {
            on: Some(date("2026-09-05")),
            assessed_need: true,
            dan_advised: false,
        },
    );
    edit(&mut store, EpisodeEdit::Engaged(Some(date("2026-09-20"))));
    let before = q2_return(&store);
    let json: serde_json::Value = serde_json::from_str(&before).unwrap();
    let northtown_kpi5 = &json["kpis"][0]["figures"][4]["ratio"];
    assert_eq!(
        (&northtown_kpi5["numerator"], &northtown_kpi5["denominator"]),
        (&1.into(), &1.into())
    );

    edit(&mut store, EpisodeEdit::Engaged(None));
    store
        .apply(
            &cora,
            &Change::Contact {
                client_id: team.c1,
                at: at("2026-11-20 10:00"),
                kind: caseload::domain::model::ContactKind::Phone,
                note: "checked in".into(),
            },
        )
        .unwrap();
    store
        .record_tally(
            &cora,
            &caseload::store::NewTally {
                area_id: team.north,
                recorded_on: date("2026-11-20"),
                charged: 4,
                tested: 4,
                positive: 2,
            },
            false,
        )
        .unwrap();
    assert_eq!(q2_return(&store), before);
}

#[test]
fn every_format_states_kpi_1_by_month_and_the_teams_rules() {
    // October: 9 of 10 tested. The window is the team's setting, said where it applies.
    let inputs = Inputs {
        tallies: vec![tally("2014-10-01", 10, 9, 0)],
        ..world(vec![])
    };
    let rules = Rules {
        kpi2_window_days: Some(28),
        ..Rules::default()
    };
    let options = ReportOptions {
        period: q3(),
        area: None,
        suppress_small: false,
        rules,
    };
    let f = kpi::compute(&inputs, &q3(), rules);
    let r = report::assemble(&f, &options, "all areas".into(), date("2015-01-05"));
    for format in [
        render::Format::Text,
        render::Format::Md,
        render::Format::Csv,
    ] {
        let out = render::render(&r, format).unwrap();
        assert!(out.contains("Oct 2014"), "{format:?}");
        assert!(out.contains("90.0%"), "{format:?}");
        assert!(out.contains("within 28 days"), "{format:?}");
        assert!(out.contains("CARATS"), "{format:?}: the no-credit rule");
    }
}
