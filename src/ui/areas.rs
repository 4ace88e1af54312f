//! The list of areas with their caseload counts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Row, Table};

use super::safe;
use super::theme::Theme;
use crate::app::{App, Pane};

/// Percentage as a whole number, or "-" when there is nothing to divide by.
fn percent(part: usize, whole: usize) -> String {
    (part * 100 + whole / 2)
        .checked_div(whole)
        .map_or_else(|| "-".to_owned(), |p| format!("{p}%"))
}

/// Draws the areas table into `area`.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let focused = app.focus == Pane::Areas;
    let block = Block::bordered().title(" Areas ").border_style(if focused {
        theme.focused_border()
    } else {
        theme.border()
    });
    let header = Row::new([
        "Area", "Type", "Active", "IOM", "IOM%", "PPO", "Custody", "13wk+",
    ])
    .style(theme.header());
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let offset = app.area_cursor.selected.saturating_sub(visible - 1);
    let rows = app
        .areas
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(index, a)| {
            let style = match (index == app.area_cursor.selected, focused) {
                (true, true) => theme.selected(),
                (true, false) => theme.selected_unfocused(),
                _ => ratatui::style::Style::new(),
            };
            Row::new([
                Line::from(safe(&a.area.name)),
                Line::from(if a.area.intensive {
                    "intensive"
                } else {
                    "non-int."
                }),
                Line::from(a.active.to_string()).right_aligned(),
                Line::from(a.iom.to_string()).right_aligned(),
                Line::from(percent(a.iom, a.active)).right_aligned(),
                Line::from(a.ppo.to_string()).right_aligned(),
                Line::from(a.in_custody.to_string()).right_aligned(),
                Line::from(a.at_or_past_13_weeks.to_string()).right_aligned(),
            ])
            .style(style)
        });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(9),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(4),
        Constraint::Length(7),
        Constraint::Length(6),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
