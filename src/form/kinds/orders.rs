//! Court orders and licences (003): the order made, with every date it may end on;
//! its terms or its end changed; its court reviews and their progress reports; and
//! the aftercare episode's link to the order it follows.

use super::{Field, FieldKind, Spec, date, name, vocab, yes};
use crate::domain::model::OrderKind;
use crate::domain::record::ClientRecord;
use crate::domain::write::{Change, EpisodeEdit, OrderTerms};
use crate::form::Values;
use crate::form::spec::{Menu, Problem, Row, Target};

/// The order or licence in force: what the order and review forms edit.
const IN_FORCE: Target = Target::Row(Row {
    table: "court_order",
    find: in_force,
});

fn in_force(record: &ClientRecord) -> Option<i64> {
    record
        .orders
        .iter()
        .find(|o| o.ended_on.is_none())
        .map(|o| o.id)
}

/// The earliest review of the order in force whose progress report has not gone.
fn unreported(record: &ClientRecord) -> Option<i64> {
    record
        .orders
        .iter()
        .find(|o| o.ended_on.is_none())?
        .reviews
        .iter()
        .find(|r| !r.report_sent)
        .map(|r| r.id)
}

/// The fields of an order's terms.
fn terms_fields() -> Vec<Field> {
    vec![
        Field::new("kind", "order or licence", vocab!(OrderKind)).required(),
        name("court", "court").required(),
        date("start", "start date", true).required(),
        date("end", "ends on (as made)", false).required(),
        date("early_end", "may end early on", false),
        date("late_end", "may end late on", false),
    ]
}

/// The (field, column) pairs of an order's terms.
const TERMS_COLUMNS: [(&str, &str); 6] = [
    ("kind", "kind"),
    ("court", "court"),
    ("start", "start_date"),
    ("end", "end_date"),
    ("early_end", "early_end_date"),
    ("late_end", "late_end_date"),
];

/// The terms the form holds, or the field whose date cannot be.
fn terms(v: &Values) -> Result<OrderTerms, Problem> {
    let terms = OrderTerms {
        kind: v.code("kind", OrderKind::from_code)?,
        court: v.text("court"),
        start_date: v.need_date("start")?,
        end_date: v.need_date("end")?,
        early_end_date: v.date("early_end"),
        late_end_date: v.date("late_end"),
    };
    match terms.date_problem() {
        Some((key, why)) => Err((key, why.to_owned())),
        None => Ok(terms),
    }
}

/// A court order or licence made: kind, court, start and every potential end.
pub const ADD_ORDER: Spec = Spec {
    title: "court order or licence",
    key: "add_order",
    legacy_key: "add_order",
    target: Target::New,
    menu: Menu::Client,
    fields: |_| terms_fields(),
    columns: &[],
    today: None,
    build: |v| {
        Ok(Change::AddOrder {
            client_id: v.client()?.id,
            terms: terms(v)?,
        })
    },
    confirm: None,
};

/// The order in force: its terms, or the day it ended.
pub const ORDER: Spec = Spec {
    title: "court order: dates and end",
    key: "order",
    legacy_key: "order",
    target: IN_FORCE,
    menu: Menu::Client,
    fields: |_| {
        let mut fields = terms_fields();
        fields.push(date("ended", "ended on (blank: in force)", true));
        fields
    },
    columns: &[
        TERMS_COLUMNS[0],
        TERMS_COLUMNS[1],
        TERMS_COLUMNS[2],
        TERMS_COLUMNS[3],
        TERMS_COLUMNS[4],
        TERMS_COLUMNS[5],
        ("ended", "ended_on"),
    ],
    today: None,
    build: |v| {
        let terms = terms(v)?;
        let ended_on = v.date("ended");
        if ended_on.is_some_and(|d| d < terms.start_date) {
            return Err(("ended", "it cannot end before it started".to_owned()));
        }
        Ok(Change::Order {
            order: v.row()?,
            terms,
            ended_on,
        })
    },
    confirm: None,
};

/// A court review of the order in force.
pub const ADD_REVIEW: Spec = Spec {
    title: "court review",
    key: "add_review",
    legacy_key: "add_review",
    target: Target::New,
    menu: Menu::Client,
    fields: |_| vec![date("on", "review date", false).required()],
    columns: &[],
    today: None,
    build: |v| {
        Ok(Change::AddReview {
            client_id: v.client()?.id,
            on: v.on()?,
        })
    },
    confirm: None,
};

/// The earliest review whose progress report has not gone: its date, and the report.
pub const REPORT: Spec = Spec {
    title: "court review: progress report",
    key: "court_review",
    legacy_key: "court_review",
    target: Target::Row(Row {
        table: "court_review",
        find: unreported,
    }),
    menu: Menu::Client,
    fields: |_| {
        vec![
            date("on", "review date", false).required(),
            yes("sent", "progress report sent"),
        ]
    },
    columns: &[("on", "review_on"), ("sent", "report_sent")],
    today: None,
    build: |v| {
        Ok(Change::CourtReview {
            review: v.row()?,
            on: v.on()?,
            report_sent: v.yes("sent"),
        })
    },
    confirm: None,
};

/// The open episode as the aftercare of one of the client's orders (none: not).
pub const AFTERCARE: Spec = Spec {
    title: "aftercare of a court order",
    key: "aftercare",
    legacy_key: "aftercare",
    target: Target::Episode,
    menu: Menu::Client,
    fields: |context| {
        vec![Field::new(
            "order",
            "follows the order",
            FieldKind::Choice(
                context
                    .orders
                    .iter()
                    .map(|(id, title)| (id.to_string(), title.clone()))
                    .collect(),
            ),
        )]
    },
    columns: &[("order", "follows_order_id")],
    today: None,
    build: |v| {
        let order = v.raw("order").parse::<i64>().ok();
        v.episode_edit(EpisodeEdit::FollowsOrder(order))
    },
    confirm: None,
};
