//! The arithmetic of the quarterly return and the five Home Office KPIs, over plain
//! records. The store gathers the records; this module decides what counts.
//!
//! Every percentage is a [`Ratio`] with a stated denominator; a zero denominator has no
//! percentage ("n/a"), never NaN.

use chrono::NaiveDate;
use serde::Serialize;

use super::clock::{RetentionBand, retention_band};
use super::model::{
    Area, ExitReason, OutreachKind, ReferralSource, SignpostDestination, Substance, TestKind,
    TestResult,
};
use super::period::Period;

/// Days before a referral within which a custody test counts as "tested" (KPI 3: "those
/// NOT tested"). A local rule: 003 does not say how recent the test must be.
pub const TESTED_BEFORE_DAYS: i64 = 28;

/// The team's choices where the sources leave room, stated in the return's definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Rules {
    /// KPI 2: days after a positive test within which the contact must follow. 003 sets
    /// no window ("Even if you speak to them on a phone, record this and we get an
    /// outcome"), so `None` (the default) counts a contact any time up to period end.
    pub kpi2_window_days: Option<i64>,
}

/// A count out of a count. The percentage exists only when the denominator is not zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ratio {
    /// The part.
    pub numerator: u64,
    /// The whole.
    pub denominator: u64,
}

impl Ratio {
    /// `numerator` out of `denominator`.
    #[must_use]
    pub const fn new(numerator: u64, denominator: u64) -> Self {
        Self {
            numerator,
            denominator,
        }
    }

    /// The percentage, or `None` for a zero denominator.
    #[must_use]
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    pub fn percent(self) -> Option<f64> {
        (self.denominator > 0).then(|| self.numerator as f64 * 100.0 / self.denominator as f64)
    }

    /// `57.3%`, or `n/a` for a zero denominator.
    #[must_use]
    pub fn display(self) -> String {
        self.percent()
            .map_or_else(|| "n/a".to_owned(), |p| format!("{p:.1}%"))
    }
}

/// An episode, with what the store found around it.
#[allow(clippy::struct_excessive_bools)] // each flag is an independent recorded fact
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpisodeFacts {
    /// The client's area.
    pub area_id: i64,
    /// Referral date.
    pub referral_date: NaiveDate,
    /// Referral source.
    pub referral_source: ReferralSource,
    /// Assessment (DIR) date.
    pub assessment_date: Option<NaiveDate>,
    /// Whether the assessment found a need for the caseload.
    pub assessed_need: bool,
    /// Care-plan date: the caseload start.
    pub care_plan_date: Option<NaiveDate>,
    /// The day engagement was evidenced (DIR section 9 completed). A date, not the
    /// current flag, so a past quarter's return does not change when the flag does.
    pub engaged_on: Option<NaiveDate>,
    /// Prescribed.
    pub prescribed: bool,
    /// Closure date and exit reason.
    pub closure: Option<(NaiveDate, ExitReason)>,
    /// Client is IOM.
    pub iom: bool,
    /// Client's problem substances, ranked (primary first).
    pub substances: [Option<Substance>; 3],
    /// Latest custody (trigger-offence or inspector's-authority) test on or before referral.
    pub custody_test_before: Option<NaiveDate>,
    /// First contact (not "did not attend") on or after the referral date: an Initial
    /// Contact Form's worth of contact.
    pub first_contact: Option<NaiveDate>,
}

impl EpisodeFacts {
    /// On the caseload on `day`: care plan on or before it, not closed by then.
    #[must_use]
    pub fn on_caseload(&self, day: NaiveDate) -> bool {
        self.care_plan_date.is_some_and(|start| start <= day)
            && self.closure.is_none_or(|(closed, _)| closed > day)
    }

    /// On the caseload on any day of `period`.
    #[must_use]
    pub fn on_caseload_during(&self, period: &Period) -> bool {
        self.care_plan_date.is_some_and(|start| start <= period.to)
            && self.closure.is_none_or(|(closed, _)| closed > period.from)
    }

    /// Engaged by the end of `period` (by the date, whatever the flag says now).
    #[must_use]
    pub fn engaged_by(&self, period: &Period) -> bool {
        self.engaged_on.is_some_and(|d| d <= period.to)
    }

    /// Earns KPI credit (003): not a client coming from CARATS (the prison referral
    /// source: "we do not get credit for those service users accessing the CJIT from
    /// CARATS"), and not aftercare without a new DIR (no assessment on this episode:
    /// "the service will not receive any credit in relation to KPI's, unless a new DIR
    /// has been started").
    #[must_use]
    pub fn earns_kpi_credit(&self) -> bool {
        self.referral_source != ReferralSource::Prison && self.assessment_date.is_some()
    }
}

