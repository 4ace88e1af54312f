//! Imports that never wipe and never duplicate (issue 10): absent columns leave fields
//! alone, `(clear)` empties them and the dry run says so, the dry run is the apply
//! rolled back (the same problems on a corpus breaking every rule), the role rules per
//! row, and eight real processes importing the same file or twins at once.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use caseload::domain::model::{Flags, Role, Substance};
use caseload::domain::substances::AlcoholRule;
use caseload::store::{NewArea, NewClient, NewWorker, Store};
use caseload::transfer::import::{self, Outcome, Rules};
use caseload::transfer::parse::Kind;

use crate::common::{actor, as_login, date, empty_store, new_client, pairs, team_store, today};

fn rules() -> Rules {
    Rules {
        today: today(),
        alcohol: AlcoholRule::NotPrimary,
    }
}

/// Plans `text` as `login` and runs it, applied or dry.
fn import(store: &mut Store, login: &str, kind: Kind, text: &str, apply: bool) -> Outcome {
    let plan = import::plan_file(store, kind, text.as_bytes(), login, rules()).unwrap();
    import::run(store, &as_login(login), &plan, apply).unwrap()
}

fn problems(outcome: &Outcome) -> Vec<String> {
    outcome.problems.iter().map(ToString::to_string).collect()
}

/// Newport with a team leader `tester` and one client, C-1, with every optional field set.
fn full_client() -> (tempfile::TempDir, Store) {
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
                let lead = tx.insert_worker(&NewWorker {
                    name: "Test Lead".into(),
                    login: Some("tester".into()),
                    role: Role::TeamLeader,
                    area_id: Some(area),
                })?;
                tx.insert_client(&NewClient {
                    nhs_number: Some("9434765919".into()),
                    consent_date: Some(date("2026-03-02")),
                    substances: vec![Substance::Heroin, Substance::Crack],
                    flags: Flags {
                        iom: true,
                        ppo: true,
                        ..Flags::default()
                    },
                    ..new_client("C-1", "Ada", area, Some(lead))
                })?;
                tx.insert_client(&NewClient {
                    nhs_number: Some("9434765870".into()),
                    ..new_client("C-2", "Bo", area, Some(lead))
                })?;
                Ok(())
            },
        )
        .unwrap();
    (dir, store)
}

const CLIENT_FIELDS: &str = "SELECT reference, coalesce(nhs_number, '-') || ' ' || coalesce(care_coordinator_id, '-') || ' '
       || coalesce(consent_date, '-') || ' ' || coalesce(substance_1, '-') || ' '
       || coalesce(substance_2, '-') || ' ' || iom || ppo FROM client ORDER BY id";

#[test]
fn a_file_with_only_the_required_columns_changes_nothing() {
    let (_dir, mut store) = full_client();
    let before: Vec<(String, String)> = pairs(&store, CLIENT_FIELDS);
    assert_eq!(before[0].1, "9434765919 1 2026-03-02 heroin crack 11");
    let file = "reference,given_name,family_name,date_of_birth,area\n\
                C-1,Ada,Testperson,15/01/1990,Newport\n\
                C-2,Bo,Testperson,15/01/1990,Newport\n";
    let outcome = import(&mut store, "tester", Kind::Clients, file, true);
    assert_eq!(
        (outcome.created, outcome.updated, outcome.unchanged),
        (0, 0, 2)
    );
    // Present but blank optional cells leave the fields alone too.
    let blanks = "reference,given_name,family_name,date_of_birth,area,nhs_number,care_coordinator,consent_date,substance_1,substance_2,iom\n\
                  C-1,Ada,Testperson,15/01/1990,Newport,,,,,,\n";
    let outcome = import(&mut store, "tester", Kind::Clients, blanks, true);
    assert_eq!((outcome.updated, outcome.unchanged), (0, 1), "{outcome:?}");
    assert_eq!(pairs::<String, String>(&store, CLIENT_FIELDS), before);
}

