//! Schema creation and numbered migration steps, tracked by `PRAGMA user_version`.
//!
//! `schema.sql` is always the whole, current model: a new file gets it in one go. An
//! older file gets the steps in [`STEPS`] that it has not had yet. Adding a step means
//! changing `schema.sql` to match, which `tests/` checks.

use std::path::Path;

use rusqlite::{Connection, params};

use super::error::{StoreError, StoreResult};

mod area_count;
mod duties;
mod last_contact;
mod orders;
mod outreach;

use duties::duties;
use outreach::brief_interventions;

/// The whole current data model.
pub const SCHEMA: &str = include_str!("../../../schema.sql");

/// Marks a file as a caseload database (`PRAGMA application_id`, "CSLD").
pub const APPLICATION_ID: i64 = 0x4353_4C44;

/// One migration step: runs inside the upgrade's `BEGIN IMMEDIATE` transaction, and
/// returns an error (nothing changed) if the file cannot be upgraded as it stands.
pub type Step = fn(&Connection) -> StoreResult<()>;

/// Migration steps after schema version 1; step `i` takes version `i + 1` to `i + 2`.
pub const STEPS: &[Step] = &[
    natural_keys,
    breach_put_out_for_arrest,
    access_log,
    return_facts,
    restriction_on_bail,
    custody_handover,
    client_practice,
    domestic_abuse,
    drug_test_key,
    positive_outcome_key,
    modality_key,
    duties,
    brief_interventions,
    orders::court_orders,
    last_contact::last_contact,
    area_count::area_count,
    episode_assessment,
    episode_extension_review,
];

/// Step 2's statements, word for word as in `schema.sql`.
const NATURAL_KEYS: &str = "\
CREATE UNIQUE INDEX episode_natural_key ON episode (client_id, referral_date);
CREATE UNIQUE INDEX custody_natural_key ON custody (client_id, reception_date);
CREATE UNIQUE INDEX contact_natural_key ON contact (client_id, contact_at, kind, worker_id, note);
CREATE UNIQUE INDEX breach_natural_key ON breach (client_id, raised_at);
";

/// Step 2's table, word for word as in `schema.sql`.
const CLIENT_TWIN: &str = "\
CREATE TABLE client_twin (
    key       TEXT PRIMARY KEY,
    client_id INTEGER NOT NULL UNIQUE REFERENCES client (id)
) STRICT;
";

/// Who the audit rows of an upgrade name.
pub(super) const UPGRADE: &str = "caseload upgrade";

