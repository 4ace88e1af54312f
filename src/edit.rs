//! Between forms and the store: the context a form opens on (rows and the versions
//! read), and what a save, a conflict or an undo does to the app. Called by the loop
//! in `tui`; `App::update` itself stays free of I/O.

use crate::action::Effect;
use crate::app::App;
use crate::domain::model::{BreachStatus, Role};
use crate::domain::record::ClientRecord;
use crate::domain::substances::AlcoholRule;
use crate::form::{Form, FormContext, FormKind, kinds};
use crate::store::{Actor, Change, Store, StoreError, StoreResult, Versioned};

/// The id of the row (in table `row_table(kind)`) a form of `kind` changes.
fn target_row(kind: FormKind, record: &ClientRecord) -> Option<i64> {
    match kind {
        FormKind::Breach => record
            .breaches
            .iter()
            .find(|b| b.status == BreachStatus::Outstanding)
            .map(|b| b.id),
        FormKind::AssessmentOutcome => record
            .assessments
            .iter()
            .find(|a| a.outcome.is_none())
            .or_else(|| record.assessments.first())
            .map(|a| a.id),
        FormKind::ReleaseDates | FormKind::ReleaseChecklist | FormKind::Released => record
            .custody
            .iter()
            .find(|c| c.actual_release_date.is_none())
            .map(|c| c.id),
        FormKind::EndModality => record
            .modalities
            .iter()
            .find(|m| m.ended_on.is_none())
            .map(|m| m.id),
        _ => None,
    }
}

/// Reads what a form of `kind` needs: the client (if any) and its open episode, the
/// row it changes, current values, and the choices for reassigning.
///
/// # Errors
/// A store error.
pub fn form_context(
    store: &Store,
    app: &App,
    kind: FormKind,
    client_id: Option<i64>,
    clients: &[i64],
) -> StoreResult<FormContext> {
    let mut context = FormContext {
        now: app.now,
        areas: app
            .data
            .areas
            .iter()
            .map(|a| (a.area.id, a.area.name.clone()))
            .collect(),
        workers: app
            .data
            .workers
            .iter()
            .filter(|w| matches!(w.role, Role::CareCoordinator | Role::TeamLeader))
            .map(|w| (w.id, w.name.clone()))
            .collect(),
        alcohol: if app.settings.alcohol_may_be_primary {
            AlcoholRule::MayBePrimary
        } else {
            AlcoholRule::NotPrimary
        },
        ..FormContext::default()
    };
    if let Some(worker) = &app.session.worker {
        let area = worker
            .area_id
            .or_else(|| app.data.areas.first().map(|a| a.area.id));
        let coordinator = (worker.role == Role::CareCoordinator).then_some(worker.id);
        context.home = area.map(|a| (a, coordinator));
    }
    if let Some(id) = client_id {
        let record = store.client_record(id)?;
        context.client = Some(Versioned {
            id,
            version: record.profile.version,
        });
        if let Some(open) = record.episodes.iter().find(|e| e.closure.is_none()) {
            context.episode = Some(store.version_of("episode", open.id)?);
            context.care_plan_date = open.care_plan_date;
        }
        if let (Some(table), Some(row)) = (row_table(kind), target_row(kind, &record)) {
            context.row = Some(store.version_of(table, row)?);
        }
        context.current = match kind {
            FormKind::Flags => kinds::flag_values(&record.profile.flags),
            FormKind::ReleaseChecklist => record
                .custody
                .iter()
                .find(|c| c.actual_release_date.is_none())
                .map(|c| kinds::checklist_values(&c.checklist))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
    }
    let chosen: Vec<i64> = if clients.is_empty() {
        client_id.into_iter().collect()
    } else {
        clients.to_vec()
    };
    if kind == FormKind::Reassign {
        context.clients = chosen
            .iter()
            .map(|&id| store.version_of("client", id))
            .collect::<StoreResult<_>>()?;
    }
    Ok(context)
}

/// Re-reads the versions a form was opened on, after a conflict, so Enter applies the
/// user's input on top of the colleague's change (which the record behind now shows).
///
/// # Errors
/// A store error.
pub fn refresh_versions(store: &Store, form: &mut Form) -> StoreResult<()> {
    let c = &mut form.context;
    if let Some(client) = c.client {
        c.client = Some(store.version_of("client", client.id)?);
    }
    if let Some(episode) = c.episode {
        c.episode = Some(store.version_of("episode", episode.id)?);
    }
    if let (Some(row), Some(table)) = (c.row, row_table(form.kind)) {
        c.row = Some(store.version_of(table, row.id)?);
    }
    for client in &mut c.clients {
        *client = store.version_of("client", client.id)?;
    }
    Ok(())
}

/// The table of the row a form of `kind` changes, for kinds that change one.
fn row_table(kind: FormKind) -> Option<&'static str> {
    match kind {
        FormKind::Breach => Some("breach"),
        FormKind::AssessmentOutcome => Some("required_assessment"),
        FormKind::ReleaseDates | FormKind::ReleaseChecklist | FormKind::Released => Some("custody"),
        FormKind::EndModality => Some("modality"),
        _ => None,
    }
}

/// Saves the open form's change. On success the form closes, the receipt is kept for
/// undo and the draft is dropped. On a conflict nothing is lost: the form stays open
/// with the user's input, says who changed what and when, and takes the new versions
/// so Enter re-applies. A duplicate referral offers the existing client's record
/// instead (the returned effect opens it). Other refusals are shown on the form.
///
/// # Errors
/// A store error outside the save itself (reading versions, dropping the draft).
pub fn save(
    store: &mut Store,
    app: &mut App,
    actor: &Actor,
    change: &Change,
) -> StoreResult<Option<Effect>> {
    let Some(form) = app.form.as_mut() else {
        return Ok(None);
    };
    match store.apply(actor, change) {
        Ok(receipt) => {
            let title = form.kind.title();
            let client = form.context.client.map(|c| c.id);
            store.discard_draft(actor, title, client)?;
            app.saved(receipt, title);
        }
        Err(error @ StoreError::Conflict { .. }) => {
            refresh_versions(store, form)?;
            form.notice = Some(format!(
                "{error}. Enter applies yours on top; Esc discards it."
            ));
        }
        Err(StoreError::Duplicate {
            client_id,
            reference,
        }) => {
            app.close_form();
            app.message = Some(format!(
                "{reference} already has that reference, or that name and date of birth: here is their record (u for a new episode)"
            ));
            return Ok(Some(Effect::OpenClient(client_id)));
        }
        Err(error) => form.notice = Some(error.to_string()),
    }
    Ok(None)
}
