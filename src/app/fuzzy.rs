//! Fuzzy scores for search: skim's V2 algorithm (the `fuzzy-matcher` crate's
//! `SkimMatcherV2`, smart case), computed on bytes without allocating when both the
//! text and the query are ASCII, and by the crate itself otherwise.
//!
//! Why not call the crate for every name: it costs about 0.5 us a name (a thread-local
//! lookup, a `Vec<char>` and a fresh bonus vector each call), and the first letter of
//! a search scores every name on the caseload. Why not keep its cache: with
//! `use_cache(true)` (its default) a score can read a cell the previous call left
//! behind, so the same name could score differently depending on what was scored
//! before it (and `use_cache(false)` panics). This module reproduces the crate as a
//! fresh matcher scores, which is deterministic; `tests/integration/search.rs` checks
//! the two agree.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// The crate's score for `text`, by a fresh matcher (so nothing scored before can
/// change it): what [`Scorer::score`] reproduces, and what it falls back on.
#[must_use]
pub fn reference_score(text: &str, query: &str) -> Option<i64> {
    SkimMatcherV2::default().fuzzy_match(text, query)
}

/// The crate's score and matched character positions for `text`, by a fresh matcher:
/// for highlighting the rows on screen.
#[must_use]
pub fn reference_indices(text: &str, query: &str) -> Option<(i64, Vec<usize>)> {
    SkimMatcherV2::default().fuzzy_indices(text, query)
}

// The crate's default `SkimScoreConfig`.
const SCORE_MATCH: i32 = 16;
const GAP_START: i32 = -3;
const GAP_EXTENSION: i32 = -1;
const BONUS_FIRST_CHAR_MULTIPLIER: i32 = 2;
const BONUS_HEAD: i32 = SCORE_MATCH / 2;
const BONUS_BREAK: i32 = SCORE_MATCH / 2 + GAP_EXTENSION;
const BONUS_CAMEL: i32 = SCORE_MATCH / 2 + 2 * GAP_EXTENSION;
const BONUS_CONSECUTIVE: i32 = -(GAP_START + GAP_EXTENSION);
const PENALTY_CASE_MISMATCH: i32 = GAP_EXTENSION * 2;
const NEG_INFINITY: i32 = i16::MIN as i32;

/// A character's class, for the bonus a match earns where a word starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Empty,
    Upper,
    Lower,
    Number,
    HardSeparator,
    SoftSeparator,
}

impl Class {
    const fn of(byte: u8) -> Self {
        match byte {
            0 => Self::Empty,
            b' ' | b'/' | b'\\' | b'|' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => {
                Self::HardSeparator
            }
            b'!'..=b'\'' | b'*'..=b'.' | b':'..=b'@' | b'^'..=b'`' | b'~' => Self::SoftSeparator,
            b'0'..=b'9' => Self::Number,
            b'A'..=b'Z' => Self::Upper,
            _ => Self::Lower,
        }
    }
}

/// The bonus for matching a character of class `current` after one of class `previous`.
const fn bonus(previous: Class, current: Class) -> i32 {
    match (previous, current) {
        (Class::Empty | Class::HardSeparator, _) => BONUS_HEAD,
        (Class::SoftSeparator, _) => BONUS_BREAK,
        (Class::Lower | Class::Number, Class::Upper) => BONUS_CAMEL,
        _ => 0,
    }
}

/// Each ASCII byte's class, looked up rather than matched in the inner loops.
const CLASS_OF: [Class; 128] = {
    let mut table = [Class::Empty; 128];
    let mut byte = 0;
    while byte < 128 {
        table[byte as usize] = Class::of(byte);
        byte += 1;
    }
    table
};

