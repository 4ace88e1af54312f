//! The first things a snapshot shows, read before the whole of it: the head of the
//! Today queue, the Caseload's first page, and what the Areas view counts.

use std::sync::Arc;

use chrono::{Days, NaiveDate, NaiveDateTime};

use crate::app::lists::SortKey;
use crate::app::{Data, lists};
use crate::domain::model::{AreaSummary, CaseloadRow};
use crate::domain::status::{self, ClientStatus};
use crate::domain::triage::{self, Cut, TriageConfig};
use crate::store::{Only, Store, StoreResult, Window, in_name_order};

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

/// The Caseload view's first page for a scope (area, worker) in `order` (a sort key,
/// reversed or not): the first `rows` rows of the whole caseload in that order, from
/// windowed reads that hold them (see [`Store::caseload_window`]), sorted by the
/// list's own order.
///
/// # Errors
/// A store error.
pub fn load_first_page(
    store: &Store,
    scope: (Option<i64>, Option<i64>),
    now: NaiveDateTime,
    triage: &TriageConfig,
    rows: usize,
    (key, descending): (SortKey, bool),
) -> StoreResult<Data> {
    let workers = store.workers()?;
    let window = |window, rows| store.caseload_window(scope, window, rows, descending);
    // The rows of a window whose rows come first in the order (the other, reversed),
    // then if they are too few, of the other.
    let in_turn = |first, then| -> StoreResult<Vec<_>> {
        let (first, then) = if descending {
            (then, first)
        } else {
            (first, then)
        };
        let mut caseload = window(first, rows)?;
        if caseload.len() < rows {
            caseload.extend(window(then, rows - caseload.len())?);
        }
        Ok(caseload)
    };
    let mut caseload = match key {
        SortKey::Name => window(Window::Names(Only::All), rows)?,
        SortKey::Reference => window(Window::References, rows)?,
        // Never contacted first, all tied (so by name); reversed, last.
        SortKey::LastContact => in_turn(Window::Names(Only::NeverContacted), Window::LastContacts)?,
        // Not started (no care plan) last; reversed, first.
        SortKey::Clock => in_turn(Window::ClockStarts, Window::Names(Only::NoCarePlan))?,
        // One worker's caseload: one co-ordinator, so by name.
        SortKey::Coordinator if scope.1.is_some() => window(Window::Names(Only::All), rows)?,
        // Unallocated first, then each worker in name order; reversed, the other way.
        SortKey::Coordinator => {
            let mut holders: Vec<Only> = std::iter::once(Only::Unallocated)
                .chain(workers.iter().map(|w| Only::HeldBy(w.id)))
                .collect();
            if descending {
                holders.reverse();
            }
            let mut caseload = Vec::new();
            for holder in holders {
                if caseload.len() >= rows {
                    break;
                }
                caseload.extend(window(Window::Names(holder), rows - caseload.len())?);
            }
            caseload
        }
        SortKey::Status => by_status(store, (scope, descending), rows)?,
        SortKey::NextDate => by_next_date(store, (scope, descending), (now.date(), triage), rows)?,
    };
    in_name_order(&mut caseload);
    let mut data = Data {
        workers,
        caseload,
        loaded_at: Some(now),
        scope,
        ..Data::default()
    };
    // The window may hold more than the first rows: keep those the list shows first.
    data.derive_first_page(now, triage);
    let first = lists::caseload(
        &data.caseload,
        &data.orders,
        &lists::CaseloadFilter::default(),
        None,
        key,
        descending,
        None,
        now.date(),
    );
    let mut caseload: Vec<_> = first
        .iter()
        .take(rows)
        .map(|entry| Arc::clone(&data.caseload[entry.row()]))
        .collect();
    in_name_order(&mut caseload);
    data.caseload = caseload;
    data.derive_first_page(now, triage);
    data.page_order = Some((key, descending));
    Ok(data)
}

/// A scope (area, worker) and whether its order is reversed.
type Scope = ((Option<i64>, Option<i64>), bool);

