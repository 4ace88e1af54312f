//! Role rules: each role's allowed and refused actions, in the pure rule, through the
//! store's write path and through the real binary's staff commands. The same rules
//! asked of everyone on every write path, and the tally, are in `roles_everyone`.
//!
//! The store's tests run on every engine ([`on_each_engine`]). The command-line tests
//! stay on an SQLite file: they run the binary as the OS login and `caseload init` on
//! a new file; the staff commands on PostgreSQL, where each worker is a role of the
//! cluster, are in `postgres_staff`.

use caseload::domain::model::{ContactKind, ExitReason, Role, Worker};
use caseload::domain::roles::{ClientScope, Operation, check};
use caseload::store::{Change, EpisodeEdit, NewArea, NewWorker, StaffChange, Store, StoreError};

use crate::common::{TestDb, as_login, at, date, on_each_engine, team_store};

const AREA: i64 = 1;
const OTHER_AREA: i64 = 2;
const ME: i64 = 10;

fn worker(role: Role) -> Worker {
    Worker {
        id: ME,
        name: "Pat Example".into(),
        login: Some("pat".into()),
        role,
        area_id: Some(AREA),
        active: true,
    }
}

fn scope(area_id: i64, care_coordinator_id: Option<i64>) -> ClientScope {
    ClientScope {
        area_id,
        care_coordinator_id,
    }
}

#[test]
fn each_role_is_allowed_and_refused_what_the_issue_says() {
    use Operation::{
        Close, CustodyTally, DrawSample, EditClient, Extend, ManageStaff, Outreach, Reassign,
        RecordAppointment, RecordContact, RecordOffences, Refer,
    };
    let own = Some(scope(AREA, Some(ME)));
    let colleagues = Some(scope(AREA, Some(ME + 1)));
    let elsewhere = Some(scope(OTHER_AREA, Some(ME)));
    // (role, operation, client, allowed)
    let cases = [
        (Role::CareCoordinator, EditClient, own, true),
        (Role::CareCoordinator, EditClient, colleagues, false),
        (Role::CareCoordinator, RecordContact, colleagues, true),
        (Role::CareCoordinator, RecordAppointment, colleagues, true),
        (Role::CareCoordinator, RecordContact, elsewhere, false),
        (Role::CareCoordinator, Refer, own, true),
        (Role::CareCoordinator, Outreach, None, true),
        (Role::CareCoordinator, Extend, own, false),
        (Role::CareCoordinator, Close, own, false),
        (Role::CareCoordinator, Reassign, own, false),
        (Role::CareCoordinator, ManageStaff, None, false),
        (Role::CareCoordinator, CustodyTally, colleagues, true),
        (Role::CareCoordinator, CustodyTally, elsewhere, false),
        (Role::CareCoordinator, DrawSample, None, false),
        (Role::CareCoordinator, RecordOffences, own, false),
        (Role::TeamLeader, CustodyTally, colleagues, true),
        (Role::TeamLeader, CustodyTally, elsewhere, false),
        (Role::TeamLeader, DrawSample, None, true),
        (Role::TeamLeader, RecordOffences, elsewhere, true),
        (Role::Support, Outreach, colleagues, true),
        (Role::Support, CustodyTally, colleagues, false),
        (Role::Support, DrawSample, None, false),
        (Role::Support, RecordOffences, colleagues, false),
        (Role::Admin, CustodyTally, colleagues, false),
        (Role::Admin, DrawSample, None, false),
        (Role::TeamLeader, EditClient, colleagues, true),
        (Role::TeamLeader, Extend, colleagues, true),
        (Role::TeamLeader, Close, colleagues, true),
        (Role::TeamLeader, Reassign, colleagues, true),
        (Role::TeamLeader, Close, elsewhere, false),
        (Role::TeamLeader, ManageStaff, None, false),
        (Role::Support, RecordContact, colleagues, true),
        (Role::Support, RecordAppointment, colleagues, true),
        (Role::Support, RecordContact, elsewhere, false),
        (Role::Support, EditClient, own, false),
        (Role::Support, Close, colleagues, false),
        (Role::Support, Reassign, colleagues, false),
        (Role::Admin, ManageStaff, None, true),
        (Role::Admin, RecordContact, own, false),
        (Role::Admin, Close, own, false),
    ];
    for (role, op, client, allowed) in cases {
        let result = check(Some(&worker(role)), op, client);
        assert_eq!(
            result.is_ok(),
            allowed,
            "{role} {op:?} {client:?}: {result:?}"
        );
    }
}

