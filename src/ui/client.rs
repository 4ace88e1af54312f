//! One client's record: profile and flags, the current episode as a timeline with the
//! 13-week clock, custody and the release checklist, court orders and licences with their
//! dates and reviews, Required Assessments and breaches,
//! drug tests, contacts (newest first), earlier episodes, the audit history, and (for
//! team leaders and admins) who opened it.

use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::theme::Theme;
use super::{relative_days, safe};
use crate::app::{App, View};
use crate::domain::clock::{self, retention_band};
use crate::domain::record::{ClientRecord, CustodyRecord, EpisodeRecord, Profile};
use crate::domain::{breach, handover, release};

fn date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn heading(text: &str, theme: Theme) -> Line<'static> {
    Line::styled(format!(" {text}"), theme.header())
}

fn profile_lines(record: &ClientRecord, app: &App, theme: Theme, lines: &mut Vec<Line<'static>>) {
    let p = &record.profile;
    let today = app.today();
    let mut age = today.year() - p.date_of_birth.year();
    if today.ordinal()
        < p.date_of_birth
            .with_year(today.year())
            .map_or(0, |d| d.ordinal())
    {
        age -= 1;
    }
    let name = super::client_name(app, &format!("{}, {}", p.family_name, p.given_name));
    lines.push(Line::styled(
        format!(" {name} ({})", safe(&p.reference)),
        theme.title(),
    ));
    let nhs = p.nhs_number.as_deref().map_or_else(
        || "no NHS number".to_owned(),
        |n| match (n.get(..3), n.get(3..6), n.get(6..)) {
            (Some(a), Some(b), Some(c)) => format!("NHS {a} {b} {c}"),
            _ => format!("NHS {}", safe(n)),
        },
    );
    if app.redact() {
        lines.push(Line::styled(
            " date of birth and NHS number hidden (R shows them)",
            theme.dim(),
        ));
    } else {
        lines.push(Line::from(format!(
            " born {} ({age}), {}, {}, {nhs}",
            date(p.date_of_birth),
            p.sex.label(),
            p.ethnicity.label()
        )));
    }
    lines.push(Line::from(format!(
        " Area: {}   Care co-ordinator: {}",
        safe(&p.area),
        safe(p.care_coordinator.as_deref().unwrap_or("unallocated"))
    )));
    let consent = match p.consent_date {
        Some(d) => Span::raw(format!("signed {}", date(d))),
        None => Span::styled("NOT RECORDED", theme.warning()),
    };
    lines.push(Line::from(vec![Span::raw(" Consent to share: "), consent]));
    if p.gp_practice.is_some() || p.prescriber.is_some() {
        let known = |v: &Option<String>| safe(v.as_deref().unwrap_or("not known"));
        lines.push(Line::from(format!(
            " GP: {}   Prescribing: {}",
            known(&p.gp_practice),
            known(&p.prescriber)
        )));
    }
    lines.push(flags_line(p, theme));
}

/// Flags (IOM, PPO, priority tags, DA) and substances in order of use, on one line.
fn flags_line(p: &Profile, theme: Theme) -> Line<'static> {
    let mut flags: Vec<&str> = Vec::new();
    if p.flags.iom {
        flags.push("IOM");
    }
    if p.flags.ppo {
        flags.push("PPO");
    }
    flags.extend(p.flags.priority_tags());
    if p.domestic_abuse {
        flags.push("DA-perp");
    }
    let substances: Vec<String> = p
        .substances
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{} {}", i + 1, s.label()))
        .collect();
    Line::from(vec![
        Span::raw(" Flags: "),
        Span::styled(
            if flags.is_empty() {
                "none".to_owned()
            } else {
                flags.join(" ")
            },
            theme.flag(),
        ),
        Span::raw(format!(
            "   Substances: {}",
            if substances.is_empty() {
                "none recorded".to_owned()
            } else {
                substances.join(", ")
            }
        )),
    ])
}

fn timeline(e: &EpisodeRecord) -> String {
    let step = |name: &str, d: Option<chrono::NaiveDate>| match d {
        Some(d) => format!("{name} {}", d.format("%d/%m/%y")),
        None => format!("({name})"),
    };
    let engaged = if e.engaged { "engaged" } else { "(engaged)" };
    let exit = e.closure.map_or_else(
        || "(exit)".to_owned(),
        |(d, reason)| format!("exit {}: {}", d.format("%d/%m/%y"), reason.label()),
    );
    format!(
        "   {} -> {} -> {} -> {engaged} -> {exit}",
        step("referral", Some(e.referral_date)),
        step("assessed", e.assessment_date),
        step("care plan", e.care_plan_date)
    )
}

