//! Version-checked writes on both engines: the same edit leaves the same row and audit
//! row on SQLite and PostgreSQL, the role rules refuse the same way, and a second
//! writer of a row waits for the first and is told of its change instead of
//! overwriting it (no lost update: on PostgreSQL the row's version is locked before it
//! is compared). SQLite always; PostgreSQL with `CASELOAD_TEST_PG`.

use std::path::Path;

use caseload::store::sql::{Connection, Value};
use caseload::store::{Access, Change, ClientEdit, Store, StoreError, Versioned};

use crate::common::{Team, as_login, team_store};
use crate::postgres::{PgDatabase, copied};

/// One engine's copy of the small synthetic team.
struct Engine {
    store: Store,
    team: Team,
    pg: Option<PgDatabase>,
    _dir: tempfile::TempDir,
}

impl Engine {
    /// Another store on the same database (a colleague's session).
    fn second(&self) -> Store {
        match &self.pg {
            Some(pg) => pg.open(),
            None => Store::open(self.store.path(), Access::ReadWrite).unwrap(),
        }
    }

    /// A bare connection to the same database, as its owner.
    fn connect(&self) -> Connection {
        if let Some(pg) = &self.pg {
            return pg.connect();
        }
        let conn = rusqlite::Connection::open(self.store.path()).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(60))
            .unwrap();
        Connection::sqlite(conn)
    }
}

/// The team on SQLite, and on PostgreSQL when there is a cluster.
fn engines() -> Vec<Engine> {
    let (dir, store, team) = team_store();
    let mut all = Vec::new();
    let (copy_dir, copy, _) = team_store();
    if let Some((pg, on_pg)) = copied(copy) {
        all.push(Engine {
            store: on_pg,
            team,
            pg: Some(pg),
            _dir: copy_dir,
        });
    }
    all.insert(
        0,
        Engine {
            store,
            team,
            pg: None,
            _dir: dir,
        },
    );
    all
}

fn practice(gp: &str) -> ClientEdit {
    ClientEdit::Practice {
        gp: gp.to_owned(),
        prescriber: String::new(),
    }
}

fn gp_of(store: &Store, client: i64) -> Value {
    store
        .row_base("client", client)
        .unwrap()
        .get("gp_practice")
        .cloned()
        .unwrap()
}

#[test]
fn an_edit_leaves_the_same_row_and_audit_row_on_both_engines() {
    let mut audits = Vec::new();
    for mut engine in engines() {
        let c1 = engine.team.c1;
        let before = engine.store.version_of("client", c1).unwrap();
        let receipt = engine
            .store
            .apply(
                &as_login("cora"),
                &Change::Client(before, practice("Hill Surgery")),
            )
            .unwrap();
        assert_eq!(receipt.rows.len(), 1);
        assert_eq!(receipt.rows[0].version, before.version + 1);
        assert_eq!(gp_of(&engine.store, c1), Value::from("Hill Surgery"));
        let audit = engine
            .connect()
            .query_row(
                "SELECT who, action, before, after FROM audit
                  WHERE entity = 'client' AND row_id = ?1 ORDER BY id DESC LIMIT 1",
                &[Value::Integer(c1)],
            )
            .unwrap()
            .into_values();
        audits.push(audit);

        // A support worker may not change a client's record, on either engine.
        let v = engine.store.version_of("client", c1).unwrap();
        let refused = engine
            .store
            .apply(&as_login("sam"), &Change::Client(v, practice("Elsewhere")))
            .unwrap_err();
        assert!(matches!(refused, StoreError::NotAllowed(_)), "{refused}");
        assert_eq!(gp_of(&engine.store, c1), Value::from("Hill Surgery"));
    }
    assert!(audits.windows(2).all(|w| w[0] == w[1]), "{audits:?}");
    assert_eq!(audits[0][0], Value::from("cora"));
}

/// Whether a session of the database `db` is waiting for a lock another holds (on
/// PostgreSQL; SQLite's writers queue at BEGIN IMMEDIATE, so there is nothing to see).
fn someone_waits(db: &Connection) -> bool {
    let waiting: i64 = db
        .query_row(
            "SELECT count(*) AS waiting FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND datname = current_database()",
            &[],
        )
        .unwrap()
        .get("waiting")
        .unwrap();
    waiting > 0
}

