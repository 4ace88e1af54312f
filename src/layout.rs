//! Screen geometry, as pure functions of the terminal size: where the tab bar, the
//! body and the status lines are, how many list rows a view shows, which tab or row a
//! click lands on, and how many lines the scrolled views (the client record and the
//! return) have. The model uses it to move cursors and the screen to draw, so both
//! agree on the layout without the model importing the screen.

use chrono::NaiveDate;
use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::view::View;
use crate::domain::clock;
use crate::domain::record::{ClientRecord, CustodyRecord};
use crate::report::Report;

/// Smallest terminal the screens are laid out for.
pub const MIN_SIZE: (u16, u16) = (64, 16);

/// Lines of explanation under the areas table.
const LEGEND_HEIGHT: u16 = 4;

/// Screen regions: tab bar, body, status line, footer.
#[must_use]
pub fn regions(screen: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(screen)
}

/// The areas (and workers) view's body split into the table and the legend under it.
#[must_use]
pub fn areas_split(body: Rect) -> [Rect; 2] {
    let wanted = body.height.saturating_sub(LEGEND_HEIGHT).max(4);
    Layout::vertical([Constraint::Max(wanted), Constraint::Fill(1)]).areas(body)
}

fn screen(size: (u16, u16)) -> Rect {
    Rect::new(0, 0, size.0, size.1)
}

const fn too_small(size: (u16, u16)) -> bool {
    size.0 < MIN_SIZE.0 || size.1 < MIN_SIZE.1
}

/// How many list rows `view` shows on a terminal of `size` (columns, rows).
#[must_use]
pub fn list_rows(size: (u16, u16), view: View) -> u16 {
    let body = regions(screen(size))[1];
    match view {
        // The client record and the return have a border but no header row.
        View::Client | View::Report => body.height.saturating_sub(2),
        // Areas keep room for the legend under the table.
        View::Areas | View::Workers => areas_split(body)[0].height.saturating_sub(3),
        _ => body.height.saturating_sub(3),
    }
}

/// [`list_rows`] as a window for a cursor: never less than one row.
#[must_use]
pub fn visible_rows(size: (u16, u16), view: View) -> usize {
    usize::from(list_rows(size, view)).max(1)
}

/// Which row of `view`'s visible list is drawn at screen cell (`column`, `row`) on a
/// terminal of `size`, counted from the first row shown; `None` on a border, the
/// header, the legend or outside the body, and in the client record and the return
/// (they scroll text, there is no row to select).
#[must_use]
pub fn list_row_at(size: (u16, u16), view: View, column: u16, row: u16) -> Option<usize> {
    if too_small(size) || matches!(view, View::Client | View::Report) {
        return None;
    }
    let body = regions(screen(size))[1];
    // Every list is a bordered table with one header row above its rows.
    let at = row.checked_sub(body.y + 2)?;
    let inside = column > body.x && column + 1 < body.right();
    (inside && at < list_rows(size, view)).then_some(usize::from(at))
}

/// The view whose tab is drawn at screen cell (`column`, `row`) on a terminal of
/// `size`, if any.
#[must_use]
pub fn tab_at(size: (u16, u16), column: u16, row: u16) -> Option<View> {
    let tabs = regions(screen(size))[0];
    if too_small(size) || row != tabs.y {
        return None;
    }
    let mut right = 0;
    View::TABS.into_iter().enumerate().find_map(|(at, view)| {
        let (number, title) = tab_label(at, view, tabs.width);
        right += number.len() + title.len();
        (usize::from(column) < right).then_some(view)
    })
}

/// The key and title of tab `at` as the tab bar shows them: (" 1", " Today ").
#[must_use]
pub fn tab_label(at: usize, view: View, width: u16) -> (String, String) {
    let title = if width < 90 && view == View::Review {
        "13wk"
    } else {
        view.title()
    };
    (format!(" {}", at + 1), format!(" {title} "))
}

/// Scroll positions of a text of `lines` lines in `view` at `size`: one per line that
/// can be at the top with the window still full (at least one).
#[must_use]
pub fn scroll_positions(lines: usize, size: (u16, u16), view: View) -> usize {
    lines.saturating_sub(visible_rows(size, view)) + 1
}

