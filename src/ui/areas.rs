//! Caseloads by area: one row per area with its counts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use super::theme::Theme;
use super::{list_block, row_style, safe, window};
use crate::app::lists::AreaCounts;
use crate::app::{App, View};
use crate::domain::model::{AreaSummary, Rag};

/// Percentage as a whole number, or "-" when there is nothing to divide by.
fn percent(part: usize, whole: usize) -> String {
    (part * 100 + whole / 2)
        .checked_div(whole)
        .map_or_else(|| "-".to_owned(), |p| format!("{p}%"))
}

/// The widths of the count columns (Active to 13wk+): each its usual width, or more
/// when a count has more digits, so a large region's figures are never cut.
fn count_widths(areas: &[AreaSummary], counts: &[AreaCounts]) -> [u16; 8] {
    let mut widths = [6, 4, 4, 3, 4, 4, 4, 5];
    for (i, a) in areas.iter().enumerate() {
        let releases = counts.get(i).map_or(0, |c| c.releases_14_days);
        // The IOM% column is at most "100%", within its usual width.
        let values = [
            a.active,
            a.iom,
            0,
            a.ppo,
            a.ppo_in_custody,
            a.in_custody,
            releases,
            a.at_or_past_13_weeks,
        ];
        for (width, value) in widths.iter_mut().zip(values) {
            let digits = u16::try_from(value.to_string().len()).unwrap_or(u16::MAX);
            *width = (*width).max(digits);
        }
    }
    widths
}

/// The widths of the Breaches cell's red and amber parts ("R12 "), each its letter,
/// its largest count and a space, at least four (as "R0  "), so that four-digit counts
/// stay apart; and the cell's whole width with the green part, at least 12.
fn breach_widths(counts: &[AreaCounts]) -> ([usize; 2], u16) {
    let digits = |rag: Rag| {
        counts
            .iter()
            .map(|c| c.breaches[rag as usize].to_string().len())
            .max()
            .unwrap_or(1)
    };
    let parts = [Rag::Red, Rag::Amber].map(|rag| (digits(rag) + 2).max(4));
    let cell = parts[0] + parts[1] + 1 + digits(Rag::Green);
    (parts, u16::try_from(cell).unwrap_or(u16::MAX).max(12))
}

/// Draws the areas table and its legend into `area`.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let [table_area, legend_area] = crate::layout::areas_split(area);
    let areas = &app.data().areas;
    let visible = usize::from(table_area.height.saturating_sub(3)).max(1);
    let cursor = window(app.cursor_of(View::Areas), visible);
    let ([red, amber], breaches_width) = breach_widths(app.area_counts());
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
            let rag_cell = if a.counted {
                Line::from(vec![
                    Span::styled(
                        format!("{:<red$}", format!("R{}", breaches(Rag::Red))),
                        theme.rag(Rag::Red),
                    ),
                    Span::styled(
                        format!("{:<amber$}", format!("A{}", breaches(Rag::Amber))),
                        theme.rag(Rag::Amber),
                    ),
                    Span::styled(format!("G{}", breaches(Rag::Green)), theme.rag(Rag::Green)),
                ])
            } else {
                // Row security hides another area's clients: its noughts mean nothing.
                Line::styled("not yours", theme.dim())
            };
            let shown = |text: String| {
                Line::from(if a.counted { text } else { "-".to_owned() }).right_aligned()
            };
            let n = |v: usize| shown(v.to_string());
            Row::new(vec![
                Line::from(safe(&a.area.name)),
                Line::from(if a.area.intensive { "yes" } else { "no" }),
                n(a.active),
                n(a.iom),
                shown(percent(a.iom, a.active)),
                n(a.ppo),
                n(a.ppo_in_custody),
                n(a.in_custody),
                n(releases),
                n(a.at_or_past_13_weeks),
                rag_cell,
            ])
            .style(row_style(i == cursor.selected, theme))
        });
    let counts = count_widths(areas, app.area_counts());
    let widths = [Constraint::Fill(1), Constraint::Length(3)]
        .into_iter()
        .chain(counts.map(Constraint::Length))
        .chain([Constraint::Length(breaches_width)]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Area;

    fn summary(active: usize, iom: usize) -> AreaSummary {
        AreaSummary {
            area: Area {
                id: 1,
                name: "Leeds".to_owned(),
                intensive: false,
            },
            active,
            iom,
            ppo: 3,
            in_custody: 2,
            ppo_in_custody: 1,
            at_or_past_13_weeks: 4,
            counted: true,
        }
    }

    #[test]
    fn a_count_wider_than_its_column_widens_it_and_no_other() {
        let usual = count_widths(&[summary(45, 39)], &[]);
        assert_eq!(usual, [6, 4, 4, 3, 4, 4, 4, 5]);
        let releases = AreaCounts {
            releases_14_days: 123_456,
            breaches: [0; 3],
        };
        let wide = count_widths(&[summary(45, 39), summary(15_000, 12_006)], &[releases]);
        assert_eq!(wide, [6, 5, 4, 3, 4, 4, 6, 5]);
    }

    #[test]
    fn four_digit_breach_counts_stay_apart() {
        let few = AreaCounts {
            releases_14_days: 0,
            breaches: [3, 4, 2],
        };
        assert_eq!(breach_widths(&[few]), ([4, 4], 12));
        let many = AreaCounts {
            releases_14_days: 0,
            breaches: [1_234, 12, 2_048],
        };
        assert_eq!(breach_widths(&[few, many]), ([6, 4], 15));
    }
}
