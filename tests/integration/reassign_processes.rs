//! A bulk reassign from a stale list, with two real OS processes on one database: the
//! team leader, in the real event loop driven by keys, marks a worker's clients from
//! the Areas drill-down; meanwhile a colleague (this test's own process) moves one of
//! them. The list refreshes, the marks keep what was shown, and the save asks about
//! the moved client instead of overwriting the colleague; nothing is written until
//! the choice, and then one transaction moves the rest with its audit rows.
//!
//! On both engines: on PostgreSQL the colleague's commit reaches the child as a
//! notification (`store/sql/notify.rs`) on its otherwise idle connection.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use caseload::app::{App, Session};
use caseload::config::Settings;
use caseload::form::{FormKind, Stage};
use caseload::store::{Access, Change, Store};
use caseload::tui::script::{Script, Step};
use caseload::tui::{Events, Input, Start, run_with};
use chrono::NaiveDateTime;
use crossterm::event::{Event, KeyCode};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common::{Engine, Team, TestDb, as_login, at, on_each_engine, pairs};
use crate::merge::audit_count;

/// Set in the child: the database's path.
const CHILD_ENV: &str = "CASELOAD_REASSIGN_CHILD";

/// The key the child's script uses to stop, report and wait for the parent.
const PAUSE: KeyCode = KeyCode::F(12);

/// The script's input, except that [`PAUSE`] prints what the user sees and waits for
/// a line on stdin (the parent's "go on") instead of reaching the app.
struct Pausing(Script);

impl Events for Pausing {
    fn stopping(&self) -> bool {
        self.0.stopping()
    }

    fn next(&mut self, app: &App, wait: Duration) -> std::io::Result<Input> {
        match self.0.next(app, wait)? {
            Input::Event(Event::Key(key)) if key.code == PAUSE => {
                report(app);
                println!("WAITING");
                std::io::stdout().flush()?;
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                Ok(Input::Woken)
            }
            other => Ok(other),
        }
    }

    fn now(&self) -> NaiveDateTime {
        self.0.now()
    }
}

/// What the user sees: the message, the marks, the rows listed, the form's questions.
fn report(app: &App) {
    println!("MESSAGE {}", app.message().unwrap_or(""));
    println!("MARKED {}", app.marked().len());
    println!("LISTED {}", app.caseload_list().len());
    if let Some(Stage::Resolve { items, .. }) = app.form().map(|f| &f.stage) {
        for item in items {
            let who = item.conflict.changed_by.as_ref().map_or("", |(w, _)| w);
            println!(
                "CONFLICT {}|{}|{}|{}|{who}",
                item.conflict.row_id, item.label, item.theirs, item.yours
            );
        }
    }
}

/// The child: the team leader in the real event loop, on a 100x30 terminal.
#[test]
#[ignore = "a child process of the two-process reassign test, started by it"]
fn reassign_child_entry() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut store = Store::open(std::path::Path::new(&path), Access::ReadWrite).unwrap();
    let worker = store
        .workers()
        .unwrap()
        .into_iter()
        .find(|w| w.login.as_deref() == Some("lead"));
    let session = Session {
        login: "lead".to_owned(),
        worker,
        database: "test.db".to_owned(),
        read_only: false,
        redact: false,
    };
    let key = Step::key;
    let reassign_at = FormKind::ALL
        .iter()
        .position(|k| *k == FormKind::Reassign)
        .unwrap();
    let mut steps = vec![
        Step::Settle,
        // Areas, Enter on Northtown; workers by name: colin, cora, lead; Enter on cora.
        key(KeyCode::Char('2')),
        key(KeyCode::Enter),
        key(KeyCode::Down),
        key(KeyCode::Enter),
        // Mark both of her clients.
        key(KeyCode::Char(' ')),
        key(KeyCode::Down),
        key(KeyCode::Char(' ')),
        key(PAUSE),
        // The colleague's change arrives by itself.
        Step::Idle,
        Step::Settle,
        key(PAUSE),
        key(KeyCode::Char('u')),
    ];
    steps.extend((0..reassign_at).map(|_| key(KeyCode::Down)));
    steps.extend([
        key(KeyCode::Enter),
        Step::Settle,
        // Care co-ordinator: "l" picks lead Worker; save, confirm.
        key(KeyCode::Tab),
        key(KeyCode::Char('l')),
        key(KeyCode::Enter),
        key(KeyCode::Tab),
        key(KeyCode::Enter),
        key(PAUSE),
        // Keep the colleague's choice for the client they moved.
        key(KeyCode::Char('t')),
        key(KeyCode::Enter),
        key(PAUSE),
    ]);
    let start = Start {
        session,
        settings: Settings::default(),
        scope: None,
        remembered: None,
    };
    let mut events = Pausing(Script::new(at("2026-11-23 09:30"), steps));
    let mut screen = Terminal::new(TestBackend::new(100, 30)).unwrap();
    run_with(&mut screen, &mut events, &mut store, start).unwrap();
}

