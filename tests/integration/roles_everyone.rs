//! The same rules asked of everyone on every path: each role, someone with no worker
//! record and an inactive worker, through every store write and every command-line
//! write; and the custody-suite tally, which is never silently replaced.
//!
//! The store's matrix runs on every engine ([`on_each_engine`]). The command-line
//! tests stay on an SQLite file: they give the OS login running the tests a worker's
//! record in the file, and on PostgreSQL a session is its role's instead (the staff
//! commands there are in `postgres_staff`).

use std::path::Path;
use std::process::Output;

use caseload::domain::model::{ContactKind, ExitReason, Role};
use caseload::domain::period::Period;
use caseload::store::{
    Actor, Change, EpisodeEdit, NewArea, NewTally, Offences, StaffChange, Store, StoreError,
    StoreResult,
};

use crate::common::{Engine, Team, TestDb, as_login, at, date, on_each_engine};

/// Who is at the keyboard in the matrices: each role, no worker record, or a worker
/// record that is no longer active (a team leader's, who would otherwise be allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    CareCoordinator,
    TeamLeader,
    Support,
    Admin,
    Nobody,
    Inactive,
}

const EVERYONE: [Who; 6] = [
    Who::CareCoordinator,
    Who::TeamLeader,
    Who::Support,
    Who::Admin,
    Who::Nobody,
    Who::Inactive,
];

impl Who {
    /// The fixture's login for this person (`cora` holds C-1, all in Northtown).
    const fn login(self) -> &'static str {
        match self {
            Self::CareCoordinator => "cora",
            Self::TeamLeader => "lead",
            Self::Support => "sam",
            Self::Admin => "admin",
            Self::Nobody => "visitor",
            Self::Inactive => "old_lead",
        }
    }
}

/// The team fixture, plus an inactive Northtown team leader, and C-2's episode closed
/// in 2026-27:Q3 with that quarter's re-offending sample drawn (so C-2 is in it).
fn fixture(engine: Engine) -> (TestDb, Store, Team) {
    let (db, mut store, team) = TestDb::team(engine);
    let conn = db.raw();
    conn.execute(
        "INSERT INTO worker (name, login, role, area_id, active)
         VALUES ('Old Lead', 'old_lead', 'team_leader', ?1, 0)",
        &[team.north.into()],
    )
    .unwrap();
    conn.execute(
        "UPDATE episode SET closure_date = '2026-10-15', exit_reason = 'disengaged' WHERE id = ?1",
        &[team.e2.into()],
    )
    .unwrap();
    let quarter = Period::parse("2026-27:Q3").unwrap();
    let (draw, _) = store.draw_sample(&as_login("lead"), &quarter, 1).unwrap();
    assert_eq!(draw.members.len(), 1);
    (db, store, team)
}

fn audit_rows(db: &TestDb) -> i64 {
    db.value("SELECT count(*) AS v FROM audit")
}

/// A refusal is a sentence that names the rule (or the missing worker record).
fn assert_names_the_rule(who: Who, path: &str, message: &str) {
    let named = match who {
        Who::Nobody => message.contains("has no worker record"),
        Who::Inactive => message.contains("worker record is inactive"),
        _ => message.contains(" may ") && message.contains(": ask"),
    };
    assert!(named, "{who:?} on {path}: {message}");
}

type WritePath = fn(&mut Store, &Team, &Actor) -> StoreResult<()>;

fn tier(store: &Store, team: &Team) -> Change {
    Change::Episode(
        store.version_of("episode", team.e1).unwrap(),
        EpisodeEdit::Tier(3),
    )
}

