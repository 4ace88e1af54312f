//! Two real OS processes on one database, one per user, for each merge case: different
//! fields both stick, the same field is chosen per field (theirs or yours), checklist
//! ticks merge, and undo reverts only what no colleague changed since. The processes
//! are this test binary re-run on [`merge_child_entry`], driving the real app, key
//! table, forms and store; on every engine ([`on_each_engine`]): the children open
//! the file or the URL.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

use caseload::app::App;
use caseload::form::{FormKind, Stage};
use caseload::store::Store;
use crossterm::event::KeyCode;

use crate::common::{on_each_engine, raw_at};
use crate::merge::{app_as, audit_count, enter, fixture_on, open, set};
use crate::ui::press;

/// Set in a child: `db path|login|client id|form draft key|steps`, steps split by `;`.
const CHILD_ENV: &str = "CASELOAD_MERGE_CHILD";

/// The child's body, run only by [`User::start`] (with `--ignored`, so a normal run does
/// not count it as a test that passed), with [`CHILD_ENV`] saying what to do. Opens
/// the form at once (reading the record), then runs the steps: `wait` (say WAITING,
/// read a line), `set key=value`, `enter`, `theirs`, `yours`, `undo`, `report`.
#[test]
#[ignore = "a child process of the two-process merge tests, started by them"]
fn merge_child_entry() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let parts: Vec<&str> = spec.split('|').collect();
    let (path, login, client, form, steps) = (
        Path::new(parts[0]),
        parts[1],
        parts[2].parse::<i64>().unwrap(),
        FormKind::from_draft_key(parts[3]).unwrap(),
        parts[4],
    );
    let mut store = Store::open(path, caseload::store::Access::ReadWrite).unwrap();
    let mut app = app_as(&store, login);
    open(&mut store, &mut app, form, client);
    let stdin = std::io::stdin();
    for step in steps.split(';') {
        match step.split_once(' ').unwrap_or((step, "")) {
            ("wait", _) => {
                println!("WAITING");
                std::io::stdout().flush().unwrap();
                let mut line = String::new();
                stdin.lock().read_line(&mut line).unwrap();
            }
            ("set", assignment) => {
                let (key, value) = assignment.split_once('=').unwrap();
                set(&mut store, &mut app, key, value);
            }
            ("enter", _) => enter(&mut store, &mut app),
            ("theirs", _) => press(&mut store, &mut app, &[KeyCode::Char('t')]),
            ("yours", _) => press(&mut store, &mut app, &[KeyCode::Char('y')]),
            ("undo", _) => press(&mut store, &mut app, &[KeyCode::Char('U')]),
            ("report", _) => report(&app),
            (other, _) => panic!("unknown step {other}"),
        }
    }
}

/// Prints what the user sees: the message, whether the form is open, and each field
/// in dispute (label, theirs, yours, who).
fn report(app: &App) {
    println!("MESSAGE {}", app.message().unwrap_or(""));
    match app.form() {
        None => println!("FORM closed"),
        Some(form) => {
            println!("FORM open");
            if let Stage::Resolve { items, .. } = &form.stage {
                for item in items {
                    let who = item.conflict.changed_by.as_ref().map_or("", |(w, _)| w);
                    println!(
                        "CONFLICT {}|{}|{}|{who}",
                        item.label, item.theirs, item.yours
                    );
                }
            }
        }
    }
}

/// One user in their own process: `login` with a form of `kind` open on `client`.
struct User {
    child: Child,
    lines: std::io::Lines<BufReader<ChildStdout>>,
}

