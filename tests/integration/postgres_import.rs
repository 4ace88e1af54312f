//! `caseload import` on both engines: every kind of file imported into the same small
//! synthetic team on SQLite and on PostgreSQL gives the same report and counts, the
//! same rows and the same audit rows (`import`), a second apply of the same file finds
//! every row unchanged and writes nothing, and a file with a row the database refuses
//! writes nothing and names the row in the same words (never the server's text), every
//! refused row reported, not only the first. On PostgreSQL a team leader's own role
//! (row-level security, no table of their own) imports too. SQLite always; PostgreSQL
//! with `CASELOAD_TEST_PG` (`scripts/pg-test.sh`).

use caseload::domain::substances::AlcoholRule;
use caseload::store::Store;
use caseload::store::sql::Connection;
use caseload::transfer::import::{self, Outcome, Rules};
use caseload::transfer::parse::Kind;

use crate::common::{as_login, team_store, today};
use crate::postgres::{PgDatabase, copied};

/// One file of each kind, in an order where each finds what it refers to (the
/// breach a re-engagement follows, the order a review is of); the team's C-1 and C-2
/// have open episodes referred on 01/09/2026.
const FILES: &[(Kind, &str)] = &[
    (
        Kind::Clients,
        "reference,given_name,family_name,date_of_birth,area,gp_practice
N-1,Al,Okperson,01/01/1980,Northtown,
C-2,Bo,Testperson,15/01/1990,Northtown,Synthetic Surgery
",
    ),
    (
        Kind::Episodes,
        "client_reference,referral_date,referral_source,assessment_date,care_plan_date,closure_date,exit_reason
C-1,01/01/2026,police,02/01/2026,03/01/2026,04/01/2026,other
C-2,01/09/2026,police,05/09/2026,,,
",
    ),
    (
        Kind::Custody,
        "client_reference,prison,reception_date,expected_release_date,earliest_release_date,actual_release_date
C-1,HMP Parc,01/01/2026,01/06/2026,01/05/2026,01/05/2026
",
    ),
    (
        Kind::Contacts,
        "client_reference,worker,contact_at,kind,note
C-1,cora,01/03/2026 10:00,phone,ok
C-2,colin,02/03/2026 11:00,face_to_face,seen
C-1,cora,03/03/2026 10:00,letter,
",
    ),
    (
        Kind::Breaches,
        "client_reference,raised_at,rag,status,resolution_date
C-1,01/03/2026 10:00,red,resolved,02/03/2026
C-2,05/11/2026 09:00,amber,,
",
    ),
    (
        Kind::DrugTests,
        "client_reference,tested_on,kind,result
C-1,02/03/2026,treatment,negative
",
    ),
    (
        Kind::Tallies,
        "area,recorded_on,charged,tested,positive
Northtown,02/11/2026,5,4,2
",
    ),
    (
        Kind::Outcomes,
        "client_reference,referral_date,recorded_on,kind
C-1,01/09/2026,01/10/2026,housing_secured
",
    ),
    (
        Kind::Modalities,
        "client_reference,referral_date,kind,started_on,ended_on,completed
C-1,01/09/2026,prescribing,10/09/2026,,
",
    ),
    (
        Kind::BriefInterventions,
        "area,recorded_on,worker,signposted_to,count
Northtown,02/11/2026,cora,housing,2
Northtown,02/11/2026,colin,,1
",
    ),
    (
        Kind::Assessments,
        "client_reference,appointment_at,kind,outcome,breach_rag,breached_at
C-1,10/11/2026 10:00,ra_ia,attended,,
C-2,11/11/2026 10:00,ra_fu,,,
",
    ),
    (
        Kind::Engagement,
        "client_reference,referral_date,engaged_on
C-1,01/09/2026,15/10/2026
",
    ),
    (
        Kind::Orders,
        "client_reference,kind,court,start_date,end_date
C-1,drr_high,Synthetic Magistrates,01/06/2026,01/06/2027
",
    ),
    (
        Kind::Reengagement,
        "client_reference,raised_at,attempted_at,how,note
C-2,05/11/2026 09:00,06/11/2026 10:00,phone,left a message
",
    ),
    (
        Kind::CourtReviews,
        "client_reference,order_kind,order_start_date,review_on,report_sent
C-1,drr_high,01/06/2026,01/09/2026,yes
",
    ),
];

