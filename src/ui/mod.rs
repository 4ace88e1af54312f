//! Drawing: pure functions from `&App` to a frame. Nothing here mutates the app or
//! touches the store, and each list builds only the rows it can show.

mod areas;
mod breaches;
mod caseload;
mod client;
pub mod form;
mod help;
mod menu;
mod orders;
mod releases;
mod report;
mod review;
pub mod theme;
mod today;
mod workers;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::action::Action as A;
use crate::app::{App, ListCursor, Mode, View};
use crate::config::Settings;
use crate::keys::KeyBindings;
use theme::Theme;

use crate::layout::{MIN_SIZE, regions, tab_label};

/// What drawing needs besides the model, handed in by the loop: the key table (for
/// the footer and the help), the colours, and whether the mouse is captured.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The key table: defaults with the config's overrides.
    pub keys: KeyBindings,
    /// The colours.
    pub theme: Theme,
    /// Whether the mouse is captured (the help then says what it does).
    pub mouse: bool,
}

impl Ctx {
    /// The context `settings` give, drawn in `theme`. Key overrides were checked when
    /// the config was read; ones that do not apply leave the defaults.
    #[must_use]
    pub fn new(settings: &Settings, theme: Theme) -> Self {
        Self {
            keys: KeyBindings::default()
                .with_overrides(&settings.keys)
                .unwrap_or_default(),
            theme,
            mouse: settings.mouse,
        }
    }
}

/// Draws the whole screen.
pub fn render(frame: &mut Frame<'_>, app: &App, ctx: &Ctx) {
    let theme = ctx.theme;
    let screen = frame.area();
    if screen.width < MIN_SIZE.0 || screen.height < MIN_SIZE.1 {
        too_small(frame, screen, theme);
        return;
    }
    let [tabs, body, status, footer] = regions(screen);
    tab_bar(frame, tabs, app, theme);
    if (app.loading() && app.data().loaded_at.is_none()) || app.waits_for_snapshot(app.view()) {
        let text = format!(" Reading the caseload ({})...", app.scope().label());
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.dim())).block(Block::bordered()),
            body,
        );
        status_line(frame, status, app, theme);
        footer_line(frame, footer, app, ctx);
        return;
    }
    match app.view() {
        View::Today => today::render(frame, body, app, theme),
        View::Areas => areas::render(frame, body, app, theme),
        View::Caseload => caseload::render(frame, body, app, theme),
        View::Releases => releases::render(frame, body, app, theme),
        View::Breaches => breaches::render(frame, body, app, theme),
        View::Review => review::render(frame, body, app, theme),
        View::Client => client::render(frame, body, app, theme),
        View::Report => report::render(frame, body, app, theme),
        View::Workers => workers::render(frame, body, app, theme),
    }
    status_line(frame, status, app, theme);
    footer_line(frame, footer, app, ctx);
    match app.mode() {
        Mode::Help => help::render(frame, screen, app, ctx),
        Mode::Explain => today::render_explain(frame, screen, app, theme),
        Mode::Menu => menu::render_menu(frame, screen, app, theme),
        Mode::Form => menu::render_form(frame, screen, app, theme),
        Mode::DraftOffer => menu::render_draft_offer(frame, screen, app, theme),
        Mode::Normal | Mode::Search | Mode::Command => {}
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

fn tab_bar(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let mut spans = Vec::new();
    for (at, view) in View::TABS.into_iter().enumerate() {
        let (number, title) = tab_label(at, view, area.width);
        let style = if view == app.view() || (view == View::Areas && app.view() == View::Workers) {
            theme.selected()
        } else {
            Style::new()
        };
        spans.push(Span::styled(number, theme.key()));
        spans.push(Span::styled(title, style));
    }
    if app.view() == View::Client {
        spans.push(Span::styled(" Client ", theme.selected()));
    }
    frame.render_widget(Line::from(spans), area);
}

fn status_line(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    if let Some(message) = app.message() {
        frame.render_widget(
            Line::styled(format!(" {}", safe(message)), theme.warning()),
            area,
        );
        return;
    }
    let s = app.session();
    let role = s
        .worker
        .as_ref()
        .map_or("no worker record", |w| w.role.label());
    let mode = if s.read_only { ", read-only" } else { "" };
    let reading = app.loading() || app.report_pending();
    let refreshed = match (reading, app.updated_elsewhere(), app.data().loaded_at) {
        (true, _, _) => " | reading...".to_owned(),
        (false, Some(t), _) => format!(" | updated {}", t.format("%H:%M")),
        (false, None, Some(t)) => format!(" | read {}", t.format("%H:%M")),
        (false, None, None) => String::new(),
    };
    let text = format!(
        " {} | {} ({role}{mode}) | {} | {}{refreshed}",
        safe(&s.database),
        safe(&s.login),
        app.scope().label(),
        app.today().format("%d/%m/%Y"),
    );
    frame.render_widget(Line::styled(text, theme.dim()), area);
}

fn footer_line(frame: &mut Frame<'_>, area: Rect, app: &App, ctx: &Ctx) {
    let theme = ctx.theme;
    let prompt = match app.mode() {
        Mode::Search => Some("/"),
        Mode::Command => Some(":"),
        _ => None,
    };
    if let Some(prompt) = prompt {
        let line = Line::from(vec![
            Span::styled(prompt, theme.key()),
            Span::raw(safe(app.input())),
            Span::styled("_", theme.dim()),
        ]);
        frame.render_widget(line, area);
        return;
    }
    let mut keys: Vec<(A, &str)> = match app.view() {
        View::Today => vec![
            (A::Enter, "open"),
            (A::Explain, "why"),
            (A::CycleScope, "scope"),
        ],
        View::Areas => vec![(A::Enter, "workers"), (A::CycleScope, "scope")],
        View::Workers => vec![
            (A::Enter, "clients"),
            (A::CycleSort, "sort"),
            (A::Back, "areas"),
        ],
        View::Caseload => vec![
            (A::Enter, "open"),
            (A::StartSearch, "search"),
            (A::CycleSort, "sort"),
            (A::ClearFilters, "clear"),
        ],
        View::Breaches => vec![(A::Enter, "open"), (A::ToggleBreachTab, "tab")],
        View::Releases | View::Review => vec![(A::Enter, "open"), (A::CycleScope, "scope")],
        View::Client => vec![
            (A::Back, "back"),
            (A::QuickForm(crate::form::FormKind::Contact), "contact"),
            (A::OpenMenu, "update"),
            (A::Undo, "undo"),
        ],
        View::Report => vec![
            (A::PreviousQuarter, "prev qtr"),
            (A::NextQuarter, "next qtr"),
            (A::ToggleReportArea, "area"),
            (A::Down, "scroll"),
        ],
    };
    keys.extend([
        (A::StartCommand, "cmd"),
        (A::ToggleHelp, "help"),
        (A::Quit, "quit"),
    ]);
    let mut spans = vec![Span::raw(" ")];
    for (action, what) in keys {
        let key = ctx.keys.describe(action);
        let first = key.split(", ").next().unwrap_or_default().to_owned();
        spans.push(Span::styled(first, theme.key()));
        spans.push(Span::styled(format!(" {what}  "), theme.dim()));
    }
    frame.render_widget(Line::from(spans), area);
}

/// A bordered block for a view's list, with the title and a "row/total" position.
fn list_block(title: String, cursor: ListCursor, len: usize, theme: Theme) -> Block<'static> {
    let position = if len == 0 {
        String::new()
    } else {
        format!(" {}/{len} ", cursor.selected + 1)
    };
    Block::bordered()
        .title(Line::styled(title, theme.title()))
        .title_bottom(Line::from(position).right_aligned())
        .border_style(theme.border())
}

