//! The event loop: input -> action -> `App::update` -> effect -> interpreter -> result
//! -> `App::update` ... -> draw. It owns the session's timers (drafts, a save waiting
//! for the lock, the access log's queue) and draws only when the frame changed.

use std::time::{Duration, Instant};

use chrono::Timelike;
use crossterm::event::Event;

use super::access::AccessQueue;
use super::effects::{Interpreter, actor, delivered, find_draft, save_draft};
use super::frames::FrameCheck;
use super::memory::{release_freed_memory, tune_allocator};
use super::{Events, Input, Screen};
use crate::action::{Action, Done, Effect, Message, SaveRequest};
use crate::app::{App, Scope, Session};
use crate::config::Settings;
use crate::keys;
use crate::loader::Loader;
use crate::state::Remembered;
use crate::store::{Store, StoreError, describe_holder};
use crate::ui::{Ctx, theme::Theme};

/// How often an open, changed form is saved as a draft.
const DRAFT_EVERY: Duration = Duration::from_secs(5);

/// How long one try for the write lock may hold up the keys. A save that does not get
/// the lock in that time (a colleague's import is running) stays pending, its form
/// open, and is tried again every [`RETRY_EVERY`].
const LOCK_TRY: Duration = Duration::from_millis(100);

/// How often a pending save is tried again.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// The least time the last draft, after a hang-up, waits for a colleague's write:
/// nobody is at the keys any more, and the typing is worth more than a process that
/// lingers while an import finishes.
const LAST_DRAFT_WAIT: Duration = Duration::from_secs(600);

/// How a run starts.
pub struct Start {
    /// Who, on which database.
    pub session: Session,
    /// Settings from the config files.
    pub settings: Settings,
    /// The scope asked for (`--scope`); else the one remembered, else the role's.
    pub scope: Option<Scope>,
    /// Where the scope left is remembered for next time (`None`: not remembered).
    pub remembered: Option<Remembered>,
}

/// Runs the event loop on `screen`, with input and time from `events`, until the user
/// quits or the terminal hangs up (the open form is then kept as a draft, waiting for
/// a colleague's write as long as the store allows, at least ten minutes). Returns
/// the app as it was left.
///
/// # Errors
/// A terminal or store error; opened records missing from the access log.
pub fn run_with(
    screen: &mut impl Screen,
    events: &mut impl Events,
    store: &mut Store,
    start: Start,
) -> Result<App, Box<dyn std::error::Error>> {
    tune_allocator();
    // Writes on the key thread only ever try briefly; waiting is the loop's job. The
    // last draft, after a hang-up, waits at least as long as the process would.
    let wait = store.lock_wait();
    store.set_lock_wait(LOCK_TRY);
    let result = Loop::start(
        screen,
        events,
        &mut *store,
        start,
        wait.max(LAST_DRAFT_WAIT),
    )
    .and_then(Loop::run);
    store.set_lock_wait(wait);
    result
}

/// A save that found a colleague writing (an import, say). Its form stays open with
/// the typing and says what it is waiting for; the loop tries again every
/// [`RETRY_EVERY`] without holding up the keys, until the save goes through or the
/// user changes or closes the form (a hang-up meanwhile keeps it as a draft).
struct PendingSave {
    request: Box<SaveRequest>,
    /// The form's fields when Enter was pressed: once the user edits the form, this
    /// change is no longer what they want, and Enter saves the new one.
    fields: serde_json::Value,
    next_try: Instant,
}

/// The loop's state besides the app.
struct Loop<'a, S, E> {
    screen: &'a mut S,
    events: &'a mut E,
    store: &'a mut Store,
    loader: Loader,
    app: App,
    /// The key table, colours and mouse setting, for key translation and drawing.
    ctx: Ctx,
    frames: FrameCheck,
    /// The open form's fields as last kept as a draft, and when to look again.
    draft: (Option<serde_json::Value>, Instant),
    pending: Option<PendingSave>,
    seen_version: i64,
    access: AccessQueue,
    /// Where the scope is remembered, and the scope last remembered.
    remembered: (Option<Remembered>, Scope),
    /// How long the last draft and the access log wait for the lock on the way out.
    patience: Duration,
    /// Something happened since the last frame that may change it.
    dirty: bool,
}

