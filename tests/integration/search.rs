//! The caseload's lists on hand-built rows: fuzzy search finds exactly what the
//! matcher finds, with the matcher's scores, whatever the names hold; the 13-week
//! review list starts at day 70.

use caseload::app::fuzzy::{Scorer, SearchTexts, reference_score};
use caseload::app::lists::{CaseloadFilter, Search, SortKey, SortOrders, caseload, review};
use caseload::domain::model::{CaseloadRow, ClientLabel, EpisodeDates, Flags};

use crate::common::{date, today};

fn row(id: i64, family: &str, given: &str) -> CaseloadRow {
    CaseloadRow {
        client_id: id,
        label: ClientLabel::new(family, given, &format!("C-{id}")),
        area_id: 1,
        care_coordinator_id: None,
        consent: true,
        flags: Flags::default(),
        episode: EpisodeDates::default(),
        custody: None,
        last_contact: None,
        next_review_date: None,
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
    let orders = SortOrders::new(&rows, |_| None, today());
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
    let orders = SortOrders::new(&rows, |_| None, today());
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
    let orders = SortOrders::new(&rows, |_| None, today());
    let families: Vec<&str> = review(&rows, &orders, today())
        .into_iter()
        .map(|i| rows[i].label.family())
        .collect();
    assert_eq!(families, ["Ford", "Dunn", "Baker", "Evans"]);
}
