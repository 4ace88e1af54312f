//! Reads for a first screen: the few caseload rows the head of the Today queue can come
//! from (see [`Cut`]), and the outstanding breaches as the queue ranks them, so that a
//! large caseload shows its first rows before the whole of it is read.

use std::sync::Arc;

use chrono::{Days, NaiveDate};

use super::queries::{CASELOAD_SELECT, by_name};
use super::read::{code, leading_date};
use super::sql::{self, Value};
use super::views::tried;
use super::{Store, StoreResult};
use crate::domain::model::CaseloadRow;
use crate::domain::triage::{Cut, OpenBreach};

/// The active caseload's rows, as the windows' look-ups join them.
const SCOPE: &str = "client c
    JOIN episode e ON e.client_id = c.id AND e.closure_date IS NULL
    LEFT JOIN client_last_contact lc ON lc.client_id = c.id";

/// [`SCOPE`] from the last contacts, so that SQLite can walk their `contact_at` index.
const CONTACTS: &str = "client_last_contact lc
    JOIN client c ON c.id = lc.client_id
    JOIN episode e ON e.client_id = c.id AND e.closure_date IS NULL";

/// The rows whose last contact meets `condition` (on `contact_at`): from the last
/// contacts' index, or (`few`, one worker's caseload) as each row is read.
fn contacts(few: bool, condition: &str) -> String {
    if few {
        format!("lc.{condition}")
    } else {
        format!("c.id IN (SELECT client_id FROM client_last_contact WHERE {condition})")
    }
}

/// A day as the store writes it.
fn day(d: NaiveDate) -> Value {
    Value::Text(d.format("%Y-%m-%d").to_string())
}

/// Adds to `limits` (with their `values`) what keeps `only`'s rows (`few`: the scope is
/// one worker's caseload).
fn pick(only: Only, few: bool, limits: &mut Vec<String>, values: &mut Vec<Value>) {
    match only {
        Only::All => {}
        Only::Unallocated => limits.push("c.care_coordinator_id IS NULL".to_owned()),
        Only::HeldBy(worker) => {
            values.push(Value::Integer(worker));
            limits.push(format!("c.care_coordinator_id = ?{}", values.len()));
        }
        Only::NoCarePlan => limits.push("e.care_plan_date IS NULL".to_owned()),
        Only::NeverContacted => limits.push(contacts(few, "contact_at IS NULL")),
        Only::NotAssessed => {
            limits.push("e.care_plan_date IS NULL AND e.assessment_date IS NULL".to_owned());
        }
        Only::AssessedOnly => {
            limits.push("e.care_plan_date IS NULL AND e.assessment_date IS NOT NULL".to_owned());
        }
        Only::CarePlanned { engaged } => limits.push(format!(
            "e.care_plan_date IS NOT NULL AND e.engaged = {}",
            i64::from(engaged)
        )),
        Only::InCustody => limits.push("cu.id IS NOT NULL".to_owned()),
        Only::NoReviewDates => limits.push(
            "((e.next_review_date IS NULL AND e.extension_review_date IS NULL)
              OR (cu.id IS NOT NULL AND cu.expected_release_date IS NULL
                  AND cu.earliest_release_date IS NULL))"
                .to_owned(),
        ),
    }
}