/// Step 2: unique natural keys for episodes, custody, contacts and breaches, and the
/// twin key of every client.
///
/// Older files may hold copies that the natural keys forbid (imports run twice at
/// once made them). A copy identical to an earlier row in every column, and that no
/// other row refers to, is removed, with an audit row holding all its values, so
/// nothing is lost. Rows that share a key but differ are left for a person to decide:
/// the upgrade is refused, naming them, and the file is not changed. (A contact's key is
/// all of it: client, time, kind, worker and note; two notes at one minute are two
/// contacts.) Twins (clients
/// with the same name and date of birth under different references) are kept; only the
/// oldest gets the twin key, and each other one gets an audit row naming it.
fn natural_keys(tx: &Connection) -> StoreResult<()> {
    let tables: [(&str, &[&str], &[&str]); 4] = [
        (
            "episode",
            &["client_id", "referral_date"],
            &["modality", "positive_outcome", "reoffending_sample"],
        ),
        ("custody", &["client_id", "reception_date"], &[]),
        (
            "contact",
            &["client_id", "contact_at", "kind", "worker_id", "note"],
            &[],
        ),
        ("breach", &["client_id", "raised_at"], &[]),
    ];
    let mut clashes = Vec::new();
    for (table, key, referrers) in tables {
        remove_exact_copies(tx, table, key, referrers)?;
        clashes.extend(clashing_keys(tx, table, key)?);
    }
    if !clashes.is_empty() {
        return Err(StoreError::Invalid(format!(
            "this database cannot be upgraded yet: {} (rows that share a natural key but differ). \
             Nothing was changed; keep using the previous caseload until one row of each pair \
             is corrected or removed",
            clashes.join("; ")
        )));
    }
    tx.execute_batch(NATURAL_KEYS)?;
    tx.execute_batch(CLIENT_TWIN)?;
    let clients: Vec<(i64, String, String, String, chrono::NaiveDate)> = tx
        .prepare(
            "SELECT id, reference, family_name, given_name, date_of_birth FROM client ORDER BY id",
        )?
        .query_map([], |r| {
            Ok((
                r.get("id")?,
                r.get("reference")?,
                r.get("family_name")?,
                r.get("given_name")?,
                r.get("date_of_birth")?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut insert =
        tx.prepare("INSERT OR IGNORE INTO client_twin (key, client_id) VALUES (?1, ?2)")?;
    for (id, reference, family, given, born) in clients {
        let key = crate::domain::twin::key(&family, &given, born);
        if insert.execute(params![key, id])? == 0 {
            let twin_of: String = tx.query_row(
                "SELECT c.reference FROM client_twin t JOIN client c ON c.id = t.client_id WHERE t.key = ?1",
                [&key],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO audit (at, who, entity, row_id, action, before, after)
                 VALUES (strftime('%Y-%m-%d %H:%M', 'now', 'localtime'), ?1, 'client', ?2,
                         'twin found', NULL, json_object('reference', ?3, 'twin_of', ?4))",
                params![UPGRADE, id, reference, twin_of],
            )?;
        }
    }
    Ok(())
}

/// Step 4's table, index and triggers, word for word as in `schema.sql`.
const ACCESS_LOG: &str = include_str!("access_log.sql");

/// Step 4: the append-only access log (who opened which client record, and who
/// exported or listed how many).
fn access_log(tx: &Connection) -> StoreResult<()> {
    tx.execute_batch(ACCESS_LOG)?;
    Ok(())
}

/// Deletes each row of `table` identical (but for id and version) to an earlier one with
/// the same `key` and not referred to from `referrers`, each with an audit row holding its values.
fn remove_exact_copies(
    tx: &Connection,
    table: &str,
    key: &[&str],
    referrers: &[&str],
) -> StoreResult<()> {
    let columns: Vec<String> = tx
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let data: Vec<&String> = columns
        .iter()
        .filter(|c| *c != "id" && *c != "version")
        .collect();
    let same = data
        .iter()
        .map(|c| format!("a.{c} IS b.{c}"))
        .collect::<Vec<_>>()
        .join(" AND ");
    let unreferenced = referrers
        .iter()
        .map(|r| format!("NOT EXISTS (SELECT 1 FROM {r} WHERE {r}.{table}_id = b.id)"))
        .fold(String::new(), |all, one| all + " AND " + &one);
    let key = key.join(", ");
    let copies = format!(
        "SELECT b.id FROM {table} b
          WHERE ({key}) IN (SELECT {key} FROM {table} GROUP BY {key} HAVING count(*) > 1)
            AND EXISTS (SELECT 1 FROM {table} a WHERE a.id < b.id AND {same}){unreferenced}"
    );
    let values = columns
        .iter()
        .map(|c| format!("'{c}', {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    tx.execute(
        &format!(
            "INSERT INTO audit (at, who, entity, row_id, action, before, after)
             SELECT strftime('%Y-%m-%d %H:%M', 'now', 'localtime'), ?1, '{table}', id,
                    'remove exact copy', json_object({values}), NULL
               FROM {table} WHERE id IN ({copies})"
        ),
        [UPGRADE],
    )?;
    tx.execute(&format!("DELETE FROM {table} WHERE id IN ({copies})"), [])?;
    Ok(())
}

/// Up to three sentences naming rows of `table` that share `key` but differ.
fn clashing_keys(tx: &Connection, table: &str, key: &[&str]) -> StoreResult<Vec<String>> {
    let key = key.join(", ");
    let mut stmt = tx.prepare(&format!(
        "SELECT group_concat(id, ', ') FROM {table} GROUP BY {key} HAVING count(*) > 1 LIMIT 3"
    ))?;
    let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
    ids.map(|ids| Ok(format!("{table} rows {} share {key}", ids?)))
        .collect()
}

/// Step 3's statements: the breach table of `schema.sql` (in `migrate/breach.sql`) built
/// under the old one's name, the rows copied, the old table dropped.
const BREACH_REBUILD: &str = concat!(
    "DROP INDEX breach_outstanding;
",
    "DROP INDEX breach_client;
",
    "DROP INDEX breach_natural_key;
",
    "ALTER TABLE breach RENAME TO breach_before_step_3;
",
    include_str!("breach.sql"),
    "INSERT INTO breach SELECT * FROM breach_before_step_3;
",
    "DROP TABLE breach_before_step_3;
",
    "CREATE UNIQUE INDEX breach_natural_key ON breach (client_id, raised_at);
",
);

/// Step 3: a breach can be "put out for arrest" (amber and green, 000 appendix B), never
/// a red one. A CHECK cannot be altered in place, so the table is rebuilt with the same
/// rows; no other table refers to `breach`.
fn breach_put_out_for_arrest(tx: &Connection) -> StoreResult<()> {
    tx.execute_batch(BREACH_REBUILD)?;
    Ok(())
}

/// Step 7's columns of `custody`, each as `schema.sql` defines it.
const HANDOVER_COLUMNS: [(&str, &str); 5] = [
    ("handover_with", "TEXT"),
    (
        "handover_on",
        "TEXT CHECK (handover_on IS NULL OR date(handover_on, '+0 days') IS handover_on)",
    ),
    (
        "handover_prescribing",
        "INTEGER NOT NULL DEFAULT 0 CHECK (handover_prescribing IN (0, 1))",
    ),
    (
        "handover_consent",
        "INTEGER NOT NULL DEFAULT 0 CHECK (handover_consent IN (0, 1))",
    ),
    ("handover_waived", "TEXT"),
];

/// Step 7: a custody's hand-over to CARATS or the prison drug team (003): whom,
/// when, prescribing and consent confirmed, or a team leader's reason there is none.
/// Each column is added unless the table has it already, so the step can follow a
/// test's rewind of an earlier one.
fn custody_handover(tx: &Connection) -> StoreResult<()> {
    add_columns(tx, "custody", &HANDOVER_COLUMNS)
}

/// Adds each of `columns` to `table` unless it has it already.
fn add_columns(tx: &Connection, table: &str, columns: &[(&str, &str)]) -> StoreResult<()> {
    for (column, definition) in columns {
        let present: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
            [table, column],
            |r| r.get(0),
        )?;
        if !present {
            tx.execute_batch(&format!(
                "ALTER TABLE {table} ADD COLUMN {column} {definition};"
            ))?;
        }
    }
    Ok(())
}

/// Step 8's columns of `client`, each as `schema.sql` defines it.
const PRACTICE_COLUMNS: [(&str, &str); 2] = [("gp_practice", "TEXT"), ("prescriber", "TEXT")];

/// Step 8: the client's GP practice and prescribing service (003: knowing the
/// surgery helps to check medication and whether prescribing continues after
/// custody). Added as step 7's columns are.
fn client_practice(tx: &Connection) -> StoreResult<()> {
    add_columns(tx, "client", &PRACTICE_COLUMNS)
}

/// Step 9's column of `client`, as `schema.sql` defines it.
const DOMESTIC_ABUSE_COLUMNS: [(&str, &str); 1] = [(
    "domestic_abuse",
    "INTEGER NOT NULL DEFAULT 0 CHECK (domestic_abuse IN (0, 1))",
)];

/// Step 9: the domestic-abuse perpetrator priority flag (004 lists domestic abuse
/// perpetrators among the priority cohorts). Added as step 7's columns are.
fn domestic_abuse(tx: &Connection) -> StoreResult<()> {
    add_columns(tx, "client", &DOMESTIC_ABUSE_COLUMNS)
}

/// Step 10's index, word for word as in `schema.sql`.
const DRUG_TEST_KEY: &str = "CREATE UNIQUE INDEX drug_test_natural_key ON drug_test (client_id, tested_on, kind, result);\n";

/// Step 10: a natural key for drug tests, so that an imported file of tests stores
/// each once. The key is the whole test (client, day, kind, result), as a contact's is
/// all of it: two tests of one kind on one day with the same result are one test
/// entered twice. Such copies in an older file are removed with an audit row holding
/// their values (step 2's rule); no two rows can share the key and differ, so the step
/// never refuses. Skipped if the index is there already.
fn drug_test_key(tx: &Connection) -> StoreResult<()> {
    if index_missing(tx, "drug_test_natural_key")? {
        remove_exact_copies(
            tx,
            "drug_test",
            &["client_id", "tested_on", "kind", "result"],
            &[],
        )?;
        tx.execute_batch(DRUG_TEST_KEY)?;
    }
    Ok(())
}

/// Step 18's index, word for word as in `schema.sql`.
const EPISODE_ASSESSMENT: &str =
    "CREATE INDEX episode_assessment ON episode (assessment_date) WHERE closure_date IS NULL;\n";

/// Step 18: open episodes by assessment date. The Caseload's first page by the 13-week
/// clock reads the clocks that started on or before a day: by care plan date
/// (`episode_care_plan`) or by an earlier assessment date (this one); without it, every
/// open episode was read (a third of a second at 300,000 clients). Skipped if the index
/// is there already.
fn episode_assessment(tx: &Connection) -> StoreResult<()> {
    if index_missing(tx, "episode_assessment")? {
        tx.execute_batch(EPISODE_ASSESSMENT)?;
    }
    Ok(())
}

/// Step 19's index, word for word as in `schema.sql`.
const EPISODE_EXTENSION_REVIEW: &str = "CREATE INDEX episode_extension_review ON episode (extension_review_date) WHERE closure_date IS NULL;\n";

/// Step 19: open episodes by extension review date. The Caseload's first page by next
/// key date reads the first rows by each date a next key date is taken from, and the
/// rows with one of them before a day; without it, every open episode was read for the
/// extension reviews (0.1-0.2 s at 300,000 clients). Skipped if the index is there.
fn episode_extension_review(tx: &Connection) -> StoreResult<()> {
    if index_missing(tx, "episode_extension_review")? {
        tx.execute_batch(EPISODE_EXTENSION_REVIEW)?;
    }
    Ok(())
}

/// Whether the index (or table) `name` is still to be made: steps 10 and later are skipped
/// where it is.
fn index_missing(tx: &Connection, name: &str) -> StoreResult<bool> {
    let present: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )?;
    Ok(!present)
}

/// Step 11's index, word for word as in `schema.sql`.
const POSITIVE_OUTCOME_KEY: &str = "CREATE UNIQUE INDEX positive_outcome_natural_key ON positive_outcome (episode_id, recorded_on, kind);\n";

/// Step 11: a natural key for positive outcomes, the whole outcome (episode, day,
/// kind), added as step 10's is: copies removed with an audit row, never a clash.
fn positive_outcome_key(tx: &Connection) -> StoreResult<()> {
    if index_missing(tx, "positive_outcome_natural_key")? {
        remove_exact_copies(
            tx,
            "positive_outcome",
            &["episode_id", "recorded_on", "kind"],
            &[],
        )?;
        tx.execute_batch(POSITIVE_OUTCOME_KEY)?;
    }
    Ok(())
}

/// Step 12's index, word for word as in `schema.sql`.
const MODALITY_KEY: &str =
    "CREATE UNIQUE INDEX modality_natural_key ON modality (episode_id, kind, started_on);\n";

/// Step 12: a natural key for modalities (episode, kind, start), with step 2's rule:
/// exact copies removed with an audit row; two that share the key but differ (in
/// their end) stop the upgrade, named, with nothing changed.
fn modality_key(tx: &Connection) -> StoreResult<()> {
    if !index_missing(tx, "modality_natural_key")? {
        return Ok(());
    }
    let key = ["episode_id", "kind", "started_on"];
    remove_exact_copies(tx, "modality", &key, &[])?;
    let clashes = clashing_keys(tx, "modality", &key)?;
    if !clashes.is_empty() {
        return Err(StoreError::Invalid(format!(
            "this database cannot be upgraded yet: {} (modalities of one kind started on one \
             day in one episode, ended differently). Nothing was changed; keep using the \
             previous caseload until one of each is corrected or removed",
            clashes.join("; ")
        )));
    }
    tx.execute_batch(MODALITY_KEY)?;
    Ok(())
}

/// The schema version this build writes.
#[must_use]
pub fn current_version() -> i64 {
    1 + i64::try_from(STEPS.len()).unwrap_or(i64::MAX - 1)
}

/// Brings the database at `path` (already open on `conn`) to the current schema, or
/// refuses with a clear error if it is not ours or is newer than this build.
/// An empty file gets the whole schema only if `initialise` (a new file being built
/// by `Store::create_with`); any other empty file is refused, unchanged: opening a
/// mistyped path must never turn it into a database with no admin.
pub(super) fn migrate(
    wrapped: &super::sql::Connection,
    path: &Path,
    writable: bool,
    initialise: bool,
) -> StoreResult<()> {
    let conn = super::sqlite_of(wrapped)?;
    let application_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| not_a_database(e, path))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;

    if application_id == 0 && version == 0 && objects == 0 {
        if !writable || !initialise {
            return Err(StoreError::EmptyFile(path.to_path_buf()));
        }
        let tx = wrapped.transaction()?;
        conn.execute_batch(SCHEMA)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        conn.pragma_update(None, "user_version", current_version())?;
        tx.commit()?;
        return Ok(());
    }
    if application_id != APPLICATION_ID {
        return Err(StoreError::NotCaseload(path.to_path_buf()));
    }
    if version > current_version() {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: current_version(),
        });
    }
    if version < current_version() && !writable {
        return Err(StoreError::Invalid(format!(
            "{} needs upgrading to schema {} first: open it once without --readonly",
            path.display(),
            current_version()
        )));
    }
    // A step that rebuilds a table others refer to needs foreign keys off (SQLite's
    // documented procedure; the pragma cannot change inside a transaction). Each such
    // step checks the references itself before it commits.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let upgraded = run_steps(wrapped, path, version);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    upgraded
}

