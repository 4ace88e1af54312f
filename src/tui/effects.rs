//! The effect interpreter: carries an [`Effect`] out on the store (one transaction
//! per write) or hands it to the background reader, and says what came of it as a
//! [`Done`] for `App::update`. It never sees the app. Also here: drafts (found at
//! start, kept while typing), and [`perform`], which drives the same interpreter and
//! reader to completion for callers without a terminal.

use crate::action::{Action, Done, Effect, Refusal, SaveRequest};
use crate::app::{App, DraftOffer, Session};
use crate::config::Settings;
use crate::domain::write::Draft;
use crate::form::{self, Form, FormContext, FormKind};
use crate::loader::{Delivery, Loader};
use crate::store::{Actor, Offences, Store, StoreError, StoreResult};

/// Who is writing, and when: the session's login at the app's current time (which
/// also gives the day a return is produced on).
pub fn actor(app: &App) -> Actor {
    Actor {
        login: app.session().login.clone(),
        now: app.now(),
    }
}

/// The store and the background reader, for the span of one effect.
pub struct Interpreter<'a> {
    /// Where writes and the reads a key waits for go.
    pub store: &'a mut Store,
    /// Where snapshots and returns are read, off the key thread.
    pub loader: &'a mut Loader,
}

impl Interpreter<'_> {
    /// Carries out `effect` as `actor`. Terminal effects (quit, suspend, redraw) and
    /// the access log's queue are the loop's: they come back as nothing.
    ///
    /// # Errors
    /// A store error; a refused save is not one (it comes back as
    /// [`Done::SaveRefused`]), but a save that met a colleague's write is
    /// ([`StoreError::Busy`]: nothing was written and the loop may try again).
    pub fn perform(&mut self, effect: Effect, actor: &Actor) -> StoreResult<Option<Done>> {
        Ok(match effect {
            Effect::Reload { snapshot, record } => {
                self.loader.request_snapshot(&snapshot);
                match record {
                    Some(id) => Some(Done::ClientRefreshed(Box::new(
                        self.store.client_record(id)?,
                    ))),
                    None => None,
                }
            }
            Effect::OpenClient(id) => Some(self.client(id)?),
            Effect::OpenClientByReference(reference) => {
                match self.store.client_id_by_reference(&reference)? {
                    Some(id) => Some(self.client(id)?),
                    None => Some(Done::Failed(format!(
                        "no client with reference '{reference}'"
                    ))),
                }
            }
            Effect::OpenForm {
                kind,
                client_id,
                clients,
                seed,
            } => {
                let context = form::context::read(self.store, *seed, kind, client_id, &clients)?;
                Some(Done::FormOpened(Box::new(Form::open(kind, context))))
            }
            Effect::Save(request) => Some(self.save(&request, actor)?),
            Effect::Undo(receipt) => Some(match self.store.undo(actor, &receipt) {
                Ok(undone) => Done::Undone(Box::new(undone)),
                Err(error) => Done::UndoFailed(error.to_string()),
            }),
            Effect::RestoreDraft { draft, seed } => self.restore(&draft, *seed, actor)?,
            Effect::DiscardDraft { form, client_id } => {
                self.store.discard_draft(actor, form, client_id)?;
                None
            }
            Effect::LoadReport(options) => {
                self.loader.request_report(options, actor.now.date());
                None
            }
            Effect::RecordOffences {
                quarter,
                reference,
                counts: [before, during, after_3m, after_12m],
            } => {
                let offences = Offences {
                    before,
                    during,
                    after_3m,
                    after_12m,
                };
                Some(
                    match self
                        .store
                        .set_offences(actor, &quarter, &reference, offences)
                    {
                        Ok(()) => Done::OffencesRecorded { reference, quarter },
                        Err(error) => Done::Failed(error.to_string()),
                    },
                )
            }
            Effect::LogAccess(_) | Effect::Quit | Effect::Suspend | Effect::Redraw => None,
        })
    }

    /// Client `id`'s record, to be shown.
    fn client(&self, id: i64) -> StoreResult<Done> {
        Ok(Done::ClientLoaded(Box::new(self.store.client_record(id)?)))
    }

    /// Saves a form's change, merged against the rows as the form showed them, and
    /// drops its draft once saved. Fields a colleague changed to something else since
    /// the form opened, a stale row and a duplicate client come back refused.
    ///
    /// # Errors
    /// [`StoreError::Busy`] if a colleague's write kept the lock (nothing saved).
    pub fn save(&mut self, request: &SaveRequest, actor: &Actor) -> StoreResult<Done> {
        let refusal = match self
            .store
            .apply_merged(actor, &request.change, &request.bases)
        {
            Ok(receipt) => {
                let draft_left = self
                    .store
                    .discard_draft(actor, request.draft, request.client_id)
                    .err()
                    .map(|error| error.to_string());
                return Ok(Done::Saved {
                    receipt: Box::new(receipt),
                    draft_left,
                });
            }
            Err(error @ StoreError::Busy { .. }) => return Err(error),
            Err(StoreError::FieldConflicts(conflicts)) => Refusal::Conflicts(conflicts),
            Err(error @ StoreError::Conflict { .. }) => Refusal::Stale(error.to_string()),
            Err(StoreError::Duplicate {
                client_id,
                reference,
            }) => Refusal::Duplicate {
                client_id,
                reference,
            },
            Err(error) => Refusal::Other(error.to_string()),
        };
        Ok(Done::SaveRefused(refusal))
    }

    /// Reopens a form from its draft, on the record as it is now.
    fn restore(
        &mut self,
        draft: &Draft,
        seed: FormContext,
        actor: &Actor,
    ) -> StoreResult<Option<Done>> {
        let Some(kind) = FormKind::from_draft_key(&draft.form) else {
            return Ok(None);
        };
        let context = form::context::read(self.store, seed, kind, draft.client_id, &[])?;
        let mut form = Form::open(kind, context);
        form.restore(&draft.fields);
        if draft.form != kind.draft_key() {
            // Stored under an older name: from now on it is kept under the key. If a
            // colleague's write keeps the old one for now, nothing is lost: it is
            // offered again next time.
            let _ = self
                .store
                .discard_draft(actor, kind.stored_name(&draft.form), draft.client_id);
        }
        Ok(Some(Done::FormOpened(Box::new(form))))
    }
}

