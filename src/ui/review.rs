//! The 13-week review: everyone from week 11, longest on the caseload first, with the
//! exit plan or extension, so every exit decision is seen before day 91.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Row, Table};

use super::caseload::clock_cell;
use super::theme::Theme;
use super::{empty, list_block, row_style, safe, window};
use crate::app::{App, View};

/// Draws the review list into `area`, building only the visible rows.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let list = app.review_list();
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let cursor = window(app.cursor_of(View::Review), visible);
    let block = list_block(
        format!(
            " 13-week review, week 11 on ({}): {} ",
            app.scope().label(),
            list.len()
        ),
        cursor,
        list.len(),
        theme,
    );
    if list.is_empty() {
        empty(
            frame,
            area,
            block,
            "Nobody at week 11 or later in this scope.",
            theme,
        );
        return;
    }
    let wide = area.width >= 110;
    let rows = list
        .iter()
        .enumerate()
        .skip(cursor.offset)
        .take(visible)
        .map(|(i, &index)| {
            let row = &app.data().caseload[index];
            let decision = match (&row.episode.extension_review_date, &row.episode.exit_plan) {
                (Some(review), _) => {
                    Line::from(format!("extended, review {}", review.format("%d/%m/%Y")))
                }
                (None, Some(plan)) => Line::from(format!("exit plan: {}", safe(plan))),
                (None, None) => Line::styled("no decision recorded", theme.warning()),
            };
            let mut cells = vec![
                Line::from(super::client_name(app, row.display_name())),
                Line::from(safe(row.reference())),
                clock_cell(row, app, theme, false),
                decision,
            ];
            if wide {
                cells.insert(2, Line::from(safe(app.data().coordinator(row))));
            }
            Row::new(cells).style(row_style(i == cursor.selected, theme))
        });
    let mut widths = vec![
        Constraint::Length(20),
        Constraint::Length(7),
        Constraint::Length(14),
        Constraint::Fill(1),
    ];
    let mut header = vec!["Client", "Ref", "13-week", "Exit plan or extension"];
    if wide {
        widths.insert(2, Constraint::Length(16));
        header.insert(2, "Co-ordinator");
    }
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(theme.header()))
            .block(block),
        area,
    );
}
