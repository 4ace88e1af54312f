//! The lists each view shows, derived from the snapshot and the view state. Computed in
//! `update` when their inputs change, never while drawing.

use std::borrow::Borrow;

use chrono::NaiveDate;

use super::fuzzy::{Scorer, SearchTexts};
use crate::domain::clock;
use crate::domain::model::{AreaSummary, CaseloadRow, Rag, ReleaseDates, cmp_nocase};
use crate::domain::record::{BreachRow, ClientRef, ReleaseRow};
use crate::domain::status;

/// Filter chips on the caseload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // each chip toggles independently
pub struct CaseloadFilter {
    /// Only IOM clients.
    pub iom: bool,
    /// Only PPO clients.
    pub ppo: bool,
    /// Only domestic-abuse perpetrators.
    pub domestic_abuse: bool,
    /// Only clients in custody.
    pub custody: bool,
    /// Only clients in week 11 or later.
    pub week_11: bool,
    /// Only the session user's own clients.
    pub mine: bool,
    /// Only this area (id, name).
    pub area: Option<(i64, String)>,
    /// Only this care co-ordinator (id, name), or (`None`, name) only the clients
    /// nobody holds.
    pub worker: Option<(Option<i64>, String)>,
}

impl CaseloadFilter {
    /// Short labels of the active chips, for the view's title.
    #[must_use]
    pub fn chips(&self) -> Vec<String> {
        let mut chips: Vec<String> = [
            (self.iom, "IOM"),
            (self.ppo, "PPO"),
            (self.domestic_abuse, "DA"),
            (self.custody, "custody"),
            (self.week_11, "wk11+"),
            (self.mine, "mine"),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, label)| label.to_owned())
        .collect();
        chips.extend(self.area.as_ref().map(|(_, name)| format!("area: {name}")));
        chips.extend(
            self.worker
                .as_ref()
                .map(|(_, name)| format!("worker: {name}")),
        );
        chips
    }

    fn keeps(
        &self,
        row: &CaseloadRow,
        me: Option<i64>,
        today: NaiveDate,
        clock_starts: clock::ClockStart,
    ) -> bool {
        (!self.iom || row.flags.iom)
            && (!self.ppo || row.flags.ppo)
            && (!self.domestic_abuse || row.domestic_abuse)
            && (!self.custody || row.custody.is_some())
            && (!self.week_11
                || row
                    .episode
                    .clock_start(clock_starts)
                    .is_some_and(|d| (today - d).num_days() >= clock::APPROACHING_FROM_DAY))
            && (!self.mine || (me.is_some() && row.care_coordinator_id == me))
            && self.area.as_ref().is_none_or(|(id, _)| row.area_id == *id)
            && self
                .worker
                .as_ref()
                .is_none_or(|(id, _)| row.care_coordinator_id == *id)
    }
}

/// Columns the caseload can be sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey {
    /// Family name, given name.
    #[default]
    Name,
    /// Client reference.
    Reference,
    /// Care co-ordinator.
    Coordinator,
    /// Journey status.
    Status,
    /// Days on the caseload (13-week clock).
    Clock,
    /// Last contact.
    LastContact,
    /// Next key date.
    NextDate,
}

impl SortKey {
    /// Every key, in the order `s` cycles through them.
    pub const ALL: [Self; 7] = [
        Self::Name,
        Self::Reference,
        Self::Coordinator,
        Self::Status,
        Self::Clock,
        Self::LastContact,
        Self::NextDate,
    ];

    /// The key after this one.
    #[must_use]
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// Column header it sorts.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Reference => "ref",
            Self::Coordinator => "co-ordinator",
            Self::Status => "status",
            Self::Clock => "13-week",
            Self::LastContact => "last contact",
            Self::NextDate => "next date",
        }
    }
}

/// One caseload row to show: its index in the snapshot and its search score, in
/// eight bytes (a list can hold every row, and a search keeps a list per letter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    row: u32,
    score: i32,
}

