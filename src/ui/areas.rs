//! Caseloads by area: one row per area with its counts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use super::theme::Theme;
use super::{list_block, row_style, safe, window};
use crate::app::{App, View};
use crate::domain::model::Rag;

/// Percentage as a whole number, or "-" when there is nothing to divide by.
fn percent(part: usize, whole: usize) -> String {
    (part * 100 + whole / 2)
        .checked_div(whole)
        .map_or_else(|| "-".to_owned(), |p| format!("{p}%"))
}

/// Draws the areas table and its legend into `area`.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let [table_area, legend_area] = crate::layout::areas_split(area);
    let areas = &app.data().areas;
    let visible = usize::from(table_area.height.saturating_sub(3)).max(1);
    let cursor = window(app.cursor_of(View::Areas), visible);
    let block = list_block(" Caseloads by area ".to_owned(), cursor, areas.len(), theme);
    let rows = areas
        .iter()
        .enumerate()
        .skip(cursor.offset)
        .take(visible)
        .map(|(i, a)| {
            let counts = app.area_counts().get(i).copied().unwrap_or_default();
            let breaches = |rag: Rag| counts.breaches[rag as usize];
            let releases = counts.releases_14_days;
            let rag_cell = Line::from(vec![
                Span::styled(format!("R{:<3}", breaches(Rag::Red)), theme.rag(Rag::Red)),
                Span::styled(
                    format!("A{:<3}", breaches(Rag::Amber)),
                    theme.rag(Rag::Amber),
                ),
                Span::styled(format!("G{}", breaches(Rag::Green)), theme.rag(Rag::Green)),
            ]);
            let n = |v: usize| Line::from(v.to_string()).right_aligned();
            Row::new(vec![
                Line::from(safe(&a.area.name)),
                Line::from(if a.area.intensive { "yes" } else { "no" }),
                n(a.active),
                n(a.iom),
                Line::from(percent(a.iom, a.active)).right_aligned(),
                n(a.ppo),
                n(a.ppo_in_custody),
                n(a.in_custody),
                n(releases),
                n(a.at_or_past_13_weeks),
                rag_cell,
            ])
            .style(row_style(i == cursor.selected, theme))
        });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(3),
        Constraint::Length(6),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(3),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(5),
        Constraint::Length(12),
    ];
    let header = Row::new([
        "Area", "Int", "Active", "IOM", "IOM%", "PPO", "in", "Cust", "Rel", "13wk+", "Breaches",
    ])
    .style(theme.header());
    frame.render_widget(
        Table::new(rows, widths).header(header).block(block),
        table_area,
    );
    let legend = vec![
        Line::styled(
            " Int: intensive area (custody testing). Cust: in custody now.",
            theme.dim(),
        ),
        Line::styled(
            " in: PPOs in custody. Rel: releases within 14 days. 13wk+: day 91 or later.",
            theme.dim(),
        ),
        Line::styled(
            " Breaches: outstanding, by RAG. Enter: the area's workers and their loads.",
            theme.dim(),
        ),
    ];
    frame.render_widget(Paragraph::new(legend), legend_area);
}
