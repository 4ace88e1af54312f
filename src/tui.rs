//! Terminal setup and restore, and the event loop: key -> action -> update -> effect
//! -> store -> new snapshot -> draw. Draws only when something changed, so an idle
//! session writes nothing to the terminal.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, Timelike};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::{DefaultTerminal, Terminal};

use crate::action::{Action, Effect};
use crate::app::{App, Data, DraftOffer, Scope, Session, View};
use crate::config::Settings;
use crate::domain::model::CaseloadRow;
use crate::domain::triage::TriageConfig;
use crate::edit;
use crate::form::{self, Form, FormKind};
use crate::keys;
use crate::loader::{Delivery, Loader};
use crate::report::{self, ReportOptions};
use crate::signals::StopRequest;
use crate::state::Remembered;
use crate::store::{
    AccessEntry, Actor, Change, Looked, Offences, Store, StoreError, StoreResult, describe_holder,
};
use crate::ui::{self, theme::Theme};
use crate::wallclock::WallClock;

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

/// Reads the snapshot for the app's scope at `now`.
///
/// # Errors
/// A store error.
pub fn load(store: &Store, app: &App, now: NaiveDateTime) -> StoreResult<Data> {
    let (area, worker) = app.scope_limits();
    load_scope(
        store,
        (area, worker),
        now,
        &app.settings.triage,
        &app.data.caseload,
    )
}

/// Reads the snapshot for a scope given by its limits (area, worker) at `now`, and
/// derives what its lists are built from (`triage` ranks the Today queue). Caseload
/// rows unchanged since `previous` are shared with it.
///
/// # Errors
/// A store error.
pub fn load_scope(
    store: &Store,
    (area, worker): (Option<i64>, Option<i64>),
    now: NaiveDateTime,
    triage: &TriageConfig,
    previous: &[Arc<CaseloadRow>],
) -> StoreResult<Data> {
    let mut data = Data {
        areas: store.area_summaries(now.date())?,
        workers: store.workers()?,
        caseload: store.caseload(area, worker, previous)?,
        breaches: store.breaches(true)?,
        dealt_with: store.breaches(false)?,
        releases: store.releases()?,
        loaded_at: Some(now),
        ..Data::default()
    };
    data.derive(now, triage);
    Ok(data)
}

/// Builds the app and its first snapshot.
///
/// # Errors
/// A store error.
pub fn initial_app(
    store: &Store,
    session: Session,
    settings: Settings,
    now: NaiveDateTime,
    size: (u16, u16),
) -> StoreResult<App> {
    let mut app = App::new(now, session, settings, size);
    let data = load(store, &app, now)?;
    app.set_data(data);
    Ok(app)
}

/// Who is writing, and when: the session's login at the app's current time.
fn actor(app: &App) -> Actor {
    Actor {
        login: app.session.login.clone(),
        now: app.now,
    }
}

/// How the lists are refreshed after a reload request or a change: at once, or by
/// the background reader.
trait Refresh {
    /// Starts (or does) the refresh of the snapshot for the app's scope.
    fn refresh(&mut self, store: &Store, app: &mut App) -> StoreResult<()>;

    /// Starts (or does) counting the return described by `options`.
    fn report(&mut self, store: &Store, app: &mut App, options: ReportOptions) -> StoreResult<()>;
}

/// Reads and installs the snapshot before returning (tests and benchmarks).
struct AtOnce;

impl Refresh for AtOnce {
    fn refresh(&mut self, store: &Store, app: &mut App) -> StoreResult<()> {
        let data = load(store, app, app.now)?;
        install(store, app, data, self)
    }

    fn report(&mut self, store: &Store, app: &mut App, options: ReportOptions) -> StoreResult<()> {
        app.set_report(report::build(store, &options, app.today())?);
        Ok(())
    }
}

