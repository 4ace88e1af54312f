//! Breaches: outstanding ones by deadline with a live countdown (overdue first and
//! unmistakable), and those dealt with on a second tab. Replaces the weekly spreadsheet.
//! The deadline column says what is due: "arrest" (red) or "put out" for arrest (amber,
//! green), and runs from the breach itself. While the team's cooling-off period runs,
//! the time left is its own; the last column says what re-engagement was tried.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Row, Table};

use super::theme::Theme;
use super::{empty, list_block, row_style, safe, window};
use crate::app::{App, BreachTab, View};
use crate::domain::breach::{cooling_off_until, countdown, is_overdue};
use crate::domain::model::{BreachStatus, Rag};
use crate::domain::record::BreachRow;

/// The deadline's action in a word or two: red breaches are arrested within 24 hours,
/// amber and green ones put out for arrest (000, appendix B).
const fn short_action(rag: Rag) -> &'static str {
    match rag {
        Rag::Red => "arrest",
        Rag::Amber | Rag::Green => "put out",
    }
}

/// The "time left" cell: overdue (reversed), the cooling-off period's time left
/// while it runs, the deadline's countdown, or the day it was dealt with.
fn left_cell(b: &BreachRow, app: &App, theme: Theme) -> Line<'static> {
    let now = app.now();
    match b.status {
        BreachStatus::Outstanding if is_overdue(b.deadline, now) => Line::styled(
            format!(
                "OVERDUE {}",
                countdown(b.deadline, now).trim_start_matches("overdue ")
            ),
            theme.rag(b.rag).add_modifier(Modifier::REVERSED),
        ),
        BreachStatus::Outstanding => {
            match cooling_off_until(b.raised_at, app.rules().triage.cooling_off_hours)
                .filter(|until| now < *until)
            {
                Some(until) => Line::from(format!("cool-off {}", countdown(until, now))),
                None => Line::from(countdown(b.deadline, now)),
            }
        }
        _ => Line::from(
            b.resolution_date
                .map_or_else(String::new, |d| d.format("%d/%m/%Y").to_string()),
        ),
    }
}

// Over 80 lines on purpose: a table view's title, visible rows, widths and header read
// best together, in column order; each cell is one line.
/// Draws the breaches list into `area`, building only the visible rows.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let list = app.breach_list();
    let source = app.breach_source();
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let cursor = window(app.cursor_of(View::Breaches), visible);
    let (outstanding, dealt) = match app.breach_tab() {
        BreachTab::Outstanding => ("[Outstanding]", "dealt with"),
        BreachTab::DealtWith => ("outstanding", "[Dealt with]"),
    };
    let title = format!(
        " Breaches ({}): {outstanding} {dealt}  {} shown ",
        app.scope().label(),
        list.len()
    );
    let block = list_block(title, cursor, list.len(), theme);
    if list.is_empty() {
        empty(
            frame,
            area,
            block,
            "No breaches here. t switches tab.",
            theme,
        );
        return;
    }
    let wide = area.width >= 96;
    let dealt_tab = app.breach_tab() == BreachTab::DealtWith;
    let rows = list
        .iter()
        .enumerate()
        .skip(cursor.offset)
        .take(visible)
        .map(|(i, &index)| {
            let b = &source[index];
            let left = left_cell(b, app, theme);
            let mut cells = vec![
                Line::from(vec![Span::styled(
                    format!("{} {}", b.rag.letter(), b.rag.label()),
                    theme.rag(b.rag),
                )]),
                Line::from(super::client_name(app, &b.client.name)),
                Line::from(safe(&b.client.reference)),
            ];
            if wide {
                cells.push(Line::from(b.raised_at.format("%d/%m %H:%M").to_string()));
            }
            cells.push(Line::from(format!(
                "{} {}",
                short_action(b.rag),
                b.deadline.format("%d/%m %H:%M")
            )));
            cells.push(left);
            if dealt_tab {
                cells.push(Line::from(b.status.label()));
            } else if wide {
                cells.push(Line::from(b.tried.cell()));
            } else {
                cells.push(Line::from(b.tried.short()));
            }
            Row::new(cells).style(row_style(i == cursor.selected, theme))
        });
    let mut widths = vec![
        Constraint::Length(7),
        Constraint::Fill(1),
        Constraint::Length(7),
    ];
    let mut header = vec!["RAG", "Client", "Ref"];
    if wide {
        widths.push(Constraint::Length(11));
        header.push("Breach");
    }
    widths.extend([Constraint::Length(19), Constraint::Length(15)]);
    header.extend([
        "Deadline (to do)",
        if dealt_tab { "Dealt with" } else { "Time left" },
    ]);
    if dealt_tab {
        widths.push(Constraint::Length(9));
        header.push("Status");
    } else {
        // How many attempts to re-engage, the latest how (and when, if wide).
        widths.push(Constraint::Length(if wide { 14 } else { 9 }));
        header.push("Tried");
    }
    let header = Row::new(header).style(theme.header());
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
