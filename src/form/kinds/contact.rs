//! Contacts with the client: one logged, or an appointment they did not attend.

use super::{Field, Spec, note, vocab, when};
use crate::domain::model::ContactKind;
use crate::domain::write::Change;
use crate::form::build::Values;
use crate::form::spec::{Menu, Problem, Target};

/// Log a contact.
pub const CONTACT: Spec = Spec {
    title: "contact",
    key: "contact",
    legacy_key: "contact",
    target: Target::New,
    menu: Menu::Client,
    fields: |context| {
        vec![
            Field::new("kind", "kind", vocab!(ContactKind))
                .required()
                .with("face_to_face"),
            when(context),
            note("note", "note"),
        ]
    },
    columns: &[],
    today: None,
    build: |v| contact(v, v.code("kind", ContactKind::from_code)?),
    confirm: None,
};

/// A did-not-attend: a contact of that kind, so it has no kind field.
pub const DID_NOT_ATTEND: Spec = Spec {
    title: "did not attend",
    key: "did_not_attend",
    legacy_key: "did not attend",
    target: Target::New,
    menu: Menu::Client,
    fields: |context| vec![when(context), note("note", "note")],
    columns: &[],
    today: None,
    build: |v| contact(v, ContactKind::DidNotAttend),
    confirm: None,
};

fn contact(v: &Values, kind: ContactKind) -> Result<Change, Problem> {
    Ok(Change::Contact {
        client_id: v.client()?.id,
        at: v.need_at("at")?,
        kind,
        note: v.text("note"),
    })
}
