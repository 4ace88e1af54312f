//! Step 15: court orders and licences, each with every date it may end on, the
//! court's reviews of it, and the link from an aftercare episode to the order it
//! follows (003, "Completing a court sentence and DIP").

use rusqlite::Connection;

use super::{add_columns, index_missing};
use crate::store::error::StoreResult;

/// Step 15's tables and indexes, word for word as in `schema.sql`.
const COURT_ORDER: &str = include_str!("court_order.sql");

/// Step 15's column of `episode`, as `schema.sql` defines it.
const AFTERCARE_COLUMNS: [(&str, &str); 1] =
    [("follows_order_id", "INTEGER REFERENCES court_order (id)")];

/// Step 15: the `court_order` and `court_review` tables (skipped where a test's
/// rewind left them), and `episode.follows_order_id`. The DRR, ATR and licence flags
/// of older clients stay as they are: a flag holds no court, start or end date, so
/// no order can be made from one without inventing them.
pub(super) fn court_orders(tx: &Connection) -> StoreResult<()> {
    if index_missing(tx, "court_order")? {
        tx.execute_batch(COURT_ORDER)?;
    }
    add_columns(tx, "episode", &AFTERCARE_COLUMNS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrate::SCHEMA;

    #[test]
    fn step_fifteen_is_word_for_word_in_schema_sql() {
        assert!(SCHEMA.contains(COURT_ORDER));
        let lines: Vec<String> = SCHEMA
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        for (column, definition) in AFTERCARE_COLUMNS {
            let line = format!("{column} {definition},");
            assert!(lines.contains(&line), "{line}");
        }
    }
}
