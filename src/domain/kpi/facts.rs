//! What the store gathers for the return: plain facts about episodes, tests,
//! modalities, outreach, custody-suite tallies and the re-offending sample.

use chrono::NaiveDate;

use crate::domain::model::{
    Area, ExitReason, ReferralSource, SignpostDestination, Substance, TestKind, TestResult,
};
use crate::domain::period::Period;

/// An episode, with what the store found around it.
#[allow(clippy::struct_excessive_bools)] // each flag is an independent recorded fact
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpisodeFacts {
    /// The client's area.
    pub area_id: i64,
    /// The day the episode starts: it is a referral of the period that holds this day.
    pub referral_date: NaiveDate,
    /// Police referrals are KPI 3's; prison ones (CARATS) earn no KPI credit.
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
    /// Prescribed, as recorded now (the return splits care plans by it).
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
    /// Whose test (client row id).
    pub client_id: i64,
    /// The client's area.
    pub area_id: i64,
    /// Test date.
    pub tested_on: NaiveDate,
    /// Why taken.
    pub kind: TestKind,
    /// Negative or positive, for what ([`TestFacts::is_positive`]).
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
    /// The area it counts towards, for the per-area figures and KPIs.
    pub area_id: i64,
    /// Day.
    pub on: NaiveDate,
}

/// A care-plan modality (structured support).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModalityFacts {
    /// The area it counts towards, for the per-area figures and KPIs.
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

/// One brief intervention (an outreach tally).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutreachFacts {
    /// The area it counts towards, for the per-area figures and KPIs.
    pub area_id: i64,
    /// Day.
    pub on: NaiveDate,
    /// Its outcome: where it signposted the person; `None` if nowhere.
    pub signposted_to: Option<SignpostDestination>,
}

/// A custody-suite day: adults charged with a trigger offence, and how many were tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TallyFacts {
    /// The area it counts towards, for the per-area figures and KPIs.
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
    /// The area it counts towards, for the per-area figures and KPIs.
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
    /// Every episode in scope, open or closed; each figure picks its own by date.
    pub episodes: Vec<EpisodeFacts>,
    /// Drug tests of clients in scope, each with its first follow-up (KPI 2).
    pub tests: Vec<TestFacts>,
    /// Custody-suite days: KPI 1, and KPI 2's positives where clients' own tests show fewer.
    pub tallies: Vec<TallyFacts>,
    /// Required Assessments conducted (attended).
    pub required_assessments: Vec<Dated>,
    /// Care-plan modalities: structured support, counted once per individual.
    pub modalities: Vec<ModalityFacts>,
    /// Positive outcomes recorded, by day and area, counted per area in the return.
    pub outcomes: Vec<Dated>,
    /// Brief interventions and signposting, tallied per day.
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
