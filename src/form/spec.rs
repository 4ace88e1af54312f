//! What defines a kind of form, as one value per kind ([`Spec`]): its title and draft
//! keys, the row it edits and how that row is found, where the menu offers it, its
//! fields and which column of the row each one shows, and how the checked form
//! becomes a [`Change`]. The values live in `kinds/`, one file per family of forms.

use chrono::NaiveDate;

use super::build::Values;
use super::{Field, FieldKind, Form, FormContext, FormKind};
use crate::domain::dates::uk;
use crate::domain::record::ClientRecord;
use crate::domain::write::{Change, RowBase, Value};

/// A failed cross-field rule: the field key to mark (or `""`) and the sentence.
pub type Problem = (&'static str, String);

/// One kind of form, complete: everything the app, the store read and the save need
/// to know about it. Adding a form is one `Spec` value plus one line in the registry
/// (`kinds/mod.rs`).
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Title shown on the form and in the menu; may change freely.
    pub title: &'static str,
    /// Stable name drafts are stored under; never changes when the title does.
    pub key: &'static str,
    /// The name drafts were stored under before `key` existed (the title then):
    /// frozen, so those drafts stay loadable whatever the title becomes.
    pub legacy_key: &'static str,
    /// The row it edits.
    pub target: Target,
    /// Where the menu offers it.
    pub menu: Menu,
    /// The fields in order, with their checks and defaults (before the record's
    /// values are filled in from `columns`).
    pub fields: fn(&FormContext) -> Vec<Field>,
    /// (field key, column) pairs of the edited row: those fields start from the
    /// record, and a save merges them column by column.
    pub columns: &'static [(&'static str, &'static str)],
    /// The date field that opens at today where the record has none (the day the
    /// thing happened); saving it so counts as the user's change.
    pub today: Option<&'static str>,
    /// The change the checked form makes, or the cross-field rule it breaks.
    pub build: fn(&Values) -> Result<Change, Problem>,
    /// The question asked before a destructive change, when it is more than "Save
    /// this <title>?".
    pub confirm: Option<fn(&Form, &Change) -> String>,
}

/// The row a form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// None: the form records something new.
    New,
    /// The client row.
    Client,
    /// The client's open episode.
    Episode,
    /// A row of another table of the client's record.
    Row(Row),
    /// One or more client rows (the marked clients, or the one selected).
    Clients,
}

/// A row of a client's record that a form edits, other than the client or episode.
#[derive(Debug, Clone, Copy, Eq)]
pub struct Row {
    /// Its table.
    pub table: &'static str,
    /// Which row of the record the form edits (the outstanding breach, the custody
    /// not yet released...), or `None` where there is none to edit.
    pub find: fn(&ClientRecord) -> Option<i64>,
}

/// Two row targets are the same when they edit the same table: `find` says which
/// row, and function pointers have no meaningful equality.
impl PartialEq for Row {
    fn eq(&self, other: &Self) -> bool {
        self.table == other.table
    }
}

impl Target {
    /// The table of the edited row(s), if any.
    #[must_use]
    pub const fn table(self) -> Option<&'static str> {
        match self {
            Self::New => None,
            Self::Client | Self::Clients => Some("client"),
            Self::Episode => Some("episode"),
            Self::Row(row) => Some(row.table),
        }
    }
}

/// Where the menu of updates (`u`) offers a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    /// With a client selected; the form is about that client.
    Client,
    /// Always; the form is not about one client (so it opens on none).
    Always,
    /// With a client selected, or with clients marked in the caseload (the marked
    /// ones are changed together).
    ClientOrMarked,
}

impl Spec {
    /// The fields of this form on `context`, each column's field starting from the
    /// record's value (for several rows, only a value they all share).
    #[must_use]
    pub fn open_fields(&self, context: &FormContext) -> Vec<Field> {
        let mut fields = (self.fields)(context);
        let bases: Vec<&RowBase> = context
            .bases
            .iter()
            .filter(|b| Some(b.table) == self.target.table())
            .collect();
        for (key, column) in self.columns {
            let Some(field) = fields.iter_mut().find(|f| f.key == *key) else {
                continue;
            };
            let mut values = bases.iter().filter_map(|b| b.get(column));
            if let Some(first) = values.next() {
                if values.all(|v| v == first) {
                    field.value = field_text(&field.kind, first);
                }
            }
        }
        fields
    }

    /// The key of the field that shows `column` of the edited row, if one does.
    #[must_use]
    pub fn key_of(&self, column: &str) -> Option<&'static str> {
        self.columns
            .iter()
            .find(|(_, c)| *c == column)
            .map(|(key, _)| *key)
    }
}

impl FormKind {
    /// Title shown on the form.
    #[must_use]
    pub const fn title(self) -> &'static str {
        self.spec().title
    }

    /// The stable name its drafts are stored under (never the label).
    #[must_use]
    pub const fn draft_key(self) -> &'static str {
        self.spec().key
    }

    /// What a save that found nothing to change tells the user.
    #[must_use]
    pub fn nothing_changed(self) -> String {
        format!(
            "Nothing changed: the {} is as it was, so nothing was saved.",
            self.title()
        )
    }

    /// The form a draft stored under `name` belongs to: its draft key, or the name
    /// drafts were stored under before draft keys existed.
    #[must_use]
    pub fn from_draft_key(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.spec().key == name || k.spec().legacy_key == name)
    }

    /// Of this kind's draft names, the one equal to `name` (for discarding a draft
    /// stored under the older name).
    #[must_use]
    pub fn stored_name(self, name: &str) -> &'static str {
        let spec = self.spec();
        if spec.legacy_key == name {
            spec.legacy_key
        } else {
            spec.key
        }
    }
}

/// A stored column value as the text a field of `kind` holds (dates as dd/mm/yyyy,
/// flags as yes/no, codes and numbers as they are, nothing as empty).
#[must_use]
pub fn field_text(kind: &FieldKind, value: &Value) -> String {
    match (kind, value) {
        (FieldKind::YesNo, Value::Integer(on)) => if *on == 0 { "no" } else { "yes" }.to_owned(),
        (FieldKind::YesNo, _) => "no".to_owned(),
        (_, Value::Null) => String::new(),
        (_, Value::Integer(i)) => i.to_string(),
        (_, Value::Real(r)) => r.to_string(),
        (FieldKind::Date { .. }, Value::Text(text)) => {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_or_else(|_| text.clone(), uk)
        }
        (_, Value::Text(text)) => text.clone(),
    }
}
