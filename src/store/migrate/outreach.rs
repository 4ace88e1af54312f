//! Step 14: signposting becomes the outcome of a brief intervention.

use rusqlite::Connection;

use super::UPGRADE;
use crate::store::error::{StoreError, StoreResult};

/// Step 14's statements: the outreach table of `schema.sql` (in `migrate/outreach.sql`)
/// built under the old one's name, and every row copied, a signposting row's
/// destination becoming its brief intervention's `signposted_to`.
const OUTREACH_REBUILD: &str = concat!(
    "DROP INDEX outreach_recorded_on;\n",
    "ALTER TABLE outreach RENAME TO outreach_before_step_14;\n",
    include_str!("outreach.sql"),
    "INSERT INTO outreach (id, recorded_on, worker_id, area_id, signposted_to, version)
     SELECT id, recorded_on, worker_id, area_id, destination, version
       FROM outreach_before_step_14;\n",
);

/// Step 14's audit of each signposting row converted, with its values before and
/// after (`?1`: who the upgrade's audit rows name).
const OUTREACH_AUDIT: &str = "INSERT INTO audit (at, who, entity, row_id, action, before, after)
     SELECT strftime('%Y-%m-%d %H:%M', 'now', 'localtime'), ?1, 'outreach', id,
            'signposting made a brief intervention''s outcome',
            json_object('id', id, 'recorded_on', recorded_on, 'worker_id', worker_id,
                        'area_id', area_id, 'kind', kind, 'destination', destination,
                        'version', version),
            json_object('id', id, 'recorded_on', recorded_on, 'worker_id', worker_id,
                        'area_id', area_id, 'signposted_to', destination, 'version', version)
       FROM outreach_before_step_14 WHERE kind = 'signposting'";

/// Step 14: signposting is an outcome of a brief intervention, with its destination
/// (000 counts 388 signposted among 2,450 brief interventions), not an outreach kind of
/// its own. Each older signposting row becomes a brief intervention signposted to its
/// destination, keeping its id, with an audit row holding its values before and after;
/// a brief intervention stays one that signposted nowhere. The return's figures do not
/// change: it already counted every outreach row as a brief intervention. Skipped where
/// the table has no `kind` (built by this schema already). No table refers to
/// `outreach`.
pub(super) fn brief_interventions(tx: &Connection) -> StoreResult<()> {
    let has_kind: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('outreach') WHERE name = 'kind')",
        [],
        |r| r.get(0),
    )?;
    if !has_kind {
        return Ok(());
    }
    let before: i64 = tx.query_row("SELECT count(*) FROM outreach", [], |r| r.get(0))?;
    tx.execute_batch(OUTREACH_REBUILD)?;
    tx.execute(OUTREACH_AUDIT, [UPGRADE])?;
    tx.execute_batch("DROP TABLE outreach_before_step_14;")?;
    let after: i64 = tx.query_row("SELECT count(*) FROM outreach", [], |r| r.get(0))?;
    if after != before {
        return Err(StoreError::Invalid(format!(
            "{before} outreach rows became {after} in the upgrade; nothing was changed"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn step_fourteen_builds_the_outreach_table_of_schema_sql() {
        assert!(super::super::SCHEMA.contains(include_str!("outreach.sql")));
    }
}
