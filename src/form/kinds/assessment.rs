//! Required Assessments and the breaches a missed one raises: booking, the
//! outcome (which may raise a breach), and dealing with the breach.

use super::{Field, FieldKind, Spec, date, note, vocab, when};
use crate::domain::dates::uk;
use crate::domain::model::{AssessmentKind, AssessmentOutcome, BreachStatus, Rag, ReengageHow};
use crate::domain::record::ClientRecord;
use crate::domain::write::Change;
use crate::form::spec::{Menu, Row, Target};

/// Book RA-IA or RA-FU.
pub const BOOK: Spec = Spec {
    title: "book Required Assessment",
    key: "book_assessment",
    legacy_key: "book Required Assessment",
    target: Target::New,
    menu: Menu::Client,
    fields: |_| {
        vec![
            Field::new("kind", "appointment", vocab!(AssessmentKind))
                .required()
                .with("ra_ia"),
            Field::new("at", "when", FieldKind::DateTime { past_only: false }).required(),
        ]
    },
    columns: &[],
    today: None,
    build: |v| {
        Ok(Change::BookAssessment {
            client_id: v.client()?.id,
            kind: v.code("kind", AssessmentKind::from_code)?,
            at: v.need_at("at")?,
        })
    },
    confirm: None,
};

/// The assessment without an outcome, else the newest.
fn awaiting_outcome(record: &ClientRecord) -> Option<i64> {
    record
        .assessments
        .iter()
        .find(|a| a.outcome.is_none())
        .or_else(|| record.assessments.first())
        .map(|a| a.id)
}

/// Attended, rescheduled or failed to attend; a failure is a breach (its RAG, and
/// when: the appointment unless given).
pub const OUTCOME: Spec = Spec {
    title: "Required Assessment outcome",
    key: "assessment_outcome",
    legacy_key: "Required Assessment outcome",
    target: Target::Row(Row {
        table: "required_assessment",
        find: awaiting_outcome,
    }),
    menu: Menu::Client,
    fields: |_| {
        vec![
            Field::new("outcome", "outcome", vocab!(AssessmentOutcome)).required(),
            Field::new("breach", "breach RAG (failed to attend)", vocab!(Rag)),
            Field::new(
                "breach_at",
                "breach at (blank: appointment)",
                FieldKind::DateTime { past_only: true },
            ),
        ]
    },
    columns: &[("outcome", "outcome")],
    today: None,
    build: |v| {
        let outcome = v.code("outcome", AssessmentOutcome::from_code)?;
        let breach = Rag::from_code(v.raw("breach"));
        let breach_at = v.at("breach_at");
        let failed = outcome == AssessmentOutcome::FailedToAttend;
        // The rules of the assessments import, so every outcome saved here exports and
        // imports back: a failed attendance is a breach and needs its RAG; nothing
        // else raises one.
        if failed && breach.is_none() {
            return Err((
                "breach",
                "failing to attend is a breach: choose its RAG (red: arrest within 24 \
                 hours; amber, green: put out for arrest within 7 days, 1 month)"
                    .to_owned(),
            ));
        }
        if !failed && breach.is_some() {
            return Err((
                "breach",
                "a breach is raised only for a failed attendance: clear the RAG, or choose \
                 the outcome failed to attend"
                    .to_owned(),
            ));
        }
        if !failed && breach_at.is_some() {
            return Err((
                "breach_at",
                "a breach is raised only for a failed attendance: clear this time, or \
                 choose the outcome failed to attend"
                    .to_owned(),
            ));
        }
        Ok(Change::AssessmentOutcome {
            assessment: v.row()?,
            outcome,
            breach,
            breach_at,
        })
    },
    confirm: None,
};

/// The outstanding breach.
fn outstanding(record: &ClientRecord) -> Option<i64> {
    record
        .breaches
        .iter()
        .find(|b| b.status == BreachStatus::Outstanding)
        .map(|b| b.id)
}

/// The outstanding breach arrested, withdrawn or resolved, with the date.
pub const BREACH: Spec = Spec {
    title: "breach",
    key: "breach",
    legacy_key: "breach",
    target: Target::Row(Row {
        table: "breach",
        find: outstanding,
    }),
    menu: Menu::Client,
    fields: |context| {
        vec![
            Field::new("status", "status", vocab!(BreachStatus)).required(),
            date("on", "date dealt with", true).with(uk(context.now.date())),
        ]
    },
    columns: &[("status", "status"), ("on", "resolution_date")],
    today: Some("on"),
    build: |v| {
        let status = v.code("status", BreachStatus::from_code)?;
        let date = v.date("on").filter(|_| status != BreachStatus::Outstanding);
        if status != BreachStatus::Outstanding && date.is_none() {
            return Err(("on", "give the date the breach was dealt with".to_owned()));
        }
        Ok(Change::Breach {
            breach: v.row()?,
            status,
            date,
        })
    },
    confirm: Some(|_, _| "Mark this breach resolved?".to_owned()),
};

/// An attempt to re-engage the client after their outstanding breach, in the team's
/// cooling-off period (002): when (after the breach, not in the future) and how.
pub const REENGAGE: Spec = Spec {
    title: "re-engagement tried",
    key: "reengagement",
    legacy_key: "re-engagement tried",
    target: Target::New,
    menu: Menu::Client,
    fields: |context| {
        vec![
            when(context),
            Field::new("how", "how", vocab!(ReengageHow)).required(),
            note("note", "what came of it"),
        ]
    },
    columns: &[],
    today: None,
    build: |v| {
        Ok(Change::Reengagement {
            client_id: v.client()?.id,
            at: v.need_at("at")?,
            how: v.code("how", ReengageHow::from_code)?,
            note: v.text("note"),
        })
    },
    confirm: None,
};
