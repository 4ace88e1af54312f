//! The Report view's state: which quarter and which areas it asks for, and installing
//! the return the loop built.

use super::{App, ListCursor, View};
use crate::action::Effect;
use crate::report::{Report, ReportOptions};

impl App {
    /// What the Report view asks for: its period, for all areas or the session user's
    /// area (all areas when that area is not known).
    #[must_use]
    pub fn report_options(&self) -> ReportOptions {
        let own = self
            .session
            .worker
            .as_ref()
            .and_then(|w| w.area_id)
            .filter(|_| self.report_own_area)
            .and_then(|id| self.data.areas.iter().find(|a| a.area.id == id));
        ReportOptions {
            period: self.report_period.clone(),
            area: own.map(|a| a.area.name.clone()),
            suppress_small: false,
            rules: self.rules.report,
        }
    }

    /// Installs a built return; the scroll position is kept for a reload of the same
    /// return and starts at the top for a different one.
    pub(super) fn set_report(&mut self, report: Report) {
        self.report_pending = false;
        let same = self
            .report
            .as_ref()
            .is_some_and(|r| r.period == report.period && r.scope == report.scope);
        self.return_lines = crate::layout::return_lines(Some(&report), self.return_width());
        self.report = Some(report);
        if !same {
            self.cursors[View::Report.index()] = ListCursor::default();
        }
        let len = self.len_of(View::Report);
        let visible = self.visible_rows_of(View::Report);
        self.cursors[View::Report.index()].clamp(len, visible);
    }

    /// The report view's inner width, which its wrapped definitions depend on.
    pub(super) fn return_width(&self) -> usize {
        usize::from(self.size.0.saturating_sub(2))
    }

    /// Counts the return's lines again at the terminal's width (after a resize).
    pub(super) fn count_return_lines(&mut self) {
        self.return_lines = crate::layout::return_lines(self.report.as_ref(), self.return_width());
    }

    /// Notes that the return for `options` is being counted in the background. The
    /// return on screen stays while it is recounted, unless it is for another quarter
    /// or scope.
    pub(super) fn await_report(&mut self, options: &ReportOptions) {
        self.report_pending = true;
        if !self.report.as_ref().is_some_and(|r| options.covers(r)) {
            self.report = None;
            self.return_lines = crate::layout::return_lines(None, self.return_width());
        }
    }

    /// The effect that counts the return when the Report view is showing (also after
    /// a change to its figures, such as recorded offences); the view waits for it.
    pub(super) fn report_effect(&mut self) -> Option<Effect> {
        if self.view != View::Report {
            return None;
        }
        let options = self.report_options();
        self.await_report(&options);
        Some(Effect::LoadReport(options))
    }

    /// Moves the Report view to the next or previous quarter; never past the quarter
    /// in progress, which has no later figures to show.
    pub(super) fn step_quarter(&mut self, forward: bool) -> Option<Effect> {
        if self.view != View::Report {
            return None;
        }
        if !forward {
            self.report_period = self.report_period.previous_quarter();
        } else if self.report_period.contains(self.today()) {
            self.message = Some("this quarter is still in progress".into());
            return None;
        } else {
            self.report_period = self.report_period.next_quarter();
        }
        self.report_effect()
    }

    /// Switches the Report view between all areas and the session user's area.
    pub(super) fn toggle_report_area(&mut self) -> Option<Effect> {
        if self.view != View::Report {
            return None;
        }
        if self
            .session
            .worker
            .as_ref()
            .and_then(|w| w.area_id)
            .is_none()
        {
            self.message = Some("no home area for your login: the return covers all areas".into());
            return None;
        }
        self.report_own_area = !self.report_own_area;
        self.report_effect()
    }
}
