//! Team work beyond one record: reassigning clients (one, or all those marked)
//! and the outreach tally, which is about no client.

use super::{Field, FieldKind, Spec, on};
use crate::domain::model::SignpostDestination;
use crate::domain::write::Change;
use crate::form::Form;
use crate::form::spec::{Menu, Target};

fn ids(list: &[(i64, String)]) -> FieldKind {
    FieldKind::Choice(
        list.iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect(),
    )
}

/// Reassign one or more clients to an area and care co-ordinator; a field starts
/// from a value only if every client shares it.
pub const REASSIGN: Spec = Spec {
    title: "reassign",
    key: "reassign",
    legacy_key: "reassign",
    target: Target::Clients,
    menu: Menu::ClientOrMarked,
    fields: |context| {
        vec![
            Field::new("area", "area", ids(&context.areas)).required(),
            Field::new(
                "care_coordinator",
                "care co-ordinator",
                ids(&context.workers),
            ),
        ]
    },
    columns: &[
        ("area", "area_id"),
        ("care_coordinator", "care_coordinator_id"),
    ],
    today: None,
    build: |v| {
        let clients = if v.context().clients.is_empty() {
            vec![v.client()?]
        } else {
            v.context().clients.clone()
        };
        Ok(Change::Reassign {
            clients,
            area_id: v.code("area", |s| s.parse().ok())?,
            care_coordinator_id: v.raw("care_coordinator").parse().ok(),
        })
    },
    confirm: Some(reassign_question),
};

fn reassign_question(form: &Form, change: &Change) -> String {
    let to = |key, list: &[(i64, String)]| {
        list.iter()
            .find(|(id, _)| id.to_string() == form.value(key))
            .map_or_else(|| "nobody".to_owned(), |(_, name)| name.clone())
    };
    format!(
        "Reassign {} client(s) to {} in {}?",
        change.record_count(),
        to("care_coordinator", &form.context.workers),
        to("area", &form.context.areas)
    )
}

/// A brief intervention's outcomes: it signposted nowhere, or to one of the
/// destinations (one letter picks each: b, d, a, h, y). The first code is kept from
/// when signposting was a tally of its own, so older drafts still read.
fn outreach_options() -> FieldKind {
    let mut options = vec![(
        "brief_intervention".to_owned(),
        "brief intervention, not signposted".to_owned(),
    )];
    options.extend(SignpostDestination::ALL.iter().map(|d| {
        (
            d.code().to_owned(),
            format!("{}: signposted there", d.label()),
        )
    }));
    FieldKind::Choice(options)
}

/// Outreach tally: a brief intervention with someone not on the caseload, and its
/// outcome (signposted to a specialist service, or not).
pub const OUTREACH: Spec = Spec {
    title: "outreach",
    key: "outreach",
    legacy_key: "outreach",
    target: Target::New,
    menu: Menu::Always,
    fields: |context| {
        vec![
            Field::new("what", "what", outreach_options()).required(),
            on(context, "date"),
        ]
    },
    columns: &[],
    today: None,
    build: |v| {
        Ok(Change::Outreach {
            on: v.on()?,
            signposted_to: SignpostDestination::from_code(v.raw("what")),
        })
    },
    confirm: None,
};
