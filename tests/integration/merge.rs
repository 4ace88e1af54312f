//! Forms that start from the record and save only what the user changed, merged three
//! ways with a colleague's save: every edit form opened and saved unchanged (nothing
//! written) and with one field changed (only that field audited), and two real OS
//! processes on one database for each merge case. The processes are this test binary
//! re-run on [`merge_child_entry`], driving the real app, key table, forms and store.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

use caseload::action::Effect;
use caseload::app::{App, Session};
use caseload::config::Settings;
use caseload::domain::model::{
    AssessmentKind, AssessmentOutcome, ModalityKind, Rag, ReleaseType, Substance,
};
use caseload::domain::substances::{AlcoholRule, Ranked};
use caseload::form::{FieldKind, FormKind, Stage, Target};
use caseload::store::{Change, ClientEdit, CustodyEdit, EpisodeEdit, Store};
use caseload::tui::{initial_app, perform};
use crossterm::event::KeyCode;
use rusqlite::Connection;

use crate::common::{Team, as_login, at, date, team_store};
use crate::ui::press;

/// Set in a child: `db path|login|client id|form draft key|steps`, steps split by `;`.
const CHILD_ENV: &str = "CASELOAD_MERGE_CHILD";

/// The app as `login` (their worker record), on the fixed test time.
pub(crate) fn app_as(store: &Store, login: &str) -> App {
    let worker = store
        .workers()
        .unwrap()
        .into_iter()
        .find(|w| w.login.as_deref() == Some(login));
    let session = Session {
        login: login.to_owned(),
        worker,
        database: "test.db".to_owned(),
        read_only: false,
        redact: false,
    };
    initial_app(
        store,
        session,
        &Settings::default(),
        at("2026-11-23 09:30"),
        (100, 30),
    )
    .unwrap()
}

pub(crate) fn open(store: &mut Store, app: &mut App, kind: FormKind, client: i64) {
    let seed = Box::new(app.form_seed());
    perform(
        store,
        app,
        Effect::OpenForm {
            kind,
            client_id: Some(client),
            clients: Vec::new(),
            seed,
        },
    )
    .unwrap();
    assert_eq!(app.form.as_ref().map(|f| f.kind), Some(kind));
}

/// Focuses field `key` and makes it hold `value`, with the keys a user would press.
pub(crate) fn set(store: &mut Store, app: &mut App, key: &str, value: &str) {
    let form = app.form.as_ref().unwrap();
    let index = form.fields.iter().position(|f| f.key == key).unwrap();
    while app.form.as_ref().unwrap().focus != index {
        press(store, app, &[KeyCode::Tab]);
    }
    let field = app.form.as_ref().unwrap().fields[index].clone();
    match &field.kind {
        FieldKind::YesNo => press(
            store,
            app,
            &[KeyCode::Char(if value == "yes" { 'y' } else { 'n' })],
        ),
        FieldKind::Choice(options) => {
            for _ in 0..=options.len() {
                if app.form.as_ref().unwrap().fields[index].value == value {
                    break;
                }
                press(store, app, &[KeyCode::Right]);
            }
        }
        _ => {
            let erase = vec![KeyCode::Backspace; field.value.chars().count()];
            press(store, app, &erase);
            let typed: Vec<KeyCode> = value.chars().map(KeyCode::Char).collect();
            press(store, app, &typed);
        }
    }
    assert_eq!(
        app.form.as_ref().unwrap().fields[index].value,
        value,
        "{key}"
    );
}

/// Enter, and Confirm when the form asks first.
pub(crate) fn enter(store: &mut Store, app: &mut App) {
    press(store, app, &[KeyCode::Enter]);
    if matches!(
        app.form.as_ref().map(|f| &f.stage),
        Some(Stage::Confirm { .. })
    ) {
        press(store, app, &[KeyCode::Right, KeyCode::Enter]);
    }
}

