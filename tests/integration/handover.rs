//! Going into prison: the hand-over to CARATS or the prison drug team (issue 15, 003),
//! driven by keys on the real app, forms and store.

use caseload::domain::model::ExitReason;
use caseload::domain::triage::Kind;
use caseload::form::FormKind;
use caseload::store::{Change, EpisodeEdit, StoreError};
use crossterm::event::KeyCode;
use rusqlite::Connection;

use crate::common::{as_login, date};
use crate::merge::{app_as, audit_count, enter, fixture, open, set};
use crate::ui::press;

fn handover_reasons(app: &caseload::app::App) -> Vec<String> {
    app.data()
        .today
        .iter()
        .filter(|i| i.kind() == Kind::Handover)
        .map(|i| i.detail.reason(app.now()))
        .collect()
}

fn custody_flags(store: &caseload::store::Store) -> (i64, i64, Option<String>) {
    Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT prison_team_contacted, prescriber_confirmed, handover_on FROM custody",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn a_reception_is_on_today_until_the_hand_over_is_recorded_which_ticks_the_checklist() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "cora");
    assert_eq!(
        handover_reasons(&app),
        vec!["Into custody 53 days ago: hand-over to CARATS not recorded".to_owned()]
    );

    open(&mut store, &mut app, FormKind::Handover, team.c1);
    assert_eq!(app.form().unwrap().value("prison"), "HMP Testshire");
    set(&mut store, &mut app, "with", "J Price, CARATS");
    enter(&mut store, &mut app);
    assert!(app.form().is_some(), "who without when is refused");
    assert_eq!(
        app.form().unwrap().fields[3].error.as_deref(),
        Some("give both whom you contacted at the prison drug team and when")
    );
    set(&mut store, &mut app, "on", "22/11/2026");
    set(&mut store, &mut app, "prescribing", "yes");
    let audits = audit_count(&store);
    enter(&mut store, &mut app);
    assert!(
        app.form().is_none(),
        "saved: {:?}",
        app.form().map(|f| &f.notice)
    );
    assert_eq!(audit_count(&store), audits + 1);
    assert_eq!(handover_reasons(&app), Vec::<String>::new());
    assert_eq!(
        custody_flags(&store),
        (1, 1, Some("2026-11-22".to_owned())),
        "the release checklist starts from the hand-over"
    );
}

#[test]
fn a_reception_with_the_prison_not_known_says_so() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "cora");
    open(&mut store, &mut app, FormKind::Released, team.c1);
    enter(&mut store, &mut app);
    open(&mut store, &mut app, FormKind::AddCustody, team.c1);
    set(&mut store, &mut app, "reception", "23/11/2026");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.fields));
    assert_eq!(
        handover_reasons(&app),
        vec!["Into custody today: prison not known, no hand-over".to_owned()]
    );
    // The record says whom to ask while nobody knows the prison (003).
    caseload::tui::perform(
        &mut store,
        &mut app,
        caseload::action::Effect::OpenClient(team.c1),
    )
    .unwrap();
    let text = crate::ui::screen(&app);
    assert!(
        text.contains("prison not known yet, ask the custody suite"),
        "{text}"
    );
    open(&mut store, &mut app, FormKind::Handover, team.c1);
    assert_eq!(app.form().unwrap().value("prison"), "not known yet");
    press(&mut store, &mut app, &[KeyCode::Esc]);
}

#[test]
fn closing_as_custody_waits_for_the_hand_over_or_a_team_leaders_reason() {
    let (_dir, mut store, team) = fixture();
    let close = |store: &mut caseload::store::Store, login: &str| {
        let row = store.version_of("episode", team.e1).unwrap();
        store.apply(
            &as_login(login),
            &Change::Episode(
                row,
                EpisodeEdit::Close {
                    date: date("2026-11-23"),
                    reason: ExitReason::Custody,
                },
            ),
        )
    };
    let Err(StoreError::Invalid(why)) = close(&mut store, "lead") else {
        panic!("closed without a hand-over")
    };
    assert!(why.starts_with("the hand-over to CARATS"), "{why}");

    // A care co-ordinator may not excuse the hand-over; a team leader may, audited.
    let mut app = app_as(&store, "cora");
    open(&mut store, &mut app, FormKind::Handover, team.c1);
    set(
        &mut store,
        &mut app,
        "waived",
        "moved to a prison in Scotland",
    );
    enter(&mut store, &mut app);
    assert!(
        app.form().is_some(),
        "a care co-ordinator excused the hand-over"
    );
    press(&mut store, &mut app, &[KeyCode::Esc, KeyCode::Char('y')]);
    assert!(app.form().is_none(), "discarded");
    let mut app = app_as(&store, "lead");
    open(&mut store, &mut app, FormKind::Handover, team.c1);
    set(
        &mut store,
        &mut app,
        "waived",
        "moved to a prison in Scotland",
    );
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    let (who, after): (String, String) = Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT who, after FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(who, "lead");
    assert!(after.contains("moved to a prison in Scotland"), "{after}");
    close(&mut store, "lead").expect("closes once excused");
}

#[test]
fn closing_as_custody_with_the_hand_over_recorded_is_allowed() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "lead");
    open(&mut store, &mut app, FormKind::Handover, team.c1);
    set(&mut store, &mut app, "with", "CARATS duty worker");
    set(&mut store, &mut app, "on", "20/11/2026");
    enter(&mut store, &mut app);
    open(&mut store, &mut app, FormKind::Close, team.c1);
    set(&mut store, &mut app, "reason", "custody");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    let reason: String = Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT exit_reason FROM episode WHERE id = ?1",
            [team.e1],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "custody");
}

#[test]
fn the_gp_practice_and_prescriber_are_recorded_and_shown_on_the_record() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "cora");
    open(&mut store, &mut app, FormKind::Practice, team.c1);
    set(&mut store, &mut app, "gp", "Castle Surgery");
    set(&mut store, &mut app, "prescriber", "Newport CDAT");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    caseload::tui::perform(
        &mut store,
        &mut app,
        caseload::action::Effect::OpenClient(team.c1),
    )
    .unwrap();
    let text = crate::ui::screen(&app);
    assert!(
        text.contains("GP: Castle Surgery   Prescribing: Newport CDAT"),
        "{text}"
    );
    assert!(!text.contains("DA-perp"), "{text}");
    open(&mut store, &mut app, FormKind::DomesticAbuse, team.c1);
    set(&mut store, &mut app, "domestic_abuse", "yes");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    assert!(
        crate::ui::screen(&app).contains("DA-perp"),
        "the record shows the flag"
    );
}
