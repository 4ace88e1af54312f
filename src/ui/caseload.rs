//! The selected area's caseload: one row per client with an open episode.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table};

use super::safe;
use super::theme::Theme;
use crate::app::{App, Pane};
use crate::domain::clock::{self, Stage};
use crate::domain::model::CaseloadRow;
use crate::domain::{release, status};

/// A column: header, fixed width (0 = takes the remaining space), and priority
/// (lower numbers stay longest as the terminal narrows).
struct Column {
    header: &'static str,
    width: u16,
    priority: u8,
}

const COLUMNS: [Column; 7] = [
    Column {
        header: "Name",
        width: 0,
        priority: 0,
    },
    Column {
        header: "Ref",
        width: 7,
        priority: 6,
    },
    Column {
        header: "Co-ordinator",
        width: 14,
        priority: 5,
    },
    Column {
        header: "Flags",
        width: 9,
        priority: 2,
    },
    Column {
        header: "13-week",
        width: 14,
        priority: 1,
    },
    Column {
        header: "Status",
        width: 10,
        priority: 3,
    },
    Column {
        header: "Release",
        width: 9,
        priority: 4,
    },
];

/// Narrowest the name column may get before other columns are dropped.
const MIN_NAME_WIDTH: u16 = 16;

/// Indices of the columns that fit in `width`, in display order.
fn columns_that_fit(width: u16) -> Vec<usize> {
    let mut chosen: Vec<usize> = (0..COLUMNS.len()).collect();
    chosen.sort_by_key(|&i| COLUMNS[i].priority);
    while chosen.len() > 1 {
        let used: u16 = chosen
            .iter()
            .map(|&i| {
                COLUMNS[i]
                    .width
                    .max(MIN_NAME_WIDTH * u16::from(COLUMNS[i].width == 0))
            })
            .sum();
        let gaps = u16::try_from(chosen.len() - 1).unwrap_or(0);
        if used + gaps <= width {
            break;
        }
        chosen.pop();
    }
    chosen.sort_unstable();
    chosen
}

/// The 13-week cell: "wk12 d 80 soon", styled by stage.
fn clock_cell(row: &CaseloadRow, app: &App, theme: Theme) -> Line<'static> {
    let Some(start) = row.episode.care_plan_date else {
        return Line::styled("not started", theme.dim());
    };
    match clock::clock(start, row.episode.extension_review_date, app.today) {
        Some(c) => {
            let word = match c.stage {
                Stage::OnTrack => "",
                Stage::Approaching => "soon",
                Stage::Due => "DUE",
                Stage::Extended => "ext",
                Stage::Overdue => "OVER",
            };
            Line::styled(
                format!("wk{:<2} d{:>3} {word}", c.week, c.day),
                theme.stage(c.stage),
            )
        }
        None => Line::styled("starts later", theme.dim()),
    }
}

fn flags_cell(row: &CaseloadRow, theme: Theme) -> Line<'static> {
    let f = &row.flags;
    let mut text = String::new();
    if f.iom {
        text.push_str("IOM");
    }
    if f.ppo {
        text.push_str(if text.is_empty() { "PPO" } else { " PPO" });
    }
    let others = f.priority_tags().len();
    if others > 0 {
        text.push('+');
        text.push_str(&others.to_string());
    }
    Line::styled(text, theme.flag())
}

fn release_cell(row: &CaseloadRow, app: &App, theme: Theme) -> Line<'static> {
    let Some(custody) = &row.custody else {
        return Line::from("");
    };
    let Some(date) = status::next_release(Some(custody), app.today) else {
        return Line::styled("no date", theme.dim());
    };
    let days = release::days_to_release(date, app.today);
    let rag = release::readiness(&custody.checklist, days);
    let when = match days {
        0 => "today".to_owned(),
        d if d < 0 => format!("{}d ago", -d),
        d if d < 100 => format!("in {d}d"),
        _ => date.format("%d/%m/%y").to_string(),
    };
    Line::from(vec![
        Span::raw(format!("{when:<7}")),
        Span::styled(rag.letter().to_string(), theme.rag(rag)),
    ])
}

fn cells(row: &CaseloadRow, app: &App, theme: Theme, columns: &[usize]) -> Vec<Line<'static>> {
    columns
        .iter()
        .map(|&i| match i {
            0 => Line::from(safe(&row.display_name())),
            1 => Line::from(safe(&row.reference)),
            2 => Line::from(safe(
                row.care_coordinator.as_deref().unwrap_or("unallocated"),
            )),
            3 => flags_cell(row, theme),
            4 => clock_cell(row, app, theme),
            5 => Line::from(status::status(&row.episode, row.custody.as_ref()).label()),
            _ => release_cell(row, app, theme),
        })
        .collect()
}

/// Draws the caseload table into `area`, building only the visible rows.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let focused = app.focus == Pane::Clients;
    let name = app
        .selected_area()
        .map_or_else(|| "No area".to_owned(), |a| safe(&a.area.name));
    let position = if app.clients.is_empty() {
        String::new()
    } else {
        format!(" {}/{} ", app.client_cursor.selected + 1, app.clients.len())
    };
    let block = Block::bordered()
        .title(format!(" {name}: {} active ", app.clients.len()))
        .title_bottom(Line::from(position).right_aligned())
        .border_style(if focused {
            theme.focused_border()
        } else {
            theme.border()
        });
    if app.clients.is_empty() {
        let message = if app.areas.is_empty() {
            "No areas yet. An admin adds them (see README: Subcommands)."
        } else {
            "No clients on this area's caseload."
        };
        frame.render_widget(
            Paragraph::new(Line::styled(message, theme.dim())).block(block),
            area,
        );
        return;
    }
    let inner_width = area.width.saturating_sub(2);
    let columns = columns_that_fit(inner_width);
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let mut cursor = app.client_cursor;
    cursor.keep_visible(visible);
    let rows = app
        .clients
        .iter()
        .enumerate()
        .skip(cursor.offset)
        .take(visible)
        .map(|(index, row)| {
            let style = match (index == cursor.selected, focused) {
                (true, true) => theme.selected(),
                (true, false) => theme.selected_unfocused(),
                _ => Style::new(),
            };
            Row::new(cells(row, app, theme, &columns)).style(style)
        });
    let header = Row::new(columns.iter().map(|&i| COLUMNS[i].header)).style(theme.header());
    let widths = columns.iter().map(|&i| match COLUMNS[i].width {
        0 => Constraint::Fill(1),
        w => Constraint::Length(w),
    });
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
