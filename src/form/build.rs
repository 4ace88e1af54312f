//! Turning a checked form into the [`Change`] it makes, and the question asked
//! before a destructive or multi-record change.

use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};

use super::kinds::{CHECKLIST_KEYS, FormKind, Problem, flag_keys};
use super::{Form, parse_date_time};
use crate::domain::clock::retention_band;
use crate::domain::dates::{parse_date, uk};
use crate::domain::handover::PRISON_NOT_KNOWN;
use crate::domain::model::{
    AssessmentKind, AssessmentOutcome, BreachStatus, ContactKind, Ethnicity, ExitReason, Flags,
    ModalityKind, OutcomeKind, OutreachKind, Rag, ReferralSource, ReleaseType, Sex,
    SignpostDestination, Substance, TestKind, TestResult,
};
use crate::domain::release::Checklist;
use crate::domain::substances::Ranked;
use crate::domain::write::{Change, ClientEdit, CustodyEdit, EpisodeEdit, NewClient, ReferralFor};

/// Reads the checked values of a form.
struct Values<'a> {
    form: &'a Form,
    now: NaiveDateTime,
}

impl Values<'_> {
    fn text(&self, key: &str) -> String {
        self.form.value(key).to_owned()
    }

    fn date(&self, key: &str) -> Option<NaiveDate> {
        parse_date(self.form.value(key), self.now.date()).ok()
    }

    fn at(&self, key: &str) -> Option<NaiveDateTime> {
        parse_date_time(self.form.value(key), self.now, false).ok()
    }

    fn yes(&self, key: &str) -> bool {
        self.form.value(key) == "yes"
    }

    fn code<T>(&self, key: &'static str, parse: fn(&str) -> Option<T>) -> Result<T, Problem> {
        parse(self.form.value(key)).ok_or((key, "choose one (Space or Left/Right)".to_owned()))
    }
}

fn need<T>(key: &'static str, value: Option<T>) -> Result<T, Problem> {
    value.ok_or((key, "this is required".to_owned()))
}

fn missing(what: &str) -> Problem {
    (
        "",
        format!("there is no {what} to change here: close the form and reload"),
    )
}