impl Entry {
    fn new(row: u32, score: i64) -> Self {
        let score = score.clamp(i32::MIN.into(), i32::MAX.into());
        Self {
            row,
            score: i32::try_from(score).unwrap_or_default(),
        }
    }

    /// Index into the snapshot's caseload.
    #[must_use]
    pub fn row(self) -> usize {
        self.row as usize
    }

    /// Fuzzy score (0 without a search).
    #[must_use]
    pub fn score(self) -> i64 {
        i64::from(self.score)
    }

    /// Best score first, ties in row order, as one integer (faster to sort on than
    /// comparing pairs).
    fn best_first(self) -> u64 {
        let rank = u64::try_from(i64::from(i32::MAX) - i64::from(self.score)).unwrap_or_default();
        (rank << 32) | u64::from(self.row)
    }
}

/// The caseload's row indices in the order of each [`SortKey`] (ascending, ties in
/// name order), computed once per snapshot on the background reader's thread: a sort
/// keystroke then only walks one of them.
#[derive(Debug, Clone, Default)]
pub struct SortOrders {
    /// One order per key of [`SortKey::ALL`]; the name order is the rows' own, so
    /// its entry stays empty (a snapshot and a reload each save a vector).
    orders: Vec<Vec<u32>>,
    rows: u32,
    /// The team's 13-week clock start the clock order follows, which the week-11
    /// filter and the 13-week review list then share.
    clock_starts: clock::ClockStart,
}

impl SortOrders {
    /// Orders of `rows` (which arrive in name order) on `today`, the 13-week clock
    /// starting as `clock_starts` says; `coordinator_rank` gives a worker's place in
    /// name order.
    #[must_use]
    pub fn new<R: Borrow<CaseloadRow> + Sync>(
        rows: &[R],
        coordinator_rank: impl Fn(i64) -> Option<usize>,
        today: NaiveDate,
        clock_starts: clock::ClockStart,
    ) -> Self {
        let orders = SortKey::ALL
            .iter()
            .map(|&key| match key {
                SortKey::Name => Vec::new(),
                // References in number order: `C-99` before `C-100`.
                SortKey::Reference => {
                    let references: Vec<&str> =
                        rows.iter().map(|r| r.borrow().reference()).collect();
                    let mut order: Vec<u32> = (0..index(rows.len())).collect();
                    order.sort_by(|&a, &b| {
                        let (a, b) = (references[a as usize], references[b as usize]);
                        a.len().cmp(&b.len()).then_with(|| cmp_nocase(a, b))
                    });
                    order
                }
                // Unallocated first.
                SortKey::Coordinator => {
                    order_by(rows, |r| r.care_coordinator_id.and_then(&coordinator_rank))
                }
                SortKey::Status => {
                    order_by(rows, |r| status::status(&r.episode, r.custody.as_deref()))
                }
                // Longest on the caseload first, not started last.
                SortKey::Clock => order_by(rows, |r| {
                    let start = r.episode.clock_start(clock_starts);
                    (start.is_none(), start)
                }),
                // Longest without contact first ("never" first of all).
                SortKey::LastContact => order_by(rows, |r| r.last_contact),
                // Soonest first, none last.
                SortKey::NextDate => order_by(rows, |r| {
                    let next = status::next_key_date(r, today, clock_starts).map(|(_, d)| d);
                    (next.is_none(), next)
                }),
            })
            .collect();
        Self {
            orders,
            rows: index(rows.len()),
            clock_starts,
        }
    }

    /// Row indices in `key` order (none before any snapshot).
    fn walk(&self, key: SortKey) -> Box<dyn DoubleEndedIterator<Item = u32> + '_> {
        if key == SortKey::Name {
            Box::new(0..self.rows)
        } else {
            Box::new(self.listed(key).iter().copied())
        }
    }

    /// The order of `key`, which is not [`SortKey::Name`] (empty before any snapshot).
    fn listed(&self, key: SortKey) -> &[u32] {
        let at = SortKey::ALL.iter().position(|k| *k == key).unwrap_or(0);
        self.orders.get(at).map_or(&[], Vec::as_slice)
    }
}

