//! One form per kind of update: which fields it has, with their checks, defaults and
//! starting values (the change a checked form makes is in `build`).

use chrono::NaiveDate;

use super::{Field, FieldKind, FormContext};
use crate::domain::dates::uk;
use crate::domain::model::{
    AssessmentKind, AssessmentOutcome, BreachStatus, ContactKind, ExitReason, Flags, ModalityKind,
    OutcomeKind, Rag, ReferralSource, ReleaseType, SignpostDestination, Substance, TestKind,
    TestResult,
};
use crate::domain::release::Checklist;
use crate::domain::write::{RowBase, Value};

/// Every form, one per kind of update in the issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormKind {
    /// Log a contact.
    Contact,
    /// Record a did-not-attend.
    DidNotAttend,
    /// A referral for someone not yet a client.
    NewClientReferral,
    /// A new episode for an existing client.
    NewEpisode,
    /// Assessment (DIR) date.
    Assessment,
    /// Care-plan date.
    CarePlan,
    /// Care-plan review done: next review date.
    Review,
    /// Engaged in treatment.
    Engaged,
    /// Prescribed.
    Prescribed,
    /// Treatment tier.
    Tier,
    /// IOM, PPO and priority groups.
    Flags,
    /// Up to three ranked substances.
    Substances,
    /// Consent to share, with date.
    Consent,
    /// GP practice and prescribing service.
    Practice,
    /// The domestic-abuse perpetrator priority flag.
    DomesticAbuse,
    /// Book RA-IA or RA-FU.
    BookAssessment,
    /// Attended or failed to attend (and raise a breach).
    AssessmentOutcome,
    /// Arrested, withdrawn, resolved.
    Breach,
    /// A new custody episode.
    AddCustody,
    /// The hand-over to CARATS or the prison drug team.
    Handover,
    /// Expected/earliest release date and type.
    ReleaseDates,
    /// The release checklist.
    ReleaseChecklist,
    /// The actual release.
    Released,
    /// The 13-week exit plan.
    ExitPlan,
    /// A 13-week extension.
    Extension,
    /// Close the episode.
    Close,
    /// Reassign one or more clients.
    Reassign,
    /// A positive outcome.
    PositiveOutcome,
    /// A modality started.
    StartModality,
    /// A modality completed or stopped.
    EndModality,
    /// A drug test and its result.
    DrugTest,
    /// Outreach tally.
    Outreach,
}

impl FormKind {
    /// Every form, in menu order.
    pub const ALL: [Self; 32] = [
        Self::Contact,
        Self::DidNotAttend,
        Self::Assessment,
        Self::CarePlan,
        Self::Review,
        Self::Engaged,
        Self::Prescribed,
        Self::Tier,
        Self::Flags,
        Self::DomesticAbuse,
        Self::Substances,
        Self::Consent,
        Self::Practice,
        Self::BookAssessment,
        Self::AssessmentOutcome,
        Self::Breach,
        Self::AddCustody,
        Self::Handover,
        Self::ReleaseDates,
        Self::ReleaseChecklist,
        Self::Released,
        Self::ExitPlan,
        Self::Extension,
        Self::Close,
        Self::Reassign,
        Self::PositiveOutcome,
        Self::StartModality,
        Self::EndModality,
        Self::DrugTest,
        Self::NewEpisode,
        Self::NewClientReferral,
        Self::Outreach,
    ];
}