#[test]
fn the_clear_marker_empties_fields_and_the_dry_run_lists_every_one() {
    let (_dir, mut store) = full_client();
    let file = "reference,given_name,family_name,date_of_birth,area,nhs_number,consent_date,substance_2,iom\n\
                C-1,Ada,Testperson,15/01/1990,Newport,(clear),(CLEAR),(clear),no\n\
                C-2,Bo,Testperson,15/01/1990,Newport,(clear),,,\n";
    let dry = import(&mut store, "tester", Kind::Clients, file, false);
    assert_eq!(
        dry.summary(),
        "0 would be created, 0 unchanged, 2 would be updated, 0 problem(s)\n\
         line 2: client C-1 would be updated: nhs_number, consent_date, substances, flags; emptied by (clear): nhs_number, consent_date, substance_2\n\
         line 3: client C-2 would be updated: nhs_number; emptied by (clear): nhs_number\n\
         Fields would be emptied: consent_date 1, nhs_number 2, substance_2 1.\n\
         Dry run: nothing was written; add --apply to import.\n"
    );
    let untouched: Vec<(String, String)> = pairs(&store, CLIENT_FIELDS);
    assert_eq!(untouched[0].1, "9434765919 1 2026-03-02 heroin crack 11");
    let applied = import(&mut store, "tester", Kind::Clients, file, true);
    assert!(applied.written);
    assert_eq!(applied.cleared(), dry.cleared());
    assert_eq!(
        pairs::<String, String>(&store, CLIENT_FIELDS),
        [
            ("C-1".to_owned(), "- 1 - heroin - 01".to_owned()),
            ("C-2".to_owned(), "- 1 - - - 00".to_owned())
        ]
    );
    // The marker empties optional fields only.
    let refused = import(
        &mut store,
        "tester",
        Kind::Clients,
        "reference,given_name,family_name,date_of_birth,area\nC-1,(clear),Testperson,15/01/1990,Newport\n",
        false,
    );
    assert!(
        problems(&refused)[0].starts_with(
            "line 2, column given_name: (clear) empties only an optional client field (nhs_number, care_coordinator"
        ),
        "{refused:?}"
    );
}

/// Rows of a corpus file: (line text, the column its problem must name, or "" if clean).
type Rows = Vec<(&'static str, &'static str)>;

/// Rows breaking each rule, by kind: (line text, the column its problem must name).
#[allow(clippy::too_many_lines)] // one table
fn corpus() -> Vec<(Kind, &'static str, Rows)> {
    vec![
        (
            Kind::Clients,
            "reference,given_name,family_name,date_of_birth,area,substance_1,substance_2,substance_3,consent_date,nhs_number",
            vec![
                ("N-1,Al,Ok,01/01/1980,Newport,heroin,crack,,01/01/2026,", ""),
                (
                    "N-2,Bea,Alc,01/01/1980,Newport,alcohol,heroin,,,",
                    "substance_1",
                ),
                ("N-3,Cal,Gap,01/01/1980,Newport,,crack,,,", "substance_2"),
                (
                    "N-4,Dee,Rep,01/01/1980,Newport,heroin,heroin,,,",
                    "substance_2",
                ),
                (
                    "N-5,Eve,Rep,01/01/1980,Newport,heroin,crack,heroin,,",
                    "substance_3",
                ),
                ("N-6,Fay,Born,01/01/2027,Newport,,,,,", "date_of_birth"),
                (
                    "N-7,Gus,Consent,01/01/1980,Newport,,,,24/11/2026,",
                    "consent_date",
                ),
                (
                    "N-8,Hal,Nhs,01/01/1980,Newport,,,,,1234567890",
                    "nhs_number",
                ),
                ("N-9,Ada,Testperson,15/01/1990,Newport,,,,,", "reference"),
                ("N-10,Ivy,Area,01/01/1980,Narnia,,,,,", "area"),
                ("N-11,Jo,Ok,01/01/1981,Newport,crack,alcohol,,,", ""),
            ],
        ),
        (
            Kind::Episodes,
            "client_reference,referral_date,referral_source,assessment_date,care_plan_date,closure_date,exit_reason",
            vec![
                (
                    "C-1,01/01/2026,police,02/01/2026,03/01/2026,04/01/2026,other",
                    "",
                ),
                (
                    "C-1,01/02/2026,police,31/01/2026,,01/03/2026,other",
                    "assessment_date",
                ),
                (
                    "C-1,01/03/2026,police,,28/02/2026,01/04/2026,other",
                    "care_plan_date",
                ),
                ("C-1,01/04/2026,police,,,31/03/2026,other", "closure_date"),
                ("C-1,01/12/2026,police,,,,", "referral_date"),
                ("C-1,01/05/2026,police,,,01/06/2026,", "exit_reason"),
                ("C-1,01/07/2026,court,,,,", ""),
                ("C-1,01/08/2026,court,,,,", "closure_date"),
                ("C-1,01/09/2026,court,,,01/12/2026,other", "closure_date"),
                ("C-404,01/01/2026,court,,,,", "client_reference"),
            ],
        ),
        (
            Kind::Custody,
            "client_reference,prison,reception_date,expected_release_date,earliest_release_date,actual_release_date",
            vec![
                (
                    "C-1,HMP Parc,01/01/2026,01/06/2026,01/05/2026,01/05/2026",
                    "",
                ),
                (
                    "C-1,HMP Parc,01/02/2026,01/06/2026,01/07/2026,",
                    "earliest_release_date",
                ),
                (
                    "C-1,HMP Parc,01/03/2026,,,28/02/2026",
                    "actual_release_date",
                ),
                ("C-1,HMP Parc,01/12/2026,,,", "reception_date"),
                ("C-1,HMP Parc,01/07/2026,,,", ""),
                ("C-1,HMP Parc,01/08/2026,,,", "actual_release_date"),
            ],
        ),
        (
            Kind::Contacts,
            "client_reference,worker,contact_at,kind,note",
            vec![
                ("C-1,tester,01/03/2026 10:00,phone,ok", ""),
                ("C-1,tester,24/11/2026 10:00,phone,future", "contact_at"),
                ("C-1,nobody,01/03/2026 11:00,phone,who", "worker"),
                ("C-1,tester,01/03/2026 10:00,phone,ok", "contact_at"),
            ],
        ),
        (
            Kind::Breaches,
            "client_reference,raised_at,rag,status,resolution_date",
            vec![
                ("C-1,01/03/2026 10:00,red,resolved,02/03/2026", ""),
                (
                    "C-1,02/03/2026 10:00,red,outstanding,03/03/2026",
                    "resolution_date",
                ),
                (
                    "C-1,03/03/2026 10:00,red,resolved,02/03/2026",
                    "resolution_date",
                ),
                ("C-1,24/11/2026 10:00,amber,,", "raised_at"),
            ],
        ),
    ]
}

