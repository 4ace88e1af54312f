//! The columns and values each typed edit writes.

use crate::domain::write::Value;

/// Columns and the values to write to them.
pub(super) type Fields = Vec<(&'static str, Value)>;

use crate::domain::write::{Change, ClientEdit, CustodyEdit, EpisodeEdit, Versioned};

pub(super) fn text(code: &str) -> Value {
    Value::Text(code.to_owned())
}

fn flag(on: bool) -> Value {
    Value::Integer(i64::from(on))
}

fn date_value(date: Option<chrono::NaiveDate>) -> Value {
    date.map_or(Value::Null, |d| {
        Value::Text(d.format("%Y-%m-%d").to_string())
    })
}

fn client_fields(edit: &ClientEdit) -> Fields {
    match edit {
        ClientEdit::Flags(f) => vec![
            ("iom", flag(f.iom)),
            ("ppo", flag(f.ppo)),
            ("mappa", flag(f.mappa)),
            ("marac", flag(f.marac)),
            ("matac", flag(f.matac)),
            ("approved_premises", flag(f.approved_premises)),
            ("drr", flag(f.drr)),
            ("atr", flag(f.atr)),
            ("licence_condition", flag(f.licence_condition)),
        ],
        ClientEdit::Substances(ranked) => ["substance_1", "substance_2", "substance_3"]
            .into_iter()
            .enumerate()
            .map(|(i, column)| {
                let value = ranked
                    .as_slice()
                    .get(i)
                    .map_or(Value::Null, |s| text(s.code()));
                (column, value)
            })
            .collect(),
        ClientEdit::DomesticAbuse(on) => vec![("domestic_abuse", flag(*on))],
        ClientEdit::Practice { gp, prescriber } => {
            let optional = |t: &str| {
                let t = t.trim();
                if t.is_empty() { Value::Null } else { text(t) }
            };
            vec![
                ("gp_practice", optional(gp)),
                ("prescriber", optional(prescriber)),
            ]
        }
        ClientEdit::Consent(date) => vec![
            ("consent_to_share", flag(date.is_some())),
            ("consent_date", date_value(*date)),
        ],
    }
}

fn episode_fields(edit: &EpisodeEdit) -> Fields {
    match edit {
        EpisodeEdit::Assessment {
            on,
            assessed_need,
            dan_advised,
        } => vec![
            ("assessment_date", date_value(*on)),
            ("assessed_need", flag(*assessed_need)),
            ("dan_advised", flag(*dan_advised)),
        ],
        EpisodeEdit::CarePlan(d) => vec![("care_plan_date", date_value(*d))],
        EpisodeEdit::Review(d) => vec![("next_review_date", date_value(*d))],
        EpisodeEdit::Engaged(Some(since)) => vec![
            ("engaged", flag(true)),
            ("engaged_on", date_value(Some(*since))),
        ],
        EpisodeEdit::Engaged(None) => vec![("engaged", flag(false))],
        EpisodeEdit::Prescribed(on) => vec![("prescribed", flag(*on))],
        EpisodeEdit::FollowsOrder(order) => {
            vec![(
                "follows_order_id",
                order.map_or(Value::Null, Value::Integer),
            )]
        }
        EpisodeEdit::Tier(tier) => vec![("tier", Value::Integer(i64::from(*tier)))],
        EpisodeEdit::ExitPlan(plan) => {
            let plan = plan.trim();
            vec![(
                "exit_plan",
                if plan.is_empty() {
                    Value::Null
                } else {
                    text(plan)
                },
            )]
        }
        EpisodeEdit::Extension {
            reason,
            review_date,
        } => vec![
            ("extension_reason", text(reason.trim())),
            ("extension_review_date", date_value(Some(*review_date))),
        ],
        EpisodeEdit::Close { date, reason } => vec![
            ("closure_date", date_value(Some(*date))),
            ("exit_reason", text(reason.code())),
        ],
    }
}

fn custody_fields(edit: &CustodyEdit) -> Fields {
    match edit {
        CustodyEdit::ReleaseDates {
            expected,
            earliest,
            release_type,
        } => vec![
            ("expected_release_date", date_value(*expected)),
            ("earliest_release_date", date_value(*earliest)),
            (
                "release_type",
                release_type.map_or(Value::Null, |t| text(t.code())),
            ),
        ],
        CustodyEdit::Checklist(c) => vec![
            ("appointment_booked", flag(c.appointment_booked)),
            ("prescriber_confirmed", flag(c.prescriber_confirmed)),
            ("naloxone_given", flag(c.naloxone_given)),
            ("accommodation_confirmed", flag(c.accommodation_confirmed)),
            ("prison_team_contacted", flag(c.prison_team_contacted)),
            ("dan_advised", flag(c.dan_advised)),
        ],
        CustodyEdit::Released(d) => vec![("actual_release_date", date_value(Some(*d)))],
    }
}

/// For a change that edits one existing row: its table, the version read, and the
/// fields to write. `None` for changes that insert rows or touch several.
pub(super) fn edit_of(change: &Change) -> Option<(&'static str, Versioned, Fields)> {
    Some(match change {
        Change::Client(row, edit) => ("client", *row, client_fields(edit)),
        Change::Episode(row, edit) => ("episode", *row, episode_fields(edit)),
        Change::Order { .. } | Change::CourtReview { .. } => return super::orders::edit_of(change),
        Change::Custody(row, edit) => ("custody", *row, custody_fields(edit)),
        Change::Breach {
            breach,
            status,
            date,
        } => (
            "breach",
            *breach,
            vec![
                ("status", text(status.code())),
                ("resolution_date", date_value(*date)),
            ],
        ),
        Change::Handover {
            custody,
            prison,
            with,
            on,
            prescribing,
            consent,
            waived,
            reception_kind,
        } => {
            let optional = |t: &str| {
                let t = t.trim();
                if t.is_empty() { Value::Null } else { text(t) }
            };
            let mut fields = vec![
                ("prison", text(prison.trim())),
                ("handover_with", optional(with)),
                ("handover_on", date_value(*on)),
                ("handover_prescribing", flag(*prescribing)),
                ("handover_consent", flag(*consent)),
                ("handover_waived", optional(waived)),
                (
                    "reception_kind",
                    reception_kind.map_or(Value::Null, |k| text(k.code())),
                ),
            ];
            // The release checklist starts from what the hand-over recorded.
            if !with.trim().is_empty() && on.is_some() {
                fields.push(("prison_team_contacted", flag(true)));
            }
            if *prescribing {
                fields.push(("prescriber_confirmed", flag(true)));
            }
            ("custody", *custody, fields)
        }
        Change::EndModality {
            modality,
            on,
            completed,
        } => (
            "modality",
            *modality,
            vec![
                ("ended_on", date_value(Some(*on))),
                ("completed", flag(*completed)),
            ],
        ),
        _ => return None,
    })
}
