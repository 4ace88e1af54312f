//! Drawing: pure functions from `&App` to a frame. Nothing here mutates the app or
//! touches the store, and each table builds only the rows it can show.

mod areas;
mod caseload;
pub mod form;
mod help;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use theme::Theme;

/// Smallest terminal the screen is laid out for.
pub const MIN_SIZE: (u16, u16) = (64, 16);

/// The screen's regions.
struct Regions {
    title: Rect,
    areas: Rect,
    clients: Rect,
    footer: Rect,
}

fn regions(screen: Rect, area_count: usize) -> Regions {
    // Areas: one row each plus header and borders, but never more than a third of the
    // screen, so the caseload always has room.
    let wanted = u16::try_from(area_count)
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    let areas_height = wanted.min(screen.height / 3).max(4);
    let [title, areas, clients, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(areas_height),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(screen);
    Regions {
        title,
        areas,
        clients,
        footer,
    }
}

/// Number of client rows visible for a terminal of `size` (columns, rows).
#[must_use]
pub fn client_table_rows(size: (u16, u16), area_count: usize) -> u16 {
    let r = regions(Rect::new(0, 0, size.0, size.1), area_count);
    // Borders (2) and the header row (1).
    r.clients.height.saturating_sub(3)
}

/// Draws the whole screen.
pub fn render(frame: &mut Frame<'_>, app: &App, theme: Theme) {
    let screen = frame.area();
    if screen.width < MIN_SIZE.0 || screen.height < MIN_SIZE.1 {
        too_small(frame, screen, theme);
        return;
    }
    let r = regions(screen, app.areas.len());
    title_bar(frame, r.title, app, theme);
    areas::render(frame, r.areas, app, theme);
    caseload::render(frame, r.clients, app, theme);
    footer(frame, r.footer, theme);
    if app.show_help {
        help::render(frame, screen, theme);
    }
}

fn too_small(frame: &mut Frame<'_>, screen: Rect, theme: Theme) {
    let text = vec![
        Line::styled("Terminal too small", theme.warning()),
        Line::from(format!(
            "{}x{} now, {}x{} needed",
            screen.width, screen.height, MIN_SIZE.0, MIN_SIZE.1
        )),
        Line::from("Enlarge the window, or press q to quit."),
    ];
    let top = screen.height.saturating_sub(3) / 2;
    let area = Rect {
        y: screen.y + top,
        height: screen.height.saturating_sub(top),
        ..screen
    };
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}

fn title_bar(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let s = &app.session;
    let role = s
        .worker
        .as_ref()
        .map_or("no worker record", |w| w.role.label());
    let mode = if s.read_only { " read-only" } else { "" };
    let right = format!(
        "{} | {} ({role}){mode} | {}",
        safe(&s.database),
        safe(&s.login),
        app.today.format("%a %d/%m/%Y")
    );
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Length(28), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Span::styled(" caseload: areas", theme.title()), left_area);
    frame.render_widget(
        Paragraph::new(Span::styled(right, theme.dim())).alignment(Alignment::Right),
        right_area,
    );
}

fn footer(frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let keys = [
        ("j/k", "move"),
        ("Enter", "open"),
        ("Tab", "switch"),
        ("?", "help"),
        ("q", "quit"),
    ];
    let mut spans = vec![Span::raw(" ")];
    for (key, what) in keys {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {what}  "), theme.dim()));
    }
    frame.render_widget(Line::from(spans), area);
}

/// Makes stored text safe to print: control characters (including ESC, so no escape
/// sequence can reach the terminal) and bidirectional overrides become `?`.
#[must_use]
pub fn safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
                '?'
            } else {
                c
            }
        })
        .collect()
}
