//! Read access to the model for the screen and the loop: `update` is the only thing
//! that changes an [`App`], so its fields are private and read through these.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::lists::{self, CaseloadFilter, Entry, SortKey};
use super::{App, BreachTab, Data, DraftOffer, Menu, Mode, Rules, Scope, Session, View};
use crate::domain::period::Period;
use crate::domain::record::ClientRecord;
use crate::domain::roles::ClientScope;
use crate::report::Report;

impl App {
    /// Now, from the loop's clock.
    #[must_use]
    pub fn now(&self) -> NaiveDateTime {
        self.now
    }

    /// Who, and on which database.
    #[must_use]
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The settings the model's rules use.
    #[must_use]
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The loaded snapshot.
    #[must_use]
    pub fn data(&self) -> &Data {
        &self.data
    }

    /// The screen shown.
    #[must_use]
    pub fn view(&self) -> View {
        self.view
    }

    /// Whose work is shown.
    #[must_use]
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// What the keyboard is doing.
    #[must_use]
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Text being typed in search or command mode.
    #[must_use]
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The active fuzzy search on the caseload.
    #[must_use]
    pub fn search(&self) -> &str {
        &self.search
    }

    /// The status line's one-line message, if any.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Whether names are hidden (initials and references only).
    #[must_use]
    pub fn redact(&self) -> bool {
        self.redact
    }

    /// Whether a snapshot is being read in the background.
    #[must_use]
    pub fn loading(&self) -> bool {
        self.loading
    }

    /// When a colleague's change last refreshed the lists.
    #[must_use]
    pub fn updated_elsewhere(&self) -> Option<NaiveDateTime> {
        self.updated_elsewhere
    }

    /// The caseload filter chips.
    #[must_use]
    pub fn filter(&self) -> &CaseloadFilter {
        &self.filter
    }

    /// The caseload sort column.
    #[must_use]
    pub fn sort(&self) -> SortKey {
        self.sort
    }

    /// Whether the caseload sort is reversed.
    #[must_use]
    pub fn descending(&self) -> bool {
        self.descending
    }

    /// The breaches tab shown.
    #[must_use]
    pub fn breach_tab(&self) -> BreachTab {
        self.breach_tab
    }

    /// The record the client view shows.
    #[must_use]
    pub fn client(&self) -> Option<&ClientRecord> {
        self.client.as_ref()
    }

    /// The period the Report view asks for.
    #[must_use]
    pub fn report_period(&self) -> &Period {
        &self.report_period
    }

    /// The return the Report view shows, once loaded.
    #[must_use]
    pub fn report(&self) -> Option<&Report> {
        self.report.as_ref()
    }

    /// Whether a return is being counted in the background.
    #[must_use]
    pub fn report_pending(&self) -> bool {
        self.report_pending
    }

    /// The open form, if any.
    #[must_use]
    pub fn form(&self) -> Option<&crate::form::Form> {
        self.form.as_ref()
    }

    /// The menu of updates, when open.
    #[must_use]
    pub fn menu(&self) -> Option<&Menu> {
        self.menu.as_ref()
    }

    /// Clients marked for a bulk reassign.
    #[must_use]
    pub fn marked(&self) -> &BTreeMap<i64, ClientScope> {
        &self.marked
    }

    /// The draft offered back at start-up, while it is offered.
    #[must_use]
    pub fn draft_offer(&self) -> Option<&DraftOffer> {
        self.draft_offer.as_ref()
    }

    /// The caseload rows shown, in order.
    #[must_use]
    pub fn caseload_list(&self) -> &[Entry] {
        &self.caseload_list
    }

    /// The review rows shown (indices into the caseload).
    #[must_use]
    pub fn review_list(&self) -> &[usize] {
        &self.review_list
    }

    /// The releases shown (indices into the snapshot's releases).
    #[must_use]
    pub fn release_list(&self) -> &[usize] {
        &self.release_list
    }

    /// Per-area release and breach counts, in the snapshot's area order.
    #[must_use]
    pub fn area_counts(&self) -> &[lists::AreaCounts] {
        &self.area_counts
    }

    /// The breaches shown (indices into the tab's list).
    #[must_use]
    pub fn breach_list(&self) -> &[usize] {
        &self.breach_list
    }

    /// The terminal size (columns, rows).
    #[must_use]
    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// Whether the user has asked to leave.
    #[must_use]
    pub fn quitting(&self) -> bool {
        self.quitting
    }
}
