//! The one sanitiser for human-readable output: a property test over it, and the real
//! binary run on a database full of hostile text, where no control, bidirectional or
//! invisible character may reach standard output or error, while an export to a file
//! keeps the data (with formula cells neutralised).

use std::path::Path;
use std::process::Output;

use caseload::domain::model::{BreachStatus, ContactKind, Rag};
use caseload::domain::safe_text::{
    is_formula_like, is_hidden, neutralise, visible, visible_json, visible_lines,
};
use caseload::store::{Change, NewBreach, NewCustody};
use proptest::prelude::*;

use crate::common::{as_login, at, date, team_store};

/// Characters that must never reach a terminal, by an oracle independent of the code:
/// the standard library's control category (C0, DEL, C1), the bidirectional controls
/// and the common invisible characters.
fn dangerous(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{61c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200b}'..='\u{200d}'
                | '\u{2060}'
                | '\u{feff}'
        )
}

const NASTY: &[char] = &[
    '\u{1b}',
    '\u{7}',
    '\u{9b}',
    '\u{9d}',
    '\u{7f}',
    '\u{0}',
    '\r',
    '\n',
    '\t',
    '\u{202e}',
    '\u{202d}',
    '\u{2066}',
    '\u{2069}',
    '\u{200f}',
    '\u{61c}',
    '\u{200b}',
    '\u{200d}',
    '\u{feff}',
    '\u{e0041}',
    '\\',
    'u',
    '{',
    '}',
    '=',
    ' ',
    '\u{a0}',
    'é',
    '日',
];

fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![any::<char>(), prop::sample::select(NASTY)],
        0..48,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// Reads the escapes `visible` writes back into characters (for text with no
/// backslash of its own), to show that nothing was dropped.
fn unescape(shown: &str) -> String {
    let mut out = String::new();
    let mut rest = shown;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let (c, used) = match tail.as_bytes()[0] {
            b't' => ('\t', 1),
            b'r' => ('\r', 1),
            b'n' => ('\n', 1),
            _ => {
                let end = tail.find('}').unwrap();
                let hex = &tail[2..end];
                (
                    char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap(),
                    end + 1,
                )
            }
        };
        out.push(c);
        rest = &tail[used..];
    }
    out.push_str(rest);
    out
}

proptest! {
    #[test]
    fn nothing_dangerous_survives_the_sanitiser(text in hostile_text()) {
        let shown = visible(&text);
        prop_assert!(!shown.chars().any(dangerous), "{shown:?}");
        // What has nothing to escape (by the oracle or the sanitiser's wider list of
        // invisible characters) is shown exactly as it is.
        if !text.chars().any(|c| dangerous(c) || is_hidden(c)) {
            prop_assert_eq!(shown.as_ref(), text.as_str());
        }
        if !text.contains('\\') {
            prop_assert_eq!(unescape(&shown), text.clone());
        }
        let lines = visible_lines(&text);
        prop_assert!(!lines.chars().any(|c| c != '\n' && dangerous(c)), "{lines:?}");
        prop_assert_eq!(lines.matches('\n').count(), text.matches('\n').count());
    }

    #[test]
    fn json_stays_the_same_data_with_nothing_dangerous(text in hostile_text()) {
        let json = serde_json::to_string_pretty(&vec![text.clone()]).unwrap();
        let shown = visible_json(&json);
        prop_assert!(!shown.chars().any(|c| c != '\n' && dangerous(c)), "{shown:?}");
        let back: Vec<String> = serde_json::from_str(&shown).unwrap();
        prop_assert_eq!(&back[0], &text);
    }

    #[test]
    fn a_formula_behind_leading_space_is_neutralised(
        lead in prop::collection::vec(prop::sample::select(
            &[' ', '\t', '\r', '\n', '\u{a0}', '\u{2003}', '\u{3000}', '\u{200b}'][..]), 0..4),
        sign in prop::sample::select(&['=', '+', '-', '@', '＝', '＋', '－', '＠'][..]),
        tail in hostile_text(),
    ) {
        let cell: String = lead.iter().chain([&sign]).collect::<String>() + &tail;
        prop_assert!(is_formula_like(&cell));
        prop_assert_eq!(neutralise(&cell).into_owned(), format!("'{cell}"));
    }

    #[test]
    fn ordinary_cells_are_left_alone(
        first in prop::sample::select(&['A', 'z', '0', '9', '(', 'é', '日', '\''][..]),
        tail in hostile_text(),
    ) {
        let cell = format!("{first}{tail}");
        prop_assert!(!is_formula_like(&cell));
        prop_assert_eq!(neutralise(&cell).into_owned(), cell.clone());
    }
}

const OSC52: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
const TITLE: &str = "\u{1b}]0;pwned\u{7}";
const CLEAR: &str = "\u{1b}[2J\u{1b}[H";

fn run(db: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("--db")
        .arg(db)
        .args(["--today", "2026-11-23"])
        .args(args)
        .output()
        .unwrap()
}