fn episode_lines(r: &ClientRecord, app: &App, theme: Theme, lines: &mut Vec<Line<'static>>) {
    let current = r.episodes.iter().find(|e| e.closure.is_none());
    lines.push(Line::from(""));
    match current {
        None => lines.push(heading("No open episode (not on the caseload)", theme)),
        Some(e) => {
            lines.push(heading(
                &format!("Current episode: referred by {}", e.referral_source.label()),
                theme,
            ));
            lines.push(Line::from(timeline(e)));
            lines.extend(super::orders::aftercare_line(e, r));
            let clock_starts = app.rules().triage.clock_starts;
            if let Some(start) = clock_starts.of(e.assessment_date, e.care_plan_date) {
                if let Some(c) = clock::clock(start, e.extension.as_ref().map(|x| x.1), app.today())
                {
                    lines.push(Line::from(vec![
                        Span::raw("   13-week clock: "),
                        Span::styled(
                            format!("week {}, day {} ({})", c.week, c.day, c.stage.label()),
                            theme.stage(c.stage),
                        ),
                        Span::raw(format!(", benchmark {}", date(c.benchmark_date))),
                    ]));
                }
            }
            let review = e.next_review_date.map_or_else(
                || "none set".to_owned(),
                |d| {
                    format!(
                        "{} ({})",
                        date(d),
                        relative_days((d - app.today()).num_days())
                    )
                },
            );
            lines.push(Line::from(format!(
                "   Tier {}, {}; next care-plan review {review}",
                e.tier,
                if e.prescribed {
                    "prescribed"
                } else {
                    "not prescribed"
                }
            )));
            if e.assessment_date.is_some() && !e.dan_advised {
                lines.push(Line::from(
                    "   DAN 24/7 number not given at assessment (u: assessment)",
                ));
            }
            if let Some(plan) = &e.exit_plan {
                lines.push(Line::from(format!("   Exit plan: {}", safe(plan))));
            }
            if let Some((reason, review)) = &e.extension {
                lines.push(Line::from(format!(
                    "   Extension: {} (review {})",
                    safe(reason),
                    date(*review)
                )));
            }
        }
    }
}

fn custody_lines(r: &ClientRecord, app: &App, theme: Theme, lines: &mut Vec<Line<'static>>) {
    if r.custody.is_empty() {
        return;
    }
    lines.push(Line::from(""));
    lines.push(heading("Custody", theme));
    for c in &r.custody {
        let release_text = match (c.actual_release_date, c.expected_release_date) {
            (Some(actual), _) => format!("released {}", date(actual)),
            (None, Some(expected)) => format!(
                "expected release {} ({})",
                date(expected),
                relative_days((expected - app.today()).num_days())
            ),
            (None, None) => "release date not known".to_owned(),
        };
        let early = c
            .earliest_release_date
            .map_or_else(String::new, |d| format!(", earliest {}", date(d)));
        let kind = c
            .release_type
            .map_or_else(String::new, |t| format!(", {}", t.label()));
        let went = c
            .reception_kind
            .map_or_else(String::new, |k| format!(" ({})", k.label()));
        lines.push(Line::from(format!(
            "   {} from {}{went}: {release_text}{early}{kind}",
            safe(&c.prison),
            date(c.reception_date)
        )));
        handover_lines(c, app, theme, lines);
        if c.actual_release_date.is_none() {
            let days = release::planning_date(
                c.expected_release_date,
                c.earliest_release_date,
                app.today(),
            )
            .map_or(i64::MAX, |d| release::days_to_release(d, app.today()));
            let rag = release::readiness(&c.checklist, days);
            lines.push(Line::from(vec![
                Span::raw("   Release checklist "),
                Span::styled(
                    format!(
                        "{} {}/{}",
                        rag.letter(),
                        c.checklist.done(),
                        release::Checklist::LEN
                    ),
                    theme.rag(rag),
                ),
            ]));
            for (item, done) in c.checklist.items() {
                lines.push(Line::from(format!(
                    "     [{}] {item}",
                    if done { "x" } else { " " }
                )));
            }
        }
    }
}

