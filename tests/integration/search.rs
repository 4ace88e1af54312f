//! Fuzzy search over the caseload finds exactly what the matcher finds, whatever the
//! names hold (the list's cheap prefilter must never hide a match).

use caseload::app::lists::{CaseloadFilter, SortKey, SortOrders, caseload};
use caseload::domain::model::{CaseloadRow, ClientLabel, EpisodeDates, Flags};
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::common::today;

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
    let matcher = SkimMatcherV2::default();
    for query in [
        "h", "H", "hark", "Hark", "hj", "h j", "c-1", "C-10", "sian", "siân", "k", "kelvin", "øs",
        "ca", "ñ", "smith j", "re", "e", "x", "zz", "'", "-",
    ] {
        let mut found: Vec<usize> = caseload(
            &rows,
            &orders,
            &CaseloadFilter::default(),
            query,
            SortKey::Name,
            false,
            None,
            today(),
            None,
        )
        .iter()
        .map(|e| e.row)
        .collect();
        found.sort_unstable();
        let expected: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| matcher.fuzzy_match(r.label.search_text(), query).is_some())
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
        "fam97",
        SortKey::Name,
        false,
        None,
        today(),
        None,
    );
    let matcher = SkimMatcherV2::default();
    let mut expected: Vec<(i64, usize)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            matcher
                .fuzzy_match(r.label.search_text(), "fam97")
                .map(|s| (-s, i))
        })
        .collect();
    expected.sort_unstable();
    let found: Vec<(i64, usize)> = found.iter().map(|e| (-e.score, e.row)).collect();
    assert_eq!(found, expected, "best first, ties in name order");
}