/// Asks the background reader; the snapshot is installed when it arrives, so the keys
/// never wait for a large caseload to be read.
impl Refresh for Loader {
    fn refresh(&mut self, _store: &Store, app: &mut App) -> StoreResult<()> {
        self.request(app.scope_limits(), app.now, &app.data.caseload);
        app.loading = true;
        Ok(())
    }

    fn report(&mut self, _store: &Store, app: &mut App, options: ReportOptions) -> StoreResult<()> {
        app.await_report(&options);
        self.request_report(options, app.today());
        Ok(())
    }
}

/// Carries out a store effect and installs what it read, before returning. Terminal
/// effects (quit, suspend, redraw) are the loop's and pass through untouched.
///
/// # Errors
/// A store error (a refused save is not an error: it is shown on the form).
pub fn perform(store: &mut Store, app: &mut App, effect: Effect) -> StoreResult<()> {
    perform_with(store, app, effect, &mut AtOnce)
}

/// [`perform`], refreshing the lists through `refresh`.
fn perform_with(
    store: &mut Store,
    app: &mut App,
    effect: Effect,
    refresh: &mut dyn Refresh,
) -> StoreResult<()> {
    match effect {
        Effect::Reload => refresh.refresh(store, app)?,
        Effect::OpenClient(id) => app.open_client(store.client_record(id)?),
        Effect::OpenClientByReference(reference) => {
            match store.client_id_by_reference(&reference)? {
                Some(id) => app.open_client(store.client_record(id)?),
                None => app.message = Some(format!("no client with reference '{reference}'")),
            }
        }
        Effect::OpenForm {
            kind,
            client_id,
            clients,
        } => {
            let context = form::context::read(store, app.form_seed(), kind, client_id, &clients)?;
            app.show_form(Form::open(kind, context));
        }
        Effect::Save(change) => {
            let next = edit::save(store, app, &actor(app), &change)?;
            if app.form.is_none() {
                after_change(store, app, refresh)?;
            }
            if let Some(next) = next {
                perform_with(store, app, next, refresh)?;
            }
        }
        Effect::Undo(receipt) => {
            match store.undo(&actor(app), &receipt) {
                Ok(undone) => app.message = Some(edit::undone_message(&undone)),
                Err(error) => app.message = Some(format!("could not undo: {error}")),
            }
            after_change(store, app, refresh)?;
        }
        Effect::RestoreDraft(draft) => {
            if let Some(kind) = FormKind::from_draft_key(&draft.form) {
                let context =
                    form::context::read(store, app.form_seed(), kind, draft.client_id, &[])?;
                let mut form = Form::open(kind, context);
                form.restore(&draft.fields);
                app.show_form(form);
                if draft.form != kind.draft_key() {
                    // Stored under an older name: from now on it is kept under the key.
                    store.discard_draft(
                        &actor(app),
                        kind.stored_name(&draft.form),
                        draft.client_id,
                    )?;
                }
            }
        }
        Effect::DiscardDraft { form, client_id } => {
            store.discard_draft(&actor(app), form, client_id)?;
        }
        Effect::LoadReport(options) => refresh.report(store, app, options)?,
        Effect::RecordOffences {
            quarter,
            reference,
            counts,
        } => {
            let [before, during, after_3m, after_12m] = counts;
            let offences = Offences {
                before,
                during,
                after_3m,
                after_12m,
            };
            match store.set_offences(&actor(app), &quarter, &reference, offences) {
                Ok(()) => {
                    app.message = Some(format!(
                        "Recorded offences for {reference} in the {quarter} sample."
                    ));
                    if let Some(effect) = app.report_effect() {
                        perform_with(store, app, effect, refresh)?;
                    }
                }
                Err(error) => app.message = Some(error.to_string()),
            }
        }
        Effect::Quit | Effect::Suspend | Effect::Redraw => {}
    }
    Ok(())
}

