//! Staff changes and the re-offending sample through the real binary on both engines:
//! the same demo (seed and `--today`) on SQLite and on PostgreSQL, the same commands
//! as its team leader and as its first admin, the same printed answers. With
//! `CASELOAD_TEST_PG` (`scripts/pg-test.sh`).

use std::path::Path;

use crate::postgres::PgDatabase;
use crate::postgres_store::{caseload, text};

/// Runs `args` against `db` (with `--today` fixed), expecting success; what it printed
/// with the wall-clock minute of a draw (`at YYYY-MM-DD HH:MM`) left out.
fn run(db: &str, home: &Path, args: &[&str]) -> String {
    let mut all = vec!["--db", db, "--today", "2026-11-23"];
    all.extend_from_slice(args);
    let output = caseload(&all, home, &[]);
    let printed = text(&output);
    assert!(output.status.success(), "{args:?} on {db}: {printed}");
    printed
        .lines()
        .map(|line| match line.split_once(" at 2026-") {
            Some((head, tail)) => format!("{head} at{}", &tail[11..]),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn staff_changes_and_the_sample_answer_alike_on_sqlite_and_postgres() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("demo.db");
    let file = file.to_str().unwrap();
    let mut answers = Vec::new();
    for db in [file, pg.url.as_str()] {
        run(
            db,
            home.path(),
            &["demo", "--seed", "11", "--clients", "120", "--no-tui"],
        );
        // The demo's lead (this login) draws and fills in the sample.
        let mut said = vec![
            run(
                db,
                home.path(),
                &["sample", "draw", "--quarter", "2026-27:Q2"],
            ),
            run(
                db,
                home.path(),
                &["sample", "draw", "--quarter", "2026-27:Q2"],
            ),
        ];
        let first = said[0]
            .lines()
            .nth(2)
            .and_then(|line| line.split_whitespace().next())
            .expect("a sampled client")
            .to_owned();
        said.push(run(
            db,
            home.path(),
            &[
                "sample",
                "set",
                "--quarter",
                "2026-27:Q2",
                "--client",
                &first,
                "--before",
                "3",
            ],
        ));
        said.push(run(
            db,
            home.path(),
            &["sample", "show", "--quarter", "2026-27:Q2"],
        ));
        answers.push(said);
    }
    assert!(
        answers[0][0].contains("closed episodes drawn by"),
        "{}",
        answers[0][0]
    );
    assert!(
        answers[0][1].contains("it is never redrawn"),
        "{}",
        answers[0][1]
    );
    assert!(answers[0][3].contains("      3"), "{}", answers[0][3]);
    assert_eq!(answers[1], answers[0]);
}

#[test]
fn worker_and_area_commands_answer_alike_on_sqlite_and_postgres() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("team.db");
    let file = file.to_str().unwrap();
    let mut answers = Vec::new();
    for db in [file, pg.url.as_str()] {
        run(db, home.path(), &["init"]);
        answers.push(vec![
            run(db, home.path(), &["area", "add", "Kirklees"]),
            run(
                db,
                home.path(),
                &["area", "add", "Wakefield", "--intensive"],
            ),
            run(
                db,
                home.path(),
                &[
                    "worker",
                    "add",
                    "--name",
                    "Ada Byron",
                    "--login",
                    "abyron",
                    "--role",
                    "care_coordinator",
                    "--area",
                    "kirklees",
                ],
            ),
            run(
                db,
                home.path(),
                &[
                    "worker",
                    "set-role",
                    "--login",
                    "abyron",
                    "--role",
                    "team_leader",
                ],
            ),
            run(db, home.path(), &["worker", "list"]),
            run(db, home.path(), &["area", "list"]),
        ]);
        // A name or a login taken: the same sentence on both engines.
        for args in [
            &["area", "add", "KIRKLEES"][..],
            &[
                "worker", "add", "--name", "Ada Two", "--login", "abyron", "--role", "admin",
            ][..],
        ] {
            let mut all = vec!["--db", db];
            all.extend_from_slice(args);
            let output = caseload(&all, home.path(), &[]);
            assert_eq!(output.status.code(), Some(1), "{args:?} on {db}");
            answers.last_mut().unwrap().push(text(&output));
        }
    }
    // On PostgreSQL each new worker's login becomes a role it connects as.
    let enrolled = "abyron may connect as the PostgreSQL role of that name";
    assert!(answers[1][2].contains(enrolled), "{}", answers[1][2]);
    assert!(!answers[0][2].contains(enrolled), "{}", answers[0][2]);
    answers[1][2] = answers[1][2].replace(
        &format!("\n{enrolled} (peer or certificate authentication)."),
        "",
    );
    let member: bool = pg
        .connect()
        .query_row(
            "SELECT pg_has_role('abyron', 'caseload_worker', 'MEMBER') AS member",
            &[],
        )
        .unwrap()
        .get("member")
        .unwrap();
    assert!(member);
    assert!(answers[0][4].contains("abyron"), "{}", answers[0][4]);
    assert!(answers[0][4].contains("team_leader"), "{}", answers[0][4]);
    assert!(
        answers[0][6].contains("there is already an area with this name"),
        "{}",
        answers[0][6]
    );
    assert!(
        answers[0][7].contains("another worker already has this login"),
        "{}",
        answers[0][7]
    );
    assert_eq!(answers[1], answers[0]);
}
