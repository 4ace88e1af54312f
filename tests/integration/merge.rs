//! Forms that start from the record and save only what the user changed: every edit
//! form opened and saved unchanged (nothing written) and with one field changed (only
//! that field audited), and the helpers the merge tests share. A colleague's save in
//! between is in `merge_conflicts`; two real OS processes in `merge_processes`. The
//! tests run on every engine ([`on_each_engine`]).

use std::collections::BTreeSet;

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

use crate::common::{Engine, Team, TestDb, as_login, at, date, on_each_engine};
use crate::ui::press;

/// The app as `login` (their worker record), on the fixed test time.
pub(crate) fn app_as(store: &Store, login: &str) -> App {
    app_as_sized(store, login, (100, 30))
}

/// [`app_as`] on a terminal of `size` (columns, rows).
pub(crate) fn app_as_sized(store: &Store, login: &str, size: (u16, u16)) -> App {
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
        size,
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
    assert_eq!(app.form().map(|f| f.kind), Some(kind));
}

/// Focuses field `key` and makes it hold `value`, with the keys a user would press.
pub(crate) fn set(store: &mut Store, app: &mut App, key: &str, value: &str) {
    let form = app.form().unwrap();
    let index = form.fields.iter().position(|f| f.key == key).unwrap();
    while app.form().unwrap().focus != index {
        press(store, app, &[KeyCode::Tab]);
    }
    let field = app.form().unwrap().fields[index].clone();
    match &field.kind {
        FieldKind::YesNo => press(
            store,
            app,
            &[KeyCode::Char(if value == "yes" { 'y' } else { 'n' })],
        ),
        FieldKind::Choice(options) => {
            for _ in 0..=options.len() {
                if app.form().unwrap().fields[index].value == value {
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
    assert_eq!(app.form().unwrap().fields[index].value, value, "{key}");
}

/// Enter, and Confirm when the form asks first.
pub(crate) fn enter(store: &mut Store, app: &mut App) {
    press(store, app, &[KeyCode::Enter]);
    if matches!(app.form().map(|f| &f.stage), Some(Stage::Confirm { .. })) {
        press(store, app, &[KeyCode::Right, KeyCode::Enter]);
    }
}

/// C-1 with a value in every field the edit forms show, and a row for each of them:
/// a custody not yet released, an outstanding breach, an assessment without an
/// outcome, a modality not yet ended, a court order in force with a review.
pub(crate) fn fixture() -> (TestDb, Store, Team) {
    fixture_on(Engine::Sqlite)
}

/// [`fixture`] on `engine`.
#[allow(clippy::too_many_lines)] // one edit per field the forms show, in form order
pub(crate) fn fixture_on(engine: Engine) -> (TestDb, Store, Team) {
    let (dir, mut store, team) = TestDb::team(engine);
    let lead = as_login("lead");
    let apply = |store: &mut Store, change: Change| store.apply(&lead, &change).unwrap();
    let episode = |store: &Store| store.version_of("episode", team.e1).unwrap();
    let client = |store: &Store| store.version_of("client", team.c1).unwrap();
    for edit in [
        EpisodeEdit::Assessment {
            on: Some(date("2026-09-05")),
            assessed_need: true,
            dan_advised: false,
        },
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
            reception_kind: None,
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
    // A community order (no flag of its own) with a review, far from today.
    apply(&mut store, crate::court_orders::community_order(team.c1));
    apply(
        &mut store,
        Change::AddReview {
            client_id: team.c1,
            on: date("2027-01-20"),
        },
    );
    (dir, store, team)
}

pub(crate) fn audit_count(store: &Store) -> i64 {
    crate::common::raw_of(store)
        .query_row("SELECT count(*) AS n FROM audit", &[])
        .and_then(|row| row.get("n"))
        .unwrap()
}

/// The columns named in the newest audit row's before and after.
fn last_audit_columns(store: &Store) -> (BTreeSet<String>, BTreeSet<String>) {
    let (before, after): (String, String) = crate::common::pairs(
        store,
        "SELECT before, after FROM audit ORDER BY id DESC LIMIT 1",
    )
    .pop()
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
pub(crate) type Edit = (FormKind, Vec<(&'static str, String)>, Vec<&'static str>);

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
        .chain(crate::court_orders::order_edits())
        .collect()
}

#[test]
fn every_edit_form_saved_unchanged_writes_nothing_and_one_change_audits_only_it() {
    on_each_engine(|engine| {
        let (_dir, store, team) = fixture_on(engine);
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
            let (_dir, mut store, team) = fixture_on(engine);
            let mut app = app_as(&store, "lead");
            let audits = audit_count(&store);

            // These open at today, a change of the record (see the test below).
            if !OPEN_AT_TODAY.contains(&kind) {
                open(&mut store, &mut app, kind, team.c1);
                enter(&mut store, &mut app);
                assert!(app.form().is_none(), "{kind:?} unchanged stays open");
                assert_eq!(
                    app.message(),
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
                app.form().is_none(),
                "{kind:?} not saved: {:?}",
                app.form().map(|f| (&f.notice, &f.fields))
            );
            assert_eq!(audit_count(&store), audits + 1, "{kind:?}: one audit row");
            let wanted: BTreeSet<String> = columns.iter().map(|c| (*c).to_owned()).collect();
            assert_eq!(
                last_audit_columns(&store),
                (wanted.clone(), wanted),
                "{kind:?}"
            );
        }
    });
}

/// The "it happened" forms whose date the fixture's record lacks.
const OPEN_AT_TODAY: [FormKind; 3] = [FormKind::Released, FormKind::EndModality, FormKind::Close];

#[test]
fn forms_recording_what_happened_open_at_today_and_save_it_where_the_record_has_no_date() {
    on_each_engine(|engine| {
        for kind in OPEN_AT_TODAY {
            let (_dir, mut store, team) = fixture_on(engine);
            let mut app = app_as(&store, "lead");
            open(&mut store, &mut app, kind, team.c1);
            assert_eq!(app.form().unwrap().value("on"), "23/11/2026", "{kind:?}");
            press(&mut store, &mut app, &[KeyCode::Esc]);
            assert!(
                app.form().is_none(),
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
            assert!(app.form().is_none(), "{kind:?} not saved");
            assert_eq!(audit_count(&store), audits + 1, "{kind:?}: one audit row");
            let wanted: BTreeSet<String> = wanted.iter().map(|c| (*c).to_owned()).collect();
            assert_eq!(
                last_audit_columns(&store),
                (wanted.clone(), wanted),
                "{kind:?}"
            );
            let (_, after): (String, String) = crate::common::pairs(
                &store,
                "SELECT before, after FROM audit ORDER BY id DESC LIMIT 1",
            )
            .pop()
            .unwrap();
            let after: serde_json::Value = serde_json::from_str(&after).unwrap();
            assert_eq!(after[column], "2026-11-23", "{kind:?}");
        }
        // A date the record holds is shown as it is, never replaced by today.
        let (_dir, mut store, team) = fixture_on(engine);
        let mut app = app_as(&store, "lead");
        open(&mut store, &mut app, FormKind::CarePlan, team.c1);
        assert_eq!(app.form().unwrap().value("on"), "10/09/2026");
        enter(&mut store, &mut app);
        assert_eq!(
            app.message(),
            Some(FormKind::CarePlan.nothing_changed().as_str())
        );
    });
}

#[test]
fn forms_open_with_the_records_values() {
    on_each_engine(|engine| {
        let (_dir, mut store, team) = fixture_on(engine);
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
            assert_eq!(app.form().unwrap().value(key), shown, "{kind:?}.{key}");
            crate::ui::press(&mut store, &mut app, &[crossterm::event::KeyCode::Esc]);
            assert!(app.form().is_none(), "an unchanged form closes at once");
        }
    });
}

#[test]
fn drafts_are_stored_under_a_key_that_is_not_the_label_and_old_names_still_load() {
    on_each_engine(|engine| {
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
        let (_dir, mut store, team) = fixture_on(engine);
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
        let form = app.form().expect("restored");
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
    });
}