/// A row index as stored in [`SortOrders`] (a caseload never nears 4 billion rows).
fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Row indices ordered by `key`, ties by index (that is, by name).
fn order_by<R: Borrow<CaseloadRow>, K: Ord>(
    rows: &[R],
    key: impl Fn(&CaseloadRow) -> K,
) -> Vec<u32> {
    let mut keyed: Vec<(K, u32)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (key(r.borrow()), index(i)))
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// A fuzzy search on the caseload.
#[derive(Debug, Clone, Copy)]
pub struct Search<'a> {
    /// What was typed.
    pub query: &'a str,
    /// The rows' search texts.
    pub texts: &'a SearchTexts,
    /// The result of a shorter query this one extends: whatever matches the longer
    /// query matched the shorter one, so only those rows are searched.
    pub within: Option<&'a [Entry]>,
}

/// The caseload after filters, search and sort. With a search, best matches come
/// first; otherwise rows follow the sort key (`descending` reverses it).
#[must_use]
#[allow(clippy::too_many_arguments)] // the view state it depends on, passed explicitly
pub fn caseload<R: Borrow<CaseloadRow>>(
    rows: &[R],
    orders: &SortOrders,
    filter: &CaseloadFilter,
    search: Option<Search<'_>>,
    sort: SortKey,
    descending: bool,
    me: Option<i64>,
    today: NaiveDate,
) -> Vec<Entry> {
    let search = search.filter(|s| !s.query.trim().is_empty());
    let Some(Search {
        query,
        texts,
        within,
    }) = search
    else {
        let order = orders.walk(sort);
        let keep =
            |i: &u32| filter.keeps(rows[*i as usize].borrow(), me, today, orders.clock_starts);
        let entry = |i: u32| Entry::new(i, 0);
        return if descending {
            order.rev().filter(keep).map(entry).collect()
        } else {
            order.filter(keep).map(entry).collect()
        };
    };
    let candidates: Vec<u32> = match within {
        Some(previous) => previous.iter().map(|e| e.row).collect(),
        None => (0..index(rows.len()))
            .filter(|&i| filter.keeps(rows[i as usize].borrow(), me, today, orders.clock_starts))
            .collect(),
    };
    let mut entries = score_rows(texts, &candidates, query.trim());
    entries.sort_unstable_by_key(|e| e.best_first());
    entries
}

/// Fuzzy-scores the `candidates` rows against `query`, keeping the matches. A long list
/// (the first keystroke over every name) is split across the machine's cores.
fn score_rows(texts: &SearchTexts, candidates: &[u32], query: &str) -> Vec<Entry> {
    const PER_THREAD: usize = 8_192;
    let score = |part: &[u32]| -> Vec<Entry> {
        let mut scorer = Scorer::new(query);
        part.iter()
            .filter_map(|&row| {
                scorer
                    .score(texts.get(row as usize))
                    .map(|score| Entry::new(row, score))
            })
            .collect()
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(candidates.len() / PER_THREAD);
    if threads <= 1 {
        return score(candidates);
    }
    let chunk = candidates.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = candidates
            .chunks(chunk)
            .map(|part| scope.spawn(move || score(part)))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().unwrap_or_default())
            .collect()
    })
}

/// Per-area counts the Areas view shows beside the store's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AreaCounts {
    /// Clients on the caseload released within the next 14 days.
    pub releases_14_days: usize,
    /// Outstanding breaches by RAG, in `Rag::ALL` order (red, amber, green).
    pub breaches: [usize; 3],
}

/// How many days ahead the Areas view counts releases ("Rel: releases within 14
/// days"), today included as day 0.
pub const AREA_RELEASE_DAYS: u64 = 14;