#[test]
fn the_dry_run_finds_every_problem_the_apply_would_and_a_clean_file_applies() {
    for (kind, header, rows) in corpus() {
        let (_dir, mut store) = full_client();
        let file: String = std::iter::once(header)
            .chain(rows.iter().map(|(row, _)| *row))
            .map(|line| {
                line.to_owned()
                    + "
"
            })
            .collect();
        let dry = import(&mut store, "tester", kind, &file, false);
        let applied = import(&mut store, "tester", kind, &file, true);
        assert_eq!(problems(&dry), problems(&applied), "{kind:?}");
        assert!(!applied.written, "{kind:?}");
        let expected: Vec<(u64, &str)> = (2..)
            .zip(&rows)
            .filter(|(_, (_, column))| !column.is_empty())
            .map(|(line, (_, column))| (line, *column))
            .collect();
        let found: Vec<(u64, &str)> = dry
            .problems
            .iter()
            .map(|p| (p.line, p.column.as_deref().unwrap_or("(none)")))
            .collect();
        assert_eq!(found, expected, "{kind:?}: {:#?}", problems(&dry));
        for problem in problems(&dry) {
            for raw in ["constraint", "CHECK", "UNIQUE", "SQLite", "sqlite"] {
                assert!(!problem.contains(raw), "raw SQLite text: {problem}");
            }
        }
        // Without the violating rows the dry run finds nothing, and the apply writes.
        let clean: String = std::iter::once(header)
            .chain(
                rows.iter()
                    .filter(|(_, c)| c.is_empty())
                    .map(|(row, _)| *row),
            )
            .map(|line| {
                line.to_owned()
                    + "
"
            })
            .collect();
        let dry = import(&mut store, "tester", kind, &clean, false);
        assert!(dry.problems.is_empty(), "{kind:?}: {:?}", problems(&dry));
        let applied = import(&mut store, "tester", kind, &clean, true);
        assert!(applied.written && applied.problems.is_empty(), "{kind:?}");
        assert_eq!(applied.created, dry.created, "{kind:?}");
    }
}

#[test]
fn alcohol_may_be_primary_where_the_setting_allows_it() {
    let (_dir, mut store) = full_client();
    let file = "reference,given_name,family_name,date_of_birth,area,substance_1\nN-1,Al,Ok,01/01/1980,Newport,alcohol\n";
    let plan = import::plan_file(
        &store,
        Kind::Clients,
        file.as_bytes(),
        "tester",
        Rules {
            alcohol: AlcoholRule::MayBePrimary,
            ..rules()
        },
    )
    .unwrap();
    let outcome = import::apply(&mut store, &as_login("tester"), &plan).unwrap();
    assert!(outcome.written, "{outcome:?}");
}

