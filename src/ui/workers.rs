//! One area's workers and their loads: who has capacity (opened from Areas).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table};

use super::theme::Theme;
use super::{empty, list_block, row_style, safe, window};
use crate::app::workers::{WorkerRow, WorkerSort};
use crate::app::{App, View};
use crate::domain::model::Role;
use crate::domain::roles::{self, ClientScope, Operation};

/// The role in a few letters (the full label from 120 columns).
fn role_cell(role: Option<Role>, wide: bool) -> String {
    match (role, wide) {
        (None, _) => String::new(),
        (Some(role), true) => role.label().to_owned(),
        (Some(Role::CareCoordinator), false) => "CC".to_owned(),
        (Some(Role::TeamLeader), false) => "TL".to_owned(),
        (Some(Role::Support), false) => "sup".to_owned(),
        (Some(Role::Admin), false) => "adm".to_owned(),
    }
}

/// Share of the area's active caseload, as a whole percentage.
fn share(part: usize, whole: usize) -> String {
    (part * 100 + whole / 2)
        .checked_div(whole)
        .map_or_else(|| "-".to_owned(), |p| format!("{p}%"))
}

/// Whether the session may reassign clients in `area_id` (the rule table's answer).
fn may_reassign(app: &App, area_id: i64) -> bool {
    !app.session().read_only
        && roles::check(
            app.session().worker.as_ref(),
            Operation::Reassign,
            Some(ClientScope {
                area_id,
                care_coordinator_id: None,
            }),
        )
        .is_ok()
}

fn cells(row: &WorkerRow, area_active: usize, wide: bool, theme: Theme) -> Vec<Line<'static>> {
    let n = |v: usize| Line::from(v.to_string()).right_aligned();
    let load = &row.load;
    let name = if row.worker_id.is_none() {
        Line::styled(row.name.clone(), theme.warning())
    } else if row.left {
        Line::styled(
            format!("{} (left: reassign)", safe(&row.name)),
            theme.warning(),
        )
    } else {
        Line::from(safe(&row.name))
    };
    let late = if load.overdue > 0 {
        Line::styled(load.overdue.to_string(), theme.warning()).right_aligned()
    } else {
        n(0)
    };
    let mut cells = vec![name, Line::from(role_cell(row.role, wide)), n(load.active)];
    if wide {
        cells.push(Line::from(share(load.active, area_active)).right_aligned());
    }
    cells.extend([
        n(load.ppo),
        n(load.iom),
        n(load.in_custody),
        n(load.today),
        late,
        n(load.past_13_weeks),
    ]);
    cells
}

/// Draws the workers table of the open area and its legend into `area`.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let [table_area, legend_area] = crate::layout::areas_split(area);
    let Some(workers) = app.workers() else {
        return;
    };
    let (area_id, area_name) = (&workers.area.0, safe(&workers.area.1));
    let wide = area.width >= 120;
    let visible = usize::from(table_area.height.saturating_sub(3)).max(1);
    let cursor = window(app.cursor_of(View::Workers), visible);
    let block = list_block(
        format!(" {area_name}: who has capacity "),
        cursor,
        workers.rows.len(),
        theme,
    );
    if workers.rows.is_empty() {
        let text = format!("No care co-ordinators in {area_name}, and nobody on its caseload.");
        empty(frame, table_area, block, &text, theme);
    } else {
        let area_active: usize = workers.rows.iter().map(|r| r.load.active).sum();
        let rows = workers
            .rows
            .iter()
            .enumerate()
            .skip(cursor.offset)
            .take(visible)
            .map(|(i, row)| {
                Row::new(cells(row, area_active, wide, theme))
                    .style(row_style(i == cursor.selected, theme))
            });
        // Wide, the names get what they need and the counts stay beside them.
        let name = if wide {
            let names: Vec<String> = workers
                .rows
                .iter()
                .map(|r| {
                    let left = if r.left { " (left: reassign)" } else { "" };
                    format!("{}{left}", r.name)
                })
                .collect();
            Constraint::Length(super::fitted_width(
                names.iter().map(String::as_str),
                20,
                40,
            ))
        } else {
            Constraint::Fill(1)
        };
        let mut columns = vec![
            ("Worker", WorkerSort::Name, name),
            (
                "Role",
                WorkerSort::Name,
                Constraint::Length(if wide { 17 } else { 4 }),
            ),
            ("Active", WorkerSort::Active, Constraint::Length(7)),
        ];
        if wide {
            columns.push(("Share", WorkerSort::Name, Constraint::Length(5)));
        }
        columns.extend([
            ("PPO", WorkerSort::Ppo, Constraint::Length(4)),
            ("IOM", WorkerSort::Iom, Constraint::Length(4)),
            ("Cust", WorkerSort::Name, Constraint::Length(4)),
            ("Today", WorkerSort::Today, Constraint::Length(6)),
            ("Late", WorkerSort::Overdue, Constraint::Length(5)),
            ("13wk+", WorkerSort::Past13Weeks, Constraint::Length(6)),
        ]);
        let header = Row::new(columns.iter().enumerate().map(|(at, (title, sort, _))| {
            let sorted = *sort == workers.sort && (at == 0 || *sort != WorkerSort::Name);
            let marker = match (sorted, workers.descending) {
                (true, false) => "^",
                (true, true) => "v",
                _ => "",
            };
            Line::from(format!("{title}{marker}")).right_aligned_if(at >= 2)
        }))
        .style(theme.header());
        let widths: Vec<Constraint> = columns.iter().map(|(_, _, w)| *w).collect();
        frame.render_widget(
            Table::new(rows, widths).header(header).block(block),
            table_area,
        );
    }
    let last = if may_reassign(app, *area_id) {
        " Enter: their clients, where Space marks and u reassigns. Esc: back to areas."
    } else {
        " Enter: their clients (to read: team leaders reassign). Esc: back to areas."
    };
    let legend = vec![
        Line::styled(
            " Today: items on their Today queue; Late: of those, already overdue.",
            theme.dim(),
        ),
        Line::styled(
            " Cust: in custody now. 13wk+: day 91 or later. s/S sorts by the counts.",
            theme.dim(),
        ),
        Line::styled(last, theme.dim()),
    ];
    frame.render_widget(Paragraph::new(legend), legend_area);
}

/// Right-aligns a header cell over a column of counts.
trait AlignIf {
    fn right_aligned_if(self, right: bool) -> Self;
}

impl AlignIf for Line<'_> {
    fn right_aligned_if(self, right: bool) -> Self {
        if right { self.right_aligned() } else { self }
    }
}