/// The cursor adjusted to a window of `visible` rows (drawing never moves the app's).
fn window(cursor: ListCursor, visible: usize) -> ListCursor {
    let mut c = cursor;
    c.keep_visible(visible);
    c
}

/// Style of a row: reversed when selected.
fn row_style(selected: bool, theme: Theme) -> Style {
    if selected {
        theme.selected()
    } else {
        Style::new()
    }
}

/// A rectangle of at most `width` x `height`, centred in `screen` (for popups).
fn centred(screen: Rect, width: u16, height: u16) -> Rect {
    let (width, height) = (width.min(screen.width), height.min(screen.height));
    Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    }
}

/// A message in place of an empty list.
fn empty(frame: &mut Frame<'_>, area: Rect, block: Block<'_>, text: &str, theme: Theme) {
    frame.render_widget(
        Paragraph::new(Line::styled(format!(" {text}"), theme.dim())).block(block),
        area,
    );
}

/// Makes stored text safe to print: the one rule for all output,
/// [`visible`](crate::domain::safe_text::visible) (control characters, bidirectional
/// controls and invisible characters shown escaped, so no escape sequence can reach
/// the terminal).
#[must_use]
pub fn safe(text: &str) -> String {
    crate::domain::safe_text::visible(text).into_owned()
}

/// A client's "Family, Given" for display: initials only when the app is redacting
/// (screen sharing), and always safe to print.
#[must_use]
pub fn client_name(app: &App, name: &str) -> String {
    if app.redact() {
        name.split([',', ' ', '-'])
            .filter_map(|part| part.chars().next())
            .map(|c| format!("{}.", c.to_uppercase()))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        safe(name)
    }
}

/// Days as a short relative phrase: "today", "in 3d", "2d ago".
fn relative_days(days: i64) -> String {
    match days {
        0 => "today".to_owned(),
        d if d > 0 => format!("in {d}d"),
        d => format!("{}d ago", -d),
    }
}

/// Terminal width from which list views widen their columns of names (co-ordinators,
/// prisons) to the longest name rather than cut it: extra width goes where text is
/// cut before it goes to blank space.
pub const WIDE_FROM: u16 = 160;

/// The width that holds the longest of `texts`, between `from` and `up_to` columns.
pub fn fitted_width<'a>(texts: impl Iterator<Item = &'a str>, from: u16, up_to: u16) -> u16 {
    texts
        .map(|t| u16::try_from(t.chars().count()).unwrap_or(u16::MAX))
        .max()
        .unwrap_or(0)
        .clamp(from, up_to)
}