/// Every write path of the store, and who may take it (everyone else is refused).
#[allow(clippy::too_many_lines)] // one short entry per write path
fn store_paths() -> Vec<(&'static str, WritePath, &'static [Who])> {
    use Who::{Admin, CareCoordinator, Support, TeamLeader};
    vec![
        (
            "contact",
            |store, team, actor| {
                let change = Change::Contact {
                    client_id: team.c1,
                    at: at("2026-11-23 09:00"),
                    kind: ContactKind::Phone,
                    note: String::new(),
                };
                store.apply(actor, &change).map(drop)
            },
            &[CareCoordinator, TeamLeader, Support],
        ),
        (
            "form edit",
            |store, team, actor| {
                let change = tier(store, team);
                store.apply(actor, &change).map(drop)
            },
            &[CareCoordinator, TeamLeader],
        ),
        (
            "close",
            |store, team, actor| {
                let change = Change::Episode(
                    store.version_of("episode", team.e1).unwrap(),
                    EpisodeEdit::Close {
                        date: date("2026-11-23"),
                        reason: ExitReason::Disengaged,
                    },
                );
                store.apply(actor, &change).map(drop)
            },
            &[TeamLeader],
        ),
        (
            "outreach",
            |store, _, actor| {
                let change = Change::Outreach {
                    on: date("2026-11-23"),
                    signposted_to: None,
                };
                store.apply(actor, &change).map(drop)
            },
            &[CareCoordinator, TeamLeader, Support],
        ),
        (
            "undo",
            |store, team, actor| {
                let change = tier(store, team);
                let receipt = store.apply(&as_login("lead"), &change).unwrap();
                store.undo(actor, &receipt).map(drop)
            },
            &[CareCoordinator, TeamLeader],
        ),
        (
            "tally",
            |store, team, actor| {
                let tally = NewTally {
                    area_id: team.north,
                    recorded_on: date("2026-11-20"),
                    charged: 5,
                    tested: 3,
                    positive: 1,
                };
                store.record_tally(actor, &tally, false).map(drop)
            },
            &[CareCoordinator, TeamLeader],
        ),
        (
            "tally elsewhere",
            |store, team, actor| {
                let tally = NewTally {
                    area_id: team.south,
                    recorded_on: date("2026-11-20"),
                    charged: 5,
                    tested: 3,
                    positive: 1,
                };
                store.record_tally(actor, &tally, false).map(drop)
            },
            &[],
        ),
        (
            "sample draw",
            |store, _, actor| {
                let quarter = Period::parse("2026-27:Q2").unwrap();
                store.draw_sample(actor, &quarter, 7).map(drop)
            },
            &[TeamLeader],
        ),
        (
            "sample set",
            |store, _, actor| {
                let counts = Offences {
                    after_3m: Some(1),
                    ..Offences::default()
                };
                store.set_offences(actor, "2026-27:Q3", "C-2", counts)
            },
            &[TeamLeader],
        ),
        (
            "area add",
            |store, _, actor| {
                let change = StaffChange::AddArea(NewArea {
                    name: "Eastmoor".into(),
                    intensive: false,
                });
                store.manage_staff(actor, &change).map(drop)
            },
            &[Admin],
        ),
        (
            "worker set-role",
            |store, _, actor| {
                let change = StaffChange::SetRole {
                    worker: store.worker_version("sam").unwrap(),
                    role: Role::CareCoordinator,
                };
                store.manage_staff(actor, &change).map(drop)
            },
            &[Admin],
        ),
    ]
}

#[test]
fn every_store_write_path_asks_the_same_rules_of_everyone() {
    on_each_engine(|engine| {
        for (path, write, allowed) in store_paths() {
            for who in EVERYONE {
                let (db, mut store, team) = fixture(engine);
                let before = audit_rows(&db);
                let result = write(&mut store, &team, &as_login(who.login()));
                let wrote = audit_rows(&db) > before;
                if allowed.contains(&who) {
                    assert!(result.is_ok() && wrote, "{who:?} on {path}: {result:?}");
                } else {
                    match result {
                        Err(StoreError::NotAllowed(why)) => assert_names_the_rule(who, path, &why),
                        other => panic!("{who:?} on {path} should be refused: {other:?}"),
                    }
                    // Undo's own setup writes as the team leader; nothing else may.
                    let setup = usize::from(path == "undo");
                    assert_eq!(
                        audit_rows(&db) - before,
                        i64::try_from(setup).unwrap(),
                        "{who:?} on {path}"
                    );
                }
            }
        }
    });
}

