//! Import of the rest of the return's facts (issue 14), through the real binary: brief
//! interventions with where they signposted people, Required Assessment and
//! Restriction on Bail appointments with their outcomes (a failed attendance raising
//! its breach as the outcome form does), and episodes with their assessed need and
//! engagement date; and the corrections an import reports instead of storing twice.

use caseload::domain::kpi::{self, Rules};
use caseload::domain::model::{AssessmentKind, AssessmentOutcome, Rag, Role};
use caseload::domain::period::Period;
use caseload::store::{Access, Change, Store};

use crate::common::{actor, at};
use crate::import_facts::{database, export, import, rows};

pub(super) const BRIEF: &str = "area,recorded_on,worker,signposted_to,count
Newport,02/11/2026,Me,,3
newport,2026-11-02,me,housing,1
";

#[test]
fn brief_interventions_are_created_once_with_the_signposted_counted_among_them() {
    let (_dir, db) = database(Role::CareCoordinator);
    let stored =
        "SELECT recorded_on || ' ' || coalesce(signposted_to, '-') FROM outreach ORDER BY id";
    let (ok, text) = import(&db, "brief-interventions", BRIEF, false);
    assert!(
        ok && text.starts_with("2 would be created, 0 unchanged"),
        "{text}"
    );
    assert!(rows(&db, stored).is_empty(), "the dry run wrote nothing");

    let (ok, text) = import(&db, "brief-interventions", BRIEF, true);
    assert!(ok && text.starts_with("2 created, 0 unchanged"), "{text}");
    assert_eq!(
        rows(&db, stored),
        [
            "2026-11-02 -",
            "2026-11-02 -",
            "2026-11-02 -",
            "2026-11-02 housing"
        ]
    );
    let audit = "SELECT action FROM audit WHERE entity = 'outreach'";
    assert_eq!(rows(&db, audit), ["import"; 4], "each intervention audited");
    // 3 not signposted + 1 signposted to housing = 4 brief interventions, of which 1
    // signposted (000: the signposted are among the brief interventions).
    let store = Store::open(&db, Access::ReadOnly).unwrap();
    let period = Period::quarter(2026, 3).unwrap();
    let figures = kpi::compute(
        &store.report_inputs(&period).unwrap(),
        &period,
        Rules::default(),
    );
    assert_eq!(figures.brief_interventions, 4);
    assert_eq!(figures.signposted.iter().map(|(_, n)| n).sum::<u64>(), 1);
    drop(store);

    let (ok, text) = import(&db, "brief-interventions", BRIEF, true);
    assert!(ok && text.starts_with("0 created, 2 unchanged"), "{text}");
    assert_eq!(rows(&db, stored).len(), 4, "nothing stored twice");
    assert_eq!(rows(&db, audit).len(), 4, "nothing new to audit");
}

