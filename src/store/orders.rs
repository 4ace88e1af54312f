//! Court orders and licences: their rows on the caseload read, on the client record,
//! and their writes (an order made, its terms changed or its end, its reviews), each
//! version-checked and audited like every other write.

use chrono::NaiveDate;

use super::fields::Fields;
use super::read::{code, columns, date_opt};
use super::sql::{self, Row};
use super::{Audited, Store, StoreError, StoreResult, Tx};
use crate::domain::model::OrderKind;
use crate::domain::orders::OrderDates;
use crate::domain::record::{OrderRecord, ReviewRecord};
use crate::domain::roles::ClientScope;
use crate::domain::write::{Change, NewOrder, OrderTerms, Value, Versioned, Written};

columns! {
    /// Where the caseload read put the order in force (all NULL when there is none).
    pub(super) OrderColumns {
        order_kind, ends_as_made, ends_early, ends_late, court_reviews,
    }
}

/// The order in force of a caseload row, with its review dates whose report has not
/// gone (a comma-separated list, sorted here).
pub(super) fn order_dates(r: &Row, at: &OrderColumns) -> sql::Result<Option<Box<OrderDates>>> {
    let Some(kind) = super::read::code_opt::<OrderKind>(r, at.order_kind)? else {
        return Ok(None);
    };
    let mut reviews: Vec<NaiveDate> = r
        .text_at(at.court_reviews)?
        .unwrap_or_default()
        .split(',')
        .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .collect();
    reviews.sort_unstable();
    Ok(Some(Box::new(OrderDates {
        kind,
        end_date: r.get_at(at.ends_as_made)?,
        early_end_date: date_opt(r, at.ends_early)?,
        late_end_date: date_opt(r, at.ends_late)?,
        reviews: reviews.into_boxed_slice(),
    })))
}

fn date_value(date: Option<NaiveDate>) -> Value {
    date.map_or(Value::Null, |d| {
        Value::Text(d.format("%Y-%m-%d").to_string())
    })
}

fn terms_fields(terms: &OrderTerms) -> Fields {
    vec![
        ("kind", Value::Text(terms.kind.code().to_owned())),
        ("court", Value::Text(terms.court.trim().to_owned())),
        ("start_date", date_value(Some(terms.start_date))),
        ("end_date", date_value(Some(terms.end_date))),
        ("early_end_date", date_value(terms.early_end_date)),
        ("late_end_date", date_value(terms.late_end_date)),
    ]
}

/// The row, version and fields of a change to an order or a review.
pub(super) fn edit_of(change: &Change) -> Option<(&'static str, Versioned, Fields)> {
    match change {
        Change::Order {
            order,
            terms,
            ended_on,
        } => {
            let mut fields = terms_fields(terms);
            fields.push(("ended_on", date_value(*ended_on)));
            Some(("court_order", *order, fields))
        }
        Change::CourtReview {
            review,
            on,
            report_sent,
        } => Some((
            "court_review",
            *review,
            vec![
                ("review_on", date_value(Some(*on))),
                ("report_sent", Value::Integer(i64::from(*report_sent))),
            ],
        )),
        _ => None,
    }
}

/// The client flag an order of `kind` is counted under, if any (the DRR, ATR and
/// licence-condition flags of the caseload lists, filters and return).
const fn flag_of(kind: OrderKind) -> Option<&'static str> {
    match kind {
        OrderKind::DrrHigh | OrderKind::DrrLow => Some("drr"),
        OrderKind::Atr => Some("atr"),
        OrderKind::Licence => Some("licence_condition"),
        OrderKind::CommunityOrder | OrderKind::SuspendedSentence => None,
    }
}

impl Store {
    /// The client's court orders and licences, newest first, with their reviews.
    pub(super) fn order_records(&self, client_id: i64) -> StoreResult<Vec<OrderRecord>> {
        let orders = self.conn.query(
            "SELECT id, kind, court, start_date, end_date, early_end_date, late_end_date,
                    ended_on
               FROM court_order WHERE client_id = ?1 ORDER BY start_date DESC, id DESC",
            &[client_id.into()],
        )?;
        orders
            .iter()
            .map(|r| {
                let id = r.get("id")?;
                let reviews = self
                    .conn
                    .query(
                        "SELECT id, review_on, report_sent FROM court_review
                          WHERE court_order_id = ?1 ORDER BY review_on, id",
                        &[Value::Integer(id)],
                    )?
                    .iter()
                    .map(|r| {
                        Ok(ReviewRecord {
                            id: r.get("id")?,
                            on: r.get("review_on")?,
                            report_sent: r.get("report_sent")?,
                        })
                    })
                    .collect::<sql::Result<_>>()?;
                Ok(OrderRecord {
                    id,
                    terms: OrderTerms {
                        kind: code(r, "kind")?,
                        court: r.get("court")?,
                        start_date: r.get("start_date")?,
                        end_date: r.get("end_date")?,
                        early_end_date: r.get("early_end_date")?,
                        late_end_date: r.get("late_end_date")?,
                    },
                    ended_on: r.get("ended_on")?,
                    reviews,
                })
            })
            .collect()
    }
}