/// The child process, its output read a pause at a time.
struct Lead {
    child: Child,
    lines: std::io::Lines<BufReader<ChildStdout>>,
}

impl Lead {
    fn start(path: &std::path::Path) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "--ignored",
                "reassign_processes::reassign_child_entry",
                "--nocapture",
                "--test-threads=1",
                "-q",
            ])
            .env(CHILD_ENV, path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Self { child, lines }
    }

    /// What the child reported at its next pause.
    fn paused(&mut self) -> Vec<String> {
        let mut seen = Vec::new();
        for line in self.lines.by_ref() {
            let line = line.unwrap();
            if line == "WAITING" {
                return seen;
            }
            if ["MESSAGE ", "MARKED ", "LISTED ", "CONFLICT "]
                .iter()
                .any(|p| line.starts_with(p))
            {
                seen.push(line);
            }
        }
        panic!("the child ended before pausing: {seen:?}");
    }

    fn go_on(&mut self) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(b"go\n").unwrap();
        stdin.flush().unwrap();
    }
}

fn coordinators(store: &Store, team: &Team) -> Vec<(i64, i64)> {
    pairs(
        store,
        &format!(
            "SELECT id, care_coordinator_id FROM client WHERE id IN ({}, {}) ORDER BY id",
            team.c1, team.c2
        ),
    )
}

#[test]
fn a_reassign_from_a_stale_list_asks_about_the_client_a_colleague_moved_meanwhile() {
    on_each_engine(a_reassign_from_a_stale_list_on);
}

fn a_reassign_from_a_stale_list_on(engine: Engine) {
    let (db, mut store, team) = TestDb::team(engine);
    // Cora holds both Northtown clients.
    let c2 = store.version_of("client", team.c2).unwrap();
    store
        .apply(
            &as_login("lead"),
            &Change::Reassign {
                clients: vec![c2],
                area_id: team.north,
                care_coordinator_id: Some(team.cora),
            },
        )
        .unwrap();
    let mut lead = Lead::start(db.location());
    let seen = lead.paused();
    assert_eq!(
        seen,
        ["MESSAGE 2 marked: u, then reassign", "MARKED 2", "LISTED 2"]
    );
    // A colleague gives C-1 to colin, in this process, while the marks are on screen.
    let c1 = store.version_of("client", team.c1).unwrap();
    store
        .apply(
            &as_login("lead"),
            &Change::Reassign {
                clients: vec![c1],
                area_id: team.north,
                care_coordinator_id: Some(team.colin),
            },
        )
        .unwrap();
    lead.go_on();
    let seen = lead.paused();
    assert_eq!(
        seen[1..],
        ["MARKED 2", "LISTED 1"],
        "the list shows C-1 gone from cora; the marks keep it"
    );
    let audits = audit_count(&store);
    lead.go_on();
    let seen = lead.paused();
    assert_eq!(
        seen.iter()
            .filter(|l| l.starts_with("CONFLICT"))
            .collect::<Vec<_>>(),
        [&format!(
            "CONFLICT {}|care co-ordinator|colin Worker|lead Worker|lead",
            team.c1
        )],
        "only the moved client is asked about: {seen:?}"
    );
    assert_eq!(
        audit_count(&store),
        audits,
        "nothing written before the choice"
    );
    assert_eq!(
        coordinators(&store, &team),
        [(team.c1, team.colin), (team.c2, team.cora)]
    );
    lead.go_on();
    let seen = lead.paused();
    assert!(seen[0].starts_with("MESSAGE Saved: reassign"), "{seen:?}");
    assert_eq!(seen[1], "MARKED 0");
    lead.go_on();
    assert!(lead.child.wait().unwrap().success());
    assert_eq!(
        coordinators(&store, &team),
        [(team.c1, team.colin), (team.c2, team.lead)],
        "the colleague's choice stays; the other client moved"
    );
    let audited: Vec<(String, i64)> = pairs(
        &store,
        "SELECT who || ' ' || action, row_id FROM audit WHERE entity = 'client' ORDER BY id DESC LIMIT 1",
    );
    assert_eq!(audited, [("lead reassign".to_owned(), team.c2)]);
    assert_eq!(audit_count(&store), audits + 1);
}
