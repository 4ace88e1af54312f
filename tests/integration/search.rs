//! Search and the caseload's lists. On hand-built rows: fuzzy search finds exactly
//! what the matcher finds, with the matcher's scores, whatever the names hold; the
//! 13-week review list starts at day 70. On the demo app: searching as you type.

use caseload::app::fuzzy::{Scorer, SearchTexts, reference_score};
use caseload::app::lists::{CaseloadFilter, Search, SortKey, SortOrders, caseload, review};
use caseload::domain::clock::ClockStart;
use caseload::domain::model::{CaseloadRow, ClientLabel, EpisodeDates, Flags};

use caseload::app::{App, Mode, View};
use crossterm::event::KeyCode;

use crate::common::{date, demo_store, today};
use crate::ui::{app_for, press, screen, type_text};

fn row(id: i64, family: &str, given: &str) -> CaseloadRow {
    CaseloadRow {
        client_id: id,
        label: ClientLabel::new(family, given, &format!("C-{id}")),
        area_id: 1,
        care_coordinator_id: None,
        consent: true,
        domestic_abuse: false,
        flags: Flags::default(),
        episode: EpisodeDates::default(),
        custody: None,
        last_contact: None,
        next_review_date: None,
        order: None,
    }
}

fn texts_of(rows: &[CaseloadRow]) -> SearchTexts {
    SearchTexts::new(rows.iter().map(|r| r.label.search_text()))
}

#[test]
fn search_matches_exactly_what_the_matcher_matches() {
    let names = [
        ("Harker", "Jo"),
        ("harker", "jo"),
        ("HARKER-Lee", "Ann"),
        ("O'Neill", "Siân"),
        ("Øster", "Kai"),
        ("Ça\u{301}rdenas", "Ñora"),
        ("Kelvin\u{212a}", "Max"),
        ("Smith Jones", "Al"),
        ("\u{202e}Reversed", "Ed"),
        ("Tab\there", "Zo"),
    ];
    let rows: Vec<CaseloadRow> = names
        .iter()
        .zip(1..)
        .map(|((family, given), id)| row(id, family, given))
        .collect();
    let orders = SortOrders::new(&rows, |_| None, today(), ClockStart::default());
    let texts = texts_of(&rows);
    for query in [
        "h", "H", "hark", "Hark", "hj", "h j", "c-1", "C-10", "sian", "siân", "k", "kelvin", "øs",
        "ca", "ñ", "smith j", "re", "e", "x", "zz", "'", "-",
    ] {
        let mut found: Vec<usize> = caseload(
            &rows,
            &orders,
            &CaseloadFilter::default(),
            Some(Search {
                query,
                texts: &texts,
                within: None,
            }),
            SortKey::Name,
            false,
            None,
            today(),
        )
        .iter()
        .map(|e| e.row())
        .collect();
        found.sort_unstable();
        let expected: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| reference_score(r.label.search_text(), query).is_some())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(found, expected, "query {query:?}");
    }
}

#[test]
fn a_long_caseload_is_searched_in_parts_with_the_same_result() {
    let rows: Vec<CaseloadRow> = (0..40_000)
        .map(|i| {
            row(
                i,
                &format!("Family{}", i % 977),
                &format!("Given{}", i % 13),
            )
        })
        .collect();
    let orders = SortOrders::new(&rows, |_| None, today(), ClockStart::default());
    let found = caseload(
        &rows,
        &orders,
        &CaseloadFilter::default(),
        Some(Search {
            query: "fam97",
            texts: &texts_of(&rows),
            within: None,
        }),
        SortKey::Name,
        false,
        None,
        today(),
    );
    let mut expected: Vec<(i64, usize)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| reference_score(r.label.search_text(), "fam97").map(|s| (-s, i)))
        .collect();
    expected.sort_unstable();
    let found: Vec<(i64, usize)> = found.iter().map(|e| (-e.score(), e.row())).collect();
    assert_eq!(found, expected, "best first, ties in name order");
}

/// A small deterministic generator (xorshift), so the comparison covers thousands of
/// texts and queries without a test depending on chance.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn text(&mut self, alphabet: &[char], longest: u64) -> String {
        let len = self.next() % (longest + 1);
        (0..len)
            .map(|_| alphabet[usize::try_from(self.next() % alphabet.len() as u64).unwrap_or(0)])
            .collect()
    }
}

#[test]
fn the_byte_scorer_gives_the_matchers_score_for_every_text() {
    let alphabet: Vec<char> = "aAbBcC-' ./(9_xé".chars().collect();
    let mut random = Random(0x2014_1123);
    for _ in 0..3_000 {
        let query = random.text(&alphabet[..12], 4);
        let mut scorer = Scorer::new(&query);
        for _ in 0..10 {
            let text = random.text(&alphabet, 24);
            assert_eq!(
                scorer.score(&text),
                reference_score(&text, &query),
                "text {text:?}, query {query:?}"
            );
        }
    }
}