impl User {
    fn start(path: &Path, login: &str, client: i64, kind: FormKind, steps: &str) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "--ignored",
                "merge_processes::merge_child_entry",
                "--nocapture",
                "--test-threads=1",
                "-q",
            ])
            .env(
                CHILD_ENV,
                format!(
                    "{}|{login}|{client}|{}|{steps}",
                    path.display(),
                    kind.draft_key()
                ),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Self { child, lines }
    }

    /// Waits until the user has the form open and is waiting.
    fn waiting(&mut self) {
        for line in self.lines.by_ref() {
            if line.unwrap() == "WAITING" {
                return;
            }
        }
        panic!("the child ended before waiting");
    }

    /// Lets the user go on, and returns what they reported until the end.
    fn resume(mut self) -> Vec<String> {
        if let Some(stdin) = self.child.stdin.as_mut() {
            stdin.write_all(b"go\n").unwrap();
        }
        self.finish()
    }

    fn finish(mut self) -> Vec<String> {
        let lines: Vec<String> = self
            .lines
            .map_while(Result::ok)
            .filter(|l| {
                ["MESSAGE ", "FORM ", "CONFLICT "]
                    .iter()
                    .any(|p| l.starts_with(p))
            })
            .collect();
        assert!(
            self.child.wait().unwrap().success(),
            "child failed: {lines:?}"
        );
        lines
    }
}

/// Cora opens a form of `kind` on `client` in her own process and runs `cora_steps`
/// up to their `wait`; lead then runs `lead_steps` on the same form to the end in
/// another process, and cora goes on. Returns what lead and cora reported.
fn cora_waits_for_lead(
    path: &Path,
    client: i64,
    kind: FormKind,
    cora_steps: &str,
    lead_steps: &str,
) -> (Vec<String>, Vec<String>) {
    let mut cora = User::start(path, "cora", client, kind, cora_steps);
    cora.waiting();
    let lead = User::start(path, "lead", client, kind, lead_steps).finish();
    (lead, cora.resume())
}

/// The one row `sql` selects from the database at `path`.
fn row(path: &Path, sql: &str) -> caseload::store::sql::Row {
    raw_at(path).query_row(sql, &[]).unwrap()
}

fn one_row<T: caseload::store::sql::FromValue>(path: &Path, sql: &str) -> T {
    row(path, sql).get_at(0).unwrap()
}