/// The change a checked form makes.
///
/// # Errors
/// A [`Problem`]: a cross-field rule, or context the form needs but was not given.
#[allow(clippy::too_many_lines)] // one short arm per form
pub fn build(form: &Form, now: NaiveDateTime) -> Result<Change, Problem> {
    let v = Values { form, now };
    let c = &form.context;
    let client = || c.client.ok_or_else(|| missing("client"));
    let episode = || c.episode.ok_or_else(|| missing("open episode"));
    let row = || c.row.ok_or_else(|| missing("record"));
    let on = || need("on", v.date("on"));
    let episode_edit = |edit| Ok(Change::Episode(episode()?, edit));
    Ok(match form.kind {
        FormKind::Contact | FormKind::DidNotAttend => Change::Contact {
            client_id: client()?.id,
            at: need("at", v.at("at"))?,
            kind: if form.kind == FormKind::DidNotAttend {
                ContactKind::DidNotAttend
            } else {
                v.code("kind", ContactKind::from_code)?
            },
            note: v.text("note"),
        },
        FormKind::NewClientReferral => {
            let (area_id, care_coordinator_id) = c.home.ok_or_else(|| missing("area"))?;
            Change::Referral {
                client: ReferralFor::NewClient(Box::new(NewClient {
                    reference: v.text("reference"),
                    given_name: v.text("given_name"),
                    family_name: v.text("family_name"),
                    date_of_birth: need("date_of_birth", v.date("date_of_birth"))?,
                    sex: Sex::NotStated,
                    ethnicity: Ethnicity::NotStated,
                    nhs_number: None,
                    area_id,
                    care_coordinator_id,
                    consent_date: None,
                    substances: Vec::new(),
                    flags: Flags::default(),
                })),
                date: on()?,
                source: v.code("source", ReferralSource::from_code)?,
            }
        }
        FormKind::NewEpisode => Change::Referral {
            client: ReferralFor::Existing(client()?.id),
            date: on()?,
            source: v.code("source", ReferralSource::from_code)?,
        },
        FormKind::Assessment => episode_edit(EpisodeEdit::Assessment(Some(on()?)))?,
        FormKind::CarePlan => episode_edit(EpisodeEdit::CarePlan(Some(on()?)))?,
        FormKind::Review => episode_edit(EpisodeEdit::Review(v.date("next_review")))?,
        FormKind::Engaged => {
            let since = if v.yes("engaged") {
                Some(need("on", v.date("on"))?)
            } else {
                None
            };
            episode_edit(EpisodeEdit::Engaged(since))?
        }
        FormKind::Prescribed => episode_edit(EpisodeEdit::Prescribed(v.yes("prescribed")))?,
        FormKind::Tier => episode_edit(EpisodeEdit::Tier(v.code("tier", |s| s.parse().ok())?))?,
        FormKind::Flags => {
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
            for ((key, _), slot) in flag_keys(&Flags::default()).into_iter().zip(set) {
                *slot = v.yes(key);
            }
            Change::Client(client()?, ClientEdit::Flags(f))
        }
        FormKind::Substances => {
            let keys = ["substance_1", "substance_2", "substance_3"];
            let chosen: Vec<Option<Substance>> = keys
                .iter()
                .map(|k| Substance::from_code(v.form.value(k)))
                .collect();
            if let Some(gap) = chosen
                .windows(2)
                .position(|w| w[0].is_none() && w[1].is_some())
            {
                return Err((
                    keys[gap],
                    "fill the substances in rank order, primary first".to_owned(),
                ));
            }
            let ranked = Ranked::new(chosen.into_iter().flatten().collect(), c.alcohol)
                .map_err(|e| ("substance_1", e))?;
            Change::Client(client()?, ClientEdit::Substances(ranked))
        }
        FormKind::Consent => {
            let date = v.date("on");
            if v.yes("consent") && date.is_none() {
                return Err(("on", "consent needs the date the DIR was signed".to_owned()));
            }
            Change::Client(
                client()?,
                ClientEdit::Consent(date.filter(|_| v.yes("consent"))),
            )
        }
        FormKind::DomesticAbuse => Change::Client(
            client()?,
            ClientEdit::DomesticAbuse(v.yes("domestic_abuse")),
        ),
        FormKind::Practice => Change::Client(
            client()?,
            ClientEdit::Practice {
                gp: v.text("gp"),
                prescriber: v.text("prescriber"),
            },
        ),
        FormKind::BookAssessment => Change::BookAssessment {
            client_id: client()?.id,
            kind: v.code("kind", AssessmentKind::from_code)?,
            at: need("at", v.at("at"))?,
        },
        FormKind::AssessmentOutcome => {
            let outcome = v.code("outcome", AssessmentOutcome::from_code)?;
            let breach = Rag::from_code(v.form.value("breach"));
            if breach.is_some() && outcome != AssessmentOutcome::FailedToAttend {
                return Err((
                    "breach",
                    "a breach is raised only for a failed attendance".to_owned(),
                ));
            }
            Change::AssessmentOutcome {
                assessment: row()?,
                outcome,
                breach,
                breach_at: v.at("breach_at").filter(|_| breach.is_some()),
            }
        }
        FormKind::Breach => {
            let status = v.code("status", BreachStatus::from_code)?;
            let date = v.date("on").filter(|_| status != BreachStatus::Outstanding);
            if status != BreachStatus::Outstanding && date.is_none() {
                return Err(("on", "give the date the breach was dealt with".to_owned()));
            }
            Change::Breach {
                breach: row()?,
                status,
                date,
            }
        }
        FormKind::AddCustody => Change::AddCustody {
            client_id: client()?.id,
            prison: Some(v.text("prison"))
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| PRISON_NOT_KNOWN.to_owned()),
            reception_date: need("reception", v.date("reception"))?,
            expected_release: v.date("expected"),
        },
        FormKind::ReleaseDates => {
            let (expected, earliest) = (v.date("expected"), v.date("earliest"));
            if let (Some(e), Some(x)) = (earliest, expected) {
                if e > x {
                    return Err((
                        "earliest",
                        "the earliest release cannot be after the expected one".to_owned(),
                    ));
                }
            }
            let release_type = ReleaseType::from_code(v.form.value("release_type"));
            Change::Custody(
                row()?,
                CustodyEdit::ReleaseDates {
                    expected,
                    earliest,
                    release_type,
                },
            )
        }
        FormKind::ReleaseChecklist => Change::Custody(
            row()?,
            CustodyEdit::Checklist(Checklist {
                appointment_booked: v.yes(CHECKLIST_KEYS[0]),
                prescriber_confirmed: v.yes(CHECKLIST_KEYS[1]),
                naloxone_given: v.yes(CHECKLIST_KEYS[2]),
                accommodation_confirmed: v.yes(CHECKLIST_KEYS[3]),
                prison_team_contacted: v.yes(CHECKLIST_KEYS[4]),
            }),
        ),
        FormKind::Handover => {
            let (with, on) = (v.text("with"), v.date("on"));
            if with.trim().is_empty() != on.is_none() {
                let key = if on.is_none() { "on" } else { "with" };
                return Err((
                    key,
                    "give both whom you contacted at the prison drug team and when".to_owned(),
                ));
            }
            Change::Handover {
                custody: row()?,
                prison: v.text("prison"),
                with,
                on,
                prescribing: v.yes("prescribing"),
                consent: v.yes("consent"),
                waived: v.text("waived"),
            }
        }
        FormKind::Released => Change::Custody(row()?, CustodyEdit::Released(on()?)),
        FormKind::ExitPlan => episode_edit(EpisodeEdit::ExitPlan(v.text("plan")))?,
        FormKind::Extension => episode_edit(EpisodeEdit::Extension {
            reason: v.text("reason"),
            review_date: need("review", v.date("review"))?,
        })?,
        FormKind::Close => episode_edit(EpisodeEdit::Close {
            date: on()?,
            reason: v.code("reason", ExitReason::from_code)?,
        })?,
        FormKind::Reassign => {
            let clients = if c.clients.is_empty() {
                vec![client()?]
            } else {
                c.clients.clone()
            };
            Change::Reassign {
                clients,
                area_id: v.code("area", |s| s.parse().ok())?,
                care_coordinator_id: v.form.value("care_coordinator").parse().ok(),
            }
        }
        FormKind::PositiveOutcome => Change::PositiveOutcome {
            episode_id: episode()?.id,
            on: on()?,
            kind: v.code("kind", OutcomeKind::from_code)?,
        },
        FormKind::StartModality => Change::StartModality {
            episode_id: episode()?.id,
            kind: v.code("kind", ModalityKind::from_code)?,
            on: on()?,
        },
        FormKind::EndModality => Change::EndModality {
            modality: row()?,
            on: on()?,
            completed: v.yes("completed"),
        },
        FormKind::DrugTest => Change::DrugTest {
            client_id: client()?.id,
            on: on()?,
            kind: v.code("kind", TestKind::from_code)?,
            result: v.code("result", TestResult::from_code)?,
        },
        FormKind::Outreach => {
            let destination = SignpostDestination::from_code(v.form.value("what"));
            Change::Outreach {
                on: on()?,
                kind: if destination.is_some() {
                    OutreachKind::Signposting
                } else {
                    OutreachKind::BriefIntervention
                },
                destination,
            }
        }
    })
}

/// The question asked before a destructive or multi-record change.
#[must_use]
pub fn confirm_message(form: &Form, change: &Change) -> String {
    let count = change.record_count();
    let mut message = match change {
        Change::Episode(_, EpisodeEdit::Close { date, reason }) => {
            let band = form.context.care_plan_date.map_or_else(
                || "no care-plan date, so no retention band".to_owned(),
                |start| format!("retention {}", retention_band(start, *date).label()),
            );
            format!("Close this episode on {} ({reason}): {band}?", uk(*date))
        }
        Change::Reassign { .. } => {
            let to = |key, list: &[(i64, String)]| {
                list.iter()
                    .find(|(id, _)| id.to_string() == form.value(key))
                    .map_or_else(|| "nobody".to_owned(), |(_, name)| name.clone())
            };
            format!(
                "Reassign {count} client(s) to {} in {}?",
                to("care_coordinator", &form.context.workers),
                to("area", &form.context.areas)
            )
        }
        Change::Breach { .. } => "Mark this breach resolved?".to_owned(),
        _ => format!("Save this {}?", form.kind.title()),
    };
    if count >= 3 {
        let _ = write!(message, " This changes {count} records.");
    }
    message
}