/// [`bonus`] for every pair of classes, indexed `[previous][current]`.
const BONUS: [[i32; 6]; 6] = {
    const ALL: [Class; 6] = [
        Class::Empty,
        Class::Upper,
        Class::Lower,
        Class::Number,
        Class::HardSeparator,
        Class::SoftSeparator,
    ];
    let mut table = [[0; 6]; 6];
    let mut i = 0;
    while i < 6 {
        let mut j = 0;
        while j < 6 {
            table[ALL[i] as usize][ALL[j] as usize] = bonus(ALL[i], ALL[j]);
            j += 1;
        }
        i += 1;
    }
    table
};

/// The class of an ASCII byte.
fn class(byte: u8) -> Class {
    CLASS_OF[usize::from(byte & 0x7f)]
}

/// One cell of the two score rows: best score ending in a match (`matched`) or in a
/// skip (`skipped`), and the bonus a consecutive match carries on.
#[derive(Clone, Copy)]
struct Cell {
    matched: i32,
    skipped: i32,
    bonus: i32,
}

impl Cell {
    const EMPTY: Self = Self {
        matched: NEG_INFINITY,
        skipped: NEG_INFINITY,
        bonus: 0,
    };
}

/// Scores texts against one query. Holds its working memory, so one scorer per
/// thread scores any number of texts without allocating.
pub struct Scorer<'q> {
    query: &'q str,
    /// The query's bytes when it is ASCII; `None` sends every text to the crate.
    pattern: Option<&'q [u8]>,
    case_sensitive: bool,
    first_matches: Vec<usize>,
    bonuses: Vec<i32>,
    cells: Vec<Cell>,
}

impl<'q> Scorer<'q> {
    /// A scorer for `query` (smart case: an upper-case letter makes it case-sensitive).
    #[must_use]
    pub fn new(query: &'q str) -> Self {
        Self {
            query,
            pattern: query.is_ascii().then_some(query.as_bytes()),
            case_sensitive: query.bytes().any(|b| b.is_ascii_uppercase()),
            first_matches: Vec::new(),
            bonuses: Vec::new(),
            cells: Vec::new(),
        }
    }

    /// The score of `text`, or `None` when it does not match.
    pub fn score(&mut self, text: &str) -> Option<i64> {
        match self.pattern {
            Some(pattern) if text.is_ascii() => self.score_ascii(text.as_bytes(), pattern),
            _ => reference_score(text, self.query),
        }
    }

    /// The match score of text byte `c` against query byte `p`, if they match.
    fn match_score(case_sensitive: bool, c: u8, p: u8) -> Option<i32> {
        if c == p {
            Some(SCORE_MATCH)
        } else if !case_sensitive && c.eq_ignore_ascii_case(&p) {
            Some(SCORE_MATCH + PENALTY_CASE_MISMATCH)
        } else {
            None
        }
    }

    /// A one-letter query: what the two score rows come to, without them. Every match
    /// starts from the empty row (a skip, -1) plus its in-place bonus; the best wins.
    fn score_one_letter(&self, choice: &[u8], p: u8) -> Option<i64> {
        let mut best = None;
        let mut previous = Class::Empty;
        for (at, &c) in choice.iter().enumerate() {
            let current = class(c);
            if let Some(score) = Self::match_score(self.case_sensitive, c, p) {
                let mut in_place = BONUS[previous as usize][current as usize];
                if at == 0 {
                    in_place *= BONUS_FIRST_CHAR_MULTIPLIER;
                }
                best = best.max(Some(GAP_EXTENSION + in_place + score));
            }
            previous = current;
        }
        best.map(i64::from)
    }

