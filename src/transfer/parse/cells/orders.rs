//! The cells of a court order or licence row.

use crate::domain::model::OrderKind;

use super::super::rows::OrderRow;
use super::{Cells, codes};

impl Cells<'_> {
    /// A court order row: client, kind, court, start and every potential end.
    pub(super) fn order(&mut self) -> OrderRow {
        OrderRow {
            client: self.required("client_reference"),
            kind: self.required_code(
                "kind",
                OrderKind::from_code,
                &codes(OrderKind::ALL, OrderKind::code),
                OrderKind::CommunityOrder,
            ),
            court: self.required("court"),
            start_date: self.required_date("start_date"),
            end_date: self.required_date("end_date"),
            early_end_date: self.date("early_end_date"),
            late_end_date: self.date("late_end_date"),
            ended_on: self.date("ended_on"),
        }
    }
}