#[test]
fn hostile_brief_intervention_files_are_refused_by_line_and_column() {
    let (_dir, db) = database(Role::CareCoordinator);
    let (ok, text) = import(
        &db,
        "brief-interventions",
        "area,recorded_on\nNewport,02/11/2026\n",
        true,
    );
    assert!(!ok, "{text}");
    for expected in [
        "line 1, column worker: required column is missing",
        "line 1, column count: required column is missing",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    let (ok, text) = import(&db, "brief-interventions", BRIEF, true);
    assert!(ok, "{text}");
    let file = "area,recorded_on,worker,signposted_to,count
Newport,02/11/2026,Me,,5
Newport,31/02/2026,Me,,1
Atlantis,03/11/2026,Me,,1
Newport,03/11/2026,Nobody,,1
Newport,03/11/2026,Me,the moon,1
Newport,03/11/2026,Me,,0
Newport,03/11/2026,Me,,500
Newport,24/11/2026,Me,,1
Newport,04/11/2026,Me,alcohol,1
Newport,04/11/2026,Me,alcohol,2
Cardiff,04/11/2026,Me,,1
";
    let (ok, text) = import(&db, "brief-interventions", file, false);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column count: 3 such brief interventions are recorded already in Newport for this worker, day and outcome, and the file says 5",
        "line 3, column recorded_on:",
        "line 4, column area: no area 'Atlantis'; areas: Cardiff, Newport",
        "line 5, column worker: no worker with the login or name 'Nobody'",
        "line 6, column signposted_to: 'the moon' is not one of: drugs, alcohol, housing, young_people",
        "line 7, column count: 0 is not a number of brief interventions",
        "line 8, column count: 500 is not a number",
        "line 9, column recorded_on: 24/11/2026 is after today",
        "line 11, column recorded_on: repeats line 10 of this file",
        "line 12, column area: not imported:",
        "Nothing was written",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(
        rows(&db, "SELECT id || '' FROM outreach").len(),
        4,
        "as it was"
    );
}

pub(super) const APPOINTMENTS: &str =
    "client_reference,appointment_at,kind,outcome,breach_rag,breached_at
C-1,10/11/2026 10:00,ra_ia,attended,,
C-1,17/11/2026 10:00,RA-FU,failed to attend,amber,
C-1,2026-11-19 14:30,restriction_on_bail,failed_to_attend,red,21/11/2026 09:00
C-1,21/11/2026 10:00,ra_fu,,,
C-1,30/11/2026 10:00,ra_fu,,,
";

#[test]
fn appointments_are_created_once_and_a_failed_attendance_raises_its_breach_from_the_appointment() {
    let (_dir, db) = database(Role::CareCoordinator);
    let appointments = "SELECT appointment_at || ' ' || kind || ' ' || coalesce(outcome, '-')
                          FROM required_assessment ORDER BY appointment_at";
    let breaches = "SELECT r.appointment_at || ' -> ' || b.raised_at || ' ' || b.rag || ' due '
                           || b.deadline || ' ' || b.status
                      FROM breach b JOIN required_assessment r ON r.id = b.required_assessment_id
                     ORDER BY b.raised_at";
    let (ok, text) = import(&db, "assessments", APPOINTMENTS, false);
    assert!(
        ok && text.starts_with("5 would be created, 0 unchanged"),
        "{text}"
    );
    assert!(rows(&db, appointments).is_empty() && rows(&db, breaches).is_empty());

    let (ok, text) = import(&db, "assessments", APPOINTMENTS, true);
    assert!(ok && text.starts_with("5 created, 0 unchanged"), "{text}");
    assert_eq!(
        rows(&db, appointments),
        [
            "2026-11-10 10:00 ra_ia attended",
            "2026-11-17 10:00 ra_fu failed_to_attend",
            "2026-11-19 14:30 restriction_on_bail failed_to_attend",
            "2026-11-21 10:00 ra_fu -",
            "2026-11-30 10:00 ra_fu -",
        ]
    );
    // The breach runs from the missed appointment (amber: put out for arrest within 7
    // days), or from the time given; red: arrested within 24 hours.
    assert_eq!(
        rows(&db, breaches),
        [
            "2026-11-17 10:00 -> 2026-11-17 10:00 amber due 2026-11-24 10:00 outstanding",
            "2026-11-19 14:30 -> 2026-11-21 09:00 red due 2026-11-22 09:00 outstanding",
        ]
    );
    // Imported on 23/11, the red breach's deadline (22/11 09:00) has passed already.
    let overdue: Vec<String> = export(&db, "breaches")
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(overdue, ["yes", ""], "the red one first, overdue");

    let (ok, text) = import(&db, "assessments", APPOINTMENTS, true);
    assert!(ok && text.starts_with("0 created, 5 unchanged"), "{text}");
    assert_eq!(rows(&db, breaches).len(), 2, "no breach raised twice");

    // The booked appointment's outcome arrives: recorded, and its breach raised.
    let outcome = "client_reference,appointment_at,kind,outcome,breach_rag,breached_at
C-1,21/11/2026 10:00,ra_fu,failed_to_attend,green,
";
    let (ok, text) = import(&db, "assessments", outcome, true);
    assert!(
        ok && text.starts_with("0 created, 0 unchanged, 1 updated"),
        "{text}"
    );
    assert_eq!(
        rows(&db, breaches)[2],
        "2026-11-21 10:00 -> 2026-11-21 10:00 green due 2026-12-21 10:00 outstanding"
    );
    let audit = "SELECT entity || ' ' || action FROM audit
                  WHERE entity IN ('required_assessment', 'breach') ORDER BY id";
    assert_eq!(
        rows(&db, audit).len(),
        5 + 2 + 2,
        "every row and breach audited"
    );

    // A corrected outcome is reported, never stored beside the first.
    let corrected = "client_reference,appointment_at,kind,outcome,breach_rag,breached_at
C-1,10/11/2026 10:00,ra_ia,failed_to_attend,red,
";
    let (ok, text) = import(&db, "assessments", corrected, true);
    assert!(!ok, "{text}");
    assert!(
        text.contains("line 2, column outcome: this appointment is recorded already as attended, and an import never changes an outcome"),
        "{text}"
    );
    assert_eq!(rows(&db, appointments).len(), 5);
    assert_eq!(rows(&db, breaches).len(), 3);
}

#[test]
fn an_imported_missed_appointment_raises_the_breach_the_outcome_form_raises() {
    // The same missed RA-FU, once through the import and once through the outcome
    // form's change: the same breach, to the minute.
    let (_dir, imported) = database(Role::CareCoordinator);
    let file = "client_reference,appointment_at,kind,outcome,breach_rag,breached_at
C-1,17/11/2026 10:00,ra_fu,failed_to_attend,amber,
";
    let (ok, text) = import(&imported, "assessments", file, true);
    assert!(ok, "{text}");
    let (_dir2, by_form) = database(Role::CareCoordinator);
    let mut store = Store::open(&by_form, Access::ReadWrite).unwrap();
    let mut me = actor();
    me.login = caseload::identity::os_login();
    me.now = at("2026-11-23 09:30");
    let c1: i64 = rows(
        &by_form,
        "SELECT id || '' FROM client WHERE reference = 'C-1'",
    )
    .first()
    .and_then(|id| id.parse().ok())
    .unwrap();
    let booked = store
        .apply(
            &me,
            &Change::BookAssessment {
                client_id: c1,
                kind: AssessmentKind::FollowUp,
                at: at("2026-11-17 10:00"),
            },
        )
        .unwrap();
    let row = store
        .version_of("required_assessment", booked.rows[0].row_id)
        .unwrap();
    store
        .apply(
            &me,
            &Change::AssessmentOutcome {
                assessment: row,
                outcome: AssessmentOutcome::FailedToAttend,
                breach: Some(Rag::Amber),
                breach_at: None,
            },
        )
        .unwrap();
    drop(store);
    let breach = "SELECT raised_at || ' ' || rag || ' ' || deadline || ' ' || status
                         || ' ' || (required_assessment_id IS NOT NULL) FROM breach";
    assert_eq!(rows(&imported, breach), rows(&by_form, breach));
    assert_eq!(
        rows(&imported, breach),
        ["2026-11-17 10:00 amber 2026-11-24 10:00 outstanding 1"]
    );
}

#[test]
fn hostile_appointment_files_are_refused_by_line_and_column() {
    let (_dir, db) = database(Role::CareCoordinator);
    let (ok, text) = import(
        &db,
        "assessments",
        "client_reference,appointment_at\nC-1,10/11/2026 10:00\n",
        true,
    );
    assert!(
        !ok && text.contains("line 1, column kind: required column is missing"),
        "{text}"
    );
    let file = "client_reference,appointment_at,kind,outcome,breach_rag,breached_at
C-9,10/11/2026 10:00,ra_ia,attended,,
C-1,32/11/2026 10:00,ra_ia,attended,,
C-1,10/11/2026 25:00,ra_ia,attended,,
C-1,10/11/2026 10:00,ra_xx,attended,,
C-1,11/11/2026 10:00,ra_ia,failed_to_attend,,
C-1,12/11/2026 10:00,ra_ia,attended,red,
C-1,13/11/2026 10:00,ra_ia,failed_to_attend,red,13/11/2026 09:00
C-1,30/11/2026 10:00,ra_ia,attended,,
C-1,14/11/2026 10:00,ra_ia,attended,,
C-1,14/11/2026 10:00,ra_ia,,,
C-1,15/11/2026 10:00,ra_ia,failed_to_attend,purple,
";
    let (ok, text) = import(&db, "assessments", file, false);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column client_reference: no client 'C-9': import the clients first",
        "line 3, column appointment_at:",
        "line 4, column appointment_at: '10/11/2026 25:00' has a time that is not HH:MM (24-hour)",
        "line 5, column kind: 'ra_xx' is not one of: ra_ia, ra_fu, restriction_on_bail",
        "line 6, column breach_rag: failing to attend is a breach",
        "line 7, column breach_rag: a breach is raised only when the client failed to attend",
        "line 8, column breached_at: a breach is the missed appointment, so it cannot be dated before it",
        "line 9, column outcome: the appointment (30/11/2026 10:00) is after today",
        "line 11, column appointment_at: repeats line 10 of this file",
        "line 12, column breach_rag: 'purple' is not one of: red, amber, green",
        "Nothing was written",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert!(rows(&db, "SELECT id || '' FROM required_assessment").is_empty());
    assert!(rows(&db, "SELECT id || '' FROM breach").is_empty());

    let (_dir, support) = database(Role::Support);
    let (ok, text) = import(&support, "assessments", APPOINTMENTS, false);
    assert!(
        ok,
        "support workers record appointments in their area: {text}"
    );
}

const EPISODES: &str = "client_reference,referral_date,referral_source,assessment_date,assessed_need,care_plan_date,engaged,engaged_on,closure_date,exit_reason
C-1,01/03/2026,police,02/03/2026,no,,,,01/04/2026,other
C-1,01/05/2026,court,02/05/2026,yes,10/05/2026,,20/05/2026,01/08/2026,disengaged
C-1,02/08/2026,self,,,05/08/2026,yes,,10/08/2026,other
C-1,01/09/2026,police,,,,,,,
";

#[test]
fn episodes_carry_their_assessed_need_and_engagement_date() {
    let (_dir, db) = database(Role::TeamLeader);
    let episodes = "SELECT referral_date || ' need ' || assessed_need || ' engaged ' || engaged
                           || ' on ' || coalesce(engaged_on, '-') FROM episode ORDER BY referral_date";
    let (ok, text) = import(&db, "episodes", EPISODES, true);
    assert!(ok && text.starts_with("3 created, 1 unchanged"), "{text}");
    assert_eq!(
        rows(&db, episodes),
        [
            "2026-03-01 need 0 engaged 0 on -",
            // engaged_on given: engaged, from that day.
            "2026-05-01 need 1 engaged 1 on 2026-05-20",
            // engaged with no day: dated at the care plan, as schema step 5 dated them.
            "2026-08-02 need 1 engaged 1 on 2026-08-05",
            "2026-09-01 need 1 engaged 0 on -",
        ]
    );
    let (ok, text) = import(&db, "episodes", EPISODES, true);
    assert!(ok && text.starts_with("0 created, 4 unchanged"), "{text}");

    let file = "client_reference,referral_date,referral_source,assessment_date,assessed_need,care_plan_date,engaged,engaged_on,closure_date,exit_reason
C-1,01/10/2025,police,,no,,,,01/11/2025,other
C-1,01/11/2025,police,,,,no,05/11/2025,01/12/2025,other
C-1,01/12/2025,police,,,,,30/11/2025,02/12/2025,other
C-1,02/12/2025,police,,,,,24/11/2026,03/12/2025,other
C-1,03/12/2025,police,,maybe,,,,04/12/2025,other
";
    let (ok, text) = import(&db, "episodes", file, false);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column assessed_need: assessed_need says what the assessment found: give its assessment_date",
        "line 3, column engaged_on: engaged_on is the day engagement was evidenced (DIR section 9): leave it blank where engaged is no",
        "line 4, column engaged_on: 30/11/2025 is before the referral date (01/12/2025)",
        "line 5, column engaged_on: 24/11/2026 is after today",
        "line 6, column assessed_need: 'maybe' is not yes or no",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
}

#[test]
fn an_episode_the_row_contradicts_is_reported_not_counted_unchanged() {
    let (_dir, db) = database(Role::TeamLeader);
    // The stored episode: referred 01/09/2026 by the police, nothing else recorded.
    let file = "client_reference,referral_date,referral_source,care_plan_date,tier
C-1,01/09/2026,court,05/09/2026,
";
    let (ok, text) = import(&db, "episodes", file, true);
    assert!(!ok, "{text}");
    assert!(
        text.contains(
            "line 2, column referral_source: this episode is recorded already, and the row says \
             otherwise: referral_source court (stored: police), care_plan_date 05/09/2026 \
             (stored: blank); an import changes an episode only to record its assessment"
        ),
        "{text}"
    );
    assert!(
        !text.contains("unchanged\n") || text.starts_with("0 created, 0 unchanged"),
        "{text}"
    );
    let stored = "SELECT referral_source || ' ' || coalesce(care_plan_date, '-') FROM episode";
    assert_eq!(rows(&db, stored), ["police -"], "nothing was changed");
    // Blank cells say nothing: the same episode with only its key is unchanged.
    let (ok, text) = import(
        &db,
        "episodes",
        "client_reference,referral_date,referral_source,care_plan_date,tier\nC-1,01/09/2026,police,,\n",
        true,
    );
    assert!(ok && text.starts_with("0 created, 1 unchanged"), "{text}");
}

#[test]
fn a_corrected_drug_test_result_is_reported_never_stored_as_a_second_test() {
    let (_dir, db) = database(Role::TeamLeader);
    let (ok, text) = import(&db, "drug-tests", crate::import_facts::TESTS, true);
    assert!(ok, "{text}");
    let corrected = "client_reference,tested_on,kind,result
C-1,01/11/2026,treatment,positive: opiates
C-1,04/11/2026,treatment,negative
C-1,04/11/2026,treatment,positive_cocaine
";
    let (ok, text) = import(&db, "drug-tests", corrected, true);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column result: a treatment test on 01/11/2026 is recorded already as negative; a corrected result is never stored as a second test",
        "line 4, column tested_on: repeats line 3 of this file",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(
        rows(&db, "SELECT id || '' FROM drug_test").len(),
        3,
        "no second test"
    );
}

#[test]
fn import_help_and_the_readme_list_every_kind_with_its_columns() {
    use clap::ValueEnum as _;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["import", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    let readme = include_str!("../../README.md");
    for kind in caseload::transfer::parse::Kind::value_variants() {
        let name = kind.to_possible_value().unwrap().get_name().to_owned();
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("{name} is not in import --help:\n{help}"));
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("{name} has no row in the README's import table"));
        for (column, required) in kind.columns() {
            let marked = format!("{column}{}", if *required { "*" } else { "" });
            assert!(line.contains(&marked), "{name}: {marked} in --help: {line}");
            assert!(
                row.contains(&marked),
                "{name}: {marked} in the README: {row}"
            );
        }
    }
}

