//! The caseload in scope: one row per client with an open episode, with sort, filter
//! chips and fuzzy search (matched characters highlighted).

use std::fmt::Write as _;

use crate::app::fuzzy::reference_indices;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Row, Table};

use super::theme::Theme;
use super::{empty, list_block, relative_days, row_style, safe, window};
use crate::app::lists::SortKey;
use crate::app::{App, View};
use crate::domain::clock::{self, Stage};
use crate::domain::model::CaseloadRow;
use crate::domain::{release, status};

/// A column: header, what it sorts by, fixed width (0 = the rest), and priority
/// (lower numbers stay longest as the terminal narrows).
struct Column {
    header: &'static str,
    sort: SortKey,
    width: u16,
    priority: u8,
}

const COLUMNS: [Column; 8] = [
    Column {
        header: "Name",
        sort: SortKey::Name,
        width: 0,
        priority: 0,
    },
    Column {
        header: "Ref",
        sort: SortKey::Reference,
        width: 7,
        priority: 4,
    },
    Column {
        header: "Co-ordinator",
        sort: SortKey::Coordinator,
        width: 14,
        priority: 6,
    },
    Column {
        header: "Flags",
        sort: SortKey::Name,
        width: 10,
        priority: 2,
    },
    Column {
        header: "Status",
        sort: SortKey::Status,
        width: 10,
        priority: 5,
    },
    Column {
        header: "13-week",
        sort: SortKey::Clock,
        width: 14,
        priority: 1,
    },
    Column {
        header: "Contact",
        sort: SortKey::LastContact,
        width: 8,
        priority: 7,
    },
    Column {
        header: "Next date",
        sort: SortKey::NextDate,
        width: 13,
        priority: 3,
    },
];

/// Narrowest the name column may get before other columns are dropped.
const MIN_NAME_WIDTH: u16 = 16;
/// Width from which the 13-week column gets a small gauge.
const GAUGE_FROM_WIDTH: u16 = 120;

/// Indices of the columns that fit in `width`, in display order.
fn columns_that_fit(width: u16) -> Vec<usize> {
    let mut chosen: Vec<usize> = (0..COLUMNS.len()).collect();
    chosen.sort_by_key(|&i| COLUMNS[i].priority);
    while chosen.len() > 1 {
        let used: u16 = chosen
            .iter()
            .map(|&i| {
                if COLUMNS[i].width == 0 {
                    MIN_NAME_WIDTH
                } else {
                    COLUMNS[i].width
                }
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

/// Widest a column is made for its text: a co-ordinator's full name, a client's name.
/// Width past these would only be blank.
const CO_ORDINATOR_UP_TO: u16 = 28;
const NAME_UP_TO: u16 = 36;
/// Widest gap between columns.
const GAP_UP_TO: u16 = 3;

/// The widths of `columns` in `width`, and the gap between them. Extra width goes by
/// usefulness: first to the co-ordinator column, up to the longest co-ordinator's name,
/// then to the name up to a width that holds nearly every name, then to the gaps;
/// what is still left stays at the right edge.
fn shared_widths(columns: &[usize], width: u16, gauge: bool, app: &App) -> (Vec<u16>, u16) {
    let mut widths: Vec<u16> = columns
        .iter()
        .map(|&c| match COLUMNS[c].width {
            0 => MIN_NAME_WIDTH,
            w if c == 5 && gauge => w + 16,
            w => w,
        })
        .collect();
    let gaps = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0);
    let mut spare = width.saturating_sub(widths.iter().sum::<u16>() + gaps);
    let longest_coordinator = super::fitted_width(
        app.data().workers.iter().map(|w| w.name.as_str()),
        0,
        CO_ORDINATOR_UP_TO,
    );
    for (column, up_to) in [(2, longest_coordinator), (0, NAME_UP_TO)] {
        if let Some(at) = columns.iter().position(|&c| c == column) {
            let more = up_to.saturating_sub(widths[at]).min(spare);
            widths[at] += more;
            spare -= more;
        }
    }
    let gap = 1 + spare.checked_div(gaps).unwrap_or(0).min(GAP_UP_TO - 1);
    (widths, gap)
}

/// The 13-week cell: "wk12 d 80 soon", styled by stage; with `gauge`, a bar of 13.
pub fn clock_cell(row: &CaseloadRow, app: &App, theme: Theme, gauge: bool) -> Line<'static> {
    let Some(start) = row.episode.clock_start(app.rules().triage.clock_starts) else {
        return Line::styled("not started", theme.dim());
    };
    let Some(c) = clock::clock(start, row.episode.extension_review_date, app.today()) else {
        return Line::styled("starts later", theme.dim());
    };
    let word = match c.stage {
        Stage::OnTrack => "",
        Stage::Approaching => "soon",
        Stage::Due => "DUE",
        Stage::Extended => "ext",
        Stage::Overdue => "OVER",
    };
    let mut spans = vec![Span::styled(
        format!("wk{:<2} d{:>3} {word:<4}", c.week, c.day),
        theme.stage(c.stage),
    )];
    if gauge {
        let filled = usize::try_from(c.week.min(13)).unwrap_or(0);
        spans.push(Span::styled(
            format!(" [{}{}]", "#".repeat(filled), ".".repeat(13 - filled)),
            theme.stage(c.stage),
        ));
    }
    Line::from(spans)
}

/// IOM, PPO, DA (a domestic-abuse perpetrator: worth knowing before a home visit)
/// and a count of other priority groups, e.g. "IOM DA+2".
pub fn flags_cell(row: &CaseloadRow, theme: Theme) -> Line<'static> {
    let f = &row.flags;
    let mut parts: Vec<String> = Vec::new();
    if f.iom {
        parts.push("IOM".to_owned());
    }
    if f.ppo {
        parts.push("PPO".to_owned());
    }
    if row.domestic_abuse {
        parts.push("DA".to_owned());
    }
    let mut text = parts.join(" ");
    let others = f.priority_tags().len();
    if others > 0 {
        text.push('+');
        text.push_str(&others.to_string());
    }
    Line::styled(text, theme.flag())
}

fn next_date_cell(row: &CaseloadRow, app: &App, theme: Theme) -> Line<'static> {
    let Some((what, date)) =
        status::next_key_date(row, app.today(), app.rules().triage.clock_starts)
    else {
        return Line::from("");
    };
    let days = (date - app.today()).num_days();
    let short = match what {
        "release" => "rel",
        "review" => "rev",
        "13 weeks" => "13wk",
        _ => "ext",
    };
    let text = format!("{short} {}", relative_days(days));
    match (&row.custody, what) {
        (Some(custody), "release") => {
            let rag = release::readiness(&custody.checklist, days);
            Line::from(vec![
                Span::raw(format!("{text:<11}")),
                Span::styled(rag.letter().to_string(), theme.rag(rag)),
            ])
        }
        _ if days < 0 => Line::styled(text, theme.warning()),
        _ => Line::from(text),
    }
}