/// After a save or an undo: refresh the lists, and reload the record on screen (one
/// client: at once).
fn after_change(store: &Store, app: &mut App, refresh: &mut dyn Refresh) -> StoreResult<()> {
    refresh.refresh(store, app)?;
    if let Some(id) = app.client.as_ref().map(|c| c.profile.id) {
        app.refresh_client(store.client_record(id)?);
    }
    Ok(())
}

/// Installs a fresh snapshot, however it was read, and recounts the return through
/// `refresh` when the Report view is showing (its figures come from the same records).
fn install(store: &Store, app: &mut App, data: Data, refresh: &mut dyn Refresh) -> StoreResult<()> {
    app.set_data(data);
    release_freed_memory();
    if app.view == View::Report {
        refresh.report(store, app, app.report_options())?;
    }
    Ok(())
}

/// Keeps large allocations (a snapshot's vectors) out of glibc's heap: by default the
/// threshold for mapping them separately rises after the first one is freed, and every
/// later snapshot then fragments the heap instead of going back to the system.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes an allocator setting; no allocation is touched.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// Hands the pages of the snapshot just dropped back to the system. glibc keeps freed
/// memory in its arenas, and the snapshots are built on the reader's thread and freed
/// on this one, so without this the resident size crept up with every reload.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the kernel; it touches no
    // allocation in use and has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Offers back the newest draft this login left behind, if any.
///
/// # Errors
/// A store error.
pub fn offer_drafts(store: &Store, app: &mut App) -> StoreResult<()> {
    let Some(draft) = store.drafts(&app.session.login)?.into_iter().next() else {
        return Ok(());
    };
    let reference = match draft.client_id {
        Some(id) => format!(" for {}", store.client_record(id)?.profile.reference),
        None => String::new(),
    };
    let description = format!(
        "unsaved {}{reference} from {}",
        draft.form,
        draft.saved_at.format("%d/%m %H:%M")
    );
    app.offer_draft(DraftOffer { draft, description });
    Ok(())
}

/// Saves the open form as a draft if it has changed since it was last saved.
fn save_draft(
    store: &mut Store,
    app: &App,
    last: &mut Option<serde_json::Value>,
) -> StoreResult<()> {
    let Some(form) = app.form.as_ref().filter(|f| f.is_changed()) else {
        return Ok(());
    };
    let fields = form.to_json();
    if last.as_ref() != Some(&fields) {
        store.save_draft(
            &actor(app),
            form.kind.draft_key(),
            form.context.client.map(|c| c.id),
            &fields,
        )?;
        *last = Some(fields);
    }
    Ok(())
}

/// Runs the TUI until the user quits. The terminal is restored on return, on error,
/// on hang-up and (through ratatui's panic hook, and ours for the mouse) on panic.
///
/// # Errors
/// A terminal or store error.
pub fn run(
    store: &mut Store,
    session: Session,
    settings: Settings,
    clock: WallClock,
    scope: Option<Scope>,
) -> Result<(), Box<dyn std::error::Error>> {
    let stop = StopRequest::install()?;
    // Writes on the key thread only ever try briefly; waiting is the loop's job. The
    // last draft, after a hang-up, waits at least as long as the process would.
    let patience = store.lock_wait().max(LAST_DRAFT_WAIT);
    store.set_lock_wait(LOCK_TRY);
    let mouse = settings.mouse;
    let mut terminal = ratatui::init();
    let result = if mouse {
        release_mouse_on_panic();
        capture_mouse(true).map_err(Into::into)
    } else {
        Ok(())
    }
    .and_then(|()| {
        let ending = Ending { stop, patience };
        event_loop(
            &mut terminal,
            store,
            session,
            settings,
            clock,
            scope,
            &ending,
        )
    });
    if mouse {
        // After a hang-up there is no terminal to tell: nothing to do about an error.
        let _ = capture_mouse(false);
    }
    ratatui::restore();
    result
}

