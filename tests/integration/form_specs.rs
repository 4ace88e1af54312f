//! Every form kind's spec, checked as a whole: complete (its fields, columns and
//! dated field agree), and stored under draft keys that are fixed here, so neither
//! renaming a title nor adding a form can move a draft to another form.

use std::collections::{BTreeMap, BTreeSet};

use caseload::domain::write::Versioned;
use caseload::form::{FieldKind, Form, FormContext, FormKind, Menu, Target};

use crate::common::at;

/// Each form's draft key and the name its drafts had before keys existed (its title
/// then). Written out, not derived: a draft saved today must load after any rename.
const DRAFT_KEYS: [(FormKind, &str, &str); 38] = {
    use FormKind::*;
    [
        (Contact, "contact", "contact"),
        (DidNotAttend, "did_not_attend", "did not attend"),
        (NewClientReferral, "new_referral", "new referral"),
        (NewEpisode, "new_episode", "new episode"),
        (Assessment, "assessment", "assessment"),
        (CarePlan, "care_plan", "care plan"),
        (Review, "review", "care-plan review"),
        (Engaged, "engaged", "engaged"),
        (Prescribed, "prescribed", "prescribed"),
        (Tier, "tier", "tier"),
        (Flags, "flags", "flags and priority groups"),
        (Substances, "substances", "substances"),
        (Consent, "consent", "consent to share"),
        (
            DomesticAbuse,
            "domestic_abuse",
            "domestic-abuse perpetrator",
        ),
        (Practice, "practice", "GP and prescriber"),
        (
            BookAssessment,
            "book_assessment",
            "book Required Assessment",
        ),
        (
            AssessmentOutcome,
            "assessment_outcome",
            "Required Assessment outcome",
        ),
        (Breach, "breach", "breach"),
        (Reengage, "reengagement", "re-engagement tried"),
        (AddCustody, "add_custody", "custody"),
        (Handover, "handover", "hand-over to the prison"),
        (ReleaseDates, "release_dates", "release dates"),
        (ReleaseChecklist, "release_checklist", "release checklist"),
        (Released, "released", "released"),
        (ExitPlan, "exit_plan", "13-week exit plan"),
        (Extension, "extension", "13-week extension"),
        (Close, "close", "close episode"),
        (Reassign, "reassign", "reassign"),
        (PositiveOutcome, "positive_outcome", "positive outcome"),
        (StartModality, "start_modality", "modality started"),
        (EndModality, "end_modality", "modality ended"),
        (DrugTest, "drug_test", "drug test"),
        (Outreach, "outreach", "outreach"),
        (AddOrder, "add_order", "add_order"),
        (Order, "order", "order"),
        (AddCourtReview, "add_review", "add_review"),
        (CourtReport, "court_review", "court_review"),
        (Aftercare, "aftercare", "aftercare"),
    ]
};

#[test]
fn every_form_keeps_its_fixed_draft_key_and_its_old_title_still_finds_it() {
    let listed: BTreeSet<String> = DRAFT_KEYS
        .iter()
        .map(|(k, _, _)| format!("{k:?}"))
        .collect();
    let all: BTreeSet<String> = FormKind::ALL.iter().map(|k| format!("{k:?}")).collect();
    assert_eq!(listed, all, "every form is in the table, once");
    assert_eq!(
        DRAFT_KEYS.len(),
        FormKind::ALL.len(),
        "no form is listed twice"
    );
    for (kind, key, legacy) in DRAFT_KEYS {
        assert_eq!(
            kind.draft_key(),
            key,
            "{kind:?}: its draft key never changes"
        );
        assert_eq!(
            kind.spec().legacy_key,
            legacy,
            "{kind:?}: its old draft name"
        );
        assert_eq!(FormKind::from_draft_key(key), Some(kind));
        assert_eq!(FormKind::from_draft_key(legacy), Some(kind));
        assert_eq!(
            kind.stored_name(legacy),
            legacy,
            "{kind:?}: the old draft is discarded under its own name"
        );
        assert_eq!(kind.stored_name(key), key);
    }
}

#[test]
fn no_draft_name_of_one_form_is_a_draft_name_of_another() {
    let mut owner: BTreeMap<&str, FormKind> = BTreeMap::new();
    for kind in FormKind::ALL {
        let spec = kind.spec();
        for name in [spec.key, spec.legacy_key] {
            let first = *owner.entry(name).or_insert(kind);
            assert_eq!(
                first, kind,
                "'{name}' names drafts of {first:?} and {kind:?}"
            );
        }
        assert!(
            spec.key.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{kind:?}: a draft key is a snake_case name, not a label"
        );
    }
}

/// A context with everything any form may need: a client, its episode, an edited
/// row, marked clients, areas, workers and a home area.
fn full_context() -> FormContext {
    let row = Versioned { id: 1, version: 1 };
    FormContext {
        now: at("2026-11-23 09:30"),
        client: Some(row),
        episode: Some(row),
        row: Some(row),
        clients: vec![row, Versioned { id: 2, version: 1 }],
        areas: vec![(1, "North".to_owned())],
        workers: vec![(1, "Cora Coordinator".to_owned())],
        home: Some((1, Some(1))),
        ..FormContext::default()
    }
}

#[test]
fn every_form_spec_is_complete_and_its_parts_agree() {
    for kind in FormKind::ALL {
        let spec = kind.spec();
        let form = Form::open(kind, full_context());
        let keys: Vec<&str> = form.fields.iter().map(|f| f.key).collect();
        assert!(!spec.title.is_empty(), "{kind:?} has a title");
        assert!(!keys.is_empty(), "{kind:?} has fields");
        assert_eq!(
            keys.iter().collect::<BTreeSet<_>>().len(),
            keys.len(),
            "{kind:?}: field keys are unique (drafts are stored by key)"
        );
        for (key, column) in spec.columns {
            assert!(
                keys.contains(key),
                "{kind:?}: column {column} is shown by field {key}, which it has"
            );
        }
        let columns: BTreeSet<&str> = spec.columns.iter().map(|(_, c)| *c).collect();
        assert_eq!(
            columns.len(),
            spec.columns.len(),
            "{kind:?}: one field per column"
        );
        if let Some(today) = spec.today {
            let field = form.fields.iter().find(|f| f.key == today);
            assert!(
                matches!(field.map(|f| &f.kind), Some(FieldKind::Date { .. })),
                "{kind:?}: the field dated today, {today}, is a date field"
            );
            assert!(
                spec.target != Target::New,
                "{kind:?}: only an edited row lacks a date"
            );
        }
        assert_eq!(
            spec.target == Target::New,
            spec.columns.is_empty(),
            "{kind:?}: a form starts from columns exactly when it edits a row"
        );
        if spec.menu == Menu::Always {
            assert_eq!(
                spec.target,
                Target::New,
                "{kind:?}: a form about no client edits no row"
            );
        }
        assert_eq!(
            spec.menu == Menu::ClientOrMarked,
            spec.target == Target::Clients,
            "{kind:?}: marked clients are offered exactly the forms that change several"
        );
    }
}
