//! The five Home Office KPIs: their definitions and targets, the ratios over the
//! gathered facts, and whether each is met.

use chrono::NaiveDate;
use serde::Serialize;

use super::facts::{EpisodeFacts, Inputs, TallyFacts, TestFacts};
use super::ratio::{Ratio, count, within};
use crate::domain::clock::ClockStart;
use crate::domain::model::{Area, ReferralSource};
use crate::domain::period::Period;

/// The default of [`Rules::kpi3_tested_within_days`].
pub const TESTED_BEFORE_DAYS: i64 = 28;

/// The team's choices where the sources leave room, stated in the return's definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rules {
    /// KPI 2: days after a positive test within which the contact must follow. 003 sets
    /// no window ("Even if you speak to them on a phone, record this and we get an
    /// outcome"), so `None` (the default) counts a contact any time up to period end.
    pub kpi2_window_days: Option<i64>,
    /// KPI 3: days before a referral within which a custody test makes it "tested"
    /// (003: "those NOT tested" says not how recent the test must be): 28 by default.
    pub kpi3_tested_within_days: i64,
    /// Which day the 13-week clock, and so the retention bands, count from.
    pub clock_starts: ClockStart,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            kpi2_window_days: None,
            kpi3_tested_within_days: TESTED_BEFORE_DAYS,
            clock_starts: ClockStart::CarePlan,
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
        definition: "arrest referrals (source police) not custody tested in the days before \
                     (a team setting, below) with a DIR or a contact (ICF) by period end (003: \
                     \"Proportion of those NOT tested that have a DIR completed to 8.2\", \"or \
                     complete an ICF\")",
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
                .is_none_or(|t| (e.referral_date - t).num_days() > rules.kpi3_tested_within_days)
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
pub(super) fn kpi_rows(inputs: &Inputs, period: &Period, rules: Rules) -> Vec<KpiRow> {
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
