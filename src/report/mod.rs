//! The quarterly return: store reads -> `domain::kpi` arithmetic -> a structured
//! [`Report`] that the CLI renders (see [`render`]) and the TUI can draw.
//!
//! Every line states its definition and, where it has a percentage, the denominator.

pub mod render;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::kpi::{self, Figures, KpiRow, Ratio, Rules};
use crate::domain::model::{ExitReason, TestKind};
use crate::domain::period::Period;
use crate::store::{Store, StoreError};

/// Counts from 1 to this are hidden when publishing (small numbers identify people).
pub const SMALL_COUNT: u64 = 4;

/// A figure's value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// A count.
    Count(u64),
    /// An average (e.g. the daily caseload over the period).
    Average(f64),
    /// A count of 1-4 hidden for publication.
    Suppressed,
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Count(n) => write!(f, "{n}"),
            Self::Average(a) => write!(f, "{a:.1}"),
            Self::Suppressed => f.write_str("<5"),
        }
    }
}

/// One figure of the return.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// What is counted, as printed.
    pub label: String,
    /// Indent level (0 = headline, 1 = a breakdown of the line above).
    pub depth: u8,
    /// The figure.
    pub value: Value,
    /// Its percentage, if it has one; `None` inside when suppressed.
    pub share: Option<Option<Ratio>>,
    /// What the percentage is "of".
    pub denominator: &'static str,
    /// Definition of the figure.
    pub definition: &'static str,
}

impl Line {
    /// The percentage as printed: `57.3%`, `n/a` (zero denominator) or `suppressed`.
    #[must_use]
    pub fn share_text(&self) -> String {
        match self.share {
            None => String::new(),
            Some(None) => "suppressed".to_owned(),
            Some(Some(ratio)) => ratio.display(),
        }
    }
}

/// A titled group of lines ("How much did we do?"...).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Title.
    pub title: &'static str,
    /// Lines, in order.
    pub lines: Vec<Line>,
}

/// The whole return.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The period reported.
    pub period: Period,
    /// Area name, or "all areas".
    pub scope: String,
    /// The day it was produced.
    pub generated_on: NaiveDate,
    /// Whether counts of 1-4 are hidden.
    pub suppressed: bool,
    /// Sections of figures.
    pub sections: Vec<Section>,
    /// The Home Office KPIs per area, then the total.
    pub kpis: Vec<KpiRow>,
    /// KPI 1 per calendar month of the period (intensive areas).
    pub kpi1_by_month: Vec<(String, Ratio)>,
    /// The team's rules it was counted under.
    pub rules: Rules,
}

/// What to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// Period.
    pub period: Period,
    /// One area by name (case-insensitive), or all.
    pub area: Option<String>,
    /// Hide counts of 1-4.
    pub suppress_small: bool,
    /// The team's rules where the sources leave room (config file, `[return]`).
    pub rules: Rules,
}

/// A return's scope when it covers every area.
const ALL_AREAS: &str = "all areas";

impl ReportOptions {
    /// Whether `report` is the return these options ask for (its figures may be older).
    #[must_use]
    pub fn covers(&self, report: &Report) -> bool {
        report.period == self.period
            && report.suppressed == self.suppress_small
            && report.rules == self.rules
            && report
                .scope
                .eq_ignore_ascii_case(self.area.as_deref().map_or(ALL_AREAS, str::trim))
    }
}