/// A drug test, with the first follow-up (non-DNA contact or assessment) on or after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFacts {
    /// The client.
    pub client_id: i64,
    /// The client's area.
    pub area_id: i64,
    /// Test date.
    pub tested_on: NaiveDate,
    /// Why taken.
    pub kind: TestKind,
    /// Result.
    pub result: TestResult,
    /// First contact or assessment on or after the test date.
    pub first_follow_up: Option<NaiveDate>,
}

impl TestFacts {
    /// Positive for opiates, cocaine or both.
    #[must_use]
    pub const fn is_positive(&self) -> bool {
        matches!(
            self.result,
            TestResult::PositiveOpiates | TestResult::PositiveCocaine | TestResult::PositiveBoth
        )
    }
}

/// Something counted on a day in an area (a Required Assessment, a positive outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    /// Area.
    pub area_id: i64,
    /// Day.
    pub on: NaiveDate,
}

/// A care-plan modality (structured support).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModalityFacts {
    /// Area.
    pub area_id: i64,
    /// The episode it belongs to (one individual).
    pub episode_id: i64,
    /// Day it started.
    pub started_on: NaiveDate,
    /// Day it ended, if it has.
    pub ended_on: Option<NaiveDate>,
    /// The episode is prescribed.
    pub prescribed: bool,
}

impl ModalityFacts {
    /// Running on any day of `period`.
    #[must_use]
    pub fn during(&self, period: &Period) -> bool {
        self.started_on <= period.to && self.ended_on.is_none_or(|end| end >= period.from)
    }
}

/// One outreach tally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutreachFacts {
    /// Area.
    pub area_id: i64,
    /// Day.
    pub on: NaiveDate,
    /// Brief intervention or signposting.
    pub kind: OutreachKind,
    /// Signposting destination.
    pub destination: Option<SignpostDestination>,
}

/// A custody-suite day: adults charged with a trigger offence, and how many were tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TallyFacts {
    /// Area.
    pub area_id: i64,
    /// Day.
    pub on: NaiveDate,
    /// Adults charged with a trigger offence.
    pub charged: u64,
    /// Of those, drug tested.
    pub tested: u64,
    /// Of those, positive (for opiates, cocaine or both).
    pub positive: u64,
}

/// One member of a re-offending sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleFacts {
    /// Area.
    pub area_id: i64,
    /// First day of the quarter the sample was drawn for.
    pub quarter_from: NaiveDate,
    /// Offences in the first 3 months after the episode, once recorded.
    pub offences_after_3m: Option<u32>,
    /// Offences in the first 12 months after the episode, once recorded.
    pub offences_after_12m: Option<u32>,
}

/// Everything the return is computed from.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Areas, in display order.
    pub areas: Vec<Area>,
    /// Episodes.
    pub episodes: Vec<EpisodeFacts>,
    /// Drug tests.
    pub tests: Vec<TestFacts>,
    /// Custody-suite tallies.
    pub tallies: Vec<TallyFacts>,
    /// Required Assessments conducted (attended).
    pub required_assessments: Vec<Dated>,
    /// Care-plan modalities.
    pub modalities: Vec<ModalityFacts>,
    /// Positive outcomes.
    pub outcomes: Vec<Dated>,
    /// Outreach.
    pub outreach: Vec<OutreachFacts>,
    /// Re-offending sample members.
    pub sample: Vec<SampleFacts>,
}

impl Inputs {
    /// Only the records of area `area_id` (and only that area).
    #[must_use]
    pub fn for_area(&self, area_id: i64) -> Self {
        fn keep<T: Clone>(rows: &[T], area: impl Fn(&T) -> i64, id: i64) -> Vec<T> {
            rows.iter().filter(|r| area(r) == id).cloned().collect()
        }
        Self {
            areas: keep(&self.areas, |a| a.id, area_id),
            episodes: keep(&self.episodes, |e| e.area_id, area_id),
            tests: keep(&self.tests, |t| t.area_id, area_id),
            tallies: keep(&self.tallies, |t| t.area_id, area_id),
            required_assessments: keep(&self.required_assessments, |d| d.area_id, area_id),
            modalities: keep(&self.modalities, |m| m.area_id, area_id),
            outcomes: keep(&self.outcomes, |d| d.area_id, area_id),
            outreach: keep(&self.outreach, |o| o.area_id, area_id),
            sample: keep(&self.sample, |s| s.area_id, area_id),
        }
    }
}

