//! The key help popup: every key of the current view, from the live key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::{App, View};

/// Key descriptions that belong to some views only, and which.
const VIEW_ONLY: &[(&str, &[View])] = &[
    ("explain the Today score", &[View::Today]),
    ("sort by the next column", &[View::Caseload, View::Workers]),
    ("reverse the sort", &[View::Caseload, View::Workers]),
    ("filter: IOM/PPO/DA", &[View::Caseload]),
    ("filter: custody/wk11+/mine", &[View::Caseload]),
    ("clear filters and search", &[View::Caseload]),
    ("breaches: other tab", &[View::Breaches]),
    ("mark for bulk reassign", &[View::Caseload]),
    ("return: previous quarter", &[View::Report]),
    ("return: next quarter", &[View::Report]),
    ("return: all areas / mine", &[View::Report]),
];

/// Draws the help for the current view, centred over `screen`.
pub fn render(frame: &mut Frame<'_>, screen: Rect, app: &App, ctx: &super::Ctx) {
    let theme = ctx.theme;
    let rows: Vec<(String, &str)> = ctx
        .keys
        .help()
        .into_iter()
        .filter(|(_, what)| {
            VIEW_ONLY
                .iter()
                .all(|(text, views)| text != what || views.contains(&app.view()))
        })
        .collect();
    let mut lines: Vec<Line<'_>> = vec![Line::styled(
        format!(" Keys: {}", app.view().title()),
        theme.title(),
    )];
    // Two columns whenever one would not fit the height.
    let columns = if rows.len() + 8 > usize::from(screen.height) {
        2
    } else {
        1
    };
    let per_column = rows.len().div_ceil(columns);
    for i in 0..per_column {
        let mut spans = Vec::new();
        for c in 0..columns {
            if let Some((keys, what)) = rows.get(c * per_column + i) {
                spans.push(Span::styled(format!(" {keys:<11}"), theme.key()));
                spans.push(Span::raw(format!("{what:<26}")));
            }
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled(
        " Commands: :today :areas :caseload :releases :breaches :review",
        theme.dim(),
    ));
    lines.push(Line::styled(
        "   :report  :area NAME  :worker NAME  :client REF",
        theme.dim(),
    ));
    lines.push(Line::styled("   :scope mine|area|all", theme.dim()));
    let closes = if ctx.mouse {
        " ? or Esc closes this help. Mouse: wheel moves, click selects"
    } else {
        " ? or Esc closes this help"
    };
    lines.push(Line::styled(closes, theme.dim()));
    let area = super::centred(
        screen,
        if columns == 2 { 78 } else { 66 },
        u16::try_from(lines.len() + 2).unwrap_or(u16::MAX),
    );
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().border_style(theme.focused_border())),
        area,
    );
}