#[test]
fn two_processes_changing_different_fields_both_stick() {
    on_each_engine(|engine| {
        let (_db, store, team) = fixture_on(engine);
        let path = store.path().to_path_buf();
        let (lead, seen) = cora_waits_for_lead(
            &path,
            team.c1,
            FormKind::Flags,
            "wait;set mappa=yes;enter;report",
            "set ppo=yes;enter;report",
        );
        assert!(lead[0].starts_with("MESSAGE Saved"), "{lead:?}");
        assert_eq!(
            seen[..2],
            [
                "MESSAGE Saved: flags and priority groups; PPO keeps lead's change of 2026-11-23 09:30. U undoes yours.",
                "FORM closed"
            ],
            "{seen:?}"
        );
        let flags = row(
            &path,
            &format!("SELECT ppo, mappa FROM client WHERE id = {}", team.c1),
        );
        let flags: (i64, i64) = (flags.get("ppo").unwrap(), flags.get("mappa").unwrap());
        assert_eq!(flags, (1, 1), "the colleague's PPO and our MAPPA");
        let after: String = one_row(
            &path,
            "SELECT after FROM audit WHERE who = 'cora' ORDER BY id DESC LIMIT 1",
        );
        assert_eq!(after, r#"{"mappa":1}"#);
    });
}

#[test]
fn two_processes_changing_the_same_field_choose_per_field_and_the_rest_merges() {
    on_each_engine(|engine| {
        let (_db, store, team) = fixture_on(engine);
        let path = store.path().to_path_buf();
        let audits_before = audit_count(&store);
        let (_, seen) = cora_waits_for_lead(
            &path,
            team.c1,
            FormKind::ReleaseDates,
            "wait;set expected=01/04/2027;set earliest=15/01/2027;enter;report;theirs;enter;report",
            "set expected=20/03/2027;enter",
        );
        assert_eq!(seen[1], "FORM open", "{seen:?}");
        assert_eq!(
            seen[2], "CONFLICT expected release|20/03/2027|01/04/2027|lead",
            "only the field both changed is in dispute: {seen:?}"
        );
        assert_eq!(seen.len(), 5, "{seen:?}");
        assert_eq!(seen[3], "MESSAGE Saved: release dates. U undoes it.");
        let dates = row(
            &path,
            "SELECT expected_release_date, earliest_release_date, release_type FROM custody",
        );
        let dates: (String, String, String) = (
            dates.get("expected_release_date").unwrap(),
            dates.get("earliest_release_date").unwrap(),
            dates.get("release_type").unwrap(),
        );
        assert_eq!(
            dates,
            ("2027-03-20".into(), "2027-01-15".into(), "licence".into()),
            "theirs kept where chosen, ours where only we changed, the rest untouched"
        );
        assert_eq!(
            audit_count(&store),
            audits_before + 2,
            "one save each, nothing while choosing"
        );
        let after: String = one_row(
            &path,
            "SELECT after FROM audit WHERE who = 'cora' ORDER BY id DESC LIMIT 1",
        );
        assert_eq!(after, r#"{"earliest_release_date":"2027-01-15"}"#);
    });
}

#[test]
fn two_processes_changing_the_same_field_can_keep_yours() {
    on_each_engine(|engine| {
        let (_db, store, team) = fixture_on(engine);
        let path = store.path().to_path_buf();
        let (_, seen) = cora_waits_for_lead(
            &path,
            team.c1,
            FormKind::Tier,
            "wait;set tier=4;enter;report;yours;enter;report",
            "set tier=3;enter",
        );
        assert_eq!(seen[2], "CONFLICT tier|tier 3|tier 4|lead", "{seen:?}");
        assert_eq!(seen[3], "MESSAGE Saved: tier. U undoes it.", "{seen:?}");
        let tier: i64 = one_row(
            &path,
            &format!("SELECT tier FROM episode WHERE id = {}", team.e1),
        );
        assert_eq!(tier, 4);
    });
}

#[test]
fn two_processes_ticking_different_checklist_items_both_stick() {
    on_each_engine(|engine| {
        let (_db, store, team) = fixture_on(engine);
        let path = store.path().to_path_buf();
        let (_, seen) = cora_waits_for_lead(
            &path,
            team.c1,
            FormKind::ReleaseChecklist,
            "wait;set appointment_booked=yes;enter;report",
            "set naloxone_given=yes;enter",
        );
        assert_eq!(seen[1], "FORM closed", "{seen:?}");
        let ticked = row(
            &path,
            "SELECT appointment_booked, naloxone_given, prescriber_confirmed FROM custody",
        );
        let ticked: (i64, i64, i64) = (
            ticked.get("appointment_booked").unwrap(),
            ticked.get("naloxone_given").unwrap(),
            ticked.get("prescriber_confirmed").unwrap(),
        );
        assert_eq!(ticked, (1, 1, 0));
    });
}

#[test]
fn two_processes_undo_reverts_only_the_fields_no_colleague_changed_since() {
    on_each_engine(|engine| {
        let (_db, store, team) = fixture_on(engine);
        let path = store.path().to_path_buf();
        let (_, seen) = cora_waits_for_lead(
            &path,
            team.c1,
            FormKind::ReleaseDates,
            "set expected=01/04/2027;set earliest=15/01/2027;enter;wait;undo;report",
            "set expected=20/03/2027;enter",
        );
        assert!(
        seen[0].starts_with(
            "MESSAGE Undone except: expected release date, which lead changed at 2026-11-23 09:30 after you."
        ),
        "the refusal names the field and the colleague: {seen:?}"
    );
        let dates = row(
            &path,
            "SELECT expected_release_date, earliest_release_date FROM custody",
        );
        let dates: (String, String) = (
            dates.get("expected_release_date").unwrap(),
            dates.get("earliest_release_date").unwrap(),
        );
        assert_eq!(
            dates,
            ("2027-03-20".into(), "2027-02-01".into()),
            "the colleague's date stays; ours, untouched since, is reverted"
        );
        let undo: String = one_row(&path, "SELECT after FROM audit WHERE action = 'undo'");
        assert_eq!(undo, r#"{"earliest_release_date":"2027-02-01"}"#);
    });
}