/// Turns the terminal's mouse reporting on or off. It must be off again on every way
/// out, or the shell left behind receives mouse escape codes as typing.
fn capture_mouse(on: bool) -> std::io::Result<()> {
    if on {
        crossterm::execute!(std::io::stdout(), EnableMouseCapture)
    } else {
        crossterm::execute!(std::io::stdout(), DisableMouseCapture)
    }
}

/// Chains a panic hook that turns mouse reporting off before the previous hook
/// (ratatui's, which restores the rest of the terminal) runs.
fn release_mouse_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = capture_mouse(false);
        previous(info);
    }));
}

/// How the loop ends besides quitting: a hang-up or terminate request, after which
/// the open form's draft is saved waiting up to `patience` for the lock.
struct Ending {
    stop: StopRequest,
    patience: Duration,
}

impl Ending {
    /// Keeps the typing of the open form before leaving, waiting for the lock as long
    /// as the process allows: nobody is at the keys any more.
    fn keep_draft(
        &self,
        store: &mut Store,
        app: &App,
        saved: &mut Option<serde_json::Value>,
    ) -> StoreResult<()> {
        store.set_lock_wait(self.patience);
        save_draft(store, app, saved)
    }
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    store: &mut Store,
    session: Session,
    settings: Settings,
    clock: WallClock,
    scope: Option<Scope>,
    ending: &Ending,
) -> Result<(), Box<dyn std::error::Error>> {
    let theme = Theme::from_settings(&settings);
    let size = terminal.size()?;
    // The first frame comes at once; the snapshot is read in the background and
    // swapped in when ready (seconds on a very large caseload).
    let mut app = App::new(clock.now(), session, settings, (size.width, size.height));
    // The scope asked for, else the one left last time on this database.
    let remembered = Remembered::for_user(store.path());
    if let Some(scope) = scope.or_else(|| remembered.as_ref().and_then(Remembered::scope)) {
        app.start_in(scope);
    }
    let mut left_in = app.scope;
    tune_allocator();
    let mut loader = Loader::spawn(store.path(), app.settings.triage.clone())?;
    loader.request(app.scope_limits(), app.now, &app.data.caseload);
    app.loading = true;
    if !app.session.read_only {
        offer_drafts(store, &mut app)?;
    }
    let mut frames = FrameCheck::new(app.size);
    let mut draft_saved: Option<serde_json::Value> = None;
    let mut draft_due = Instant::now() + DRAFT_EVERY;
    let mut pending: Option<PendingSave> = None;
    let mut seen_version = store.data_version()?;
    let mut access = AccessQueue::default();
    // Our own handle on the terminal, to notice a hang-up (see `wait_for_terminal`).
    let tty = std::fs::OpenOptions::new().read(true).open("/dev/tty")?;
    let mut dirty = true;
    while !app.quitting {
        if ending.stop.requested() {
            // The SSH connection dropped (SIGHUP) or we were asked to stop: keep the
            // typing, then leave.
            ending.keep_draft(store, &app, &mut draft_saved)?;
            break;
        }
        dirty |= draft_when_due(store, &mut app, &mut draft_saved, &mut draft_due);
        if app.scope != left_in {
            left_in = app.scope;
            // Only a convenience: a scope that cannot be remembered is not worth a message.
            if let Some(remembered) = &remembered {
                let _ = remembered.keep(left_in);
            }
        }
        if let Some(save) = pending.take_if(|p| Instant::now() >= p.next_try) {
            pending = save.retry(store, &mut app, &mut loader);
            dirty = true;
        }
        if dirty && frames.changed(&app, theme) {
            draw(terminal, &app, theme)?;
        }
        // After the frame: the record is on screen before its opening is written.
        if access.due() && access.flush(store, &mut app) && frames.changed(&app, theme) {
            draw(terminal, &app, theme)?;
        }
        if take_delivery(store, &mut app, &mut loader) {
            // Show what the reader delivered now, not after the next wait.
            dirty = true;
            continue;
        }
        dirty = false;
        let wait = next_wait(&app, pending.as_ref(), &access);
        if !event::poll(Duration::ZERO)? {
            match wait_for_terminal(&tty, wait)? {
                TtyState::HungUp => {
                    ending.keep_draft(store, &app, &mut draft_saved)?;
                    break;
                }
                // A key, or a signal such as a resize: crossterm reads it next time round.
                TtyState::Ready => continue,
                TtyState::Quiet => {}
            }
            match every_second(store, &mut app, &mut loader, &mut seen_version, clock) {
                Ok(changed) => dirty |= changed,
                Err(error) => {
                    app.message = Some(error.to_string());
                    dirty = true;
                }
            }
            continue;
        }
        let Some(action) = action_of(&app, &event::read()?) else {
            continue;
        };
        dirty = true;
        match app.update(action) {
            Some(Effect::Redraw) => {
                terminal.clear()?;
                frames.forget();
            }
            Some(Effect::Suspend) => {
                suspend(terminal, app.settings.mouse)?;
                frames.forget();
            }
            Some(effect) => carry_out(store, &mut app, effect, &mut loader, &mut pending),
            None => {}
        }
        access.take(&mut app, clock.now());
    }
    access.take(&mut app, clock.now());
    access.finish(store, &app, ending.patience)
}