/// What picks the rows of [`Window::KeyDates`]: a date the next key date may be
/// (`domain::status::next_key_date`: in custody the release planning date, the earliest
/// release or the expected one; else a review date, an extension review date or a
/// 13-week benchmark from today on, 91 days after a care plan or an assessment date)
/// on or before `until` (`descending`: on or after), or any such date. `everyone`:
/// read from each date's index (a `UNION ALL`), else as the scope's rows are read.
fn key_dates(
    today: NaiveDate,
    until: Option<NaiveDate>,
    descending: bool,
    everyone: bool,
    values: &mut Vec<Value>,
) -> String {
    let from = today - Days::new(91);
    let (within, started) = match until {
        None => {
            values.push(day(from));
            ("IS NOT NULL".to_owned(), format!(">= ?{}", values.len()))
        }
        Some(until) => {
            values.push(day(until));
            let n = values.len();
            let start = until - Days::new(91);
            if descending {
                values.push(day(start.max(from)));
                (format!(">= ?{n}"), format!(">= ?{}", n + 1))
            } else {
                values.push(day(from));
                values.push(day(start));
                (
                    format!("<= ?{n}"),
                    format!("BETWEEN ?{} AND ?{}", n + 1, n + 2),
                )
            }
        }
    };
    // The open episode's dates and the custody's, their columns after `at`.
    let episodes = |at: &str| {
        [
            format!("{at}next_review_date {within}"),
            format!("{at}extension_review_date {within}"),
            format!("{at}care_plan_date {started}"),
            format!("{at}care_plan_date IS NOT NULL AND {at}assessment_date {started}"),
        ]
    };
    let custody = |at: &str| {
        [
            format!("{at}expected_release_date {within}"),
            format!("{at}earliest_release_date {within}"),
        ]
    };
    if everyone {
        let parts: Vec<String> = episodes("")
            .iter()
            .map(|on| format!("SELECT client_id FROM episode WHERE closure_date IS NULL AND {on}"))
            .chain(custody("").iter().map(|on| {
                format!("SELECT client_id FROM custody WHERE actual_release_date IS NULL AND {on}")
            }))
            .collect();
        format!("c.id IN ({})", parts.join(" UNION ALL "))
    } else {
        let parts: Vec<String> = episodes("e.")
            .into_iter()
            .chain(custody("cu."))
            .map(|on| format!("({on})"))
            .collect();
        format!("({})", parts.join(" OR "))
    }
}

/// Which rows a windowed caseload read picks (see [`Store::caseload_window`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The first rows in name order of those `Only` keeps.
    Names(Only),
    /// The first rows in reference order (by length, then ignoring case).
    References,
    /// Of the clients contacted, the first rows by last contact.
    LastContacts,
    /// Of the rows with a care plan date, those whose 13-week clock may start among
    /// the first (or the last) rows'.
    ClockStarts,
    /// The first (or last) rows by each date a next key date is taken from: the
    /// care-plan review, the extension review, the care plan (from 91 days before
    /// `today`, when descending: by its latest) and the expected release. Any rows
    /// with a date: the caller bounds the next key dates of the first rows by theirs.
    KeyDateHeads {
        /// The day the next key dates are for.
        today: NaiveDate,
    },
    /// The rows with a date their next key date may be (see [`Window::KeyDates`]'s
    /// fields) on or before `until` (descending: on or after), or any such date.
    KeyDates {
        /// The day the next key dates are for: a 13-week benchmark counts from it.
        today: NaiveDate,
        /// The bound, if any.
        until: Option<NaiveDate>,
    },
}

/// The rows a window in name order keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    /// Every row in scope.
    All,
    /// The clients nobody holds.
    Unallocated,
    /// The clients of this worker.
    HeldBy(i64),
    /// The clients without a care plan date.
    NoCarePlan,
    /// The clients never contacted.
    NeverContacted,
    /// The clients with neither an assessment nor a care plan date.
    NotAssessed,
    /// The clients assessed, without a care plan date.
    AssessedOnly,
    /// The clients with a care plan date, engaged or not.
    CarePlanned {
        /// Engaged in treatment.
        engaged: bool,
    },
    /// The clients in custody now.
    InCustody,
    /// The clients without a review or an extension review date, and those in custody
    /// without a release date: all those with no next key date, and a few more.
    NoReviewDates,
}

/// Sorts caseload rows read by several windows into name order, the order a whole
/// read has, each row once.
pub fn in_name_order(rows: &mut Vec<Arc<CaseloadRow>>) {
    rows.sort_unstable_by(|a, b| by_name(a, b));
    rows.dedup_by_key(|r| r.client_id);
}