#[test]
fn a_second_writer_of_a_row_waits_and_is_told_of_the_first_change_instead_of_losing_it() {
    for engine in engines() {
        let c1 = engine.team.c1;
        let read: Versioned = engine.store.version_of("client", c1).unwrap();
        // A colleague is part-way through saving the same client.
        let colleague = engine.connect();
        let tx = colleague.transaction().unwrap();
        assert_eq!(tx.lock_version("client", c1).unwrap(), Some(read.version));
        tx.execute(
            "UPDATE client SET gp_practice = 'Colleague Surgery', version = version + 1
              WHERE id = ?1",
            &[Value::Integer(c1)],
        )
        .unwrap();
        // Meanwhile this session saves its own change to the version it read.
        let mut mine = engine.second();
        let saving = std::thread::spawn(move || {
            mine.apply(
                &as_login("cora"),
                &Change::Client(read, practice("My Surgery")),
            )
        });
        if engine.pg.is_some() {
            let watcher = engine.connect();
            while !someone_waits(&watcher) {
                std::thread::yield_now();
            }
        }
        tx.commit().unwrap();
        let saved = saving.join().unwrap();
        assert!(
            matches!(saved, Err(StoreError::Conflict { row_id, .. }) if row_id == c1),
            "{saved:?}"
        );
        assert_eq!(gp_of(&engine.store, c1), Value::from("Colleague Surgery"));
    }
}

/// Every row `sql` finds on `engine`'s database, as values.
fn rows_of(engine: &Engine, sql: &str) -> Vec<Vec<Value>> {
    engine
        .connect()
        .query(sql, &[])
        .unwrap()
        .into_iter()
        .map(caseload::store::sql::Row::into_values)
        .collect()
}

#[test]
fn new_rows_are_the_same_rows_on_both_engines() {
    use crate::common::{at, date};
    use caseload::domain::model::{AssessmentKind, ContactKind, Rag, Role, TestKind, TestResult};
    use caseload::store::{
        NewArea, NewContact, NewDrugTest, NewOutreach, NewRequiredAssessment, NewWorker, Origin,
    };

    let mut written = Vec::new();
    for mut engine in engines() {
        let team = engine.team;
        engine
            .store
            .generate(&as_login("lead"), Origin::Synthetic("both engines"), |tx| {
                let area = tx.insert_area(&NewArea {
                    name: "Eastfield".to_owned(),
                    intensive: true,
                })?;
                let worker = tx.insert_worker(&NewWorker {
                    name: "Erin East".to_owned(),
                    login: Some("erin".to_owned()),
                    role: Role::CareCoordinator,
                    area_id: Some(area),
                })?;
                tx.insert_contact(&NewContact {
                    client_id: team.c1,
                    worker_id: worker,
                    contact_at: at("2026-11-20 10:15"),
                    kind: ContactKind::Phone,
                    note: "Ann's call".to_owned(),
                })?;
                tx.insert_drug_test(&NewDrugTest {
                    client_id: team.c1,
                    tested_on: date("2026-11-19"),
                    kind: TestKind::Treatment,
                    result: TestResult::Negative,
                })?;
                let missed = tx.insert_required_assessment(&NewRequiredAssessment {
                    client_id: team.c2,
                    kind: AssessmentKind::Initial,
                    appointment_at: at("2026-11-18 14:00"),
                    outcome: None,
                })?;
                tx.raise_breach(missed, Rag::Amber, None)?;
                tx.insert_outreach(&NewOutreach {
                    recorded_on: date("2026-11-17"),
                    worker_id: worker,
                    area_id: area,
                    signposted_to: None,
                })
            })
            .unwrap();
        written.push(
            [
                "SELECT * FROM area ORDER BY id",
                "SELECT * FROM worker ORDER BY id",
                "SELECT * FROM contact ORDER BY id",
                "SELECT * FROM drug_test ORDER BY id",
                "SELECT * FROM required_assessment ORDER BY id",
                "SELECT * FROM breach ORDER BY id",
                "SELECT * FROM outreach ORDER BY id",
                "SELECT who, entity, action, after FROM audit ORDER BY id DESC LIMIT 1",
            ]
            .map(|sql| rows_of(&engine, sql)),
        );
    }
    assert!(written.windows(2).all(|w| w[0] == w[1]), "{written:#?}");
    assert!(written[0][0].len() > 2, "{:?}", written[0][0]);
}

#[test]
fn an_edit_is_undone_and_a_draft_kept_and_discarded_alike_on_both_engines() {
    for mut engine in engines() {
        let c1 = engine.team.c1;
        let cora = as_login("cora");
        let read = engine.store.version_of("client", c1).unwrap();
        let receipt = engine
            .store
            .apply(&cora, &Change::Client(read, practice("Hill Surgery")))
            .unwrap();
        let undone = engine.store.undo(&cora, &receipt).unwrap();
        assert_eq!(undone.rows.len(), 1);
        assert_eq!(gp_of(&engine.store, c1), Value::Null);
        let actions = rows_of(
            &engine,
            "SELECT action FROM audit WHERE entity = 'client' ORDER BY id DESC LIMIT 2",
        );
        assert_eq!(
            actions,
            vec![vec![Value::from("undo")], vec![Value::from("update")]]
        );

        let fields = serde_json::json!({ "note": "Ann's first call" });
        engine
            .store
            .save_draft(&cora, "contact", Some(c1), &fields)
            .unwrap();
        engine
            .store
            .save_draft(&cora, "contact", Some(c1), &fields)
            .unwrap();
        let drafts = engine.store.drafts("cora").unwrap();
        assert_eq!(drafts.len(), 1, "{drafts:?}");
        assert_eq!(drafts[0].fields, fields);
        assert_eq!(drafts[0].client_id, Some(c1));
        engine
            .store
            .discard_draft(&cora, "contact", Some(c1))
            .unwrap();
        assert!(engine.store.drafts("cora").unwrap().is_empty());
    }
}

