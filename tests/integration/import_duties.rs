//! Import of the daily duties' dates and items (issue 15), through the real binary:
//! the custody hand-over (prison or not known, CARATS contacted who and when,
//! prescribing and consent confirmed, remand or sentence, DAN 24/7 before release),
//! re-engagement attempts after a breach, court reviews, and the client's GP,
//! prescribing service and domestic-abuse-perpetrator flag, DAN 24/7 at assessment.
//! Each kind: the dry run writes nothing, accepted rows are created once and audited,
//! a row that completes a stored record updates it (its version moves on, so an open
//! form is told), refused rows are named by line and column with nothing written.

use caseload::domain::model::Role;

use crate::import_facts::{database, export, import, rows};

const CUSTODY: &str = "client_reference,prison,reception_date,reception_kind,handover_with,handover_on,prescribing_confirmed,consent_confirmed,dan_advised
C-1,,20/11/2026,remand,,,,,
";

const CUSTODY_HANDED_OVER: &str = "client_reference,prison,reception_date,reception_kind,handover_with,handover_on,prescribing_confirmed,consent_confirmed,dan_advised
C-1,HMP Cardiff,20/11/2026,,Sam Carats (CARATS),21/11/2026,yes,yes,yes
";

const HANDOVER: &str = "SELECT prison || ' ' || coalesce(reception_kind, '-') || ' '
        || coalesce(handover_with, '-') || ' ' || coalesce(handover_on, '-') || ' '
        || handover_prescribing || handover_consent || dan_advised || ' '
        || prison_team_contacted || prescriber_confirmed || ' v' || version
   FROM custody";

#[test]
fn a_custody_is_imported_with_the_prison_not_known_then_its_hand_over_fills_it_in() {
    let (_dir, db) = database(Role::CareCoordinator);
    let (ok, text) = import(&db, "custody", CUSTODY, false);
    assert!(ok && text.starts_with("1 would be created"), "{text}");
    assert!(rows(&db, HANDOVER).is_empty(), "the dry run wrote nothing");
    let (ok, text) = import(&db, "custody", CUSTODY, true);
    assert!(ok && text.starts_with("1 created, 0 unchanged"), "{text}");
    assert_eq!(rows(&db, HANDOVER), ["not known yet remand - - 000 00 v1"]);

    // The hand-over, recorded later in the team's sheet, completes the stored custody
    // as the hand-over form does (ticking the release checklist's two items).
    let (ok, text) = import(&db, "custody", CUSTODY_HANDED_OVER, false);
    assert!(ok && text.contains("1 would be updated"), "{text}");
    assert_eq!(rows(&db, HANDOVER), ["not known yet remand - - 000 00 v1"]);
    let (ok, text) = import(&db, "custody", CUSTODY_HANDED_OVER, true);
    assert!(
        ok && text.contains("0 created, 0 unchanged, 1 updated"),
        "{text}"
    );
    assert_eq!(
        rows(&db, HANDOVER),
        ["HMP Cardiff remand Sam Carats (CARATS) 2026-11-21 111 11 v2"]
    );
    let audit = "SELECT action || ' ' || coalesce(before, '-') FROM audit WHERE entity = 'custody' ORDER BY id";
    let audited = rows(&db, audit);
    assert_eq!(audited.len(), 2, "{audited:?}");
    assert!(audited[1].starts_with("import {"), "{audited:?}");
    assert!(
        audited[1].contains("not known yet"),
        "the before is kept: {audited:?}"
    );

    let (ok, text) = import(&db, "custody", CUSTODY_HANDED_OVER, true);
    assert!(ok && text.starts_with("0 created, 1 unchanged"), "{text}");
    assert_eq!(rows(&db, audit).len(), 2, "nothing new to audit");
}

