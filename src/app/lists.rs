//! The lists each view shows, derived from the snapshot and the view state. Computed in
//! `update` when their inputs change, never while drawing.

use chrono::NaiveDate;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::domain::clock;
use crate::domain::model::{AreaSummary, CaseloadRow};
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
    /// Only clients in custody.
    pub custody: bool,
    /// Only clients in week 11 or later.
    pub week_11: bool,
    /// Only the session user's own clients.
    pub mine: bool,
    /// Only this area (id, name).
    pub area: Option<(i64, String)>,
    /// Only this care co-ordinator (id, name).
    pub worker: Option<(i64, String)>,
}

impl CaseloadFilter {
    /// Short labels of the active chips, for the view's title.
    #[must_use]
    pub fn chips(&self) -> Vec<String> {
        let mut chips: Vec<String> = [
            (self.iom, "IOM"),
            (self.ppo, "PPO"),
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

    fn keeps(&self, row: &CaseloadRow, me: Option<i64>, today: NaiveDate) -> bool {
        (!self.iom || row.flags.iom)
            && (!self.ppo || row.flags.ppo)
            && (!self.custody || row.custody.is_some())
            && (!self.week_11
                || row
                    .episode
                    .care_plan_date
                    .is_some_and(|d| (today - d).num_days() >= clock::APPROACHING_FROM_DAY))
            && (!self.mine || (me.is_some() && row.care_coordinator_id == me))
            && self.area.as_ref().is_none_or(|(id, _)| row.area_id == *id)
            && self
                .worker
                .as_ref()
                .is_none_or(|(id, _)| row.care_coordinator_id == Some(*id))
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

/// The text fuzzy search matches a row against: the display name, then the reference.
#[must_use]
pub fn search_text(row: &CaseloadRow) -> String {
    format!("{} {}", row.display_name(), row.reference)
}

/// What the caseload searches on, computed once per snapshot so a keystroke never
/// re-derives it for every row. (Names need no key: the store returns rows in name
/// order, so a row's index is its place in that order.)
#[derive(Debug, Clone, Default)]
pub struct RowKeys {
    /// [`search_text`] of each row.
    pub search: Vec<String>,
}

impl RowKeys {
    /// Keys for `rows`, index for index.
    #[must_use]
    pub fn new(rows: &[CaseloadRow]) -> Self {
        Self {
            search: rows.iter().map(search_text).collect(),
        }
    }
}

/// One caseload row to show: its index in the snapshot and its search score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Index into the snapshot's caseload.
    pub row: usize,
    /// Fuzzy score (0 without a search).
    pub score: i64,
}

/// The caseload after filters, search and sort. With a search, best matches come
/// first; otherwise rows follow the sort key (`descending` reverses it). `within`, the
/// result of a shorter query this one extends, narrows the rows searched: whatever
/// matches the longer query matched the shorter one.
#[must_use]
#[allow(clippy::too_many_arguments)] // the view state it depends on, passed explicitly
pub fn caseload(
    rows: &[CaseloadRow],
    keys: &RowKeys,
    filter: &CaseloadFilter,
    query: &str,
    sort: SortKey,
    descending: bool,
    me: Option<i64>,
    today: NaiveDate,
    within: Option<&[Entry]>,
) -> Vec<Entry> {
    let query = query.trim();
    if query.is_empty() {
        let mut entries: Vec<Entry> = (0..rows.len())
            .filter(|&i| filter.keeps(&rows[i], me, today))
            .map(|row| Entry { row, score: 0 })
            .collect();
        let primary: Vec<Primary> = entries
            .iter()
            .map(|e| primary_key(&rows[e.row], sort, today))
            .collect();
        let mut order: Vec<usize> = (0..entries.len()).collect();
        // Rows arrive in name order, so the row index breaks ties by name.
        order.sort_by(|&a, &b| {
            let (ra, rb) = (entries[a].row, entries[b].row);
            primary[a].cmp(&primary[b]).then(ra.cmp(&rb))
        });
        if descending {
            order.reverse();
        }
        entries = order.into_iter().map(|i| entries[i]).collect();
        return entries;
    }
    let matcher = SkimMatcherV2::default();
    let score = |row: usize| {
        matcher
            .fuzzy_match(&keys.search[row], query)
            .map(|score| Entry { row, score })
    };
    let mut entries: Vec<Entry> = match within {
        Some(previous) => previous.iter().filter_map(|e| score(e.row)).collect(),
        None => (0..rows.len())
            .filter(|&i| filter.keeps(&rows[i], me, today))
            .filter_map(score)
            .collect(),
    };
    entries.sort_by(|a, b| b.score.cmp(&a.score).then(a.row.cmp(&b.row)));
    entries
}

/// The part of a sort key that depends on the column, computed once per row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Primary {
    /// Sort by name alone.
    Name,
    /// Text, e.g. the co-ordinator (none first).
    Text(Option<String>),
    /// References in number order: `C-99` before `C-100`.
    Reference(usize, String),
    /// Journey status.
    Status(status::ClientStatus),
    /// A date with a flag that puts missing dates last (`true` = missing).
    Date(bool, Option<NaiveDate>),
}

fn primary_key(row: &CaseloadRow, key: SortKey, today: NaiveDate) -> Primary {
    match key {
        SortKey::Name => Primary::Name,
        SortKey::Reference => Primary::Reference(row.reference.len(), row.reference.to_lowercase()),
        SortKey::Coordinator => Primary::Text(row.care_coordinator.clone()),
        SortKey::Status => Primary::Status(status::status(&row.episode, row.custody.as_ref())),
        // Longest on the caseload first, not started last.
        SortKey::Clock => Primary::Date(
            row.episode.care_plan_date.is_none(),
            row.episode.care_plan_date,
        ),
        // Longest without contact first ("never" first of all).
        SortKey::LastContact => Primary::Date(false, row.last_contact),
        // Soonest first, none last.
        SortKey::NextDate => {
            let next = status::next_key_date(row, today).map(|(_, d)| d);
            Primary::Date(next.is_none(), next)
        }
    }
}

/// Per-area counts the Areas view shows beside the store's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AreaCounts {
    /// Clients on the caseload released within the next 14 days.
    pub releases_14_days: usize,
    /// Outstanding breaches by RAG, in `Rag::ALL` order (red, amber, green).
    pub breaches: [usize; 3],
}

/// [`AreaCounts`] for each area of `areas`, in the same order, in one pass over the
/// releases and breaches.
#[must_use]
pub fn area_counts(
    areas: &[AreaSummary],
    releases: &[ReleaseRow],
    breaches: &[BreachRow],
    today: NaiveDate,
) -> Vec<AreaCounts> {
    let index: std::collections::HashMap<i64, usize> = areas
        .iter()
        .enumerate()
        .map(|(i, a)| (a.area.id, i))
        .collect();
    let mut counts = vec![AreaCounts::default(); areas.len()];
    for r in releases.iter().filter(|r| r.client.on_caseload) {
        let soon = crate::domain::release::planning_date(
            r.expected_release_date,
            r.earliest_release_date,
            today,
        )
        .is_some_and(|d| (0..=14).contains(&(d - today).num_days()));
        if let (true, Some(&i)) = (soon, index.get(&r.client.area_id)) {
            counts[i].releases_14_days += 1;
        }
    }
    for b in breaches {
        if let Some(&i) = index.get(&b.client.area_id) {
            counts[i].breaches[b.rag as usize] += 1;
        }
    }
    counts
}

/// Clients from week 11 onwards, longest on the caseload first.
#[must_use]
pub fn review(rows: &[CaseloadRow], today: NaiveDate) -> Vec<usize> {
    let mut list: Vec<(usize, NaiveDate)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let start = r.episode.care_plan_date?;
            ((today - start).num_days() >= clock::APPROACHING_FROM_DAY).then_some((i, start))
        })
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    list.into_iter().map(|(i, _)| i).collect()
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