/// Runs the steps after `version`, each in its own `BEGIN IMMEDIATE` transaction,
/// taken as every write takes it: waiting for a colleague's write (an import, say) as
/// the process's [`LockPolicy`](super::LockPolicy) says, and announced to anyone
/// waiting in turn. A step another process made while this one waited is skipped.
fn run_steps(wrapped: &super::sql::Connection, path: &Path, version: i64) -> StoreResult<()> {
    let conn = super::sqlite_of(wrapped)?;
    let policy = super::LockPolicy {
        activity: "an upgrade of the database",
        ..super::lock::process_policy()
    };
    let login = crate::identity::os_login();
    for (index, step) in STEPS
        .iter()
        .enumerate()
        .skip(usize::try_from(version - 1).unwrap_or(0))
    {
        let after = i64::try_from(index).unwrap_or(0) + 2;
        let now = crate::wallclock::WallClock::default().now();
        let target = super::Target(path.to_path_buf());
        super::lock::write(
            wrapped,
            (Some(path), &target),
            &policy,
            (&login, now),
            |_| {
                let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
                if version >= after {
                    return Ok(((), false));
                }
                step(conn).map_err(|e| match e {
                    StoreError::Invalid(why) => {
                        StoreError::Invalid(format!("{}: {why}", path.display()))
                    }
                    other => other,
                })?;
                conn.pragma_update(None, "user_version", after)?;
                Ok(((), true))
            },
        )?;
    }
    // A newer caseload may have upgraded it further while this one waited.
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > current_version() {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: current_version(),
        });
    }
    Ok(())
}

