//! The end of the 13 weeks: the exit plan, an extension, and closing the episode.

use super::{Field, Spec, date, note, on, vocab};
use crate::domain::clock::retention_band;
use crate::domain::dates::uk;
use crate::domain::model::ExitReason;
use crate::domain::write::{Change, EpisodeEdit};
use crate::form::Form;
use crate::form::spec::{Menu, Target};

/// The 13-week exit plan.
pub const EXIT_PLAN: Spec = Spec {
    title: "13-week exit plan",
    key: "exit_plan",
    legacy_key: "13-week exit plan",
    target: Target::Episode,
    menu: Menu::Client,
    fields: |_| vec![note("plan", "exit plan").required()],
    columns: &[("plan", "exit_plan")],
    today: None,
    build: |v| v.episode_edit(EpisodeEdit::ExitPlan(v.text("plan"))),
    confirm: None,
};

/// A 13-week extension: why, and when it is reviewed.
pub const EXTENSION: Spec = Spec {
    title: "13-week extension",
    key: "extension",
    legacy_key: "13-week extension",
    target: Target::Episode,
    menu: Menu::Client,
    fields: |_| {
        vec![
            note("reason", "reason").required(),
            date("review", "review date", false).required(),
        ]
    },
    columns: &[
        ("reason", "extension_reason"),
        ("review", "extension_review_date"),
    ],
    today: None,
    build: |v| {
        v.episode_edit(EpisodeEdit::Extension {
            reason: v.text("reason"),
            review_date: v.need_date("review")?,
        })
    },
    confirm: None,
};

/// Close the episode; the confirmation names the retention band it starts.
pub const CLOSE: Spec = Spec {
    title: "close episode",
    key: "close",
    legacy_key: "close episode",
    target: Target::Episode,
    menu: Menu::Client,
    fields: |context| {
        vec![
            Field::new("reason", "exit reason", vocab!(ExitReason)).required(),
            on(context, "closure date"),
        ]
    },
    columns: &[("reason", "exit_reason"), ("on", "closure_date")],
    today: Some("on"),
    build: |v| {
        v.episode_edit(EpisodeEdit::Close {
            date: v.on()?,
            reason: v.code("reason", ExitReason::from_code)?,
        })
    },
    confirm: Some(close_question),
};

fn close_question(form: &Form, change: &Change) -> String {
    let Change::Episode(_, EpisodeEdit::Close { date, reason }) = change else {
        return format!("Save this {}?", CLOSE.title);
    };
    let band = form.context.clock_start.map_or_else(
        || "no care-plan date, so no retention band".to_owned(),
        |start| format!("retention {}", retention_band(start, *date).label()),
    );
    format!("Close this episode on {} ({reason}): {band}?", uk(*date))
}