    // Over 80 lines on purpose: it mirrors fuzzy-matcher's `fuzzy` step by step, so the
    // two can be compared line by line (the tests check the scores are equal).
    /// The crate's `fuzzy` without positions (two score rows), on bytes.
    fn score_ascii(&mut self, choice: &[u8], pattern: &[u8]) -> Option<i64> {
        match pattern {
            [] => return Some(0),
            [p] => return self.score_one_letter(choice, *p),
            _ => {}
        }
        // Where each query letter first matches, in order; no match without all.
        self.first_matches.clear();
        let mut wanted = pattern.iter();
        let mut next = wanted.next();
        for (at, &c) in choice.iter().enumerate() {
            let Some(&p) = next else { break };
            if Self::match_score(self.case_sensitive, c, p).is_some() {
                self.first_matches.push(at);
                next = wanted.next();
            }
        }
        if next.is_some() {
            return None;
        }

        // Nothing left of the first match is ever read: the bonuses and the two score
        // rows start there.
        let cols = choice.len() + 1;
        let from = self.first_matches[0];
        if self.bonuses.len() < cols {
            self.bonuses.resize(cols, 0);
        }
        let mut previous = if from == 0 {
            Class::Empty
        } else {
            class(choice[from - 1])
        };
        for (at, &c) in choice.iter().enumerate().skip(from) {
            let current = class(c);
            self.bonuses[at + 1] = BONUS[previous as usize][current as usize];
            previous = current;
        }
        if from == 0 {
            self.bonuses[1] *= BONUS_FIRST_CHAR_MULTIPLIER;
        }
        if self.cells.len() < 2 * cols {
            self.cells.resize(2 * cols, Cell::EMPTY);
        }
        let (even, odd) = self.cells[..2 * cols].split_at_mut(cols);
        even[from..].fill(Cell {
            skipped: GAP_EXTENSION,
            ..Cell::EMPTY
        });
        odd[from..].fill(Cell::EMPTY);

        let case_sensitive = self.case_sensitive;
        for (i, &p) in pattern.iter().enumerate() {
            let (row, row_prev) = if i % 2 == 0 {
                (&mut *odd, &*even)
            } else {
                (&mut *even, &*odd)
            };
            let to_skip = self.first_matches[i];
            for (col, &c) in (to_skip + 1..cols).zip(&choice[to_skip..]) {
                let last = row[col - 1];
                if let Some(score) = Self::match_score(case_sensitive, c, p) {
                    let in_place = self.bonuses[col];
                    let consecutive = last.bonus.max(in_place.max(BONUS_CONSECUTIVE));
                    // As in the crate: the bonus is kept on the cell to the left.
                    row[col - 1].bonus = consecutive;
                    let prev = row_prev[col - 1];
                    let by_match = prev.matched + consecutive;
                    let by_skip = prev.skipped + in_place;
                    row[col].matched = by_match.max(by_skip) + score;
                } else {
                    row[col].matched = NEG_INFINITY;
                    row[col].bonus = 0;
                }
                row[col].skipped =
                    (GAP_START + GAP_EXTENSION + last.matched).max(GAP_EXTENSION + last.skipped);
            }
        }
        let last_row = (pattern.len() & 1) * cols;
        let last_from = self.first_matches[pattern.len() - 1];
        self.cells[last_row + last_from..last_row + cols]
            .iter()
            .map(|cell| i64::from(cell.matched))
            .max()
    }
}

/// Every caseload row's search text in one buffer, built when a search opens: its
/// first letter reads all of them, and one buffer reads several times faster than
/// strings scattered over the heap.
#[derive(Debug, Clone, Default)]
pub struct SearchTexts {
    text: String,
    /// Where each row's text ends in `text`.
    ends: Vec<u32>,
}

impl SearchTexts {
    /// The texts in row order, in a buffer of exactly their size.
    #[must_use]
    pub fn new<'a>(texts: impl Iterator<Item = &'a str> + Clone) -> Self {
        let (count, bytes) = texts
            .clone()
            .fold((0, 0), |(count, bytes), t| (count + 1, bytes + t.len()));
        let mut text = String::with_capacity(bytes);
        let mut ends = Vec::with_capacity(count);
        for t in texts {
            text.push_str(t);
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Self { text, ends }
    }

    /// Row `row`'s text.
    #[must_use]
    pub fn get(&self, row: usize) -> &str {
        let start = row.checked_sub(1).map_or(0, |i| self.ends[i] as usize);
        &self.text[start..self.ends[row] as usize]
    }
}
