//! The quarterly return: store reads -> `domain::kpi` arithmetic -> a structured
//! [`Report`] that the CLI renders (see [`render`]) and the TUI can draw.
//!
//! Every line states its definition and, where it has a percentage, the denominator.

mod lines;
pub mod render;
mod sections;

use lines::Builder;
pub use lines::{Line, SMALL_COUNT, Value};
use sections::{better_off, how_much, how_well, substances};

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::kpi::{self, Figures, KpiRow, Ratio, Rules};
use crate::domain::period::Period;
use crate::store::{Store, StoreError};

/// A titled group of lines ("How much did we do?"...).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Heading as printed, e.g. "How much did we do?".
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
    /// The quarter (or other period) to count.
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
    let how_well = how_well(&mut b, f, options.rules.clock_starts);
    let better_off = better_off(&mut b, f);
    let (all_substances, substances) = substances(&mut b, f);
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