/// Files with rows the database itself refuses inside the write (one open episode,
/// one custody and one order in force per client), each after a clean row, and rows the
/// importer's role refuses: (importer, kind, file).
const REFUSED: &[(&str, Kind, &str)] = &[
    (
        "lead",
        Kind::Episodes,
        "client_reference,referral_date,referral_source,closure_date,exit_reason
C-1,01/01/2026,police,04/01/2026,other
C-1,01/10/2026,court,,
C-2,01/10/2026,court,,
",
    ),
    (
        "lead",
        Kind::Custody,
        "client_reference,prison,reception_date,actual_release_date
C-2,HMP Parc,01/01/2026,01/05/2026
C-1,HMP Parc,01/07/2026,
C-1,HMP Parc,01/08/2026,
",
    ),
    (
        "lead",
        Kind::Orders,
        "client_reference,kind,court,start_date,end_date
C-1,drr_high,Synthetic Magistrates,01/06/2026,01/06/2027
C-1,atr,Synthetic Magistrates,01/07/2026,01/07/2027
",
    ),
    (
        "south_lead",
        Kind::Contacts,
        "client_reference,worker,contact_at,kind,note
C-3,south_lead,01/03/2026 10:00,phone,ok
C-1,south_lead,01/03/2026 11:00,phone,not theirs
",
    ),
];

/// The tables an import writes, counted to compare the engines.
const TABLES: &[&str] = &[
    "client",
    "client_twin",
    "episode",
    "custody",
    "contact",
    "breach",
    "drug_test",
    "custody_tally",
    "positive_outcome",
    "modality",
    "outreach",
    "required_assessment",
    "court_order",
    "reengagement",
    "court_review",
    "audit",
];

/// The team on one engine: its store, a bare connection, and what keeps it alive.
struct Engine {
    store: Store,
    conn: Connection,
    _pg: Option<PgDatabase>,
    _dir: tempfile::TempDir,
}

/// The team on SQLite, and on PostgreSQL when there is a cluster.
fn engines() -> Vec<Engine> {
    let (dir, store, _) = team_store();
    let conn = Connection::sqlite(rusqlite::Connection::open(store.path()).unwrap());
    let mut all = vec![Engine {
        store,
        conn,
        _pg: None,
        _dir: dir,
    }];
    let (copy_dir, copy, _) = team_store();
    if let Some((pg, store)) = copied(copy) {
        all.push(Engine {
            store,
            conn: pg.connect(),
            _pg: Some(pg),
            _dir: copy_dir,
        });
    }
    all
}

impl Engine {
    /// Plans `text` as `login` and runs it, applied or dry.
    fn import(&mut self, login: &str, kind: Kind, text: &str, apply: bool) -> Outcome {
        let rules = Rules {
            today: today(),
            alcohol: AlcoholRule::NotPrimary,
        };
        let plan = import::plan_file(&self.store, kind, text.as_bytes(), login, rules).unwrap();
        import::run(&mut self.store, &as_login(login), &plan, apply).unwrap()
    }

    /// The number `sql` (one row, one column `n`) counts.
    fn count(&self, sql: &str) -> i64 {
        self.conn.query_row(sql, &[]).unwrap().get("n").unwrap()
    }

    /// Every table's row count, and the audit rows as (entity, action, before, after).
    fn contents(&self) -> (Vec<(&'static str, i64)>, Vec<String>) {
        let counts = TABLES
            .iter()
            .map(|t| (*t, self.count(&format!("SELECT count(*) AS n FROM {t}"))))
            .collect();
        let audit = self
            .conn
            .query(
                "SELECT entity, action, coalesce(before, '-') AS before, after FROM audit
                  WHERE action = 'import' ORDER BY id",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| {
                let text = |c: &str| r.get::<String>(c).unwrap();
                format!(
                    "{} {} {} {}",
                    text("entity"),
                    text("action"),
                    text("before"),
                    text("after")
                )
            })
            .collect();
        (counts, audit)
    }
}

