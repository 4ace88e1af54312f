//! Import (a hostile corpus, idempotence, all-or-nothing), export (formula cells
//! neutralised, round trip) and backup under a concurrent writer.

use std::os::unix::fs::PermissionsExt;

use caseload::domain::model::{ContactKind, ReferralSource, Role};
use caseload::domain::substances::AlcoholRule;
use caseload::store::{Access, ExportKind, NewArea, NewContact, NewEpisode, NewWorker, Store};
use caseload::transfer::export::{self, ExportFormat};
use caseload::transfer::import::{self, Plan, Rules};
use caseload::transfer::parse::{self, Kind};
use caseload::transfer::{decode, neutralise};
use rusqlite::Connection;

use crate::common::{actor, as_login, at, date, demo_store, empty_store, pairs, today};

const HEADER: &str = "reference,given_name,family_name,date_of_birth,area";

/// A store with two areas and one worker, as an import target.
fn target() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = empty_store();
    store
        .generate(
            &actor(),
            caseload::store::Origin::Synthetic("fixture"),
            |tx| {
                let area = tx.insert_area(&NewArea {
                    name: "Newport".into(),
                    intensive: true,
                })?;
                tx.insert_area(&NewArea {
                    name: "Torfaen".into(),
                    intensive: false,
                })?;
                tx.insert_worker(&NewWorker {
                    name: "Test Worker".into(),
                    login: Some("tester".into()),
                    role: Role::TeamLeader,
                    area_id: Some(area),
                })?;
                Ok(())
            },
        )
        .unwrap();
    (dir, store)
}

fn problems(plan: &Plan) -> Vec<String> {
    plan.problems.iter().map(ToString::to_string).collect()
}

fn plan(store: &Store, kind: Kind, bytes: &[u8]) -> Plan {
    import::plan_file(store, kind, bytes, "tester", rules()).unwrap()
}

/// The rules the tests import with: the fixed today, alcohol never primary.
pub fn rules() -> Rules {
    Rules {
        today: today(),
        alcohol: AlcoholRule::NotPrimary,
    }
}

/// (created, updated, unchanged) by a dry run of `plan`.
fn counts(store: &mut Store, plan: &Plan) -> (usize, usize, usize) {
    let outcome = import::dry_run(store, &actor(), plan).unwrap();
    (outcome.created, outcome.updated, outcome.unchanged)
}