/// Reads the store and builds the return.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown area, or an SQLite error.
pub fn build(
    store: &Store,
    options: &ReportOptions,
    today: NaiveDate,
) -> Result<Report, StoreError> {
    let mut inputs = store.report_inputs(&options.period)?;
    let scope = match &options.area {
        None => ALL_AREAS.to_owned(),
        Some(name) => {
            let area = inputs
                .areas
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| StoreError::NotFound {
                    entity: "area",
                    key: format!(
                        "'{name}' (areas: {})",
                        inputs
                            .areas
                            .iter()
                            .map(|a| a.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })?;
            let name = area.name.clone();
            inputs = inputs.for_area(area.id);
            name
        }
    };
    let figures = kpi::compute(&inputs, &options.period, options.rules);
    Ok(assemble(&figures, options, scope, today))
}

/// Lays the computed figures out as the return (pure: no store, no clock).
#[must_use]
pub fn assemble(
    figures: &Figures,
    options: &ReportOptions,
    scope: String,
    today: NaiveDate,
) -> Report {
    let mut b = Builder {
        suppress: options.suppress_small,
        lines: Vec::new(),
    };
    let f = figures;
    let how_much = how_much(&mut b, f);
    let how_well = how_well(&mut b, f);
    let better_off = better_off(&mut b, f);
    let ranked: u64 = f.substances.iter().map(|(_, n)| n).sum();
    b.line(
        0,
        "Substances reported",
        ranked,
        None,
        "",
        "every ranked substance (up to 3) of clients referred in the period (000: \"Each individual can report up to and including 3 problem substances\"; 617 for 592 referrals)",
    );
    for (substance, n) in &f.substances {
        b.line(
            1,
            substance.label(),
            *n,
            Some(ranked),
            "substances reported",
            "referrals naming this substance at any rank",
        );
    }
    let all_substances = b.take();
    for (substance, n) in &f.primary_substances {
        b.line(
            0,
            substance.label(),
            *n,
            Some(f.referrals),
            "referrals",
            "primary substance of clients referred in the period",
        );
    }
    let substances = b.take();
    Report {
        period: options.period.clone(),
        scope,
        generated_on: today,
        suppressed: options.suppress_small,
        sections: vec![
            Section {
                title: "How much did we do?",
                lines: how_much,
            },
            Section {
                title: "How well did we do?",
                lines: how_well,
            },
            Section {
                title: "Is anyone better off?",
                lines: better_off,
            },
            Section {
                title: "Reported drug use (every ranked substance)",
                lines: all_substances,
            },
            Section {
                title: "Reported primary substances",
                lines: substances,
            },
        ],
        kpis: f.kpis.clone(),
        kpi1_by_month: f.kpi1_by_month.clone(),
        rules: options.rules,
    }
}

impl Figures {
    fn exit(&self, reason: ExitReason) -> u64 {
        self.exits
            .iter()
            .find(|(r, _)| *r == reason)
            .map_or(0, |(_, n)| *n)
    }

    fn exits_completed(&self) -> u64 {
        self.exits
            .iter()
            .filter(|(r, _)| r.is_completion())
            .map(|(_, n)| n)
            .sum()
    }

    fn tests(&self, kind: TestKind) -> u64 {
        self.tests_by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }
}

struct Builder {
    suppress: bool,
    lines: Vec<Line>,
}

impl Builder {
    fn line(
        &mut self,
        depth: u8,
        label: &str,
        count: u64,
        of: Option<u64>,
        denominator: &'static str,
        definition: &'static str,
    ) {
        let hidden = self.suppress && (1..=SMALL_COUNT).contains(&count);
        self.lines.push(Line {
            label: label.to_owned(),
            depth,
            value: if hidden {
                Value::Suppressed
            } else {
                Value::Count(count)
            },
            share: of.map(|d| (!hidden).then(|| Ratio::new(count, d))),
            denominator,
            definition,
        });
    }

    fn average(&mut self, depth: u8, label: &str, average: f64, definition: &'static str) {
        self.lines.push(Line {
            label: label.to_owned(),
            depth,
            value: Value::Average(average),
            share: None,
            denominator: "",
            definition,
        });
    }

    fn take(&mut self) -> Vec<Line> {
        std::mem::take(&mut self.lines)
    }
}

#[allow(clippy::too_many_lines)] // one call per figure of the return, in its order
fn how_much(b: &mut Builder, f: &Figures) -> Vec<Line> {
    b.line(
        0,
        "Referrals",
        f.referrals,
        None,
        "",
        "episodes with a referral date in the period",
    );
    for (source, n) in &f.referral_sources {
        b.line(
            1,
            source.label(),
            *n,
            Some(f.referrals),
            "referrals",
            "referrals from this source",
        );
    }
    b.line(
        0,
        "Adults charged with a trigger offence",
        f.charged_trigger_offence,
        None,
        "",
        "custody-suite tallies for the period",
    );
    b.line(
        1,
        "of whom drug tested",
        f.tested_after_charge,
        Some(f.charged_trigger_offence),
        "adults charged with a trigger offence",
        "custody-suite tallies for the period",
    );
    b.line(
        1,
        "of whom positive",
        f.positive_after_charge,
        Some(f.tested_after_charge),
        "adults drug tested",
        "custody-suite tallies for the period: positive for opiates, cocaine or both",
    );
    b.line(
        0,
        "Trigger-offence drug tests (clients)",
        f.tests(TestKind::TriggerOffence),
        None,
        "",
        "trigger-offence tests recorded against clients in the period",
    );
    b.line(
        0,
        "Inspector's-authority drug tests (clients)",
        f.tests(TestKind::InspectorsAuthority),
        None,
        "",
        "inspector's-authority tests recorded against clients in the period",
    );
    b.line(
        0,
        "Voluntary (5-panel) drug tests",
        f.tests(TestKind::Voluntary),
        None,
        "",
        "voluntary 5-panel tests recorded in the period, a kind of their own (000)",
    );
    b.line(
        0,
        "Assessments",
        f.assessments,
        Some(f.referrals),
        "referrals",
        "episodes with an assessment (DIR) date in the period",
    );
    b.line(
        0,
        "Care plans",
        f.care_plans,
        Some(f.assessments),
        "assessments",
        "episodes with a care-plan date (caseload start) in the period",
    );
    b.line(
        0,
        "Engaging in treatment",
        f.engaging,
        Some(f.care_plans),
        "care plans",
        "of the period's care plans, with engagement (DIR section 9) dated by period end",
    );
    b.line(
        0,
        "Prescribed",
        f.prescribed,
        Some(f.referrals),
        "referrals",
        "of the period's care plans, prescribed (as a share of referrals, as in the Gwent return)",
    );
    b.line(
        0,
        "Brief interventions",
        f.brief_interventions,
        None,
        "",
        "brief interventions recorded in the period, the signposted ones included (000: 388 signposted = 16% of 2,450)",
    );
    let signposted: u64 = f.signposted.iter().map(|(_, n)| n).sum();
    b.line(
        1,
        "signposted to specialist services",
        signposted,
        Some(f.brief_interventions),
        "brief interventions",
        "brief interventions whose outcome was signposting, with its destination (000: \"Number signposted into specialist services\")",
    );
    for (destination, n) in &f.signposted {
        b.line(
            2,
            destination.label(),
            *n,
            Some(f.brief_interventions),
            "brief interventions",
            "signposted to this destination",
        );
    }
    b.line(
        0,
        "Required Assessments conducted",
        f.required_assessments,
        None,
        "",
        "RA-IA and RA-FU appointments in the period that were attended (000: \"the number of Required Assessments conducted\")",
    );
    b.line(
        0,
        "Caseload at period end",
        f.caseload_at_end,
        None,
        "",
        "episodes with a care plan on or before the last day, not closed by then",
    );
    for area in &f.caseload {
        b.line(
            1,
            &area.area.name,
            area.at_end,
            Some(f.caseload_at_end),
            "caseload at period end",
            "caseload of this area at period end",
        );
    }
    let average: f64 = f.caseload.iter().map(|a| a.average).sum();
    b.average(
        0,
        "Caseload averaged over the period",
        average,
        "client-days on the caseload in the period divided by the days in the period",
    );
    for area in &f.caseload {
        b.average(
            1,
            &area.area.name,
            area.average,
            "this area's daily caseload, averaged",
        );
    }
    b.line(
        0,
        "Designated IOM at period end",
        f.iom_at_end,
        Some(f.caseload_at_end),
        "caseload at period end",
        "clients on the caseload at period end flagged IOM",
    );
    let modalities = f.modalities_prescribed + f.modalities_not_prescribed;
    b.line(
        0,
        "Receiving structured support (care-plan modalities)",
        modalities,
        None,
        "",
        "individuals with a care-plan modality running on any day of the period (000: \"those individuals on the caseload receiving structured support during the reported period\")",
    );
    b.line(
        1,
        "prescribed",
        f.modalities_prescribed,
        Some(modalities),
        "individuals receiving structured support",
        "the episode is prescribed",
    );
    b.line(
        1,
        "not prescribed",
        f.modalities_not_prescribed,
        Some(modalities),
        "individuals receiving structured support",
        "the episode is not prescribed",
    );
    b.line(
        0,
        "People with a treatment drug test",
        f.treatment_tested_people,
        Some(f.prescribed_caseload),
        "prescribed caseload",
        "people with at least one treatment test in the period (000: \"those that have had at least one treatment drug test during the reporting period\"), as a share of prescribed clients on the caseload in the period",
    );
    b.line(
        1,
        "treatment tests, negative",
        f.negative_treatment_tests,
        Some(f.tests(TestKind::Treatment)),
        "treatment drug tests",
        "treatment tests with a negative result",
    );
    b.take()
}

fn better_off(b: &mut Builder, f: &Figures) -> Vec<Line> {
    b.line(
        0,
        "Completions",
        f.exits_completed(),
        Some(f.closures),
        "closures",
        "episodes closed in the period as completed (any of the three kinds)",
    );
    for (reason, label) in [
        (ExitReason::CompletedDrugAndCrimeFree, "drug and crime free"),
        (ExitReason::CompletedCrimeFree, "crime free only"),
        (ExitReason::CompletedDrugFree, "drug free only"),
    ] {
        b.line(
            1,
            label,
            f.exit(reason),
            Some(f.closures),
            "closures",
            "completions of this kind",
        );
    }
    b.line(0, "Re-offending sample: 3-month count recorded", f.sample_recorded, None, "",
        "clients in the quarterly samples drawn for the period whose offences in the first 3 months after the episode are recorded (000: \"3+ ... months post engagement\")");
    b.line(
        1,
        "not re-offending in the first 3 months",
        f.sample_not_reoffending,
        Some(f.sample_recorded),
        "sampled clients with the count recorded",
        "no offence recorded in the 3 months after closure",
    );
    b.line(
        0,
        &format!(
            "Re-offending sample of {}: 12-month count recorded",
            f.sample_year_before.label
        ),
        f.sample_12m_recorded,
        None,
        "",
        "clients in the samples drawn for the same period a year earlier whose offences in the first 12 months after the episode are recorded (000: \"12+ months post engagement\")",
    );
    b.line(
        1,
        "not re-offending in the first 12 months",
        f.sample_12m_not_reoffending,
        Some(f.sample_12m_recorded),
        "sampled clients with the 12-month count recorded",
        "no offence recorded in the 12 months after closure",
    );
    b.take()
}

fn how_well(b: &mut Builder, f: &Figures) -> Vec<Line> {
    b.line(
        0,
        "Closures",
        f.closures,
        None,
        "",
        "episodes closed in the period",
    );
    b.line(
        0,
        "Disengagements",
        f.exit(ExitReason::Disengaged),
        Some(f.closures),
        "closures",
        "closures with the exit reason 'disengaged'",
    );
    let outcomes: u64 = f.caseload.iter().map(|a| a.positive_outcomes).sum();
    b.line(
        0,
        "Positive outcomes",
        outcomes,
        None,
        "",
        "positive outcomes recorded in the period",
    );
    for area in &f.caseload {
        b.line(
            1,
            &area.area.name,
            area.positive_outcomes,
            Some(outcomes),
            "positive outcomes",
            "positive outcomes of this area's clients",
        );
    }
    b.line(
        0,
        "Closed before reaching the caseload",
        f.closed_before_caseload,
        Some(f.closures),
        "closures",
        "closures of episodes with no care plan: never retained in treatment, so in no retention band",
    );
    for (band, n) in &f.retention {
        b.line(
            0,
            &format!("Closures retained {}", band.label()),
            *n,
            Some(f.closures),
            "closures",
            "whole weeks from the care-plan date to closure (000 gives no start; the care-plan date, the caseload start, is a local rule)",
        );
    }
    b.take()
}
