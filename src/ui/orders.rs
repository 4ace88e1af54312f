//! The client record's court orders and licences: every date each may end on, its
//! court reviews and their progress reports; and the aftercare episode's order.

use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{relative_days, safe};
use crate::app::App;
use crate::domain::record::{ClientRecord, EpisodeRecord, OrderRecord};

fn date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A date with how far it is from today: "01/03/2027 (in 92d)".
fn dated(d: chrono::NaiveDate, app: &App) -> String {
    format!(
        "{} ({})",
        date(d),
        relative_days((d - app.today()).num_days())
    )
}

/// The orders section, newest first: nothing when the client has none.
pub(super) fn order_lines(
    r: &ClientRecord,
    app: &App,
    theme: Theme,
    lines: &mut Vec<Line<'static>>,
) {
    if r.orders.is_empty() {
        return;
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        " Court orders and licences".to_owned(),
        theme.header(),
    ));
    for order in &r.orders {
        one_order(order, app, theme, lines);
    }
}

fn one_order(order: &OrderRecord, app: &App, theme: Theme, lines: &mut Vec<Line<'static>>) {
    let t = &order.terms;
    let state = match order.ended_on {
        Some(ended) => format!("ended {}", date(ended)),
        None => format!("ends {}", dated(t.end_date, app)),
    };
    lines.push(Line::from(format!(
        "   {}, {}: from {}, {state}",
        t.kind.label(),
        safe(&t.court),
        date(t.start_date)
    )));
    if order.ended_on.is_none() {
        let mut ends = Vec::new();
        if let Some(early) = t.early_end_date {
            ends.push(format!("early {}", dated(early, app)));
        }
        if let Some(late) = t.late_end_date {
            ends.push(format!("late {}", dated(late, app)));
        }
        if !ends.is_empty() {
            lines.push(Line::from(format!("     May end {}", ends.join("; "))));
        }
    }
    for review in &order.reviews {
        let report = if review.report_sent {
            Span::raw("progress report sent")
        } else if review.on < app.today() {
            Span::raw("no progress report recorded")
        } else {
            Span::styled("progress report due", theme.header())
        };
        lines.push(Line::from(vec![
            Span::raw(format!("     Court review {}: ", dated(review.on, app))),
            report,
        ]));
    }
}

/// "Aftercare of: DRR (high intensity) from 02/03/2026, Cardiff Crown Court" for an
/// episode linked to an order.
pub(super) fn aftercare_line(e: &EpisodeRecord, r: &ClientRecord) -> Option<Line<'static>> {
    let order = r.orders.iter().find(|o| Some(o.id) == e.follows_order)?;
    Some(Line::from(format!(
        "   Aftercare of: {}",
        safe(&order.title())
    )))
}
