//! One form per kind of update: which fields it has, with their checks, defaults and
//! starting values (the change a checked form makes is in `build`).

use chrono::{NaiveDate, NaiveDateTime};

use super::{Field, FieldKind};
use crate::domain::dates::uk;
use crate::domain::model::{
    AssessmentKind, AssessmentOutcome, BreachStatus, ContactKind, ExitReason, Flags, ModalityKind,
    OutcomeKind, Rag, ReferralSource, ReleaseType, SignpostDestination, Substance, TestKind,
    TestResult,
};
use crate::domain::release::Checklist;
use crate::domain::substances::AlcoholRule;
use crate::store::Versioned;

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
    /// Book RA-IA or RA-FU.
    BookAssessment,
    /// Attended or failed to attend (and raise a breach).
    AssessmentOutcome,
    /// Arrested, withdrawn, resolved.
    Breach,
    /// A new custody episode.
    AddCustody,
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
    /// Every form.
    pub const ALL: [Self; 29] = [
        Self::Contact,
        Self::DidNotAttend,
        Self::NewClientReferral,
        Self::NewEpisode,
        Self::Assessment,
        Self::CarePlan,
        Self::Review,
        Self::Engaged,
        Self::Prescribed,
        Self::Tier,
        Self::Flags,
        Self::Substances,
        Self::Consent,
        Self::BookAssessment,
        Self::AssessmentOutcome,
        Self::Breach,
        Self::AddCustody,
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
        Self::Outreach,
    ];

    /// Title shown on the form, and the stable name stored with drafts.
    #[must_use]
    pub const fn title(self) -> &'static str {
        match self {
            Self::Contact => "contact",
            Self::DidNotAttend => "did not attend",
            Self::NewClientReferral => "new referral",
            Self::NewEpisode => "new episode",
            Self::Assessment => "assessment",
            Self::CarePlan => "care plan",
            Self::Review => "care-plan review",
            Self::Engaged => "engaged",
            Self::Prescribed => "prescribed",
            Self::Tier => "tier",
            Self::Flags => "flags and priority groups",
            Self::Substances => "substances",
            Self::Consent => "consent to share",
            Self::BookAssessment => "book Required Assessment",
            Self::AssessmentOutcome => "Required Assessment outcome",
            Self::Breach => "breach",
            Self::AddCustody => "custody",
            Self::ReleaseDates => "release dates",
            Self::ReleaseChecklist => "release checklist",
            Self::Released => "released",
            Self::ExitPlan => "13-week exit plan",
            Self::Extension => "13-week extension",
            Self::Close => "close episode",
            Self::Reassign => "reassign",
            Self::PositiveOutcome => "positive outcome",
            Self::StartModality => "modality started",
            Self::EndModality => "modality ended",
            Self::DrugTest => "drug test",
            Self::Outreach => "outreach",
        }
    }

    /// The form whose title is `name` (to restore a draft).
    #[must_use]
    pub fn from_title(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.title() == name)
    }
}

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
    /// Current values to start from, by field key (e.g. `("iom", "yes")`).
    pub current: Vec<(&'static str, String)>,
    /// Areas offered (id, name).
    pub areas: Vec<(i64, String)>,
    /// Care co-ordinators offered (id, name).
    pub workers: Vec<(i64, String)>,
    /// Area and care co-ordinator of a new client.
    pub home: Option<(i64, Option<i64>)>,
    /// Care-plan date, to show the retention band before closing.
    pub care_plan_date: Option<NaiveDate>,
    /// Whether alcohol may be the primary substance.
    pub alcohol: AlcoholRule,
}

/// A failed cross-field rule: the field key to mark (or `""`) and the sentence.
pub type Problem = (&'static str, String);

/// The `current` values that start a flags form from a client's flags.
#[must_use]
pub fn flag_values(flags: &Flags) -> Vec<(&'static str, String)> {
    flag_keys(flags)
        .into_iter()
        .map(|(key, on)| (key, yes_no(on)))
        .collect()
}

/// The `current` values that start a checklist form from a custody's checklist.
#[must_use]
pub fn checklist_values(checklist: &Checklist) -> Vec<(&'static str, String)> {
    CHECKLIST_KEYS
        .iter()
        .zip(checklist.items())
        .map(|(key, (_, done))| (*key, yes_no(done)))
        .collect()
}

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

fn yes_no(on: bool) -> String {
    if on { "yes" } else { "no" }.to_owned()
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
        FormKind::Engaged => vec![yes("engaged", "engaged in treatment")],
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
        FormKind::BookAssessment => vec![
            Field::new("kind", "appointment", vocab!(AssessmentKind))
                .required()
                .with("ra_ia"),
            Field::new("at", "when", FieldKind::DateTime { past_only: false }).required(),
        ],
        FormKind::AssessmentOutcome => vec![
            Field::new("outcome", "outcome", vocab!(AssessmentOutcome)).required(),
            Field::new("breach", "raise breach (RAG)", vocab!(Rag)),
        ],
        FormKind::Breach => vec![
            Field::new("status", "status", vocab!(BreachStatus)).required(),
            date("on", "date dealt with", true).with(today),
        ],
        FormKind::AddCustody => vec![
            text("prison", "prison").required(),
            date("reception", "reception date", true).required(),
            date("expected", "expected release", false),
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
    for field in &mut fields {
        if let Some((_, value)) = context.current.iter().find(|(k, _)| *k == field.key) {
            field.value.clone_from(value);
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
