//! Step 13: the duties of 003 and 002 the record did not carry.

use rusqlite::Connection;

use super::{add_columns, index_missing};
use crate::store::error::StoreResult;

/// Step 13's table and index, word for word as in `schema.sql`.
const REENGAGEMENT: &str = include_str!("reengagement.sql");

/// Step 13's columns of `custody` (remand or sentence; the DAN 24/7 advice before
/// release), each as `schema.sql` defines it.
const CUSTODY_COLUMNS: [(&str, &str); 2] = [
    (
        "reception_kind",
        "TEXT CHECK (reception_kind IS NULL OR reception_kind IN ('remand', 'sentence'))",
    ),
    (
        "dan_advised",
        "INTEGER NOT NULL DEFAULT 0 CHECK (dan_advised IN (0, 1))",
    ),
];

/// Step 13's column of `episode`: the DAN 24/7 advice at assessment.
const EPISODE_COLUMNS: [(&str, &str); 1] = [(
    "dan_advised",
    "INTEGER NOT NULL DEFAULT 0 CHECK (dan_advised IN (0, 1))",
)];

/// Step 13: whether a custody is a remand or a sentence (003: "remanded in custody
/// ... or is actually sentenced"), the DAN 24/7 helpline advice at assessment and
/// before release (003 asks for it at both points), and each attempt to re-engage a
/// client after a breach (002's cooling-off period). Columns are added as step 7's
/// are; the table unless it is there already.
pub(super) fn duties(tx: &Connection) -> StoreResult<()> {
    add_columns(tx, "custody", &CUSTODY_COLUMNS)?;
    add_columns(tx, "episode", &EPISODE_COLUMNS)?;
    if index_missing(tx, "reengagement")? {
        tx.execute_batch(REENGAGEMENT)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrate::SCHEMA;

    #[test]
    fn step_thirteen_is_word_for_word_in_schema_sql() {
        assert!(SCHEMA.contains(REENGAGEMENT));
        let lines: Vec<String> = SCHEMA
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        for (column, definition) in CUSTODY_COLUMNS.into_iter().chain(EPISODE_COLUMNS) {
            let line = format!("{column} {definition},");
            assert!(lines.contains(&line), "{line}");
        }
    }
}
