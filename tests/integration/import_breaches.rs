//! The `breaches` import keeps the breach rules of the forms: the deadline runs from the
//! breach's own time by its RAG (000 appendix B), so a breach imported late is overdue at
//! once; a red breach is dealt with only once arrested; refused rows are named by line
//! and column and nothing is written.

use caseload::domain::model::Role;

use crate::import_facts::{database, export, import, rows};

const HEADER: &str = "client_reference,raised_at,rag,status,resolution_date";

#[test]
fn an_imported_breach_runs_from_its_own_time_and_one_recorded_late_is_overdue() {
    let (_dir, db) = database(Role::CareCoordinator);
    // Imported on 23/11/2026 09:30. Red on 20/11 10:00: "arrested within 24 hours", due
    // 21/11 10:00, overdue. Amber on 20/11 11:00: "put out for arrest within 7 days",
    // due 27/11 11:00. Green on 01/11 08:00 ("within 1 month": due 01/12), put out for
    // arrest on 10/11: dealt with.
    let file = format!(
        "{HEADER}\nC-1,20/11/2026 10:00,red,,\nC-1,2026-11-20 11:00,amber,,\n\
         C-1,01/11/2026 08:00,green,put_out_for_arrest,10/11/2026\n"
    );
    let (ok, text) = import(&db, "breaches", &file, true);
    assert!(ok && text.starts_with("3 created, 0 unchanged"), "{text}");
    assert_eq!(
        rows(
            &db,
            "SELECT raised_at || ' ' || rag || ' due ' || deadline || ' ' || status FROM breach
              ORDER BY raised_at, rag"
        ),
        [
            "2026-11-01 08:00 green due 2026-12-01 08:00 put_out_for_arrest",
            "2026-11-20 10:00 red due 2026-11-21 10:00 outstanding",
            "2026-11-20 11:00 amber due 2026-11-27 11:00 outstanding",
        ]
    );
    let exported = export(&db, "breaches");
    let overdue: Vec<&str> = exported
        .lines()
        .skip(1)
        .filter(|l| l.ends_with(",yes"))
        .collect();
    assert_eq!(overdue.len(), 1, "the red one, recorded late: {exported}");
    assert!(overdue[0].contains("red"), "{exported}");
}

#[test]
fn a_red_breach_put_out_for_arrest_is_refused_as_the_breach_form_refuses_it() {
    let (_dir, db) = database(Role::CareCoordinator);
    let file = format!(
        "{HEADER}\nC-1,20/11/2026 10:00,red,put_out_for_arrest,21/11/2026\n\
         C-1,21/11/2026 10:00,amber,arrested,\nC-1,24/11/2026 10:00,amber,,\n"
    );
    let (ok, text) = import(&db, "breaches", &file, true);
    assert!(!ok, "{text}");
    for expected in [
        "line 2, column status: a red breach must be arrested within 24 hours of the breach, \
         so 'put out for arrest' does not deal with it: record 'arrested' once the client is \
         arrested",
        "line 3, column resolution_date: give a resolution date exactly when the status is not \
         outstanding",
        "line 4, column raised_at:",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert!(
        rows(&db, "SELECT id || '' FROM breach").is_empty(),
        "nothing written"
    );
}