/// A Home Office KPI: its number, target and wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KpiDefinition {
    /// 1-5.
    pub number: u8,
    /// Target percentage.
    pub target: u8,
    /// What is measured, with its denominator.
    pub definition: &'static str,
    /// Applies only where custody testing happens (intensive areas).
    pub intensive_only: bool,
}

/// The five KPIs, in order, as 003 ("KPI's made simple") defines them.
pub const KPIS: [KpiDefinition; 5] = [
    KpiDefinition {
        number: 1,
        target: 95,
        definition: "adults charged with a trigger offence who get tested, from the custody-suite \
                     tallies (003: \"Proportion of adults charged with a trigger offence who get \
                     tested\"; also shown per month: \"if 10 people in a month are charged\")",
        intensive_only: true,
    },
    KpiDefinition {
        number: 2,
        target: 90,
        definition: "positive custody tests followed by contact: a DIR or a contact (an ICF, by \
                     phone included) on or after the test, by period end (003: \"Proportion of \
                     those tested positive and have contact made with them\"); positives are the \
                     custody-suite tally's, or the clients' own tests where more were recorded, \
                     so arrestees who never become clients count",
        intensive_only: true,
    },
    KpiDefinition {
        number: 3,
        target: 60,
        definition: "arrest referrals (source police) not custody tested in the 28 days before \
                     (a local rule) with a DIR or a contact (ICF) by period end (003: \"Proportion \
                     of those NOT tested that have a DIR completed to 8.2\", \"or complete an ICF\")",
        intensive_only: false,
    },
    KpiDefinition {
        number: 4,
        target: 85,
        definition: "DIRs done in the period that found a need, with a care plan started by \
                     period end (003: \"Proportion assessed as needing a further intervention and \
                     gets taken onto the caseload\")",
        intensive_only: false,
    },
    KpiDefinition {
        number: 5,
        target: 85,
        definition: "care plans started in the period with engagement (DIR section 9) dated by \
                     period end (003: \"Proportion on caseload that engage\")",
        intensive_only: false,
    },
];

/// The no-credit rule under the KPIs (003), stated with them in the return.
pub const NO_CREDIT: &str = "KPIs 3-5 give no credit for clients coming from CARATS (referral \
     source prison) or for aftercare without a new DIR (an episode with no assessment) (003: \
     \"we do not get credit for those service users accessing the CJIT from CARATS\"; \"the \
     service will not receive any credit in relation to KPI's, unless a new DIR has been \
     started\")";

/// Where a KPI stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiStatus {
    /// At or above target.
    Met,
    /// Below target.
    Missed,
    /// Zero denominator: nothing to measure.
    NoData,
    /// KPIs 1 and 2 in a non-intensive area.
    NotApplicable,
}

impl KpiStatus {
    /// Word for the return.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::Missed => "missed",
            Self::NoData => "no data",
            Self::NotApplicable => "not applicable",
        }
    }
}

/// One KPI's figure for one area (or all areas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KpiFigure {
    /// Which KPI.
    pub kpi: KpiDefinition,
    /// The ratio; `None` when not applicable.
    pub ratio: Option<Ratio>,
    /// Met or missed.
    pub status: KpiStatus,
}

/// The five KPIs for one area (`area` `None` = all areas).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KpiRow {
    /// Area, or `None` for the total.
    pub area: Option<Area>,
    /// KPIs 1-5.
    pub figures: Vec<KpiFigure>,
}

/// Caseload of one area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaCaseload {
    /// The area.
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

fn count<T>(rows: &[T], keep: impl Fn(&T) -> bool) -> u64 {
    rows.iter().filter(|r| keep(r)).count() as u64
}