#[test]
fn an_episodes_engagement_is_imported_with_its_day_once() {
    let (_dir, db) = database(Role::CareCoordinator);
    let engagement = "SELECT engaged || ' ' || coalesce(engaged_on, '-') FROM episode";
    let file = "client_reference,referral_date,engaged_on\nC-1,01/09/2026,15/10/2026\n";
    let (ok, text) = import(&db, "engagement", file, false);
    assert!(
        ok && text.starts_with("0 would be created, 0 unchanged, 1 would be updated"),
        "{text}"
    );
    assert_eq!(rows(&db, engagement), ["0 -"], "the dry run wrote nothing");
    let (ok, text) = import(&db, "engagement", file, true);
    assert!(
        ok && text.starts_with("0 created, 0 unchanged, 1 updated"),
        "{text}"
    );
    assert_eq!(rows(&db, engagement), ["1 2026-10-15"]);
    let audit =
        "SELECT action || ' ' || before || ' ' || after FROM audit WHERE entity = 'episode'";
    assert_eq!(
        rows(&db, audit),
        [
            r#"import {"engaged":false,"engaged_on":null} {"engaged":true,"engaged_on":"2026-10-15"}"#
        ]
    );
    let (ok, text) = import(&db, "engagement", file, true);
    assert!(ok && text.starts_with("0 created, 1 unchanged"), "{text}");
    let exported = export(&db, "engagement");
    assert_eq!(
        exported,
        "client_reference,referral_date,engaged_on\nC-1,2026-09-01,2026-10-15\n"
    );
    let (ok, text) = import(&db, "engagement", &exported, true);
    assert!(ok && text.starts_with("0 created, 1 unchanged"), "{text}");

    let hostile = "client_reference,referral_date,engaged_on
C-1,01/09/2026,16/10/2026
C-9,01/09/2026,16/10/2026
C-1,02/09/2026,16/10/2026
C-1,01/09/2026,31/08/2026
C-1,01/09/2026,24/11/2026
C-1,01/09/2026,not a date
";
    let (ok, text) = import(&db, "engagement", hostile, true);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column engaged_on: this episode is recorded as engaged from 15/10/2026, and an import never changes the day",
        "line 3, column client_reference: no client 'C-9'",
        "line 4, column referral_date: the client has no episode referred on 02/09/2026",
        "line 5, column engaged_on: 31/08/2026 is before the referral date (01/09/2026)",
        "line 6, column engaged_on: 24/11/2026 is after today",
        "line 7, column engaged_on: 'not a date' is not a date",
        "Nothing was written",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(rows(&db, engagement), ["1 2026-10-15"]);
    let (ok, text) = import(
        &db,
        "engagement",
        "client_reference,engaged_on\nC-1,15/10/2026\n",
        true,
    );
    assert!(
        !ok && text.contains("line 1, column referral_date: required column is missing"),
        "{text}"
    );
}
