//! Today: the ranked queue of what needs doing, and the breakdown of a score.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table};

use super::theme::Theme;
use super::{empty, list_block, row_style, safe, window};
use crate::app::{App, View};
use crate::domain::model::Rag;
use crate::domain::triage::{Item, Kind};

/// A short tag for the kind, so the queue can be scanned without colour.
fn tag(kind: Kind) -> (&'static str, Option<Rag>) {
    match kind {
        Kind::Breach(rag) => (
            match rag {
                Rag::Red => "R BR",
                Rag::Amber => "A BR",
                Rag::Green => "G BR",
            },
            Some(rag),
        ),
        Kind::Release => ("REL", Some(Rag::Amber)),
        Kind::Handover => ("HND", Some(Rag::Amber)),
        Kind::CourtReview => ("CRT", None),
        Kind::OrderEnd => ("ORD", None),
        Kind::Benchmark => ("13W", None),
        Kind::NoContact => ("CON", None),
        Kind::Review => ("REV", None),
        Kind::Referral => ("REF", None),
        Kind::Consent => ("CNS", None),
    }
}

/// Name and reference of the item's client, from the caseload snapshot.
fn who(app: &App, item: &Item) -> (String, String, String) {
    app.data()
        .row_of_client(item.client_id)
        .map(|r| {
            (
                super::client_name(app, r.display_name()),
                safe(r.reference()),
                safe(app.data().coordinator(r)),
            )
        })
        .unwrap_or_default()
}

/// Draws the queue into `area`, building only the visible rows.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let items = &app.data().today;
    let cursor = window(
        app.cursor_of(View::Today),
        usize::from(area.height.saturating_sub(3)).max(1),
    );
    let title = if app.data().partial.is_some() {
        format!(
            " Today: the first {} things to do ({}), reading the rest ",
            items.len(),
            app.scope().label()
        )
    } else {
        format!(
            " Today: {} things to do ({}) ",
            items.len(),
            app.scope().label()
        )
    };
    let block = list_block(title, cursor, items.len(), theme);
    if items.is_empty() {
        let text = if app.scope() == crate::app::Scope::Everything {
            "Nothing needs doing. New referrals: N."
        } else {
            "Nothing needs doing in this scope. Press o to widen the scope."
        };
        empty(frame, area, block, text, theme);
        return;
    }
    let wide = area.width >= 110;
    let with_reference = area.width >= 100;
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let rows = items
        .iter()
        .enumerate()
        .skip(cursor.offset)
        .take(visible)
        .map(|(i, item)| {
            let (name, reference, coordinator) = who(app, item);
            let (tag, rag) = tag(item.kind());
            let tag_style = rag.map_or(theme.dim(), |r| theme.rag(r));
            let mut cells = vec![
                Line::from(format!("{:>5.0}", item.score())),
                Line::styled(tag, tag_style),
                Line::from(name),
            ];
            if with_reference {
                cells.push(Line::from(reference));
            }
            cells.push(Line::from(item.detail.reason(app.now())));
            if wide {
                cells.push(Line::from(coordinator));
            }
            Row::new(cells).style(row_style(i == cursor.selected, theme))
        });
    let mut widths = vec![
        Constraint::Length(5),
        Constraint::Length(4),
        Constraint::Length(18),
    ];
    let mut header = vec!["Score", "Kind", "Client"];
    if with_reference {
        widths.push(Constraint::Length(7));
        header.push("Ref");
    }
    widths.push(Constraint::Fill(1));
    header.push("What needs doing");
    if wide {
        widths.push(Constraint::Length(if area.width >= super::WIDE_FROM {
            super::fitted_width(app.data().workers.iter().map(|w| w.name.as_str()), 16, 28)
        } else {
            16
        }));
        header.push("Co-ordinator");
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header()))
        .block(block);
    frame.render_widget(table, area);
}

/// The score breakdown of the selected item, as a popup over `screen`.
pub fn render_explain(frame: &mut Frame<'_>, screen: Rect, app: &App, theme: Theme) {
    let Some(item) = app.data().today.get(app.cursor_of(View::Today).selected) else {
        return;
    };
    let (name, reference, _) = who(app, item);
    let mut lines = vec![
        Line::styled(format!(" {name} ({reference})"), theme.title()),
        Line::from(format!(" {}", item.detail.reason(app.now()))),
        Line::from(""),
    ];
    for term in item.detail.terms(app.now(), &app.rules().triage) {
        lines.push(Line::from(vec![
            Span::raw(format!(" {:>6.1} x {:<6.2}", term.coefficient, term.factor)),
            Span::styled(format!(" = {:>6.1}  ", term.value()), theme.key()),
            Span::raw(term.label),
        ]));
    }
    lines.push(Line::from(format!(" score {:>20.1}", item.score())));
    lines.push(Line::from(""));
    lines.push(Line::styled(
        " Coefficients: [triage] in the config file. Esc closes.",
        theme.dim(),
    ));
    let area = super::centred(
        screen,
        64,
        u16::try_from(lines.len() + 2).unwrap_or(u16::MAX),
    );
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Why this ranks here ")
                .border_style(theme.focused_border()),
        ),
        area,
    );
}
