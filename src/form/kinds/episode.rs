//! The open episode's milestones and status: assessment and care-plan dates, the
//! next care-plan review, engagement, prescribing and treatment tier.

use super::{Field, FieldKind, Spec, date, on, yes};
use crate::domain::dates::uk;
use crate::domain::write::EpisodeEdit;
use crate::form::spec::{Menu, Target};

/// Assessment (DIR) date, whether it found a need for the caseload (KPI 4), and the
/// DAN 24/7 helpline number given there.
pub const ASSESSMENT: Spec = Spec {
    title: "assessment",
    key: "assessment",
    legacy_key: "assessment",
    target: Target::Episode,
    menu: Menu::Client,
    fields: |context| {
        vec![
            on(context, "assessment date"),
            yes("assessed_need", "found a need for the caseload (KPI 4)"),
            yes("dan_advised", "DAN 24/7 number given (003)"),
        ]
    },
    columns: &[
        ("on", "assessment_date"),
        ("assessed_need", "assessed_need"),
        ("dan_advised", "dan_advised"),
    ],
    today: Some("on"),
    build: |v| {
        v.episode_edit(EpisodeEdit::Assessment {
            on: Some(v.on()?),
            assessed_need: v.yes("assessed_need"),
            dan_advised: v.yes("dan_advised"),
        })
    },
    confirm: None,
};

/// Care-plan date.
pub const CARE_PLAN: Spec = Spec {
    title: "care plan",
    key: "care_plan",
    legacy_key: "care plan",
    target: Target::Episode,
    menu: Menu::Client,
    fields: |context| vec![on(context, "care-plan date")],
    columns: &[("on", "care_plan_date")],
    today: Some("on"),
    build: |v| v.episode_edit(EpisodeEdit::CarePlan(Some(v.on()?))),
    confirm: None,
};

/// Care-plan review done: the date of the next one.
pub const REVIEW: Spec = Spec {
    title: "care-plan review",
    key: "review",
    legacy_key: "care-plan review",
    target: Target::Episode,
    menu: Menu::Client,
    fields: |_| vec![date("next_review", "next review", false).required()],
    columns: &[("next_review", "next_review_date")],
    today: None,
    build: |v| v.episode_edit(EpisodeEdit::Review(v.date("next_review"))),
    confirm: None,
};

/// Engaged in treatment, and since when (not engaged clears the date).
pub const ENGAGED: Spec = Spec {
    title: "engaged",
    key: "engaged",
    legacy_key: "engaged",
    target: Target::Episode,
    menu: Menu::Client,
    fields: |context| {
        vec![
            yes("engaged", "engaged in treatment"),
            date("on", "date engaged (DIR section 9)", true).with(uk(context.now.date())),
        ]
    },
    columns: &[("engaged", "engaged"), ("on", "engaged_on")],
    today: None,
    build: |v| {
        let since = if v.yes("engaged") {
            Some(v.on()?)
        } else {
            None
        };
        v.episode_edit(EpisodeEdit::Engaged(since))
    },
    confirm: None,
};

/// Prescribed.
pub const PRESCRIBED: Spec = Spec {
    title: "prescribed",
    key: "prescribed",
    legacy_key: "prescribed",
    target: Target::Episode,
    menu: Menu::Client,
    fields: |_| vec![yes("prescribed", "prescribed")],
    columns: &[("prescribed", "prescribed")],
    today: None,
    build: |v| v.episode_edit(EpisodeEdit::Prescribed(v.yes("prescribed"))),
    confirm: None,
};

/// Treatment tier, 1 to 4.
pub const TIER: Spec = Spec {
    title: "tier",
    key: "tier",
    legacy_key: "tier",
    target: Target::Episode,
    menu: Menu::Client,
    fields: |_| {
        let tiers = (1..=4)
            .map(|t| (t.to_string(), format!("tier {t}")))
            .collect();
        vec![
            Field::new("tier", "tier", FieldKind::Choice(tiers))
                .required()
                .with("2"),
        ]
    },
    columns: &[("tier", "tier")],
    today: None,
    build: |v| v.episode_edit(EpisodeEdit::Tier(v.code("tier", |s| s.parse().ok())?)),
    confirm: None,
};
