//! The plain values the model and the actions share: the snapshot the views show, as
//! the loop loaded it, with what its lists are built from derived once on the
//! reader's thread; and a draft offered back. Nothing here imports the app or
//! `action`.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDateTime;

use super::{View, lists};
use crate::domain::model::{AreaSummary, CaseloadRow, Worker};
use crate::domain::record::{BreachRow, ReleaseRow};
use crate::domain::triage::{self, OpenBreach};
use crate::domain::write::Draft;

/// A snapshot of what the views show, loaded by the loop for one scope, with what the
/// lists are built from derived when it is read (see [`Data::derive`]), on the
/// background reader's thread, so installing it never holds up a key.
#[derive(Debug, Clone, Default)]
pub struct Data {
    /// Per-area counts (every area).
    pub areas: Vec<AreaSummary>,
    /// Workers by name, for `:worker` and the co-ordinator columns.
    pub workers: Vec<Worker>,
    /// The active caseload in scope, in name order (rows unchanged since the last
    /// snapshot are shared with it).
    pub caseload: Vec<Arc<CaseloadRow>>,
    /// Outstanding breaches (every area; views apply the scope).
    pub breaches: Vec<BreachRow>,
    /// Breaches dealt with.
    pub dealt_with: Vec<BreachRow>,
    /// Open custody episodes (every area).
    pub releases: Vec<ReleaseRow>,
    /// When it was read.
    pub loaded_at: Option<NaiveDateTime>,
    /// The scope it was read for: (area, worker) limits.
    pub scope: (Option<i64>, Option<i64>),
    /// A first screen of this view: only the head of the Today queue and the rows it
    /// names, or the Caseload's first page, were read, and the whole snapshot
    /// follows. Other views wait for it.
    pub partial: Option<View>,
    /// With the Caseload's first page: the order (sort key, reversed) whose first rows
    /// it holds.
    pub page_order: Option<(lists::SortKey, bool)>,
    /// With a first screen, once read: the Areas view's release and breach counts per
    /// area (with `areas`), counted in SQL without reading those lists, so that view
    /// need not wait for the whole snapshot. `None` in a whole snapshot, whose lists
    /// they are counted from.
    pub area_counts: Option<Vec<lists::AreaCounts>>,
    /// Derived: the Today queue, ranked.
    pub today: Vec<triage::Item>,
    /// Derived: indices of `caseload` in client-id order, to find a client's row.
    pub by_client: Vec<u32>,
    /// Derived: worker id -> index in `workers`.
    pub worker_at: HashMap<i64, usize>,
    /// Derived: the caseload in the order of each sort key.
    pub orders: lists::SortOrders,
}

impl Data {
    /// Derives the Today queue, the indexes and the sort orders from what was read,
    /// for `now` and the ranking `cfg`.
    pub fn derive(&mut self, now: NaiveDateTime, cfg: &triage::TriageConfig) {
        let open: Vec<OpenBreach> = self.breaches.iter().map(OpenBreach::from).collect();
        self.today = triage::queue(&self.caseload, &open, now, cfg);
        self.index(now, cfg);
    }

    /// Makes this a first screen whose Today queue is `head` (the head of the whole
    /// queue), and derives the indexes of the rows read for it.
    pub fn derive_first_screen(
        &mut self,
        head: Vec<triage::Item>,
        now: NaiveDateTime,
        cfg: &triage::TriageConfig,
    ) {
        self.today = head;
        self.partial = Some(View::Today);
        self.index(now, cfg);
    }

    /// Makes this the Caseload's first page (its rows, in name order), and derives
    /// the indexes and sort orders of those rows.
    pub fn derive_first_page(&mut self, now: NaiveDateTime, cfg: &triage::TriageConfig) {
        self.partial = Some(View::Caseload);
        self.index(now, cfg);
    }

    /// Derives the indexes and the sort orders of the rows read.
    fn index(&mut self, now: NaiveDateTime, cfg: &triage::TriageConfig) {
        self.by_client = (0..u32::try_from(self.caseload.len()).unwrap_or(u32::MAX)).collect();
        self.by_client
            .sort_unstable_by_key(|&i| self.caseload[i as usize].client_id);
        self.worker_at = self
            .workers
            .iter()
            .enumerate()
            .map(|(i, w)| (w.id, i))
            .collect();
        let worker_at = &self.worker_at;
        self.orders = lists::SortOrders::new(
            &self.caseload,
            |id| worker_at.get(&id).copied(),
            now.date(),
            cfg.clock_starts,
        );
    }

    /// The caseload row of a client, if the client is in the snapshot.
    #[must_use]
    pub fn row_of_client(&self, client_id: i64) -> Option<&CaseloadRow> {
        let rows = &self.caseload;
        self.by_client
            .binary_search_by_key(&client_id, |&i| rows[i as usize].client_id)
            .ok()
            .map(|at| rows[self.by_client[at] as usize].as_ref())
    }

    /// The name of a row's care co-ordinator, or "unallocated".
    #[must_use]
    pub fn coordinator(&self, row: &CaseloadRow) -> &str {
        row.care_coordinator_id
            .and_then(|id| self.worker_at.get(&id))
            .map_or("unallocated", |&i| self.workers[i].name.as_str())
    }
}

/// A draft found at start-up, offered back.
#[derive(Debug, Clone)]
pub struct DraftOffer {
    /// The draft.
    pub draft: Draft,
    /// "unsaved contact for C-1042 from 14:02".
    pub description: String,
}
