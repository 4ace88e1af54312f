//! The first screen of a large caseload (issue 16): the head of the Today queue read
//! from the few clients it can come from, before the whole snapshot. It must be the
//! head of the whole queue, row for row, and the real loop must show it and then
//! replace it with the whole list without moving anything on screen.

use caseload::app::lists::area_counts_of_lists;
use caseload::app::{App, Scope};
use caseload::config::Settings;
use caseload::domain::clock::ClockStart;
use caseload::domain::triage::TriageConfig;
use caseload::loader::{load_area_counts, load_first_screen, load_scope};
use caseload::store::Store;
use caseload::tui::script::{Script, Step};
use caseload::tui::{Screen, Start, run_with};
use caseload::ui::Ctx;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common::{at, demo_store};
use crate::ui::lead_session;

/// The scopes of the demo's team leader: everyone, their area, and each worker with
/// clients in it (one co-ordinator's caseload).
pub(crate) fn scopes(store: &Store) -> Vec<(Option<i64>, Option<i64>)> {
    let rows = store.caseload(None, None, &[]).unwrap();
    let mut scopes = vec![(None, None)];
    let mut areas: Vec<i64> = rows.iter().map(|r| r.area_id).collect();
    areas.sort_unstable();
    areas.dedup();
    scopes.extend(areas.into_iter().map(|a| (Some(a), None)));
    let mut workers: Vec<i64> = rows.iter().filter_map(|r| r.care_coordinator_id).collect();
    workers.sort_unstable();
    workers.dedup();
    scopes.extend(workers.into_iter().take(5).map(|w| (None, Some(w))));
    scopes
}

#[test]
fn the_first_screen_is_the_head_of_the_whole_queue_in_every_scope() {
    let (_dir, store) = demo_store();
    let default = TriageConfig::default();
    // A team whose clock starts at the assessment (a few days before the care plan in
    // the demo), who ask for an exit plan from day 91 only, and who weigh the 13 weeks
    // and consent above hand-overs: other kinds' ceilings come first.
    let other = TriageConfig {
        clock_starts: ClockStart::Assessment,
        exit_plan_from_day: 91,
        exit_plan: 150.0,
        benchmark_overdue: 140.0,
        no_consent: 90.0,
        ..TriageConfig::default()
    };
    let mut windows = 0;
    for (now, cfg) in [
        (at("2026-11-23 09:30"), &default),
        (at("2026-11-23 23:59"), &default),
        (at("2027-01-10 08:00"), &default),
        (at("2026-11-23 09:30"), &other),
    ] {
        for scope in scopes(&store) {
            let whole = load_scope(&store, scope, now, cfg, &[]).unwrap().today;
            for rows in [1, 10, 25, 60] {
                let Some(first) = load_first_screen(&store, scope, now, cfg, rows).unwrap() else {
                    assert!(
                        scope.1.is_none(),
                        "a worker's caseload is always read at once"
                    );
                    continue;
                };
                assert_eq!(first.partial, Some(caseload::app::View::Today));
                let head = &first.today;
                assert!(
                    head.len() >= rows.min(whole.len()),
                    "{scope:?} {now}: {} rows for {rows}",
                    head.len()
                );
                assert_eq!(
                    head[..],
                    whole[..head.len()],
                    "{scope:?} at {now}, {rows} rows"
                );
                for item in head {
                    assert!(
                        first.row_of_client(item.client_id).is_some(),
                        "its row was read"
                    );
                }
                if scope.1.is_none() {
                    windows += 1;
                }
            }
        }
    }
    assert!(
        windows > 20,
        "the head was read from a few clients {windows} times"
    );
}

#[test]
fn without_a_positive_weight_per_day_the_whole_queue_is_ranked_first() {
    let (_dir, store) = demo_store();
    let cfg = TriageConfig {
        no_contact_per_day: 0.0,
        ..TriageConfig::default()
    };
    let now = at("2026-11-23 09:30");
    assert!(
        load_first_screen(&store, (None, None), now, &cfg, 10)
            .unwrap()
            .is_none()
    );
}