#[test]
fn refusals_name_the_rule_and_what_to_do() {
    let refused = |role, op, client| check(Some(&worker(role)), op, client).unwrap_err().0;
    assert_eq!(
        refused(
            Role::CareCoordinator,
            Operation::Close,
            Some(scope(AREA, Some(ME)))
        ),
        "care co-ordinators may change their own clients' records, and record contacts, \
         appointments, referrals, outreach and custody-suite tallies in their area, not close \
         episodes: ask your team leader"
    );
    assert_eq!(
        refused(
            Role::Support,
            Operation::CustodyTally,
            Some(scope(AREA, None))
        ),
        "support workers may record contacts, appointments and outreach in their area, not \
         record custody-suite tallies: ask your team leader"
    );
    assert_eq!(
        refused(
            Role::CareCoordinator,
            Operation::EditClient,
            Some(scope(AREA, None))
        ),
        "this client is not on your caseload (care co-ordinators may change their own \
         clients' records, and record contacts, appointments, referrals, outreach and \
         custody-suite tallies in their area): ask their care co-ordinator or your team leader"
    );
    assert_eq!(
        refused(
            Role::TeamLeader,
            Operation::Close,
            Some(scope(OTHER_AREA, None))
        ),
        "this client is in another area (team leaders may do everything in their own area, \
         and keep the re-offending sample): ask that area's team leader"
    );
    assert_eq!(
        refused(Role::TeamLeader, Operation::ManageStaff, None),
        "team leaders may do everything in their own area, and keep the re-offending sample, \
         not manage areas and workers: ask an admin"
    );
    assert!(check(None, Operation::RecordContact, Some(scope(AREA, None))).is_err());
}

fn refused(store: &mut Store, login: &str, change: &Change) -> String {
    match store.apply(&as_login(login), change) {
        Err(StoreError::NotAllowed(why)) => why,
        other => panic!("{login} should be refused {change:?}, got {other:?}"),
    }
}

#[test]
fn the_store_enforces_roles_on_every_write() {
    on_each_engine(|engine| {
        let (db, mut store, team) = TestDb::team(engine);
        let contact = |client_id| Change::Contact {
            client_id,
            at: at("2026-11-23 09:00"),
            kind: ContactKind::Phone,
            note: String::new(),
        };
        // Anyone in the area records contacts; nobody outside it does.
        for login in ["cora", "colin", "sam", "lead"] {
            store.apply(&as_login(login), &contact(team.c1)).unwrap();
        }
        refused(&mut store, "cora", &contact(team.c3));
        refused(&mut store, "admin", &contact(team.c1));
        let nobody = refused(&mut store, "visitor", &contact(team.c1));
        assert!(
            nobody.contains("caseload worker add --login visitor"),
            "{nobody}"
        );

        let close = |store: &Store| {
            Change::Episode(
                store.version_of("episode", team.e1).unwrap(),
                EpisodeEdit::Close {
                    date: date("2026-11-23"),
                    reason: ExitReason::Disengaged,
                },
            )
        };
        let tier = |store: &Store| {
            Change::Episode(
                store.version_of("episode", team.e1).unwrap(),
                EpisodeEdit::Tier(3),
            )
        };
        let change = tier(&store);
        refused(&mut store, "colin", &change);
        let change = tier(&store);
        refused(&mut store, "sam", &change);
        let change = tier(&store);
        store.apply(&as_login("cora"), &change).unwrap();
        let change = close(&store);
        refused(&mut store, "cora", &change);
        let change = close(&store);
        refused(&mut store, "sam", &change);
        let change = close(&store);
        refused(&mut store, "south_lead", &change);
        let reassign = |store: &Store| Change::Reassign {
            clients: vec![store.version_of("client", team.c1).unwrap()],
            area_id: team.north,
            care_coordinator_id: Some(team.colin),
        };
        let change = reassign(&store);
        refused(&mut store, "cora", &change);
        let change = reassign(&store);
        refused(&mut store, "sam", &change);
        let change = reassign(&store);
        store.apply(&as_login("lead"), &change).unwrap();
        let change = close(&store);
        store.apply(&as_login("lead"), &change).unwrap();
        let outreach = Change::Outreach {
            on: date("2026-11-23"),
            signposted_to: None,
        };
        let tally = store.apply(&as_login("sam"), &outreach).unwrap();
        let counted_for: Vec<(i64, i64)> = db.pairs(&format!(
            "SELECT worker_id AS a, area_id AS b FROM outreach WHERE id = {}",
            tally.rows[0].row_id
        ));
        assert_eq!(counted_for, [(team.sam, team.north)]);

        // A team leader moves a client to another area only to someone who works there.
        let to_south = |store: &Store, cc| Change::Reassign {
            clients: vec![store.version_of("client", team.c2).unwrap()],
            area_id: team.south,
            care_coordinator_id: Some(cc),
        };
        let change = to_south(&store, team.lead);
        assert!(matches!(
            store.apply(&as_login("lead"), &change),
            Err(StoreError::Invalid(_))
        ));
        let change = to_south(&store, team.south_lead);
        store.apply(&as_login("lead"), &change).unwrap();
        let change = Change::Episode(
            store.version_of("episode", team.e2).unwrap(),
            EpisodeEdit::Tier(3),
        );
        refused(&mut store, "lead", &change);
        store.apply(&as_login("south_lead"), &change).unwrap();
    });
}

