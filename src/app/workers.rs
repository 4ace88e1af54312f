//! The Areas view's drill-down: who has capacity in one area. One row per care
//! co-ordinator and team leader of the area (and one for clients nobody holds), with
//! the load [`capacity::loads`] counts; Enter shows a worker's clients in the
//! caseload, where a team leader marks several and reassigns them. A worker who has
//! left is listed only while they still hold clients, apart (after the unallocated
//! row) and marked, so that the team leader moves those clients on.

use super::{App, ListCursor, Scope, View};
use crate::action::Effect;
use crate::domain::capacity::{self, Load};
use crate::domain::model::{Role, cmp_nocase};

/// The columns the workers list can be sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WorkerSort {
    /// Name (the unallocated row first).
    #[default]
    Name,
    /// Active caseload, largest first.
    Active,
    /// PPOs, most first.
    Ppo,
    /// IOM clients, most first.
    Iom,
    /// Items on their Today queue, most first.
    Today,
    /// Of those, late ones, most first.
    Overdue,
    /// Clients at or past 13 weeks, most first.
    Past13Weeks,
}

impl WorkerSort {
    /// Every key, in the order `s` steps through them.
    pub const ALL: [Self; 7] = [
        Self::Name,
        Self::Active,
        Self::Ppo,
        Self::Iom,
        Self::Today,
        Self::Overdue,
        Self::Past13Weeks,
    ];

    /// The key after this one.
    #[must_use]
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// The column header it sorts.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Active => "active",
            Self::Ppo => "PPO",
            Self::Iom => "IOM",
            Self::Today => "Today",
            Self::Overdue => "late",
            Self::Past13Weeks => "13wk+",
        }
    }

    fn count(self, load: &Load) -> usize {
        match self {
            Self::Name => 0,
            Self::Active => load.active,
            Self::Ppo => load.ppo,
            Self::Iom => load.iom,
            Self::Today => load.today,
            Self::Overdue => load.overdue,
            Self::Past13Weeks => load.past_13_weeks,
        }
    }
}

/// One row of the workers list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerRow {
    /// The worker (`None`: the area's clients with nobody allocated).
    pub worker_id: Option<i64>,
    /// Their name, or "(unallocated)".
    pub name: String,
    /// Their role (`None` on the unallocated row).
    pub role: Option<Role>,
    /// They have left the team: their clients need reassigning.
    pub left: bool,
    /// Their load in the area.
    pub load: Load,
}

/// The drill-down into one area: which, its order, and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workers {
    /// The area (id, name).
    pub area: (i64, String),
    /// Sort column.
    pub sort: WorkerSort,
    /// Sort reversed.
    pub descending: bool,
    /// Derived: the rows, sorted.
    pub rows: Vec<WorkerRow>,
    /// The caseload shows a worker's clients, opened from here (Esc comes back).
    drilled: bool,
    /// The scope before opening this area widened it to everything: Esc back to the
    /// areas restores it.
    widened_from: Option<Scope>,
}

impl App {
    /// The open drill-down, if any.
    #[must_use]
    pub fn workers(&self) -> Option<&Workers> {
        self.workers.as_ref()
    }

    /// Enter on an area: its workers, reading everyone's caseload first if the scope
    /// held only part of the area.
    pub(super) fn open_workers(&mut self) -> Option<Effect> {
        let area = self.data.areas.get(self.cursor().selected)?;
        let area = (area.area.id, area.area.name.clone());
        let id = area.0;
        self.workers = Some(Workers {
            area,
            sort: WorkerSort::default(),
            descending: false,
            rows: Vec::new(),
            drilled: false,
            widened_from: None,
        });
        self.cursors[View::Workers.index()] = ListCursor::default();
        self.show(View::Workers);
        self.derive_workers();
        let before = self.scope;
        let effect = self.widen_scope_for_area(Some(id));
        if effect.is_some()
            && let Some(workers) = self.workers.as_mut()
        {
            workers.widened_from = Some(before);
        }
        effect
    }

    /// Esc on the workers list: back to the areas, in the scope the user had before
    /// the area widened it (unless they chose another scope meanwhile).
    pub(super) fn back_to_areas(&mut self) -> Option<Effect> {
        self.view = View::Areas;
        let before = self.workers.as_mut()?.widened_from.take()?;
        if self.scope != Scope::Everything {
            return None;
        }
        self.scope = before;
        Some(self.reload())
    }

