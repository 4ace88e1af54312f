//! The reusable form: labelled fields, Tab/Shift-Tab between them, inline validation
//! that says what is wrong and what is accepted, Esc that asks before discarding a
//! changed form, and a confirm step (defaulting to Cancel) for destructive changes
//! and for changes to three or more records. Pure: driven by `KeyEvent`s, drawn by
//! `ui::form`, and turned into a [`crate::domain::write::Change`] by its kind's [`Spec`] (one per
//! kind, in `kinds/`).

mod build;
pub mod context;
pub mod kinds;
mod resolve;
pub mod spec;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::dates::{self, DateError};
use crate::domain::safe_text::{Room, refused_text};
use crate::domain::write::Change;

pub use build::Values;
pub use context::FormContext;
pub use kinds::FormKind;
pub use resolve::Disagreement;
pub use spec::{Menu, Problem, Row, Spec, Target};

/// What a field holds and how typed text is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// A date; `past_only` refuses dates after today.
    Date {
        /// Refuse future dates.
        past_only: bool,
    },
    /// A date and a time (`now`, `today 14:30`, `23/11/2026 09:00`).
    DateTime {
        /// Refuse times after now.
        past_only: bool,
    },
    /// One of a fixed list: (stored code, label shown).
    Choice(Vec<(String, String)>),
    /// Yes or no.
    YesNo,
}

/// One labelled field and what has been typed or chosen in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Stable key, used by the form kinds and in drafts.
    pub key: &'static str,
    /// Label shown to the left.
    pub label: &'static str,
    /// Kind and checks.
    pub kind: FieldKind,
    /// Whether an empty value is refused.
    pub required: bool,
    /// Typed text; for a choice the chosen code (empty: none); for yes/no `yes`/`no`.
    pub value: String,
    /// What is wrong with the value, shown under the field.
    pub error: Option<String>,
    /// How much text a free-text field may hold: the limits an imported cell of
    /// the same column has (other kinds of field ignore it).
    pub room: Room,
}

impl Field {
    /// A field of `kind`, empty and not required.
    #[must_use]
    pub fn new(key: &'static str, label: &'static str, kind: FieldKind) -> Self {
        let value = if kind == FieldKind::YesNo { "no" } else { "" };
        Self {
            key,
            label,
            kind,
            required: false,
            value: value.to_owned(),
            error: None,
            room: Room::Short,
        }
    }

    /// The same field, holding as much text as `room` allows.
    #[must_use]
    pub const fn holds(mut self, room: Room) -> Self {
        self.room = room;
        self
    }

    /// The same field, refused when empty.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The same field, starting with `value`.
    #[must_use]
    pub fn with(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    /// The text shown for the value (a choice's label rather than its code).
    #[must_use]
    pub fn display(&self) -> String {
        match &self.kind {
            FieldKind::Choice(options) => options
                .iter()
                .find(|(code, _)| *code == self.value)
                .map_or_else(|| "(none)".to_owned(), |(_, label)| label.clone()),
            _ => self.value.clone(),
        }
    }

    /// Checks the value; `Err` says what is wrong and what is accepted.
    ///
    /// # Errors
    /// The sentence to show under the field.
    pub fn check(&self, now: NaiveDateTime) -> Result<(), String> {
        let text = self.value.trim();
        if self.kind == FieldKind::Text {
            if let Some(why) = refused_text(self.room, text) {
                return Err(format!("{} {why}", self.label));
            }
        }
        if text.is_empty() {
            return if self.required {
                Err(format!("{} is required", self.label))
            } else {
                Ok(())
            };
        }
        match self.kind {
            FieldKind::Date { past_only } => {
                let date = parse_date(text, now.date(), past_only).map_err(|e| e.to_string())?;
                if self.key == "date_of_birth" {
                    dates::check_date_of_birth(date, now.date())?;
                }
                Ok(())
            }
            FieldKind::DateTime { past_only } => parse_date_time(text, now, past_only).map(drop),
            _ => Ok(()),
        }
    }
}

fn parse_date(text: &str, today: NaiveDate, past_only: bool) -> Result<NaiveDate, DateError> {
    if past_only {
        dates::parse_past_date(text, today)
    } else {
        dates::parse_date(text, today)
    }
}

/// What the date-time fields accept, quoted in refusals.
pub const DATE_TIME_ACCEPTED: &str =
    "use now, or a date then a 24-hour time, e.g. today 14:30 or 23/11/2026 09:00";

/// Parses `now` or `<date> <HH:MM>`, the date in any form `domain::dates` accepts.
///
/// # Errors
/// A sentence naming the problem and what is accepted.
pub fn parse_date_time(
    text: &str,
    now: NaiveDateTime,
    past_only: bool,
) -> Result<NaiveDateTime, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    let Some((day, time)) = text.rsplit_once(' ') else {
        return Err(format!("'{text}' has no time: {DATE_TIME_ACCEPTED}"));
    };
    let date = dates::parse_date(day, now.date()).map_err(|e| e.to_string())?;
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M")
        .map_err(|_| format!("'{}' is not a time: {DATE_TIME_ACCEPTED}", time.trim()))?;
    let at = date.and_time(time);
    if past_only && at > now {
        return Err(format!(
            "{} is in the future: this must be now or earlier",
            at.format("%d/%m/%Y %H:%M")
        ));
    }
    Ok(at)
}