/// The newest draft `login` left behind, if any, described for the offer.
///
/// # Errors
/// A store error.
pub fn find_draft(store: &Store, login: &str) -> StoreResult<Option<DraftOffer>> {
    let Some(draft) = store.drafts(login)?.into_iter().next() else {
        return Ok(None);
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
    Ok(Some(DraftOffer { draft, description }))
}

/// Saves the open form as a draft if it has changed since it was last saved (`last`).
///
/// # Errors
/// A store error ([`StoreError::Busy`] while a colleague writes).
pub fn save_draft(
    store: &mut Store,
    app: &App,
    last: &mut Option<serde_json::Value>,
) -> StoreResult<()> {
    let Some(form) = app.form().filter(|f| f.is_changed()) else {
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

/// What the background reader delivered, as results for `App::update` (a reader that
/// has gone ends both kinds of read, with one sentence).
pub fn delivered(delivery: StoreResult<Delivery>) -> Vec<Done> {
    match delivery {
        Ok(Delivery::FirstRows(data)) => vec![Done::FirstRows(Box::new(data))],
        Ok(Delivery::Snapshot(Ok(data))) => vec![Done::Loaded(Box::new(data))],
        Ok(Delivery::Snapshot(Err(error))) => vec![Done::LoadFailed(error.to_string())],
        Ok(Delivery::Report(Ok(report))) => vec![Done::ReportReady(Box::new(report))],
        Ok(Delivery::Report(Err(error))) => vec![Done::ReportFailed(error.to_string())],
        Err(error) => vec![
            Done::LoadFailed(error.to_string()),
            Done::ReportFailed(error.to_string()),
        ],
    }
}

/// Carries out `effect` as the loop does, through the same interpreter and a
/// background reader of its own, feeding each result to `app.update` and following
/// up what that asks for, until nothing more is asked and every read asked for has
/// arrived. For callers that drive the app without a terminal (tests, tools); the
/// access log's queue is the loop's alone.
///
/// # Errors
/// A store error, as [`Interpreter::perform`] returns it.
pub fn perform(store: &mut Store, app: &mut App, effect: Effect) -> StoreResult<()> {
    let mut loader = Loader::spawn(&store.target(), app.rules().triage.clone())?;
    let (mut snapshots, mut reports) = (0_usize, 0_usize);
    let mut next = Some(effect);
    loop {
        while let Some(effect) = next.take() {
            match &effect {
                Effect::Reload { .. } => snapshots = 1,
                Effect::LoadReport(_) => reports = 1,
                _ => {}
            }
            let actor = actor(app);
            let mut interpreter = Interpreter {
                store: &mut *store,
                loader: &mut loader,
            };
            if let Some(done) = interpreter.perform(effect, &actor)? {
                next = app.update(done);
            }
        }
        if snapshots + reports == 0 {
            return Ok(());
        }
        // Only the newest answer of each kind is delivered: one per kind asked for.
        for done in delivered(loader.wait()) {
            match done {
                Done::Loaded(_) | Done::LoadFailed(_) => snapshots = 0,
                _ => reports = 0,
            }
            if let Some(effect) = app.update(done) {
                next = Some(effect);
            }
        }
    }
}

/// Builds the app and reads its first snapshot (through the background reader, as
/// the loop does), before returning.
///
/// # Errors
/// A store error.
pub fn initial_app(
    store: &Store,
    session: Session,
    settings: &Settings,
    now: chrono::NaiveDateTime,
    size: (u16, u16),
) -> StoreResult<App> {
    let mut app = App::new(now, session, settings, size);
    let mut loader = Loader::spawn(&store.target(), app.rules().triage.clone())?;
    if let Some(Effect::Reload { snapshot, .. }) = app.update(Action::Reload) {
        loader.request_snapshot(&snapshot);
    }
    for done in delivered(loader.wait()) {
        // On the first view (Today) a snapshot asks for nothing more.
        app.update(done);
    }
    Ok(app)
}

/// Offers back the newest draft this login left behind, if any.
///
/// # Errors
/// A store error.
pub fn offer_drafts(store: &Store, app: &mut App) -> StoreResult<()> {
    if let Some(offer) = find_draft(store, &app.session().login)? {
        app.update(Done::DraftFound(Box::new(offer)));
    }
    Ok(())
}