/// Step 5's statements (see [`return_facts`]); the columns' definitions are those of
/// `schema.sql`.
const RETURN_FACTS: &str = concat!(
    "DROP INDEX drug_test_client;\n",
    "ALTER TABLE drug_test RENAME TO drug_test_before_step_5;\n",
    include_str!("drug_test.sql"),
    "INSERT INTO drug_test SELECT * FROM drug_test_before_step_5;\n",
    "DROP TABLE drug_test_before_step_5;\n",
    "ALTER TABLE custody_tally ADD COLUMN ",
    "positive    INTEGER NOT NULL DEFAULT 0 CHECK (positive >= 0 AND positive <= tested);\n",
    "ALTER TABLE episode ADD COLUMN ",
    "engaged_on            TEXT CHECK (engaged_on IS NULL OR date(engaged_on, '+0 days') IS engaged_on);\n",
    "UPDATE episode SET engaged_on = coalesce(care_plan_date, assessment_date, referral_date)\n",
    " WHERE engaged = 1;\n",
);

/// Step 5: the facts the return counts by their definitions. Voluntary 5-panel drug
/// tests are a kind of their own (000); the custody-suite tally counts positives
/// (KPI 2 counts arrestees who never become clients); engagement has a date (KPI 5), so
/// a past quarter's return stays as it was. Episodes already engaged are dated at their
/// care plan (else assessment, else referral), the best date an older file has.
fn return_facts(tx: &Connection) -> StoreResult<()> {
    tx.execute_batch(RETURN_FACTS)?;
    Ok(())
}

