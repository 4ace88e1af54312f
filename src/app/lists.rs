//! The lists each view shows, derived from the snapshot and the view state. Computed in
//! `update` when their inputs change, never while drawing.

use chrono::NaiveDate;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::domain::clock;
use crate::domain::model::CaseloadRow;
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

/// One caseload row to show: its index in the snapshot and its search score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Index into the snapshot's caseload.
    pub row: usize,
    /// Fuzzy score (0 without a search).
    pub score: i64,
}

/// The caseload after filters, search and sort. With a search, best matches come
/// first; otherwise rows follow the sort key (`descending` reverses it).
#[must_use]
pub fn caseload(
    rows: &[CaseloadRow],
    filter: &CaseloadFilter,
    query: &str,
    sort: SortKey,
    descending: bool,
    me: Option<i64>,
    today: NaiveDate,
) -> Vec<Entry> {
    let matcher = SkimMatcherV2::default();
    let query = query.trim();
    let mut entries: Vec<Entry> = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| filter.keeps(row, me, today))
        .filter_map(|(index, row)| {
            if query.is_empty() {
                Some(Entry {
                    row: index,
                    score: 0,
                })
            } else {
                matcher
                    .fuzzy_match(&search_text(row), query)
                    .map(|score| Entry { row: index, score })
            }
        })
        .collect();
    if query.is_empty() {
        entries.sort_by(|a, b| {
            let order = compare(&rows[a.row], &rows[b.row], sort, today);
            if descending { order.reverse() } else { order }
        });
    } else {
        entries.sort_by(|a, b| b.score.cmp(&a.score).then(a.row.cmp(&b.row)));
    }
    entries
}

fn compare(a: &CaseloadRow, b: &CaseloadRow, key: SortKey, today: NaiveDate) -> std::cmp::Ordering {
    let by_name = || {
        a.family_name
            .to_lowercase()
            .cmp(&b.family_name.to_lowercase())
            .then_with(|| {
                a.given_name
                    .to_lowercase()
                    .cmp(&b.given_name.to_lowercase())
            })
    };
    let primary = match key {
        SortKey::Name => std::cmp::Ordering::Equal,
        SortKey::Reference => reference_order(&a.reference).cmp(&reference_order(&b.reference)),
        SortKey::Coordinator => a.care_coordinator.cmp(&b.care_coordinator),
        SortKey::Status => status::status(&a.episode, a.custody.as_ref())
            .cmp(&status::status(&b.episode, b.custody.as_ref())),
        // Longest on the caseload first, not started last.
        SortKey::Clock => b
            .episode
            .care_plan_date
            .is_some()
            .cmp(&a.episode.care_plan_date.is_some())
            .then(a.episode.care_plan_date.cmp(&b.episode.care_plan_date)),
        // Longest without contact first.
        SortKey::LastContact => a.last_contact.cmp(&b.last_contact),
        // Soonest first, none last.
        SortKey::NextDate => {
            let next = |r: &CaseloadRow| status::next_key_date(r, today).map(|(_, d)| d);
            next(a)
                .is_none()
                .cmp(&next(b).is_none())
                .then(next(a).cmp(&next(b)))
        }
    };
    primary
        .then_with(by_name)
        .then(a.client_id.cmp(&b.client_id))
}

/// Orders `C-99` before `C-100`: by length, then text.
fn reference_order(reference: &str) -> (usize, String) {
    (reference.len(), reference.to_lowercase())
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
