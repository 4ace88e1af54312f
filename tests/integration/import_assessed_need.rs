//! An `episodes` row records the assessment on an episode stored already, as the
//! assessment form does: whether it found a need (KPI 4), and its date where none is
//! stored. The dry run and the apply say what changes; the version rises and an audit
//! row keeps the values before; a stored DIR date is never moved, and a row that
//! contradicts the episode is refused naming each value.

use caseload::domain::kpi::{self, Rules};
use caseload::domain::model::Role;
use caseload::domain::period::Period;
use caseload::store::{Access, Change, EpisodeEdit, Store};

use crate::common::{at, date};
use crate::import_facts::{database, import, rows};

const HEADER: &str = "client_reference,referral_date,referral_source,assessment_date,assessed_need";

fn file(row: &str) -> String {
    format!("{HEADER}\n{row}\n")
}

const STORED: &str = "SELECT coalesce(assessment_date, '-') || ' need ' || assessed_need
                             || ' version ' || version FROM episode";

/// KPI 4 over all areas for 2026-27 Q2 (July to September 2026), as "n/d".
fn kpi4(db: &std::path::Path) -> String {
    let store = Store::open(db, Access::ReadOnly).unwrap();
    let period = Period::parse("2026-27:Q2").unwrap();
    let f = kpi::compute(
        &store.report_inputs(&period).unwrap(),
        &period,
        Rules::default(),
    );
    let ratio = f.kpis.last().unwrap().figures[3].ratio.unwrap();
    format!("{}/{}", ratio.numerator, ratio.denominator)
}

#[test]
fn the_assessment_is_recorded_on_a_stored_episode_as_the_form_records_it() {
    // C-1's episode: referred 01/09/2026 by the police, not assessed yet.
    let (_dir, db) = database(Role::TeamLeader);
    assert_eq!(rows(&db, STORED), ["- need 1 version 1"]);
    let dir_no_need = file("C-1,01/09/2026,police,05/09/2026,no");
    let (ok, text) = import(&db, "episodes", &dir_no_need, false);
    assert!(
        ok && text.starts_with(
            "0 would be created, 0 unchanged, 1 would be updated, 0 problem(s)\nline 2: client C-1's \
             episode of 01/09/2026 would be updated: assessment_date, assessed_need\n"
        ),
        "{text}"
    );
    assert_eq!(
        rows(&db, STORED),
        ["- need 1 version 1"],
        "the dry run wrote nothing"
    );

    let (ok, text) = import(&db, "episodes", &dir_no_need, true);
    assert!(
        ok && text.starts_with("0 created, 0 unchanged, 1 updated, 0 problem(s)"),
        "{text}"
    );
    // The version rises, so a form opened before the import meets a newer record.
    assert_eq!(rows(&db, STORED), ["2026-09-05 need 0 version 2"]);
    let audit = "SELECT action || ' ' || before FROM audit WHERE entity = 'episode'
                  AND before IS NOT NULL";
    assert_eq!(
        rows(&db, audit),
        ["import {\"assessed_need\":true,\"assessment_date\":null}"]
    );
    // A DIR that found no need is no KPI 4 case: 0 of 0.
    assert_eq!(kpi4(&db), "0/0");

    // The same file again: unchanged. The need corrected: only it changes.
    let (ok, text) = import(&db, "episodes", &dir_no_need, true);
    assert!(ok && text.starts_with("0 created, 1 unchanged"), "{text}");
    let (ok, text) = import(
        &db,
        "episodes",
        &file("C-1,01/09/2026,police,05/09/2026,yes"),
        true,
    );
    assert!(
        ok && text.contains("line 2: client C-1's episode of 01/09/2026 updated: assessed_need\n"),
        "{text}"
    );
    assert_eq!(rows(&db, STORED), ["2026-09-05 need 1 version 3"]);
    // Needing a further intervention, no care plan by the end of September: 0 of 1.
    assert_eq!(kpi4(&db), "0/1");

    // The same values through the assessment form, on a database of its own.
    let (_dir2, by_form) = database(Role::TeamLeader);
    let mut store = Store::open(&by_form, Access::ReadWrite).unwrap();
    let mut me = crate::common::actor();
    me.login = caseload::identity::os_login();
    me.now = at("2026-11-23 09:30");
    let episode_id: i64 = rows(&by_form, "SELECT id || '' FROM episode")[0]
        .parse()
        .unwrap();
    let read = store.version_of("episode", episode_id).unwrap();
    store
        .apply(
            &me,
            &Change::Episode(
                read,
                EpisodeEdit::Assessment {
                    on: Some(date("2026-09-05")),
                    assessed_need: false,
                    dan_advised: false,
                },
            ),
        )
        .unwrap();
    drop(store);
    assert_eq!(rows(&by_form, STORED), ["2026-09-05 need 0 version 2"]);
}

#[test]
fn a_stored_dir_date_is_never_moved_and_a_contradiction_is_named() {
    let (_dir, db) = database(Role::TeamLeader);
    let (ok, text) = import(
        &db,
        "episodes",
        &file("C-1,01/09/2026,police,05/09/2026,yes"),
        true,
    );
    assert!(ok, "{text}");
    // Another DIR date, with another need: refused, naming both, and nothing written.
    let (ok, text) = import(
        &db,
        "episodes",
        &file("C-1,01/09/2026,police,06/09/2026,no"),
        true,
    );
    assert!(!ok, "{text}");
    assert!(
        text.contains(
            "line 2, column assessment_date: this episode is recorded already, and the row \
             says otherwise: assessment_date 06/09/2026 (stored: 05/09/2026), assessed_need \
             no (stored: yes); an import changes an episode only to record its assessment"
        ),
        "{text}"
    );
    assert_eq!(rows(&db, STORED), ["2026-09-05 need 1 version 2"]);
    // The need alone, with the same date: recorded.
    let (ok, text) = import(
        &db,
        "episodes",
        &file("C-1,01/09/2026,police,05/09/2026,no"),
        true,
    );
    assert!(ok && text.contains("updated: assessed_need\n"), "{text}");
    assert_eq!(rows(&db, STORED), ["2026-09-05 need 0 version 3"]);
}
