//! Schema step 2 (natural keys and twin keys) on databases written before it.

use caseload::store::{Access, Store, StoreError, migrate};
use rusqlite::Connection;

use crate::common::{empty_store, pairs};

/// A schema-1 database: today's schema without step 2's objects.
fn version_one() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, store) = empty_store();
    let path = store.path().to_path_buf();
    drop(store);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP INDEX episode_natural_key; DROP INDEX custody_natural_key;
         DROP INDEX contact_natural_key; DROP INDEX breach_natural_key;
         DROP TABLE client_twin; DROP TABLE access_log; PRAGMA user_version = 1;
         ALTER TABLE custody_tally DROP COLUMN positive; ALTER TABLE episode DROP COLUMN engaged_on;
         INSERT INTO area (name) VALUES ('Newport');
         INSERT INTO worker (name, login, role, area_id) VALUES ('W', 'w', 'team_leader', 1);
         INSERT INTO client (reference, given_name, family_name, date_of_birth, area_id)
         VALUES ('C-1', 'Ada', 'Quill', '1980-02-01', 1),
                ('C-2', 'ADA ', 'quill', '1980-02-01', 1);
         INSERT INTO contact (client_id, worker_id, contact_at, kind, note)
         VALUES (1, 1, '2026-03-01 10:00', 'phone', 'same'),
                (1, 1, '2026-03-01 10:00', 'phone', 'same'),
                (1, 1, '2026-03-01 10:00', 'phone', 'other note');",
    )
    .unwrap();
    (dir, path)
}

#[test]
fn exact_copies_are_removed_with_an_audit_row_and_twins_are_kept_and_named() {
    let (_dir, path) = version_one();
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, migrate::current_version());
    let contacts: Vec<(i64, String)> = pairs(&store, "SELECT id, note FROM contact ORDER BY id");
    assert_eq!(contacts, [(1, "same".into()), (3, "other note".into())]);
    let audit: Vec<(String, String)> = pairs(
        &store,
        "SELECT action, coalesce(before, after) FROM audit ORDER BY id",
    );
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0].0, "remove exact copy");
    assert!(audit[0].1.contains(r#""id":2"#) && audit[0].1.contains(r#""note":"same""#));
    assert_eq!(audit[1].0, "twin found");
    assert_eq!(audit[1].1, r#"{"reference":"C-2","twin_of":"C-1"}"#);
    let twins: Vec<(String, i64)> = pairs(&store, "SELECT key, client_id FROM client_twin");
    assert_eq!(twins, [("quill|ada|1980-02-01".into(), 1)]);
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn rows_that_share_a_key_but_differ_stop_the_upgrade_and_change_nothing() {
    let (_dir, path) = version_one();
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "INSERT INTO episode (client_id, referral_date, referral_source, closure_date, exit_reason)
             VALUES (1, '2026-01-05', 'police', '2026-02-01', 'other'),
                    (1, '2026-01-05', 'court', '2026-02-01', 'other');",
        )
        .unwrap();
    let error = Store::open(&path, Access::ReadWrite).unwrap_err();
    assert!(matches!(error, StoreError::Invalid(_)));
    let text = error.to_string();
    assert!(
        text.contains("cannot be upgraded yet: episode rows 1, 2 share client_id, referral_date"),
        "{text}"
    );
    assert!(text.contains("Nothing was changed"), "{text}");
    let conn = Connection::open(&path).unwrap();
    let (version, contacts): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM contact)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version, contacts), (1, 3));
}