/// Neither stream holds a control (other than line feeds), bidirectional or invisible
/// character; returns standard output.
fn clean(args: &[&str], output: &Output) -> String {
    for bytes in [&output.stdout, &output.stderr] {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let bad: Vec<char> = text
            .chars()
            .filter(|c| *c != '\n' && dangerous(*c))
            .collect();
        assert!(bad.is_empty(), "{args:?} printed {bad:?}: {text}");
    }
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The team database with hostile text in an area's, a worker's and a client's names,
/// a prison, a contact note (audited) and formula-like names; the OS login is its admin.
fn hostile_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, mut store, team) = team_store();
    store
        .generate(
            &as_login("fixture"),
            caseload::store::Origin::Synthetic("fixture"),
            |tx| {
                tx.insert_custody(&NewCustody {
                    client_id: team.c1,
                    prison: format!("HMP {TITLE}Nowhere\u{202e}"),
                    reception_date: date("2026-06-01"),
                    reception_kind: None,
                    expected_release_date: Some(date("2026-12-01")),
                    earliest_release_date: None,
                    release_type: None,
                    checklist: caseload::domain::release::Checklist::default(),
                    actual_release_date: None,
                })?;
                tx.insert_breach(&NewBreach {
                    client_id: team.c2,
                    required_assessment_id: None,
                    raised_at: at("2026-11-20 10:00"),
                    rag: Rag::Red,
                    status: BreachStatus::Outstanding,
                    resolution_date: None,
                })
            },
        )
        .unwrap();
    let note = Change::Contact {
        client_id: team.c1,
        at: at("2026-11-23 09:00"),
        kind: ContactKind::Phone,
        note: format!("seen{CLEAR}\r\u{200b}ok{OSC52}"),
    };
    store.apply(&as_login("lead"), &note).unwrap();
    let db = store.path().to_path_buf();
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE area SET name = ?1 WHERE id = ?2",
        (format!("North{OSC52}town\u{202e}"), team.north),
    )
    .unwrap();
    conn.execute(
        "UPDATE worker SET name = ?1, login = ?2 WHERE login = 'admin'",
        (
            format!("Ad{TITLE}min\u{2066}"),
            caseload::identity::os_login(),
        ),
    )
    .unwrap();
    conn.execute(
        "UPDATE client SET given_name = ?1, family_name = ?2 WHERE id = ?3",
        ("\u{a0}=HYPERLINK(\"http://x\")", "＝1+1", team.c1),
    )
    .unwrap();
    conn.execute(
        "UPDATE client SET given_name = ?1 WHERE id = ?2",
        (format!("Bo{CLEAR}\u{9b}31m\u{feff}"), team.c2),
    )
    .unwrap();
    (dir, db)
}

#[test]
fn no_command_prints_a_control_sequence_from_the_data() {
    let (dir, db) = hostile_db();
    let mut commands: Vec<Vec<String>> = Vec::new();
    for kind in ["caseload", "breaches", "releases", "audit"] {
        for format in ["csv", "json"] {
            commands.push(vec![
                "export".into(),
                kind.into(),
                "--format".into(),
                format.into(),
            ]);
        }
    }
    for format in ["text", "md", "csv", "json"] {
        commands.push(vec![
            "report".into(),
            "--quarter".into(),
            "2026-27:Q3".into(),
            "--format".into(),
            format.into(),
        ]);
    }
    let hostile_area = format!("East{OSC52}moor\u{202e}");
    commands.extend([
        vec!["worker".into(), "list".into()],
        vec!["info".into()],
        vec!["area".into(), "list".into()],
        vec!["area".into(), "add".into(), hostile_area.clone()],
        vec!["report".into(), "--area".into(), format!("{CLEAR}none")],
    ]);
    let file = dir.path().join("contacts.csv");
    std::fs::write(
        &file,
        format!("client_reference,worker,contact_at,kind\nC-{OSC52}9,x,2026-11-01 10:00,phone\n"),
    )
    .unwrap();
    commands.push(vec![
        "import".into(),
        "contacts".into(),
        file.display().to_string(),
    ]);

    let mut shown = String::new();
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(&db, &args);
        shown.push_str(&clean(&args, &output));
        shown.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    // The data is shown, escaped, not dropped.
    for escaped in [
        "\\u{1B}]52;c;cm0gLXJmIH4=\\u{7}",
        "\\u{202E}",
        "\\u{2066}",
        "\\u{9B}31m",
    ] {
        assert!(shown.contains(escaped), "{escaped} missing from:\n{shown}");
    }
    assert!(shown.contains("Added area East\\u{1B}]52;c;cm0gLXJmIH4=\\u{7}moor\\u{202E}."));
}

#[test]
fn json_on_a_terminal_is_the_same_data_and_a_file_keeps_it_neutralised() {
    let (dir, db) = hostile_db();
    let output = run(&db, &["export", "caseload", "--format", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&clean(&[], &output)).unwrap();
    let bo = rows.iter().find(|r| r["reference"] == "C-2").unwrap();
    assert_eq!(bo["given_name"], format!("Bo{CLEAR}\u{9b}31m\u{feff}"));

    let path = dir.path().join("caseload.csv");
    let output = run(&db, &["export", "caseload", "-o", path.to_str().unwrap()]);
    assert!(output.status.success());
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let ada = rows
        .iter()
        .find(|r| &r[column("reference")] == "C-1")
        .unwrap();
    assert_eq!(
        &ada[column("given_name")],
        "'\u{a0}=HYPERLINK(\"http://x\")"
    );
    assert_eq!(&ada[column("family_name")], "'＝1+1");
    let bo = rows
        .iter()
        .find(|r| &r[column("reference")] == "C-2")
        .unwrap();
    assert_eq!(
        &bo[column("given_name")],
        format!("Bo{CLEAR}\u{9b}31m\u{feff}")
    );
}
