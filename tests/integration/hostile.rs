//! Property test: whatever is stored in names and notes (random Unicode, control
//! characters, escape sequences, right-to-left overrides), no control sequence reaches
//! the terminal, on any view, at any size down to 1x1; and the forms refuse hostile
//! text as the import does, writing nothing.

use caseload::domain::model::{ContactKind, Ethnicity, Flags, Sex};
use caseload::store::{NewClient, NewContact};
use crossterm::event::KeyCode;

use caseload::form::FormKind;

use crate::common::{actor, at, date, demo_store};
use crate::merge::{app_as, audit_count, enter, fixture, open, set};
use crate::ui::{app_for, press, screen};

/// Seeded SplitMix64, so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const NASTY: &[&str] = &[
    "\u{1b}[2J",
    "\u{1b}]0;pwned\u{7}",
    "\u{1b}[31m",
    "\u{9b}31m",
    "\r",
    "\n",
    "\t",
    "\u{7f}",
    "\u{0}",
    "\u{202e}",
    "\u{202d}",
    "\u{2066}",
    "\u{2069}",
    "\u{200f}",
    "\u{61c}",
    "e\u{301}",
    "\u{fe0f}",
    "\u{1f600}",
    "日本語",
    "עברית",
    "مرحبا",
    "\u{200b}",
    "\u{feff}",
];

fn hostile(rng: &mut Rng) -> String {
    let mut text = String::from("X");
    for _ in 0..=rng.below(8) {
        if rng.below(2) == 0 {
            text.push_str(NASTY[usize::try_from(rng.below(NASTY.len() as u64)).unwrap()]);
        } else if let Some(c) = char::from_u32(u32::try_from(rng.below(0x3_0000)).unwrap()) {
            text.push(c);
        }
    }
    text
}

fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
        // Invisible: zero-width space, joiners, word joiner, byte-order mark.
        || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

#[test]
fn hostile_names_and_notes_never_reach_the_terminal() {
    let (_dir, mut store) = demo_store();
    let mut rng = Rng(20_261_123);
    store
        .generate(
            &actor(),
            caseload::store::Origin::Synthetic("fixture"),
            |tx| {
                for n in 0..60 {
                    let id = tx.insert_client(&NewClient {
                        reference: format!("H-{n}{}", hostile(&mut rng)),
                        given_name: hostile(&mut rng),
                        family_name: hostile(&mut rng),
                        date_of_birth: date("1990-01-01"),
                        sex: Sex::NotStated,
                        ethnicity: Ethnicity::NotStated,
                        nhs_number: None,
                        area_id: 4,
                        care_coordinator_id: Some(1),
                        consent_date: None,
                        substances: Vec::new(),
                        flags: Flags::default(),
                        details: caseload::domain::write::ClientDetails::default(),
                    })?;
                    tx.insert_episode(&caseload::store::NewEpisode {
                        client_id: id,
                        referral_date: date("2026-11-01"),
                        referral_source: caseload::domain::model::ReferralSource::SelfReferral,
                        assessment_date: None,
                        care_plan_date: None,
                        next_review_date: None,
                        engaged: false,
                        prescribed: false,
                        tier: 2,
                        exit_plan: Some(hostile(&mut rng)),
                        extension: None,
                        closure: None,
                    })?;
                    tx.insert_contact(&NewContact {
                        client_id: id,
                        worker_id: 1,
                        contact_at: at("2026-11-20 10:00"),
                        kind: ContactKind::Phone,
                        note: hostile(&mut rng),
                    })?;
                }
                Ok(())
            },
        )
        .unwrap();
    let mut app = app_for(&store, (120, 40));
    press(&mut store, &mut app, &[KeyCode::Char('o')]);
    let check = |text: &str, what: &str| {
        let bad: Vec<String> = text
            .lines()
            .flat_map(str::chars)
            .filter(|c| is_dangerous(*c))
            .map(|c| format!("U+{:04X}", u32::from(c)))
            .collect();
        assert!(bad.is_empty(), "{what}: {bad:?}");
    };
    for view in ['1', '2', '3', '4', '5', '6'] {
        press(&mut store, &mut app, &[KeyCode::Char(view)]);
        check(&screen(&app), &format!("view {view}"));
    }
    press(
        &mut store,
        &mut app,
        &[
            KeyCode::Char('3'),
            KeyCode::Char('/'),
            KeyCode::Char('X'),
            KeyCode::Enter,
        ],
    );
    for _ in 0..20 {
        press(&mut store, &mut app, &[KeyCode::Enter]);
        check(&screen(&app), "client record");
        for size in [(1, 1), (7, 3), (64, 16), (80, 24)] {
            app.update(caseload::action::Action::Resize(size.0, size.1));
            check(&screen(&app), "resized");
        }
        app.update(caseload::action::Action::Resize(120, 40));
        press(&mut store, &mut app, &[KeyCode::Esc, KeyCode::Down]);
    }
}

