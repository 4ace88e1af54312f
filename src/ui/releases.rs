//! Releases in the coming weeks, grouped by week, with checklist readiness.

use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Row, Table};

use super::theme::Theme;
use super::{empty, list_block, relative_days, row_style, safe, window};
use crate::app::{App, View};
use crate::domain::release::{self, Checklist};

/// "this week", "next week", "in 2 weeks" (weeks start on Monday).
fn week_label(days: i64, weekday_today: i64) -> String {
    match (days + weekday_today) / 7 {
        0 => "this week".to_owned(),
        1 => "next week".to_owned(),
        n => format!("in {n} weeks"),
    }
}

// Over 80 lines on purpose: a table view's title, visible rows, widths and header read
// best together, in column order; each cell is one line.
/// Draws the releases list into `area`, building only the visible rows.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let list = app.release_list();
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let cursor = window(app.cursor_of(View::Releases), visible);
    let title = format!(
        " Releases in the next {} days ({}): {} ",
        app.rules().release_window_days,
        app.scope().label(),
        list.len()
    );
    let block = list_block(title, cursor, list.len(), theme);
    if list.is_empty() {
        empty(
            frame,
            area,
            block,
            "No releases expected in this window and scope.",
            theme,
        );
        return;
    }
    let today = app.today();
    let weekday = i64::from(today.weekday().num_days_from_monday());
    let wide = area.width >= 110;
    let mut previous_week = None;
    if let Some(&before) = cursor.offset.checked_sub(1).and_then(|i| list.get(i)) {
        let r = &app.data().releases[before];
        let date = release::planning_date(r.expected_release_date, r.earliest_release_date, today)
            .unwrap_or(today);
        previous_week = Some(week_label((date - today).num_days(), weekday));
    }
    let rows: Vec<Row<'static>> = list
        .iter()
        .enumerate()
        .skip(cursor.offset)
        .take(visible)
        .map(|(i, &index)| {
            let r = &app.data().releases[index];
            let date =
                release::planning_date(r.expected_release_date, r.earliest_release_date, today)
                    .unwrap_or(today);
            let days = (date - today).num_days();
            let week = week_label(days, weekday);
            let shown_week = if previous_week.as_ref() == Some(&week) {
                String::new()
            } else {
                week.clone()
            };
            previous_week = Some(week);
            let rag = release::readiness(&r.checklist, days);
            let early = if r.earliest_release_date == Some(date) {
                " (early)"
            } else {
                ""
            };
            let mut cells = vec![
                Line::styled(shown_week, theme.title()),
                Line::from(format!("{}{early}", date.format("%a %d/%m"))),
                Line::from(relative_days(days)),
                Line::from(super::client_name(app, &r.client.name)),
                Line::from(safe(&r.client.reference)),
                Line::from(safe(&r.prison)),
                Line::from(vec![
                    Span::styled(format!("{} ", rag.letter()), theme.rag(rag)),
                    Span::raw(format!("{}/{}", r.checklist.done(), Checklist::LEN)),
                ]),
            ];
            if wide {
                cells.push(Line::styled(r.checklist.missing().join(", "), theme.dim()));
            }
            Row::new(cells).style(row_style(i == cursor.selected, theme))
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(11),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Fill(1),
        Constraint::Length(7),
        Constraint::Length(if area.width >= super::WIDE_FROM {
            super::fitted_width(
                app.data().releases.iter().map(|r| r.prison.as_str()),
                13,
                32,
            )
        } else {
            13
        }),
        Constraint::Length(6),
    ];
    let mut header = vec!["Week", "Date", "Days", "Client", "Ref", "Prison", "Ready"];
    if wide {
        widths.push(Constraint::Fill(2));
        header.push("Still to do");
    }
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(theme.header()))
            .block(block),
        area,
    );
}