impl<'a, S: Screen, E: Events> Loop<'a, S, E> {
    /// Shows the first frame at once and asks for the snapshot in the background
    /// (seconds on a very large caseload); offers back a draft left last time.
    fn start(
        screen: &'a mut S,
        events: &'a mut E,
        store: &'a mut Store,
        start: Start,
        patience: Duration,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let ctx = Ctx::new(&start.settings, Theme::from_settings(&start.settings));
        let size = screen.size()?;
        let remembered = start.remembered;
        let mut app = App::new(events.now(), start.session, &start.settings, size);
        if let Some(scope) = start
            .scope
            .or_else(|| remembered.as_ref().and_then(Remembered::scope))
        {
            app = app.starting_in(scope);
        }
        let loader = Loader::spawn(&store.target(), app.rules().triage.clone())?;
        let seen_version = store.data_version()?;
        let mut this = Self {
            remembered: (remembered, app.scope()),
            frames: FrameCheck::new(app.size()),
            screen,
            events,
            store,
            loader,
            ctx,
            draft: (None, Instant::now() + DRAFT_EVERY),
            pending: None,
            seen_version,
            access: AccessQueue::default(),
            patience,
            dirty: true,
            app,
        };
        if let Some(first) = this.app.update(Action::Reload) {
            this.carry_out(first);
        }
        if !this.app.session().read_only {
            if let Some(offer) = find_draft(this.store, &this.app.session().login)? {
                this.dispatch(Done::DraftFound(Box::new(offer)))?;
            }
        }
        Ok(this)
    }

    /// Runs until the user quits or the terminal goes; then writes what is left of
    /// the access log's queue. A terminal that fails (a write to a connection that
    /// dropped before its hang-up was seen) still leaves the open form as a draft.
    fn run(mut self) -> Result<App, Box<dyn std::error::Error>> {
        if let Err(error) = self.turn_until_done() {
            // The error is what the user needs to hear; a draft that cannot be kept
            // either adds nothing to it.
            let _ = self.keep_last_draft();
            return Err(error);
        }
        self.access
            .finish(self.store, &self.app.session().login, self.patience)?;
        Ok(self.app)
    }

    /// Turns the loop until the user quits or the terminal hangs up.
    fn turn_until_done(&mut self) -> Result<(), Box<dyn std::error::Error>> {
        while !self.app.quitting() {
            if self.events.stopping() {
                // The SSH connection dropped (SIGHUP) or we were asked to stop: keep
                // the typing, then leave.
                self.keep_last_draft()?;
                break;
            }
            self.retry_pending_save()?;
            self.keep_draft_when_due()?;
            self.remember_scope();
            self.draw_if_changed()?;
            // After the frame: the record is on screen before its opening is written.
            if self.access.due() {
                if let Some(message) = self.access.flush(self.store, &self.app.session().login) {
                    self.dispatch(Done::Failed(message))?;
                    self.draw_if_changed()?;
                }
            }
            if self.take_delivery()? {
                // Show what the reader delivered now, not after the next wait.
                self.dirty = true;
                continue;
            }
            self.dirty = false;
            let wait = self.next_wait();
            match self.events.next(&self.app, wait)? {
                Input::HungUp => {
                    self.keep_last_draft()?;
                    break;
                }
                Input::Woken => {}
                Input::Quiet => self.every_second()?,
                Input::Event(event) => self.handle(&event)?,
            }
        }
        Ok(())
    }