/// The first `rows` rows of a scope in name order (reversed: the last) that `keep`
/// keeps, read from the window in name order `only`, which holds every row `keep`
/// keeps and maybe others: a page of it at a time, each four times the last, until the
/// rows kept fill `rows` or the window has no more. Perhaps more than `rows`.
///
/// Why they are the first: a page holds the first rows of `only` in name order, and
/// the rows `keep` keeps lie among them in the same order; so those kept are the first
/// of all the rows `keep` keeps, and if they are fewer than `rows`, the page was the
/// whole window, so they are all of them.
fn named_until(
    store: &Store,
    (scope, descending): Scope,
    only: Only,
    rows: usize,
    keep: impl Fn(&CaseloadRow) -> bool,
) -> StoreResult<Vec<Arc<CaseloadRow>>> {
    let mut page = rows.saturating_mul(2).max(1);
    loop {
        let read = store.caseload_window(scope, Window::Names(only), page, descending)?;
        let whole = read.len() < page;
        let kept: Vec<_> = read.into_iter().filter(|r| keep(r)).collect();
        if whole || kept.len() >= rows {
            return Ok(kept);
        }
        page = page.saturating_mul(4);
    }
}

/// Rows that hold the first `rows` in status order (`domain::status::status`, ties
/// in name order; reversed, the last): each status in turn, lowest first, its first
/// rows in name order ([`named_until`]) until they fill `rows`. The first rows in
/// status order are every row of the lowest statuses and the first in name order of
/// the status after them, so these hold them.
fn by_status(
    store: &Store,
    (scope, descending): Scope,
    rows: usize,
) -> StoreResult<Vec<Arc<CaseloadRow>>> {
    // The columns each status is read by: every row of it, and perhaps others.
    let mut statuses = [
        (ClientStatus::Referred, Only::NotAssessed),
        (ClientStatus::Assessed, Only::AssessedOnly),
        (ClientStatus::CarePlan, Only::CarePlanned { engaged: false }),
        (ClientStatus::Engaged, Only::CarePlanned { engaged: true }),
        (ClientStatus::InCustody, Only::InCustody),
    ];
    // In the list's order of statuses, whatever the order above.
    statuses.sort_by_key(|(s, _)| *s);
    if descending {
        statuses.reverse();
    }
    let mut caseload = Vec::new();
    for (class, only) in statuses {
        if caseload.len() >= rows {
            break;
        }
        caseload.extend(named_until(
            store,
            (scope, descending),
            only,
            rows - caseload.len(),
            |r| status::status(&r.episode, r.custody.as_deref()) == class,
        )?);
    }
    Ok(caseload)
}

/// Rows that hold the first `rows` by next key date (`domain::status::next_key_date`
/// on `today`, the clock starting as `triage` says; soonest first, none last, ties in
/// name order; reversed, the last).
///
/// Why they hold them: the rows without a next key date are those of a name window
/// ([`named_until`]), first when reversed, and read last only if fewer than `rows`
/// rows have a date. For the dated rows, any `rows` rows with a next key date on or
/// before a day (reversed: on or after) show that the first rows' dates all are,
/// ties included: [`Window::KeyDateHeads`] finds such rows, whose own next key dates
/// give the day, and every row whose next key date is on or before it has one of the
/// dates [`Window::KeyDates`] reads on or before it (the next key date is one of
/// them), so `KeyDates` alone holds the first dated rows. Without `rows` dated rows
/// among the heads, `KeyDates` reads every row that may have a date: all dated rows.
fn by_next_date(
    store: &Store,
    (scope, descending): Scope,
    (today, triage): (NaiveDate, &TriageConfig),
    rows: usize,
) -> StoreResult<Vec<Arc<CaseloadRow>>> {
    let next = |r: &CaseloadRow| status::next_key_date(r, today, triage.clock_starts);
    let undated = |rows| {
        named_until(store, (scope, descending), Only::NoReviewDates, rows, |r| {
            next(r).is_none()
        })
    };
    // Reversed, the rows without a date come first.
    let mut caseload = if descending {
        undated(rows)?
    } else {
        Vec::new()
    };
    let wanted = rows.saturating_sub(caseload.len());
    if wanted == 0 {
        return Ok(caseload);
    }
    let window = |window| store.caseload_window(scope, window, wanted, descending);
    let heads = window(Window::KeyDateHeads { today })?;
    let mut next_dates: Vec<NaiveDate> = heads
        .iter()
        .filter_map(|r| next(r))
        .map(|(_, d)| d)
        .collect();
    next_dates.sort_unstable();
    if descending {
        next_dates.reverse();
    }
    let until = next_dates.get(wanted - 1).copied();
    let dated = window(Window::KeyDates { today, until })?;
    let found = dated.iter().filter(|r| next(r).is_some()).count();
    caseload.extend(dated);
    // Fewer dated rows than the page: the first rows without a date follow them.
    if !descending && until.is_none() && found < rows {
        caseload.extend(undated(rows - found)?);
    }
    Ok(caseload)
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