/// Saves the open form as a draft once `due`, then sets the next time; true if a
/// message must be shown. A colleague writing (Busy) only puts the draft off to the
/// next round.
fn draft_when_due(
    store: &mut Store,
    app: &mut App,
    saved: &mut Option<serde_json::Value>,
    due: &mut Instant,
) -> bool {
    if Instant::now() < *due {
        return false;
    }
    *due = Instant::now() + DRAFT_EVERY;
    match save_draft(store, app, saved) {
        Err(error) if !matches!(error, StoreError::Busy { .. }) => {
            app.message = Some(error.to_string());
            true
        }
        _ => false,
    }
}

/// The action a terminal event asks for, if any.
fn action_of(app: &App, event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) => app.keys.action_for(app.mode, key),
        Event::Resize(columns, rows) => Some(Action::Resize(*columns, *rows)),
        Event::Mouse(mouse) => keys::mouse_action(app.mode, mouse),
        _ => None,
    }
}

/// How long the loop may wait for the terminal: while the reader is busy for us, it
/// looks for its answer often; otherwise it wakes once a second, sooner if a pending
/// save or the access log's queue is due.
fn next_wait(app: &App, pending: Option<&PendingSave>, access: &AccessQueue) -> Duration {
    let mut wait = if app.loading || app.report_pending {
        Duration::from_millis(50)
    } else {
        Duration::from_secs(1)
    };
    for due in [pending.map(|save| save.next_try), access.next_try()]
        .into_iter()
        .flatten()
    {
        wait = wait.min(due.saturating_duration_since(Instant::now()));
    }
    wait
}

/// Client records opened and not yet in the access log. Opening a record only queues
/// it; the loop writes the queue in one short transaction after the frame is drawn,
/// never waiting for the lock: if a colleague is writing, the queue is kept and tried
/// again a second later. Nothing is dropped: rows that still cannot be written when
/// the session ends are reported on the way out.
#[derive(Default)]
struct AccessQueue {
    entries: Vec<AccessEntry>,
    next_try: Option<Instant>,
    /// The last failure shown, so that it is shown once, not every try.
    shown: Option<String>,
}

/// How soon a queue that met a colleague's write is tried again.
const ACCESS_RETRY: Duration = Duration::from_secs(1);

/// How soon a queue that could not be written for another reason is tried again.
const ACCESS_RETRY_FAILED: Duration = Duration::from_secs(30);