/// An in-memory terminal that keeps every frame drawn on it, as text.
struct Frames {
    terminal: Terminal<TestBackend>,
    drawn: Vec<String>,
}

impl Screen for Frames {
    fn size(&self) -> std::io::Result<(u16, u16)> {
        Screen::size(&self.terminal)
    }

    fn draw(&mut self, app: &App, ctx: &Ctx) -> std::io::Result<()> {
        Screen::draw(&mut self.terminal, app, ctx)?;
        let buffer = self.terminal.backend().buffer();
        let text = (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n");
        self.drawn.push(text);
        Ok(())
    }

    fn clear(&mut self) -> std::io::Result<()> {
        Screen::clear(&mut self.terminal)
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        Screen::suspend(&mut self.terminal)
    }
}

/// The list's rows in a frame: every line but the title, the column heads and the
/// last three (the border, the status line and the keys).
fn list_rows(frame: &str) -> Vec<&str> {
    let lines: Vec<&str> = frame.lines().collect();
    lines[3..lines.len() - 3].to_vec()
}

/// Runs the real loop at 100x30 as the demo's team leader in scope "everything"
/// through `steps`; the loop must never spin.
fn run_everything(store: &mut Store, steps: Vec<Step>) -> (App, Frames) {
    let start = Start {
        session: lead_session(store),
        settings: Settings::default(),
        scope: Some(Scope::Everything),
        remembered: None,
    };
    let mut screen = Frames {
        terminal: Terminal::new(TestBackend::new(100, 30)).unwrap(),
        drawn: Vec::new(),
    };
    let mut script = Script::new(at("2026-11-23 09:30"), steps);
    let app = run_with(&mut screen, &mut script, store, start).unwrap();
    assert!(!script.spun());
    (app, screen)
}

#[test]
fn the_loop_shows_the_first_screen_then_the_whole_queue_without_moving_a_row() {
    let (_dir, mut store) = demo_store();
    let (app, screen) = run_everything(&mut store, vec![Step::Settle]);
    let first = screen
        .drawn
        .iter()
        .find(|frame| frame.contains("reading the rest"))
        .expect("a frame with the first screen");
    let settled = screen.drawn.last().unwrap();
    assert!(!settled.contains("reading"), "{settled}");
    // Every row of the list is the same; only the title, the position under the list
    // and the status line differ (the last three lines: border, status, keys).
    assert_eq!(list_rows(first), list_rows(settled));
    assert_eq!(app.cursor_of(caseload::app::View::Today).selected, 0);
    insta::assert_snapshot!("first_rows_first_screen", first);
    insta::assert_snapshot!("first_rows_settled", settled);
}

#[test]
fn a_scope_change_on_the_caseload_shows_its_first_page_then_the_whole_list() {
    // By name; by reference; by the 13-week clock, reversed; by last contact.
    let orders: [&[char]; 4] = [&[], &['s'], &['s', 's', 's', 's', 'S'], &['s'; 5]];
    for sort in orders {
        let (_dir, mut store) = demo_store();
        let mut steps = vec![Step::Settle, Step::key(KeyCode::Char('3'))];
        steps.extend(sort.iter().map(|&c| Step::key(KeyCode::Char(c))));
        // Everything -> my caseload -> my area.
        steps.extend([
            Step::key(KeyCode::Char('o')),
            Step::Settle,
            Step::key(KeyCode::Char('o')),
            Step::Settle,
        ]);
        let (_, screen) = run_everything(&mut store, steps);
        let first = screen
            .drawn
            .iter()
            .find(|frame| frame.contains("Caseload (my area): the first"))
            .unwrap_or_else(|| panic!("a frame with the area's first page, sorted {sort:?}"));
        let settled = screen.drawn.last().unwrap();
        assert!(settled.contains("Caseload (my area):"), "{settled}");
        assert!(!settled.contains("reading"), "{settled}");
        assert_eq!(list_rows(first), list_rows(settled), "sorted {sort:?}");
    }
}

#[test]
fn keys_typed_at_start_show_the_caseloads_first_page_in_their_order() {
    let (_dir, mut store) = demo_store();
    // The keys race the reader thread: on a busy machine the whole list can arrive
    // before the page asked for by the last key, and the last page drawn is then one
    // asked for by an earlier key (in its own order). So the start is tried a few
    // times; a page in the wrong order would fail every try.
    let shown_its_page = (0..8).any(|_| {
        // The Caseload by the 13-week clock, typed before anything is read.
        let mut steps: Vec<Step> = "3ssss"
            .chars()
            .map(|c| Step::key(KeyCode::Char(c)))
            .collect();
        steps.push(Step::Settle);
        let (_, screen) = run_everything(&mut store, steps);
        let settled = screen.drawn.last().unwrap();
        assert!(settled.contains("Caseload (everything): 2"), "{settled}");
        // The last first page drawn: one in name order may come between the keys.
        screen
            .drawn
            .iter()
            .rev()
            .find(|frame| frame.contains("Caseload (everything): the first"))
            .is_some_and(|first| list_rows(first) == list_rows(settled))
    });
    assert!(shown_its_page, "no try showed the 13-week page first");
}

#[test]
fn the_areas_counts_read_with_the_first_screen_are_the_whole_reads() {
    let (_dir, store) = demo_store();
    let cfg = TriageConfig::default();
    let mut compared = 0;
    // Days whose 14-day window holds releases at its first and last day, and some
    // whose earliest release has passed (the expected date then counts).
    for now in ["2026-11-23 09:30", "2026-12-07 09:30", "2027-01-10 08:00"] {
        let now = at(now);
        let today = now.date();
        for scope in scopes(&store) {
            let whole = load_scope(&store, scope, now, &cfg, &[]).unwrap();
            let Some(mut first) = load_first_screen(&store, scope, now, &cfg, 20).unwrap() else {
                continue;
            };
            assert!(first.area_counts.is_none());
            load_area_counts(&store, &mut first, today, &cfg).unwrap();
            assert_eq!(format!("{:?}", first.areas), format!("{:?}", whole.areas));
            let counted =
                area_counts_of_lists(&whole.areas, &whole.releases, &whole.breaches, today);
            assert_eq!(
                first.area_counts.as_ref(),
                Some(&counted),
                "{now} {scope:?}"
            );
            assert!(first.releases.is_empty() && first.breaches.is_empty());
            compared += 1;
        }
        let counted = area_counts_of_lists(
            &load_scope(&store, (None, None), now, &cfg, &[])
                .unwrap()
                .areas,
            &store.releases().unwrap(),
            &store.breaches(true).unwrap(),
            today,
        );
        assert!(
            counted.iter().any(|c| c.releases_14_days > 0),
            "{now}: {counted:?}"
        );
        assert!(counted.iter().any(|c| c.breaches.iter().sum::<usize>() > 0));
    }
    assert!(compared > 3, "compared in {compared} scopes");
}

#[test]
fn the_areas_view_shows_its_counts_before_the_whole_caseload_is_read() {
    let (_dir, mut store) = demo_store();
    let steps = vec![Step::key(KeyCode::Char('2')), Step::Settle];
    let (_, screen) = run_everything(&mut store, steps);
    let early = screen
        .drawn
        .iter()
        .find(|frame| frame.contains("Caseloads by area") && frame.contains("| reading..."))
        .expect("the areas table while the rest is read");
    let settled = screen.drawn.last().unwrap();
    assert!(!settled.contains("reading"), "{settled}");
    // The table is the same; only the status and keys lines differ.
    let table = |frame: &str| -> Vec<String> {
        let lines: Vec<&str> = frame.lines().collect();
        lines[..lines.len() - 2]
            .iter()
            .map(|&l| l.to_owned())
            .collect()
    };
    assert_eq!(table(early), table(settled));
}
