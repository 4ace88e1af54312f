//! The quarterly return in the app: counted on the background reader (newest request
//! wins, reused until the data changes) and shown in the Report view, the same as the
//! CLI prints it.

use caseload::action::{Action, Done, Effect};
use caseload::app::{App, Session, View};
use caseload::domain::kpi::Rules;
use caseload::domain::period::Period;
use caseload::report::{self, ReportOptions};
use caseload::tui::perform;

use crossterm::event::KeyCode;

use crate::common::{actor, demo_store, today};
use crate::ui::{app_as, app_for, lead_session, press, screen, type_text};

/// Polls the background reader until it delivers (a read of the small demo database
/// takes well under a second; the limit only stops a broken reader hanging the run).
fn next_delivery(loader: &caseload::loader::Loader) -> caseload::loader::Delivery {
    let started = std::time::Instant::now();
    loop {
        if let Some(delivery) = loader.poll().expect("reader running") {
            return delivery;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "nothing delivered"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn the_return_is_counted_in_the_background_and_only_the_newest_is_delivered() {
    use caseload::loader::{Delivery, Loader};
    let (_dir, store) = demo_store();
    let mut loader = Loader::spawn(
        &store.target(),
        caseload::domain::triage::TriageConfig::default(),
    )
    .expect("reader");
    let options = |quarter: &str| ReportOptions {
        period: Period::parse(quarter).expect("quarter"),
        area: None,
        suppress_small: false,
        rules: Rules::default(),
    };
    loader.request_report(options("2026-27:Q1"), today());
    loader.request_report(options("2026-27:Q2"), today());
    let Delivery::Report(Ok(counted)) = next_delivery(&loader) else {
        panic!("expected a return");
    };
    assert_eq!(counted.period, options("2026-27:Q2").period);
    let direct = report::build(&store, &options("2026-27:Q2"), today()).expect("return");
    assert_eq!(
        counted.kpis, direct.kpis,
        "the same figures as counted at once"
    );
    assert!(
        loader.poll().expect("reader running").is_none(),
        "Q1 was dropped"
    );
}

#[test]
fn the_return_is_counted_once_per_data_version_and_reused_until_the_data_changes() {
    use caseload::loader::{Delivery, Loader};
    let (_dir, mut store) = demo_store();
    let mut loader = Loader::spawn(
        &store.target(),
        caseload::domain::triage::TriageConfig::default(),
    )
    .expect("reader");
    let options = |quarter: &str, area: Option<&str>| ReportOptions {
        period: Period::parse(quarter).expect("quarter"),
        area: area.map(str::to_owned),
        suppress_small: false,
        rules: Rules::default(),
    };
    let mut count = |options: ReportOptions| {
        loader.request_report(options, today());
        let Delivery::Report(Ok(report)) = next_delivery(&loader) else {
            panic!("expected a return");
        };
        (report, loader.returns_counted())
    };
    let (first, n) = count(options("2026-27:Q2", None));
    assert_eq!(n, 1);
    // Visiting again, and going back to a quarter or area seen before: reused.
    let (again, n) = count(options("2026-27:Q2", None));
    assert_eq!((n, &again), (1, &first));
    assert_eq!(count(options("2026-27:Q1", None)).1, 2);
    assert_eq!(count(options("2026-27:Q2", Some("Newport"))).1, 3);
    assert_eq!(count(options("2026-27:Q2", None)).1, 3);
    assert_eq!(count(options("2026-27:Q1", None)).1, 3);
    // A commit (the session's own, on another connection) changes the data version.
    store
        .generate(
            &actor(),
            caseload::store::Origin::Synthetic("a change"),
            |_| Ok(()),
        )
        .unwrap();
    assert_eq!(count(options("2026-27:Q2", None)).1, 4);
    assert_eq!(count(options("2026-27:Q2", None)).1, 4);
}

#[test]
fn a_recount_keeps_the_return_on_screen_and_another_quarter_clears_it() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let effect = app
        .update(Action::ShowView(View::Report))
        .expect("the Report view asks for its return");
    perform(&mut store, &mut app, effect).expect("counted");
    let options = app.report_options();
    let recount = app.update(Done::Loaded(Box::new(app.data().clone())));
    assert!(
        matches!(&recount, Some(Effect::LoadReport(o)) if *o == options),
        "a colleague's commit recounts the same return"
    );
    assert!(
        app.report().is_some() && app.report_pending(),
        "recounting the same"
    );
    app.update(Done::ReportReady(Box::new(
        report::build(&store, &options, today()).expect("return"),
    )));
    assert!(!app.report_pending());
    let Some(Effect::LoadReport(_)) = app.update(Action::PreviousQuarter) else {
        panic!("stepping back a quarter asks for its return");
    };
    assert!(
        app.report().is_none(),
        "another quarter's figures are not shown meanwhile"
    );
    let screen = screen(&app);
    assert!(
        screen.contains("Counting the return for 2026-27:Q1..."),
        "{screen}"
    );
}

#[test]
fn the_report_view_shows_the_same_return_as_the_cli() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Char('7')]);
    assert_eq!(app.view(), View::Report);
    let options = ReportOptions {
        period: Period::parse("2026-27:Q2").unwrap(),
        area: None,
        suppress_small: false,
        rules: Rules::default(),
    };
    assert_eq!(app.report_options(), options, "the last complete quarter");
    let cli = report::build(&store, &options, app.today()).unwrap();
    assert_eq!(app.report(), Some(&cli));
}