impl AccessQueue {
    /// Takes the records the app opened, stamped `now`. The same record opened again
    /// within the same minute is one row.
    fn take(&mut self, app: &mut App, now: NaiveDateTime) {
        for id in app.opened.drain(..) {
            let minute = now.format("%Y-%m-%d %H:%M").to_string();
            let repeat = self.entries.iter().any(|e| {
                e.looked == Looked::Record(id)
                    && e.at.format("%Y-%m-%d %H:%M").to_string() == minute
            });
            if !repeat {
                self.entries.push(AccessEntry {
                    at: now,
                    looked: Looked::Record(id),
                });
                self.next_try.get_or_insert_with(Instant::now);
            }
        }
    }

    /// When the queue should next be written, if it holds anything.
    fn next_try(&self) -> Option<Instant> {
        self.next_try.filter(|_| !self.entries.is_empty())
    }

    /// Whether the queue should be written now.
    fn due(&self) -> bool {
        self.next_try().is_some_and(|at| Instant::now() >= at)
    }

    /// Writes the queue without waiting for the lock; true if a message was shown.
    fn flush(&mut self, store: &mut Store, app: &mut App) -> bool {
        match store.log_access(&app.session.login, &self.entries, Duration::ZERO) {
            Ok(()) => {
                self.entries.clear();
                self.next_try = None;
                self.shown = None;
                false
            }
            Err(StoreError::Busy { .. }) => {
                self.next_try = Some(Instant::now() + ACCESS_RETRY);
                false
            }
            Err(error) => {
                self.next_try = Some(Instant::now() + ACCESS_RETRY_FAILED);
                let text = format!(
                    "Opened records are not yet in the access log ({} kept, tried again every 30 s): {error}",
                    self.entries.len()
                );
                let changed = self.shown.as_deref() != Some(text.as_str());
                if changed {
                    app.message = Some(text.clone());
                    self.shown = Some(text);
                }
                changed
            }
        }
    }

    /// Writes what is left when the session ends, waiting up to `patience` for the lock.
    fn finish(
        &mut self,
        store: &mut Store,
        app: &App,
        patience: Duration,
    ) -> Result<(), Box<dyn std::error::Error>> {
        store
            .log_access(&app.session.login, &self.entries, patience)
            .map_err(|error| {
                format!(
                    "{} opened client record(s) could not be written to the access log: {error}. \
                     Tell your team leader which records you opened",
                    self.entries.len()
                )
                .into()
            })
    }
}

/// Carries out an effect of a key: a save that meets a colleague's write is left
/// `pending` (see [`PendingSave`]), a closed form whose draft cannot be dropped yet
/// says so, and any other failure is shown.
fn carry_out(
    store: &mut Store,
    app: &mut App,
    effect: Effect,
    loader: &mut Loader,
    pending: &mut Option<PendingSave>,
) {
    match effect {
        Effect::Save(change) => *pending = PendingSave::first_try(store, app, change, loader),
        // The form is already closed: only its draft is left behind.
        effect @ Effect::DiscardDraft { .. } => match perform_with(store, app, effect, loader) {
            Err(StoreError::Busy { holder, .. }) => {
                app.message = Some(format!(
                    "Closed. Its draft stays while {} writes: discard it if it is offered next time.",
                    describe_holder(holder.as_ref())
                ));
            }
            result => show_error(app, result),
        },
        effect => {
            let result = perform_with(store, app, effect, loader);
            show_error(app, result);
        }
    }
}

/// A save that found a colleague writing (an import, say). Its form stays open with
/// the typing and says what it is waiting for; the loop tries again every
/// [`RETRY_EVERY`] without holding up the keys, until the save goes through or the
/// user changes or closes the form (a hang-up meanwhile keeps it as a draft).
struct PendingSave {
    change: Box<Change>,
    /// The form's fields when Enter was pressed: once the user edits the form, this
    /// change is no longer what they want, and Enter saves the new one.
    fields: serde_json::Value,
    next_try: Instant,
}

