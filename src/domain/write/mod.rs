//! The write vocabulary: what a worker can change ([`Change`], [`StaffChange`]), the
//! new rows an insert takes ([`NewClient`] and friends), the versions a save checks
//! ([`Versioned`], [`RowBase`]) and what comes back ([`Receipt`], [`FieldConflict`]).
//!
//! Plain values with no database types in them: forms and the model build and read
//! these, and only `store` turns them into SQL (converting [`Value`] at its edge).

mod change;
mod new;
mod orders;

use chrono::NaiveDateTime;

use crate::domain::roles::Operation;

pub use change::{Change, ClientEdit, CustodyEdit, EpisodeEdit, ReferralFor, StaffChange};
pub use new::{
    ClientDetails, NewArea, NewBreach, NewClient, NewContact, NewCustody, NewDrugTest, NewEpisode,
    NewModality, NewOutcome, NewOutreach, NewReengagement, NewRequiredAssessment, NewWorker,
};
pub use orders::{NewOrder, OrderTerms};

/// One stored column value, of the four kinds both engines store for caseload (the
/// store's SQL layer takes and gives these, as `store::sql::Value`), so that merges
/// and conflicts can be described without a driver's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value.
    Null,
    /// An integer (also booleans, as 0 and 1).
    Integer(i64),
    /// A floating-point number.
    Real(f64),
    /// Text (also dates, as `YYYY-MM-DD`, and codes).
    Text(String),
}

/// A row as the user read it: its id and the `version` they saw. A save succeeds only
/// if the version is unchanged, so nobody's newer change is overwritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versioned {
    /// Row id.
    pub id: i64,
    /// Version read.
    pub version: i64,
}

/// A row as a form showed it: every column's value, read in one statement with the
/// version. It is the *base* of a three-way merge: a save writes only the columns the
/// user changed from it, and refuses only where a colleague changed the same column
/// to something else since.
#[derive(Debug, Clone, PartialEq)]
pub struct RowBase {
    /// Table of the row.
    pub table: &'static str,
    /// Row id and the version read.
    pub row: Versioned,
    /// Column names and values, as stored.
    pub values: Vec<(String, Value)>,
}

impl RowBase {
    /// The stored value of `column` (`None`: the row has no such column).
    #[must_use]
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.values
            .iter()
            .find(|(name, _)| name == column)
            .map(|(_, value)| value)
    }

    /// Replaces the stored value of `column` (after the user settled a conflict on it).
    pub fn set(&mut self, column: &str, value: Value) {
        if let Some(slot) = self.values.iter_mut().find(|(name, _)| name == column) {
            slot.1 = value;
        }
    }
}

/// One column both the user and a colleague changed, to different values, since the
/// user's form opened: nothing is written until the user picks one.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldConflict {
    /// Table of the row.
    pub entity: &'static str,
    /// Row id.
    pub row_id: i64,
    /// Column.
    pub column: &'static str,
    /// The colleague's value, stored now.
    pub theirs: Value,
    /// The value the user wants.
    pub yours: Value,
    /// Who last changed the column, and when, from the audit log (if known).
    pub changed_by: Option<(String, String)>,
}

/// A column value in words, for messages (`(empty)` for none).
#[must_use]
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "(empty)".to_owned(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => t.clone(),
    }
}

impl std::fmt::Display for FieldConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let column = self.column.replace('_', " ");
        let (theirs, yours) = (value_text(&self.theirs), value_text(&self.yours));
        match &self.changed_by {
            Some((who, when)) => write!(
                f,
                "{column}: {who} set it to {theirs} at {when}; yours is {yours}"
            ),
            None => write!(f, "{column}: someone set it to {theirs}; yours is {yours}"),
        }
    }
}

/// One row a saved change wrote: enough to undo it.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// Table.
    pub table: &'static str,
    /// Row id.
    pub row_id: i64,
    /// The row's version after the write.
    pub version: i64,
    /// The changed fields' earlier values; `None` for a row the change inserted.
    pub before: Option<Vec<(&'static str, Value)>>,
    /// The changed fields' values as written (empty for an inserted row): what undo
    /// expects to find, so it never reverts a field a colleague changed since.
    pub after: Vec<(&'static str, Value)>,
}

/// What a saved change did, in order. Keep the last one to offer undo.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// The role rule the change was allowed under (checked again on undo).
    pub operation: Operation,
    /// Rows written (none when nothing differed from what the form showed).
    pub rows: Vec<Written>,
    /// Fields left with a colleague's value: for a save, those only they changed
    /// since the form opened (of a form editing one row); for an undo, those they
    /// changed after the change being undone.
    pub kept: Vec<FieldConflict>,
}

/// A saved, unfinished form.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// OS login of the person typing.
    pub login: String,
    /// Which form (its kind's stable name).
    pub form: String,
    /// The client the form was about, if any.
    pub client_id: Option<i64>,
    /// The field values, as the form serialises them.
    pub fields: serde_json::Value,
    /// When it was saved.
    pub saved_at: NaiveDateTime,
}
