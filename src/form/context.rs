//! What a form opens on: the client, its open episode and the row the form edits,
//! each read with its version (a save checks against them), plus the choices the
//! fields offer. The store read happens here, once, when the form opens.

use chrono::{NaiveDate, NaiveDateTime};

use super::{FormKind, Target};
use crate::domain::clock::ClockStart;
use crate::domain::substances::AlcoholRule;
use crate::domain::write::{RowBase, Versioned};
use crate::store::{Store, StoreResult};

/// What a form works on, as read when it opened. Only the parts a kind needs are
/// used; a missing one is reported on the form rather than guessed.
#[derive(Debug, Clone, Default)]
pub struct FormContext {
    /// The time the form opened: the default for "when" fields.
    pub now: NaiveDateTime,
    /// The client the form is about.
    pub client: Option<Versioned>,
    /// The client's open episode.
    pub episode: Option<Versioned>,
    /// The custody, appointment, breach or modality row being changed.
    pub row: Option<Versioned>,
    /// Clients selected for a bulk reassign.
    pub clients: Vec<Versioned>,
    /// The edited row(s) as read when the form opened: the fields start from them
    /// and a save merges against them.
    pub bases: Vec<RowBase>,
    /// Areas offered (id, name).
    pub areas: Vec<(i64, String)>,
    /// Care co-ordinators offered (id, name).
    pub workers: Vec<(i64, String)>,
    /// The client's court orders offered (id, title), newest first.
    pub orders: Vec<(i64, String)>,
    /// Area and care co-ordinator of a new client.
    pub home: Option<(i64, Option<i64>)>,
    /// Which day the team's 13-week clock starts (from the seed).
    pub clock_starts: ClockStart,
    /// The open episode's clock start, to show the retention band before closing.
    pub clock_start: Option<NaiveDate>,
    /// Whether alcohol may be the primary substance.
    pub alcohol: AlcoholRule,
}

/// Reads what a form of `kind` needs into `seed` (which carries the time, the
/// areas and workers offered, the user's home area, the alcohol and clock rules): the client
/// (if any) and its open episode, the row it changes with its current values, and,
/// for a reassign, each of `clients` (or the one client when none are marked), with
/// the values `seed.bases` holds for it (as its list showed it) over the stored ones.
///
/// # Errors
/// A store error.
pub fn read(
    store: &Store,
    seed: FormContext,
    kind: FormKind,
    client_id: Option<i64>,
    clients: &[i64],
) -> StoreResult<FormContext> {
    let mut context = seed;
    if let Some(id) = client_id {
        let record = store.client_record(id)?;
        context.client = Some(Versioned {
            id,
            version: record.profile.version,
        });
        context.orders = record.orders.iter().map(|o| (o.id, o.title())).collect();
        if let Some(open) = record.episodes.iter().find(|e| e.closure.is_none()) {
            context.episode = Some(store.version_of("episode", open.id)?);
            context.clock_start = context
                .clock_starts
                .of(open.assessment_date, open.care_plan_date);
        }
        let base = match kind.spec().target {
            Target::Client => Some(store.row_base("client", id)?),
            Target::Episode => match context.episode {
                Some(episode) => Some(store.row_base("episode", episode.id)?),
                None => None,
            },
            Target::Row(row) => match (row.find)(&record) {
                Some(id) => Some(store.row_base(row.table, id)?),
                None => None,
            },
            Target::New | Target::Clients => None,
        };
        if let Some(base) = base {
            // The version a save checks is the one read with the values shown.
            match kind.spec().target {
                Target::Client => context.client = Some(base.row),
                Target::Episode => context.episode = Some(base.row),
                _ => context.row = Some(base.row),
            }
            context.bases.push(base);
        }
    }
    let chosen: Vec<i64> = if clients.is_empty() {
        client_id.into_iter().collect()
    } else {
        clients.to_vec()
    };
    if kind.spec().target == Target::Clients {
        // The seed's bases are the clients as the list showed them when they were
        // marked: a save merges against those, so a colleague's move since is asked
        // about rather than overwritten.
        let shown = std::mem::take(&mut context.bases);
        for id in chosen {
            let mut base = store.row_base("client", id)?;
            if let Some(listed) = shown.iter().find(|b| b.table == "client" && b.row.id == id) {
                for (column, value) in &listed.values {
                    base.set(column, value.clone());
                }
            }
            context.clients.push(base.row);
            context.bases.push(base);
        }
    }
    Ok(context)
}