fn count(store: &caseload::store::Store, table: &str) -> i64 {
    rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// The forms refuse what the import refuses, with the same sentences and limits
/// (`domain::safe_text::refused_text`): the field is marked, nothing is written.
#[test]
fn forms_refuse_hostile_text_and_write_nothing() {
    let (_dir, mut store, team) = fixture();
    let mut app = app_as(&store, "cora");
    let before = (count(&store, "contact"), audit_count(&store));
    let refusals = [
        (
            "seen at home \u{202E}gnidnah",
            "note holds a bidirectional control (U+202E), which makes text show in another \
             order than it is stored: remove it",
        ),
        (
            &*"a".repeat(4001),
            "note is 4001 characters long, and at most 4000 fit this column: shorten it",
        ),
    ];
    for (note, refusal) in refusals {
        open(&mut store, &mut app, FormKind::Contact, team.c1);
        set(&mut store, &mut app, "note", note);
        enter(&mut store, &mut app);
        let form = app.form().expect("refused: the form stays open");
        assert_eq!(form.fields[form.focus].key, "note", "the note is marked");
        assert_eq!(form.fields[form.focus].error.as_deref(), Some(refusal));
        assert_eq!(
            (count(&store, "contact"), audit_count(&store)),
            before,
            "nothing written"
        );
        press(&mut store, &mut app, &[KeyCode::Esc, KeyCode::Char('y')]);
        assert!(app.form().is_none());
    }

    // A name on the new-referral form: the same rule, with its own limit.
    let clients = count(&store, "client");
    open(&mut store, &mut app, FormKind::NewClientReferral, team.c1);
    set(&mut store, &mut app, "reference", "HOSTILE-1");
    set(&mut store, &mut app, "given_name", "Ann\u{2066}");
    set(&mut store, &mut app, "family_name", &"b".repeat(101));
    set(&mut store, &mut app, "date_of_birth", "01/02/1990");
    set(&mut store, &mut app, "source", "self");
    enter(&mut store, &mut app);
    let form = app.form().expect("refused: the form stays open");
    let error = |key: &str| {
        form.fields
            .iter()
            .find(|f| f.key == key)
            .and_then(|f| f.error.clone())
    };
    assert_eq!(
        error("given_name").as_deref(),
        Some(
            "given name holds a bidirectional control (U+2066), which makes text show in \
             another order than it is stored: remove it"
        )
    );
    assert_eq!(
        error("family_name").as_deref(),
        Some("family name is 101 characters long, and at most 100 fit this column: shorten it")
    );
    assert_eq!(count(&store, "client"), clients, "no client written");
    assert_eq!(audit_count(&store), before.1, "no audit written");

    // The limit is the most a value may hold, not less: 4,000 characters save.
    press(&mut store, &mut app, &[KeyCode::Esc, KeyCode::Char('y')]);
    open(&mut store, &mut app, FormKind::Contact, team.c1);
    set(&mut store, &mut app, "note", &"a".repeat(4000));
    enter(&mut store, &mut app);
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.notice));
    assert_eq!(count(&store, "contact"), before.0 + 1);
}