/// How many lines the client view draws for `record` on `today`, counted from the
/// record's shape without building them; `shows_viewers` when the session may see
/// who opened it. The client view checks it against the lines it draws.
#[must_use]
pub fn record_lines(
    record: &ClientRecord,
    today: NaiveDate,
    clock_starts: clock::ClockStart,
    shows_viewers: bool,
) -> usize {
    let p = &record.profile;
    // Name, birth (or "hidden"), area, consent, flags; GP when either is known.
    let profile = 5 + usize::from(p.gp_practice.is_some() || p.prescriber.is_some());
    let episode = 1 + record
        .episodes
        .iter()
        .find(|e| e.closure.is_none())
        .map_or(1, |e| {
            let clock = clock_starts
                .of(e.assessment_date, e.care_plan_date)
                .is_some_and(|start| {
                    clock::clock(start, e.extension.as_ref().map(|x| x.1), today).is_some()
                });
            // Heading, timeline, tier; the clock, exit plan and extension when known;
            // the DAN 24/7 advice when assessed without it.
            3 + usize::from(clock)
                + usize::from(e.assessment_date.is_some() && !e.dan_advised)
                + usize::from(e.exit_plan.is_some())
                + usize::from(e.extension.is_some())
                + usize::from(record.orders.iter().any(|o| Some(o.id) == e.follows_order))
        });
    let custody = if record.custody.is_empty() {
        0
    } else {
        2 + record.custody.iter().map(custody_lines).sum::<usize>()
    };
    let orders = if record.orders.is_empty() {
        0
    } else {
        2 + record.orders.iter().map(order_lines).sum::<usize>()
    };
    // Each breach's attempts to re-engage are listed under it.
    let checks = record.assessments.len() + record.breaches.len() + record.reengagements.len();
    let tests = record.tests.len();
    let assessments =
        checks + if checks > 0 { 2 } else { 0 } + if tests > 0 { 2 + tests } else { 0 };
    let earlier = record
        .episodes
        .iter()
        .filter(|e| e.closure.is_some())
        .count();
    let history = 2
        + record.contacts.len().max(1)
        + if earlier > 0 { 2 + earlier } else { 0 }
        + 2
        + record.audit.len().max(1);
    let viewers = if shows_viewers {
        2 + record.viewers.len().max(1)
    } else {
        0
    };
    profile + episode + custody + orders + assessments + history + viewers
}

/// Lines of one court order: the order, its early and late ends while in force
/// (one line, if it has either), and one per court review.
fn order_lines(o: &crate::domain::record::OrderRecord) -> usize {
    let ends = o.ended_on.is_none()
        && (o.terms.early_end_date.is_some() || o.terms.late_end_date.is_some());
    1 + usize::from(ends) + o.reviews.len()
}

/// Lines of one custody spell: the spell, the hand-over line unless released with none
/// recorded, and the release checklist while still inside.
fn custody_lines(c: &CustodyRecord) -> usize {
    let inside = c.actual_release_date.is_none();
    let handover = c.handover_waived.is_some() || c.handover.is_recorded() || inside;
    let checklist = if inside {
        1 + crate::domain::release::Checklist::LEN
    } else {
        0
    };
    1 + usize::from(handover) + checklist
}

/// How many lines the report view draws for `report` at an inner width of `width`
/// columns (one line of "counting" or "not loaded" without one), counted without
/// building them. The report view checks it against the lines it draws.
#[must_use]
pub fn return_lines(report: Option<&Report>, width: usize) -> usize {
    let Some(report) = report else {
        return 1;
    };
    let kpis = 2 + report.kpis.len();
    let sections: usize = report
        .sections
        .iter()
        .map(|s| 2 + s.lines.len().max(1))
        .sum();
    let months = report.kpi1_by_month.len();
    let by_month = if months > 0 { 2 + months } else { 0 };
    let definitions = 2 + return_definitions(report, width).len();
    kpis + sections + by_month + definitions
}

/// The return's definitions (each KPI's, then the team's rules and settings) as the
/// report view shows them at an inner width of `width` columns: wrapped at spaces, each
/// indented two columns and its following lines four, so that all of each can be read
/// on a narrow terminal.
#[must_use]
pub fn return_definitions(report: &Report, width: usize) -> Vec<String> {
    let kpis = crate::domain::kpi::KPIS
        .iter()
        .map(|kpi| format!("KPI {} ({}%): {}", kpi.number, kpi.target, kpi.definition));
    let mut lines = Vec::new();
    for text in kpis.chain(crate::report::render::rules(report)) {
        let mut line = String::from("  ");
        let mut words = 0;
        for word in text.split_whitespace() {
            if words > 0 && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::replace(&mut line, String::from("    ")));
                words = 0;
            }
            if words > 0 {
                line.push(' ');
            }
            line.push_str(word);
            words += 1;
        }
        lines.push(line);
    }
    lines
}
