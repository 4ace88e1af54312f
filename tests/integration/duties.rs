//! Issue 15's practical duties of 003: a custody reception says remand or sentence,
//! and the DAN 24/7 helpline advice is a checklist item at assessment and before
//! release. Driven by keys on the real app, forms and store.

use caseload::domain::model::ReceptionKind;
use caseload::domain::triage::{Detail, Kind};
use caseload::form::FormKind;
use rusqlite::Connection;

use crate::common::at;
use crate::merge::{app_as, audit_count, enter, fixture, open, set};

fn handover_reasons(app: &caseload::app::App) -> Vec<String> {
    app.data()
        .today
        .iter()
        .filter(|i| i.kind() == Kind::Handover)
        .map(|i| i.detail.reason(app.now()))
        .collect()
}

#[test]
fn the_hand_over_reason_says_remanded_or_sentenced_and_how_long_ago() {
    let now = at("2026-11-23 09:30");
    let reason = |days, reception| {
        Detail::Handover {
            days,
            prison_known: true,
            reception,
        }
        .reason(now)
    };
    for (days, reception, expected) in [
        (0, Some(ReceptionKind::Remand), "Remanded today"),
        (1, Some(ReceptionKind::Remand), "Remanded yesterday"),
        (2, Some(ReceptionKind::Remand), "Remanded 2 days ago"),
        (2, Some(ReceptionKind::Sentence), "Sentenced 2 days ago"),
        (2, None, "Into custody 2 days ago"),
    ] {
        assert_eq!(
            reason(days, reception),
            format!("{expected}: hand-over to CARATS not recorded")
        );
    }
}

#[test]
fn a_reception_recorded_as_remand_is_on_today_as_remanded_until_handed_over() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "cora");
    open(&mut store, &mut app, FormKind::Released, team.c1);
    enter(&mut store, &mut app);
    open(&mut store, &mut app, FormKind::AddCustody, team.c1);
    set(&mut store, &mut app, "prison", "HMP Cardiff");
    set(&mut store, &mut app, "reception", "21/11/2026");
    set(&mut store, &mut app, "reception_kind", "remand");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    assert_eq!(
        handover_reasons(&app),
        ["Remanded 2 days ago: hand-over to CARATS not recorded"]
    );
    // Sentenced since: the hand-over form says so, audited.
    open(&mut store, &mut app, FormKind::Handover, team.c1);
    assert_eq!(app.form().unwrap().value("reception_kind"), "remand");
    set(&mut store, &mut app, "reception_kind", "sentence");
    let audits = audit_count(&store);
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    assert_eq!(audit_count(&store), audits + 1);
    assert_eq!(
        handover_reasons(&app),
        ["Sentenced 2 days ago: hand-over to CARATS not recorded"]
    );
    let text = open_record(&mut store, &mut app, team.c1);
    assert!(
        text.contains("HMP Cardiff from 21/11/2026 (sentenced)"),
        "{text}"
    );
}

fn open_record(
    store: &mut caseload::store::Store,
    app: &mut caseload::app::App,
    client: i64,
) -> String {
    caseload::tui::perform(store, app, caseload::action::Effect::OpenClient(client)).unwrap();
    crate::ui::screen(app)
}

#[test]
fn the_dan_24_7_number_is_ticked_at_assessment_and_on_the_release_checklist() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "cora");
    let text = open_record(&mut store, &mut app, team.c1);
    assert!(
        text.contains("DAN 24/7 number not given at assessment"),
        "{text}"
    );
    open(&mut store, &mut app, FormKind::Assessment, team.c1);
    set(&mut store, &mut app, "dan_advised", "yes");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    let text = open_record(&mut store, &mut app, team.c1);
    assert!(!text.contains("DAN 24/7 number not given"), "{text}");

    open(&mut store, &mut app, FormKind::ReleaseChecklist, team.c1);
    set(&mut store, &mut app, "dan_advised", "yes");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    let (episode, custody): (i64, i64) = Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT (SELECT dan_advised FROM episode WHERE id = ?1),
                    (SELECT dan_advised FROM custody WHERE actual_release_date IS NULL)",
            [team.e1],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((episode, custody), (1, 1));
}