/// The name with the characters the search matched underlined.
fn name_cell(row: &CaseloadRow, app: &App) -> Line<'static> {
    if app.redact() {
        return Line::from(super::client_name(app, row.display_name()));
    }
    let query = app.search();
    let name = safe(row.display_name());
    let Some((_, indices)) = (!query.is_empty())
        .then(|| reference_indices(row.label.search_text(), query))
        .flatten()
    else {
        return Line::from(name);
    };
    let spans = name
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let style = if indices.contains(&i) {
                ratatui::style::Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
            } else {
                ratatui::style::Style::new()
            };
            Span::styled(c.to_string(), style)
        })
        .collect::<Vec<_>>();
    Line::from(spans)
}

// Over 80 lines on purpose: a table view's title, visible rows, widths and header read
// best together, in column order; each cell is one line.
/// Draws the caseload into `area`, building only the visible rows.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let list = app.caseload_list();
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let cursor = window(app.cursor_of(View::Caseload), visible);
    let mut title = if app.data().partial.is_some() {
        format!(
            " Caseload ({}): the first {} clients, reading the rest",
            app.scope().label(),
            list.len()
        )
    } else {
        format!(
            " Caseload ({}): {} clients",
            app.scope().label(),
            list.len()
        )
    };
    let chips = app.filter().chips();
    if !chips.is_empty() {
        let _ = write!(title, " [{}]", chips.join("] ["));
    }
    if !app.search().is_empty() {
        let _ = write!(title, " /{}", safe(app.search()));
    }
    title.push(' ');
    let block = list_block(title, cursor, list.len(), theme);
    if list.is_empty() {
        let text = if app.data().caseload.is_empty() {
            if app.scope() == crate::app::Scope::Everything {
                "No clients on the caseload yet. New referrals: N."
            } else {
                "No clients on the caseload in this scope. Press o to widen the scope."
            }
        } else {
            "No client matches. Esc clears the search and filters."
        };
        empty(frame, area, block, text, theme);
        return;
    }
    let columns = columns_that_fit(area.width.saturating_sub(2));
    let gauge = area.width >= GAUGE_FROM_WIDTH;
    let rows = list
        .iter()
        .enumerate()
        .skip(cursor.offset)
        .take(visible)
        .map(|(i, entry)| {
            let row = &app.data().caseload[entry.row()];
            let cells: Vec<Line<'static>> = columns
                .iter()
                .map(|&c| match c {
                    0 if app.marked().contains_key(&row.client_id) => {
                        let mut line = name_cell(row, app);
                        line.spans.insert(0, Span::styled("* ", theme.key()));
                        line
                    }
                    0 => name_cell(row, app),
                    1 => Line::from(safe(row.reference())),
                    2 => Line::from(safe(app.data().coordinator(row))),
                    3 => flags_cell(row, theme),
                    4 => Line::from(status::status(&row.episode, row.custody.as_deref()).label()),
                    5 => clock_cell(row, app, theme, gauge),
                    6 => row.last_contact.map_or_else(
                        || Line::styled("never", theme.warning()),
                        |d| Line::from(relative_days((d - app.today()).num_days())),
                    ),
                    _ => next_date_cell(row, app, theme),
                })
                .collect();
            Row::new(cells).style(row_style(i == cursor.selected, theme))
        });
    let header = Row::new(columns.iter().map(|&c| {
        let col = &COLUMNS[c];
        let marker = match (
            app.sort() == col.sort && c != 3 && app.search().is_empty(),
            app.descending(),
        ) {
            (true, false) => "^",
            (true, true) => "v",
            _ => "",
        };
        format!("{}{marker}", col.header)
    }))
    .style(theme.header());
    let (widths, gap) = shared_widths(&columns, area.width.saturating_sub(2), gauge, app);
    // The name takes what the others leave below the widths shared out.
    let widths = columns.iter().zip(widths).map(|(&c, w)| {
        if c == 0 && w < NAME_UP_TO {
            Constraint::Fill(1)
        } else {
            Constraint::Length(w)
        }
    });
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block)
            .column_spacing(gap),
        area,
    );
}