/// Runs the real binary on `db` with a fixed today.
fn run(db: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("--db")
        .arg(db)
        .args(["--today", "2026-11-23"])
        .args(args)
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Gives the OS login running the tests the worker record of `who` (none for
/// [`Who::Nobody`]): the binary knows people only by the real uid's login.
fn sign_in_as(db: &Path, who: Who) {
    if who != Who::Nobody {
        let changed = rusqlite::Connection::open(db)
            .unwrap()
            .execute(
                "UPDATE worker SET login = ?1 WHERE login = ?2",
                [caseload::identity::os_login().as_str(), who.login()],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }
}

#[test]
fn every_command_line_write_asks_the_same_rules_of_everyone() {
    use Who::{Admin, CareCoordinator, TeamLeader};
    let tally = |area| {
        vec![
            "tally",
            "--area",
            area,
            "--date",
            "20/11/2026",
            "--charged",
            "5",
            "--tested",
            "3",
        ]
    };
    let paths: Vec<(Vec<&str>, &[Who])> = vec![
        (tally("Northtown"), &[CareCoordinator, TeamLeader]),
        (tally("Southvale"), &[]),
        (
            vec!["sample", "draw", "--quarter", "2026-27:Q2"],
            &[TeamLeader],
        ),
        (
            vec![
                "sample",
                "set",
                "--quarter",
                "2026-27:Q3",
                "--client",
                "C-2",
                "--after-3m",
                "1",
            ],
            &[TeamLeader],
        ),
        (vec!["area", "add", "Eastmoor"], &[Admin]),
        (
            vec![
                "worker",
                "add",
                "--name",
                "New Starter",
                "--login",
                "newbie",
                "--role",
                "support",
                "--area",
                "Northtown",
            ],
            &[Admin],
        ),
        (
            vec![
                "worker",
                "set-role",
                "--login",
                "sam",
                "--role",
                "team_leader",
            ],
            &[Admin],
        ),
    ];
    for (args, allowed) in paths {
        for who in EVERYONE {
            let (file, store, _team) = fixture(Engine::Sqlite);
            let db = store.path().to_path_buf();
            drop(store);
            sign_in_as(&db, who);
            let before = audit_rows(&file);
            let output = run(&db, &args);
            let said = text(&output);
            let path = args.join(" ");
            if allowed.contains(&who) {
                assert!(output.status.success(), "{who:?}: {path}: {said}");
                assert!(audit_rows(&file) > before, "{who:?}: {path}");
            } else {
                assert!(!output.status.success(), "{who:?}: {path}: {said}");
                assert_eq!(audit_rows(&file), before, "{who:?}: {path}: {said}");
                let message = String::from_utf8_lossy(&output.stderr);
                assert!(message.starts_with("caseload: "), "{message}");
                // The command line checks the worker record before it opens a write,
                // with its own sentence; the rule's sentence comes from the store.
                match who {
                    Who::Nobody | Who::Inactive => assert!(
                        message.contains("worker record")
                            || message.contains("not an active worker"),
                        "{who:?}: {path}: {message}"
                    ),
                    _ => assert_names_the_rule(who, &path, &message),
                }
            }
        }
    }
}

fn tally_rows(db: &Path) -> Vec<(i64, i64)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT charged, tested FROM custody_tally ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn tally_args<'a>(charged: &'a str, tested: &'a str) -> Vec<&'a str> {
    vec![
        "tally",
        "--area",
        "northtown",
        "--date",
        "20/11/2026",
        "--charged",
        charged,
        "--tested",
        tested,
    ]
}

#[test]
fn a_second_tally_for_the_day_is_refused_unless_it_replaces_with_the_before_values_kept() {
    let (_dir, store, _team) = fixture(Engine::Sqlite);
    let db = store.path().to_path_buf();
    drop(store);
    sign_in_as(&db, Who::TeamLeader);
    let first = run(&db, &tally_args("10", "8"));
    assert!(first.status.success(), "{}", text(&first));

    let second = run(&db, &tally_args("12", "9"));
    assert!(!second.status.success());
    let me = caseload::identity::os_login();
    assert_eq!(
        String::from_utf8_lossy(&second.stderr),
        format!(
            "caseload: Northtown already has a custody-suite tally for 20/11/2026: 10 charged, \
             8 tested, 0 positive (recorded by {me} at 2026-11-23 09:30); nothing was saved. To replace it, \
             record it again with --replace\n"
        )
        .replace("09:30", &recorded_at(&db))
    );
    assert_eq!(tally_rows(&db), vec![(10, 8)]);

    let mut replace = tally_args("12", "9");
    replace.push("--replace");
    let third = run(&db, &replace);
    assert_eq!(
        String::from_utf8_lossy(&third.stdout),
        "Replaced 10 charged, 8 tested, 0 positive in Northtown on 20/11/2026 with 12 charged, \
         9 tested, 0 positive.\n"
    );
    assert_eq!(tally_rows(&db), vec![(12, 9)]);
    let (action, before, after): (String, String, String) = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT action, before, after FROM audit WHERE entity = 'custody_tally'
              ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(action, "replace");
    assert_eq!(
        (&before["charged"], &before["tested"]),
        (&10.into(), &8.into())
    );
    assert_eq!(
        (&after["charged"], &after["tested"]),
        (&12.into(), &9.into())
    );
    assert_eq!(before["recorded_on"], "2026-11-20");
}

/// The time the first tally's audit row was stamped (the binary's clock, not the test's).
fn recorded_at(db: &Path) -> String {
    let at: String = rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT at FROM audit WHERE entity = 'custody_tally' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    at.split(' ').nth(1).unwrap().to_owned()
}

#[test]
fn tallies_for_one_day_from_several_processes_record_exactly_one() {
    let (_dir, store, _team) = fixture(Engine::Sqlite);
    let db = store.path().to_path_buf();
    drop(store);
    sign_in_as(&db, Who::CareCoordinator);
    let counts: Vec<String> = (1..=8).map(|n| n.to_string()).collect();
    let children: Vec<_> = counts
        .iter()
        .map(|n| {
            std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
                .arg("--db")
                .arg(&db)
                .args(["--today", "2026-11-23"])
                .args(tally_args(n, "0"))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let recorded: Vec<&Output> = outputs.iter().filter(|o| o.status.success()).collect();
    assert_eq!(
        recorded.len(),
        1,
        "{:?}",
        outputs.iter().map(text).collect::<Vec<_>>()
    );
    for refused in outputs.iter().filter(|o| !o.status.success()) {
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(said.contains("already has a custody-suite tally"), "{said}");
    }
    let rows = tally_rows(&db);
    assert_eq!(rows.len(), 1);
    assert!(
        String::from_utf8_lossy(&recorded[0].stdout)
            .starts_with(&format!("Recorded {} charged", rows[0].0))
    );
    let audited: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit WHERE entity = 'custody_tally'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
}

#[test]
fn the_tui_offences_command_asks_the_same_rule() {
    use crossterm::event::KeyCode;

    use caseload::app::Session;

    use crate::ui::{app_as, lead_session, press, type_text};

    let (_dir, mut store) = crate::common::demo_store();
    let lead = as_login("tester");
    caseload::demo::claim_demo_lead(&mut store, &lead).unwrap();
    let cc = store
        .workers()
        .unwrap()
        .into_iter()
        .find(|w| w.role == Role::CareCoordinator)
        .unwrap();
    store.assign_login(&lead, cc.id, "cc_tester").unwrap();
    let quarter = Period::parse("2025-26:Q4").unwrap();
    let (draw, _) = store.draw_sample(&lead, &quarter, 1).unwrap();
    let reference = draw.members[0].reference.clone();

    let session = Session {
        login: "cc_tester".into(),
        ..lead_session(&store)
    };
    let mut app = app_as(&store, session, (100, 30));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('7'), KeyCode::Char('['), KeyCode::Char('[')],
    );
    assert_eq!(app.report_period(), &quarter);
    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(
        &mut store,
        &mut app,
        &format!("offences {reference} 4 1 0 -"),
    );
    press(&mut store, &mut app, &[KeyCode::Enter]);
    let message = app.message().unwrap_or_default();
    assert!(
        message.contains("not record re-offending counts: ask your team leader; nothing was saved"),
        "{message}"
    );
    let recorded = store.sample_draw(&quarter.label).unwrap().unwrap();
    assert!(
        recorded
            .members
            .iter()
            .all(|m| m.offences == Offences::default())
    );
}