impl PendingSave {
    /// Saves the open form's `change`; if the lock is taken, keeps it pending.
    fn first_try(
        store: &mut Store,
        app: &mut App,
        change: Box<Change>,
        loader: &mut Loader,
    ) -> Option<Self> {
        let fields = app.form.as_ref()?.to_json();
        Self {
            change,
            fields,
            next_try: Instant::now(),
        }
        .retry(store, app, loader)
    }

    /// Tries the save again: `None` once it is done (saved, refused with a reason on
    /// the form, or no longer wanted), or itself to try later.
    fn retry(self, store: &mut Store, app: &mut App, loader: &mut Loader) -> Option<Self> {
        let form = app.form.as_mut()?;
        if form.to_json() != self.fields {
            form.notice = Some(
                "Not saved yet: the database was busy. Press Enter to save the form as it is now."
                    .to_owned(),
            );
            return None;
        }
        let result = perform_with(store, app, Effect::Save(self.change.clone()), loader);
        match (result, app.form.as_mut()) {
            // The save was refused for the lock alone: the form is still open.
            (Err(StoreError::Busy { holder, .. }), Some(form)) => {
                form.notice = Some(format!(
                    "Not saved yet: waiting for {} to finish. This form stays open and saves by itself as soon as it can; if you change it, press Enter again.",
                    describe_holder(holder.as_ref())
                ));
                Some(Self {
                    next_try: Instant::now() + RETRY_EVERY,
                    ..self
                })
            }
            (result, _) => {
                show_error(app, result);
                None
            }
        }
    }
}

/// Shows what went wrong carrying out an effect, in words (a colleague's write in
/// progress is named, and nothing was changed).
fn show_error(app: &mut App, result: StoreResult<()>) {
    match result {
        Ok(()) => {}
        Err(StoreError::Busy { holder, .. }) => {
            app.message = Some(format!(
                "Nothing changed: {} is writing to the database; try again when it is done.",
                describe_holder(holder.as_ref())
            ));
        }
        Err(error) => app.message = Some(error.to_string()),
    }
}

/// Installs a snapshot or a return the background reader has finished, if any; true
/// if the screen must be redrawn.
fn take_delivery(store: &Store, app: &mut App, loader: &mut Loader) -> bool {
    let done = match loader.poll() {
        Ok(Some(Delivery::Snapshot(data))) => {
            app.loading = false;
            data.and_then(|data| install(store, app, data, loader))
        }
        Ok(Some(Delivery::Report(report))) => {
            app.report_pending = false;
            report.map(|report| app.set_report(report))
        }
        Ok(None) => return false,
        // The reader has gone: nothing more will arrive.
        Err(error) => {
            app.loading = false;
            app.report_pending = false;
            Err(error)
        }
    };
    if let Err(error) = done {
        app.message = Some(error.to_string());
    }
    true
}

/// Once a second, when idle: colleagues' commits, then the clock (countdowns move by
/// the minute). Returns whether the screen may have changed; nothing is written unless
/// the frame really differs.
fn every_second(
    store: &mut Store,
    app: &mut App,
    loader: &mut Loader,
    seen_version: &mut i64,
    clock: WallClock,
) -> StoreResult<bool> {
    let mut changed = false;
    let version = store.data_version()?;
    if version != *seen_version {
        *seen_version = version;
        changed = true;
        if let Some(effect) = app.update(Action::ChangedElsewhere) {
            perform_with(store, app, effect, loader)?;
        }
    }
    let now = clock.now();
    if (now.date(), now.hour(), now.minute()) != (app.now.date(), app.now.hour(), app.now.minute())
    {
        changed = true;
        if let Some(effect) = app.update(Action::Tick(now)) {
            perform_with(store, app, effect, loader)?;
        }
    }
    Ok(changed)
}

/// What waiting on the terminal found.
enum TtyState {
    /// Input, or a signal (resize, hang-up request) to look at.
    Ready,
    /// Nothing within the wait.
    Quiet,
    /// The terminal hung up: its connection is gone.
    HungUp,
}