#[test]
fn a_hand_over_that_contradicts_the_stored_one_is_refused_and_nothing_is_written() {
    let (_dir, db) = database(Role::CareCoordinator);
    let (ok, text) = import(&db, "custody", CUSTODY_HANDED_OVER, true);
    assert!(ok, "{text}");
    let contradicts = "client_reference,prison,reception_date,reception_kind,handover_with,handover_on,prescribing_confirmed
C-1,HMP Swansea,20/11/2026,sentence,Sam Carats (CARATS),22/11/2026,no
";
    let (ok, text) = import(&db, "custody", contradicts, true);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column prison: this custody is recorded already, and the row says otherwise: prison HMP Swansea (stored: HMP Cardiff), handover_on 22/11/2026 (stored: 21/11/2026), prescribing_confirmed no (stored: yes)",
        "an import never changes a recorded value",
        "Nothing was written",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(
        rows(&db, HANDOVER),
        ["HMP Cardiff - Sam Carats (CARATS) 2026-11-21 111 11 v1"]
    );
}

#[test]
fn a_release_recorded_later_in_the_sheet_completes_the_stored_custody() {
    let (_dir, db) = database(Role::CareCoordinator);
    let inside = "client_reference,prison,reception_date,expected_release_date
C-1,HMP Cardiff,01/10/2026,
";
    assert!(import(&db, "custody", inside, true).0);
    let released = "client_reference,prison,reception_date,expected_release_date,release_type,actual_release_date
C-1,HMP Cardiff,01/10/2026,20/11/2026,licence,21/11/2026
";
    let (ok, text) = import(&db, "custody", released, true);
    assert!(
        ok && text.contains("0 created, 0 unchanged, 1 updated"),
        "{text}"
    );
    let stored = "SELECT expected_release_date || ' ' || release_type || ' ' || actual_release_date
                         || ' v' || version FROM custody";
    assert_eq!(rows(&db, stored), ["2026-11-20 licence 2026-11-21 v2"]);
    let later = released.replace("20/11/2026", "27/11/2026");
    let (ok, text) = import(&db, "custody", &later, true);
    assert!(!ok, "{text}");
    assert!(
        text.contains("expected_release_date 27/11/2026 (stored: 20/11/2026)"),
        "{text}"
    );
    assert_eq!(rows(&db, stored), ["2026-11-20 licence 2026-11-21 v2"]);
}

#[test]
fn refused_custody_rows_are_named_by_line_and_column() {
    let (_dir, db) = database(Role::CareCoordinator);
    let file = "client_reference,prison,reception_date,reception_kind,handover_with,handover_on,prescribing_confirmed,consent_confirmed,dan_advised
C-1,HMP Cardiff,20/11/2026,bail,,,,,
C-1,HMP Cardiff,20/11/2026,,Sam,,,,
C-1,HMP Cardiff,20/11/2026,,Sam,19/11/2026,,,
C-1,HMP Cardiff,20/11/2026,,Sam,24/11/2026,,,
C-1,HMP Cardiff,20/11/2026,,,,maybe,,
";
    let (ok, text) = import(&db, "custody", file, true);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column reception_kind: 'bail' is not one of: remand, sentence",
        "line 3, column handover_on: handover_with and handover_on go together",
        "line 4, column handover_on: 19/11/2026 is before the reception date (20/11/2026): it cannot be",
        "line 5, column handover_on: 24/11/2026 is after today (23/11/2026): it must be a date in the past",
        "line 6, column prescribing_confirmed: 'maybe' is not yes or no",
        "Nothing was written",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert!(rows(&db, HANDOVER).is_empty());
}

const BREACH: &str = "client_reference,raised_at,rag
C-1,20/11/2026 10:00,amber
";

const ATTEMPTS: &str = "client_reference,raised_at,attempted_at,how,note
C-1,20/11/2026 10:00,20/11/2026 14:30,phone,no answer
C-1,2026-11-20 10:00,21/11/2026 09:00,home visit,
";

