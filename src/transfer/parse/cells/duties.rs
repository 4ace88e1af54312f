//! The cells of the daily duties' rows: a custody row (with its hand-over), a
//! re-engagement attempt, a court review.

use crate::domain::handover::PRISON_NOT_KNOWN;
use crate::domain::model::{OrderKind, ReceptionKind, ReengageHow, ReleaseType};

use super::super::duty_rows::{CourtReviewRow, HandoverCells, ReengagementRow};
use super::super::rows::CustodyRow;
use super::{Cells, codes};

impl Cells<'_> {
    /// A custody row: a blank prison is "not known yet" (the hand-over's first step
    /// is finding out); who was contacted and when go together, as on the form.
    pub(super) fn custody(&mut self) -> CustodyRow {
        let handover_with = self.get("handover_with");
        let handover_on = self.date("handover_on");
        if handover_with.is_some() != handover_on.is_some() {
            self.problem(
                if handover_with.is_some() {
                    "handover_on"
                } else {
                    "handover_with"
                },
                "handover_with and handover_on go together (who at CARATS or the prison drug \
                 team was contacted, and when): give both or neither"
                    .to_owned(),
            );
        }
        CustodyRow {
            client: self.required("client_reference"),
            prison: self
                .get("prison")
                .unwrap_or_else(|| PRISON_NOT_KNOWN.to_owned()),
            reception_date: self.required_date("reception_date"),
            expected_release_date: self.date("expected_release_date"),
            earliest_release_date: self.date("earliest_release_date"),
            release_type: self.code(
                "release_type",
                ReleaseType::from_code,
                &codes(ReleaseType::ALL, ReleaseType::code),
            ),
            actual_release_date: self.date("actual_release_date"),
            handover: HandoverCells {
                reception_kind: self.code(
                    "reception_kind",
                    ReceptionKind::from_code,
                    &codes(ReceptionKind::ALL, ReceptionKind::code),
                ),
                handover_with,
                handover_on,
                prescribing_confirmed: self.yes_no("prescribing_confirmed"),
                consent_confirmed: self.yes_no("consent_confirmed"),
                dan_advised: self.yes_no("dan_advised"),
            },
        }
    }

    /// An attempt to re-engage a client after the breach raised at `raised_at`.
    pub(super) fn reengagement(&mut self) -> ReengagementRow {
        ReengagementRow {
            client: self.required("client_reference"),
            raised_at: self.date_time("raised_at"),
            attempted_at: self.date_time("attempted_at"),
            how: self.required_code(
                "how",
                ReengageHow::from_code,
                &codes(ReengageHow::ALL, ReengageHow::code),
                ReengageHow::Other,
            ),
            note: self.get("note").unwrap_or_default(),
        }
    }

    /// A court review of the order of `order_kind` that started on `order_start_date`.
    pub(super) fn court_review(&mut self) -> CourtReviewRow {
        CourtReviewRow {
            client: self.required("client_reference"),
            order_kind: self.required_code(
                "order_kind",
                OrderKind::from_code,
                &codes(OrderKind::ALL, OrderKind::code),
                OrderKind::CommunityOrder,
            ),
            order_start_date: self.required_date("order_start_date"),
            review_on: self.required_date("review_on"),
            report_sent: self.yes_no("report_sent"),
        }
    }
}