/// Schema step 7 (a custody's hand-over) on a database written before it: the columns
/// are added, as `schema.sql` has them, and the custody rows are kept, owing their
/// hand-over.
#[test]
fn step_seven_adds_the_hand_over_to_custody_and_keeps_the_rows() {
    let (dir, store) = empty_store();
    let path = store.path().to_path_buf();
    drop(store);
    let columns = |conn: &Connection| -> Vec<(String, String, i64, Option<String>)> {
        let mut stmt = conn
            .prepare("SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info('custody')")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let conn = Connection::open(&path).unwrap();
    let fresh = columns(&conn);
    conn.execute_batch(
        "ALTER TABLE custody DROP COLUMN handover_with;
         ALTER TABLE custody DROP COLUMN handover_on;
         ALTER TABLE custody DROP COLUMN handover_prescribing;
         ALTER TABLE custody DROP COLUMN handover_consent;
         ALTER TABLE custody DROP COLUMN handover_waived;
         ALTER TABLE custody DROP COLUMN reception_kind;
         ALTER TABLE custody DROP COLUMN dan_advised;
         PRAGMA user_version = 6;
         INSERT INTO area (name) VALUES ('Newport');
         INSERT INTO client (reference, given_name, family_name, date_of_birth, area_id)
         VALUES ('C-1', 'Ada', 'Quill', '1980-02-01', 1);
         INSERT INTO custody (client_id, prison, reception_date) VALUES (1, 'HMP Cardiff', '2026-11-20');",
    )
    .unwrap();
    drop(conn);
    drop(Store::open(&path, Access::ReadWrite).unwrap());
    let conn = Connection::open(&path).unwrap();
    assert_eq!(columns(&conn), fresh, "the columns of schema.sql");
    let row: (String, Option<String>, i64) = conn
        .query_row(
            "SELECT prison, handover_with, handover_prescribing FROM custody",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(row, ("HMP Cardiff".to_owned(), None, 0));
    drop(dir);
}

/// A database as it was before the step that adds the unique index `index` (so at
/// `version`), with Newport, client C-1, an episode referred 01/09/2026, and `rows`.
fn before_key(index: &str, version: i64, rows: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, store) = empty_store();
    let path = store.path().to_path_buf();
    drop(store);
    Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "DROP INDEX {index}; PRAGMA user_version = {version};
             INSERT INTO area (name) VALUES ('Newport');
             INSERT INTO client (reference, given_name, family_name, date_of_birth, area_id)
             VALUES ('C-1', 'Ada', 'Quill', '1980-02-01', 1);
             INSERT INTO episode (client_id, referral_date, referral_source)
             VALUES (1, '2026-09-01', 'police');
             {rows}"
        ))
        .unwrap();
    (dir, path)
}

#[test]
fn step_ten_removes_copies_of_a_drug_test_with_an_audit_row_and_keys_the_rest() {
    let (dir, path) = before_key(
        "drug_test_natural_key",
        9,
        "INSERT INTO drug_test (client_id, tested_on, kind, result)
         VALUES (1, '2026-11-02', 'treatment', 'negative'),
                (1, '2026-11-02', 'treatment', 'negative'),
                (1, '2026-11-02', 'treatment', 'positive_opiates'),
                (1, '2026-11-02', 'voluntary', 'negative');",
    );
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    let tests: Vec<(i64, String)> = pairs(
        &store,
        "SELECT id, kind || ' ' || result FROM drug_test ORDER BY id",
    );
    assert_eq!(
        tests,
        [
            (1, "treatment negative".into()),
            (3, "treatment positive_opiates".into()),
            (4, "voluntary negative".into())
        ]
    );
    let audit: Vec<(String, String)> = pairs(
        &store,
        "SELECT action, before FROM audit WHERE entity = 'drug_test'",
    );
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, "remove exact copy");
    assert!(audit[0].1.contains(r#""id":2"#), "{}", audit[0].1);
    let again = Connection::open(&path).unwrap().execute(
        "INSERT INTO drug_test (client_id, tested_on, kind, result)
         VALUES (1, '2026-11-02', 'treatment', 'negative')",
        [],
    );
    assert!(again.is_err(), "the key is in place");
    drop(dir);
}

#[test]
fn step_eleven_removes_copies_of_a_positive_outcome_with_an_audit_row() {
    let (dir, path) = before_key(
        "positive_outcome_natural_key",
        10,
        "INSERT INTO positive_outcome (episode_id, recorded_on, kind)
         VALUES (1, '2026-10-02', 'reduced_use'), (1, '2026-10-02', 'reduced_use'),
                (1, '2026-10-02', 'housing_secured');",
    );
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    let outcomes: Vec<(i64, String)> =
        pairs(&store, "SELECT id, kind FROM positive_outcome ORDER BY id");
    assert_eq!(
        outcomes,
        [(1, "reduced_use".into()), (3, "housing_secured".into())]
    );
    let audit: Vec<(String, String)> = pairs(
        &store,
        "SELECT action, before FROM audit WHERE entity = 'positive_outcome'",
    );
    assert_eq!(audit.len(), 1);
    assert!(audit[0].1.contains(r#""id":2"#), "{}", audit[0].1);
    drop(dir);
}

#[test]
fn step_twelve_keys_modalities_and_stops_on_two_that_differ() {
    let (dir, path) = before_key(
        "modality_natural_key",
        11,
        "INSERT INTO modality (episode_id, kind, started_on)
         VALUES (1, 'prescribing', '2026-09-10'), (1, 'prescribing', '2026-09-10');
         INSERT INTO modality (episode_id, kind, started_on, ended_on)
         VALUES (1, 'residential', '2026-09-10', NULL), (1, 'residential', '2026-09-10', '2026-10-01');",
    );
    let error = Store::open(&path, Access::ReadWrite)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("modality rows 3, 4 share episode_id, kind, started_on"),
        "{error}"
    );
    let conn = Connection::open(&path).unwrap();
    let (version, modalities): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM modality)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version, modalities), (11, 4), "nothing was changed");
    conn.execute("DELETE FROM modality WHERE id = 4", [])
        .unwrap();
    drop(conn);
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    let left: Vec<(i64, String)> = pairs(&store, "SELECT id, kind FROM modality ORDER BY id");
    assert_eq!(left, [(1, "prescribing".into()), (3, "residential".into())]);
    drop(dir);
}