#[test]
fn re_engagement_attempts_are_created_once_against_their_breach() {
    let (_dir, db) = database(Role::CareCoordinator);
    assert!(import(&db, "breaches", BREACH, true).0);
    let stored = "SELECT r.attempted_at || ' ' || r.how || ' ' || r.note
                    FROM reengagement r JOIN breach b ON b.id = r.breach_id ORDER BY r.attempted_at";
    let (ok, text) = import(&db, "reengagement", ATTEMPTS, false);
    assert!(ok && text.starts_with("2 would be created"), "{text}");
    assert!(rows(&db, stored).is_empty(), "the dry run wrote nothing");
    let (ok, text) = import(&db, "reengagement", ATTEMPTS, true);
    assert!(ok && text.starts_with("2 created, 0 unchanged"), "{text}");
    assert_eq!(
        rows(&db, stored),
        [
            "2026-11-20 14:30 phone no answer",
            "2026-11-21 09:00 home_visit "
        ]
    );
    let audit = "SELECT action FROM audit WHERE entity = 'reengagement'";
    assert_eq!(rows(&db, audit), ["import"; 2]);
    let (ok, text) = import(&db, "reengagement", ATTEMPTS, true);
    assert!(ok && text.starts_with("0 created, 2 unchanged"), "{text}");
    assert_eq!(rows(&db, audit).len(), 2);
}

#[test]
fn refused_re_engagement_rows_are_named_by_line_and_column() {
    let (_dir, db) = database(Role::CareCoordinator);
    assert!(import(&db, "breaches", BREACH, true).0);
    assert!(import(&db, "reengagement", ATTEMPTS, true).0);
    let file = "client_reference,raised_at,attempted_at,how,note
C-1,19/11/2026 10:00,20/11/2026 14:30,phone,
C-1,20/11/2026 10:00,20/11/2026 09:59,phone,
C-1,20/11/2026 10:00,24/11/2026 09:00,phone,
C-1,20/11/2026 10:00,22/11/2026 09:00,carrier pigeon,
C-1,20/11/2026 10:00,20/11/2026 14:30,phone,answered
C-9,20/11/2026 10:00,22/11/2026 09:00,phone,
";
    let (ok, text) = import(&db, "reengagement", file, true);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column raised_at: the client has no breach raised at 19/11/2026 10:00: re-engagement is recorded against its breach",
        "line 3, column attempted_at: re-engagement is sought after the breach (20/11/2026 10:00)",
        "line 4, column attempted_at: 24/11/2026 is after today (23/11/2026)",
        "line 5, column how: 'carrier pigeon' is not one of: phone, text, letter, home_visit, via_partner, other",
        "line 6, column note: this attempt is recorded already with the note 'no answer'",
        "line 7, column client_reference: no client 'C-9': import the clients first",
        "Nothing was written",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(rows(&db, "SELECT note FROM reengagement").len(), 2);
}

const ORDERS: &str =
    "client_reference,kind,court,start_date,end_date,early_end_date,late_end_date,ended_on
C-1,atr,Newport Magistrates' Court,01/02/2026,31/07/2026,,,31/07/2026
C-1,drr_high,Cardiff Crown Court,2026-06-01,2026-12-05,,2027-03-01,
";

const REVIEWS: &str = "client_reference,order_kind,order_start_date,review_on,report_sent
C-1,drr_high,01/06/2026,01/09/2026,yes
C-1,DRR (high intensity),01/06/2026,03/12/2026,
C-1,atr,01/02/2026,01/05/2026,no
";

const STORED_REVIEWS: &str =
    "SELECT o.kind || ' ' || r.review_on || ' ' || r.report_sent || ' v' || r.version
   FROM court_review r JOIN court_order o ON o.id = r.court_order_id ORDER BY r.review_on";

#[test]
fn court_reviews_are_created_once_and_a_report_sent_later_updates_its_review() {
    let (_dir, db) = database(Role::CareCoordinator);
    assert!(import(&db, "orders", ORDERS, true).0);
    let (ok, text) = import(&db, "court-reviews", REVIEWS, false);
    assert!(ok && text.starts_with("3 would be created"), "{text}");
    assert!(
        rows(&db, STORED_REVIEWS).is_empty(),
        "the dry run wrote nothing"
    );
    let (ok, text) = import(&db, "court-reviews", REVIEWS, true);
    assert!(ok && text.starts_with("3 created, 0 unchanged"), "{text}");
    assert_eq!(
        rows(&db, STORED_REVIEWS),
        [
            "atr 2026-05-01 0 v1",
            "drr_high 2026-09-01 1 v1",
            "drr_high 2026-12-03 0 v1"
        ]
    );
    let sent = "client_reference,order_kind,order_start_date,review_on,report_sent
C-1,atr,01/02/2026,01/05/2026,yes
C-1,drr_high,01/06/2026,01/09/2026,
";
    let (ok, text) = import(&db, "court-reviews", sent, true);
    assert!(
        ok && text.contains("0 created, 1 unchanged, 1 updated"),
        "{text}"
    );
    assert_eq!(rows(&db, STORED_REVIEWS)[0], "atr 2026-05-01 1 v2");
    let audit = "SELECT action || ' ' || coalesce(before, '-') FROM audit WHERE entity = 'court_review' ORDER BY id";
    assert_eq!(
        rows(&db, audit).last().unwrap(),
        r#"import {"report_sent":false}"#
    );
}

