//! Several OS processes saving at once, and processes killed mid-save (a draft saved
//! on hang-up is in `locks`, through the real TUI), on every engine: an SQLite file
//! or a PostgreSQL database ([`on_each_engine`]). The children are this test binary
//! re-run on one test, [`child_process_entry`], with [`CHILD_ENV`] saying what to do
//! and where (a file or a URL, as [`Store::open`] takes either).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use caseload::domain::model::ContactKind;
use caseload::store::{Access, Change, EpisodeEdit, Store, StoreError};

use crate::common::{TestDb, as_login, at, on_each_engine};

/// Set in a child: `mode|db path or URL|child number|seconds`.
const CHILD_ENV: &str = "CASELOAD_TEST_CHILD";

/// The child's body, run only by [`spawn`] (with `--ignored`): ignored in a normal run,
/// so it is not counted as a test that passed.
#[test]
#[ignore = "a child process of the concurrency tests, started by them"]
fn child_process_entry() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let parts: Vec<&str> = spec.split('|').collect();
    let (mode, path, child, seconds) = (
        parts[0],
        Path::new(parts[1]),
        parts[2].parse::<usize>().unwrap(),
        parts[3].parse::<u64>().unwrap(),
    );
    assert_eq!(mode, "save");
    let mut store = Store::open(path, Access::ReadWrite).unwrap();
    saving_child(&mut store, child, Duration::from_secs(seconds));
}

/// Saves exit plans on the overlapping open episodes and contacts, printing
/// `ACK E episode version plan` / `ACK C contact note` only after each commit.
fn saving_child(store: &mut Store, child: usize, duration: Duration) {
    let lead = as_login("lead");
    let north = store
        .areas()
        .unwrap()
        .into_iter()
        .find(|a| a.name == "Northtown")
        .unwrap();
    let rows = store.caseload(Some(north.id), None, &[]).unwrap();
    let start = Instant::now();
    let mut i = 0;
    while start.elapsed() < duration {
        let row = &rows[(child + i) % rows.len()];
        let plan = format!("c{child}-{i}");
        let read = store.version_of("episode", row.episode.id).unwrap();
        match store.apply(
            &lead,
            &Change::Episode(read, EpisodeEdit::ExitPlan(plan.clone())),
        ) {
            Ok(receipt) => println!(
                "ACK E {} {} {plan}",
                row.episode.id, receipt.rows[0].version
            ),
            Err(StoreError::Conflict { .. }) => println!("CONFLICT"),
            Err(e) => println!("ERR {e}"),
        }
        let contact = Change::Contact {
            client_id: row.client_id,
            at: at("2026-11-23 09:00"),
            kind: ContactKind::Phone,
            note: plan.clone(),
        };
        match store.apply(&lead, &contact) {
            Ok(receipt) => println!("ACK C {} {plan}", receipt.rows[0].row_id),
            Err(e) => println!("ERR {e}"),
        }
        i += 1;
    }
}

fn spawn(mode: &str, path: &Path, child: usize, seconds: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "--ignored",
            "concurrency::child_process_entry",
            "--nocapture",
            "--test-threads=1",
            "-q",
        ])
        .env(
            CHILD_ENV,
            format!("{mode}|{}|{child}|{seconds}", path.display()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Acknowledged saves: exit plans by (episode, version), and contacts by id.
#[derive(Default)]
struct Acks {
    plans: BTreeMap<(i64, i64), String>,
    contacts: BTreeMap<i64, String>,
    errors: Vec<String>,
}

impl Acks {
    fn read(&mut self, line: &str) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["ACK", "E", episode, version, plan] => {
                let key = (episode.parse().unwrap(), version.parse().unwrap());
                let earlier = self.plans.insert(key, (*plan).to_owned());
                assert!(
                    earlier.is_none(),
                    "two saves both produced {key:?}: a lost update"
                );
            }
            ["ACK", "C", id, note] => {
                self.contacts
                    .insert(id.parse().unwrap(), (*note).to_owned());
            }
            ["ERR", ..] => self.errors.push(line.to_owned()),
            _ => {}
        }
    }

    /// Every acknowledged save is in the database (and its audit log).
    fn assert_present(&self, db: &TestDb) {
        let conn = db.raw();
        for (id, note) in &self.contacts {
            let stored: String = conn
                .query_row("SELECT note FROM contact WHERE id = ?1", &[(*id).into()])
                .and_then(|row| row.get("note"))
                .unwrap_or_else(|e| panic!("acknowledged contact {id} missing: {e}"));
            assert_eq!(&stored, note);
        }
        let audited: BTreeSet<(i64, String)> = db
            .pairs::<i64, String>(
                "SELECT row_id AS a, after AS b FROM audit
                  WHERE entity = 'episode' AND after LIKE '%exit_plan%'",
            )
            .into_iter()
            .filter_map(|(episode, after)| {
                let after: serde_json::Value = serde_json::from_str(&after).unwrap();
                Some((episode, after["exit_plan"].as_str()?.to_owned()))
            })
            .collect();
        for ((episode, _), plan) in &self.plans {
            assert!(
                audited.contains(&(*episode, plan.clone())),
                "acknowledged plan {plan} on episode {episode} missing"
            );
        }
        let latest = self
            .plans
            .iter()
            .fold(BTreeMap::new(), |mut m, ((e, v), p)| {
                m.insert(*e, (*v, p.clone()));
                m
            });
        for (episode, (version, plan)) in latest {
            let row = conn
                .query_row(
                    "SELECT version, exit_plan FROM episode WHERE id = ?1",
                    &[episode.into()],
                )
                .unwrap();
            let (stored_version, stored_plan): (i64, String) =
                (row.get("version").unwrap(), row.get("exit_plan").unwrap());
            assert!(stored_version >= version);
            if stored_version == version {
                assert_eq!(
                    stored_plan, plan,
                    "the newest acknowledged plan on {episode} was overwritten"
                );
            }
        }
    }
}