/// Step 14: each signposting row becomes a brief intervention signposted to its
/// destination (its id kept, audited before and after); the return's figures stay.
#[test]
fn step_fourteen_makes_signposting_a_brief_interventions_outcome_and_loses_no_row() {
    let (dir, store) = empty_store();
    let path = store.path().to_path_buf();
    drop(store);
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "DROP TABLE outreach;
             CREATE TABLE outreach (
                 id          INTEGER PRIMARY KEY,
                 recorded_on TEXT NOT NULL CHECK (date(recorded_on, '+0 days') IS recorded_on),
                 worker_id   INTEGER NOT NULL REFERENCES worker (id),
                 area_id     INTEGER NOT NULL REFERENCES area (id),
                 kind        TEXT NOT NULL CHECK (kind IN ('brief_intervention', 'signposting')),
                 destination TEXT CHECK (destination IS NULL OR destination IN ('drugs', 'alcohol', 'housing', 'young_people')),
                 version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
                 CHECK ((kind = 'signposting') = (destination IS NOT NULL))
             ) STRICT;
             CREATE INDEX outreach_recorded_on ON outreach (recorded_on);
             PRAGMA user_version = 13;
             INSERT INTO area (name) VALUES ('Newport');
             INSERT INTO worker (name, login, role, area_id) VALUES ('W', 'w', 'team_leader', 1);
             INSERT INTO outreach (recorded_on, worker_id, area_id, kind, destination)
             VALUES ('2026-10-01', 1, 1, 'brief_intervention', NULL),
                    ('2026-10-02', 1, 1, 'signposting', 'housing'),
                    ('2026-10-03', 1, 1, 'signposting', 'drugs'),
                    ('2026-10-04', 1, 1, 'brief_intervention', NULL);",
        )
        .unwrap();
    let period = caseload::domain::period::Period::quarter(2026, 3).unwrap();
    let store = Store::open(&path, Access::ReadWrite).unwrap();
    let kept: Vec<(i64, String)> = pairs(
        &store,
        "SELECT id, recorded_on || ' ' || coalesce(signposted_to, '-') FROM outreach ORDER BY id",
    );
    assert_eq!(
        kept,
        [
            (1, "2026-10-01 -".into()),
            (2, "2026-10-02 housing".into()),
            (3, "2026-10-03 drugs".into()),
            (4, "2026-10-04 -".into()),
        ]
    );
    let audit: Vec<(i64, String)> = pairs(
        &store,
        "SELECT row_id, who || ': ' || action || ' ' || json_extract(before, '$.kind') || ' -> '
                || json_extract(after, '$.signposted_to')
           FROM audit WHERE entity = 'outreach' ORDER BY row_id",
    );
    assert_eq!(
        audit,
        [
            (
                2,
                "caseload upgrade: signposting made a brief intervention's outcome signposting -> housing"
                    .into()
            ),
            (
                3,
                "caseload upgrade: signposting made a brief intervention's outcome signposting -> drugs"
                    .into()
            ),
        ]
    );
    // 4 brief interventions (the 2 signposted among them), as before the step.
    let inputs = store.report_inputs(&period).unwrap();
    let f =
        caseload::domain::kpi::compute(&inputs, &period, caseload::domain::kpi::Rules::default());
    assert_eq!(f.brief_interventions, 4);
    assert_eq!(f.signposted.iter().map(|(_, n)| n).sum::<u64>(), 2);
    drop(dir);
}