    /// Feeds `message` to `App::update` and carries out what it asks for, feeding each
    /// result back in turn, until nothing more is asked.
    fn dispatch(&mut self, message: impl Into<Message>) -> std::io::Result<()> {
        let mut next = self.app.update(message);
        while let Some(effect) = next.take() {
            let done = match effect {
                Effect::Quit => None,
                Effect::Redraw => {
                    self.screen.clear()?;
                    self.frames.forget();
                    None
                }
                Effect::Suspend => {
                    self.screen.suspend()?;
                    self.frames.forget();
                    None
                }
                Effect::LogAccess(id) => {
                    self.access.take(id, self.events.now());
                    None
                }
                Effect::Save(request) => self.first_try(request),
                effect => self.carry_out(effect),
            };
            next = done.and_then(|done| self.app.update(done));
        }
        Ok(())
    }

    /// Carries out a store effect; a failure comes back as a sentence (a closed form
    /// whose draft cannot be dropped yet says so).
    fn carry_out(&mut self, effect: Effect) -> Option<Done> {
        let discarding = matches!(effect, Effect::DiscardDraft { .. });
        let actor = actor(&self.app);
        let mut interpreter = Interpreter {
            store: &mut *self.store,
            loader: &mut self.loader,
        };
        match interpreter.perform(effect, &actor) {
            Ok(done) => done,
            Err(StoreError::Busy { holder, .. }) if discarding => Some(Done::Failed(format!(
                "Closed. Its draft stays while {} writes: discard it if it is offered next time.",
                describe_holder(holder.as_ref())
            ))),
            Err(error) => Some(failed(error)),
        }
    }

    /// Saves the open form's change; if a colleague holds the lock, keeps it pending.
    fn first_try(&mut self, request: Box<SaveRequest>) -> Option<Done> {
        let fields = self.app.form()?.to_json();
        Some(self.try_save(PendingSave {
            request,
            fields,
            next_try: Instant::now(),
        }))
    }

    /// Tries a save; one that meets a colleague's write is kept to try again.
    fn try_save(&mut self, save: PendingSave) -> Done {
        let actor = actor(&self.app);
        let mut interpreter = Interpreter {
            store: &mut *self.store,
            loader: &mut self.loader,
        };
        match interpreter.save(&save.request, &actor) {
            Ok(done) => done,
            Err(StoreError::Busy { holder, .. }) => {
                self.pending = Some(PendingSave {
                    next_try: Instant::now() + RETRY_EVERY,
                    ..save
                });
                Done::SaveWaiting(describe_holder(holder.as_ref()))
            }
            Err(error) => failed(error),
        }
    }

    /// Tries a pending save again once due, unless its form has closed or changed.
    ///
    /// A retry takes the lock only if it is free at once, and the loop makes it right
    /// after looking for a hang-up: were it to wait, a hang-up arriving meanwhile could
    /// be followed by the colleague's write ending and the save going through, though
    /// nobody saw it and the loop was about to keep the form as a draft.
    fn retry_pending_save(&mut self) -> std::io::Result<()> {
        let Some(save) = self.pending.take_if(|p| Instant::now() >= p.next_try) else {
            return Ok(());
        };
        self.dirty = true;
        let done = match self.app.form() {
            None => return Ok(()),
            Some(form) if form.to_json() != save.fields => Done::SaveOutdated,
            Some(_) => {
                self.store.set_lock_wait(Duration::ZERO);
                let done = self.try_save(save);
                self.store.set_lock_wait(LOCK_TRY);
                done
            }
        };
        self.dispatch(done)
    }

    /// Installs a snapshot or a return the background reader has finished, if any;
    /// true if one arrived.
    fn take_delivery(&mut self) -> std::io::Result<bool> {
        let delivery = match self.loader.poll() {
            Ok(None) => return Ok(false),
            Ok(Some(delivery)) => Ok(delivery),
            Err(error) => Err(error),
        };
        for done in delivered(delivery) {
            let snapshot = matches!(done, Done::Loaded(_));
            self.dispatch(done)?;
            if snapshot {
                release_freed_memory();
            }
        }
        Ok(true)
    }