/// C-1 with a value in every field the edit forms show, and a row for each of them:
/// a custody not yet released, an outstanding breach, an assessment without an
/// outcome, a modality not yet ended.
pub(crate) fn fixture() -> (tempfile::TempDir, Store, Team) {
    let (dir, mut store, team) = team_store();
    let lead = as_login("lead");
    let apply = |store: &mut Store, change: Change| store.apply(&lead, &change).unwrap();
    let episode = |store: &Store| store.version_of("episode", team.e1).unwrap();
    let client = |store: &Store| store.version_of("client", team.c1).unwrap();
    for edit in [
        EpisodeEdit::Assessment(Some(date("2026-09-05"))),
        EpisodeEdit::Review(Some(date("2026-12-01"))),
        EpisodeEdit::ExitPlan("plan A".into()),
        EpisodeEdit::Extension {
            reason: "complex needs".into(),
            review_date: date("2026-12-20"),
        },
    ] {
        let row = episode(&store);
        apply(&mut store, Change::Episode(row, edit));
    }
    let row = client(&store);
    apply(
        &mut store,
        Change::Client(row, ClientEdit::Consent(Some(date("2026-09-02")))),
    );
    let row = client(&store);
    let heroin = Ranked::new(vec![Substance::Heroin], AlcoholRule::NotPrimary).unwrap();
    apply(
        &mut store,
        Change::Client(row, ClientEdit::Substances(heroin)),
    );
    let custody = apply(
        &mut store,
        Change::AddCustody {
            client_id: team.c1,
            prison: "HMP Testshire".into(),
            reception_date: date("2026-10-01"),
            expected_release: Some(date("2027-03-11")),
        },
    )
    .rows[0]
        .row_id;
    let row = store.version_of("custody", custody).unwrap();
    apply(
        &mut store,
        Change::Custody(
            row,
            CustodyEdit::ReleaseDates {
                expected: Some(date("2027-03-11")),
                earliest: Some(date("2027-02-01")),
                release_type: Some(ReleaseType::Licence),
            },
        ),
    );
    let failed = apply(
        &mut store,
        Change::BookAssessment {
            client_id: team.c1,
            kind: AssessmentKind::Initial,
            at: at("2026-11-01 10:00"),
        },
    )
    .rows[0]
        .row_id;
    let assessment = store.version_of("required_assessment", failed).unwrap();
    apply(
        &mut store,
        Change::AssessmentOutcome {
            assessment,
            outcome: AssessmentOutcome::FailedToAttend,
            breach: Some(Rag::Red),
            breach_at: None,
        },
    );
    apply(
        &mut store,
        Change::BookAssessment {
            client_id: team.c1,
            kind: AssessmentKind::FollowUp,
            at: at("2026-11-30 10:00"),
        },
    );
    apply(
        &mut store,
        Change::StartModality {
            episode_id: team.e1,
            kind: ModalityKind::Prescribing,
            on: date("2026-09-15"),
        },
    );
    (dir, store, team)
}

pub(crate) fn audit_count(store: &Store) -> i64 {
    Connection::open(store.path())
        .unwrap()
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap()
}