#[test]
fn each_row_is_checked_against_the_importers_role() {
    let (_dir, mut store, _team) = team_store();
    let contacts = "client_reference,worker,contact_at,kind\n\
                    C-1,sam,01/03/2026 10:00,phone\n\
                    C-3,sam,01/03/2026 11:00,phone\n\
                    C-2,sam,01/03/2026 12:00,letter\n";
    // Support staff: contacts for clients in their area, nothing else.
    let sam = import(&mut store, "sam", Kind::Contacts, contacts, true);
    assert_eq!(
        problems(&sam),
        [
            "line 3, column client_reference: not imported: this client is in another area \
          (support workers may record contacts, appointments and outreach in their area): \
          ask that area's team leader"
        ]
    );
    assert!(!sam.written);
    let north_only: String = contacts
        .lines()
        .filter(|l| !l.starts_with("C-3"))
        .map(|l| {
            l.to_owned()
                + "
"
        })
        .collect();
    let sam = import(&mut store, "sam", Kind::Contacts, &north_only, true);
    assert_eq!((sam.written, sam.created), (true, 2));
    let clients = "reference,given_name,family_name,date_of_birth,area,nhs_number\n\
                   C-1,Ada,Testperson,15/01/1990,Northtown,9434765919\n\
                   N-1,New,Person,01/01/1980,Northtown,\n";
    let sam = import(&mut store, "sam", Kind::Clients, clients, true);
    let refused = problems(&sam);
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].starts_with(
            "line 2, column reference: not imported: support workers may record contacts"
        ),
        "{refused:?}"
    );
    assert!(
        refused[1].starts_with(
            "line 3, column reference: not imported: support workers may record contacts"
        ),
        "{refused:?}"
    );
    // A care co-ordinator may not log a contact for another area's client, nor move a
    // client, even their own.
    let cora = import(
        &mut store,
        "cora",
        Kind::Contacts,
        "client_reference,worker,contact_at,kind\nC-3,cora,02/03/2026 10:00,phone\n",
        true,
    );
    assert!(
        problems(&cora)[0].starts_with(
            "line 2, column client_reference: not imported: this client is in another area"
        ),
        "{cora:?}"
    );
    let cora = import(
        &mut store,
        "cora",
        Kind::Clients,
        "reference,given_name,family_name,date_of_birth,area\nC-1,Ada,Testperson,15/01/1990,Southvale\n",
        true,
    );
    assert!(problems(&cora)[0].starts_with("line 2, column reference: not imported: care co-ordinators may change their own clients' records"), "{cora:?}");
    // Nobody signed in, nothing imported.
    let nobody = import(&mut store, "visitor", Kind::Contacts, contacts, false);
    assert_eq!(nobody.problems.len(), 1);
    assert!(problems(&nobody)[0].starts_with("line 1: visitor has no worker record"));
}

/// A database whose team leader is this process's OS login, and a file beside it.
fn cli_database(clients: &str) -> (tempfile::TempDir, PathBuf) {
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
                tx.insert_worker(&NewWorker {
                    name: "Me".into(),
                    login: Some(caseload::identity::os_login()),
                    role: Role::TeamLeader,
                    area_id: Some(area),
                })?;
                Ok(())
            },
        )
        .unwrap();
    let path = store.path().to_path_buf();
    drop(store);
    if !clients.is_empty() {
        let file = dir.path().join("clients.csv");
        std::fs::write(&file, clients).unwrap();
        let out = run_all(&path, &[file]);
        assert!(out[0].status.success(), "{}", text(&out[0]));
    }
    (dir, path)
}

