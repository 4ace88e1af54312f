//! Draws an open [`Form`] into a given rectangle: one line per field (label, value,
//! and the problem beneath it when there is one), a hint for the focused field, and
//! the discard or confirm question when one is pending. Reads only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::safe;
use super::theme::Theme;
use crate::domain::dates::ACCEPTED;
use crate::form::{DATE_TIME_ACCEPTED, Disagreement, Field, FieldKind, Form, Stage};

/// Width of the label column.
const LABEL_WIDTH: usize = 22;

/// Draws `form` into `area` (cleared first, so it can sit over a list as a popup).
pub fn render(frame: &mut Frame<'_>, area: Rect, form: &Form, theme: Theme) {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focused_border())
        .title(Span::styled(
            format!(" {} ", form.kind.title()),
            theme.title(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // A notice (a refusal, a colleague's newer change) wraps over as many lines as it
    // needs, up to four: it is the one message on the form that must be read whole.
    let notice_lines = form.notice.as_ref().map_or(0, |text| {
        let width = usize::from(inner.width.max(1));
        u16::try_from(text.chars().count().div_ceil(width))
            .unwrap_or(4)
            .clamp(1, 4)
    });
    let [notice, body, hint_area, keys] = Layout::vertical([
        Constraint::Length(notice_lines),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    if let Some(text) = &form.notice {
        frame.render_widget(
            Paragraph::new(Span::styled(safe(text), theme.warning()))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            notice,
        );
    }
    let lines = match &form.stage {
        Stage::Resolve { items, cursor } => disagreement_lines(items, *cursor, theme, body.height),
        _ => field_lines(form, theme, body.height),
    };
    frame.render_widget(Paragraph::new(lines), body);
    let (hint_text, keys_text) = match &form.stage {
        Stage::Editing => (
            form.fields.get(form.focus).map_or("", hint).to_owned(),
            "Tab next  Shift-Tab back  Enter save  Esc cancel".to_owned(),
        ),
        Stage::ConfirmDiscard => (
            "Discard your changes?".to_owned(),
            "y discard  any other key: keep editing".to_owned(),
        ),
        Stage::Confirm { message, .. } => (safe(message), "Left/Right choose  Enter".to_owned()),
        Stage::Resolve { .. } => (
            "Each field: keep their value or yours.".to_owned(),
            "Up/Down field  t theirs  y yours  Enter save  Esc back".to_owned(),
        ),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(hint_text, theme.dim())),
        hint_area,
    );
    let keys_line = match &form.stage {
        Stage::Confirm {
            confirm_selected, ..
        } => {
            let button = |label, on: bool| {
                let style = if on { theme.selected() } else { theme.dim() };
                Span::styled(format!("[ {label} ]"), style)
            };
            Line::from(vec![
                button("Cancel", !confirm_selected),
                Span::raw("  "),
                button("Confirm", *confirm_selected),
            ])
        }
        _ => Line::styled(keys_text, theme.key()),
    };
    frame.render_widget(Paragraph::new(keys_line), keys);
}

/// The field lines that fit in `height`, scrolled so the focused field shows.
fn field_lines(form: &Form, theme: Theme, height: u16) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut focus_line = 0;
    for (index, field) in form.fields.iter().enumerate() {
        let focused = index == form.focus && form.stage == Stage::Editing;
        if focused {
            focus_line = lines.len();
        }
        let style = if focused {
            theme.selected()
        } else {
            theme.header()
        };
        let value = match field.kind {
            FieldKind::Choice(_) => format!("< {} >", field.display()),
            _ if focused => format!("{}_", field.display()),
            _ => field.display(),
        };
        let mark = if field.required { "*" } else { " " };
        lines.push(Line::from(vec![
            Span::styled(format!("{:>LABEL_WIDTH$}{mark} ", field.label), style),
            Span::raw(safe(&value)),
        ]));
        if let Some(error) = &field.error {
            lines.push(Line::styled(
                format!("{:>LABEL_WIDTH$}  {}", "", safe(error)),
                theme.warning(),
            ));
        }
    }
    let visible = usize::from(height.max(1));
    let skip = (focus_line + 2).saturating_sub(visible);
    lines.into_iter().skip(skip).take(visible).collect()
}

/// Each disputed field on two lines, theirs (with who and when) and yours, the
/// chosen one marked; scrolled so the cursor shows.
fn disagreement_lines(
    items: &[Disagreement],
    cursor: usize,
    theme: Theme,
    height: u16,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let style = if index == cursor {
            theme.selected()
        } else {
            theme.header()
        };
        let mark = |on: bool| if on { "(x)" } else { "( )" };
        let who = item.conflict.changed_by.as_ref().map_or_else(
            || "a colleague".to_owned(),
            |(who, when)| format!("{who}, {when}"),
        );
        lines.push(Line::from(vec![
            Span::styled(format!("{:>LABEL_WIDTH$}  ", item.label), style),
            Span::raw(safe(&format!(
                "{} theirs: {}  ({who})",
                mark(item.keep_theirs == Some(true)),
                item.theirs
            ))),
        ]));
        lines.push(Line::raw(safe(&format!(
            "{:>LABEL_WIDTH$}  {} yours:  {}",
            "",
            mark(item.keep_theirs == Some(false)),
            item.yours
        ))));
    }
    let visible = usize::from(height.max(1));
    let skip = (cursor * 2 + 2).saturating_sub(visible);
    lines.into_iter().skip(skip).take(visible).collect()
}

/// What the focused field accepts.
fn hint(field: &Field) -> &'static str {
    match field.kind {
        FieldKind::Text => "type; Backspace deletes",
        FieldKind::Date { .. } => ACCEPTED,
        FieldKind::DateTime { .. } => DATE_TIME_ACCEPTED,
        FieldKind::Choice(_) => "Space or Left/Right to choose; a letter jumps to it",
        FieldKind::YesNo => "y / n, or Space to switch",
    }
}