/// Where the form is in its life.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Typing in the fields.
    Editing,
    /// Esc on a changed form: "discard your changes? y/N".
    ConfirmDiscard,
    /// A destructive or multi-record change waits for confirmation.
    Confirm {
        /// What will happen, including the number of records from three up.
        message: String,
        /// Whether Confirm (rather than the default, Cancel) is selected.
        confirm_selected: bool,
    },
    /// A save met a colleague's change to the same fields: theirs or yours, per field.
    Resolve {
        /// The fields in dispute.
        items: Vec<Disagreement>,
        /// The one the cursor is on.
        cursor: usize,
    },
}

/// What a key did to the form.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Still open.
    Open,
    /// Closed without saving.
    Cancelled,
    /// Enter on a form that edits a record and shows it as it was: nothing to save.
    Unchanged,
    /// Save this change (the form stays as it is, so a conflict can reopen it).
    Submit(Change),
}

/// An open form: its kind, context, fields, focus and stage.
#[derive(Debug, Clone)]
pub struct Form {
    /// Which update the form makes.
    pub kind: FormKind,
    /// The rows it applies to, as read when it was opened.
    pub context: FormContext,
    /// The fields, in order.
    pub fields: Vec<Field>,
    /// Index of the focused field.
    pub focus: usize,
    /// Editing, or one of the questions.
    pub stage: Stage,
    /// A message about the whole form (e.g. a save refused with a conflict).
    pub notice: Option<String>,
    initial: Vec<String>,
    /// Whether the record's missing date was filled in with today on opening
    /// ([`Spec::today`]): a save then writes it though nothing was typed.
    dated: bool,
}

impl Form {
    /// Opens a form of `kind` on `context`: its fields start from the record, and
    /// "when" and date fields from the context's time.
    #[must_use]
    pub fn open(kind: FormKind, context: FormContext) -> Self {
        let mut fields = kind.spec().open_fields(&context);
        let mut dated = false;
        if let Some(field) = kind
            .spec()
            .today
            .and_then(|key| fields.iter_mut().find(|f| f.key == key))
            .filter(|f| f.value.trim().is_empty())
        {
            field.value = dates::uk(context.now.date());
            dated = true;
        }
        let initial = fields.iter().map(|f| f.value.clone()).collect();
        Self {
            kind,
            context,
            fields,
            focus: 0,
            stage: Stage::Editing,
            notice: None,
            initial,
            dated,
        }
    }

    /// Whether anything differs from how the form opened.
    #[must_use]
    pub fn is_changed(&self) -> bool {
        self.fields
            .iter()
            .zip(&self.initial)
            .any(|(f, v)| f.value != *v)
    }

    /// The field with `key` (every kind's keys are fixed, so a missing key is a bug
    /// in `kinds`, and reads as empty).
    #[must_use]
    pub fn value(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map_or("", |f| f.value.trim())
    }

