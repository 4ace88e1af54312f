//! Custody and release: a new custody episode, then, on the custody not yet
//! released, the hand-over to the prison, release dates, the release checklist
//! and the release itself.

use super::{Field, Spec, date, name, note, on, vocab, yes};
use crate::domain::handover::PRISON_NOT_KNOWN;
use crate::domain::model::{ReceptionKind, ReleaseType};
use crate::domain::record::ClientRecord;
use crate::domain::release::Checklist;
use crate::domain::write::{Change, CustodyEdit};
use crate::form::spec::{Menu, Row, Target};

/// The custody not yet released: the row every form here but the first edits.
const UNRELEASED: Target = Target::Row(Row {
    table: "custody",
    find: unreleased,
});

fn unreleased(record: &ClientRecord) -> Option<i64> {
    record
        .custody
        .iter()
        .find(|c| c.actual_release_date.is_none())
        .map(|c| c.id)
}

/// A new custody episode (the prison may not be known yet).
pub const ADD: Spec = Spec {
    title: "custody",
    key: "add_custody",
    legacy_key: "custody",
    target: Target::New,
    menu: Menu::Client,
    fields: |_| {
        vec![
            name("prison", "prison (blank: not known yet)"),
            date("reception", "reception date", true).required(),
            Field::new(
                "reception_kind",
                "remanded or sentenced",
                vocab!(ReceptionKind),
            ),
            date("expected", "expected release", false),
        ]
    },
    columns: &[],
    today: None,
    build: |v| {
        Ok(Change::AddCustody {
            client_id: v.client()?.id,
            prison: Some(v.text("prison"))
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| PRISON_NOT_KNOWN.to_owned()),
            reception_date: v.need_date("reception")?,
            reception_kind: ReceptionKind::from_code(v.raw("reception_kind")),
            expected_release: v.date("expected"),
        })
    },
    confirm: None,
};

/// The hand-over to CARATS or the prison drug team: whom and when go together,
/// or a team leader's reason why none was possible.
pub const HANDOVER: Spec = Spec {
    title: "hand-over to the prison",
    key: "handover",
    legacy_key: "hand-over to the prison",
    target: UNRELEASED,
    menu: Menu::Client,
    fields: |_| {
        vec![
            name("prison", "prison").required(),
            Field::new(
                "reception_kind",
                "remanded or sentenced",
                vocab!(ReceptionKind),
            ),
            name("with", "CARATS / prison drug team: who"),
            date("on", "contacted on", true),
            yes("prescribing", "prescribing and dose confirmed"),
            yes("consent", "consent to share confirmed"),
            note("waived", "no hand-over possible: why (team leader)"),
        ]
    },
    columns: &[
        ("prison", "prison"),
        ("reception_kind", "reception_kind"),
        ("with", "handover_with"),
        ("on", "handover_on"),
        ("prescribing", "handover_prescribing"),
        ("consent", "handover_consent"),
        ("waived", "handover_waived"),
    ],
    today: None,
    build: |v| {
        let (with, on) = (v.text("with"), v.date("on"));
        if with.trim().is_empty() != on.is_none() {
            let key = if on.is_none() { "on" } else { "with" };
            return Err((
                key,
                "give both whom you contacted at the prison drug team and when".to_owned(),
            ));
        }
        Ok(Change::Handover {
            custody: v.row()?,
            prison: v.text("prison"),
            with,
            on,
            prescribing: v.yes("prescribing"),
            consent: v.yes("consent"),
            waived: v.text("waived"),
            reception_kind: ReceptionKind::from_code(v.raw("reception_kind")),
        })
    },
    confirm: None,
};

/// Expected and earliest release dates (earliest not after expected) and type.
pub const RELEASE_DATES: Spec = Spec {
    title: "release dates",
    key: "release_dates",
    legacy_key: "release dates",
    target: UNRELEASED,
    menu: Menu::Client,
    fields: |_| {
        vec![
            date("expected", "expected release", false),
            date("earliest", "earliest release", false),
            Field::new("release_type", "release type", vocab!(ReleaseType)),
        ]
    },
    columns: &[
        ("expected", "expected_release_date"),
        ("earliest", "earliest_release_date"),
        ("release_type", "release_type"),
    ],
    today: None,
    build: |v| {
        let (expected, earliest) = (v.date("expected"), v.date("earliest"));
        if let (Some(e), Some(x)) = (earliest, expected) {
            if e > x {
                return Err((
                    "earliest",
                    "the earliest release cannot be after the expected one".to_owned(),
                ));
            }
        }
        let release_type = ReleaseType::from_code(v.raw("release_type"));
        Ok(Change::Custody(
            v.row()?,
            CustodyEdit::ReleaseDates {
                expected,
                earliest,
                release_type,
            },
        ))
    },
    confirm: None,
};

/// The checklist's field keys (also its columns), in [`Checklist::items`] order.
const CHECKLIST_KEYS: [&str; Checklist::LEN] = [
    "appointment_booked",
    "prescriber_confirmed",
    "naloxone_given",
    "accommodation_confirmed",
    "prison_team_contacted",
    "dan_advised",
];

/// The release checklist, one yes/no per item.
pub const CHECKLIST: Spec = Spec {
    title: "release checklist",
    key: "release_checklist",
    legacy_key: "release checklist",
    target: UNRELEASED,
    menu: Menu::Client,
    fields: |_| {
        CHECKLIST_KEYS
            .iter()
            .zip(Checklist::default().items())
            .map(|(key, (label, _))| yes(key, label))
            .collect()
    },
    columns: &[
        ("appointment_booked", "appointment_booked"),
        ("prescriber_confirmed", "prescriber_confirmed"),
        ("naloxone_given", "naloxone_given"),
        ("accommodation_confirmed", "accommodation_confirmed"),
        ("prison_team_contacted", "prison_team_contacted"),
        ("dan_advised", "dan_advised"),
    ],
    today: None,
    build: |v| {
        Ok(Change::Custody(
            v.row()?,
            CustodyEdit::Checklist(Checklist {
                appointment_booked: v.yes(CHECKLIST_KEYS[0]),
                prescriber_confirmed: v.yes(CHECKLIST_KEYS[1]),
                naloxone_given: v.yes(CHECKLIST_KEYS[2]),
                accommodation_confirmed: v.yes(CHECKLIST_KEYS[3]),
                prison_team_contacted: v.yes(CHECKLIST_KEYS[4]),
                dan_advised: v.yes(CHECKLIST_KEYS[5]),
            }),
        ))
    },
    confirm: None,
};

/// The actual release.
pub const RELEASED: Spec = Spec {
    title: "released",
    key: "released",
    legacy_key: "released",
    target: UNRELEASED,
    menu: Menu::Client,
    fields: |context| vec![on(context, "release date")],
    columns: &[("on", "actual_release_date")],
    today: Some("on"),
    build: |v| Ok(Change::Custody(v.row()?, CustodyEdit::Released(v.on()?))),
    confirm: None,
};
