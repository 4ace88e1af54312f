//! The domestic-abuse-perpetrator flag (issue 15 section 5, a priority cohort, 004) on
//! the lists: the Caseload view's flags column, its `d` filter, and `export caseload`,
//! whose file imports it back.

use caseload::app::View;
use crossterm::event::KeyCode;

use crate::common::demo_store;
use crate::import_facts::{database, export, import};
use crate::ui::{app_for, press, screen};
use caseload::domain::model::Role;

#[test]
fn the_flags_column_shows_da_and_d_filters_the_caseload_to_them() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Char('3')]);
    let rows = app.caseload_list().len();
    // Two more of the caseload become DA perpetrators, one of them with IOM and PPO.
    let first = app.data().caseload[app.caseload_list()[0].row()].clone();
    let both = app
        .data()
        .caseload
        .iter()
        .find(|r| {
            r.flags.iom && r.flags.ppo && r.flags.priority_tags().is_empty() && !r.domestic_abuse
        })
        .unwrap()
        .clone();
    rusqlite::Connection::open(store.path())
        .unwrap()
        .execute(
            "UPDATE client SET domestic_abuse = 1 WHERE id IN (?1, ?2)",
            [first.client_id, both.client_id],
        )
        .unwrap();
    press(&mut store, &mut app, &[KeyCode::Char('r')]);
    let text = screen(&app);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not on screen:\n{text}"))
            .to_owned()
    };
    let flags = |r: &caseload::domain::model::CaseloadRow| {
        let mut f = Vec::new();
        if r.flags.iom {
            f.push("IOM");
        }
        if r.flags.ppo {
            f.push("PPO");
        }
        f.push("DA");
        f.join(" ")
    };
    assert!(
        line(first.display_name()).contains(&flags(&first)),
        "{text}"
    );
    press(&mut store, &mut app, &[KeyCode::Char('d')]);
    assert_eq!(app.view(), View::Caseload);
    assert_eq!(app.filter().chips(), ["DA"]);
    let shown: Vec<&caseload::domain::model::CaseloadRow> = app
        .caseload_list()
        .iter()
        .map(|e| app.data().caseload[e.row()].as_ref())
        .collect();
    assert!(shown.len() < rows, "the filter narrows the list");
    assert!(
        shown.iter().all(|r| r.domestic_abuse),
        "only DA perpetrators"
    );
    for id in [first.client_id, both.client_id] {
        assert!(shown.iter().any(|r| r.client_id == id), "#{id} is listed");
    }
    let text = screen(&app);
    assert!(text.contains("IOM PPO DA"), "{text}");
    press(&mut store, &mut app, &[KeyCode::Char('d')]);
    assert_eq!(app.caseload_list().len(), rows, "d again lifts the filter");
}

#[test]
fn export_caseload_writes_the_client_details_and_imports_them_back() {
    let (_dir, db) = database(Role::TeamLeader);
    let clients = "reference,given_name,family_name,date_of_birth,area,gp_practice,prescribing_service,da_perpetrator
C-1,Ada,Testperson,15/01/1990,Newport,Bridge Street Surgery,Newport CDT,yes
";
    let (ok, text) = import(&db, "clients", clients, true);
    assert!(ok, "{text}");
    let exported = export(&db, "caseload");
    // The co-ordinator is this process's OS login, which differs between machines.
    insta::assert_snapshot!(exported.replace(&caseload::identity::os_login(), "LOGIN"));
    // Into another team's database: the client's details come across unchanged.
    let (_other_dir, other) = database(Role::TeamLeader);
    let (ok, text) = import(&other, "clients", &exported, true);
    assert!(ok && text.contains("1 updated"), "{text}");
    assert_eq!(export(&other, "caseload"), exported);
}