impl Tx<'_> {
    /// Inserts an order (and its end, if it has ended) and returns its id.
    ///
    /// # Errors
    /// An SQLite error (a second order in force, or the same order twice).
    pub fn insert_order(&self, o: &NewOrder) -> StoreResult<i64> {
        let t = &o.terms;
        Ok(self
            .tx
            .query_row(
                "INSERT INTO court_order (client_id, kind, court, start_date, end_date,
                                          early_end_date, late_end_date, ended_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                &[
                    o.client_id.into(),
                    t.kind.code().into(),
                    t.court.trim().into(),
                    t.start_date.into(),
                    t.end_date.into(),
                    t.early_end_date.into(),
                    t.late_end_date.into(),
                    o.ended_on.into(),
                ],
            )?
            .get("id")?)
    }

    /// Inserts a court review of order `order_id` and returns its id.
    ///
    /// # Errors
    /// An SQLite error (the same review twice).
    pub fn insert_review(
        &self,
        order_id: i64,
        on: NaiveDate,
        report_sent: bool,
    ) -> StoreResult<i64> {
        Ok(self
            .tx
            .query_row(
                "INSERT INTO court_review (court_order_id, review_on, report_sent)
                 VALUES (?1, ?2, ?3) RETURNING id",
                &[order_id.into(), on.into(), report_sent.into()],
            )?
            .get("id")?)
    }

    /// Records an order made or a review added, for a client `allow` lets the
    /// worker change. An order in force of a flagged kind also sets the client's
    /// flag (audited), so lists, filters and the return count it.
    pub(super) fn record_order(
        &self,
        change: &Change,
        allow: &dyn Fn(ClientScope) -> StoreResult<()>,
    ) -> StoreResult<Vec<Written>> {
        match change {
            Change::AddOrder { client_id, terms } => {
                allow(self.scope_of("client", *client_id)?)?;
                if let Some((_, why)) = terms.date_problem() {
                    return Err(StoreError::Invalid(format!("{why}.")));
                }
                let in_force: bool = self
                    .tx
                    .query_row(
                        "SELECT EXISTS (SELECT 1 FROM court_order
                                         WHERE client_id = ?1 AND ended_on IS NULL) AS in_force",
                        &[(*client_id).into()],
                    )?
                    .get("in_force")?;
                if in_force {
                    return Err(StoreError::Invalid(
                        "this client already has a court order or licence in force: record the day it ended first".to_owned(),
                    ));
                }
                let new = NewOrder {
                    client_id: *client_id,
                    terms: terms.clone(),
                    ended_on: None,
                };
                let mut rows = vec![self.inserted("court_order", self.insert_order(&new))?];
                rows.extend(self.flag_for(*client_id, terms.kind)?);
                Ok(rows)
            }
            Change::AddReview { client_id, on } => {
                allow(self.scope_of("client", *client_id)?)?;
                let order: Option<i64> = self
                    .tx
                    .query_opt(
                        "SELECT id FROM court_order WHERE client_id = ?1 AND ended_on IS NULL",
                        &[(*client_id).into()],
                    )?
                    .map(|r| r.get("id"))
                    .transpose()?;
                let order = order.ok_or_else(|| {
                    StoreError::Invalid(
                        "this client has no court order or licence in force: record the order first".to_owned(),
                    )
                })?;
                Ok(vec![self.inserted(
                    "court_review",
                    self.insert_review(order, *on, false),
                )?])
            }
            other => Err(StoreError::Invalid(format!(
                "{:?} is not a court order or review",
                other.operation()
            ))),
        }
    }

    /// Sets the client's flag for an order of `kind`, if it has one and it is not set.
    pub(super) fn flag_for(&self, client_id: i64, kind: OrderKind) -> StoreResult<Option<Written>> {
        let Some(flag) = flag_of(kind) else {
            return Ok(None);
        };
        let version: i64 = self
            .tx
            .query_row(
                "SELECT version FROM client WHERE id = ?1",
                &[client_id.into()],
            )?
            .get("version")?;
        let row = Versioned {
            id: client_id,
            version,
        };
        Ok(self
            .merge_row(
                "client",
                row,
                None,
                &[(flag, Value::Integer(1))],
                Audited::Update,
                false,
            )?
            .0)
    }

    /// Refuses an aftercare link to an order of another client.
    pub(super) fn check_order_link(&self, change: &Change) -> StoreResult<()> {
        let Change::Episode(episode, crate::domain::write::EpisodeEdit::FollowsOrder(Some(order))) =
            change
        else {
            return Ok(());
        };
        let same: Option<bool> = self
            .tx
            .query_opt(
                "SELECT o.client_id = e.client_id AS same FROM court_order o, episode e
                  WHERE o.id = ?1 AND e.id = ?2",
                &[(*order).into(), episode.id.into()],
            )?
            .map(|row| row.get("same"))
            .transpose()?;
        if same == Some(true) {
            Ok(())
        } else {
            Err(StoreError::Invalid(
                "an episode can only be the aftercare of one of its own client's court orders: choose one from the list".to_owned(),
            ))
        }
    }
}