/// The hand-over to the prison drug team: who and when, or what is still owed.
fn handover_lines(c: &CustodyRecord, app: &App, theme: Theme, lines: &mut Vec<Line<'static>>) {
    let h = &c.handover;
    if let Some(why) = &c.handover_waived {
        lines.push(Line::from(format!(
            "   Hand-over: none possible ({})",
            safe(why)
        )));
        return;
    }
    if h.is_recorded() {
        let confirmed = [
            (h.prescribing_confirmed, "prescribing and dose"),
            (h.consent_confirmed, "consent to share"),
        ]
        .into_iter()
        .map(|(done, what)| {
            if done {
                format!(", {what} confirmed")
            } else {
                format!(", {what} NOT confirmed")
            }
        })
        .collect::<String>();
        lines.push(Line::from(format!(
            "   Hand-over: {} on {}{confirmed}",
            safe(c.handover_with.as_deref().unwrap_or_default()),
            h.contacted_on.map(date).unwrap_or_default()
        )));
        return;
    }
    if c.actual_release_date.is_some() {
        return;
    }
    let owed = handover::owed_days(c.reception_date, h, app.today()).unwrap_or(0);
    let what = if h.prison_known {
        " to CARATS or the prison drug team not recorded".to_owned()
    } else {
        format!(": prison not known yet, {}", handover::WHO_TO_ASK)
    };
    lines.push(Line::from(vec![
        Span::styled(
            format!("   Hand-over {what}"),
            theme.rag(crate::domain::model::Rag::Amber),
        ),
        Span::raw(format!(" (reception {})", relative_days(-owed))),
    ]));
}

fn assessment_lines(r: &ClientRecord, app: &App, theme: Theme, lines: &mut Vec<Line<'static>>) {
    if !r.assessments.is_empty() || !r.breaches.is_empty() {
        lines.push(Line::from(""));
        lines.push(heading("Required Assessments and breaches", theme));
    }
    for a in &r.assessments {
        let outcome = a.outcome.map_or("booked", |o| o.label());
        lines.push(Line::from(format!(
            "   {} {} {outcome}",
            a.kind.label(),
            a.appointment_at.format("%d/%m/%Y %H:%M")
        )));
    }
    for b in &r.breaches {
        let state = if b.status == crate::domain::model::BreachStatus::Outstanding {
            let cooling =
                breach::cooling_off_until(b.raised_at, app.rules().triage.cooling_off_hours)
                    .filter(|until| app.now() < *until)
                    .map_or_else(String::new, |until| {
                        format!(
                            "cooling-off {} left (till {}), ",
                            breach::countdown(until, app.now()),
                            until.format("%d/%m %H:%M")
                        )
                    });
            format!(
                "outstanding, {cooling}{} by {} ({})",
                breach::action(b.rag),
                b.deadline.format("%d/%m %H:%M"),
                breach::countdown(b.deadline, app.now())
            )
        } else {
            format!(
                "{} {}",
                b.status.label(),
                b.resolution_date.map_or_else(String::new, date)
            )
        };
        lines.push(Line::from(vec![
            Span::styled(format!("   {} breach", b.rag.letter()), theme.rag(b.rag)),
            Span::raw(format!(
                " {}: {state}",
                b.raised_at.format("%d/%m/%Y %H:%M")
            )),
        ]));
        for tried in r.reengagements.iter().filter(|t| t.breach_id == b.id) {
            let note = if tried.note.is_empty() {
                String::new()
            } else {
                format!(": {}", safe(&tried.note))
            };
            lines.push(Line::from(format!(
                "     re-engagement tried {}, {}{note}",
                tried.at.format("%d/%m/%Y %H:%M"),
                tried.how.label()
            )));
        }
    }
    if !r.tests.is_empty() {
        lines.push(Line::from(""));
        lines.push(heading("Drug tests", theme));
        for t in &r.tests {
            lines.push(Line::from(format!(
                "   {} {}: {}",
                date(t.tested_on),
                t.kind.label(),
                t.result.label()
            )));
        }
    }
}