    /// Enter on a worker: their clients in the area, in the caseload.
    pub(super) fn open_worker_caseload(&mut self) -> Option<Effect> {
        let at = self.cursor().selected;
        let workers = self.workers.as_mut()?;
        let row = workers.rows.get(at)?;
        self.filter = super::lists::CaseloadFilter {
            area: Some(workers.area.clone()),
            worker: Some((row.worker_id, row.name.clone())),
            ..super::lists::CaseloadFilter::default()
        };
        self.search.clear();
        workers.drilled = true;
        self.show(View::Caseload);
        self.cursors[View::Caseload.index()] = ListCursor::default();
        self.derive_caseload();
        None
    }

    /// Whether Esc on the caseload goes back to the workers it was opened from.
    pub(super) fn back_to_workers(&mut self) -> bool {
        let Some(workers) = self.workers.as_mut() else {
            return false;
        };
        if !std::mem::take(&mut workers.drilled) || self.filter.worker.is_none() {
            return false;
        }
        self.search.clear();
        self.filter = super::lists::CaseloadFilter::default();
        self.derive_caseload();
        self.show(View::Workers);
        true
    }

    /// `s` / `S` on the workers list: the cursor stays on its worker.
    pub(super) fn sort_workers(&mut self, reverse: bool) {
        let at = self.cursors[View::Workers.index()].selected;
        let Some(workers) = self.workers.as_mut() else {
            return;
        };
        let was = workers.rows.get(at).cloned();
        if reverse {
            workers.descending = !workers.descending;
        } else {
            workers.sort = workers.sort.next();
            self.message = Some(format!("sorted by {}", workers.sort.label()));
        }
        sort_rows(workers);
        self.keep_worker(was);
    }

    /// Recounts the drill-down's rows from the snapshot (a new snapshot, or a sort).
    pub(super) fn derive_workers(&mut self) {
        let Some(workers) = self.workers.as_mut() else {
            return;
        };
        let area_id = workers.area.0;
        let at = self.cursors[View::Workers.index()].selected;
        let was = workers.rows.get(at).cloned();
        let mut loads = capacity::loads(
            &self.data.caseload,
            area_id,
            &self.data.today,
            self.now,
            self.rules.triage.clock_starts,
        );
        let mut rows: Vec<WorkerRow> = Vec::new();
        if let Some(load) = loads.remove(&None) {
            rows.push(WorkerRow {
                worker_id: None,
                name: "(unallocated)".to_owned(),
                role: None,
                left: false,
                load,
            });
        }
        for worker in &self.data.workers {
            let holds = loads.remove(&Some(worker.id));
            let of_area = worker.active
                && worker.area_id == Some(area_id)
                && matches!(worker.role, Role::CareCoordinator | Role::TeamLeader);
            if holds.is_some() || of_area {
                rows.push(WorkerRow {
                    worker_id: Some(worker.id),
                    name: worker.name.clone(),
                    role: Some(worker.role),
                    left: !worker.active,
                    load: holds.unwrap_or_default(),
                });
            }
        }
        workers.rows = rows;
        sort_rows(workers);
        self.keep_worker(was);
    }

    /// Puts the workers cursor back on the row of `worker` (as it was before a reload
    /// or a sort), wherever that row is now; the same row number if they are gone.
    fn keep_worker(&mut self, worker: Option<WorkerRow>) {
        let Some(workers) = self.workers.as_ref() else {
            return;
        };
        let len = workers.rows.len();
        let found =
            worker.and_then(|w| workers.rows.iter().position(|r| r.worker_id == w.worker_id));
        let visible = self.visible_rows_of(View::Workers);
        let cursor = &mut self.cursors[View::Workers.index()];
        if let Some(at) = found {
            cursor.selected = at;
        }
        cursor.clamp(len, visible);
    }
}

/// Puts the rows in the drill-down's order (the unallocated row first, then those who
/// have left: both are clients to move on); a sort reorders the counted rows rather
/// than counting them again.
fn sort_rows(workers: &mut Workers) {
    let (sort, descending) = (workers.sort, workers.descending);
    workers.rows.sort_by(|a, b| {
        let unallocated = b
            .worker_id
            .is_none()
            .cmp(&a.worker_id.is_none())
            .then(b.left.cmp(&a.left));
        let by_count = sort.count(&b.load).cmp(&sort.count(&a.load));
        let by_count = if descending {
            by_count.reverse()
        } else {
            by_count
        };
        let by_name = cmp_nocase(&a.name, &b.name);
        let by_name = if descending && sort == WorkerSort::Name {
            by_name.reverse()
        } else {
            by_name
        };
        unallocated
            .then(by_count)
            .then(by_name)
            .then(a.worker_id.cmp(&b.worker_id))
    });
}
