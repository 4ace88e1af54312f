//! Popups for updates: the menu of forms (`u`), the open form, and the offer to
//! restore a draft left by a dropped session.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme::Theme;
use super::{centred, row_style, safe};
use crate::app::App;

/// The menu of updates, scrolled to its cursor.
pub fn render_menu(frame: &mut Frame<'_>, screen: Rect, app: &App, theme: Theme) {
    let Some(menu) = app.menu() else { return };
    let who = match (menu.client_id, app.client()) {
        (Some(id), Some(record)) if record.profile.id == id => {
            format!(" for {}", safe(&record.profile.reference))
        }
        (Some(_), _) => " for the selected client".to_owned(),
        (None, _) => String::new(),
    };
    let area = centred(
        screen,
        44,
        u16::try_from(menu.items.len() + 2).unwrap_or(u16::MAX),
    );
    let visible = usize::from(area.height.saturating_sub(2)).max(1);
    let offset = menu.cursor.saturating_sub(visible - 1);
    let lines: Vec<Line<'_>> = menu
        .items
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, kind)| {
            Line::styled(
                format!(" {}", kind.title()),
                row_style(i == menu.cursor, theme),
            )
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(format!(" Update{who} "))
                .title_bottom(" Enter open  Esc close ")
                .border_style(theme.focused_border()),
        ),
        area,
    );
}

/// The open form, over the current view.
pub fn render_form(frame: &mut Frame<'_>, screen: Rect, app: &App, theme: Theme) {
    let Some(form) = app.form() else { return };
    let rows = form.fields.len() * 2 + 5;
    let area = centred(
        screen,
        76,
        u16::try_from(rows)
            .unwrap_or(u16::MAX)
            .min(screen.height.saturating_sub(2)),
    );
    super::form::render(frame, area, form, theme);
}

/// "Unsaved contact for C-1042 from 14:02: restore?"
pub fn render_draft_offer(frame: &mut Frame<'_>, screen: Rect, app: &App, theme: Theme) {
    let Some(offer) = app.draft_offer() else {
        return;
    };
    let area = centred(screen, 64, 5);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(format!(" {}: restore?", safe(&offer.description))),
            Line::from(""),
            Line::styled(" y restore it   n or Esc discard it", theme.key()),
        ])
        .block(
            Block::bordered()
                .title(" Unsaved work ")
                .border_style(theme.focused_border()),
        ),
        area,
    );
}
