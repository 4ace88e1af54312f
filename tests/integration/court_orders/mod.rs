//! Court orders and licences (issue 15 section 2): the schema step, the rules of
//! their Today reasons, the forms, the record, the aftercare link and the import.

mod forms;
mod import;
mod rules;
mod upgrade;

use caseload::domain::model::OrderKind;
use caseload::domain::write::OrderTerms;
use caseload::form::FormKind;
use caseload::store::Change;

use crate::common::date;

/// A community order made at Newport Magistrates' on 01/09/2026, ending 31/08/2027.
pub(crate) fn community_order(client_id: i64) -> Change {
    Change::AddOrder {
        client_id,
        terms: OrderTerms {
            kind: OrderKind::CommunityOrder,
            court: "Newport Magistrates' Court".to_owned(),
            start_date: date("2026-09-01"),
            end_date: date("2027-08-31"),
            early_end_date: None,
            late_end_date: None,
        },
    }
}

/// The order forms' rows of `merge::edits`: each form that edits the fixture's order,
/// review or episode, a field changed, and the column its audit row names.
pub(crate) fn order_edits() -> Vec<crate::merge::Edit> {
    let one = |kind, key, value: &str, column| (kind, vec![(key, value.to_owned())], vec![column]);
    vec![
        one(FormKind::Order, "late_end", "01/09/2027", "late_end_date"),
        one(FormKind::CourtReport, "sent", "yes", "report_sent"),
        one(FormKind::Aftercare, "order", "1", "follows_order_id"),
    ]
}