/// Waits up to `wait` for the terminal, with poll(2) on our own handle to it.
///
/// crossterm's reader spins for ever on a terminal that has hung up (its read loop
/// only stops on "would block"), so a dropped SSH connection would leave a session
/// busy on the shared server. Waiting here first sees the hang-up (POLLHUP) and lets
/// the loop save drafts and leave; crossterm only reads once input is there. Signals
/// end the wait early (poll(2) is never restarted), so resizes arrive at once.
fn wait_for_terminal(tty: &std::fs::File, wait: Duration) -> std::io::Result<TtyState> {
    use std::os::fd::AsRawFd;
    let mut fds = libc::pollfd {
        fd: tty.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let timeout = i32::try_from(wait.as_millis()).unwrap_or(i32::MAX);
    // SAFETY: `fds` is one valid pollfd for the duration of the call.
    let ready = unsafe { libc::poll(&raw mut fds, 1, timeout) };
    if ready < 0 {
        let error = std::io::Error::last_os_error();
        return match error.kind() {
            std::io::ErrorKind::Interrupted => Ok(TtyState::Ready),
            _ => Err(error),
        };
    }
    Ok(
        if fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            TtyState::HungUp
        } else if ready == 0 {
            TtyState::Quiet
        } else {
            TtyState::Ready
        },
    )
}

/// Renders off screen and compares with the last frame drawn, so an idle session (or
/// a tick that changes nothing visible) writes no bytes at all to a slow link.
struct FrameCheck {
    scratch: Terminal<TestBackend>,
    last: Option<Buffer>,
}

impl FrameCheck {
    fn new(size: (u16, u16)) -> Self {
        Self {
            scratch: Self::terminal(size),
            last: None,
        }
    }

    fn terminal(size: (u16, u16)) -> Terminal<TestBackend> {
        // TestBackend cannot fail to create or draw; `expect` documents that.
        #[allow(clippy::expect_used)]
        Terminal::new(TestBackend::new(size.0, size.1)).expect("in-memory terminal")
    }

    /// Whether the app would draw something different from the last frame.
    fn changed(&mut self, app: &App, theme: Theme) -> bool {
        if self
            .scratch
            .size()
            .is_ok_and(|s| (s.width, s.height) != app.size)
        {
            self.scratch = Self::terminal(app.size);
            self.last = None;
        }
        if self
            .scratch
            .draw(|frame| ui::render(frame, app, theme))
            .is_err()
        {
            return true;
        }
        let buffer = self.scratch.backend().buffer().clone();
        let changed = self.last.as_ref() != Some(&buffer);
        self.last = Some(buffer);
        changed
    }

    /// The screen was cleared: the next frame must be drawn in full.
    fn forget(&mut self) {
        self.last = None;
    }
}

/// Gives the terminal back to the shell and stops (as Ctrl-Z does in any program),
/// then takes it back (with the mouse, if captured) and repaints once resumed.
fn suspend(terminal: &mut DefaultTerminal, mouse: bool) -> std::io::Result<()> {
    if mouse {
        capture_mouse(false)?;
    }
    ratatui::restore();
    // SAFETY: raising SIGTSTP on our own process has no memory-safety preconditions.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    // What `ratatui::init` does, without chaining one more panic hook per resume.
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(
        terminal.backend_mut(),
        crossterm::terminal::EnterAlternateScreen
    )?;
    if mouse {
        capture_mouse(true)?;
    }
    terminal.clear()
}

/// Draws one frame inside a synchronized update, so slow links never show half a frame.
fn draw(terminal: &mut DefaultTerminal, app: &App, theme: Theme) -> std::io::Result<()> {
    crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|frame| ui::render(frame, app, theme))?;
    crossterm::queue!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    terminal.backend_mut().flush()
}
