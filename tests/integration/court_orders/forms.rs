//! An order, its reviews and the aftercare link, entered from the keyboard on the
//! real app, forms and store: Today's reasons, the record, the version checks and
//! the audit rows.

use caseload::action::Effect;
use caseload::app::App;
use caseload::domain::triage::Kind;
use caseload::form::{FormKind, Stage};
use caseload::store::{Change, EpisodeEdit, Store, StoreError};
use caseload::tui::perform;
use rusqlite::Connection;

use crate::common::{as_login, team_store};
use crate::merge::{audit_count, enter, open, set};

/// The app as `login`, on the fixed test time (Monday 23/11/2026), tall enough to
/// show a whole record.
fn app_as(store: &Store, login: &str) -> App {
    crate::merge::app_as_sized(store, login, (100, 50))
}

fn order_reasons(app: &App, client: i64) -> Vec<String> {
    app.data()
        .today
        .iter()
        .filter(|i| i.client_id == client)
        .filter(|i| matches!(i.kind(), Kind::OrderEnd | Kind::CourtReview))
        .map(|i| i.detail.reason(app.now()))
        .collect()
}

fn one<T: rusqlite::types::FromSql>(store: &Store, sql: &str) -> T {
    Connection::open(store.path())
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// Makes a DRR for C-1 from the keyboard: ends 05/12/2026 as made, or 01/03/2027
/// if extended.
fn make_drr(store: &mut Store, app: &mut App, client: i64) {
    open(store, app, FormKind::AddOrder, client);
    set(store, app, "kind", "drr_high");
    set(store, app, "court", "Cardiff Crown Court");
    set(store, app, "start", "01/06/2026");
    set(store, app, "end", "01/05/2026");
    enter(store, app);
    let form = app.form().expect("an end before the start is refused");
    let end = form.fields.iter().find(|f| f.key == "end").unwrap();
    assert_eq!(
        end.error.as_deref(),
        Some("the order must end after the day it starts")
    );
    set(store, app, "end", "05/12/2026");
    set(store, app, "late_end", "01/03/2027");
    enter(store, app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
}

#[test]
fn an_order_and_its_review_are_on_today_until_the_report_goes_and_on_the_record() {
    let (_dir, mut store, team) = team_store();
    let mut app = app_as(&store, "cora");
    assert_eq!(order_reasons(&app, team.c1), Vec::<String>::new());
    let audits = audit_count(&store);
    make_drr(&mut store, &mut app, team.c1);
    assert_eq!(
        audit_count(&store),
        audits + 2,
        "the order, and the DRR flag"
    );
    assert_eq!(
        one::<i64>(&store, "SELECT drr FROM client WHERE reference = 'C-1'"),
        1
    );
    assert_eq!(
        order_reasons(&app, team.c1),
        ["DRR may end 05/12 (in 12 days): arrange aftercare"]
    );

    open(&mut store, &mut app, FormKind::AddCourtReview, team.c1);
    set(&mut store, &mut app, "on", "26/11/2026");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    assert_eq!(
        order_reasons(&app, team.c1),
        [
            "DRR may end 05/12 (in 12 days): arrange aftercare",
            "Court review on Thursday: progress report"
        ]
    );

    perform(&mut store, &mut app, Effect::OpenClient(team.c1)).unwrap();
    insta::assert_snapshot!(crate::ui::screen(&app));

    open(&mut store, &mut app, FormKind::CourtReport, team.c1);
    assert_eq!(app.form().unwrap().value("on"), "26/11/2026");
    set(&mut store, &mut app, "sent", "yes");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    assert_eq!(
        order_reasons(&app, team.c1),
        ["DRR may end 05/12 (in 12 days): arrange aftercare"]
    );
    let (who, after): (String, String) = Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT who, after FROM audit WHERE entity = 'court_review' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (who.as_str(), after.as_str()),
        ("cora", r#"{"report_sent":1}"#)
    );

    // Recorded as ended, it leaves Today; a second order may then be made.
    open(&mut store, &mut app, FormKind::Order, team.c1);
    set(&mut store, &mut app, "ended", "20/11/2026");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    assert_eq!(order_reasons(&app, team.c1), Vec::<String>::new());
}

#[test]
fn a_second_order_in_force_and_a_review_without_an_order_are_refused_with_the_fix() {
    let (_dir, mut store, team) = team_store();
    let review = Change::AddReview {
        client_id: team.c2,
        on: crate::common::date("2026-12-01"),
    };
    let Err(StoreError::Invalid(why)) = store.apply(&as_login("lead"), &review) else {
        panic!("a review without an order was saved");
    };
    assert_eq!(
        why,
        "this client has no court order or licence in force: record the order first"
    );
    store
        .apply(&as_login("lead"), &super::community_order(team.c2))
        .unwrap();
    let Err(StoreError::Invalid(why)) =
        store.apply(&as_login("lead"), &super::community_order(team.c2))
    else {
        panic!("a second order in force was saved");
    };
    assert!(
        why.starts_with("this client already has a court order"),
        "{why}"
    );
}

#[test]
fn a_colleagues_change_to_the_order_is_kept_or_shown_side_by_side() {
    let (_dir, mut store, team) = team_store();
    let mut app = app_as(&store, "cora");
    make_drr(&mut store, &mut app, team.c1);
    open(&mut store, &mut app, FormKind::Order, team.c1);
    set(&mut store, &mut app, "late_end", "01/04/2027");

    // Meanwhile the team leader records an early end and a later late end.
    let order = store.version_of("court_order", 1).unwrap();
    let mut terms = store.client_record(team.c1).unwrap().orders[0]
        .terms
        .clone();
    terms.early_end_date = Some(crate::common::date("2026-11-30"));
    terms.late_end_date = Some(crate::common::date("2027-05-01"));
    store
        .apply(
            &as_login("lead"),
            &Change::Order {
                order,
                terms,
                ended_on: None,
            },
        )
        .unwrap();
    enter(&mut store, &mut app);
    let form = app.form().expect("both changed the late end");
    let Stage::Resolve { items, .. } = &form.stage else {
        panic!("not asked: {:?}", form.stage);
    };
    let columns: Vec<&str> = items.iter().map(|d| d.conflict.column).collect();
    assert_eq!(columns, ["late_end_date"], "the early end is only theirs");
}

#[test]
fn an_aftercare_episode_names_the_order_it_follows() {
    let (_dir, mut store, team) = team_store();
    let mut app = app_as(&store, "lead");
    make_drr(&mut store, &mut app, team.c1);
    store
        .apply(&as_login("lead"), &super::community_order(team.c2))
        .unwrap();
    open(&mut store, &mut app, FormKind::Aftercare, team.c1);
    let choices = match &app.form().unwrap().fields[0].kind {
        caseload::form::FieldKind::Choice(options) => options.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        choices,
        [(
            "1".to_owned(),
            "DRR (high intensity) from 01/06/2026, Cardiff Crown Court".to_owned()
        )],
        "only C-1's own orders"
    );
    set(&mut store, &mut app, "order", "1");
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    perform(&mut store, &mut app, Effect::OpenClient(team.c1)).unwrap();
    let text = crate::ui::screen(&app);
    assert!(
        text.contains("Aftercare of: DRR (high intensity) from 01/06/2026, Cardiff Crown Court"),
        "{text}"
    );

    // Another client's order is refused by the store, whatever the form offered.
    let episode = store.version_of("episode", team.e1).unwrap();
    let Err(StoreError::Invalid(why)) = store.apply(
        &as_login("lead"),
        &Change::Episode(episode, EpisodeEdit::FollowsOrder(Some(2))),
    ) else {
        panic!("linked to another client's order");
    };
    assert!(
        why.starts_with("an episode can only be the aftercare"),
        "{why}"
    );
}
