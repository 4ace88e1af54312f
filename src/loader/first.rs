//! The first things a snapshot shows, read before the whole of it: the head of the
//! Today queue, the Caseload's first page, and what the Areas view counts.

use chrono::{Days, NaiveDate, NaiveDateTime};

use crate::app::{Data, lists};
use crate::domain::model::AreaSummary;
use crate::domain::triage::{self, Cut, TriageConfig};
use crate::store::{Store, StoreResult};

/// The first screen of Today for a scope (area, worker) at `now`: for one worker's
/// caseload, which is small, their whole queue; else the head of the queue ranked
/// over only the clients it can come from (see [`Cut`]), once it fills `rows` rows.
/// `None` if it does not: the whole snapshot is then the first thing shown.
///
/// # Errors
/// A store error.
pub fn load_first_screen(
    store: &Store,
    (area, worker): (Option<i64>, Option<i64>),
    now: NaiveDateTime,
    triage: &TriageConfig,
    rows: usize,
) -> StoreResult<Option<Data>> {
    let open = store.open_breaches()?;
    let (caseload, head) = if worker.is_some() {
        let caseload = store.caseload(area, worker, &[])?;
        let queue = triage::queue(&caseload, &open, now, triage);
        (caseload, queue)
    } else {
        let mut found = None;
        for cut in Cut::tries(now.date(), triage).unwrap_or_default() {
            let breaches = cut.breach_clients(&open, now, triage);
            let caseload = store.caseload_candidates((area, worker), &cut, &breaches)?;
            let head = cut.head(triage::queue(&caseload, &open, now, triage));
            if head.len() >= rows {
                found = Some((caseload, head));
                break;
            }
        }
        let Some(found) = found else {
            return Ok(None);
        };
        found
    };
    let mut data = Data {
        workers: store.workers()?,
        caseload,
        loaded_at: Some(now),
        scope: (area, worker),
        ..Data::default()
    };
    data.derive_first_screen(head, now, triage);
    Ok(Some(data))
}

/// The Caseload view's first page for a scope (area, worker): its first `rows` rows
/// in name order, read in name order from the name index.
///
/// # Errors
/// A store error.
pub fn load_first_page(
    store: &Store,
    (area, worker): (Option<i64>, Option<i64>),
    now: NaiveDateTime,
    triage: &TriageConfig,
    rows: usize,
) -> StoreResult<Data> {
    let mut data = Data {
        workers: store.workers()?,
        caseload: store.caseload_page((area, worker), rows)?,
        loaded_at: Some(now),
        scope: (area, worker),
        ..Data::default()
    };
    data.derive_first_page(now, triage);
    Ok(data)
}

/// What the Areas view shows of every area: its caseload counts and its releases soon
/// and outstanding breaches, read for a first screen (see [`read_area_counts`]).
#[derive(Debug)]
pub(super) struct AreasRead {
    areas: Vec<AreaSummary>,
    counts: Vec<lists::AreaCounts>,
}

impl AreasRead {
    /// Puts the counts into `data`, a first screen: the Areas view then need not wait
    /// for the whole snapshot.
    pub(super) fn add_to(self, data: &mut Data) {
        data.areas = self.areas;
        data.area_counts = Some(self.counts);
    }
}

/// Reads what the Areas view shows: each area's caseload counts (as of `today`) and
/// its releases soon and outstanding breaches, counted in SQL without reading those
/// lists (their views still wait for the whole snapshot).
///
/// # Errors
/// A store error.
pub(super) fn read_area_counts(
    store: &Store,
    today: NaiveDate,
    triage: &TriageConfig,
) -> StoreResult<AreasRead> {
    let areas = store.area_summaries(today, triage.clock_starts)?;
    let last = today + Days::new(lists::AREA_RELEASE_DAYS);
    let releases = store.releases_between(today, last)?;
    let breaches = store.outstanding_breaches_by_area()?;
    let counts = lists::area_counts(&areas, releases, breaches, today);
    Ok(AreasRead { areas, counts })
}

/// Adds to a first screen what the Areas view shows ([`read_area_counts`]).
///
/// # Errors
/// A store error.
pub fn load_area_counts(
    store: &Store,
    data: &mut Data,
    today: NaiveDate,
    triage: &TriageConfig,
) -> StoreResult<()> {
    read_area_counts(store, today, triage)?.add_to(data);
    Ok(())
}
