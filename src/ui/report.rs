//! The quarterly return, drawn from the same [`Report`] that `caseload report` prints:
//! the Home Office KPIs first (the figures a lead looks for), then each section with
//! its percentages, then the KPI definitions. Narrow terminals get shorter KPI cells
//! and drop the "of ..." denominators that would not fit, so nothing is cut mid-figure.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::safe;
use super::theme::Theme;
use crate::app::{App, View};
use crate::domain::dates::uk;
use crate::domain::kpi::{KPIS, KpiFigure, KpiRow, KpiStatus};
use crate::report::Report;

/// Inner width from which the KPI table uses full words ("not applicable", "missed").
const WIDE: usize = 107;
/// Width of the area column of the KPI table when wide.
const AREA_WIDTH: usize = 30;
/// Width of a measure's label.
const LABEL_WIDTH: usize = 46;

fn heading(text: &str, theme: Theme) -> Line<'static> {
    Line::styled(format!(" {text}"), theme.header())
}

/// A KPI cell: the percentage and whether the target was met, shortened when narrow.
fn kpi_cell(figure: &KpiFigure, wide: bool) -> String {
    let status = match (figure.status, wide) {
        (KpiStatus::Missed, false) => "miss",
        (KpiStatus::NotApplicable, false) => "not appl.",
        (status, _) => status.label(),
    };
    match figure.ratio {
        Some(ratio) if figure.status != KpiStatus::NoData => {
            format!("{} {status}", ratio.display())
        }
        _ => status.to_owned(),
    }
}

fn area_name(row: &KpiRow, wide: bool) -> String {
    match &row.area {
        None => "All areas".to_owned(),
        Some(area) if wide => format!(
            "{} ({})",
            safe(&area.name),
            if area.intensive {
                "intensive"
            } else {
                "non-intensive"
            }
        ),
        Some(area) => safe(&area.name),
    }
}

fn kpi_lines(report: &Report, width: usize, theme: Theme, lines: &mut Vec<Line<'static>>) {
    let wide = width >= WIDE;
    let cell = if wide { 14 } else { 11 };
    let name_width = if wide {
        AREA_WIDTH
    } else {
        width.saturating_sub(3 + 5 * (cell + 1)).max(8)
    };
    lines.push(heading("Home Office KPIs (target)", theme));
    let mut header = format!("  {:<name_width$}", "");
    for kpi in KPIS {
        let text = format!("KPI {} {}%", kpi.number, kpi.target);
        let _ = write!(header, " {text:>cell$}");
    }
    lines.push(Line::styled(header, theme.dim()));
    for row in &report.kpis {
        let name: String = area_name(row, wide).chars().take(name_width).collect();
        let mut spans = vec![Span::raw(format!("  {name:<name_width$}"))];
        for figure in &row.figures {
            let text = format!(" {:>cell$}", kpi_cell(figure, wide));
            spans.push(if figure.status == KpiStatus::Missed {
                Span::styled(text, theme.warning())
            } else {
                Span::raw(text)
            });
        }
        lines.push(Line::from(spans));
    }
}

fn section_lines(report: &Report, width: usize, theme: Theme, lines: &mut Vec<Line<'static>>) {
    let label_width = LABEL_WIDTH.min(width.saturating_sub(20));
    for section in &report.sections {
        lines.push(Line::from(""));
        lines.push(heading(section.title, theme));
        if section.lines.is_empty() {
            lines.push(Line::styled("   (none in the period)", theme.dim()));
        }
        for line in &section.lines {
            let label = format!("{}{}", "  ".repeat(usize::from(line.depth)), line.label);
            let mut text = format!("  {label:<label_width$} {:>8}", line.value.to_string());
            if line.share.is_some() {
                let _ = write!(text, "  {:>7}", line.share_text());
                let of = format!(" of {}", line.denominator);
                if text.chars().count() + of.chars().count() <= width {
                    text.push_str(&of);
                }
            }
            lines.push(Line::from(text));
        }
    }
}

/// Every line of the return at an inner width of `width` columns.
fn lines(app: &App, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let Some(report) = app.report() else {
        let text = if app.report_pending() {
            format!(" Counting the return for {}...", app.report_period().label)
        } else {
            " The return is not loaded: press r to build it again.".to_owned()
        };
        return vec![Line::styled(text, theme.dim())];
    };
    let mut out = Vec::new();
    kpi_lines(report, width, theme, &mut out);
    section_lines(report, width, theme, &mut out);
    if !report.kpi1_by_month.is_empty() {
        out.push(Line::from(""));
        out.push(heading("KPI 1 by month (intensive areas)", theme));
        for (month, value) in crate::report::render::kpi1_months(report) {
            out.push(Line::from(format!("  {month:<10} {value}")));
        }
    }
    out.push(Line::from(""));
    out.push(heading("KPI definitions", theme));
    out.extend(
        crate::layout::return_definitions(report, width)
            .into_iter()
            .map(Line::from),
    );
    out
}

/// Inner width of the bordered report at a terminal of `columns`.
fn inner_width(columns: u16) -> usize {
    usize::from(columns.saturating_sub(2))
}

/// Draws the return into `area`, scrolled to the report view's cursor.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let top = app.cursor_of(View::Report).selected;
    let visible = usize::from(area.height.saturating_sub(2));
    let all = lines(app, inner_width(area.width), theme);
    debug_assert_eq!(
        all.len(),
        crate::layout::return_lines(app.report(), inner_width(area.width)),
        "layout::return_lines must count what the report view draws"
    );
    let shown: Vec<Line<'static>> = all.into_iter().skip(top).take(visible).collect();
    let title = app.report().map_or_else(
        || " Quarterly return ".to_owned(),
        |r| {
            format!(
                " Return {} ({} to {}), {}{} ",
                r.period.label,
                uk(r.period.from),
                uk(r.period.to),
                safe(&r.scope),
                if r.period.contains(app.today()) {
                    ", in progress"
                } else {
                    ""
                }
            )
        },
    );
    let block = Block::bordered()
        .title(Line::styled(title, theme.title()))
        .border_style(theme.border());
    frame.render_widget(Paragraph::new(shown).block(block), area);
}
