//! Step 16: each client's last contact, kept by triggers, so that the Today queue's
//! first screen finds the clients longest without contact from an index, and the
//! caseload read joins one row per client instead of probing every client's contacts.

use rusqlite::Connection;

use crate::store::error::StoreResult;

/// Step 16's table, indexes and triggers, word for word as in `schema.sql`.
const LAST_CONTACT: &str = include_str!("last_contact.sql");

/// Step 16: the table, its triggers and the index of waiting referrals, the table
/// filled from the contacts recorded (all made again where a test's rewind left them).
pub(super) fn last_contact(tx: &Connection) -> StoreResult<()> {
    for trigger in ["new_client", "client_gone", "added", "removed", "changed"] {
        tx.execute_batch(&format!(
            "DROP TRIGGER IF EXISTS client_last_contact_{trigger};"
        ))?;
    }
    tx.execute_batch(
        "DROP TABLE IF EXISTS client_last_contact; DROP INDEX IF EXISTS episode_waiting;
         DROP INDEX IF EXISTS episode_review_due; DROP INDEX IF EXISTS episode_care_plan;",
    )?;
    tx.execute_batch(LAST_CONTACT)?;
    tx.execute(
        "INSERT INTO client_last_contact (client_id, contact_at)
         SELECT c.id, (SELECT max(k.contact_at) FROM contact k
                        WHERE k.client_id = c.id AND k.kind <> 'did_not_attend') FROM client c",
        [],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrate::SCHEMA;

    #[test]
    fn step_sixteen_is_word_for_word_in_schema_sql() {
        assert!(SCHEMA.contains(LAST_CONTACT));
    }

    /// Each client's kept last contact, and the one the contacts give.
    fn kept_and_recomputed(
        conn: &rusqlite::Connection,
    ) -> Vec<(i64, Option<String>, Option<String>)> {
        conn.prepare(
            "SELECT c.id, l.contact_at AS kept,
                    (SELECT max(k.contact_at) FROM contact k
                      WHERE k.client_id = c.id AND k.kind <> 'did_not_attend') AS recomputed
               FROM client c LEFT JOIN client_last_contact l ON l.client_id = c.id ORDER BY c.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    #[test]
    fn the_triggers_keep_the_last_contact_through_adds_changes_moves_and_removals() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             INSERT INTO area (id, name) VALUES (1, 'North');
             INSERT INTO worker (id, name, role, area_id) VALUES (1, 'Sam Example', 'care_coordinator', 1);
             INSERT INTO client (id, reference, given_name, family_name, date_of_birth, area_id)
             VALUES (1, 'C-1', 'Ann', 'Example', '1980-01-01', 1),
                    (2, 'C-2', 'Bob', 'Example', '1981-01-01', 1);",
        )
        .unwrap();
        let steps = [
            "INSERT INTO contact (id, client_id, worker_id, contact_at, kind)
             VALUES (1, 1, 1, '2026-11-01 10:00', 'phone')",
            "INSERT INTO contact (id, client_id, worker_id, contact_at, kind)
             VALUES (2, 1, 1, '2026-11-20 10:00', 'did_not_attend')",
            "INSERT INTO contact (id, client_id, worker_id, contact_at, kind)
             VALUES (3, 1, 1, '2026-10-01 10:00', 'face_to_face')",
            "UPDATE contact SET kind = 'phone' WHERE id = 2",
            "UPDATE contact SET contact_at = '2026-09-01 09:00' WHERE id = 2",
            "UPDATE contact SET client_id = 2 WHERE id = 1",
            "DELETE FROM contact WHERE id = 3",
            "DELETE FROM contact WHERE id = 2",
            "DELETE FROM contact WHERE id = 1",
            "DELETE FROM client WHERE id = 2",
        ];
        for step in steps {
            conn.execute_batch(step).unwrap();
            for (client, kept, recomputed) in kept_and_recomputed(&conn) {
                assert_eq!(kept, recomputed, "client {client} after {step}");
            }
        }
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM client_last_contact", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1, "one row per client, none left by a removed client");
    }
}
