//! Re-engagement after a breach, in the team's cooling-off period (issue 15 section 3;
//! 002: "the 'cooling-off' period (in which re-engagement with the client is sought)"):
//! each attempt is recorded on its form, audited, and shown on Today and Breaches.

use caseload::app::{App, Session};
use caseload::config::Settings;
use caseload::domain::model::{AssessmentKind, AssessmentOutcome, Rag, ReengageHow};
use caseload::domain::reengage::{Tried, check_attempt, cooling_off_phrase};
use caseload::domain::triage::{Kind, TriageConfig};
use caseload::form::FormKind;
use caseload::store::{Change, Store};
use caseload::tui::initial_app;

use crate::common::{as_login, at, team_store};
use crate::merge::{audit_count, enter, open, set};
use crate::ui::{press, screen};
use crossterm::event::KeyCode;

#[test]
fn cooling_off_runs_to_its_last_minute() {
    // Breach 22/11 10:00 with 48 hours: cooling-off until 24/11 10:00.
    let until = at("2026-11-24 10:00");
    for (now, expected) in [
        ("2026-11-22 10:00", Some("cooling-off 2d 0h left")),
        ("2026-11-24 09:59", Some("cooling-off 1m left")),
        ("2026-11-24 10:00", None),
        ("2026-11-24 10:01", None),
    ] {
        assert_eq!(
            cooling_off_phrase(until, at(now)).as_deref(),
            expected,
            "at {now}"
        );
    }
}

#[test]
fn an_attempt_is_after_the_breach_and_not_in_the_future() {
    let (raised, now) = (at("2026-11-22 10:00"), at("2026-11-23 09:30"));
    for (when, ok) in [
        ("2026-11-22 09:59", false),
        ("2026-11-22 10:00", true),
        ("2026-11-23 09:30", true),
        ("2026-11-23 09:31", false),
    ] {
        assert_eq!(check_attempt(raised, at(when), now).is_ok(), ok, "{when}");
    }
}

#[test]
fn what_was_tried_reads_as_a_phrase_and_a_cell() {
    let none = Tried::default();
    assert_eq!(none.phrase(), "nothing tried yet");
    assert_eq!(none.cell(), "none");
    let one = Tried {
        count: 1,
        last: Some((at("2026-11-23 09:00"), ReengageHow::Phone)),
    };
    assert_eq!(one.phrase(), "tried phone 23/11");
    assert_eq!(one.cell(), "phone 23/11");
    let three = Tried {
        count: 3,
        last: Some((at("2026-11-24 14:00"), ReengageHow::HomeVisit)),
    };
    assert_eq!(three.phrase(), "tried 3x, last visit 24/11");
    assert_eq!(three.cell(), "3: visit 24/11");
    assert_eq!(
        [none.short(), one.short(), three.short()],
        ["none", "phone", "3 visit"]
    );
}

/// C-2 (colin's) missed an RA-IA at 22/11 10:00: an amber breach.
fn breached() -> (tempfile::TempDir, Store, i64) {
    let (dir, mut store, team) = team_store();
    let lead = as_login("lead");
    let booked = store
        .apply(
            &lead,
            &Change::BookAssessment {
                client_id: team.c2,
                kind: AssessmentKind::Initial,
                at: at("2026-11-22 10:00"),
            },
        )
        .unwrap();
    let assessment = store
        .version_of("required_assessment", booked.rows[0].row_id)
        .unwrap();
    store
        .apply(
            &lead,
            &Change::AssessmentOutcome {
                assessment,
                outcome: AssessmentOutcome::FailedToAttend,
                breach: Some(Rag::Amber),
                breach_at: None,
            },
        )
        .unwrap();
    (dir, store, team.c2)
}

/// Colin's app at 23/11 09:30 on an 80x24 terminal, with a 48-hour cooling-off
/// period.
fn colin(store: &Store) -> App {
    let worker = store
        .workers()
        .unwrap()
        .into_iter()
        .find(|w| w.login.as_deref() == Some("colin"));
    let settings = Settings {
        triage: TriageConfig {
            cooling_off_hours: 48,
            ..TriageConfig::default()
        },
        ..Settings::default()
    };
    let session = Session {
        login: "colin".to_owned(),
        worker,
        database: "test.db".to_owned(),
        read_only: false,
        redact: false,
    };
    initial_app(store, session, &settings, at("2026-11-23 09:30"), (80, 24)).unwrap()
}

fn breach_reasons(app: &App) -> Vec<String> {
    app.data()
        .today
        .iter()
        .filter(|i| matches!(i.kind(), Kind::Breach(_)))
        .map(|i| i.detail.reason(app.now()))
        .collect()
}

#[test]
fn each_attempt_is_recorded_on_its_form_and_shown_on_today_and_breaches() {
    let (_dir, mut store, c2) = breached();
    let mut app = colin(&store);
    assert_eq!(
        breach_reasons(&app),
        ["Amber: cooling-off 1d 0h left; nothing tried yet"]
    );

    // Dated before the breach: refused, naming the fix, nothing written.
    open(&mut store, &mut app, FormKind::Reengage, c2);
    set(&mut store, &mut app, "at", "21/11/2026 18:00");
    set(&mut store, &mut app, "how", "phone");
    let audits = audit_count(&store);
    enter(&mut store, &mut app);
    let form = app.form().expect("refused: the form stays open");
    assert!(
        form.notice
            .as_deref()
            .is_some_and(|n| n.contains("re-engagement is sought after the breach")),
        "{:?}",
        form.notice
    );
    assert_eq!(audit_count(&store), audits);

    set(&mut store, &mut app, "at", "23/11/2026 09:00");
    set(&mut store, &mut app, "note", "no answer, left a message");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    assert_eq!(audit_count(&store), audits + 1);
    assert_eq!(
        breach_reasons(&app),
        ["Amber: cooling-off 1d 0h left; tried phone 23/11"]
    );
    let open_breaches = store.breaches(true).unwrap();
    assert_eq!(open_breaches[0].tried.cell(), "phone 23/11");
    let record = store.client_record(c2).unwrap();
    assert_eq!(record.reengagements.len(), 1);
    assert_eq!(record.reengagements[0].note, "no answer, left a message");

    // The same attempt twice is one attempt.
    open(&mut store, &mut app, FormKind::Reengage, c2);
    set(&mut store, &mut app, "at", "23/11/2026 09:00");
    set(&mut store, &mut app, "how", "phone");
    enter(&mut store, &mut app);
    let notice = app
        .form()
        .and_then(|f| f.notice.clone())
        .unwrap_or_default();
    assert!(notice.contains("already recorded"), "{notice}");
    assert_eq!(audit_count(&store), audits + 1);
    press(&mut store, &mut app, &[KeyCode::Esc, KeyCode::Char('y')]);
    assert!(app.form().is_none());

    // At 80 columns: the time left is the cooling-off period's, and what was tried.
    press(&mut store, &mut app, &[KeyCode::Char('1')]);
    insta::assert_snapshot!("today_in_cooling_off_80x24", screen(&app));
    press(&mut store, &mut app, &[KeyCode::Char('5')]);
    insta::assert_snapshot!("breaches_in_cooling_off_80x24", screen(&app));

    // The record names the breach once, by its RAG, with the attempt under it.
    press(&mut store, &mut app, &[KeyCode::Char('1'), KeyCode::Enter]);
    let record = screen(&app);
    assert!(record.contains("   A breach 2"), "{record}");
    assert!(!record.contains("breach breach"), "{record}");
}
