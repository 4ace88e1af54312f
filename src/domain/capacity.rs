//! Who has capacity: each care co-ordinator's load in one area, for a team leader
//! allocating a referral or covering an absence. Counted from the active caseload and
//! the Today queue the other views already hold, with their rules: the 13-week count
//! is [`clock::at_or_past_benchmark`] (as the Areas view counts it), and the Today
//! items are the queue's own ([`triage::queue`](super::triage::queue)), late by
//! [`Detail::overdue`](super::triage::Detail::overdue).

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;

use super::clock;
use super::model::CaseloadRow;
use super::triage::Item;

/// One care co-ordinator's load in an area (or the area's unallocated clients).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    /// Clients with an open episode.
    pub active: usize,
    /// Of those, prolific and priority offenders.
    pub ppo: usize,
    /// Of those, on integrated offender management.
    pub iom: usize,
    /// Of those, in custody now.
    pub in_custody: usize,
    /// Items on the Today queue for these clients.
    pub today: usize,
    /// Of those items, the ones already late.
    pub overdue: usize,
    /// Clients at or past the 13-week benchmark (day 91 or later).
    pub past_13_weeks: usize,
}

/// The load of each care co-ordinator with clients in `area_id` (`None`: clients with
/// nobody allocated), from the active caseload `rows` and the Today `queue` built from
/// them at `now`, the 13-week clock starting as the team's `clock_starts` says. Rows
/// and items of other areas are ignored; a co-ordinator with no client in the area has
/// no entry.
#[must_use]
pub fn loads<R: Borrow<CaseloadRow>>(
    rows: &[R],
    area_id: i64,
    queue: &[Item],
    now: NaiveDateTime,
    clock_starts: clock::ClockStart,
) -> BTreeMap<Option<i64>, Load> {
    let today = now.date();
    let mut loads: BTreeMap<Option<i64>, Load> = BTreeMap::new();
    let mut whose: HashMap<i64, Option<i64>> = HashMap::new();
    for row in rows.iter().map(Borrow::borrow) {
        if row.area_id != area_id {
            continue;
        }
        whose.insert(row.client_id, row.care_coordinator_id);
        let load = loads.entry(row.care_coordinator_id).or_default();
        load.active += 1;
        load.ppo += usize::from(row.flags.ppo);
        load.iom += usize::from(row.flags.iom);
        load.in_custody += usize::from(row.custody.is_some());
        load.past_13_weeks += usize::from(
            row.episode
                .clock_start(clock_starts)
                .is_some_and(|start| clock::at_or_past_benchmark(start, today)),
        );
    }
    for item in queue {
        if let Some(coordinator) = whose.get(&item.client_id) {
            let load = loads.entry(*coordinator).or_default();
            load.today += 1;
            load.overdue += usize::from(item.detail.overdue(now));
        }
    }
    loads
}