impl Store {
    /// The active caseload rows, in one area and/or of one care co-ordinator as
    /// [`Store::caseload`], of every client who may have an item of the Today queue at
    /// or above `cut`: one of `breach_clients` (whose breach scores that), no contact
    /// since `cut.unseen_since` (or none ever, and referred by then), a referral
    /// waiting since `cut.waiting_since`, and the clients of each other kind the cut
    /// lets in. In name order. Each part is read from its own index (`UNION ALL`: a
    /// plain `UNION` makes SQLite merge the parts in order, scanning every client for
    /// the first).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn caseload_candidates(
        &self,
        (area_id, worker_id): (Option<i64>, Option<i64>),
        cut: &Cut,
        breach_clients: &[i64],
    ) -> StoreResult<Vec<Arc<CaseloadRow>>> {
        // A contact stamped `YYYY-MM-DD HH:MM` before the next day is on or before it.
        let mut values = vec![
            day(cut.unseen_since + Days::new(1)),
            day(cut.unseen_since),
            day(cut.waiting_since),
            Value::Text(serde_json::to_string(breach_clients).unwrap_or_default()),
        ];
        let mut parts = vec![
            "SELECT client_id FROM client_last_contact WHERE contact_at < ?1".to_owned(),
            "SELECT n.client_id FROM client_last_contact n
               JOIN episode w ON w.client_id = n.client_id AND w.closure_date IS NULL
              WHERE n.contact_at IS NULL AND w.referral_date <= ?2"
                .to_owned(),
            "SELECT client_id FROM episode
              WHERE closure_date IS NULL AND assessment_date IS NULL AND referral_date <= ?3"
                .to_owned(),
            self.conn.dialect().json_integers("?4"),
        ];
        // The open episodes past one of the cut's dates, each only when the cut has it.
        for (by, condition) in [
            (cut.review_due_by, "next_review_date"),
            (cut.care_plan_by, "care_plan_date"),
            (
                cut.assessed_by,
                "care_plan_date IS NOT NULL AND assessment_date",
            ),
        ] {
            if let Some(by) = by {
                values.push(day(by));
                parts.push(format!(
                    "SELECT client_id FROM episode
                      WHERE closure_date IS NULL AND {condition} <= ?{}",
                    values.len()
                ));
            }
        }
        if cut.custody {
            parts
                .push("SELECT client_id FROM custody WHERE actual_release_date IS NULL".to_owned());
        }
        if cut.orders {
            parts.push("SELECT client_id FROM court_order WHERE ended_on IS NULL".to_owned());
        }
        if cut.consent {
            parts.push(
                "SELECT a.client_id FROM episode a JOIN client k ON k.id = a.client_id
                  WHERE a.closure_date IS NULL AND a.assessment_date IS NOT NULL
                    AND k.consent_to_share = 0"
                    .to_owned(),
            );
        }
        let mut limits = Vec::new();
        if let Some(area) = area_id {
            values.push(Value::Integer(area));
            limits.push(format!(" AND c.area_id = ?{}", values.len()));
        }
        if let Some(worker) = worker_id {
            values.push(Value::Integer(worker));
            limits.push(format!(" AND c.care_coordinator_id = ?{}", values.len()));
        }
        let limits = limits.concat();
        let sql = format!(
            "WITH candidate (id) AS ({})
             {CASELOAD_SELECT} WHERE c.id IN (SELECT id FROM candidate){limits}",
            parts.join(" UNION ALL ")
        );
        let mut rows = Vec::new();
        self.each_caseload_row(&sql, &values, |row| rows.push(Arc::new(row)))?;
        rows.sort_unstable_by(|a, b| by_name(a, b));
        Ok(rows)
    }

    /// Active caseload rows in one area and/or of one care co-ordinator (as
    /// [`Store::caseload`]) that `window` picks for a first page of `rows` rows
    /// (`descending`: from the end of its order), in name order. A window holds at
    /// least the rows its order puts first (ties included), and may hold a few more:
    /// the caller sorts them by the domain's own order and keeps the first `rows`.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn caseload_window(
        &self,
        (area_id, worker_id): (Option<i64>, Option<i64>),
        window: Window,
        rows: usize,
        descending: bool,
    ) -> StoreResult<Vec<Arc<CaseloadRow>>> {
        let mut values = Vec::new();
        let mut limits = Vec::new();
        if let Some(area) = area_id {
            values.push(Value::Integer(area));
            limits.push(format!("c.area_id = ?{}", values.len()));
        }
        if let Some(worker) = worker_id {
            values.push(Value::Integer(worker));
            limits.push(format!("c.care_coordinator_id = ?{}", values.len()));
        }
        let few = worker_id.is_some();
        let order = self.narrow(window, rows, (descending, few), &mut limits, &mut values)?;
        let limits = if limits.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", limits.join(" AND "))
        };
        // Walking the name index finds the first page of an area or of everyone after
        // a few rows, where SQLite's own plan sorts the whole scope (50-75 ms at
        // 100,000 clients); one worker's few clients are found by their own index.
        let select = if worker_id.is_none()
            && matches!(window, Window::Names(only) if only != Only::Unallocated
                && !matches!(only, Only::HeldBy(_) | Only::NeverContacted))
        {
            CASELOAD_SELECT.replacen(
                "FROM client c",
                &format!(
                    "FROM client c{}",
                    self.conn.dialect().indexed_by("client_name_dob")
                ),
                1,
            )
        } else {
            CASELOAD_SELECT.to_owned()
        };
        let sql = format!("{select} {limits} {order}");
        let mut rows = Vec::new();
        self.each_caseload_row(&sql, &values, |row| rows.push(Arc::new(row)))?;
        in_name_order(&mut rows);
        Ok(rows)
    }

    /// Adds to `limits` (with their `values`) what picks `window`'s rows for a first
    /// page of `rows` rows (`descending`: from the end); returns the order and limit a
    /// window in name order reads them by (empty for the others).
    /// `few`: the scope is one worker's caseload, whose rows their own index finds.
    fn narrow(
        &self,
        window: Window,
        rows: usize,
        (descending, few): (bool, bool),
        limits: &mut Vec<String>,
        values: &mut Vec<Value>,
    ) -> StoreResult<String> {
        let first = if descending { "DESC" } else { "" };
        let limit = i64::try_from(rows).unwrap_or(i64::MAX);
        let mut order = String::new();
        match window {
            Window::Names(only) => {
                pick(only, few, limits, values);
                values.push(Value::Integer(limit));
                let dialect = self.conn.dialect();
                order = format!(
                    "ORDER BY {} {first}, {} {first}, c.id {first} LIMIT ?{}",
                    dialect.nocase("c.family_name"),
                    dialect.nocase("c.given_name"),
                    values.len()
                );
            }
            Window::References => self.references(rows, first, limits, values)?,
            Window::LastContacts => {
                // Read from the `contact_at` index: every client has a row there, whose
                // date is NULL until a first contact.
                let mut contacted = limits.clone();
                contacted.push("lc.contact_at IS NOT NULL".to_owned());
                let sort = format!("lc.contact_at {first}");
                let from = if few { SCOPE } else { CONTACTS };
                let at = self.nth_from(from, &contacted, values, "lc.contact_at", &sort, rows)?;
                // The list orders by the day of the last contact, so the whole day of
                // the `rows`-th (a contact stamped `YYYY-MM-DD HH:MM` is on or after
                // that day, and before the next).
                let on = at.and_then(|mut at| at.pop()).and_then(|at| match at {
                    Value::Text(at) => leading_date(&at),
                    _ => None,
                });
                let since = match on {
                    Some(on) => {
                        let (from, on) = if descending {
                            (">=", on)
                        } else {
                            ("<", on + Days::new(1))
                        };
                        values.push(day(on));
                        format!("contact_at {from} ?{}", values.len())
                    }
                    None => "contact_at IS NOT NULL".to_owned(),
                };
                limits.push(contacts(few, &since));
            }
            Window::ClockStarts => {
                // A clock starts on the assessment or the care plan date, never after
                // the care plan: the `rows`-th care plan date bounds the first rows'
                // starts, and the `rows`-th latest of the earlier of the two dates
                // bounds the last rows'.
                let everyone = limits.is_empty();
                limits.push("e.care_plan_date IS NOT NULL".to_owned());
                let key = if descending {
                    self.conn.dialect().least(
                        "coalesce(e.assessment_date, e.care_plan_date)",
                        "e.care_plan_date",
                    )
                } else {
                    "e.care_plan_date".to_owned()
                };
                let sort = format!("{key} {first}");
                if let Some(mut at) = self.nth_from(SCOPE, limits, values, &key, &sort, rows)? {
                    values.extend(at.pop());
                    let n = values.len();
                    limits.push(if descending {
                        format!("e.care_plan_date >= ?{n}")
                    } else if everyone {
                        // Everyone's: each side from its own index
                        // (`episode_care_plan`, `episode_assessment`); with `OR`
                        // SQLite read every open episode (0.3 s at 300,000 clients).
                        // Not in an area or a worker's caseload, whose clients are
                        // found first: there the day bounds the whole region's
                        // episodes, many more than the scope's (seconds).
                        format!(
                            "e.id IN (SELECT id FROM episode
                                       WHERE closure_date IS NULL AND care_plan_date <= ?{n}
                                      UNION ALL
                                      SELECT id FROM episode
                                       WHERE closure_date IS NULL AND assessment_date <= ?{n})"
                        )
                    } else {
                        format!("(e.care_plan_date <= ?{n} OR e.assessment_date <= ?{n})")
                    });
                }
            }
            Window::KeyDateHeads { today } => {
                self.key_date_heads(today, rows, (first, few), limits, values)?;
            }
            Window::KeyDates { today, until } => {
                let everyone = limits.is_empty();
                limits.push(key_dates(today, until, descending, everyone, values));
            }
        }
        Ok(order)
    }

    /// Adds to `limits` what picks the first `rows` rows in scope by each date a next
    /// key date is taken from ([`Window::KeyDateHeads`]; `first`: `DESC` for the last;
    /// `few`: the scope is one worker's caseload).
    fn key_date_heads(
        &self,
        today: NaiveDate,
        rows: usize,
        (first, few): (&str, bool),
        limits: &mut Vec<String>,
        values: &mut Vec<Value>,
    ) -> StoreResult<()> {
        // Each date's first rows walked from its index, the scope's found among them:
        // in an area SQLite's own plan read and sorted the whole area's (0.4 s at
        // 300,000 clients). One worker's few clients are found by their own index.
        let dialect = self.conn.dialect();
        let by = |index: &str| {
            if few {
                String::new()
            } else {
                dialect.indexed_by(index)
            }
        };
        let episodes = |index| SCOPE.replacen("episode e ", &format!("episode e{} ", by(index)), 1);
        let custody = format!(
            "{SCOPE} JOIN custody cu{} ON cu.client_id = c.id AND cu.actual_release_date IS NULL",
            by("custody_expected_release")
        );
        // A benchmark before today is no next key date: ascending, from 91 days ago.
        let mut planned = limits.clone();
        let mut planned_values = values.clone();
        if first.is_empty() {
            planned_values.push(day(today - Days::new(91)));
            planned.push(format!("e.care_plan_date >= ?{}", planned_values.len()));
        }
        let mut ids = Vec::new();
        for (from, column, picked, picked_values) in [
            (
                episodes("episode_review_due"),
                "e.next_review_date",
                &*limits,
                &*values,
            ),
            (
                episodes("episode_extension_review"),
                "e.extension_review_date",
                limits,
                values,
            ),
            (
                episodes("episode_care_plan"),
                "e.care_plan_date",
                &planned,
                &planned_values,
            ),
            (custody, "cu.expected_release_date", limits, values),
        ] {
            let mut dated = picked.clone();
            dated.push(format!("{column} IS NOT NULL"));
            let sort = format!("{column} {first}");
            let head = self.head_from(&from, &dated, picked_values, "c.id", &sort, rows)?;
            ids.extend(head.into_iter().filter_map(|r| match r.first() {
                Some(Value::Integer(id)) => Some(id.to_string()),
                _ => None,
            }));
        }
        values.push(Value::Text(format!("[{}]", ids.join(","))));
        let list = dialect.json_integers(&format!("?{}", values.len()));
        limits.push(format!("c.id IN ({list})"));
        Ok(())
    }

    /// Adds to `limits` what picks the first `rows` in reference order (`first`:
    /// `DESC` reversed, else empty).
    fn references(
        &self,
        rows: usize,
        first: &str,
        limits: &mut Vec<String>,
        values: &mut Vec<Value>,
    ) -> StoreResult<()> {
        // The order of references by number (`C-99` before `C-100`): by length,
        // then as text ignoring case. The first rows, and any reference equal to
        // the last ignoring case: found in the reference index, as such a
        // reference lies between the last in capitals and in small letters.
        let dialect = self.conn.dialect();
        let sort = format!(
            "length(c.reference) {first}, {} {first}",
            dialect.nocase("c.reference")
        );
        let head = self.head_from(SCOPE, limits, values, "c.id, c.reference", &sort, rows)?;
        if let (true, Some([_, Value::Text(last)])) =
            (head.len() == rows, head.last().map(Vec::as_slice))
        {
            let ids: Vec<String> = head
                .iter()
                .filter_map(|r| match r.first() {
                    Some(Value::Integer(id)) => Some(id.to_string()),
                    _ => None,
                })
                .collect();
            values.push(Value::Text(format!("[{}]", ids.join(","))));
            values.push(Value::Text(last.to_ascii_uppercase()));
            values.push(Value::Text(last.to_ascii_lowercase()));
            values.push(Value::Text(last.clone()));
            let n = values.len();
            // Between the capitals and the small letters byte for byte, as the
            // reference index (SQLite's) orders them.
            limits.push(format!(
                "(c.id IN ({}) OR ({} BETWEEN ?{} AND ?{} AND {} = {}))",
                dialect.json_integers(&format!("?{}", n - 3)),
                dialect.binary("c.reference"),
                n - 2,
                n - 1,
                dialect.nocase("c.reference"),
                dialect.nocase(&format!("CAST(?{n} AS TEXT)")),
            ));
        }
        Ok(())
    }

    /// The values of `key` in the `rows`-th of the rows joined as `from` says (the
    /// scope's: [`SCOPE`]) that `limits` keep, in the order `sort`; `None` if there are
    /// fewer rows.
    fn nth_from(
        &self,
        from: &str,
        limits: &[String],
        values: &[Value],
        key: &str,
        sort: &str,
        rows: usize,
    ) -> StoreResult<Option<Vec<Value>>> {
        let mut head = self.head_from(from, limits, values, key, sort, rows)?;
        Ok(if head.len() == rows { head.pop() } else { None })
    }

    /// The values of `key` in the first `rows` of the rows joined as `from` says (the
    /// scope's: [`SCOPE`]) that `limits` keep, in the order `sort`.
    fn head_from(
        &self,
        from: &str,
        limits: &[String],
        values: &[Value],
        key: &str,
        sort: &str,
        rows: usize,
    ) -> StoreResult<Vec<Vec<Value>>> {
        let limits = if limits.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", limits.join(" AND "))
        };
        let limit = i64::try_from(rows).unwrap_or(i64::MAX);
        let sql = format!("SELECT {key} FROM {from} {limits} ORDER BY {sort} LIMIT {limit}");
        Ok(self
            .conn
            .query(&sql, values)?
            .into_iter()
            .map(sql::Row::into_values)
            .collect())
    }

    /// Outstanding breaches as the Today queue ranks them, in the order of
    /// [`Store::breaches`] (by deadline), without the client columns the Breaches view
    /// shows: joining every breach's client is a random read of the client table each,
    /// 0.1 s at 300,000 clients.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn open_breaches(&self) -> StoreResult<Vec<OpenBreach>> {
        let rows = self.conn.query(
            "SELECT b.client_id, b.rag, b.raised_at, b.deadline,
                    (SELECT count(*) FROM reengagement r WHERE r.breach_id = b.id) AS tried_count,
                    (SELECT r.attempted_at FROM reengagement r WHERE r.breach_id = b.id
                      ORDER BY r.attempted_at DESC, r.id DESC LIMIT 1) AS tried_at,
                    (SELECT r.how FROM reengagement r WHERE r.breach_id = b.id
                      ORDER BY r.attempted_at DESC, r.id DESC LIMIT 1) AS tried_how
               FROM breach b WHERE b.status = 'outstanding' ORDER BY b.deadline, b.id",
            &[],
        )?;
        let breaches = rows.iter().map(|r| {
            Ok(OpenBreach {
                client_id: r.get("client_id")?,
                rag: code(r, "rag")?,
                deadline: r.get("deadline")?,
                raised_at: r.get("raised_at")?,
                tried: tried(r)?,
            })
        });
        Ok(breaches.collect::<sql::Result<_>>()?)
    }
}
