//! Breaches as the Gwent breach process defines them (000, appendix B): the deadline runs
//! from the breach (the missed appointment), red is "arrested within 24 hours", amber and
//! green are "put out for arrest within 7 days / 1 month of their breach".

use caseload::domain::breach::{deadline, is_overdue};
use caseload::domain::model::{AssessmentKind, AssessmentOutcome, BreachStatus, Rag};
use caseload::domain::reengage::Tried;
use caseload::domain::triage::Detail;
use caseload::store::{Actor, Change, Store, StoreError, migrate};
use chrono::NaiveDateTime;
use rusqlite::Connection;

use crate::common::{at, date, team_store};

/// Cora, at `now`.
fn cora(now: &str) -> Actor {
    Actor {
        login: "cora".to_owned(),
        now: at(now),
    }
}

/// Books an RA-IA for client C-1 at `appointment`, then records at `now` that C-1
/// failed to attend it, raising a breach marked `rag` dated `breach_at` (None: the
/// appointment). Returns the breach's (`raised_at`, deadline) or the refusal.
fn missed(
    store: &mut Store,
    c1: i64,
    appointment: &str,
    now: &str,
    rag: Rag,
    breach_at: Option<NaiveDateTime>,
) -> Result<(NaiveDateTime, NaiveDateTime), StoreError> {
    let booked = store
        .apply(
            &cora("2026-10-01 09:00"),
            &Change::BookAssessment {
                client_id: c1,
                kind: AssessmentKind::Initial,
                at: at(appointment),
            },
        )
        .unwrap();
    let row = store
        .version_of("required_assessment", booked.rows[0].row_id)
        .unwrap();
    let receipt = store.apply(
        &cora(now),
        &Change::AssessmentOutcome {
            assessment: row,
            outcome: AssessmentOutcome::FailedToAttend,
            breach: Some(rag),
            breach_at,
        },
    )?;
    let conn = Connection::open(store.path()).unwrap();
    let (raised, due): (String, String) = conn
        .query_row(
            "SELECT raised_at, deadline FROM breach WHERE id = ?1",
            [receipt.rows[1].row_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    Ok((at(&raised), at(&due)))
}

#[test]
fn a_breach_recorded_two_days_late_is_already_overdue() {
    let (_dir, mut store, team) = team_store();
    // Red: arrested within 24 hours of the breach. Missed at 21/11 09:00, recorded
    // 23/11 09:30: the deadline was 22/11 09:00, a day and a half ago.
    let (raised, due) = missed(
        &mut store,
        team.c1,
        "2026-11-21 09:00",
        "2026-11-23 09:30",
        Rag::Red,
        None,
    )
    .unwrap();
    assert_eq!(raised, at("2026-11-21 09:00"), "dated at the appointment");
    assert_eq!(due, at("2026-11-22 09:00"));
    assert!(is_overdue(due, at("2026-11-23 09:30")));
    let open = store.breaches(true).unwrap();
    assert_eq!(open.len(), 1);
    let reason = Detail::Breach {
        rag: Rag::Red,
        deadline: open[0].deadline,
        cooling_off_until: None,
        tried: Tried::default(),
    }
    .reason(at("2026-11-23 09:30"));
    assert_eq!(reason, "Red breach: arrest OVERDUE by 1d 0h");
}

#[test]
fn amber_and_green_windows_end_on_the_minute_counted_from_the_breach() {
    let (_dir, mut store, team) = team_store();
    let now = "2026-11-23 09:30";
    // Amber: 7 days. Missed 16/11 09:30 -> due 23/11 09:30 = now: still in time.
    let (_, due) = missed(
        &mut store,
        team.c1,
        "2026-11-16 09:30",
        now,
        Rag::Amber,
        None,
    )
    .unwrap();
    assert_eq!(due, at("2026-11-23 09:30"));
    assert!(!is_overdue(due, at(now)));
    // Missed one minute earlier -> due 23/11 09:29: overdue by a minute.
    let (_, due) = missed(
        &mut store,
        team.c1,
        "2026-11-16 09:29",
        now,
        Rag::Amber,
        None,
    )
    .unwrap();
    assert!(is_overdue(due, at(now)));
    // Green: one calendar month. Missed 31/10 10:00 -> due 30/11 10:00 (no 31/11).
    let (_, due) = missed(
        &mut store,
        team.c1,
        "2026-10-31 10:00",
        now,
        Rag::Green,
        None,
    )
    .unwrap();
    assert_eq!(due, at("2026-11-30 10:00"));
    assert_eq!(due, deadline(at("2026-10-31 10:00"), Rag::Green));
}

#[test]
fn a_breach_can_be_dated_explicitly_but_not_before_the_appointment_nor_in_the_future() {
    let (_dir, mut store, team) = team_store();
    let now = "2026-11-23 09:30";
    // Dated at 17:00 the same day (the client was waited for): amber -> 27/11 17:00.
    let (raised, due) = missed(
        &mut store,
        team.c1,
        "2026-11-20 10:00",
        now,
        Rag::Amber,
        Some(at("2026-11-20 17:00")),
    )
    .unwrap();
    assert_eq!(
        (raised, due),
        (at("2026-11-20 17:00"), at("2026-11-27 17:00"))
    );
    for (breach_at, word) in [
        ("2026-11-20 09:59", "before"),
        ("2026-11-23 09:31", "future"),
    ] {
        let refused = missed(
            &mut store,
            team.c1,
            "2026-11-20 10:00",
            now,
            Rag::Amber,
            Some(at(breach_at)),
        );
        let Err(StoreError::Invalid(why)) = refused else {
            panic!("{breach_at} accepted: {refused:?}");
        };
        assert!(why.contains(word), "{why}");
    }
    // An appointment that has not happened yet cannot have been missed.
    let refused = missed(&mut store, team.c1, "2026-11-24 10:00", now, Rag::Red, None);
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
}

#[test]
fn amber_is_dealt_with_when_put_out_for_arrest_but_red_only_when_arrested() {
    let (_dir, mut store, team) = team_store();
    let now = "2026-11-23 09:30";
    for (appointment, rag) in [
        ("2026-11-22 09:00", Rag::Red),
        ("2026-11-22 10:00", Rag::Amber),
    ] {
        missed(&mut store, team.c1, appointment, now, rag, None).unwrap();
    }
    let conn = Connection::open(store.path()).unwrap();
    let id_of = |rag: &str| -> i64 {
        conn.query_row("SELECT id FROM breach WHERE rag = ?1", [rag], |r| r.get(0))
            .unwrap()
    };
    let put_out = |store: &mut Store, id: i64| {
        let breach = store.version_of("breach", id).unwrap();
        store.apply(
            &cora(now),
            &Change::Breach {
                breach,
                status: BreachStatus::PutOutForArrest,
                date: Some(date("2026-11-23")),
            },
        )
    };
    let refused = put_out(&mut store, id_of("red"));
    let Err(StoreError::Invalid(why)) = refused else {
        panic!("red put out for arrest accepted: {refused:?}");
    };
    assert!(why.contains("arrested within 24 hours"), "{why}");
    put_out(&mut store, id_of("amber")).unwrap();
    let open: Vec<Rag> = store
        .breaches(true)
        .unwrap()
        .iter()
        .map(|b| b.rag)
        .collect();
    assert_eq!(open, [Rag::Red], "the amber one is dealt with");
    let dealt = store.breaches(false).unwrap();
    assert_eq!(dealt[0].status, BreachStatus::PutOutForArrest);
    let reason = Detail::Breach {
        rag: Rag::Amber,
        deadline: at("2026-11-29 09:00"),
        cooling_off_until: None,
        tried: Tried::default(),
    }
    .reason(at(now));
    assert!(
        reason.starts_with("Amber: put out for arrest by"),
        "{reason}"
    );
}

#[test]
fn an_older_database_keeps_its_breaches_and_learns_put_out_for_arrest() {
    let (_dir, mut store, team) = team_store();
    missed(
        &mut store,
        team.c1,
        "2026-11-22 09:00",
        "2026-11-23 09:30",
        Rag::Green,
        None,
    )
    .unwrap();
    let path = store.path().to_path_buf();
    drop(store);
    // Back to the schema before step 3: the breach table without 'put_out_for_arrest',
    // and (step 5) no tally positives, no engagement dates; C-1's episode engaged.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "ALTER TABLE custody_tally DROP COLUMN positive; ALTER TABLE episode DROP COLUMN engaged_on;
         UPDATE episode SET engaged = 1 WHERE client_id = (SELECT id FROM client WHERE reference = 'C-1');
         DROP INDEX breach_outstanding; DROP INDEX breach_client; DROP INDEX breach_natural_key;
         ALTER TABLE breach RENAME TO breach_now;
         CREATE TABLE breach (
             id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL REFERENCES client (id),
             required_assessment_id INTEGER REFERENCES required_assessment (id),
             raised_at TEXT NOT NULL, rag TEXT NOT NULL, deadline TEXT NOT NULL,
             status TEXT NOT NULL DEFAULT 'outstanding'
                 CHECK (status IN ('outstanding', 'arrested', 'withdrawn', 'resolved')),
             resolution_date TEXT, version INTEGER NOT NULL DEFAULT 1) STRICT;
         INSERT INTO breach SELECT * FROM breach_now; DROP TABLE breach_now;
         CREATE INDEX breach_outstanding ON breach (deadline) WHERE status = 'outstanding';
         CREATE INDEX breach_client ON breach (client_id);
         CREATE UNIQUE INDEX breach_natural_key ON breach (client_id, raised_at);
         DROP TABLE access_log;",
    )
    .unwrap();
    // Version 2: after step 2, before step 3 (and steps 4, the access log, and 5).
    conn.pragma_update(None, "user_version", 2).unwrap();
    drop(conn);
    let mut store = Store::open(&path, caseload::store::Access::ReadWrite).unwrap();
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, migrate::current_version());
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'breach'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        migrate::SCHEMA.contains(&sql),
        "the rebuilt table is schema.sql's"
    );
    // Step 5: engagement already recorded is dated at the care plan (10/09/2026).
    let engaged_on: Option<String> = conn
        .query_row(
            "SELECT engaged_on FROM episode WHERE client_id = ?1",
            [team.c1],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(engaged_on.as_deref(), Some("2026-09-10"));
    // Step 6 rebuilt the appointments under the breach: it still points at its own.
    let (kind, dangling): (String, i64) = conn
        .query_row(
            "SELECT a.kind, (SELECT count(*) FROM pragma_foreign_key_check('breach'))
               FROM breach b JOIN required_assessment a ON a.id = b.required_assessment_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((kind.as_str(), dangling), ("ra_ia", 0));
    let id: i64 = conn
        .query_row("SELECT id FROM breach", [], |r| r.get(0))
        .unwrap();
    let breach = store.version_of("breach", id).unwrap();
    store
        .apply(
            &cora("2026-11-23 10:00"),
            &Change::Breach {
                breach,
                status: BreachStatus::PutOutForArrest,
                date: Some(date("2026-11-23")),
            },
        )
        .unwrap();
}

#[test]
fn a_missed_restriction_on_bail_appointment_is_breached_the_same_way() {
    // 002, Recommendation 6: a consistent approach "to breaching individuals who fail to
    // attend both Required Assessments and Restrictions on Bail appointments". Missed at
    // 21/11 09:00, red: deadline 22/11 09:00, overdue at 23/11 09:30.
    let (_dir, mut store, team) = team_store();
    let booked = store
        .apply(
            &cora("2026-10-01 09:00"),
            &Change::BookAssessment {
                client_id: team.c1,
                kind: AssessmentKind::RestrictionOnBail,
                at: at("2026-11-21 09:00"),
            },
        )
        .unwrap();
    let row = store
        .version_of("required_assessment", booked.rows[0].row_id)
        .unwrap();
    store
        .apply(
            &cora("2026-11-23 09:30"),
            &Change::AssessmentOutcome {
                assessment: row,
                outcome: AssessmentOutcome::FailedToAttend,
                breach: Some(Rag::Red),
                breach_at: None,
            },
        )
        .unwrap();
    let open = store.breaches(true).unwrap();
    assert_eq!(open[0].deadline, at("2026-11-22 09:00"));
    assert!(is_overdue(open[0].deadline, at("2026-11-23 09:30")));
}