/// Step 6's statements. With foreign keys off, `legacy_alter_table` keeps the breach
/// table's reference naming `required_assessment` (the new table) while the old one is
/// renamed and dropped, so no breach loses its appointment.
const RESTRICTION_ON_BAIL: &str = concat!(
    "PRAGMA legacy_alter_table = ON;\n",
    "DROP INDEX required_assessment_client;\n",
    "ALTER TABLE required_assessment RENAME TO required_assessment_before_step_6;\n",
    include_str!("required_assessment.sql"),
    "INSERT INTO required_assessment SELECT * FROM required_assessment_before_step_6;\n",
    "DROP TABLE required_assessment_before_step_6;\n",
    "PRAGMA legacy_alter_table = OFF;\n",
);

/// Step 6: Restriction on Bail appointments, breachable like Required Assessments
/// (002, Recommendation 6: "breaching individuals who fail to attend both Required
/// Assessments and Restrictions on Bail appointments").
fn restriction_on_bail(tx: &Connection) -> StoreResult<()> {
    tx.execute_batch(RESTRICTION_ON_BAIL)?;
    let dangling: i64 = tx.query_row(
        "SELECT count(*) FROM pragma_foreign_key_check('breach')",
        [],
        |r| r.get(0),
    )?;
    if dangling > 0 {
        return Err(StoreError::Invalid(format!(
            "{dangling} breaches lost their appointment in the upgrade; nothing was changed"
        )));
    }
    Ok(())
}

