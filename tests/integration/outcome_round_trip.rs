//! The Required Assessment outcome form keeps the assessments import's rules: a failed
//! attendance needs its breach RAG (the form names the field and says what to do), and
//! nothing else raises a breach. So every outcome the form saves exports and imports
//! back, into the same database (unchanged) and into another (the same rows).

use caseload::domain::model::{AssessmentKind, Role};
use caseload::form::{Form, FormContext, FormKind, Outcome};
use caseload::store::{Access, Change, Store};
use chrono::NaiveDateTime;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::common::at;
use crate::import_facts::{database, export, import, rows};

fn now() -> NaiveDateTime {
    at("2026-11-23 09:30")
}

fn press(form: &mut Form, code: KeyCode) -> Outcome {
    form.handle_key(KeyEvent::new(code, KeyModifiers::NONE), now())
}

/// Focuses `key`, then types `text` into it (a choice takes its first letter).
fn fill(form: &mut Form, key: &str, text: &str) {
    while form.fields[form.focus].key != key {
        press(form, KeyCode::Tab);
    }
    form.fields[form.focus].value.clear();
    for c in text.chars() {
        press(form, KeyCode::Char(c));
    }
}

fn error_of(form: &Form, key: &str) -> Option<String> {
    form.fields
        .iter()
        .find(|f| f.key == key)
        .and_then(|f| f.error.clone())
}

/// A booked appointment of C-1's, and the outcome form opened on it.
fn outcome_form(store: &mut Store, kind: AssessmentKind, when: &str) -> Form {
    let mut me = crate::common::actor();
    me.login = caseload::identity::os_login();
    me.now = now();
    let client = store.version_of("client", client_id(store)).unwrap();
    let booked = store
        .apply(
            &me,
            &Change::BookAssessment {
                client_id: client.id,
                kind,
                at: at(when),
            },
        )
        .unwrap();
    let row = store
        .version_of("required_assessment", booked.rows[0].row_id)
        .unwrap();
    Form::open(
        FormKind::AssessmentOutcome,
        FormContext {
            now: now(),
            client: Some(client),
            row: Some(row),
            ..FormContext::default()
        },
    )
}

fn client_id(store: &Store) -> i64 {
    store
        .caseload(None, None, &[])
        .unwrap()
        .iter()
        .find(|r| r.reference() == "C-1")
        .unwrap()
        .client_id
}

#[test]
fn failed_to_attend_without_a_rag_is_refused_naming_the_field_and_what_to_do() {
    let (_dir, db) = database(Role::CareCoordinator);
    let mut store = Store::open(&db, Access::ReadWrite).unwrap();
    let mut form = outcome_form(&mut store, AssessmentKind::FollowUp, "2026-11-17 10:00");
    fill(&mut form, "outcome", "f");
    assert!(matches!(press(&mut form, KeyCode::Enter), Outcome::Open));
    assert_eq!(
        error_of(&form, "breach").as_deref(),
        Some(
            "failing to attend is a breach: choose its RAG (red: arrest within 24 hours; \
             amber, green: put out for arrest within 7 days, 1 month)"
        )
    );
    // Attended with a breach time: nothing raises a breach, so the time is refused.
    let mut form = outcome_form(&mut store, AssessmentKind::Initial, "2026-11-18 10:00");
    fill(&mut form, "outcome", "a");
    fill(&mut form, "breach_at", "18/11/2026 12:00");
    assert!(matches!(press(&mut form, KeyCode::Enter), Outcome::Open));
    assert!(
        error_of(&form, "breach_at").is_some_and(|e| e.contains("clear this time")),
        "{:?}",
        form.fields
    );
    fill(&mut form, "breach", "r");
    press(&mut form, KeyCode::Enter);
    assert!(
        error_of(&form, "breach").is_some_and(|e| e.contains("clear the RAG")),
        "{:?}",
        form.fields
    );
    // The store, which every form and command writes through, refuses it too.
    let mut me = crate::common::actor();
    me.login = caseload::identity::os_login();
    me.now = now();
    let row = form.context.row.unwrap();
    let refused = store.apply(
        &me,
        &Change::AssessmentOutcome {
            assessment: row,
            outcome: caseload::domain::model::AssessmentOutcome::FailedToAttend,
            breach: None,
            breach_at: None,
        },
    );
    assert_eq!(
        refused.unwrap_err().to_string(),
        "failing to attend is a breach: give its RAG (red, amber or green)"
    );
    assert_eq!(rows(&db, "SELECT count(*) || '' FROM breach"), ["0"]);
    assert_eq!(
        rows(
            &db,
            "SELECT count(*) || '' FROM required_assessment WHERE outcome IS NOT NULL"
        ),
        ["0"],
        "nothing half-written"
    );
}

#[test]
fn every_outcome_the_form_saves_exports_and_imports_back() {
    let (_dir, db) = database(Role::CareCoordinator);
    let mut store = Store::open(&db, Access::ReadWrite).unwrap();
    let mut me = crate::common::actor();
    me.login = caseload::identity::os_login();
    me.now = now();
    // (kind, appointment, outcome key, RAG key, breach time): every outcome, every RAG,
    // a breach dated from the appointment and one dated later, every kind, one pending.
    let cases = [
        (AssessmentKind::Initial, "2026-11-10 10:00", "a", "", ""),
        (AssessmentKind::FollowUp, "2026-11-11 10:00", "r", "", ""),
        (AssessmentKind::FollowUp, "2026-11-12 10:00", "f", "r", ""),
        (
            AssessmentKind::Initial,
            "2026-11-13 10:00",
            "f",
            "a",
            "14/11/2026 09:00",
        ),
        (
            AssessmentKind::RestrictionOnBail,
            "2026-11-16 14:30",
            "f",
            "g",
            "",
        ),
        (
            AssessmentKind::RestrictionOnBail,
            "2026-11-17 14:30",
            "a",
            "",
            "",
        ),
    ];
    for (kind, when, outcome, rag, breach_at) in cases {
        let mut form = outcome_form(&mut store, kind, when);
        fill(&mut form, "outcome", outcome);
        if !rag.is_empty() {
            fill(&mut form, "breach", rag);
        }
        if !breach_at.is_empty() {
            fill(&mut form, "breach_at", breach_at);
        }
        let Outcome::Submit(change) = press(&mut form, KeyCode::Enter) else {
            panic!("{when}: not saved: {:?}", form.fields);
        };
        store.apply(&me, &change).unwrap();
    }
    outcome_form(&mut store, AssessmentKind::FollowUp, "2026-11-30 10:00");
    drop(store);

    let exported = export(&db, "assessments");
    assert_eq!(exported.lines().count(), 8, "{exported}");
    let (ok, text) = import(&db, "assessments", &exported, true);
    assert!(ok && text.starts_with("0 created, 7 unchanged"), "{text}");

    // Into another database with the same client: the same appointments and breaches.
    let (_dir2, other) = database(Role::CareCoordinator);
    let (ok, text) = import(&other, "assessments", &exported, true);
    assert!(ok && text.starts_with("7 created, 0 unchanged"), "{text}");
    assert_eq!(export(&other, "assessments"), exported);
    let breaches = "SELECT raised_at || ' ' || rag || ' ' || deadline FROM breach
                     ORDER BY raised_at";
    assert_eq!(rows(&other, breaches), rows(&db, breaches));
    assert_eq!(
        rows(&db, breaches),
        [
            "2026-11-12 10:00 red 2026-11-13 10:00",
            "2026-11-14 09:00 amber 2026-11-21 09:00",
            "2026-11-16 14:30 green 2026-12-16 14:30",
        ]
    );
}