fn client_count(store: &Store) -> i64 {
    Connection::open(store.path())
        .unwrap()
        .query_row("SELECT count(*) FROM client", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn utf8_with_a_bom_and_crlf_line_ends_imports() {
    let (_dir, mut store) = target();
    let file = format!(
        "\u{feff}{HEADER}\r\nC-1,Ada,Quill,01/02/1980,Newport\r\n\r\nC-2,Bo,Reed,1975-12-31,newport\r\n"
    );
    let plan = plan(&store, Kind::Clients, file.as_bytes());
    assert!(plan.problems.is_empty(), "{:?}", problems(&plan));
    assert_eq!(counts(&mut store, &plan), (2, 0, 0));
    import::apply(&mut store, &actor(), &plan).unwrap();
    assert_eq!(client_count(&store), 2);
}

#[test]
fn other_encodings_are_named_and_refused() {
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(HEADER.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(
        decode(&utf16).unwrap_err().message,
        "the file is UTF-16 LE, not UTF-8: save it as \"CSV UTF-8\" and import again"
    );
    let no_bom: Vec<u8> = HEADER.encode_utf16().flat_map(u16::to_be_bytes).collect();
    assert!(decode(&no_bom).unwrap_err().message.contains("UTF-16 BE"));
    // "Zoë" in Windows-1252: 0xEB is not UTF-8.
    let cp1252 = format!("{HEADER}\nC-1,Zo")
        .into_bytes()
        .into_iter()
        .chain([0xEB])
        .chain(*b",Quill,01/02/1980,Newport\n")
        .collect::<Vec<u8>>();
    let error = decode(&cp1252).unwrap_err();
    assert_eq!(
        (error.line, error.message.as_str()),
        (
            2,
            "byte 0xEB is not UTF-8; the file looks like Windows-1252 (ANSI): save it as \"CSV UTF-8\" and import again"
        )
    );
    let (_dir, store) = target();
    let plan = plan(&store, Kind::Clients, &cp1252);
    assert_eq!(plan.problems.len(), 1);
    assert!(plan.rows.is_empty());
}

#[test]
fn a_hostile_file_reports_every_problem_and_writes_nothing() {
    let (_dir, mut store) = target();
    let file = format!(
        "{HEADER},nhs_number\n\
         C-1,Ada,Quill,01/02/1980,Newport,\n\
         C-2,=HYPERLINK(\"x\"),Reed,01/02/1981,Newport,\n\
         C-3,Cy,Lamb,01/02/81,Newport,\n\
         C-4,Di,Moss,31/02/1980,Newport,\n\
         C-5,Ada,quill,01/02/1980,Torfaen,\n\
         C-1,Ed,Nash,01/02/1982,Newport,\n\
         C-6,Fi,Pike,01/02/1983,Narnia,\n\
         C-7,Gus,Hale,01/02/1984,Newport,1234567890\n\
         C-8,Hal,Ivy,01/02/1985\n\
         C-9,,Jay,today,Newport,\n"
    );
    let plan = plan(&store, Kind::Clients, file.as_bytes());
    assert_eq!(
        problems(&plan),
        [
            "line 3, column given_name: starts with '=', which spreadsheets run as a formula: refused",
            "line 4, column date_of_birth: '01/02/81' has a two-digit year: write all four digits, e.g. 05/03/2026",
            "line 5, column date_of_birth: '31/02/1980' is not a real date: check the day and month",
            "line 6, column reference: Ada quill born 01/02/1980 appears on line 2 of this file under another reference: not created",
            "line 7, column reference: repeats line 2 of this file",
            "line 8, column area: no area 'Narnia'; areas: Newport, Torfaen",
            "line 9, column nhs_number: '1234567890': NHS number check digit is wrong: check for a mistyped digit",
            "line 10: 4 cells where the header has 6",
            "line 11, column given_name: is required",
            "line 11, column date_of_birth: 'today' is not a date: files need dd/mm/yyyy or yyyy-mm-dd",
        ]
    );
    let outcome = import::apply(&mut store, &actor(), &plan).unwrap();
    assert!(!outcome.written && outcome.problems.len() == 10);
    assert_eq!(client_count(&store), 0);
}

#[test]
fn missing_and_extra_columns_are_refused_by_name() {
    let (_dir, store) = target();
    let plan = plan(
        &store,
        Kind::Clients,
        b"Reference,Given_Name,family_name,area,shoe_size\nC-1,Ada,Quill,Newport,9\n",
    );
    let found = problems(&plan);
    assert_eq!(found.len(), 2);
    assert!(
        found[0].starts_with(
            "line 1, column shoe_size: unknown column; accepted: reference, given_name"
        )
    );
    assert_eq!(
        found[1],
        "line 1, column date_of_birth: required column is missing"
    );
    assert!(plan.rows.is_empty());
}

#[test]
fn a_duplicate_by_name_and_birth_date_is_reported_not_created() {
    let (_dir, mut store) = target();
    let first = format!("{HEADER}\nC-1,Ada,Quill,01/02/1980,Newport\n");
    let p = plan(&store, Kind::Clients, first.as_bytes());
    import::apply(&mut store, &actor(), &p).unwrap();
    let second = format!("{HEADER}\nX-9,ADA,Quill,1980-02-01,newport\n");
    let p = plan(&store, Kind::Clients, second.as_bytes());
    assert_eq!(
        problems(&p),
        [
            "line 2, column reference: ADA Quill born 01/02/1980 is already client C-1: not created (a duplicate by name and date of birth)"
        ]
    );
}

#[test]
fn reimporting_changes_nothing_and_a_changed_row_updates_the_client() {
    let (_dir, mut store) = target();
    let file = format!("{HEADER},iom\nC-1,Ada,Quill,01/02/1980,Newport,no\n");
    let p = plan(&store, Kind::Clients, file.as_bytes());
    import::apply(&mut store, &actor(), &p).unwrap();
    let again = plan(&store, Kind::Clients, file.as_bytes());
    assert_eq!(counts(&mut store, &again), (0, 0, 1));
    let changed = format!("{HEADER},iom\nC-1,Ada,Quill,01/02/1980,Torfaen,yes\n");
    let p = plan(&store, Kind::Clients, changed.as_bytes());
    assert_eq!(counts(&mut store, &p), (0, 1, 0));
    assert!(
        import::dry_run(&mut store, &actor(), &p)
            .unwrap()
            .summary()
            .contains("client C-1 would be updated: area_id, flags")
    );
    import::apply(&mut store, &actor(), &p).unwrap();
    let audit: Vec<(String, String)> = pairs(
        &store,
        "SELECT who, action FROM audit WHERE entity = 'client' ORDER BY id",
    );
    assert_eq!(
        audit,
        [
            ("tester".into(), "import".into()),
            ("tester".into(), "import".into())
        ]
    );
}

#[test]
fn episodes_contacts_custody_and_breaches_import_against_known_clients() {
    let (_dir, mut store) = target();
    let clients = format!("{HEADER}\nC-1,Ada,Quill,01/02/1980,Newport\n");
    let p = plan(&store, Kind::Clients, clients.as_bytes());
    import::apply(&mut store, &actor(), &p).unwrap();
    let files: [(Kind, &str); 4] = [
        (
            Kind::Episodes,
            "client_reference,referral_date,referral_source,care_plan_date\nC-1,01/03/2026,police,05/03/2026\nC-404,01/03/2026,police,\n",
        ),
        (
            Kind::Contacts,
            "client_reference,worker,contact_at,kind,note\nC-1,tester,06/03/2026 10:30,phone,Called\n",
        ),
        (
            Kind::Custody,
            "client_reference,prison,reception_date,expected_release_date\nC-1,HMP Parc,01/04/2026,01/12/2026\n",
        ),
        (
            Kind::Breaches,
            "client_reference,raised_at,rag,status,resolution_date\nC-1,2026-03-10 12:00,red,arrested,11/03/2026\n",
        ),
    ];
    for (kind, text) in files {
        let p = plan(&store, kind, text.as_bytes());
        if kind == Kind::Episodes {
            assert_eq!(
                problems(&p),
                ["line 3, column client_reference: no client 'C-404': import the clients first"]
            );
            let fixed = text.lines().take(2).collect::<Vec<_>>().join("\n");
            let p = plan(&store, kind, fixed.as_bytes());
            import::apply(&mut store, &actor(), &p).unwrap();
            continue;
        }
        assert!(p.problems.is_empty(), "{kind:?}: {:?}", problems(&p));
        assert_eq!(counts(&mut store, &p), (1, 0, 0), "{kind:?}");
        import::apply(&mut store, &actor(), &p).unwrap();
        let again = plan(&store, kind, text.as_bytes());
        assert_eq!(counts(&mut store, &again), (0, 0, 1), "{kind:?}");
    }
    let breaches = store.export_table(ExportKind::Breaches, today()).unwrap();
    assert_eq!(breaches.rows.len(), 1);
}

#[test]
fn export_neutralises_formula_cells() {
    assert_eq!(neutralise("=1+1"), "'=1+1");
    for start in ["+", "-", "@", "\t", "\r"] {
        assert!(neutralise(&format!("{start}x")).starts_with('\''));
    }
    let (_dir, mut store) = target();
    let ids = store
        .export_table(ExportKind::Audit, today())
        .unwrap()
        .rows
        .len();
    // Logins are the audit text nobody but the OS chooses: the likeliest formula.
    for login in ["=cmd|' /C calc'!A0", "@SUM(A1)"] {
        store
            .generate(
                &as_login(login),
                caseload::store::Origin::Synthetic("note"),
                |_| Ok(()),
            )
            .unwrap();
    }
    let table = store.export_table(ExportKind::Audit, today()).unwrap();
    assert_eq!(table.rows.len(), ids + 2);
    let csv = export::render(&table, ExportFormat::Csv).unwrap();
    assert!(csv.contains("'=cmd|' /C calc'!A0"), "{csv}");
    assert!(csv.contains("'@SUM(A1)"));
    assert!(!csv.contains(",=cmd"));
}

#[test]
fn the_caseload_export_imports_into_an_empty_database_unchanged() {
    let (_dir, mut store) = target();
    let clients = format!(
        "{HEADER},nhs_number,substance_1,substance_2,iom,ppo,consent_date,care_coordinator\n\
         C-1,Ada,Quill,01/02/1980,Newport,9434765919,heroin,crack,yes,no,02/03/2026,tester\n\
         C-2,Bo,Reed,1975-12-31,Newport,,,,no,no,,\n"
    );
    let p = plan(&store, Kind::Clients, clients.as_bytes());
    import::apply(&mut store, &actor(), &p).unwrap();
    store
        .generate(
            &actor(),
            caseload::store::Origin::Synthetic("fixture"),
            |tx| {
                for client_id in [1, 2] {
                    tx.insert_episode(&NewEpisode {
                        client_id,
                        referral_date: date("2026-03-01"),
                        referral_source: ReferralSource::Police,
                        assessment_date: None,
                        care_plan_date: None,
                        next_review_date: None,
                        engaged: false,
                        prescribed: false,
                        tier: 2,
                        exit_plan: None,
                        extension: None,
                        closure: None,
                    })?;
                }
                Ok(())
            },
        )
        .unwrap();
    let exported = export::render(
        &store.export_table(ExportKind::Caseload, today()).unwrap(),
        ExportFormat::Csv,
    )
    .unwrap();
    // Into the same database: every row already there.
    let again = plan(&store, Kind::Clients, exported.as_bytes());
    assert_eq!(counts(&mut store, &again), (0, 0, 2));
    // Into a fresh one: created, and exported again identically.
    let (_dir2, mut fresh) = target();
    let p = plan(&fresh, Kind::Clients, exported.as_bytes());
    assert!(p.problems.is_empty(), "{:?}", problems(&p));
    import::apply(&mut fresh, &actor(), &p).unwrap();
    let keys = fresh.import_keys().unwrap();
    assert_eq!(keys.clients.len(), 2);
    let json = export::render(
        &store.export_table(ExportKind::Caseload, today()).unwrap(),
        ExportFormat::Json,
    )
    .unwrap();
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[0]["nhs_number"], "9434765919");
    let redacted = export::redact(store.export_table(ExportKind::Caseload, today()).unwrap());
    assert_eq!(
        redacted.rows[0][1..4],
        ["A.".to_owned(), "Q.".to_owned(), String::new()]
    );
}

#[test]
fn a_parse_without_a_header_says_so() {
    let parsed = parse::parse(Kind::Contacts, b"");
    assert_eq!(
        parsed.problems[0].message,
        "the file is empty: it needs a header row"
    );
}

#[test]
fn backup_under_a_concurrent_writer_passes_integrity_check() {
    let (dir, store) = demo_store();
    let path = store.path().to_path_buf();
    let writer = std::thread::spawn(move || {
        let mut other = Store::open(&path, Access::ReadWrite).unwrap();
        for n in 0..200 {
            other
                .generate(
                    &actor(),
                    caseload::store::Origin::Synthetic("fixture"),
                    |tx| {
                        tx.insert_contact(&NewContact {
                            client_id: 1,
                            worker_id: 1,
                            contact_at: at("2026-11-20 10:00"),
                            kind: ContactKind::Phone,
                            note: format!("concurrent {n}"),
                        })
                    },
                )
                .unwrap();
        }
    });
    let copy = dir.path().join("backup.db");
    store.backup_to(&copy).unwrap();
    writer.join().unwrap();
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let copied = Store::open(&copy, Access::ReadOnly).unwrap();
    assert!(copied.check().unwrap().is_empty());
    // A second backup to the same file is refused rather than overwriting it.
    assert!(store.backup_to(&copy).is_err());
}

#[test]
fn exports_stream_in_reference_number_order_and_the_help_names_the_columns() {
    let (_dir, mut store) = target();
    store
        .generate(
            &actor(),
            caseload::store::Origin::Synthetic("fixture"),
            |tx| {
                for (n, reference) in ["C-10", "C-9", "C-100", "C-010", "B-10", "NEW"]
                    .into_iter()
                    .enumerate()
                {
                    let given = format!("Given{n}");
                    let id =
                        tx.insert_client(&crate::common::new_client(reference, &given, 1, None))?;
                    tx.insert_episode(&NewEpisode::referral(
                        id,
                        date("2026-03-01"),
                        ReferralSource::Police,
                    ))?;
                }
                Ok(())
            },
        )
        .unwrap();
    let csv = export::write(
        &store,
        ExportKind::Caseload,
        today(),
        ExportFormat::Csv,
        false,
        Vec::new(),
    )
    .unwrap();
    let references: Vec<String> = csv::Reader::from_reader(csv.as_slice())
        .records()
        .map(|r| r.unwrap()[0].to_owned())
        .collect();
    // By the number (C-9 before C-10), then as text.
    assert_eq!(references, ["NEW", "C-9", "B-10", "C-010", "C-10", "C-100"]);
    // The streamed JSON is the whole table's, and parses to the same cells.
    let json = export::write(
        &store,
        ExportKind::Caseload,
        today(),
        ExportFormat::Json,
        true,
        Vec::new(),
    )
    .unwrap();
    let table = export::redact(store.export_table(ExportKind::Caseload, today()).unwrap());
    let whole = export::render(&table, ExportFormat::Json).unwrap();
    assert_eq!(String::from_utf8(json).unwrap(), whole);
    let rows: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(&whole).unwrap();
    assert_eq!(rows.len(), 6);
    for (row, cells) in rows.iter().zip(&table.rows) {
        let values: Vec<&str> = table
            .columns
            .iter()
            .map(|c| row[*c].as_str().unwrap())
            .collect();
        assert_eq!(&values, cells);
    }
    assert_eq!(rows[1]["given_name"], "G.");
    // The help says what the columns are, and promises nothing the file lacks.
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["export", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("columns of the clients import"), "{help}");
    assert!(!help.contains("episode dates"), "{help}");
}
