//! Referrals: a new client, or a new episode for someone already on the books.

use super::{Field, Spec, date, name, on, text, vocab};
use crate::domain::model::{Ethnicity, Flags, ReferralSource, Sex};
use crate::domain::safe_text::Room;
use crate::domain::write::{Change, NewClient, ReferralFor};
use crate::form::spec::{Menu, Target};

/// A referral for someone not yet a client: the client and their first episode,
/// in the user's area (and on their caseload, for a care co-ordinator).
pub const NEW_CLIENT: Spec = Spec {
    title: "new referral",
    key: "new_referral",
    legacy_key: "new referral",
    target: Target::New,
    menu: Menu::Always,
    fields: |context| {
        vec![
            text("reference", "reference")
                .holds(Room::Reference)
                .required(),
            name("given_name", "given name").required(),
            name("family_name", "family name").required(),
            date("date_of_birth", "date of birth", true).required(),
            on(context, "referral date"),
            Field::new("source", "referral source", vocab!(ReferralSource)).required(),
        ]
    },
    columns: &[],
    today: None,
    build: |v| {
        let (area_id, care_coordinator_id) = v.home()?;
        Ok(Change::Referral {
            client: ReferralFor::NewClient(Box::new(NewClient {
                reference: v.text("reference"),
                given_name: v.text("given_name"),
                family_name: v.text("family_name"),
                date_of_birth: v.need_date("date_of_birth")?,
                sex: Sex::NotStated,
                ethnicity: Ethnicity::NotStated,
                nhs_number: None,
                area_id,
                care_coordinator_id,
                consent_date: None,
                substances: Vec::new(),
                flags: Flags::default(),
                details: crate::domain::write::ClientDetails::default(),
            })),
            date: v.on()?,
            source: v.code("source", ReferralSource::from_code)?,
        })
    },
    confirm: None,
};

/// A new episode for an existing client.
pub const NEW_EPISODE: Spec = Spec {
    title: "new episode",
    key: "new_episode",
    legacy_key: "new episode",
    target: Target::New,
    menu: Menu::Client,
    fields: |context| {
        vec![
            on(context, "referral date"),
            Field::new("source", "referral source", vocab!(ReferralSource)).required(),
        ]
    },
    columns: &[],
    today: None,
    build: |v| {
        Ok(Change::Referral {
            client: ReferralFor::Existing(v.client()?.id),
            date: v.on()?,
            source: v.code("source", ReferralSource::from_code)?,
        })
    },
    confirm: None,
};