#[test]
fn eight_processes_saving_at_once_lose_nothing_and_never_show_busy() {
    on_each_engine(|engine| {
        let (db, store, team) = TestDb::team(engine);
        let path = db.location();
        let before: Vec<i64> = [team.e1, team.e2]
            .iter()
            .map(|e| store.version_of("episode", *e).unwrap().version)
            .collect();
        let children: Vec<Child> = (0..8).map(|n| spawn("save", path, n, 3)).collect();
        let mut acks = Acks::default();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success());
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .for_each(|l| acks.read(l));
        }
        assert!(
            acks.errors.is_empty(),
            "errors shown to users: {:?}",
            acks.errors
        );
        assert!(
            acks.plans.len() > 8,
            "only {} saves in 3 s",
            acks.plans.len()
        );
        acks.assert_present(&db);
        // Every version bump of each episode was acknowledged to exactly one process.
        for (episode, start) in [team.e1, team.e2].iter().zip(before) {
            let now = store.version_of("episode", *episode).unwrap().version;
            let acked = acks.plans.keys().filter(|(e, _)| e == episode).count();
            assert_eq!(
                now - start,
                i64::try_from(acked).unwrap(),
                "episode {episode}"
            );
        }
        assert!(store.check().unwrap().is_empty());
    });
}

#[test]
fn a_process_killed_mid_save_leaves_a_sound_database_with_every_acknowledged_save() {
    on_each_engine(|engine| {
        let (db, _store, _team) = TestDb::team(engine);
        let path = db.location();
        let mut acks = Acks::default();
        for round in 0..12 {
            let mut child = spawn("save", path, round, 30);
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let mut seen = 0;
            while seen < 3 + round % 4 {
                let line = lines.next().expect("child ended early").unwrap();
                seen += usize::from(line.starts_with("ACK"));
                acks.read(&line);
            }
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            // Lines written before the kill were acknowledged too.
            lines.map_while(Result::ok).for_each(|l| acks.read(&l));
            let reopened = Store::open(path, Access::ReadWrite).unwrap();
            assert_eq!(
                reopened.check().unwrap(),
                Vec::<String>::new(),
                "round {round}"
            );
            acks.assert_present(&db);
        }
        assert!(
            acks.errors.is_empty(),
            "{:?}",
            &acks.errors[..acks.errors.len().min(3)]
        );
    });
}

#[test]
fn a_draft_is_saved_replaced_and_discarded() {
    on_each_engine(|engine| {
        let (_db, mut store, team) = TestDb::team(engine);
        let cora = as_login("cora");
        let fields = serde_json::json!({ "note": "half a sentence" });
        store
            .save_draft(&cora, "contact", Some(team.c1), &fields)
            .unwrap();
        store
            .save_draft(
                &cora,
                "contact",
                Some(team.c1),
                &serde_json::json!({ "note": "a whole sentence" }),
            )
            .unwrap();
        store
            .save_draft(&cora, "outreach", None, &serde_json::json!({}))
            .unwrap();
        let drafts = store.drafts("cora").unwrap();
        assert_eq!(drafts.len(), 2);
        let contact = drafts.iter().find(|d| d.form == "contact").unwrap();
        assert_eq!(contact.fields["note"], "a whole sentence");
        assert_eq!(contact.saved_at, at("2026-11-23 09:30"));
        assert!(
            store.drafts("colin").unwrap().is_empty(),
            "drafts are per login"
        );
        store
            .discard_draft(&cora, "contact", Some(team.c1))
            .unwrap();
        assert_eq!(store.drafts("cora").unwrap().len(), 1);
    });
}
