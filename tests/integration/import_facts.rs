//! Import of the return's facts beyond clients and episodes (issue 14): drug tests of
//! every kind, custody-suite tallies, positive outcomes and modalities, through the
//! real binary. Accepted rows are
//! created once (a second import changes nothing), the dry run writes nothing, refused
//! rows are named by line and column, and each row is checked against the role.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use caseload::domain::model::{ReferralSource, Role};
use caseload::store::{NewArea, NewEpisode, NewWorker};

use crate::common::{actor, date, empty_store, new_client};

/// A database with areas Newport and Cardiff, this process's OS login as a `role` in
/// Newport, and client C-1 in Newport with an episode referred on 01/09/2026.
pub(crate) fn database(role: Role) -> (tempfile::TempDir, PathBuf) {
    let (dir, mut store) = empty_store();
    store
        .generate(
            &actor(),
            caseload::store::Origin::Synthetic("fixture"),
            |tx| {
                let area = tx.insert_area(&NewArea {
                    name: "Newport".into(),
                    intensive: true,
                })?;
                tx.insert_area(&NewArea {
                    name: "Cardiff".into(),
                    intensive: true,
                })?;
                let me = tx.insert_worker(&NewWorker {
                    name: "Me".into(),
                    login: Some(caseload::identity::os_login()),
                    role,
                    area_id: Some(area),
                })?;
                let c1 = tx.insert_client(&new_client("C-1", "Ada", area, Some(me)))?;
                tx.insert_episode(&NewEpisode::referral(
                    c1,
                    date("2026-09-01"),
                    ReferralSource::Police,
                ))?;
                Ok(())
            },
        )
        .unwrap();
    let path = store.path().to_path_buf();
    drop(store);
    (dir, path)
}

