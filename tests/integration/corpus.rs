//! The corpus of hostile import files (`tests/fixtures/hostile`), each with its expected
//! answer, driven through the real binary; and a property test over the CSV reader:
//! whatever bytes it is given it never panics, and nothing it lets through holds a
//! control, bidirectional or invisible-only value, or a formula.

use std::path::{Path, PathBuf};
use std::process::Command;

use caseload::store::Actor;
use caseload::transfer::parse::{self, Kind, Row};
use proptest::prelude::*;

use crate::common::{as_login, demo_store};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

/// Rows in every table an import writes to, and the audit log: equal before and
/// after means nothing was written.
fn footprint(db: &Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    [
        "client",
        "client_twin",
        "episode",
        "custody",
        "contact",
        "breach",
        "audit",
    ]
    .iter()
    .map(|t| {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    })
    .collect()
}

#[test]
fn every_hostile_file_gets_its_answer_and_changes_nothing() {
    let (_dir, mut store) = demo_store();
    let me = Actor {
        login: caseload::identity::os_login(),
        ..as_login("x")
    };
    caseload::demo::claim_demo_lead(&mut store, &me).unwrap();
    let db = store.path().to_path_buf();
    drop(store);
    let before = footprint(&db);
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 25, "the corpus is there: {files:?}");
    for file in files {
        let name = file.file_name().unwrap().to_str().unwrap().to_owned();
        let kind = name.split('-').next().unwrap();
        let expected = std::fs::read_to_string(file.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{name} has its .expected answer"));
        assert!(!expected.trim().is_empty(), "{name}: an answer to check");
        let output = Command::new(env!("CARGO_BIN_EXE_caseload"))
            .env("XDG_CONFIG_HOME", db.parent().unwrap().join("config"))
            .args(["--db", db.to_str().unwrap(), "--today", "2026-11-23"])
            .args(["import", kind, file.to_str().unwrap(), "--apply"])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_eq!(output.status.code(), Some(1), "{name}: {stdout}");
        let problems: Vec<&str> = stdout.lines().filter(|l| l.starts_with("line ")).collect();
        let wanted: Vec<&str> = expected.lines().collect();
        assert_eq!(problems, wanted, "{name}");
        assert!(stdout.contains("Nothing was written"), "{name}: {stdout}");
        assert!(
            !stdout.chars().any(|c| c.is_control() && c != '\n'),
            "{name}: nothing from the file reaches the terminal raw"
        );
        assert_eq!(footprint(&db), before, "{name} changed the database");
    }
}

/// Bidirectional controls and the invisible characters the reader must never let
/// through alone, by an oracle independent of the code.
fn bidi(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{3164}' | '\u{115f}' | '\u{1160}' | '\u{ffa0}')
}

/// Every text value of a parsed row, with its column.
fn texts(row: &Row) -> Vec<(&'static str, String)> {
    match row {
        Row::Client(c) => vec![
            ("reference", c.reference.clone()),
            ("given_name", c.given_name.clone()),
            ("family_name", c.family_name.clone()),
            ("area", c.area.clone()),
        ],
        Row::Contact(c) => vec![
            ("client_reference", c.client.clone()),
            ("worker", c.worker.clone()),
            ("note", c.note.clone()),
        ],
        _ => Vec::new(),
    }
}

fn cell_text() -> impl Strategy<Value = String> {
    let nasty = prop::sample::select(vec![
        '\u{1b}', '\u{7}', '\u{9b}', '\u{0}', '\r', '\n', '\t', '"', ',', '\u{202e}', '\u{2066}',
        '\u{200b}', '\u{200d}', '\u{feff}', '\u{3164}', '=', '+', '-', '@', '\u{ff1d}', '\u{a0}',
        ' ', 'e', '\u{301}', 'A',
    ]);
    prop::collection::vec(prop_oneof![any::<char>(), nasty], 0..24)
        .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Any bytes at all: the reader answers, with rows or problems, and never panics.
    #[test]
    fn any_bytes_get_an_answer(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for kind in [Kind::Clients, Kind::Contacts, Kind::Breaches] {
            let _ = parse::parse(kind, &bytes);
        }
    }

    /// A hostile cell in a well-formed file (quoted as a spreadsheet quotes it) is
    /// either refused on its line, or read as a value with nothing dangerous in it.
    #[test]
    fn a_hostile_cell_is_refused_or_harmless(
        given in cell_text(),
        note in cell_text(),
        column in 0_usize..2,
    ) {
        let (kind, file) = if column == 0 {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["reference", "given_name", "family_name", "date_of_birth", "area"]).unwrap();
            w.write_record(["H-1", &given, "Quill", "1980-02-01", "Newport"]).unwrap();
            (Kind::Clients, w.into_inner().unwrap())
        } else {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["client_reference", "worker", "contact_at", "kind", "note"]).unwrap();
            w.write_record(["C-1", "cora", "2026-11-01 10:00", "phone", &note]).unwrap();
            (Kind::Contacts, w.into_inner().unwrap())
        };
        let parsed = parse::parse(kind, &file);
        for (line, row) in &parsed.rows {
            prop_assert_eq!(*line, 2);
            for (column, text) in texts(row) {
                let multiline = column == "note";
                prop_assert!(
                    !text.chars().any(|c| (c.is_control() && !(multiline && (c == '\n' || c == '\r'))) || bidi(c)),
                    "{} let through {:?}", column, text
                );
                prop_assert!(text.is_empty() || !text.chars().all(invisible), "{} is invisible: {:?}", column, text);
                prop_assert!(!caseload::domain::safe_text::is_formula_like(&text), "{} formula {:?}", column, text);
                prop_assert!(text.chars().count() <= parse::max_chars(column));
            }
        }
        // A row not read is a row refused, with a problem said on a line of the file.
        if parsed.rows.is_empty() {
            let lines = u64::try_from(file.split(|b| *b == b'\n').count()).unwrap();
            prop_assert!(!parsed.problems.is_empty());
            prop_assert!(
                parsed.problems.iter().all(|p| (1..=lines).contains(&p.line)),
                "{:?}", parsed.problems
            );
        }
    }
}