#[test]
fn only_admins_manage_areas_and_workers() {
    on_each_engine(|engine| {
        let (_db, mut store, team) = TestDb::team(engine);
        let area = StaffChange::AddArea(NewArea {
            name: "Eastmoor".into(),
            intensive: false,
        });
        for login in ["lead", "cora", "sam", "visitor"] {
            let result = store.manage_staff(&as_login(login), &area);
            assert!(
                matches!(result, Err(StoreError::NotAllowed(_))),
                "{login}: {result:?}"
            );
        }
        store.manage_staff(&as_login("admin"), &area).unwrap();
        let new = StaffChange::AddWorker(NewWorker {
            name: "New Starter".into(),
            login: Some("newbie".into()),
            role: Role::Support,
            area_id: Some(team.north),
        });
        store.manage_staff(&as_login("admin"), &new).unwrap();
        let promote = StaffChange::SetRole {
            worker: store.worker_version("newbie").unwrap(),
            role: Role::CareCoordinator,
        };
        store.manage_staff(&as_login("admin"), &promote).unwrap();
        let newbie = store.worker_by_login("newbie").unwrap().unwrap();
        assert_eq!(newbie.role, Role::CareCoordinator);
        // The stale read of the worker is now a conflict.
        assert!(matches!(
            store.manage_staff(&as_login("admin"), &promote),
            Err(StoreError::Conflict { .. })
        ));
        assert!(
            store
                .workers()
                .unwrap()
                .iter()
                .any(|w| w.id == team.south_lead)
        );
    });
}

fn caseload(db: &std::path::Path, args: &[&str]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn the_first_admin_adds_areas_and_workers_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("staff.db");
    assert!(caseload(&db, &["init"]).0);
    assert!(caseload(&db, &["area", "add", "Northtown", "--intensive"]).0);
    let (ok, text) = caseload(
        &db,
        &[
            "worker",
            "add",
            "--name",
            "Pat Example",
            "--login",
            "pat",
            "--role",
            "support",
            "--area",
            "northtown",
        ],
    );
    assert!(ok, "{text}");
    let (ok, text) = caseload(
        &db,
        &[
            "worker",
            "add",
            "--name",
            "Lee Example",
            "--login",
            "lee",
            "--role",
            "boss",
        ],
    );
    assert!(!ok && text.contains("unknown role 'boss'"), "{text}");
    let (ok, text) = caseload(
        &db,
        &[
            "worker",
            "add",
            "--name",
            "Lee Example",
            "--login",
            "lee",
            "--role",
            "support",
            "--area",
            "Nowhere",
        ],
    );
    assert!(
        !ok && text.contains("no area called 'Nowhere': use one of Northtown"),
        "{text}"
    );
    assert!(
        caseload(
            &db,
            &[
                "worker",
                "set-role",
                "--login",
                "pat",
                "--role",
                "care_coordinator"
            ]
        )
        .0
    );
    let (ok, list) = caseload(&db, &["worker", "list"]);
    assert!(
        ok && list.contains("pat")
            && list.contains("care_coordinator")
            && list.contains("Northtown"),
        "{list}"
    );
    let (ok, areas) = caseload(&db, &["area", "list"]);
    assert!(
        ok && areas.contains("Northtown") && areas.contains("intensive"),
        "{areas}"
    );
}

#[test]
fn the_command_line_refuses_staff_changes_from_non_admins() {
    let (_dir, store, _team) = team_store();
    // The OS login running the tests has no worker record in the team fixture.
    let (ok, text) = caseload(store.path(), &["area", "add", "Eastmoor"]);
    assert!(!ok && text.contains("has no worker record"), "{text}");
}