#[test]
fn refused_court_reviews_are_named_by_line_and_column() {
    let (_dir, db) = database(Role::CareCoordinator);
    assert!(import(&db, "orders", ORDERS, true).0);
    assert!(import(&db, "court-reviews", REVIEWS, true).0);
    let file = "client_reference,order_kind,order_start_date,review_on,report_sent
C-1,licence,01/06/2026,01/09/2026,
C-1,drr_high,01/06/2026,31/05/2026,
C-1,drr_high,01/06/2026,03/12/2026,yes
C-1,drr_high,01/06/2026,01/09/2026,no
C-1,drr_high,01/06/2026,01/10/2026,perhaps
";
    let (ok, text) = import(&db, "court-reviews", file, true);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column order_start_date: the client has no licence order that started on 01/06/2026: import the orders first",
        "line 3, column review_on: 31/05/2026 is before the order started (01/06/2026)",
        "line 4, column report_sent: the review is on 03/12/2026, after today (23/11/2026)",
        "line 5, column report_sent: this review's progress report is recorded as sent, and an import never changes that",
        "line 6, column report_sent: 'perhaps' is not yes or no",
        "Nothing was written",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert_eq!(rows(&db, STORED_REVIEWS).len(), 3);
}

#[test]
fn orders_and_court_reviews_export_in_the_columns_that_import_them_back() {
    let (_dir, db) = database(Role::CareCoordinator);
    assert!(import(&db, "orders", ORDERS, true).0);
    assert!(import(&db, "court-reviews", REVIEWS, true).0);
    let orders = export(&db, "orders");
    let reviews = export(&db, "court-reviews");
    assert_eq!(
        orders,
        "client_reference,kind,court,start_date,end_date,early_end_date,late_end_date,ended_on
C-1,atr,Newport Magistrates' Court,2026-02-01,2026-07-31,,,2026-07-31
C-1,drr_high,Cardiff Crown Court,2026-06-01,2026-12-05,,2027-03-01,
"
    );
    assert_eq!(
        reviews,
        "client_reference,order_kind,order_start_date,review_on,report_sent
C-1,atr,2026-02-01,2026-05-01,no
C-1,drr_high,2026-06-01,2026-09-01,yes
C-1,drr_high,2026-06-01,2026-12-03,no
"
    );
    // Into another team's database with the same client: the same exports come back.
    let (_other_dir, other) = database(Role::CareCoordinator);
    let (ok, text) = import(&other, "orders", &orders, true);
    assert!(ok && text.starts_with("2 created"), "{text}");
    let (ok, text) = import(&other, "court-reviews", &reviews, true);
    assert!(ok && text.starts_with("3 created"), "{text}");
    assert_eq!(export(&other, "orders"), orders);
    assert_eq!(export(&other, "court-reviews"), reviews);
    // And into the same database: nothing changes.
    let (ok, text) = import(&db, "court-reviews", &reviews, true);
    assert!(ok && text.starts_with("0 created, 3 unchanged"), "{text}");
}

const CLIENTS: &str = "reference,given_name,family_name,date_of_birth,area,gp_practice,prescribing_service,da_perpetrator
C-2,Bea,Example,01/02/1990,Newport,Bridge Street Surgery,Newport CDT,yes
C-1,Ada,Testperson,15/01/1990,Newport,,,
";

