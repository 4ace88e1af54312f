//! Property test: whatever is stored in names and notes (random Unicode, control
//! characters, escape sequences, right-to-left overrides), no control sequence reaches
//! the terminal, on any view, at any size down to 1x1.

use caseload::domain::model::{ContactKind, Ethnicity, Flags, Sex};
use caseload::store::{NewClient, NewContact};
use crossterm::event::KeyCode;

use crate::common::{actor, at, date, demo_store};
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
        .write(&actor(), |tx| {
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
        })
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