/// The columns named in the newest audit row's before and after.
fn last_audit_columns(store: &Store) -> (BTreeSet<String>, BTreeSet<String>) {
    let (before, after): (String, String) = Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT before, after FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let keys = |text: &str| -> BTreeSet<String> {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    (keys(&before), keys(&after))
}

/// Every form that edits a record: the fields changed, and the columns the audit row
/// must name (two where the record's rules pair them: a closure's date and reason, a
/// breach's status and date).
/// A form kind, the (field, value) pairs to set, and the columns the audit must name.
type Edit = (FormKind, Vec<(&'static str, String)>, Vec<&'static str>);

fn edits(team: &Team) -> Vec<Edit> {
    let one = |key, value: &str, column| (vec![(key, value.to_owned())], vec![column]);
    let table = [
        (
            FormKind::Assessment,
            one("on", "06/09/2026", "assessment_date"),
        ),
        (
            FormKind::CarePlan,
            one("on", "11/09/2026", "care_plan_date"),
        ),
        (
            FormKind::Review,
            one("next_review", "05/01/2027", "next_review_date"),
        ),
        (
            FormKind::Engaged,
            (
                vec![("engaged", "yes".into()), ("on", "20/11/2026".into())],
                vec!["engaged", "engaged_on"],
            ),
        ),
        (FormKind::Prescribed, one("prescribed", "yes", "prescribed")),
        (FormKind::Tier, one("tier", "3", "tier")),
        (FormKind::Flags, one("ppo", "yes", "ppo")),
        (
            FormKind::Substances,
            one("substance_2", "crack", "substance_2"),
        ),
        (FormKind::Consent, one("on", "03/09/2026", "consent_date")),
        (
            FormKind::DomesticAbuse,
            one("domestic_abuse", "yes", "domestic_abuse"),
        ),
        (
            FormKind::Practice,
            one("gp", "Castle Surgery, Newport", "gp_practice"),
        ),
        (
            FormKind::AssessmentOutcome,
            one("outcome", "attended", "outcome"),
        ),
        (
            FormKind::Breach,
            (
                vec![("status", "resolved".into()), ("on", "20/11/2026".into())],
                vec!["status", "resolution_date"],
            ),
        ),
        (
            FormKind::ReleaseDates,
            one("expected", "12/03/2027", "expected_release_date"),
        ),
        (
            FormKind::ReleaseChecklist,
            one("naloxone_given", "yes", "naloxone_given"),
        ),
        (
            FormKind::Released,
            one("on", "20/11/2026", "actual_release_date"),
        ),
        (FormKind::ExitPlan, one("plan", "plan B", "exit_plan")),
        (
            FormKind::Extension,
            one("reason", "needs longer", "extension_reason"),
        ),
        (
            FormKind::Close,
            (
                vec![("reason", "disengaged".into()), ("on", "20/11/2026".into())],
                vec!["exit_reason", "closure_date"],
            ),
        ),
        (
            FormKind::Reassign,
            one(
                "care_coordinator",
                &team.colin.to_string(),
                "care_coordinator_id",
            ),
        ),
        (FormKind::EndModality, one("on", "20/11/2026", "ended_on")),
        (
            FormKind::Handover,
            (
                vec![
                    ("with", "CARATS: J Price".into()),
                    ("on", "20/11/2026".into()),
                ],
                // Whom and when tick the release checklist's item too.
                vec!["handover_with", "handover_on", "prison_team_contacted"],
            ),
        ),
    ];
    table
        .into_iter()
        .map(|(kind, (fields, columns))| (kind, fields, columns))
        .collect()
}

#[test]
fn every_edit_form_saved_unchanged_writes_nothing_and_one_change_audits_only_it() {
    let (_dir, store, team) = fixture();
    let table = edits(&team);
    let covered: BTreeSet<&str> = table.iter().map(|(k, _, _)| k.draft_key()).collect();
    let editing: BTreeSet<&str> = FormKind::ALL
        .into_iter()
        .filter(|k| k.spec().target != Target::New)
        .map(FormKind::draft_key)
        .collect();
    assert_eq!(
        covered, editing,
        "every form that edits a record is in the table"
    );
    drop(store);
    for (kind, fields, columns) in table {
        let (_dir, mut store, team) = fixture();
        let mut app = app_as(&store, "lead");
        let audits = audit_count(&store);

        // These open at today, a change of the record (see the test below).
        if !OPEN_AT_TODAY.contains(&kind) {
            open(&mut store, &mut app, kind, team.c1);
            enter(&mut store, &mut app);
            assert!(app.form.is_none(), "{kind:?} unchanged stays open");
            assert_eq!(
                app.message.as_deref(),
                Some(kind.nothing_changed().as_str()),
                "{kind:?}"
            );
            assert_eq!(audit_count(&store), audits, "{kind:?} unchanged wrote");
        }

        open(&mut store, &mut app, kind, team.c1);
        for (key, value) in &fields {
            set(&mut store, &mut app, key, value);
        }
        enter(&mut store, &mut app);
        assert!(
            app.form.is_none(),
            "{kind:?} not saved: {:?}",
            app.form.as_ref().map(|f| (&f.notice, &f.fields))
        );
        assert_eq!(audit_count(&store), audits + 1, "{kind:?}: one audit row");
        let wanted: BTreeSet<String> = columns.iter().map(|c| (*c).to_owned()).collect();
        assert_eq!(
            last_audit_columns(&store),
            (wanted.clone(), wanted),
            "{kind:?}"
        );
    }
}

/// The "it happened" forms whose date the fixture's record lacks.
const OPEN_AT_TODAY: [FormKind; 3] = [FormKind::Released, FormKind::EndModality, FormKind::Close];

#[test]
fn forms_recording_what_happened_open_at_today_and_save_it_where_the_record_has_no_date() {
    for kind in OPEN_AT_TODAY {
        let (_dir, mut store, team) = fixture();
        let mut app = app_as(&store, "lead");
        open(&mut store, &mut app, kind, team.c1);
        assert_eq!(
            app.form.as_ref().unwrap().value("on"),
            "23/11/2026",
            "{kind:?}"
        );
        press(&mut store, &mut app, &[KeyCode::Esc]);
        assert!(
            app.form.is_none(),
            "{kind:?}: Esc asks only about typed changes"
        );

        let audits = audit_count(&store);
        open(&mut store, &mut app, kind, team.c1);
        let column = match kind {
            FormKind::Released => "actual_release_date",
            FormKind::EndModality => "ended_on",
            _ => "closure_date",
        };
        let mut wanted = vec![column];
        if kind == FormKind::Close {
            set(&mut store, &mut app, "reason", "disengaged");
            wanted.push("exit_reason");
        }
        enter(&mut store, &mut app);
        assert!(app.form.is_none(), "{kind:?} not saved");
        assert_eq!(audit_count(&store), audits + 1, "{kind:?}: one audit row");
        let wanted: BTreeSet<String> = wanted.iter().map(|c| (*c).to_owned()).collect();
        assert_eq!(
            last_audit_columns(&store),
            (wanted.clone(), wanted),
            "{kind:?}"
        );
        let saved: String = Connection::open(store.path())
            .unwrap()
            .query_row(
                "SELECT json_extract(after, '$.' || ?1) FROM audit ORDER BY id DESC LIMIT 1",
                [column],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(saved, "2026-11-23", "{kind:?}");
    }
    // A date the record holds is shown as it is, never replaced by today.
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "lead");
    open(&mut store, &mut app, FormKind::CarePlan, team.c1);
    assert_eq!(app.form.as_ref().unwrap().value("on"), "10/09/2026");
    enter(&mut store, &mut app);
    assert_eq!(
        app.message.as_deref(),
        Some(FormKind::CarePlan.nothing_changed().as_str())
    );
}

#[test]
fn forms_open_with_the_records_values() {
    let (_dir, mut store, team) = fixture();
    let tier = store.version_of("episode", team.e1).unwrap();
    store
        .apply(
            &as_login("lead"),
            &Change::Episode(tier, EpisodeEdit::Tier(3)),
        )
        .unwrap();
    let mut app = app_as(&store, "cora");
    for (kind, key, shown) in [
        (FormKind::ReleaseDates, "expected", "11/03/2027"),
        (FormKind::ReleaseDates, "earliest", "01/02/2027"),
        (FormKind::ReleaseDates, "release_type", "licence"),
        (FormKind::Tier, "tier", "3"),
        (FormKind::Breach, "status", "outstanding"),
        (FormKind::Assessment, "on", "05/09/2026"),
        (FormKind::Review, "next_review", "01/12/2026"),
        (FormKind::Consent, "consent", "yes"),
        (FormKind::Consent, "on", "02/09/2026"),
        (FormKind::Substances, "substance_1", "heroin"),
        (FormKind::ExitPlan, "plan", "plan A"),
        (FormKind::Extension, "review", "20/12/2026"),
        (
            FormKind::Reassign,
            "care_coordinator",
            &team.cora.to_string(),
        ),
    ] {
        open(&mut store, &mut app, kind, team.c1);
        assert_eq!(
            app.form.as_ref().unwrap().value(key),
            shown,
            "{kind:?}.{key}"
        );
        app.close_form();
    }
}

#[test]
fn drafts_are_stored_under_a_key_that_is_not_the_label_and_old_names_still_load() {
    let mut keys = BTreeSet::new();
    for kind in FormKind::ALL {
        assert!(
            keys.insert(kind.draft_key()),
            "{kind:?}: draft keys are unique"
        );
        assert_eq!(FormKind::from_draft_key(kind.draft_key()), Some(kind));
        assert_eq!(
            FormKind::from_draft_key(kind.spec().legacy_key),
            Some(kind),
            "drafts stored under the titles of before stay loadable"
        );
    }
    assert_eq!(FormKind::ReleaseDates.draft_key(), "release_dates");
    let (_dir, mut store, team) = fixture();
    store
        .save_draft(
            &as_login("cora"),
            "release dates",
            Some(team.c1),
            &serde_json::json!({ "earliest": "02/02/2027" }),
        )
        .unwrap();
    let mut app = app_as(&store, "cora");
    caseload::tui::offer_drafts(&store, &mut app).unwrap();
    press(&mut store, &mut app, &[KeyCode::Char('y')]);
    let form = app.form.as_ref().expect("restored");
    assert_eq!(form.kind, FormKind::ReleaseDates);
    assert_eq!(form.value("earliest"), "02/02/2027");
    assert_eq!(
        form.value("expected"),
        "11/03/2027",
        "the rest is the record"
    );
    assert!(
        store.drafts("cora").unwrap().is_empty(),
        "the draft under the old name is not offered twice"
    );
}

// ---- two processes ----

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
    println!("MESSAGE {}", app.message.as_deref().unwrap_or(""));
    match &app.form {
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
                "merge::merge_child_entry",
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

fn one_row<T: rusqlite::types::FromSql>(path: &Path, sql: &str) -> T {
    Connection::open(path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn two_processes_changing_different_fields_both_stick() {
    let (_dir, store, team) = fixture();
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
    let flags: (i64, i64) = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT ppo, mappa FROM client WHERE id = ?1",
            [team.c1],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(flags, (1, 1), "the colleague's PPO and our MAPPA");
    let after: String = one_row(
        &path,
        "SELECT after FROM audit WHERE who = 'cora' ORDER BY id DESC LIMIT 1",
    );
    assert_eq!(after, r#"{"mappa":1}"#);
}

#[test]
fn two_processes_changing_the_same_field_choose_per_field_and_the_rest_merges() {
    let (_dir, store, team) = fixture();
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
    let dates: (String, String, String) = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT expected_release_date, earliest_release_date, release_type FROM custody",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
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
}

#[test]
fn two_processes_changing_the_same_field_can_keep_yours() {
    let (_dir, store, team) = fixture();
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
}

#[test]
fn two_processes_ticking_different_checklist_items_both_stick() {
    let (_dir, store, team) = fixture();
    let path = store.path().to_path_buf();
    let (_, seen) = cora_waits_for_lead(
        &path,
        team.c1,
        FormKind::ReleaseChecklist,
        "wait;set appointment_booked=yes;enter;report",
        "set naloxone_given=yes;enter",
    );
    assert_eq!(seen[1], "FORM closed", "{seen:?}");
    let ticked: (i64, i64, i64) = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT appointment_booked, naloxone_given, prescriber_confirmed FROM custody",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(ticked, (1, 1, 0));
}

#[test]
fn two_processes_undo_reverts_only_the_fields_no_colleague_changed_since() {
    let (_dir, store, team) = fixture();
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
    let dates: (String, String) = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT expected_release_date, earliest_release_date FROM custody",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        dates,
        ("2027-03-20".into(), "2027-02-01".into()),
        "the colleague's date stays; ours, untouched since, is reverted"
    );
    let undo: String = one_row(&path, "SELECT after FROM audit WHERE action = 'undo'");
    assert_eq!(undo, r#"{"earliest_release_date":"2027-02-01"}"#);
}

#[test]
fn the_fields_in_dispute_are_shown_side_by_side_with_who_and_when() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "cora");
    open(&mut store, &mut app, FormKind::ReleaseDates, team.c1);
    let custody = app.form.as_ref().unwrap().context.row.unwrap();
    let mut colleague = crate::common::second_connection(&store);
    colleague
        .apply(
            &as_login("lead"),
            &Change::Custody(
                custody,
                CustodyEdit::ReleaseDates {
                    expected: Some(date("2027-03-20")),
                    earliest: Some(date("2027-02-01")),
                    release_type: Some(ReleaseType::Parole),
                },
            ),
        )
        .unwrap();
    set(&mut store, &mut app, "expected", "01/04/2027");
    set(&mut store, &mut app, "release_type", "end_of_sentence");
    set(&mut store, &mut app, "earliest", "15/01/2027");
    let audits = audit_count(&store);
    enter(&mut store, &mut app);
    assert_eq!(
        audit_count(&store),
        audits,
        "nothing is written before the choice"
    );
    insta::assert_snapshot!(crate::ui::screen(&app));
    // Enter before choosing every field saves nothing and says which is left.
    press(&mut store, &mut app, &[KeyCode::Char('y'), KeyCode::Enter]);
    assert_eq!(audit_count(&store), audits);
    let notice = app.form.as_ref().unwrap().notice.clone().unwrap();
    assert_eq!(
        notice,
        "Choose theirs (t) or yours (y) for release type first."
    );
    press(&mut store, &mut app, &[KeyCode::Char('t'), KeyCode::Enter]);
    assert!(
        app.form.is_none(),
        "{:?}",
        app.form.as_ref().map(|f| &f.notice)
    );
    let stored: (String, String, String) = Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT expected_release_date, earliest_release_date, release_type FROM custody",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        stored,
        ("2027-04-01".into(), "2027-01-15".into(), "parole".into()),
        "yours where chosen, theirs where chosen, and the field only we changed"
    );
}

#[test]
fn a_bulk_reassign_asks_only_about_the_client_a_colleague_moved_and_can_leave_them_out() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "lead");
    let seed = Box::new(app.form_seed());
    perform(
        &mut store,
        &mut app,
        Effect::OpenForm {
            kind: FormKind::Reassign,
            client_id: None,
            clients: vec![team.c1, team.c2],
            seed,
        },
    )
    .unwrap();
    let form = app.form.as_ref().unwrap();
    assert_eq!(
        form.value("area"),
        team.north.to_string(),
        "both are in Northtown"
    );
    assert_eq!(
        form.value("care_coordinator"),
        "",
        "their co-ordinators differ"
    );
    // Meanwhile C-1 is given to the team leader.
    let c1 = store.version_of("client", team.c1).unwrap();
    crate::common::second_connection(&store)
        .apply(
            &as_login("lead"),
            &Change::Reassign {
                clients: vec![c1],
                area_id: team.north,
                care_coordinator_id: Some(team.lead),
            },
        )
        .unwrap();
    set(
        &mut store,
        &mut app,
        "care_coordinator",
        &team.colin.to_string(),
    );
    enter(&mut store, &mut app);
    let Some(Stage::Resolve { items, .. }) = app.form.as_ref().map(|f| &f.stage) else {
        panic!(
            "no choice offered: {:?}",
            app.form.as_ref().map(|f| &f.notice)
        );
    };
    assert_eq!(items.len(), 1, "only C-1's co-ordinator is in dispute");
    assert_eq!(items[0].conflict.row_id, team.c1);
    press(&mut store, &mut app, &[KeyCode::Char('t'), KeyCode::Enter]);
    assert!(
        app.form.is_none(),
        "{:?}",
        app.form.as_ref().map(|f| &f.notice)
    );
    let coordinators: Vec<(i64, i64)> = crate::common::pairs(
        &store,
        &format!(
            "SELECT id, care_coordinator_id FROM client WHERE id IN ({}, {}) ORDER BY id",
            team.c1, team.c2
        ),
    );
    assert_eq!(
        coordinators,
        vec![(team.c1, team.lead), (team.c2, team.colin)],
        "C-1 left with the colleague's choice; C-2 already with colin, so nothing to do"
    );
}

#[test]
fn a_change_a_colleague_already_made_saves_nothing_and_says_so() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "cora");
    open(&mut store, &mut app, FormKind::Tier, team.c1);
    let episode = store.version_of("episode", team.e1).unwrap();
    crate::common::second_connection(&store)
        .apply(
            &as_login("lead"),
            &Change::Episode(episode, EpisodeEdit::Tier(3)),
        )
        .unwrap();
    let audits = audit_count(&store);
    set(&mut store, &mut app, "tier", "3");
    enter(&mut store, &mut app);
    assert!(app.form.is_none());
    assert_eq!(
        app.message.as_deref(),
        Some("Nothing to save: the tier already holds these values.")
    );
    assert_eq!(audit_count(&store), audits);
}

#[test]
fn undo_of_a_record_a_colleague_has_since_changed_leaves_it_and_names_them() {
    let (_dir, mut store, team) = team_store();
    let added = store
        .apply(
            &as_login("cora"),
            &Change::AddCustody {
                client_id: team.c1,
                prison: "HMP Testshire".into(),
                reception_date: date("2026-10-01"),
                expected_release: None,
            },
        )
        .unwrap();
    let custody = store.version_of("custody", added.rows[0].row_id).unwrap();
    store
        .apply(
            &as_login("lead"),
            &Change::Custody(custody, CustodyEdit::Released(date("2026-11-20"))),
        )
        .unwrap();
    let error = store.undo(&as_login("cora"), &added).unwrap_err();
    assert_eq!(
        error.to_string(),
        "lead changed this custody at 2026-11-23 09:30, after you added it, so it stays: nothing was undone"
    );
    assert_eq!(store.client_record(team.c1).unwrap().custody.len(), 1);
}
