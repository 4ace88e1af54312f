//! The daily duties' rows, checked by the rules of their forms: a custody with its
//! hand-over, a re-engagement attempt, a court review.

use crate::domain::dates::uk;
use crate::domain::roles::Operation;
use crate::store::{ImportedCustody, ImportedReengagement, ImportedReview, format_timestamp};

use super::super::import::Prepared;
use super::super::parse::{CourtReviewRow, CustodyRow, ReengagementRow};
use super::Context;

impl Context {
    /// A custody: received and released on days not after today, released not before
    /// the reception, the earliest release not after the expected one, the hand-over
    /// made on a day from the reception to today; once per client and reception day
    /// in the file; an edit of the client's record.
    pub(super) fn custody(&mut self, line: u64, c: CustodyRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &c.client)?;
        let key = format!("custody|{client_id}|{}", c.reception_date);
        let earliest_ok = match (c.earliest_release_date, c.expected_release_date) {
            (Some(earliest), Some(expected)) if earliest > expected => {
                self.problem(line, "earliest_release_date", format!(
                    "{} is after the expected release date ({}): the earliest release cannot be later",
                    uk(earliest), uk(expected)));
                false
            }
            _ => true,
        };
        let h = &c.handover;
        let ok = [
            self.once(line, "reception_date", key),
            self.past(line, "reception_date", Some(c.reception_date)),
            self.past(line, "actual_release_date", c.actual_release_date),
            self.not_before(
                line,
                "actual_release_date",
                c.actual_release_date,
                Some(c.reception_date),
                "reception date",
            ),
            earliest_ok,
            self.past(line, "handover_on", h.handover_on),
            self.not_before(
                line,
                "handover_on",
                h.handover_on,
                Some(c.reception_date),
                "reception date",
            ),
            self.allowed(line, "client_reference", Operation::EditClient, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({
            "line": line, "client_id": client_id, "prison": c.prison,
            "reception_date": c.reception_date.to_string(),
            "reception_kind": h.reception_kind.map(crate::domain::model::ReceptionKind::code),
            "handover_with": h.handover_with, "handover_on": h.handover_on.map(|d| d.to_string()),
            "prescribing_confirmed": h.prescribing_confirmed,
            "consent_confirmed": h.consent_confirmed, "dan_advised": h.dan_advised,
        });
        Some(Prepared::Custody(
            Box::new(ImportedCustody {
                client_id,
                prison: c.prison,
                reception_date: c.reception_date,
                expected_release_date: c.expected_release_date,
                earliest_release_date: c.earliest_release_date,
                release_type: c.release_type,
                actual_release_date: c.actual_release_date,
                reception_kind: h.reception_kind,
                handover_with: h.handover_with.clone(),
                handover_on: h.handover_on,
                prescribing: h.prescribing_confirmed,
                consent: h.consent_confirmed,
                dan_advised: h.dan_advised,
            }),
            audit.to_string(),
        ))
    }

    /// A re-engagement attempt: made on a day not after today; once per breach,
    /// time and how in the file; recorded as a contact is (its breach, and that it
    /// follows it, are checked in the write).
    pub(super) fn reengagement(&mut self, line: u64, r: ReengagementRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &r.client)?;
        let raised = format_timestamp(r.raised_at);
        let at = format_timestamp(r.attempted_at);
        let key = format!("reengagement|{client_id}|{raised}|{at}|{}", r.how.code());
        let ok = [
            self.once(line, "attempted_at", key),
            self.past(line, "attempted_at", Some(r.attempted_at.date())),
            self.allowed(line, "client_reference", Operation::RecordContact, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({
            "line": line, "client_id": client_id, "raised_at": raised, "attempted_at": at,
            "how": r.how.code(), "note": r.note,
        });
        Some(Prepared::Reengagement(
            ImportedReengagement {
                client_id,
                raised_at: r.raised_at,
                attempted_at: r.attempted_at,
                how: r.how,
                note: r.note,
            },
            audit.to_string(),
        ))
    }

    /// A court review: a report sent only for a review not after today; once per
    /// order and review day in the file; an edit of the client's record (its order,
    /// and that the review is not before it, are checked in the write).
    pub(super) fn court_review(&mut self, line: u64, r: &CourtReviewRow) -> Option<Prepared> {
        let (client_id, scope) = self.client(line, &r.client)?;
        let key = format!(
            "review|{client_id}|{}|{}|{}",
            r.order_kind.code(),
            r.order_start_date,
            r.review_on
        );
        let sent_ok = if r.report_sent == Some(true) && r.review_on > self.rules.today {
            self.problem(
                line,
                "report_sent",
                format!(
                    "the review is on {}, after today ({}): a progress report is sent for a \
                     review that has come; leave report_sent blank or no",
                    uk(r.review_on),
                    uk(self.rules.today)
                ),
            );
            false
        } else {
            true
        };
        let ok = [
            self.once(line, "review_on", key),
            self.past(line, "order_start_date", Some(r.order_start_date)),
            sent_ok,
            self.allowed(line, "client_reference", Operation::EditClient, scope),
        ];
        if ok.contains(&false) {
            return None;
        }
        let audit = serde_json::json!({
            "line": line, "client_id": client_id, "order_kind": r.order_kind.code(),
            "order_start_date": r.order_start_date.to_string(),
            "review_on": r.review_on.to_string(), "report_sent": r.report_sent,
        });
        Some(Prepared::CourtReview(
            ImportedReview {
                client_id,
                order_kind: r.order_kind,
                order_start: r.order_start_date,
                review_on: r.review_on,
                report_sent: r.report_sent,
            },
            audit.to_string(),
        ))
    }
}