/// Starts one `import --apply` per file at once, and waits for them all.
fn run_all(db: &Path, files: &[PathBuf]) -> Vec<Output> {
    let children: Vec<_> = files
        .iter()
        .map(|file| {
            let kind = file.file_stem().unwrap().to_string_lossy();
            let kind = kind.split('-').next().unwrap().to_owned();
            Command::new(env!("CARGO_BIN_EXE_caseload"))
                .arg("--db")
                .arg(db)
                .args(["--today", "2026-11-23", "import", &kind])
                .arg(file)
                .arg("--apply")
                .env("XDG_CONFIG_HOME", db.parent().unwrap())
                .env(
                    caseload::config::SYSTEM_CONFIG_VARIABLE,
                    db.parent().unwrap().join("none.toml"),
                )
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// Texts of `outputs`, sorted, so that which process won does not matter.
fn sorted(outputs: &[Output]) -> Vec<String> {
    let mut texts: Vec<String> = outputs.iter().map(text).collect();
    texts.sort();
    texts
}

/// Eight files `stem-0.csv` to `stem-7.csv` in `dir`, each holding `contents`.
fn eight_copies(dir: &Path, stem: &str, contents: &str) -> Vec<PathBuf> {
    (0..8)
        .map(|i| {
            let path = dir.join(format!("{stem}-{i}.csv"));
            std::fs::write(&path, contents).unwrap();
            path
        })
        .collect()
}

#[test]
fn eight_processes_importing_one_contacts_file_store_it_once() {
    let clients =
        "reference,given_name,family_name,date_of_birth,area\nC-1,Ada,Quill,01/02/1980,Newport\n";
    let (dir, db) = cli_database(clients);
    let me = caseload::identity::os_login();
    let mut file = String::from("client_reference,worker,contact_at,kind,note\n");
    for n in 0..200 {
        writeln!(
            file,
            "C-1,{me},2026-03-01 {:02}:{:02},phone,call {n}",
            8 + n / 60,
            n % 60
        )
        .unwrap();
    }
    let files = eight_copies(dir.path(), "contacts", &file);
    let outputs = run_all(&db, &files);
    let mut expected = vec!["0 created, 200 unchanged, 0 problem(s)\n".to_owned(); 7];
    expected.push("200 created, 0 unchanged, 0 problem(s)\n".to_owned());
    assert_eq!(sorted(&outputs), expected);
    assert!(outputs.iter().all(|o| o.status.success()));
    assert_eq!(count(&db, "SELECT count(*) FROM contact"), 200);
    assert_eq!(
        count(&db, "SELECT count(*) FROM audit WHERE entity = 'contact'"),
        200
    );
}

#[test]
fn eight_processes_importing_the_same_new_clients_create_each_once() {
    let (dir, db) = cli_database("");
    let mut file = String::from("reference,given_name,family_name,date_of_birth,area\n");
    for n in 0..20 {
        writeln!(file, "C-{n},Given{n},Family,01/02/1980,Newport").unwrap();
    }
    let files = eight_copies(dir.path(), "clients", &file);
    let outputs = run_all(&db, &files);
    let mut expected = vec!["0 created, 20 unchanged, 0 updated, 0 problem(s)\n".to_owned(); 7];
    expected.push("20 created, 0 unchanged, 0 updated, 0 problem(s)\n".to_owned());
    assert_eq!(sorted(&outputs), expected);
    assert_eq!(count(&db, "SELECT count(*) FROM client"), 20);
}

#[test]
fn eight_processes_importing_one_person_under_eight_references_create_one() {
    let (dir, db) = cli_database("");
    // The same person as eight spellings: case, spaces, a zero-width space, and "Zoë"
    // as one code point or as e + combining diaeresis.
    let spellings = [
        "Zo\u{eb},Quill",
        "ZO\u{cb},QUILL",
        " zo\u{eb} , quill ",
        "Zoe\u{308},Quill",
        "Zo\u{eb}\u{200b},Quill",
        "zoe\u{308},QUILL",
        "Zo\u{eb},\u{feff}Quill",
        "ZOE\u{308} ,quill",
    ];
    let files: Vec<PathBuf> = spellings
        .iter()
        .enumerate()
        .map(|(i, names)| {
            let path = dir.path().join(format!("clients-{i}.csv"));
            std::fs::write(
                &path,
                format!("reference,given_name,family_name,date_of_birth,area\nT-{i},{names},01/02/1980,Newport\n"),
            )
            .unwrap();
            path
        })
        .collect();
    let outputs = run_all(&db, &files);
    assert_eq!(count(&db, "SELECT count(*) FROM client"), 1);
    let winner: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT reference FROM client", [], |r| r.get(0))
        .unwrap();
    let (won, lost): (Vec<String>, Vec<String>) = sorted(&outputs)
        .into_iter()
        .partition(|t| t.starts_with("1 created"));
    assert_eq!(won, ["1 created, 0 unchanged, 0 updated, 0 problem(s)\n"]);
    assert_eq!(lost.len(), 7);
    for text in &lost {
        assert!(text.starts_with("0 would be created, 0 unchanged, 0 would be updated, 1 problem(s)\nline 2, column reference: "), "{text}");
        assert!(
            text.contains(&format!(
                "is already client {winner}: not created (a duplicate by name and date of birth)"
            )),
            "{text}"
        );
        assert!(
            text.ends_with("Nothing was written: fix the problems and import again.\n"),
            "{text}"
        );
    }
    assert_eq!(outputs.iter().filter(|o| o.status.success()).count(), 1);
    assert!(lost.iter().all(|t| !t.contains("constraint")));
}