/// An outcome as compared between engines and runs: counts, problems, written.
fn summary(o: &Outcome) -> (usize, usize, usize, Vec<String>, bool) {
    (
        o.created,
        o.updated,
        o.unchanged,
        o.problems.iter().map(ToString::to_string).collect(),
        o.written,
    )
}

#[test]
fn every_kind_of_file_imports_alike_on_sqlite_and_postgres_and_again_changes_nothing() {
    let mut seen = Vec::new();
    for mut engine in engines() {
        let mut reports = Vec::new();
        for (kind, file) in FILES {
            let rows = file.lines().count() - 1;
            let imported = engine.count("SELECT count(*) AS n FROM audit WHERE action = 'import'");
            let dry = engine.import("lead", *kind, file, false);
            assert_eq!(
                engine.count("SELECT count(*) AS n FROM audit WHERE action = 'import'"),
                imported,
                "{kind:?}: the dry run wrote nothing"
            );
            let applied = engine.import("lead", *kind, file, true);
            assert!(
                applied.written && applied.problems.is_empty(),
                "{kind:?}: {:?}",
                summary(&applied)
            );
            assert_eq!(
                summary(&dry).0..=summary(&dry).2,
                summary(&applied).0..=summary(&applied).2,
                "{kind:?}: the dry run says what the apply did"
            );
            assert!(applied.created + applied.updated > 0, "{kind:?}");
            let audited = engine.count("SELECT count(*) AS n FROM audit WHERE action = 'import'");
            assert!(
                audited >= imported + i64::try_from(applied.created + applied.updated).unwrap(),
                "{kind:?}: each row written is audited as import"
            );
            let again = engine.import("lead", *kind, file, true);
            assert_eq!(
                summary(&again),
                (0, 0, rows, Vec::new(), true),
                "{kind:?}: a second apply finds every row unchanged"
            );
            assert_eq!(
                engine.count("SELECT count(*) AS n FROM audit WHERE action = 'import'"),
                audited,
                "{kind:?}: and writes nothing"
            );
            reports.push((kind, summary(&dry), summary(&applied), applied.summary()));
        }
        seen.push((reports, engine.contents()));
    }
    if let [sqlite, postgres] = &seen[..] {
        assert_eq!(sqlite.0, postgres.0, "the same reports on both engines");
        assert_eq!(sqlite.1, postgres.1, "the same rows and audit rows on both");
    }
}

#[test]
fn a_refused_row_writes_nothing_and_is_reported_alike_on_sqlite_and_postgres() {
    let mut seen = Vec::new();
    for mut engine in engines() {
        let before = engine.contents();
        let mut reports = Vec::new();
        for (login, kind, file) in REFUSED {
            let dry = engine.import(login, *kind, file, false);
            let applied = engine.import(login, *kind, file, true);
            assert!(!applied.written, "{kind:?}");
            assert_eq!(summary(&dry).3, summary(&applied).3, "{kind:?}");
            for problem in &summary(&applied).3 {
                for raw in ["PostgreSQL", "SQLite", "constraint", "UNIQUE", "23505"] {
                    assert!(!problem.contains(raw), "raw database text: {problem}");
                }
            }
            reports.push(summary(&applied).3);
        }
        assert_eq!(engine.contents(), before, "nothing was written");
        seen.push(reports);
    }
    // Every refused row is named, on its line and column, not only the first.
    assert_eq!(
        seen[0]
            .iter()
            .map(|problems| problems
                .iter()
                .map(|p| p.split(':').next().unwrap().to_owned())
                .collect::<Vec<_>>())
            .collect::<Vec<_>>(),
        [
            vec!["line 3, column closure_date", "line 4, column closure_date"],
            vec!["line 4, column actual_release_date"],
            vec!["line 3, column ended_on"],
            vec!["line 3, column client_reference"],
        ]
    );
    if let [sqlite, postgres] = &seen[..] {
        assert_eq!(sqlite, postgres, "the same words on both engines");
    }
}

