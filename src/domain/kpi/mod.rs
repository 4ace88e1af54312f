//! The arithmetic of the quarterly return and the five Home Office KPIs, over plain
//! records. The store gathers the records; this module decides what counts.
//!
//! Every percentage is a [`Ratio`] with a stated denominator; a zero denominator has no
//! percentage ("n/a"), never NaN.

use chrono::NaiveDate;

mod facts;
mod ratio;
mod targets;

use targets::kpi_rows;

pub use facts::{
    Dated, EpisodeFacts, Inputs, ModalityFacts, OutreachFacts, SampleFacts, TallyFacts, TestFacts,
};
pub use ratio::Ratio;
use ratio::{count, within};
pub use targets::{
    KPIS, KpiDefinition, KpiFigure, KpiRow, KpiStatus, NO_CREDIT, Rules, TESTED_BEFORE_DAYS, judge,
    kpi_ratios,
};

use super::clock::{RetentionBand, retention_band};
use super::model::{
    Area, ExitReason, ReferralSource, SignpostDestination, Substance, TestKind, TestResult,
};
use super::period::Period;

/// Caseload of one area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaCaseload {
    /// The area, whose name heads the row.
    pub area: Area,
    /// On the caseload on the last day of the period.
    pub at_end: u64,
    /// Average over every day of the period.
    pub average: f64,
    /// Positive outcomes recorded in the period.
    pub positive_outcomes: u64,
}

/// Every counted figure of the return. Percentages are formed by the report with the
/// denominators it states.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Episodes referred in the period.
    pub referrals: u64,
    /// Referrals by source.
    pub referral_sources: Vec<(ReferralSource, u64)>,
    /// Adults charged with a trigger offence (tallies).
    pub charged_trigger_offence: u64,
    /// Of those, tested (tallies).
    pub tested_after_charge: u64,
    /// Of those, positive (tallies).
    pub positive_after_charge: u64,
    /// Client drug tests in the period, by kind.
    pub tests_by_kind: Vec<(TestKind, u64)>,
    /// People with at least one treatment drug test in the period.
    pub treatment_tested_people: u64,
    /// Prescribed clients on the caseload on any day of the period.
    pub prescribed_caseload: u64,
    /// Treatment tests that were negative.
    pub negative_treatment_tests: u64,
    /// Assessments in the period.
    pub assessments: u64,
    /// Care plans in the period.
    pub care_plans: u64,
    /// Of those care plans, engaged by period end.
    pub engaging: u64,
    /// Of those care plans, prescribed.
    pub prescribed: u64,
    /// Brief interventions, signposted ones included.
    pub brief_interventions: u64,
    /// Brief interventions that signposted, by destination.
    pub signposted: Vec<(SignpostDestination, u64)>,
    /// Required Assessments conducted (attended) in the period.
    pub required_assessments: u64,
    /// Caseload by area.
    pub caseload: Vec<AreaCaseload>,
    /// Caseload at period end, all areas.
    pub caseload_at_end: u64,
    /// Of those, IOM.
    pub iom_at_end: u64,
    /// Individuals receiving structured support (a care-plan modality) in the period,
    /// prescribed.
    pub modalities_prescribed: u64,
    /// The same, not prescribed.
    pub modalities_not_prescribed: u64,
    /// Closures in the period.
    pub closures: u64,
    /// Closures by exit reason.
    pub exits: Vec<(ExitReason, u64)>,
    /// Closures before reaching the caseload (no care plan).
    pub closed_before_caseload: u64,
    /// Closures from the caseload, by retention band.
    pub retention: Vec<(RetentionBand, u64)>,
    /// Re-offending sample members with the 3-month count recorded.
    pub sample_recorded: u64,
    /// Of those, no offence in the first 3 months.
    pub sample_not_reoffending: u64,
    /// The quarter a year earlier, whose sample's 12-month counts are due now.
    pub sample_year_before: Period,
    /// Its sample members with the 12-month count recorded.
    pub sample_12m_recorded: u64,
    /// Of those, no offence in the first 12 months.
    pub sample_12m_not_reoffending: u64,
    /// Every ranked substance of clients referred in the period, by substance.
    pub substances: Vec<(Substance, u64)>,
    /// Primary substance of clients referred in the period.
    pub primary_substances: Vec<(Substance, u64)>,
    /// KPI 1 for each month of the period (intensive areas).
    pub kpi1_by_month: Vec<(String, Ratio)>,
    /// KPIs per area, then the total.
    pub kpis: Vec<KpiRow>,
}