/// Maps SQLite's "not a database" to a sentence naming the file.
pub(super) fn not_a_database(e: rusqlite::Error, path: &Path) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotSqlite(path.to_path_buf()),
        _ => e.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_two_is_word_for_word_in_schema_sql() {
        assert!(SCHEMA.contains(NATURAL_KEYS));
        assert!(SCHEMA.contains(CLIENT_TWIN));
    }

    #[test]
    fn step_five_uses_the_definitions_of_schema_sql() {
        assert!(SCHEMA.contains(include_str!("drug_test.sql")));
        for column in [
            "positive    INTEGER NOT NULL DEFAULT 0 CHECK (positive >= 0 AND positive <= tested)",
            "engaged_on            TEXT CHECK (engaged_on IS NULL OR date(engaged_on, '+0 days') IS engaged_on)",
        ] {
            assert!(SCHEMA.contains(column), "{column}");
        }
    }

    #[test]
    fn step_six_builds_the_appointment_table_of_schema_sql() {
        assert!(SCHEMA.contains(include_str!("required_assessment.sql")));
    }

    #[test]
    fn step_seven_adds_the_columns_of_schema_sql() {
        let custody: Vec<String> = SCHEMA
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        for (column, definition) in HANDOVER_COLUMNS
            .into_iter()
            .chain(PRACTICE_COLUMNS)
            .chain(DOMESTIC_ABUSE_COLUMNS)
        {
            let line = format!("{column} {definition},");
            assert!(custody.contains(&line), "{line}");
        }
    }

    #[test]
    fn steps_ten_to_twelve_are_word_for_word_in_schema_sql() {
        assert!(SCHEMA.contains(DRUG_TEST_KEY));
        assert!(SCHEMA.contains(POSITIVE_OUTCOME_KEY));
        assert!(SCHEMA.contains(MODALITY_KEY));
    }

    #[test]
    fn step_eighteen_is_word_for_word_in_schema_sql() {
        assert!(SCHEMA.contains(EPISODE_ASSESSMENT));
    }

    #[test]
    fn step_three_builds_the_breach_table_of_schema_sql() {
        assert!(SCHEMA.contains(include_str!("breach.sql")));
    }

    #[test]
    fn step_four_is_word_for_word_in_schema_sql() {
        assert!(SCHEMA.contains(ACCESS_LOG));
    }
}
