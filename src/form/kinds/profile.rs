//! The client's own row: flags and priority groups, the domestic-abuse flag,
//! substances, consent to share, and GP and prescriber.

use super::{Field, Spec, date, name, vocab, yes};
use crate::domain::model::{Flags, Substance};
use crate::domain::substances::Ranked;
use crate::domain::write::{Change, ClientEdit};
use crate::form::spec::{Menu, Target};

/// Each flag's field key (also its column) and label, in [`Flags`] order.
const FLAGS_SHOWN: [(&str, &str); 9] = [
    ("iom", "IOM"),
    ("ppo", "PPO"),
    ("mappa", "MAPPA"),
    ("marac", "MARAC"),
    ("matac", "MATAC"),
    ("approved_premises", "Approved Premises"),
    ("drr", "DRR (court order)"),
    ("atr", "ATR (court order)"),
    ("licence_condition", "licence condition"),
];

/// IOM, PPO and the priority groups, one yes/no each.
pub const FLAGS: Spec = Spec {
    title: "flags and priority groups",
    key: "flags",
    legacy_key: "flags and priority groups",
    target: Target::Client,
    menu: Menu::Client,
    fields: |_| {
        FLAGS_SHOWN
            .into_iter()
            .map(|(key, label)| yes(key, label))
            .collect()
    },
    columns: &[
        ("iom", "iom"),
        ("ppo", "ppo"),
        ("mappa", "mappa"),
        ("marac", "marac"),
        ("matac", "matac"),
        ("approved_premises", "approved_premises"),
        ("drr", "drr"),
        ("atr", "atr"),
        ("licence_condition", "licence_condition"),
    ],
    today: None,
    build: |v| {
        let mut f = Flags::default();
        let set = [
            &mut f.iom,
            &mut f.ppo,
            &mut f.mappa,
            &mut f.marac,
            &mut f.matac,
            &mut f.approved_premises,
            &mut f.drr,
            &mut f.atr,
            &mut f.licence_condition,
        ];
        for ((key, _), slot) in FLAGS_SHOWN.into_iter().zip(set) {
            *slot = v.yes(key);
        }
        Ok(Change::Client(v.client()?, ClientEdit::Flags(f)))
    },
    confirm: None,
};

/// The domestic-abuse perpetrator priority flag.
pub const DOMESTIC_ABUSE: Spec = Spec {
    title: "domestic-abuse perpetrator",
    key: "domestic_abuse",
    legacy_key: "domestic-abuse perpetrator",
    target: Target::Client,
    menu: Menu::Client,
    fields: |_| vec![yes("domestic_abuse", "domestic-abuse perpetrator")],
    columns: &[("domestic_abuse", "domestic_abuse")],
    today: None,
    build: |v| {
        Ok(Change::Client(
            v.client()?,
            ClientEdit::DomesticAbuse(v.yes("domestic_abuse")),
        ))
    },
    confirm: None,
};

const SUBSTANCE_KEYS: [&str; 3] = ["substance_1", "substance_2", "substance_3"];

/// Up to three substances, ranked without gaps, checked against the alcohol rule.
pub const SUBSTANCES: Spec = Spec {
    title: "substances",
    key: "substances",
    legacy_key: "substances",
    target: Target::Client,
    menu: Menu::Client,
    fields: |_| {
        ["primary substance", "second substance", "third substance"]
            .into_iter()
            .zip(SUBSTANCE_KEYS)
            .map(|(label, key)| Field::new(key, label, vocab!(Substance)))
            .collect()
    },
    columns: &[
        ("substance_1", "substance_1"),
        ("substance_2", "substance_2"),
        ("substance_3", "substance_3"),
    ],
    today: None,
    build: |v| {
        let chosen: Vec<Option<Substance>> = SUBSTANCE_KEYS
            .iter()
            .map(|k| Substance::from_code(v.raw(k)))
            .collect();
        if let Some(gap) = chosen
            .windows(2)
            .position(|w| w[0].is_none() && w[1].is_some())
        {
            return Err((
                SUBSTANCE_KEYS[gap],
                "fill the substances in rank order, primary first".to_owned(),
            ));
        }
        let ranked = Ranked::new(chosen.into_iter().flatten().collect(), v.context().alcohol)
            .map_err(|e| ("substance_1", e))?;
        Ok(Change::Client(v.client()?, ClientEdit::Substances(ranked)))
    },
    confirm: None,
};

/// Consent to share, with the date the DIR was signed (no consent clears it).
pub const CONSENT: Spec = Spec {
    title: "consent to share",
    key: "consent",
    legacy_key: "consent to share",
    target: Target::Client,
    menu: Menu::Client,
    fields: |_| {
        vec![
            yes("consent", "consent to share"),
            date("on", "date signed", true),
        ]
    },
    columns: &[("consent", "consent_to_share"), ("on", "consent_date")],
    today: None,
    build: |v| {
        let date = v.date("on");
        if v.yes("consent") && date.is_none() {
            return Err(("on", "consent needs the date the DIR was signed".to_owned()));
        }
        Ok(Change::Client(
            v.client()?,
            ClientEdit::Consent(date.filter(|_| v.yes("consent"))),
        ))
    },
    confirm: None,
};

/// GP practice and prescribing service.
pub const PRACTICE: Spec = Spec {
    title: "GP and prescriber",
    key: "practice",
    legacy_key: "GP and prescriber",
    target: Target::Client,
    menu: Menu::Client,
    fields: |_| {
        vec![
            name("gp", "GP practice"),
            name("prescriber", "prescribing service"),
        ]
    },
    columns: &[("gp", "gp_practice"), ("prescriber", "prescriber")],
    today: None,
    build: |v| {
        Ok(Change::Client(
            v.client()?,
            ClientEdit::Practice {
                gp: v.text("gp"),
                prescriber: v.text("prescriber"),
            },
        ))
    },
    confirm: None,
};