#[test]
fn a_clients_gp_prescribing_service_and_da_flag_are_imported_and_updated() {
    let (_dir, db) = database(Role::TeamLeader);
    let stored = "SELECT reference || ' ' || coalesce(gp_practice, '-') || ' '
                         || coalesce(prescriber, '-') || ' ' || domestic_abuse
                    FROM client ORDER BY reference";
    let before = rows(&db, stored);
    let (ok, text) = import(&db, "clients", CLIENTS, true);
    assert!(ok && text.starts_with("1 created"), "{text}");
    assert_eq!(
        rows(&db, stored),
        [
            before[0].clone(),
            "C-2 Bridge Street Surgery Newport CDT 1".to_owned()
        ]
    );
    let update = "reference,given_name,family_name,date_of_birth,area,gp_practice,prescribing_service,da_perpetrator
C-2,Bea,Example,01/02/1990,Newport,(clear),Gwent Prescribing Service,no
";
    let (ok, text) = import(&db, "clients", update, true);
    assert!(ok, "{text}");
    assert!(
        text.contains("line 2: client C-2 updated: gp_practice, prescribing_service, da_perpetrator; emptied by (clear): gp_practice"),
        "{text}"
    );
    assert_eq!(rows(&db, stored)[1], "C-2 - Gwent Prescribing Service 0");
    let bad = "reference,given_name,family_name,date_of_birth,area,da_perpetrator
C-2,Bea,Example,01/02/1990,Newport,sometimes
";
    let (ok, text) = import(&db, "clients", bad, true);
    assert!(!ok, "{text}");
    assert!(
        text.contains("line 2, column da_perpetrator: 'sometimes' is not yes or no"),
        "{text}"
    );
}

#[test]
fn dan_24_7_at_assessment_is_imported_with_the_episode() {
    let (_dir, db) = database(Role::TeamLeader);
    let file = "client_reference,referral_date,referral_source,assessment_date,closure_date,exit_reason,dan_advised
C-1,01/03/2026,police,02/03/2026,01/06/2026,disengaged,yes
C-1,01/04/2025,police,,01/05/2025,other,maybe
";
    let (ok, text) = import(&db, "episodes", file, true);
    assert!(!ok, "{text}");
    assert!(
        text.contains("line 3, column dan_advised: 'maybe' is not yes or no"),
        "{text}"
    );
    let file = file.replace("maybe", "");
    let (ok, text) = import(&db, "episodes", &file, true);
    assert!(ok && text.starts_with("2 created"), "{text}");
    let stored = "SELECT referral_date || ' ' || dan_advised FROM episode ORDER BY referral_date";
    assert_eq!(
        rows(&db, stored),
        ["2025-04-01 0", "2026-03-01 1", "2026-09-01 0"]
    );
    let differs = file.replace(",yes", ",no");
    let (ok, text) = import(&db, "episodes", &differs, true);
    assert!(!ok, "{text}");
    assert!(text.contains("dan_advised no (stored: yes)"), "{text}");
}

#[test]
fn a_co_ordinator_who_has_left_takes_no_new_client_but_keeps_their_history() {
    let (_dir, db) = database(Role::TeamLeader);
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "INSERT INTO worker (name, login, role, area_id, active)
             VALUES ('Gwen Gone', 'gwen', 'care_coordinator', 1, 0);
             UPDATE client SET care_coordinator_id = (SELECT id FROM worker WHERE login = 'gwen')
              WHERE reference = 'C-1';",
        )
        .unwrap();
    let file = "reference,given_name,family_name,date_of_birth,area,care_coordinator
C-1,Ada,Testperson,15/01/1990,Newport,gwen
C-2,Bea,Example,01/02/1990,Newport,Gwen Gone
";
    let (ok, text) = import(&db, "clients", file, true);
    assert!(!ok, "{text}");
    assert!(
        text.contains("line 3, column care_coordinator: Gwen Gone has left the team (their worker record is inactive): give a current care co-ordinator, or leave the cell blank"),
        "{text}"
    );
    assert!(
        !text.contains("line 2"),
        "C-1 stays with her until reassigned: {text}"
    );
    // Her contacts before she left still import.
    let contacts = "client_reference,worker,contact_at,kind
C-1,gwen,01/11/2026 10:00,phone
";
    let (ok, text) = import(&db, "contacts", contacts, true);
    assert!(ok && text.starts_with("1 created"), "{text}");
}