#[test]
fn the_command_imports_an_exported_file_alike_on_sqlite_and_postgres() {
    use crate::postgres_store::{caseload, text};
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("demo.db");
    let file = file.to_str().unwrap();
    let mut said = Vec::new();
    for db in [file, pg.url.as_str()] {
        let run = |args: &[&str]| {
            let mut all = vec!["--db", db, "--today", "2026-11-23"];
            all.extend_from_slice(args);
            let output = caseload(&all, home.path(), &[]);
            (output.status.success(), text(&output))
        };
        let (ok, printed) = run(&["demo", "--seed", "11", "--clients", "60", "--no-tui"]);
        assert!(ok, "{printed}");
        // The demo's records as exported (the kinds whose export an import reads), each
        // imported again: all there already.
        for kind in ["orders", "court-reviews", "engagement"] {
            let (ok, exported) = run(&["export", kind]);
            assert!(ok, "{exported}");
            let path = home.path().join(format!("{kind}.csv"));
            std::fs::write(&path, &exported).unwrap();
            let path = path.to_str().unwrap();
            let dry = run(&["import", kind, path]);
            let applied = run(&["import", kind, path, "--apply"]);
            assert!(dry.0 && applied.0, "{kind}: {dry:?} {applied:?}");
            assert!(
                applied.1.starts_with("0 created, "),
                "{kind}: {}",
                applied.1
            );
            said.push((kind, dry.1, applied.1));
        }
    }
    let (sqlite, postgres) = said.split_at(said.len() / 2);
    assert_eq!(sqlite, postgres, "the same words on both engines");
}

#[test]
fn a_team_leaders_own_postgres_role_imports_into_their_area_only() {
    use caseload::store::Access;
    use caseload::store::sql::Value;
    let Some((pg, _dir, _path, _)) = crate::postgres_migrate::migrated_demo() else {
        return;
    };
    let owner = pg.connect();
    let login = format!("import_tl_{}", std::process::id());
    let (_, area) = crate::postgres_migrate::log_in_as(&owner, "team_leader", &login);
    let reference = |sql: &str| -> String {
        owner
            .query_row(sql, &[Value::Integer(area)])
            .unwrap()
            .get("reference")
            .unwrap()
    };
    let own = reference("SELECT reference FROM client WHERE area_id = ?1 ORDER BY id LIMIT 1");
    let other = reference("SELECT reference FROM client WHERE area_id <> ?1 ORDER BY id LIMIT 1");
    let mut engine = Engine {
        store: Store::open(std::path::Path::new(&pg.url_as(&login)), Access::ReadWrite).unwrap(),
        conn: pg.connect(),
        _pg: None,
        _dir: tempfile::tempdir().unwrap(),
    };
    let imported = "SELECT count(*) AS n FROM audit WHERE action = 'import'";
    let contacts = format!(
        "client_reference,worker,contact_at,kind,note\n\
         {own},{login},20/11/2026 10:00,phone,synthetic note\n"
    );
    let breaches = format!("client_reference,raised_at,rag\n{own},20/11/2026 11:00,amber\n");
    for (kind, file) in [(Kind::Contacts, &contacts), (Kind::Breaches, &breaches)] {
        let applied = engine.import(&login, kind, file, true);
        assert_eq!(summary(&applied), (1, 0, 0, Vec::new(), true), "{kind:?}");
        let again = engine.import(&login, kind, file, true);
        assert_eq!(summary(&again), (0, 0, 1, Vec::new(), true), "{kind:?}");
    }
    assert_eq!(engine.count(imported), 2, "each audited as import");
    let theirs = format!(
        "client_reference,worker,contact_at,kind,note\n\
         {own},{login},21/11/2026 10:00,phone,synthetic note\n\
         {other},{login},21/11/2026 11:00,phone,not in their area\n"
    );
    let refused = engine.import(&login, Kind::Contacts, &theirs, true);
    assert!(!refused.written, "{:?}", summary(&refused));
    assert_eq!(
        refused
            .problems
            .iter()
            .map(|p| (p.line, p.column.as_deref()))
            .collect::<Vec<_>>(),
        [(3, Some("client_reference"))]
    );
    assert_eq!(engine.count(imported), 2, "nothing written");
}
