//! A scripted terminal, so that tests and benchmarks drive the real event loop: a
//! [`Script`] of input steps at a fixed time, drawn on ratatui's in-memory
//! `TestBackend` as production draws on the terminal.

use std::cell::Cell;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Events, Input, Screen};
use crate::app::App;
use crate::ui::{self, Ctx};

/// One step of a [`Script`].
#[derive(Debug, Clone)]
pub enum Step {
    /// A terminal event (a key, the mouse, a resize).
    Event(Event),
    /// Nothing happens for as long as the loop waits (at most a second, less when a
    /// retry is due), then its once-a-second checks run.
    Idle,
    /// Waits until no snapshot or return is being read for the app.
    Settle,
    /// The terminal hangs up (as an SSH connection that drops).
    HangUp,
}

impl Step {
    /// A key press without modifiers.
    #[must_use]
    pub fn key(code: KeyCode) -> Self {
        Self::Event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    /// The key presses that type `text`.
    #[must_use]
    pub fn typing(text: &str) -> Vec<Self> {
        text.chars().map(|c| Self::key(KeyCode::Char(c))).collect()
    }
}

/// When a step was taken, and when the loop next asked for input: by then it has
/// carried out what the step asked for and drawn the frame.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// When the loop was handed the step.
    pub taken: Instant,
    /// When the loop next asked for input, if it did.
    pub answered: Option<Instant>,
}

/// How many turns the loop may take without asking for input before the script calls
/// it spinning: far more than it ever needs to take in what has arrived.
const SPINNING: u32 = 10_000;

/// Input from a list of steps, at a fixed time. Once the steps run out the terminal
/// hangs up, so every run ends; a loop that never asks for input again (spinning,
/// as on a reader that says it has gone at every poll) is stopped as if it had hung
/// up, and [`Script::spun`] says so, so that a test fails rather than hangs.
pub struct Script {
    steps: VecDeque<Step>,
    /// Turns of the loop since it last asked for input.
    turns: Cell<u32>,
    now: NaiveDateTime,
    started: Instant,
    first_wait: Option<Instant>,
    timings: Vec<Timing>,
}

impl Script {
    /// A script of `steps` with the clock stopped at `now`.
    #[must_use]
    pub fn new(now: NaiveDateTime, steps: Vec<Step>) -> Self {
        Self {
            steps: steps.into(),
            turns: Cell::new(0),
            now,
            started: Instant::now(),
            first_wait: None,
            timings: Vec::new(),
        }
    }

    /// From making the script to the loop's first wait for input: start-up to the
    /// first frame drawn.
    #[must_use]
    pub fn first_frame(&self) -> Option<Duration> {
        self.first_wait.map(|at| at - self.started)
    }

    /// From making the script to when the loop asked for input after `step` (counted
    /// from 0 among the steps taken).
    #[must_use]
    pub fn since_start(&self, step: usize) -> Option<Duration> {
        self.timings.get(step)?.answered.map(|at| at - self.started)
    }

    /// Whether the loop went on turning without asking for input, and was stopped.
    #[must_use]
    pub fn spun(&self) -> bool {
        self.turns.get() > SPINNING
    }

    /// The steps taken so far, each with its timing.
    #[must_use]
    pub fn timings(&self) -> &[Timing] {
        &self.timings
    }
}

impl Events for Script {
    fn stopping(&self) -> bool {
        // The loop asks this once a turn.
        self.turns.set(self.turns.get().saturating_add(1));
        self.spun()
    }

    fn next(&mut self, app: &App, wait: Duration) -> std::io::Result<Input> {
        self.turns.set(0);
        let now = Instant::now();
        self.first_wait.get_or_insert(now);
        if let Some(last) = self.timings.last_mut() {
            last.answered.get_or_insert(now);
        }
        if matches!(self.steps.front(), Some(Step::Settle))
            && (app.loading() || app.report_pending())
        {
            std::thread::sleep(wait);
            return Ok(Input::Quiet);
        }
        let Some(step) = self.steps.pop_front() else {
            return Ok(Input::HungUp);
        };
        self.timings.push(Timing {
            taken: Instant::now(),
            answered: None,
        });
        Ok(match step {
            Step::Event(event) => Input::Event(event),
            Step::Idle => {
                std::thread::sleep(wait);
                Input::Quiet
            }
            Step::Settle => Input::Woken,
            Step::HangUp => Input::HungUp,
        })
    }

    fn now(&self) -> NaiveDateTime {
        self.now
    }
}

impl Screen for Terminal<TestBackend> {
    fn size(&self) -> std::io::Result<(u16, u16)> {
        let Ok(size) = Terminal::size(self);
        Ok((size.width, size.height))
    }

    fn draw(&mut self, app: &App, ctx: &Ctx) -> std::io::Result<()> {
        let Ok(_) = Terminal::draw(self, |frame| ui::render(frame, app, ctx));
        Ok(())
    }

    fn clear(&mut self) -> std::io::Result<()> {
        let Ok(()) = Terminal::clear(self);
        Ok(())
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        // An in-memory terminal has no shell to give back to.
        Ok(())
    }
}