#[test]
fn the_same_attempt_twice_is_refused_in_the_same_words_and_nothing_is_kept_on_both_engines() {
    use caseload::domain::model::{AssessmentKind, Rag, ReengageHow};
    use caseload::store::{NewReengagement, NewRequiredAssessment, Origin};

    use crate::common::at;

    let mut refusals = Vec::new();
    for mut engine in engines() {
        let team = engine.team;
        let before = rows_of(&engine, "SELECT count(*) AS n FROM reengagement");
        let refused = engine
            .store
            .generate(&as_login("lead"), Origin::Synthetic("twice"), |tx| {
                let missed = tx.insert_required_assessment(&NewRequiredAssessment {
                    client_id: team.c2,
                    kind: AssessmentKind::Initial,
                    appointment_at: at("2026-11-18 14:00"),
                    outcome: None,
                })?;
                let attempt = NewReengagement {
                    breach_id: tx.raise_breach(missed, Rag::Red, None)?,
                    attempted_at: at("2026-11-18 16:30"),
                    how: ReengageHow::Phone,
                    note: "no answer".to_owned(),
                };
                tx.insert_reengagement(&attempt)?;
                tx.insert_reengagement(&attempt)
            })
            .unwrap_err();
        refusals.push(refused.to_string());
        assert_eq!(
            rows_of(&engine, "SELECT count(*) AS n FROM reengagement"),
            before
        );
    }
    assert_eq!(
        refusals[0],
        "this attempt to re-engage (same breach, time and way) is already recorded: nothing was saved"
    );
    assert!(refusals.windows(2).all(|w| w[0] == w[1]), "{refusals:?}");
}

#[test]
fn a_custody_suite_tally_is_recorded_refused_and_replaced_alike_on_both_engines() {
    use caseload::store::NewTally;

    use crate::common::date;

    let mut seen = Vec::new();
    for mut engine in engines() {
        let lead = as_login("lead");
        let tally = NewTally {
            area_id: engine.team.north,
            recorded_on: date("2026-11-20"),
            charged: 9,
            tested: 6,
            positive: 2,
        };
        assert_eq!(
            engine.store.record_tally(&lead, &tally, false).unwrap(),
            None
        );
        let again = NewTally { tested: 7, ..tally };
        let refused = engine
            .store
            .record_tally(&lead, &again, false)
            .unwrap_err()
            .to_string();
        let replaced = engine.store.record_tally(&lead, &again, true).unwrap();
        assert_eq!(replaced.map(|r| r.tested), Some(6));
        let stored = rows_of(
            &engine,
            "SELECT charged, tested, positive, version FROM custody_tally",
        );
        let audit = rows_of(
            &engine,
            "SELECT action, before, after FROM audit WHERE entity = 'custody_tally' ORDER BY id",
        );
        seen.push((refused, stored, audit));
    }
    assert!(
        seen[0].0.contains("already has a custody-suite tally for 20/11/2026: 9 charged, 6 tested, 2 positive (recorded by lead at 2026-11-23 09:30)"),
        "{}",
        seen[0].0
    );
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:#?}");
}

#[test]
fn who_opened_a_record_is_logged_and_listed_alike_on_both_engines_read_only_too() {
    use caseload::store::{AccessEntry, Looked};

    use crate::common::at;

    let mut listed = Vec::new();
    for mut engine in engines() {
        let c1 = engine.team.c1;
        let opened = |minute: &str| AccessEntry {
            at: at(&format!("2026-11-23 09:{minute}")),
            looked: Looked::Record(c1),
        };
        engine
            .store
            .log_access(
                "cora",
                &[opened("10"), opened("20")],
                std::time::Duration::ZERO,
            )
            .unwrap();
        let mut readonly = match &engine.pg {
            Some(pg) => Store::open(Path::new(&pg.url), Access::ReadOnly).unwrap(),
            None => Store::open(engine.store.path(), Access::ReadOnly).unwrap(),
        };
        readonly
            .log_access("lead", &[opened("30")], std::time::Duration::ZERO)
            .unwrap();
        listed.push(format!("{:?}", engine.store.viewers(c1).unwrap()));
    }
    assert!(listed[0].contains("times: 2"), "{}", listed[0]);
    assert!(
        listed[0].find("\"lead\"") < listed[0].find("\"cora\""),
        "{}",
        listed[0]
    );
    assert!(listed.windows(2).all(|w| w[0] == w[1]), "{listed:?}");
}
