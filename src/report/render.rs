//! Renders a [`Report`] as terminal text, Markdown, CSV or JSON.

use std::fmt::Write as _;

use super::{Line, Report};
use crate::domain::kpi::{KpiFigure, KpiRow, KpiStatus};

/// Output formats of `caseload report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable text for the terminal.
    Text,
    /// Markdown tables.
    Md,
    /// One row per figure.
    Csv,
    /// The whole structure.
    Json,
}

/// Renders `report` in `format`.
///
/// # Errors
/// A serialisation error (JSON/CSV), which cannot happen for these plain types.
pub fn render(report: &Report, format: Format) -> Result<String, Box<dyn std::error::Error>> {
    Ok(match format {
        Format::Text => text(report),
        Format::Md => markdown(report),
        Format::Csv => csv(report)?,
        Format::Json => serde_json::to_string_pretty(report)? + "\n",
    })
}

fn heading(report: &Report) -> String {
    format!(
        "Quarterly return {} ({} to {}), {}{}",
        report.period.label,
        crate::domain::dates::uk(report.period.from),
        crate::domain::dates::uk(report.period.to),
        report.scope,
        if report.suppressed {
            "; counts of 1-4 shown as <5"
        } else {
            ""
        }
    )
}

/// KPI 1 month by month, e.g. "Oct 2026 95.0% (19 of 20)"; "no data" for a month with
/// no tally.
#[must_use]
pub fn kpi1_months(report: &Report) -> Vec<(String, String)> {
    report
        .kpi1_by_month
        .iter()
        .map(|(month, ratio)| {
            let value = if ratio.denominator == 0 {
                "no data".to_owned()
            } else {
                format!(
                    "{} ({} of {})",
                    ratio.display(),
                    ratio.numerator,
                    ratio.denominator
                )
            };
            (month.clone(), value)
        })
        .collect()
}

/// The rules under the KPI definitions: the team's settings where the sources leave
/// room (KPI 2's window, KPI 3's "tested", the 13-week clock's start), the no-credit
/// rule.
#[must_use]
pub fn rules(report: &Report) -> Vec<String> {
    let rules = &report.rules;
    let window = match rules.kpi2_window_days {
        None => {
            "KPI 2 has no time window (003 sets none): a contact any time up to period end counts"
                .to_owned()
        }
        Some(days) => format!(
            "KPI 2 counts a contact within {days} days of the test: a team setting \
             (kpi2_window_days), not in 003"
        ),
    };
    let tested = format!(
        "KPI 3 counts a police referral as tested when a custody test came in the {} days \
         before it: a team setting (kpi3_tested_within_days), not in 003",
        rules.kpi3_tested_within_days
    );
    let clock = format!(
        "The 13-week clock and the retention bands count from {}: a local rule, as no source \
         says where the clock starts (team setting [triage] clock_starts = \"{}\")",
        rules.clock_starts.words(),
        rules.clock_starts.setting()
    );
    vec![
        window,
        tested,
        clock,
        crate::domain::kpi::NO_CREDIT.to_owned(),
    ]
}

fn label(line: &Line) -> String {
    format!("{}{}", "  ".repeat(usize::from(line.depth)), line.label)
}

/// The percentage and whether the target was met; just "no data" when nothing was
/// there to count (a percentage of nothing says nothing more).
fn kpi_cell(figure: &KpiFigure) -> String {
    match figure.ratio {
        Some(ratio) if figure.status != KpiStatus::NoData => {
            format!("{} {}", ratio.display(), figure.status.label())
        }
        _ => figure.status.label().to_owned(),
    }
}

fn area_name(row: &KpiRow) -> String {
    row.area.as_ref().map_or_else(
        || "All areas".to_owned(),
        |a| {
            format!(
                "{} ({})",
                a.name,
                if a.intensive {
                    "intensive"
                } else {
                    "non-intensive"
                }
            )
        },
    )
}

