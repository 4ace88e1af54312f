//! A court order or licence row, checked by the rules of its forms.

use crate::domain::roles::Operation;
use crate::domain::write::{NewOrder, OrderTerms};

use super::super::import::Prepared;
use super::super::parse::OrderRow;
use super::Context;

impl Context {
    /// A court order or licence, by the rules of its forms: started and ended on days
    /// not after today, ending after it starts, an early end between the start and
    /// the end, a late end after the end, ended not before it started; once per
    /// client, kind and start in the file; an edit of the client's record.
    pub(super) fn order(&mut self, line: u64, o: &OrderRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &o.client)?;
        let key = format!("order|{client_id}|{}|{}", o.kind.code(), o.start_date);
        let terms = OrderTerms {
            kind: o.kind,
            court: o.court.trim().to_owned(),
            start_date: o.start_date,
            end_date: o.end_date,
            early_end_date: o.early_end_date,
            late_end_date: o.late_end_date,
        };
        let dates_ok = match terms.date_problem() {
            Some((field, why)) => {
                let column = match field {
                    "early_end" => "early_end_date",
                    "late_end" => "late_end_date",
                    _ => "end_date",
                };
                self.problem(line, column, format!("{why}: correct the date"));
                false
            }
            None => true,
        };
        let ok = [
            dates_ok,
            self.once(line, "start_date", key),
            self.past(line, "start_date", Some(o.start_date)),
            self.past(line, "ended_on", o.ended_on),
            self.not_before(
                line,
                "ended_on",
                o.ended_on,
                Some(o.start_date),
                "start date",
            ),
            self.allowed(line, "client_reference", Operation::EditClient, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({
            "line": line, "client_id": client_id, "kind": o.kind.code(), "court": terms.court,
            "start_date": o.start_date.to_string(), "end_date": o.end_date.to_string(),
            "early_end_date": o.early_end_date.map(|d| d.to_string()),
            "late_end_date": o.late_end_date.map(|d| d.to_string()),
            "ended_on": o.ended_on.map(|d| d.to_string()),
        });
        Some(Prepared::Order(
            NewOrder {
                client_id,
                terms,
                ended_on: o.ended_on,
            },
            audit.to_string(),
        ))
    }
}
