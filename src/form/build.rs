//! Turning a checked form into the [`Change`] its kind's [`Spec::build`] makes, and
//! the question asked before a destructive or multi-record change.

use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};

use super::spec::{Problem, Spec};
use super::{Form, FormContext, parse_date_time};
use crate::domain::dates::parse_date;
use crate::domain::write::{Change, EpisodeEdit, Versioned};

/// The checked values of a form, as a kind's `build` reads them: typed, with a
/// [`Problem`] naming the field when a value it needs is missing.
pub struct Values<'a> {
    form: &'a Form,
    now: NaiveDateTime,
}

impl Values<'_> {
    /// What the form was opened on.
    #[must_use]
    pub fn context(&self) -> &FormContext {
        &self.form.context
    }

    /// The field's text, trimmed (a choice's code; `yes`/`no`).
    #[must_use]
    pub fn raw(&self, key: &str) -> &str {
        self.form.value(key)
    }

    /// The field's text, owned.
    #[must_use]
    pub fn text(&self, key: &str) -> String {
        self.raw(key).to_owned()
    }

    /// The field's date, if it holds one.
    #[must_use]
    pub fn date(&self, key: &str) -> Option<NaiveDate> {
        parse_date(self.raw(key), self.now.date()).ok()
    }

    /// The field's date and time, if it holds one.
    #[must_use]
    pub fn at(&self, key: &str) -> Option<NaiveDateTime> {
        parse_date_time(self.raw(key), self.now, false).ok()
    }

    /// Whether a yes/no field says yes.
    #[must_use]
    pub fn yes(&self, key: &str) -> bool {
        self.raw(key) == "yes"
    }

    /// The field's choice, parsed.
    ///
    /// # Errors
    /// Nothing is chosen.
    pub fn code<T>(&self, key: &'static str, parse: fn(&str) -> Option<T>) -> Result<T, Problem> {
        parse(self.raw(key)).ok_or((key, "choose one (Space or Left/Right)".to_owned()))
    }

    /// The field's date, which the change needs.
    ///
    /// # Errors
    /// The field holds no date.
    pub fn need_date(&self, key: &'static str) -> Result<NaiveDate, Problem> {
        need(key, self.date(key))
    }

    /// The field's date and time, which the change needs.
    ///
    /// # Errors
    /// The field holds no date and time.
    pub fn need_at(&self, key: &'static str) -> Result<NaiveDateTime, Problem> {
        need(key, self.at(key))
    }

    /// The date of the `on` field most forms have (the day it happened).
    ///
    /// # Errors
    /// The field holds no date.
    pub fn on(&self) -> Result<NaiveDate, Problem> {
        self.need_date("on")
    }

    /// The client the form is about.
    ///
    /// # Errors
    /// The form was opened without one.
    pub fn client(&self) -> Result<Versioned, Problem> {
        self.context().client.ok_or_else(|| missing("client"))
    }

    /// The client's open episode.
    ///
    /// # Errors
    /// The client has no open episode.
    pub fn episode(&self) -> Result<Versioned, Problem> {
        self.context()
            .episode
            .ok_or_else(|| missing("open episode"))
    }

    /// The row a [`super::Target::Row`] form edits.
    ///
    /// # Errors
    /// The record has no such row.
    pub fn row(&self) -> Result<Versioned, Problem> {
        self.context().row.ok_or_else(|| missing("record"))
    }

    /// `edit` of the client's open episode.
    ///
    /// # Errors
    /// The client has no open episode.
    pub fn episode_edit(&self, edit: EpisodeEdit) -> Result<Change, Problem> {
        Ok(Change::Episode(self.episode()?, edit))
    }

    /// The area (and care co-ordinator) where the user's new clients go.
    ///
    /// # Errors
    /// The user has no area (and there is none to fall back on).
    pub fn home(&self) -> Result<(i64, Option<i64>), Problem> {
        self.context().home.ok_or_else(|| missing("area"))
    }
}

fn need<T>(key: &'static str, value: Option<T>) -> Result<T, Problem> {
    value.ok_or((key, "this is required".to_owned()))
}

fn missing(what: &str) -> Problem {
    (
        "",
        format!("there is no {what} to change here: close the form and reload"),
    )
}

/// The change a checked form makes.
///
/// # Errors
/// A [`Problem`]: a cross-field rule, or context the form needs but was not given.
pub fn build(form: &Form, now: NaiveDateTime) -> Result<Change, Problem> {
    (form.kind.spec().build)(&Values { form, now })
}

/// The question asked before a destructive or multi-record change: the kind's own
/// question (see [`Spec::confirm`]), and the number of records from three up.
#[must_use]
pub fn confirm_message(form: &Form, change: &Change) -> String {
    let count = change.record_count();
    let spec: &Spec = form.kind.spec();
    let mut message = spec.confirm.map_or_else(
        || format!("Save this {}?", spec.title),
        |ask| ask(form, change),
    );
    if count >= 3 {
        let _ = write!(message, " This changes {count} records.");
    }
    message
}
