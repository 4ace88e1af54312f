//! The Areas view with a large region's counts: four-digit breach counts at 80
//! columns.

use crate::common::demo_store;
use crate::ui::{app_for, press, screen};
use crossterm::event::KeyCode;

#[test]
fn four_digit_breach_counts_stay_readable_at_80_columns() {
    let (_dir, mut store) = demo_store();
    // 1,234 red, 2,345 amber and 1,000 green outstanding breaches in the first area
    // (by name), on one client, a minute apart.
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute_batch(
        "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4579)
         INSERT INTO breach (client_id, raised_at, rag, deadline)
         SELECT (SELECT c.id FROM client c JOIN area a ON a.id = c.area_id
                  ORDER BY a.name, c.id LIMIT 1),
                strftime('%Y-%m-%d %H:%M', '2020-01-01 00:00', '+' || i || ' minutes'),
                CASE WHEN i <= 1234 THEN 'red' WHEN i <= 3579 THEN 'amber' ELSE 'green' END,
                strftime('%Y-%m-%d %H:%M', '2020-01-01 00:00', '+' || (i + 1440) || ' minutes')
           FROM n;",
    )
    .unwrap();
    drop(conn);
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Char('2')]);
    let text = screen(&app);
    assert!(text.contains("R1234 A2345 G1000"), "{text}");
    insta::assert_snapshot!(text);
}
