//! What treatment achieves: positive outcomes, modalities started and ended, and
//! drug tests.

use super::{Field, Spec, on, vocab, yes};
use crate::domain::model::{ModalityKind, OutcomeKind, TestKind, TestResult};
use crate::domain::record::ClientRecord;
use crate::domain::write::Change;
use crate::form::spec::{Menu, Row, Target};

/// A positive outcome of the open episode.
pub const POSITIVE_OUTCOME: Spec = Spec {
    title: "positive outcome",
    key: "positive_outcome",
    legacy_key: "positive outcome",
    target: Target::New,
    menu: Menu::Client,
    fields: |context| {
        vec![
            Field::new("kind", "outcome", vocab!(OutcomeKind)).required(),
            on(context, "date"),
        ]
    },
    columns: &[],
    today: None,
    build: |v| {
        Ok(Change::PositiveOutcome {
            episode_id: v.episode()?.id,
            on: v.on()?,
            kind: v.code("kind", OutcomeKind::from_code)?,
        })
    },
    confirm: None,
};

/// A modality started in the open episode.
pub const START_MODALITY: Spec = Spec {
    title: "modality started",
    key: "start_modality",
    legacy_key: "modality started",
    target: Target::New,
    menu: Menu::Client,
    fields: |context| {
        vec![
            Field::new("kind", "modality", vocab!(ModalityKind)).required(),
            on(context, "start date"),
        ]
    },
    columns: &[],
    today: None,
    build: |v| {
        Ok(Change::StartModality {
            episode_id: v.episode()?.id,
            kind: v.code("kind", ModalityKind::from_code)?,
            on: v.on()?,
        })
    },
    confirm: None,
};

/// The modality not yet ended.
fn running(record: &ClientRecord) -> Option<i64> {
    record
        .modalities
        .iter()
        .find(|m| m.ended_on.is_none())
        .map(|m| m.id)
}

/// The running modality completed or stopped.
pub const END_MODALITY: Spec = Spec {
    title: "modality ended",
    key: "end_modality",
    legacy_key: "modality ended",
    target: Target::Row(Row {
        table: "modality",
        find: running,
    }),
    menu: Menu::Client,
    fields: |context| vec![on(context, "end date"), yes("completed", "completed")],
    columns: &[("on", "ended_on"), ("completed", "completed")],
    today: Some("on"),
    build: |v| {
        Ok(Change::EndModality {
            modality: v.row()?,
            on: v.on()?,
            completed: v.yes("completed"),
        })
    },
    confirm: None,
};

/// A drug test, why it was taken, and its result.
pub const DRUG_TEST: Spec = Spec {
    title: "drug test",
    key: "drug_test",
    legacy_key: "drug test",
    target: Target::New,
    menu: Menu::Client,
    fields: |context| {
        vec![
            Field::new("kind", "reason", vocab!(TestKind)).required(),
            Field::new("result", "result", vocab!(TestResult)).required(),
            on(context, "date"),
        ]
    },
    columns: &[],
    today: None,
    build: |v| {
        Ok(Change::DrugTest {
            client_id: v.client()?.id,
            on: v.on()?,
            kind: v.code("kind", TestKind::from_code)?,
            result: v.code("result", TestResult::from_code)?,
        })
    },
    confirm: None,
};