/// Text: aligned columns, one section after another, then the KPIs and definitions.
#[must_use]
pub fn text(report: &Report) -> String {
    let mut out = heading(report) + "\n";
    for section in &report.sections {
        let _ = write!(out, "\n{}\n", section.title);
        if section.lines.is_empty() {
            out.push_str("  (none in the period)\n");
        }
        for line in &section.lines {
            let share = match line.share {
                None => String::new(),
                Some(_) => format!("{:>7} of {}", line.share_text(), line.denominator),
            };
            let _ = writeln!(
                out,
                "  {:<46} {:>8}  {share}",
                label(line),
                line.value.to_string()
            );
        }
    }
    let _ = write!(out, "\nHome Office KPIs (target)\n  {:<32}", "");
    for figure in report.kpis.first().map_or(&[][..], |r| &r.figures[..]) {
        let _ = write!(
            out,
            " {:>16}",
            format!("KPI {} ({}%)", figure.kpi.number, figure.kpi.target)
        );
    }
    out.push('\n');
    for row in &report.kpis {
        let _ = write!(out, "  {:<32}", area_name(row));
        for figure in &row.figures {
            let _ = write!(out, " {:>16}", kpi_cell(figure));
        }
        out.push('\n');
    }
    if !report.kpi1_by_month.is_empty() {
        out.push_str("\nKPI 1 by month (intensive areas)\n");
        for (month, value) in kpi1_months(report) {
            let _ = writeln!(out, "  {month:<32} {value}");
        }
    }
    out.push_str("\nKPI definitions\n");
    for kpi in crate::domain::kpi::KPIS {
        let _ = writeln!(
            out,
            "  KPI {} (target {}%): {}",
            kpi.number, kpi.target, kpi.definition
        );
    }
    for rule in rules(report) {
        let _ = writeln!(out, "  {rule}");
    }
    out
}

/// Markdown: a table per section, with each figure's definition.
#[must_use]
pub fn markdown(report: &Report) -> String {
    let mut out = format!("# {}\n", heading(report));
    for section in &report.sections {
        let _ = write!(
            out,
            "\n## {}\n\n| measure | count | % | of | definition |\n| --- | ---: | ---: | --- | --- |\n",
            section.title
        );
        for line in &section.lines {
            let indent = if line.depth > 0 { "&nbsp;&nbsp;" } else { "" };
            let _ = writeln!(
                out,
                "| {indent}{} | {} | {} | {} | {} |",
                line.label,
                line.value,
                line.share_text(),
                line.denominator,
                line.definition
            );
        }
    }
    out.push_str("\n## Home Office KPIs\n\n| area |");
    for kpi in crate::domain::kpi::KPIS {
        let _ = write!(out, " KPI {} ({}%) |", kpi.number, kpi.target);
    }
    out.push_str("\n| --- | --- | --- | --- | --- | --- |\n");
    for row in &report.kpis {
        let _ = write!(out, "| {} |", area_name(row));
        for figure in &row.figures {
            let _ = write!(out, " {} |", kpi_cell(figure));
        }
        out.push('\n');
    }
    if !report.kpi1_by_month.is_empty() {
        out.push_str("\n| KPI 1 by month (intensive areas) | |\n| --- | --- |\n");
        for (month, value) in kpi1_months(report) {
            let _ = writeln!(out, "| {month} | {value} |");
        }
    }
    out.push('\n');
    for kpi in crate::domain::kpi::KPIS {
        let _ = writeln!(out, "- KPI {}: {}", kpi.number, kpi.definition);
    }
    for rule in rules(report) {
        let _ = writeln!(out, "- {rule}");
    }
    out
}

/// CSV: `section,measure,count,percent,denominator,definition`, KPIs as rows too.
///
/// # Errors
/// A CSV writer error.
pub fn csv(report: &Report) -> Result<String, Box<dyn std::error::Error>> {
    let mut writer = crate::transfer::SafeCsv::new(Vec::new());
    writer.row(["section", "measure", "count", "percent", "of", "definition"])?;
    for section in &report.sections {
        for line in &section.lines {
            writer.row([
                section.title,
                &label(line),
                &line.value.to_string(),
                &line.share_text(),
                line.denominator,
                line.definition,
            ])?;
        }
    }
    for row in &report.kpis {
        for figure in &row.figures {
            let (count, percent) = match figure.ratio {
                None => (String::new(), figure.status.label().to_owned()),
                Some(r) => (format!("{}/{}", r.numerator, r.denominator), r.display()),
            };
            let measure = format!(
                "{}: KPI {} (target {}%) {}",
                area_name(row),
                figure.kpi.number,
                figure.kpi.target,
                figure.status.label()
            );
            writer.row([
                "Home Office KPIs",
                &measure,
                &count,
                &percent,
                "",
                figure.kpi.definition,
            ])?;
        }
    }
    for (month, ratio) in &report.kpi1_by_month {
        writer.row([
            "Home Office KPIs",
            &format!("KPI 1 in {month} (intensive areas)"),
            &format!("{}/{}", ratio.numerator, ratio.denominator),
            &ratio.display(),
            "",
            crate::domain::kpi::KPIS[0].definition,
        ])?;
    }
    for rule in rules(report) {
        writer.row(["Home Office KPIs", "rule", "", "", "", &rule])?;
    }
    Ok(String::from_utf8(writer.finish()?)?)
}