fn history_lines(r: &ClientRecord, app: &App, theme: Theme, lines: &mut Vec<Line<'static>>) {
    lines.push(Line::from(""));
    lines.push(heading(
        &format!("Contacts, newest first ({})", r.contacts.len()),
        theme,
    ));
    if r.contacts.is_empty() {
        lines.push(Line::styled("   none recorded", theme.dim()));
    }
    for c in &r.contacts {
        lines.push(Line::from(format!(
            "   {} {:<15} {:<16} {}",
            c.contact_at.format("%d/%m/%Y %H:%M"),
            c.kind.label(),
            safe(&c.worker),
            safe(&c.note)
        )));
    }
    let earlier: Vec<&EpisodeRecord> = r.episodes.iter().filter(|e| e.closure.is_some()).collect();
    if !earlier.is_empty() {
        lines.push(Line::from(""));
        lines.push(heading("Earlier episodes", theme));
        for e in earlier {
            let Some((closed, reason)) = e.closure else {
                continue;
            };
            // Retention counts from the clock's start; an episode closed before a
            // care plan was never retained (as the return counts it).
            let band = app
                .rules()
                .triage
                .clock_starts
                .of(e.assessment_date, e.care_plan_date)
                .map_or("closed before the caseload", |start| {
                    retention_band(start, closed).label()
                });
            lines.push(Line::from(format!(
                "   {} to {}: {} ({}, {})",
                date(e.referral_date),
                date(closed),
                reason.label(),
                if reason.is_planned() {
                    "planned"
                } else {
                    "unplanned"
                },
                band
            )));
        }
    }
    lines.push(Line::from(""));
    lines.push(heading(
        &format!("Audit history ({})", r.audit.len()),
        theme,
    ));
    if r.audit.is_empty() {
        lines.push(Line::styled(
            "   no changes recorded since the record was created",
            theme.dim(),
        ));
    }
    for a in &r.audit {
        let change = match (&a.before, &a.after) {
            (Some(b), Some(after)) => format!("{} -> {}", safe(b), safe(after)),
            (None, Some(after)) => safe(after),
            (Some(b), None) => format!("was {}", safe(b)),
            (None, None) => String::new(),
        };
        lines.push(Line::from(format!(
            "   {} {} {} {}: {change}",
            a.at,
            safe(&a.who),
            a.action,
            a.entity
        )));
    }
}

/// Every line of the record, for drawing and for the scroll limit.
fn lines(app: &App, theme: Theme) -> Vec<Line<'static>> {
    let Some(record) = app.client() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    profile_lines(record, app, theme, &mut out);
    episode_lines(record, app, theme, &mut out);
    custody_lines(record, app, theme, &mut out);
    super::orders::order_lines(record, app, theme, &mut out);
    assessment_lines(record, app, theme, &mut out);
    history_lines(record, app, theme, &mut out);
    viewer_lines(record, app, theme, &mut out);
    out
}

/// Who opened the record, from the access log: shown to team leaders and admins only.
fn viewer_lines(record: &ClientRecord, app: &App, theme: Theme, lines: &mut Vec<Line<'static>>) {
    if !crate::domain::roles::may_review_access(app.session().worker.as_ref()) {
        return;
    }
    lines.push(Line::from(""));
    lines.push(heading(
        &format!(
            "Opened by ({}; team leaders and admins see this)",
            record.viewers.len()
        ),
        theme,
    ));
    if record.viewers.is_empty() {
        lines.push(Line::styled(
            "   nobody has opened this record since the access log began",
            theme.dim(),
        ));
    }
    for v in &record.viewers {
        let who = match (&v.name, v.role) {
            (Some(name), Some(role)) => format!(" ({}, {})", safe(name), role.label()),
            _ => " (no worker record)".to_owned(),
        };
        let times = if v.times == 1 {
            "once".to_owned()
        } else {
            format!("{} times", v.times)
        };
        let last = chrono::NaiveDateTime::parse_from_str(&v.last, "%Y-%m-%d %H:%M:%S").map_or_else(
            |_| safe(&v.last),
            |at| at.format("%d/%m/%Y %H:%M").to_string(),
        );
        lines.push(Line::from(format!(
            "   {}{who}: {times}, last {last}",
            safe(&v.login)
        )));
    }
}

/// Draws the record into `area`, scrolled to the client view's cursor.
pub fn render(frame: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let all = lines(app, theme);
    debug_assert_eq!(
        all.len(),
        app.client()
            .as_ref()
            .map_or(0, |r| crate::layout::record_lines(
                r,
                app.today(),
                app.rules().triage.clock_starts,
                crate::domain::roles::may_review_access(app.session().worker.as_ref())
            )),
        "layout::record_lines must count what the client view draws"
    );
    let top = app.cursor_of(View::Client).selected;
    let visible = usize::from(area.height.saturating_sub(2));
    let shown: Vec<Line<'static>> = all.into_iter().skip(top).take(visible).collect();
    let block = Block::bordered()
        .title(Line::styled(
            " Client record (Esc: back, j/k: scroll) ",
            theme.title(),
        ))
        .border_style(theme.border());
    frame.render_widget(Paragraph::new(shown).block(block), area);
}