fn within(date: Option<NaiveDate>, period: &Period) -> bool {
    date.is_some_and(|d| period.contains(d))
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
            .map(|d| (*d, count(&outreach, |o| o.destination == Some(*d))))
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
                    e.care_plan_date
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

/// The five KPI ratios over the records of the areas `counted` keeps; KPIs 1 and 2
/// (custody-suite tallies and tests) count only the areas `custody` keeps. Filtering
/// by area here, rather than copying the records per area, keeps the memory of a
/// return at 100,000 clients to one set of records.
#[must_use]
pub fn kpi_ratios(
    inputs: &Inputs,
    period: &Period,
    rules: Rules,
    counted: &dyn Fn(i64) -> bool,
    custody: &dyn Fn(i64) -> bool,
) -> [Ratio; 5] {
    let tallies: Vec<&TallyFacts> = inputs
        .tallies
        .iter()
        .filter(|t| custody(t.area_id) && period.contains(t.on))
        .collect();
    let kpi1 = Ratio::new(
        tallies.iter().map(|t| t.tested).sum(),
        tallies.iter().map(|t| t.charged).sum(),
    );
    let positives: Vec<&TestFacts> = inputs
        .tests
        .iter()
        .filter(|t| {
            custody(t.area_id)
                && t.kind.is_custody()
                && t.is_positive()
                && period.contains(t.tested_on)
        })
        .collect();
    let followed = count(&positives, |t| {
        t.first_follow_up.is_some_and(|f| {
            f <= period.to
                && rules
                    .kpi2_window_days
                    .is_none_or(|days| (f - t.tested_on).num_days() <= days)
        })
    });
    // Positives per area and day: the tally's count (every arrestee) or, where the
    // clients' own records show more, those.
    let mut days: Vec<(i64, NaiveDate)> =
        positives.iter().map(|t| (t.area_id, t.tested_on)).collect();
    days.extend(tallies.iter().map(|t| (t.area_id, t.on)));
    days.sort_unstable();
    days.dedup();
    let all_positives: u64 = days
        .iter()
        .map(|&(area, day)| {
            let from_tally: u64 = tallies
                .iter()
                .filter(|t| t.area_id == area && t.on == day)
                .map(|t| t.positive)
                .sum();
            let recorded = count(&positives, |t| t.area_id == area && t.tested_on == day);
            from_tally.max(recorded)
        })
        .sum();
    let kpi2 = Ratio::new(followed, all_positives);
    let by_end = |d: Option<NaiveDate>| d.is_some_and(|d| d <= period.to);
    let not_tested: Vec<&EpisodeFacts> = inputs
        .episodes
        .iter()
        .filter(|e| {
            counted(e.area_id)
                && e.referral_source == ReferralSource::Police
                && period.contains(e.referral_date)
        })
        .filter(|e| {
            e.custody_test_before
                .is_none_or(|t| (e.referral_date - t).num_days() > TESTED_BEFORE_DAYS)
        })
        .collect();
    let kpi3 = Ratio::new(
        count(&not_tested, |e| {
            by_end(e.assessment_date) || by_end(e.first_contact)
        }),
        not_tested.len() as u64,
    );
    let needing: Vec<&EpisodeFacts> = inputs
        .episodes
        .iter()
        .filter(|e| {
            counted(e.area_id)
                && e.earns_kpi_credit()
                && within(e.assessment_date, period)
                && e.assessed_need
        })
        .collect();
    let kpi4 = Ratio::new(
        count(&needing, |e| by_end(e.care_plan_date)),
        needing.len() as u64,
    );
    let planned: Vec<&EpisodeFacts> = inputs
        .episodes
        .iter()
        .filter(|e| counted(e.area_id) && e.earns_kpi_credit() && within(e.care_plan_date, period))
        .collect();
    let kpi5 = Ratio::new(
        count(&planned, |e| e.engaged_by(period)),
        planned.len() as u64,
    );
    [kpi1, kpi2, kpi3, kpi4, kpi5]
}

/// Judges each ratio against its target; KPIs 1 and 2 do not apply where `intensive` is false.
#[must_use]
pub fn judge(ratios: [Ratio; 5], intensive: bool) -> Vec<KpiFigure> {
    KPIS.iter()
        .zip(ratios)
        .map(|(kpi, ratio)| {
            if kpi.intensive_only && !intensive {
                return KpiFigure {
                    kpi: *kpi,
                    ratio: None,
                    status: KpiStatus::NotApplicable,
                };
            }
            let status = match ratio.percent() {
                None => KpiStatus::NoData,
                Some(p) if p >= f64::from(kpi.target) => KpiStatus::Met,
                Some(_) => KpiStatus::Missed,
            };
            KpiFigure {
                kpi: *kpi,
                ratio: Some(ratio),
                status,
            }
        })
        .collect()
}

/// One row per area, then the total. The total's KPIs 1 and 2 count intensive areas only.
fn kpi_rows(inputs: &Inputs, period: &Period, rules: Rules) -> Vec<KpiRow> {
    let mut rows: Vec<KpiRow> = inputs
        .areas
        .iter()
        .map(|a| {
            let this = |id: i64| id == a.id;
            KpiRow {
                area: Some(a.clone()),
                figures: judge(kpi_ratios(inputs, period, rules, &this, &this), a.intensive),
            }
        })
        .collect();
    let intensive: Vec<i64> = inputs
        .areas
        .iter()
        .filter(|a| a.intensive)
        .map(|a| a.id)
        .collect();
    let total = kpi_ratios(inputs, period, rules, &|_| true, &|id| {
        intensive.contains(&id)
    });
    rows.push(KpiRow {
        area: None,
        figures: judge(total, !intensive.is_empty()),
    });
    rows
}
