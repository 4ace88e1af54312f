//! A save that met a colleague's change to the same fields: the fields in dispute
//! side by side, the user's choice per field (theirs or yours), and the form
//! settled on those choices before it is saved again.

use chrono::NaiveDateTime;
use crossterm::event::{KeyCode, KeyEvent};

use super::{Field, Form, Outcome, Stage, spec};
use crate::domain::write::FieldConflict;

/// A field both the user and a colleague changed, to different values, since the
/// form opened: the user picks whose value stays before anything is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    /// Label of the field (the column's name when no field shows it).
    pub label: String,
    /// The column, both values and who changed it.
    pub conflict: FieldConflict,
    /// Their value as the field shows it.
    pub theirs: String,
    /// Your value as the field shows it.
    pub yours: String,
    /// `Some(true)`: keep theirs; `Some(false)`: keep yours; `None`: not chosen yet.
    pub keep_theirs: Option<bool>,
}

impl Form {
    /// Puts the fields both the user and a colleague changed since the form opened
    /// side by side, for the user to choose per field; nothing is written meanwhile.
    pub fn resolve(&mut self, conflicts: Vec<FieldConflict>) {
        let spec = self.kind.spec();
        let items = conflicts
            .into_iter()
            .map(|conflict| {
                let field = spec
                    .key_of(conflict.column)
                    .and_then(|key| self.fields.iter().find(|f| f.key == key));
                let shown = |value| match field {
                    Some(f) => Field {
                        value: spec::field_text(&f.kind, value),
                        ..f.clone()
                    }
                    .display(),
                    None => crate::domain::write::value_text(value),
                };
                Disagreement {
                    label: field
                        .map_or_else(|| conflict.column.replace('_', " "), |f| f.label.to_owned()),
                    theirs: shown(&conflict.theirs),
                    yours: shown(&conflict.yours),
                    conflict,
                    keep_theirs: None,
                }
            })
            .collect();
        self.notice = Some(
            "A colleague changed these fields since you opened the form. Nothing is saved until you choose theirs or yours for each.".to_owned(),
        );
        self.stage = Stage::Resolve { items, cursor: 0 };
    }

    /// Settles the disagreements: the stored value becomes the base of each field,
    /// and a field kept as theirs takes their value (a client of a bulk change whose
    /// value is kept as theirs is left out of it).
    fn settle(&mut self, items: &[Disagreement]) {
        let spec = self.kind.spec();
        for item in items {
            let c = &item.conflict;
            if let Some(base) = self
                .context
                .bases
                .iter_mut()
                .find(|b| b.table == c.entity && b.row.id == c.row_id)
            {
                base.set(c.column, c.theirs.clone());
            }
            if item.keep_theirs != Some(true) {
                continue;
            }
            if self.context.clients.len() > 1 {
                self.context.clients.retain(|row| row.id != c.row_id);
                continue;
            }
            let key = spec.key_of(c.column);
            if let Some(field) = key.and_then(|key| self.fields.iter_mut().find(|f| f.key == key)) {
                field.value = spec::field_text(&field.kind, &c.theirs);
            }
        }
    }

    /// A key while the disputed fields are shown: move, pick theirs (t, Left) or
    /// yours (y, Right), Enter to save once every field is chosen, Esc to go back.
    pub(super) fn choose(
        &mut self,
        key: KeyEvent,
        mut items: Vec<Disagreement>,
        cursor: usize,
        now: NaiveDateTime,
    ) -> Outcome {
        let last = items.len().saturating_sub(1);
        let mut cursor = cursor.min(last);
        match key.code {
            KeyCode::Esc => {
                self.notice = Some("Nothing was saved. Enter saves again and asks about the same fields; Esc closes the form.".to_owned());
                self.stage = Stage::Editing;
                return Outcome::Open;
            }
            KeyCode::Up | KeyCode::BackTab => cursor = cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Tab => cursor = (cursor + 1).min(last),
            KeyCode::Left | KeyCode::Char('t' | 'T') => {
                items[cursor].keep_theirs = Some(true);
                cursor = (cursor + 1).min(last);
            }
            KeyCode::Right | KeyCode::Char('y' | 'Y') => {
                items[cursor].keep_theirs = Some(false);
                cursor = (cursor + 1).min(last);
            }
            KeyCode::Enter => {
                if let Some(open) = items.iter().position(|i| i.keep_theirs.is_none()) {
                    self.notice = Some(format!(
                        "Choose theirs (t) or yours (y) for {} first.",
                        items[open].label
                    ));
                    self.stage = Stage::Resolve {
                        items,
                        cursor: open,
                    };
                    return Outcome::Open;
                }
                self.settle(&items);
                self.notice = None;
                self.stage = Stage::Editing;
                return self.submit_checked(now, true);
            }
            _ => {}
        }
        self.stage = Stage::Resolve { items, cursor };
        Outcome::Open
    }
}