    /// What a terminal event asks for, carried out.
    fn handle(&mut self, event: &Event) -> std::io::Result<()> {
        let action = match event {
            Event::Key(key) => self.ctx.keys.action_for(self.app.mode(), key),
            Event::Resize(columns, rows) => Some(Action::Resize(*columns, *rows)),
            Event::Mouse(mouse) => keys::mouse_action(self.app.mode(), mouse),
            _ => None,
        };
        let Some(action) = action else {
            return Ok(());
        };
        self.dirty = true;
        self.dispatch(action)
    }

    /// Once a second, when idle: colleagues' commits, then the clock (countdowns move
    /// by the minute). Nothing is written to the terminal unless the frame differs.
    fn every_second(&mut self) -> std::io::Result<()> {
        let version = match self.store.data_version() {
            Ok(version) => version,
            Err(error) => {
                self.dirty = true;
                return self.dispatch(Done::Failed(error.to_string()));
            }
        };
        if version != self.seen_version {
            self.seen_version = version;
            self.dirty = true;
            self.dispatch(Action::ChangedElsewhere)?;
        }
        let now = self.events.now();
        let then = self.app.now();
        if (now.date(), now.hour(), now.minute()) != (then.date(), then.hour(), then.minute()) {
            self.dirty = true;
            self.dispatch(Action::Tick(now))?;
        }
        Ok(())
    }

    /// Draws the app if something happened and the frame differs from the last one.
    fn draw_if_changed(&mut self) -> std::io::Result<()> {
        if self.dirty && self.frames.changed(&self.app, &self.ctx) {
            self.screen.draw(&self.app, &self.ctx)?;
        }
        Ok(())
    }

    /// Saves the open form as a draft once due, then sets the next time. A colleague
    /// writing only puts the draft off to the next round; other failures are shown.
    fn keep_draft_when_due(&mut self) -> std::io::Result<()> {
        if Instant::now() < self.draft.1 {
            return Ok(());
        }
        self.draft.1 = Instant::now() + DRAFT_EVERY;
        match save_draft(self.store, &self.app, &mut self.draft.0) {
            Err(error) if !matches!(error, StoreError::Busy { .. }) => {
                self.dirty = true;
                self.dispatch(Done::Failed(error.to_string()))
            }
            _ => Ok(()),
        }
    }

    /// Keeps the typing of the open form before leaving, waiting for the lock as long
    /// as the process allows: nobody is at the keys any more.
    fn keep_last_draft(&mut self) -> Result<(), StoreError> {
        self.store.set_lock_wait(self.patience);
        save_draft(self.store, &self.app, &mut self.draft.0)
    }

    /// Remembers the scope the user moved to, for the next session on this database.
    fn remember_scope(&mut self) {
        let (remembered, left_in) = &mut self.remembered;
        if self.app.scope() != *left_in {
            *left_in = self.app.scope();
            // Only a convenience: a scope that cannot be remembered is not worth a message.
            if let Some(remembered) = remembered {
                let _ = remembered.keep(*left_in);
            }
        }
    }

    /// How long the loop may wait for input: while the reader is busy for us, it
    /// looks for its answer every 10 ms (a first screen shows up to that much after it
    /// is read; the wait costs a wake-up, only while a read is under way); otherwise it
    /// wakes once a second, sooner if a pending save or the access log's queue is due.
    fn next_wait(&self) -> Duration {
        let mut wait = if self.app.loading() || self.app.report_pending() {
            Duration::from_millis(10)
        } else {
            Duration::from_secs(1)
        };
        for due in [
            self.pending.as_ref().map(|save| save.next_try),
            self.access.next_try(),
        ]
        .into_iter()
        .flatten()
        {
            wait = wait.min(due.saturating_duration_since(Instant::now()));
        }
        wait
    }
}

/// What went wrong carrying out an effect, in words (a colleague's write in progress
/// is named, and nothing was changed).
fn failed(error: StoreError) -> Done {
    Done::Failed(match error {
        StoreError::Busy { holder, .. } => format!(
            "Nothing changed: {} is writing to the database; try again when it is done.",
            describe_holder(holder.as_ref())
        ),
        error => error.to_string(),
    })
}