#[test]
fn brackets_step_through_quarters_but_not_past_the_current_one() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let shown = |app: &App| app.report().unwrap().period.label.clone();
    press(&mut store, &mut app, &[KeyCode::Char('7')]);
    assert_eq!(shown(&app), "2026-27:Q2");
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('['), KeyCode::Char('[')],
    );
    assert_eq!(shown(&app), "2025-26:Q4", "across the financial year");
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char(']'), KeyCode::Char(']')],
    );
    assert_eq!(shown(&app), "2026-27:Q2");
    press(&mut store, &mut app, &[KeyCode::Char(']')]);
    assert_eq!(shown(&app), "2026-27:Q3");
    assert!(screen(&app).contains("2026-27:Q3 (01/10/2026 to 31/12/2026), all areas, in progress"));
    press(&mut store, &mut app, &[KeyCode::Char(']')]);
    assert_eq!(
        shown(&app),
        "2026-27:Q3",
        "no quarter after the one in progress"
    );
    assert_eq!(app.message(), Some("this quarter is still in progress"));
}

#[test]
fn a_switches_the_return_between_all_areas_and_my_area() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let scope = |app: &App| app.report().unwrap().scope.clone();
    press(&mut store, &mut app, &[KeyCode::Char('a')]);
    assert_eq!(
        app.report(),
        None,
        "a means nothing outside the Report view"
    );
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('7'), KeyCode::Char('a')],
    );
    assert_eq!(scope(&app), "Newport", "the demo lead's area");
    assert!(screen(&app).contains(", Newport "));
    press(&mut store, &mut app, &[KeyCode::Char('a')]);
    assert_eq!(scope(&app), "all areas");

    let session = Session {
        worker: None,
        ..lead_session(&store)
    };
    let mut no_worker = app_as(&store, session, (80, 24));
    press(
        &mut store,
        &mut no_worker,
        &[KeyCode::Char('7'), KeyCode::Char('a')],
    );
    assert_eq!(scope(&no_worker), "all areas");
    assert!(no_worker.message().unwrap().contains("no home area"));
}

#[test]
fn report_command_and_tab_open_the_return_and_it_scrolls_to_the_definitions() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(&mut store, &mut app, "report");
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.view(), View::Report);
    assert!(app.report().is_some());
    press(&mut store, &mut app, &[KeyCode::Char('6'), KeyCode::Tab]);
    assert_eq!(
        app.view(),
        View::Report,
        "Tab reaches the return after the review"
    );
    assert!(!screen(&app).contains("KPI definitions"));
    press(&mut store, &mut app, &[KeyCode::Char('G')]);
    let text = screen(&app);
    assert!(text.contains("KPI 5 (85%)"), "{text}");
    press(&mut store, &mut app, &[KeyCode::Char('r')]);
    assert!(
        screen(&app).contains("KPI 5 (85%)"),
        "reloading keeps the scroll position"
    );
    press(&mut store, &mut app, &[KeyCode::Char('[')]);
    assert!(
        screen(&app).contains("Home Office KPIs"),
        "another quarter starts at the top"
    );
}

/// The words of the KPI definitions on screen, from their heading to the border.
fn definition_words(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let from = lines
        .iter()
        .position(|l| l.contains("KPI definitions"))
        .expect("the definitions on screen");
    lines[from + 1..]
        .iter()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .take_while(|l| !l.starts_with('└'))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_definitions_wrap_so_that_all_of_each_can_be_read_on_80_columns() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (200, 70));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('7'), KeyCode::Char('G')],
    );
    let report = app.report().expect("the return").clone();
    let texts: Vec<String> = caseload::domain::kpi::KPIS
        .iter()
        .map(|k| format!("KPI {} ({}%): {}", k.number, k.target, k.definition))
        .chain(report::render::rules(&report))
        .collect();
    assert!(
        texts.iter().any(|t| t.len() > 78),
        "some definition is wider than 80 columns"
    );
    // Narrowed to 80 columns (the line count follows the width, or drawing panics).
    app.update(Action::Resize(80, 70));
    press(&mut store, &mut app, &[KeyCode::Char('G')]);
    let text = screen(&app);
    let words = definition_words(&text);
    for definition in &texts {
        let definition = definition.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains(&definition), "{definition}\n{text}");
    }
}