/// Counts per substance, most first (ties in vocabulary order), zeros left out.
fn by_substance(found: impl Iterator<Item = Substance>) -> Vec<(Substance, u64)> {
    let mut counts: Vec<(Substance, u64)> = Substance::ALL.iter().map(|s| (*s, 0)).collect();
    for s in found {
        if let Some(entry) = counts.iter_mut().find(|(k, _)| *k == s) {
            entry.1 += 1;
        }
    }
    counts.retain(|(_, n)| *n > 0);
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// Computes the return for `period` from `inputs` under the team's `rules`.
#[must_use]
#[allow(clippy::too_many_lines)] // one expression per figure of the return, in its order
pub fn compute(inputs: &Inputs, period: &Period, rules: Rules) -> Figures {
    let episodes = &inputs.episodes;
    let referred: Vec<&EpisodeFacts> = episodes
        .iter()
        .filter(|e| period.contains(e.referral_date))
        .collect();
    let planned: Vec<&EpisodeFacts> = episodes
        .iter()
        .filter(|e| within(e.care_plan_date, period))
        .collect();
    let closed: Vec<(NaiveDate, ExitReason, &EpisodeFacts)> = episodes
        .iter()
        .filter_map(|e| e.closure.map(|(d, r)| (d, r, e)))
        .filter(|(d, _, _)| period.contains(*d))
        .collect();
    let at_end: Vec<&EpisodeFacts> = episodes
        .iter()
        .filter(|e| e.on_caseload(period.to))
        .collect();
    let tests: Vec<&TestFacts> = inputs
        .tests
        .iter()
        .filter(|t| period.contains(t.tested_on))
        .collect();
    let mut treatment_tested: Vec<i64> = tests
        .iter()
        .filter(|t| t.kind == TestKind::Treatment)
        .map(|t| t.client_id)
        .collect();
    treatment_tested.sort_unstable();
    treatment_tested.dedup();
    let outreach: Vec<&OutreachFacts> = inputs
        .outreach
        .iter()
        .filter(|o| period.contains(o.on))
        .collect();
    let tallies = inputs.tallies.iter().filter(|t| period.contains(t.on));
    let sample: Vec<&SampleFacts> = inputs
        .sample
        .iter()
        .filter(|s| period.contains(s.quarter_from))
        .filter(|s| s.offences_after_3m.is_some())
        .collect();
    let year_before = period.year_before();
    let sample_12m: Vec<&SampleFacts> = inputs
        .sample
        .iter()
        .filter(|s| year_before.contains(s.quarter_from))
        .filter(|s| s.offences_after_12m.is_some())
        .collect();
    let supported = |prescribed: bool| {
        let mut ids: Vec<i64> = inputs
            .modalities
            .iter()
            .filter(|m| m.prescribed == prescribed && m.during(period))
            .map(|m| m.episode_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len() as u64
    };

    Figures {
        referrals: referred.len() as u64,
        referral_sources: ReferralSource::ALL
            .iter()
            .map(|s| (*s, count(&referred, |e| e.referral_source == *s)))
            .collect(),
        charged_trigger_offence: tallies.clone().map(|t| t.charged).sum(),
        tested_after_charge: tallies.clone().map(|t| t.tested).sum(),
        positive_after_charge: tallies.map(|t| t.positive).sum(),
        tests_by_kind: TestKind::ALL
            .iter()
            .map(|k| (*k, count(&tests, |t| t.kind == *k)))
            .collect(),
        treatment_tested_people: treatment_tested.len() as u64,
        prescribed_caseload: count(episodes, |e| e.prescribed && e.on_caseload_during(period)),
        negative_treatment_tests: count(&tests, |t| {
            t.kind == TestKind::Treatment && t.result == TestResult::Negative
        }),
        assessments: count(episodes, |e| within(e.assessment_date, period)),
        care_plans: planned.len() as u64,
        engaging: count(&planned, |e| e.engaged_by(period)),
        prescribed: count(&planned, |e| e.prescribed),
        brief_interventions: outreach.len() as u64,
        signposted: SignpostDestination::ALL
            .iter()
            .map(|d| (*d, count(&outreach, |o| o.signposted_to == Some(*d))))
            .collect(),
        required_assessments: count(&inputs.required_assessments, |d| period.contains(d.on)),
        caseload: inputs
            .areas
            .iter()
            .map(|a| area_caseload(inputs, a, period))
            .collect(),
        caseload_at_end: at_end.len() as u64,
        iom_at_end: count(&at_end, |e| e.iom),
        modalities_prescribed: supported(true),
        modalities_not_prescribed: supported(false),
        closures: closed.len() as u64,
        exits: ExitReason::ALL
            .iter()
            .map(|r| (*r, count(&closed, |(_, reason, _)| reason == r)))
            .collect(),
        closed_before_caseload: count(&closed, |(_, _, e)| e.care_plan_date.is_none()),
        retention: RetentionBand::ALL
            .iter()
            .map(|band| {
                let n = count(&closed, |(closure, _, e)| {
                    rules
                        .clock_starts
                        .of(e.assessment_date, e.care_plan_date)
                        .is_some_and(|start| retention_band(start, *closure) == *band)
                });
                (*band, n)
            })
            .collect(),
        sample_recorded: sample.len() as u64,
        sample_not_reoffending: count(&sample, |s| s.offences_after_3m == Some(0)),
        sample_12m_recorded: sample_12m.len() as u64,
        sample_12m_not_reoffending: count(&sample_12m, |s| s.offences_after_12m == Some(0)),
        sample_year_before: year_before,
        substances: by_substance(
            referred
                .iter()
                .flat_map(|e| e.substances.iter().flatten().copied()),
        ),
        primary_substances: by_substance(referred.iter().filter_map(|e| e.substances[0])),
        kpi1_by_month: kpi1_by_month(inputs, period),
        kpis: kpi_rows(inputs, period, rules),
    }
}

/// KPI 1 for each calendar month of `period`, over intensive areas (003: "if 10 people
/// in a month are charged for a trigger offence ... and one fails to get tested then we
/// only get 90%").
fn kpi1_by_month(inputs: &Inputs, period: &Period) -> Vec<(String, Ratio)> {
    let intensive: Vec<i64> = inputs
        .areas
        .iter()
        .filter(|a| a.intensive)
        .map(|a| a.id)
        .collect();
    period
        .months()
        .into_iter()
        .map(|month| {
            let days = inputs
                .tallies
                .iter()
                .filter(|t| intensive.contains(&t.area_id) && month.contains(t.on));
            let ratio = Ratio::new(
                days.clone().map(|t| t.tested).sum(),
                days.map(|t| t.charged).sum(),
            );
            (month.label, ratio)
        })
        .collect()
}

/// Average daily caseload: days each episode was on the caseload within the period,
/// summed and divided by the days in the period.
#[allow(clippy::cast_precision_loss)] // day counts far below 2^52
fn area_caseload(inputs: &Inputs, area: &Area, period: &Period) -> AreaCaseload {
    let mut client_days = 0_i64;
    let mut at_end = 0_u64;
    for e in inputs.episodes.iter().filter(|e| e.area_id == area.id) {
        let Some(start) = e.care_plan_date else {
            continue;
        };
        // Off the caseload from the closure date itself.
        let last = e.closure.map_or(period.to, |(closed, _)| {
            closed.pred_opt().unwrap_or(closed).min(period.to)
        });
        let first = start.max(period.from);
        if last >= first {
            client_days += (last - first).num_days() + 1;
        }
        at_end += u64::from(e.on_caseload(period.to));
    }
    AreaCaseload {
        area: area.clone(),
        at_end,
        average: client_days as f64 / period.days() as f64,
        positive_outcomes: count(&inputs.outcomes, |o| {
            o.area_id == area.id && period.contains(o.on)
        }),
    }
}