/// [`AreaCounts`] for each area of `areas`, in the same order: of `releases` (open
/// custody of clients on the caseload), those whose planning date falls within
/// [`AREA_RELEASE_DAYS`] of `today`; and the outstanding breaches, given as (area,
/// RAG, how many).
#[must_use]
pub fn area_counts(
    areas: &[AreaSummary],
    releases: impl IntoIterator<Item = ReleaseDates>,
    breaches: impl IntoIterator<Item = (i64, Rag, usize)>,
    today: NaiveDate,
) -> Vec<AreaCounts> {
    let index: std::collections::HashMap<i64, usize> = areas
        .iter()
        .enumerate()
        .map(|(i, a)| (a.area.id, i))
        .collect();
    let mut counts = vec![AreaCounts::default(); areas.len()];
    let days = 0..=i64::try_from(AREA_RELEASE_DAYS).unwrap_or(i64::MAX);
    for r in releases {
        let soon = crate::domain::release::planning_date(r.expected, r.earliest, today)
            .is_some_and(|d| days.contains(&(d - today).num_days()));
        if let (true, Some(&i)) = (soon, index.get(&r.area_id)) {
            counts[i].releases_14_days += 1;
        }
    }
    for (area, rag, n) in breaches {
        if let Some(&i) = index.get(&area) {
            counts[i].breaches[rag as usize] += n;
        }
    }
    counts
}

/// [`area_counts`] from a whole snapshot's lists: its releases (those of clients on
/// the caseload) and its outstanding breaches.
#[must_use]
pub fn area_counts_of_lists(
    areas: &[AreaSummary],
    releases: &[ReleaseRow],
    breaches: &[BreachRow],
    today: NaiveDate,
) -> Vec<AreaCounts> {
    area_counts(
        areas,
        releases
            .iter()
            .filter(|r| r.client.on_caseload)
            .map(|r| ReleaseDates {
                area_id: r.client.area_id,
                expected: r.expected_release_date,
                earliest: r.earliest_release_date,
            }),
        breaches.iter().map(|b| (b.client.area_id, b.rag, 1)),
        today,
    )
}

/// Clients from week 11 onwards, longest on the caseload first (ties in name order):
/// the head of the 13-week sort order, found by binary search.
#[must_use]
pub fn review<R: Borrow<CaseloadRow>>(
    rows: &[R],
    orders: &SortOrders,
    today: NaiveDate,
) -> Vec<usize> {
    let Some(latest_start) =
        today.checked_sub_signed(chrono::TimeDelta::days(clock::APPROACHING_FROM_DAY))
    else {
        return Vec::new();
    };
    let order = orders.listed(SortKey::Clock);
    let reached = order.partition_point(|&i| {
        rows[i as usize]
            .borrow()
            .episode
            .clock_start(orders.clock_starts)
            .is_some_and(|start| start <= latest_start)
    });
    order[..reached].iter().map(|&i| i as usize).collect()
}

/// Whether a row belongs to the scope: `area` and `worker` are the scope's limits.
#[must_use]
pub fn in_scope(client: &ClientRef, area: Option<i64>, worker: Option<i64>) -> bool {
    area.is_none_or(|a| client.area_id == a)
        && worker.is_none_or(|w| client.care_coordinator_id == Some(w))
}

/// Releases in scope whose planning date is within `window_days` (or unknown dates
/// never: they cannot be planned for and are shown in the client record instead).
#[must_use]
pub fn releases(
    rows: &[ReleaseRow],
    area: Option<i64>,
    worker: Option<i64>,
    window_days: i64,
    today: NaiveDate,
) -> Vec<usize> {
    let mut list: Vec<(usize, NaiveDate)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| in_scope(&r.client, area, worker))
        .filter_map(|(i, r)| {
            let date = crate::domain::release::planning_date(
                r.expected_release_date,
                r.earliest_release_date,
                today,
            )?;
            let days = (date - today).num_days();
            (0..=window_days).contains(&days).then_some((i, date))
        })
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    list.into_iter().map(|(i, _)| i).collect()
}

/// Breaches in scope, in the order loaded.
#[must_use]
pub fn breaches(rows: &[BreachRow], area: Option<i64>, worker: Option<i64>) -> Vec<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, b)| in_scope(&b.client, area, worker))
        .map(|(i, _)| i)
        .collect()
}
