//! The real event loop, driven by a scripted terminal in memory: the background
//! reader, hang-up handling, drafts offered back and frame comparison, as production
//! runs them (`locks` drives the built binary in tmux for the same hang-up).

use std::time::Instant;

use caseload::app::{App, Mode};
use caseload::config::Settings;
use caseload::store::Store;
use caseload::tui::script::{Script, Step};
use caseload::tui::{Screen, Start, run_with};
use caseload::ui::Ctx;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common::{at, demo_store};
use crate::ui::lead_session;

/// The note typed into the contact form.
const NOTE: &str = "spoke about housing";

/// An in-memory terminal that counts the frames written to it, and keeps them.
struct Counted {
    terminal: Terminal<TestBackend>,
    frames: usize,
    drawn: Vec<String>,
    /// When each frame was drawn.
    drawn_at: Vec<Instant>,
}

impl Counted {
    fn new() -> Self {
        Self {
            terminal: Terminal::new(TestBackend::new(100, 30)).unwrap(),
            frames: 0,
            drawn: Vec::new(),
            drawn_at: Vec::new(),
        }
    }

    /// The screen as text, one line per row.
    fn text(&self) -> String {
        let buffer = self.terminal.backend().buffer();
        (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Screen for Counted {
    fn size(&self) -> std::io::Result<(u16, u16)> {
        Screen::size(&self.terminal)
    }

    fn draw(&mut self, app: &App, ctx: &Ctx) -> std::io::Result<()> {
        self.frames += 1;
        Screen::draw(&mut self.terminal, app, ctx)?;
        self.drawn.push(self.text());
        self.drawn_at.push(Instant::now());
        Ok(())
    }

    fn clear(&mut self) -> std::io::Result<()> {
        Screen::clear(&mut self.terminal)
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        Screen::suspend(&mut self.terminal)
    }
}

/// Runs the loop as the demo's team leader ("tester") through `steps`; the loop must
/// never spin.
fn run(store: &mut Store, screen: &mut Counted, steps: Vec<Step>) -> App {
    run_script(
        store,
        screen,
        &mut Script::new(at("2026-11-23 09:30"), steps),
    )
}

/// [`run`] with a script the caller keeps, to see when each step was taken.
fn run_script(store: &mut Store, screen: &mut Counted, script: &mut Script) -> App {
    let start = Start {
        session: lead_session(store),
        settings: Settings::default(),
        scope: None,
        remembered: None,
    };
    let app = run_with(screen, script, store, start).unwrap();
    assert!(
        !script.spun(),
        "the loop kept turning without waiting for input: {}",
        screen.text()
    );
    app
}

/// A client's reference from the demo data.
fn a_reference(store: &Store) -> String {
    let rows = store.caseload(None, None, &[]).unwrap();
    rows[0].label.reference().to_owned()
}

/// The steps that open `reference`'s record and type [`NOTE`] into a new contact.
fn typing_a_contact_note(reference: &str) -> Vec<Step> {
    let mut steps = vec![Step::Settle, Step::key(KeyCode::Char(':'))];
    steps.extend(Step::typing(&format!("client {reference}")));
    steps.extend([
        Step::key(KeyCode::Enter),
        Step::key(KeyCode::Char('n')),
        Step::key(KeyCode::Tab),
        Step::key(KeyCode::Tab),
    ]);
    steps.extend(Step::typing(NOTE));
    steps
}

#[test]
fn a_hang_up_in_a_form_keeps_its_draft_and_the_next_run_offers_it_back() {
    let (_dir, mut store) = demo_store();
    let reference = a_reference(&store);
    let mut steps = typing_a_contact_note(&reference);
    steps.push(Step::HangUp);
    let mut screen = Counted::new();
    let left = run(&mut store, &mut screen, steps);
    let form = left.form().expect("the contact form was open");
    assert_eq!(form.value("note"), NOTE, "{}", screen.text());

    let drafts = store.drafts("tester").unwrap();
    assert_eq!(drafts.len(), 1, "the hang-up kept the typing");
    assert_eq!(drafts[0].form, "contact");
    assert_eq!(drafts[0].fields["note"], NOTE);

    // The offer shows over the lists, once they are read.
    let mut next = Counted::new();
    let app = run(&mut store, &mut next, vec![Step::Settle]);
    assert_eq!(app.mode(), Mode::DraftOffer);
    let text = next.text();
    assert!(
        text.contains(&format!("unsaved contact for {reference} from 23/11 09:30")),
        "{text}"
    );
}

/// A terminal whose connection drops once the note is typed: drawing that frame fails
/// as a write to a closed SSH connection does, before any hang-up is seen.
struct DropsAfterTheNote(Counted);

impl Screen for DropsAfterTheNote {
    fn size(&self) -> std::io::Result<(u16, u16)> {
        self.0.size()
    }

    fn draw(&mut self, app: &App, ctx: &Ctx) -> std::io::Result<()> {
        if app.form().is_some_and(|form| form.value("note") == NOTE) {
            return Err(std::io::Error::from_raw_os_error(libc::EIO));
        }
        self.0.draw(app, ctx)
    }

    fn clear(&mut self) -> std::io::Result<()> {
        self.0.clear()
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        self.0.suspend()
    }
}

#[test]
fn a_terminal_that_fails_to_draw_still_leaves_the_typing_as_a_draft() {
    let (_dir, mut store) = demo_store();
    let reference = a_reference(&store);
    let steps = typing_a_contact_note(&reference);
    let start = Start {
        session: lead_session(&store),
        settings: Settings::default(),
        scope: None,
        remembered: None,
    };
    let mut script = Script::new(at("2026-11-23 09:30"), steps);
    let mut screen = DropsAfterTheNote(Counted::new());
    let error = run_with(&mut screen, &mut script, &mut store, start)
        .expect_err("the loop ends with the terminal's error");
    assert!(error.to_string().contains("Input/output error"), "{error}");

    let drafts = store.drafts("tester").unwrap();
    assert_eq!(drafts.len(), 1, "the typing was kept: {}", screen.0.text());
    assert_eq!(drafts[0].fields["note"], NOTE);
}

#[test]
fn a_key_that_changes_nothing_on_screen_writes_no_frame() {
    let (_dir, mut store) = demo_store();
    // How many frames the start draws depends on how the reads arrive (the first
    // screen, the rest, the Areas counts), so only the frames after the first key
    // (step 1, once settled) are counted.
    let frames_after_the_settle = |store: &mut Store, keys: Vec<Step>| {
        let mut screen = Counted::new();
        let mut steps = vec![Step::Settle];
        steps.extend(keys);
        let mut script = Script::new(at("2026-11-23 09:30"), steps);
        let app = run_script(store, &mut screen, &mut script);
        let settled = script.timings()[1].taken;
        let after = screen.drawn_at.iter().filter(|&&at| at >= settled).count();
        (app, after, screen)
    };
    // Already on the first row: Up and Home change nothing; an idle second neither.
    let (app, frames, screen) = frames_after_the_settle(
        &mut store,
        vec![Step::key(KeyCode::Up), Step::key(KeyCode::Home), Step::Idle],
    );
    assert_eq!(app.cursor().selected, 0);
    assert_eq!(
        frames,
        0,
        "no frame for keys that change nothing: {}",
        screen.text()
    );
    let (_, frames, _) = frames_after_the_settle(&mut store, vec![Step::key(KeyCode::Down)]);
    assert_eq!(frames, 1, "a key that moves draws once");
}

#[test]
fn a_record_opened_through_the_loop_is_in_the_access_log_once_a_minute() {
    let (_dir, mut store) = demo_store();
    let mut screen = Counted::new();
    // Today's first item, opened, left and opened again within the same minute.
    let steps = vec![
        Step::Settle,
        Step::key(KeyCode::Enter),
        Step::key(KeyCode::Esc),
        Step::key(KeyCode::Enter),
    ];
    let app = run(&mut store, &mut screen, steps);
    let opened = app.client().expect("the record is open").profile.id;
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let rows: Vec<(String, String, Option<i64>)> = conn
        .prepare("SELECT login, what, client_id FROM access_log ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        rows,
        vec![("tester".to_owned(), "record".to_owned(), Some(opened))]
    );
}

#[test]
fn a_save_that_waits_for_a_colleague_is_dropped_once_the_form_changes_and_kept_as_a_draft() {
    let (_dir, mut store) = demo_store();
    let holder = crate::locks::LockHolder::take(store.path());
    // The lock is let go a little later, from another thread: the hang-up at the end
    // waits for it to keep the draft, whenever that is.
    let releasing = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(3));
        holder.release();
    });
    let mut steps = vec![
        Step::Settle,
        Step::key(KeyCode::Char('n')),
        Step::key(KeyCode::Tab),
        Step::key(KeyCode::Tab),
    ];
    steps.extend(Step::typing(NOTE));
    // Enter meets the import's lock; the user types on; the retry finds the form
    // changed and leaves the save to the next Enter.
    steps.extend([
        Step::key(KeyCode::Enter),
        Step::key(KeyCode::Char('!')),
        Step::Idle,
        Step::Idle,
        Step::HangUp,
    ]);
    let mut screen = Counted::new();
    let app = run(&mut store, &mut screen, steps);
    releasing.join().unwrap();
    let form = app.form().expect("the form stays open");
    assert_eq!(
        form.notice.as_deref(),
        Some("Not saved yet: the database was busy. Press Enter to save the form as it is now."),
        "{}",
        screen.text()
    );
    let saved: i64 = rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM contact WHERE note LIKE ?1",
            [format!("{NOTE}%")],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(saved, 0, "nothing saved without a second Enter");
    let drafts = store.drafts("tester").unwrap();
    assert_eq!(
        drafts[0].fields["note"],
        format!("{NOTE}!"),
        "the typing is kept"
    );
}

#[test]
fn a_background_reader_that_stopped_is_said_once_and_r_starts_a_new_one() {
    let (_dir, mut store) = demo_store();
    // The first snapshot finds the reader gone.
    caseload::loader::stop_reader_at_next_job(store.path());
    let mut screen = Counted::new();
    let steps = vec![
        Step::Settle,
        // Said once, the loop waits as usual (said at every poll, it would never
        // take these steps: `run` fails on a loop that spins).
        Step::Idle,
        Step::key(KeyCode::Char('r')),
        Step::Settle,
    ];
    let app = run(&mut store, &mut screen, steps);
    let said = "the background reader stopped: press r to retry";
    assert!(
        screen.drawn.iter().any(|frame| frame.contains(said)),
        "{}",
        screen.drawn.join("\n\n")
    );
    assert!(!app.loading(), "{}", screen.text());
    assert_eq!(
        app.data().caseload.len(),
        {
            let (area, worker) = app.scope_limits();
            store.caseload(area, worker, &[]).unwrap().len()
        },
        "r read the snapshot on a new reader: {}",
        screen.text()
    );
    assert!(!screen.text().contains(said), "{}", screen.text());
}