/// A failed cross-field rule: the field key to mark (or `""`) and the sentence.
pub type Problem = (&'static str, String);

pub(super) const CHECKLIST_KEYS: [&str; Checklist::LEN] = [
    "appointment_booked",
    "prescriber_confirmed",
    "naloxone_given",
    "accommodation_confirmed",
    "prison_team_contacted",
];

pub(super) fn flag_keys(f: &Flags) -> [(&'static str, bool); 9] {
    [
        ("iom", f.iom),
        ("ppo", f.ppo),
        ("mappa", f.mappa),
        ("marac", f.marac),
        ("matac", f.matac),
        ("approved_premises", f.approved_premises),
        ("drr", f.drr),
        ("atr", f.atr),
        ("licence_condition", f.licence_condition),
    ]
}

/// A stored column value as the text a field of `kind` holds (dates as dd/mm/yyyy,
/// flags as yes/no, codes and numbers as they are, nothing as empty).
#[must_use]
pub fn field_text(kind: &FieldKind, value: &Value) -> String {
    match (kind, value) {
        (FieldKind::YesNo, Value::Integer(on)) => if *on == 0 { "no" } else { "yes" }.to_owned(),
        (FieldKind::YesNo, _) => "no".to_owned(),
        (_, Value::Null | Value::Blob(_)) => String::new(),
        (_, Value::Integer(i)) => i.to_string(),
        (_, Value::Real(r)) => r.to_string(),
        (FieldKind::Date { .. }, Value::Text(text)) => {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_or_else(|_| text.clone(), uk)
        }
        (_, Value::Text(text)) => text.clone(),
    }
}

macro_rules! vocab {
    ($t:ty) => {
        FieldKind::Choice(
            <$t>::ALL
                .iter()
                .map(|v| (v.code().to_owned(), v.label().to_owned()))
                .collect(),
        )
    };
}

fn date(key: &'static str, label: &'static str, past_only: bool) -> Field {
    Field::new(key, label, FieldKind::Date { past_only })
}

fn yes(key: &'static str, label: &'static str) -> Field {
    Field::new(key, label, FieldKind::YesNo)
}

fn text(key: &'static str, label: &'static str) -> Field {
    Field::new(key, label, FieldKind::Text)
}

fn ids(list: &[(i64, String)]) -> FieldKind {
    FieldKind::Choice(
        list.iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect(),
    )
}

/// The outreach choices: one letter picks each (b, d, a, h, y).
fn outreach_options() -> FieldKind {
    let mut options = vec![(
        "brief_intervention".to_owned(),
        "brief intervention".to_owned(),
    )];
    options.extend(
        SignpostDestination::ALL
            .iter()
            .map(|d| (d.code().to_owned(), format!("{}: signposting", d.label()))),
    );
    FieldKind::Choice(options)
}

/// The fields of a form of `kind`, with defaults and `context.current` filled in.
#[must_use]
#[allow(clippy::too_many_lines)] // one short arm per form
pub fn fields(kind: FormKind, context: &FormContext) -> Vec<Field> {
    let today = uk(context.now.date());
    let now = context.now.format("%d/%m/%Y %H:%M").to_string();
    let when = Field::new("at", "when", FieldKind::DateTime { past_only: true })
        .required()
        .with(now);
    let on = |label| date("on", label, true).required().with(today.clone());
    let mut fields = match kind {
        FormKind::Contact => vec![
            Field::new("kind", "kind", vocab!(ContactKind))
                .required()
                .with("face_to_face"),
            when,
            text("note", "note"),
        ],
        FormKind::DidNotAttend => vec![when, text("note", "note")],
        FormKind::NewClientReferral => vec![
            text("reference", "reference").required(),
            text("given_name", "given name").required(),
            text("family_name", "family name").required(),
            date("date_of_birth", "date of birth", true).required(),
            on("referral date"),
            Field::new("source", "referral source", vocab!(ReferralSource)).required(),
        ],
        FormKind::NewEpisode => vec![
            on("referral date"),
            Field::new("source", "referral source", vocab!(ReferralSource)).required(),
        ],
        FormKind::Assessment => vec![on("assessment date")],
        FormKind::CarePlan => vec![on("care-plan date")],
        FormKind::Review => vec![date("next_review", "next review", false).required()],
        FormKind::Engaged => vec![
            yes("engaged", "engaged in treatment"),
            date("on", "date engaged (DIR section 9)", true).with(today),
        ],
        FormKind::Prescribed => vec![yes("prescribed", "prescribed")],
        FormKind::Tier => vec![Field::new("tier", "tier", tiers()).required().with("2")],
        FormKind::Flags => flag_keys(&Flags::default())
            .into_iter()
            .map(|(key, _)| yes(key, flag_label(key)))
            .collect(),
        FormKind::Substances => ["primary substance", "second substance", "third substance"]
            .into_iter()
            .zip(["substance_1", "substance_2", "substance_3"])
            .map(|(label, key)| Field::new(key, label, vocab!(Substance)))
            .collect(),
        FormKind::Consent => vec![
            yes("consent", "consent to share"),
            date("on", "date signed", true),
        ],
        FormKind::DomesticAbuse => vec![yes("domestic_abuse", "domestic-abuse perpetrator")],
        FormKind::Practice => vec![
            text("gp", "GP practice"),
            text("prescriber", "prescribing service"),
        ],
        FormKind::BookAssessment => vec![
            Field::new("kind", "appointment", vocab!(AssessmentKind))
                .required()
                .with("ra_ia"),
            Field::new("at", "when", FieldKind::DateTime { past_only: false }).required(),
        ],
        FormKind::AssessmentOutcome => vec![
            Field::new("outcome", "outcome", vocab!(AssessmentOutcome)).required(),
            Field::new("breach", "raise breach (RAG)", vocab!(Rag)),
            Field::new(
                "breach_at",
                "breach at (blank: appointment)",
                FieldKind::DateTime { past_only: true },
            ),
        ],
        FormKind::Breach => vec![
            Field::new("status", "status", vocab!(BreachStatus)).required(),
            date("on", "date dealt with", true).with(today),
        ],
        FormKind::AddCustody => vec![
            text("prison", "prison (blank: not known yet)"),
            date("reception", "reception date", true).required(),
            date("expected", "expected release", false),
        ],
        FormKind::Handover => vec![
            text("prison", "prison").required(),
            text("with", "CARATS / prison drug team: who"),
            date("on", "contacted on", true),
            yes("prescribing", "prescribing and dose confirmed"),
            yes("consent", "consent to share confirmed"),
            text("waived", "no hand-over possible: why (team leader)"),
        ],
        FormKind::ReleaseDates => vec![
            date("expected", "expected release", false),
            date("earliest", "earliest release", false),
            Field::new("release_type", "release type", vocab!(ReleaseType)),
        ],
        FormKind::ReleaseChecklist => CHECKLIST_KEYS
            .iter()
            .zip(Checklist::default().items())
            .map(|(key, (label, _))| yes(key, label))
            .collect(),
        FormKind::Released => vec![on("release date")],
        FormKind::ExitPlan => vec![text("plan", "exit plan").required()],
        FormKind::Extension => vec![
            text("reason", "reason").required(),
            date("review", "review date", false).required(),
        ],
        FormKind::Close => vec![
            Field::new("reason", "exit reason", vocab!(ExitReason)).required(),
            on("closure date"),
        ],
        FormKind::Reassign => vec![
            Field::new("area", "area", ids(&context.areas)).required(),
            Field::new(
                "care_coordinator",
                "care co-ordinator",
                ids(&context.workers),
            ),
        ],
        FormKind::PositiveOutcome => vec![
            Field::new("kind", "outcome", vocab!(OutcomeKind)).required(),
            on("date"),
        ],
        FormKind::StartModality => vec![
            Field::new("kind", "modality", vocab!(ModalityKind)).required(),
            on("start date"),
        ],
        FormKind::EndModality => vec![on("end date"), yes("completed", "completed")],
        FormKind::DrugTest => vec![
            Field::new("kind", "reason", vocab!(TestKind)).required(),
            Field::new("result", "result", vocab!(TestResult)).required(),
            on("date"),
        ],
        FormKind::Outreach => vec![
            Field::new("what", "what", outreach_options()).required(),
            on("date"),
        ],
    };
    let spec = kind.spec();
    let bases: Vec<&RowBase> = context
        .bases
        .iter()
        .filter(|b| Some(b.table) == spec.target.table())
        .collect();
    for (key, column) in spec.columns {
        let Some(field) = fields.iter_mut().find(|f| f.key == *key) else {
            continue;
        };
        // Several rows (a bulk reassign) start from a value only if they all share it.
        let mut values = bases.iter().filter_map(|b| b.get(column));
        if let Some(first) = values.next() {
            if values.all(|v| v == first) {
                field.value = field_text(&field.kind, first);
            }
        }
    }
    fields
}

fn tiers() -> FieldKind {
    FieldKind::Choice(
        (1..=4)
            .map(|t| (t.to_string(), format!("tier {t}")))
            .collect(),
    )
}

fn flag_label(key: &str) -> &'static str {
    match key {
        "iom" => "IOM",
        "ppo" => "PPO",
        "mappa" => "MAPPA",
        "marac" => "MARAC",
        "matac" => "MATAC",
        "approved_premises" => "Approved Premises",
        "drr" => "DRR (court order)",
        "atr" => "ATR (court order)",
        _ => "licence condition",
    }
}