#[test]
fn the_review_list_is_everyone_from_day_70_longest_first_ties_by_name() {
    // today() is 23/11/2026: a care plan on 14/09/2026 is day 70.
    let started = |id: i64, family: &str, start: Option<&str>| CaseloadRow {
        episode: EpisodeDates {
            care_plan_date: start.map(date),
            ..EpisodeDates::default()
        },
        ..row(id, family, "Al")
    };
    let rows = [
        started(1, "Adams", Some("2026-09-15")), // day 69
        started(2, "Baker", Some("2026-09-14")), // day 70
        started(3, "Clark", None),
        started(4, "Dunn", Some("2026-06-01")),
        started(5, "Evans", Some("2026-09-14")), // day 70, after Baker by name
        started(6, "Ford", Some("2024-02-29")),
    ];
    let orders = SortOrders::new(&rows, |_| None, today(), ClockStart::default());
    let families: Vec<&str> = review(&rows, &orders, today())
        .into_iter()
        .map(|i| rows[i].label.family())
        .collect();
    assert_eq!(families, ["Ford", "Dunn", "Baker", "Evans"]);
}

#[test]
fn search_narrows_the_caseload_and_highlights_matches() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let everyone = app.caseload_list().len();
    let target = app.data().caseload[5].clone();
    press(&mut store, &mut app, &[KeyCode::Char('/')]);
    assert_eq!((app.view(), app.mode()), (View::Caseload, Mode::Search));
    type_text(&mut store, &mut app, target.reference());
    assert!(app.caseload_list().len() < everyone);
    let first = &app.data().caseload[app.caseload_list()[0].row()];
    assert_eq!(
        first.client_id, target.client_id,
        "exact reference ranks first"
    );
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.mode(), Mode::Normal);
    assert_eq!(app.search(), target.reference(), "Enter keeps the search");
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.view(), View::Client);
    assert_eq!(app.client().unwrap().profile.id, target.client_id);
    press(&mut store, &mut app, &[KeyCode::Esc, KeyCode::Esc]);
    assert_eq!(app.caseload_list().len(), everyone, "Esc clears the search");
}

#[test]
fn search_survives_control_characters_and_unicode() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Char('/')]);
    type_text(&mut store, &mut app, "\u{202e}Åß\u{1b}[2J");
    let text = screen(&app);
    assert!(!text.contains('\u{1b}'), "no escape reaches the screen");
    assert!(!text.contains('\u{202e}'));
}

/// The demo app with the scope widened to everything and the search open.
fn searching_everything() -> (tempfile::TempDir, caseload::store::Store, App) {
    let (dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('o'), KeyCode::Char('/')],
    );
    (dir, store, app)
}

#[test]
fn narrowing_the_search_as_you_type_finds_what_a_full_search_finds() {
    let (_dir, mut store, mut app) = searching_everything();
    let full = |app: &App| {
        caseload::app::lists::caseload(
            &app.data().caseload,
            &app.data().orders,
            app.filter(),
            Some(Search {
                query: app.search(),
                texts: &SearchTexts::new(app.data().caseload.iter().map(|r| r.label.search_text())),
                within: None,
            }),
            app.sort(),
            app.descending(),
            app.me(),
            app.today(),
        )
    };
    for step in ["h", "a", "r", "k"] {
        type_text(&mut store, &mut app, step);
        assert_eq!(app.caseload_list(), full(&app), "after {:?}", app.search());
    }
    press(
        &mut store,
        &mut app,
        &[KeyCode::Backspace, KeyCode::Backspace],
    );
    assert_eq!(app.search(), "ha");
    assert_eq!(app.caseload_list(), full(&app), "after backspace");
    type_text(&mut store, &mut app, "ll");
    assert_eq!(app.caseload_list(), full(&app), "after retyping");
    assert!(!app.caseload_list().is_empty());
}

#[test]
fn a_snapshot_arriving_mid_search_is_searched_by_its_own_names() {
    let (_dir, mut store, mut app) = searching_everything();
    type_text(&mut store, &mut app, "quizz");
    assert!(
        app.caseload_list().is_empty(),
        "no demo name has those letters"
    );
    let mut renamed = app.data().clone();
    let first = &renamed.caseload[0];
    renamed.caseload[0] = std::sync::Arc::new(caseload::domain::model::CaseloadRow {
        label: caseload::domain::model::ClientLabel::new("Quizzard", "Ada", first.reference()),
        ..first.as_ref().clone()
    });
    app.update(caseload::action::Done::Loaded(Box::new(renamed)));
    let found: Vec<&str> = app
        .caseload_list()
        .iter()
        .map(|e| app.data().caseload[e.row()].label.family())
        .collect();
    assert_eq!(found, ["Quizzard"]);
}