    /// The typed values by key, for a draft. A form that edits a record keeps only
    /// the fields the user changed, so a draft restored later starts from the record
    /// as it is then and never puts back values a colleague has changed since.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let edits = self.kind.spec().target != Target::New;
        self.fields
            .iter()
            .zip(&self.initial)
            .filter(|(f, initial)| !edits || f.value != **initial)
            .map(|(f, _)| (f.key.to_owned(), serde_json::Value::from(f.value.clone())))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }

    /// Puts back the values of a draft (keys the form does not have are ignored).
    pub fn restore(&mut self, draft: &serde_json::Value) {
        for field in &mut self.fields {
            if let Some(value) = draft.get(field.key).and_then(serde_json::Value::as_str) {
                value.clone_into(&mut field.value);
            }
        }
    }

    /// Handles one key at time `now` (for "now", "today" and future-date checks).
    pub fn handle_key(&mut self, key: KeyEvent, now: NaiveDateTime) -> Outcome {
        match self.stage.clone() {
            Stage::Editing => self.edit(key, now),
            Stage::ConfirmDiscard => {
                if let KeyCode::Char('y' | 'Y') = key.code {
                    return Outcome::Cancelled;
                }
                self.stage = Stage::Editing;
                Outcome::Open
            }
            Stage::Confirm {
                message,
                confirm_selected,
            } => match key.code {
                KeyCode::Left | KeyCode::Right | KeyCode::Tab | KeyCode::BackTab => {
                    self.stage = Stage::Confirm {
                        message,
                        confirm_selected: !confirm_selected,
                    };
                    Outcome::Open
                }
                KeyCode::Enter if confirm_selected => {
                    self.stage = Stage::Editing;
                    self.submit_checked(now, true)
                }
                _ => {
                    self.stage = Stage::Editing;
                    Outcome::Open
                }
            },
            Stage::Resolve { items, cursor } => self.choose(key, items, cursor, now),
        }
    }

    fn edit(&mut self, key: KeyEvent, now: NaiveDateTime) -> Outcome {
        let count = self.fields.len();
        match key.code {
            KeyCode::Esc if self.is_changed() => self.stage = Stage::ConfirmDiscard,
            KeyCode::Esc => return Outcome::Cancelled,
            KeyCode::Tab | KeyCode::Down => self.move_focus(1, now),
            KeyCode::BackTab | KeyCode::Up => self.move_focus(count - 1, now),
            KeyCode::Enter => return self.submit_checked(now, false),
            code => {
                if let Some(field) = self.fields.get_mut(self.focus) {
                    type_into(field, code, key.modifiers);
                }
            }
        }
        Outcome::Open
    }

    fn move_focus(&mut self, step: usize, now: NaiveDateTime) {
        if let Some(field) = self.fields.get_mut(self.focus) {
            field.error = field.check(now).err();
        }
        self.focus = (self.focus + step) % self.fields.len().max(1);
    }

    /// Checks every field, builds the change, and either submits it or asks to
    /// confirm it first.
    fn submit_checked(&mut self, now: NaiveDateTime, confirmed: bool) -> Outcome {
        for field in &mut self.fields {
            field.error = field.check(now).err();
        }
        // A form with no row to start from falls through to `build`, which says so.
        if !self.context.bases.is_empty() && !self.is_changed() && !self.dated {
            for field in &mut self.fields {
                field.error = None;
            }
            return Outcome::Unchanged;
        }
        if let Some(first) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = first;
            return Outcome::Open;
        }
        match build::build(self, now) {
            Err((key, message)) => {
                if let Some(index) = self.fields.iter().position(|f| f.key == key) {
                    self.fields[index].error = Some(message);
                    self.focus = index;
                } else {
                    self.notice = Some(message);
                }
                Outcome::Open
            }
            Ok(change) => {
                let count = change.record_count();
                if !confirmed && (change.is_destructive() || count >= 3) {
                    self.stage = Stage::Confirm {
                        message: build::confirm_message(self, &change),
                        confirm_selected: false,
                    };
                    return Outcome::Open;
                }
                Outcome::Submit(change)
            }
        }
    }
}

/// Applies a typing key to the focused field.
fn type_into(field: &mut Field, code: KeyCode, modifiers: KeyModifiers) {
    if modifiers.contains(KeyModifiers::CONTROL) {
        return;
    }
    match (&field.kind, code) {
        (FieldKind::YesNo, KeyCode::Char(' ')) => {
            let flipped = if field.value == "yes" { "no" } else { "yes" };
            flipped.clone_into(&mut field.value);
        }
        (FieldKind::YesNo, KeyCode::Char('y' | 'Y')) => "yes".clone_into(&mut field.value),
        (FieldKind::YesNo, KeyCode::Char('n' | 'N')) => "no".clone_into(&mut field.value),
        (FieldKind::Choice(options), KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')) => {
            let position = options.iter().position(|(code, _)| *code == field.value);
            let next = match (position, code) {
                (None, KeyCode::Left) => options.len().checked_sub(1),
                (None, _) => Some(0),
                (Some(0), KeyCode::Left) if !field.required => None,
                (Some(i), KeyCode::Left) => Some((i + options.len() - 1) % options.len()),
                (Some(i), _) if i + 1 == options.len() && !field.required => None,
                (Some(i), _) => Some((i + 1) % options.len()),
            };
            field.value = next.map_or_else(String::new, |i| options[i].0.clone());
        }
        (FieldKind::Choice(options), KeyCode::Char(c)) => {
            // A letter picks the next option whose label starts with it.
            let start = options
                .iter()
                .position(|(code, _)| *code == field.value)
                .map_or(0, |i| i + 1);
            let found = (0..options.len())
                .map(|k| (start + k) % options.len())
                .find(|&i| {
                    options[i]
                        .1
                        .chars()
                        .next()
                        .is_some_and(|first| first.eq_ignore_ascii_case(&c))
                });
            if let Some(i) = found {
                field.value.clone_from(&options[i].0);
            }
        }
        (FieldKind::Choice(_) | FieldKind::YesNo, _) => {}
        (_, KeyCode::Char(c)) => field.value.push(c),
        (_, KeyCode::Backspace) => {
            field.value.pop();
        }
        _ => {}
    }
    field.error = None;
}