/// Runs `caseload import KIND FILE` (with `--apply` if `apply`) on `contents`.
pub(crate) fn import(db: &Path, kind: &str, contents: &str, apply: bool) -> (bool, String) {
    let file = db.parent().unwrap().join(format!("{kind}.csv"));
    std::fs::write(&file, contents).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_caseload"));
    command
        .arg("--db")
        .arg(db)
        .args(["--today", "2026-11-23", "import", kind])
        .arg(&file)
        .env("XDG_CONFIG_HOME", db.parent().unwrap())
        .env(
            caseload::config::SYSTEM_CONFIG_VARIABLE,
            db.parent().unwrap().join("none.toml"),
        );
    if apply {
        command.arg("--apply");
    }
    let output: Output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

pub(crate) fn rows(db: &Path, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

pub(super) const TESTS: &str = "client_reference,tested_on,kind,result
C-1,01/11/2026,treatment,negative
C-1,2026-11-02,voluntary (5-panel),positive: cocaine
C-1,03/11/2026,trigger_offence,refused
";

#[test]
fn drug_tests_of_every_kind_are_created_once_and_the_dry_run_writes_nothing() {
    let (_dir, db) = database(Role::TeamLeader);
    let tests =
        "SELECT tested_on || ' ' || kind || ' ' || result FROM drug_test ORDER BY tested_on";
    let (ok, text) = import(&db, "drug-tests", TESTS, false);
    assert!(ok, "{text}");
    assert!(
        text.starts_with("3 would be created, 0 unchanged"),
        "{text}"
    );
    assert!(rows(&db, tests).is_empty(), "the dry run wrote nothing");

    let (ok, text) = import(&db, "drug-tests", TESTS, true);
    assert!(ok, "{text}");
    assert!(text.starts_with("3 created, 0 unchanged"), "{text}");
    assert_eq!(
        rows(&db, tests),
        [
            "2026-11-01 treatment negative",
            "2026-11-02 voluntary positive_cocaine",
            "2026-11-03 trigger_offence refused",
        ]
    );
    let audit = "SELECT action || ' ' || json_extract(after, '$.kind') FROM audit
                  WHERE entity = 'drug_test' ORDER BY id";
    assert_eq!(
        rows(&db, audit),
        [
            "import treatment",
            "import voluntary",
            "import trigger_offence"
        ]
    );

    let (ok, text) = import(&db, "drug-tests", TESTS, true);
    assert!(ok, "{text}");
    assert!(text.starts_with("0 created, 3 unchanged"), "{text}");
    assert_eq!(rows(&db, tests).len(), 3);
    assert_eq!(rows(&db, audit).len(), 3, "nothing new to audit");
}

#[test]
fn refused_drug_tests_are_named_by_line_and_column_and_nothing_is_written() {
    let (_dir, db) = database(Role::TeamLeader);
    let file = "client_reference,tested_on,kind,result
C-1,01/11/2026,treatment,negative
C-9,01/11/2026,treatment,negative
C-1,24/11/2026,treatment,negative
C-1,01/11/2026,urine,negative
C-1,01/11/2026,treatment,
C-1,01/11/2026,treatment,negative
";
    let (ok, text) = import(&db, "drug-tests", file, true);
    assert!(!ok, "{text}");
    for expected in [
        "line 3, column client_reference: no client 'C-9': import the clients first",
        "line 4, column tested_on: 24/11/2026 is after today (23/11/2026): it must be a date in the past",
        "line 5, column kind: 'urine' is not one of: trigger_offence, inspectors_authority, treatment, voluntary",
        "line 6, column result: is required",
        "line 7, column tested_on: repeats line 2 of this file",
        "Nothing was written",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert!(rows(&db, "SELECT kind FROM drug_test").is_empty());
}

const TALLIES: &str = "area,recorded_on,charged,tested,positive
Newport,02/11/2026,12,11,4
newport,03/11/2026,9,9,
";

#[test]
fn tallies_are_created_once_and_other_counts_for_a_day_are_refused_not_replaced() {
    let (_dir, db) = database(Role::CareCoordinator);
    let tallies = "SELECT recorded_on || ' ' || charged || '/' || tested || '/' || positive
                     FROM custody_tally ORDER BY recorded_on";
    let (ok, text) = import(&db, "tallies", TALLIES, false);
    assert!(ok, "{text}");
    assert!(text.starts_with("2 would be created"), "{text}");
    assert!(rows(&db, tallies).is_empty(), "the dry run wrote nothing");

    let (ok, text) = import(&db, "tallies", TALLIES, true);
    assert!(ok, "{text}");
    assert_eq!(
        rows(&db, tallies),
        ["2026-11-02 12/11/4", "2026-11-03 9/9/0"]
    );
    let (ok, text) = import(&db, "tallies", TALLIES, true);
    assert!(ok && text.starts_with("0 created, 2 unchanged"), "{text}");

    let changed = "area,recorded_on,charged,tested,positive
Newport,02/11/2026,12,10,4
Newport,04/11/2026,5,6,0
Newport,05/11/2026,5,5,6
Atlantis,05/11/2026,1,1,1
Newport,05/11/2026,-3,1,1
Newport,24/11/2026,1,1,1
Cardiff,06/11/2026,1,1,1
";
    let (ok, text) = import(&db, "tallies", changed, false);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column recorded_on: Newport already has a tally for this day: 12 charged, 11 tested, 4 positive; an import never replaces one",
        "line 3, column tested: 6 tested is more than 5 charged",
        "line 4, column positive: 6 positive is more than 5 tested",
        "line 5, column area: no area 'Atlantis'; areas: Cardiff, Newport",
        "line 6, column charged:",
        "line 7, column recorded_on: 24/11/2026 is after today",
        "line 8, column area: not imported:",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(
        rows(&db, tallies),
        ["2026-11-02 12/11/4", "2026-11-03 9/9/0"],
        "the stored tallies are as they were"
    );
}

#[test]
fn support_workers_may_import_neither_drug_tests_nor_tallies() {
    let (_dir, db) = database(Role::Support);
    let (ok, text) = import(&db, "drug-tests", TESTS, false);
    assert!(!ok, "{text}");
    assert!(
        text.contains("line 2, column client_reference: not imported:"),
        "{text}"
    );
    let (ok, text) = import(&db, "tallies", TALLIES, false);
    assert!(!ok, "{text}");
    assert!(
        text.contains("line 2, column area: not imported:"),
        "{text}"
    );
    assert!(rows(&db, "SELECT kind FROM drug_test").is_empty());
}

const OUTCOMES: &str = "client_reference,referral_date,recorded_on,kind
C-1,01/09/2026,02/10/2026,housing secured
C-1,2026-09-01,2026-10-02,reduced_use
";

#[test]
fn positive_outcomes_are_created_once_in_their_episode_and_refused_rows_are_named() {
    let (_dir, db) = database(Role::TeamLeader);
    let outcomes = "SELECT e.referral_date || ' ' || o.recorded_on || ' ' || o.kind
                      FROM positive_outcome o JOIN episode e ON e.id = o.episode_id ORDER BY o.id";
    let (ok, text) = import(&db, "outcomes", OUTCOMES, false);
    assert!(ok && text.starts_with("2 would be created"), "{text}");
    assert!(rows(&db, outcomes).is_empty(), "the dry run wrote nothing");
    let (ok, text) = import(&db, "outcomes", OUTCOMES, true);
    assert!(ok && text.starts_with("2 created, 0 unchanged"), "{text}");
    assert_eq!(
        rows(&db, outcomes),
        [
            "2026-09-01 2026-10-02 housing_secured",
            "2026-09-01 2026-10-02 reduced_use"
        ]
    );
    let (ok, text) = import(&db, "outcomes", OUTCOMES, true);
    assert!(ok && text.starts_with("0 created, 2 unchanged"), "{text}");
    let audit = "SELECT action FROM audit WHERE entity = 'positive_outcome'";
    assert_eq!(rows(&db, audit), ["import", "import"]);

    let refused = "client_reference,referral_date,recorded_on,kind
C-1,02/09/2026,02/10/2026,reduced_use
C-1,01/09/2026,31/08/2026,reduced_use
C-1,01/09/2026,24/11/2026,reduced_use
C-1,01/09/2026,03/10/2026,won the lottery
";
    let (ok, text) = import(&db, "outcomes", refused, false);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column referral_date: the client has no episode referred on 02/09/2026",
        "line 3, column recorded_on: 31/08/2026 is before the referral date (01/09/2026)",
        "line 4, column recorded_on: 24/11/2026 is after today",
        "line 5, column kind: 'won the lottery' is not one of: negative_treatment_test,",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(rows(&db, outcomes).len(), 2);

    let (_dir, support) = database(Role::Support);
    let (ok, text) = import(&support, "outcomes", OUTCOMES, false);
    assert!(
        !ok && text.contains("line 2, column client_reference: not imported:"),
        "{text}"
    );
}

/// Runs `caseload export KIND -o FILE` and returns the file's text.
pub(super) fn export(db: &Path, kind: &str) -> String {
    let file = db.parent().unwrap().join(format!("{kind}-export.csv"));
    let output = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("--db")
        .arg(db)
        .args(["--today", "2026-11-23", "export", kind, "-o"])
        .arg(&file)
        .env("XDG_CONFIG_HOME", db.parent().unwrap())
        .env(
            caseload::config::SYSTEM_CONFIG_VARIABLE,
            db.parent().unwrap().join("none.toml"),
        )
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    std::fs::read_to_string(file).unwrap()
}

#[test]
fn each_kind_exports_in_its_import_columns_and_imports_back_unchanged() {
    let (_dir, db) = database(Role::TeamLeader);
    for (kind, file, rows) in [
        ("drug-tests", TESTS, 3),
        ("tallies", TALLIES, 2),
        ("outcomes", OUTCOMES, 2),
        ("modalities", MODALITIES, 2),
        ("brief-interventions", crate::import_return::BRIEF, 2),
        ("assessments", crate::import_return::APPOINTMENTS, 5),
    ] {
        let (ok, text) = import(&db, kind, file, true);
        assert!(ok, "{text}");
        let exported = export(&db, kind);
        assert_eq!(
            exported.lines().next(),
            file.lines().next(),
            "{kind}: the import's header"
        );
        assert_eq!(exported.lines().count(), rows + 1, "{exported}");
        let (ok, text) = import(&db, kind, &exported, true);
        assert!(ok, "{text}");
        assert!(
            text.starts_with(&format!("0 created, {rows} unchanged")),
            "{kind}: {text}"
        );
    }
}

const MODALITIES: &str = "client_reference,referral_date,kind,started_on,ended_on,completed
C-1,01/09/2026,prescribing,10/09/2026,,
C-1,01/09/2026,structured psychosocial,10/09/2026,01/11/2026,yes
";

#[test]
fn modalities_are_created_once_and_one_stored_otherwise_is_refused_not_changed() {
    let (_dir, db) = database(Role::TeamLeader);
    let modalities = "SELECT kind || ' ' || started_on || ' ' || coalesce(ended_on, '-') || ' '
                             || completed FROM modality ORDER BY id";
    let (ok, text) = import(&db, "modalities", MODALITIES, false);
    assert!(ok && text.starts_with("2 would be created"), "{text}");
    assert!(
        rows(&db, modalities).is_empty(),
        "the dry run wrote nothing"
    );
    let (ok, text) = import(&db, "modalities", MODALITIES, true);
    assert!(ok && text.starts_with("2 created, 0 unchanged"), "{text}");
    let stored = [
        "prescribing 2026-09-10 - 0",
        "structured_psychosocial 2026-09-10 2026-11-01 1",
    ];
    assert_eq!(rows(&db, modalities), stored);
    let (ok, text) = import(&db, "modalities", MODALITIES, true);
    assert!(ok && text.starts_with("0 created, 2 unchanged"), "{text}");

    let refused = "client_reference,referral_date,kind,started_on,ended_on,completed
C-1,01/09/2026,prescribing,10/09/2026,20/11/2026,yes
C-1,01/09/2026,residential,31/08/2026,,
C-1,01/09/2026,residential,12/09/2026,11/09/2026,
C-1,01/09/2026,residential,13/09/2026,,yes
C-1,01/09/2026,residential,14/09/2026,24/11/2026,
C-1,02/09/2026,residential,15/09/2026,,
";
    let (ok, text) = import(&db, "modalities", refused, false);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column started_on: this modality is recorded already, still running, and an import never changes one",
        "line 3, column started_on: 31/08/2026 is before the referral date (01/09/2026)",
        "line 4, column ended_on: 11/09/2026 is before the start date (12/09/2026)",
        "line 5, column completed: a modality is completed only once it has ended",
        "line 6, column ended_on: 24/11/2026 is after today",
        "line 7, column referral_date: the client has no episode referred on 02/09/2026",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(rows(&db, modalities), stored, "nothing was changed");
}
