//! The sections of the return, figure by figure in the order they are printed, each
//! with its definition.

use crate::domain::kpi::Figures;
use crate::domain::model::{ExitReason, TestKind};

use super::lines::{Builder, Line};
use crate::domain::clock::ClockStart;

impl Figures {
    fn exit(&self, reason: ExitReason) -> u64 {
        self.exits
            .iter()
            .find(|(r, _)| *r == reason)
            .map_or(0, |(_, n)| *n)
    }

    fn exits_completed(&self) -> u64 {
        self.exits
            .iter()
            .filter(|(r, _)| r.is_completion())
            .map(|(_, n)| n)
            .sum()
    }

    fn tests(&self, kind: TestKind) -> u64 {
        self.tests_by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }
}

/// "How much did we do?": referrals and tests, then treatment, then the caseload.
pub(super) fn how_much(b: &mut Builder, f: &Figures) -> Vec<Line> {
    referrals_and_tests(b, f);
    treatment(b, f);
    caseload(b, f);
    b.take()
}

/// Referrals by source, custody-suite tallies and the drug tests recorded against clients.
fn referrals_and_tests(b: &mut Builder, f: &Figures) {
    b.line(
        0,
        "Referrals",
        f.referrals,
        None,
        "",
        "episodes with a referral date in the period",
    );
    for (source, n) in &f.referral_sources {
        b.line(
            1,
            source.label(),
            *n,
            Some(f.referrals),
            "referrals",
            "referrals from this source",
        );
    }
    b.line(
        0,
        "Adults charged with a trigger offence",
        f.charged_trigger_offence,
        None,
        "",
        "custody-suite tallies for the period",
    );
    b.line(
        1,
        "of whom drug tested",
        f.tested_after_charge,
        Some(f.charged_trigger_offence),
        "adults charged with a trigger offence",
        "custody-suite tallies for the period",
    );
    b.line(
        1,
        "of whom positive",
        f.positive_after_charge,
        Some(f.tested_after_charge),
        "adults drug tested",
        "custody-suite tallies for the period: positive for opiates, cocaine or both",
    );
    b.line(
        0,
        "Trigger-offence drug tests (clients)",
        f.tests(TestKind::TriggerOffence),
        None,
        "",
        "trigger-offence tests recorded against clients in the period",
    );
    b.line(
        0,
        "Inspector's-authority drug tests (clients)",
        f.tests(TestKind::InspectorsAuthority),
        None,
        "",
        "inspector's-authority tests recorded against clients in the period",
    );
    b.line(
        0,
        "Voluntary (5-panel) drug tests",
        f.tests(TestKind::Voluntary),
        None,
        "",
        "voluntary 5-panel tests recorded in the period, a kind of their own (000)",
    );
}

/// Assessments, care plans, brief interventions and Required Assessments.
fn treatment(b: &mut Builder, f: &Figures) {
    b.line(
        0,
        "Assessments",
        f.assessments,
        Some(f.referrals),
        "referrals",
        "episodes with an assessment (DIR) date in the period",
    );
    b.line(
        0,
        "Care plans",
        f.care_plans,
        Some(f.assessments),
        "assessments",
        "episodes with a care-plan date (caseload start) in the period",
    );
    b.line(
        0,
        "Engaging in treatment",
        f.engaging,
        Some(f.care_plans),
        "care plans",
        "of the period's care plans, with engagement (DIR section 9) dated by period end",
    );
    b.line(
        0,
        "Prescribed",
        f.prescribed,
        Some(f.referrals),
        "referrals",
        "of the period's care plans, prescribed (as a share of referrals, as in the Gwent return)",
    );
    b.line(
        0,
        "Brief interventions",
        f.brief_interventions,
        None,
        "",
        "brief interventions recorded in the period, the signposted ones included (000: 388 signposted = 16% of 2,450)",
    );
    let signposted: u64 = f.signposted.iter().map(|(_, n)| n).sum();
    b.line(
        1,
        "signposted to specialist services",
        signposted,
        Some(f.brief_interventions),
        "brief interventions",
        "brief interventions whose outcome was signposting, with its destination (000: \"Number signposted into specialist services\")",
    );
    for (destination, n) in &f.signposted {
        b.line(
            2,
            destination.label(),
            *n,
            Some(f.brief_interventions),
            "brief interventions",
            "signposted to this destination",
        );
    }
    b.line(
        0,
        "Required Assessments conducted",
        f.required_assessments,
        None,
        "",
        "RA-IA and RA-FU appointments in the period that were attended (000: \"the number of Required Assessments conducted\")",
    );
}

/// The caseload at period end and on average, by area, with its support and testing.
fn caseload(b: &mut Builder, f: &Figures) {
    b.line(
        0,
        "Caseload at period end",
        f.caseload_at_end,
        None,
        "",
        "episodes with a care plan on or before the last day, not closed by then",
    );
    for area in &f.caseload {
        b.line(
            1,
            &area.area.name,
            area.at_end,
            Some(f.caseload_at_end),
            "caseload at period end",
            "caseload of this area at period end",
        );
    }
    let average: f64 = f.caseload.iter().map(|a| a.average).sum();
    b.average(
        0,
        "Caseload averaged over the period",
        average,
        "client-days on the caseload in the period divided by the days in the period",
    );
    for area in &f.caseload {
        b.average(
            1,
            &area.area.name,
            area.average,
            "this area's daily caseload, averaged",
        );
    }
    b.line(
        0,
        "Designated IOM at period end",
        f.iom_at_end,
        Some(f.caseload_at_end),
        "caseload at period end",
        "clients on the caseload at period end flagged IOM",
    );
    let modalities = f.modalities_prescribed + f.modalities_not_prescribed;
    b.line(
        0,
        "Receiving structured support (care-plan modalities)",
        modalities,
        None,
        "",
        "individuals with a care-plan modality running on any day of the period (000: \"those individuals on the caseload receiving structured support during the reported period\")",
    );
    b.line(
        1,
        "prescribed",
        f.modalities_prescribed,
        Some(modalities),
        "individuals receiving structured support",
        "the episode is prescribed",
    );
    b.line(
        1,
        "not prescribed",
        f.modalities_not_prescribed,
        Some(modalities),
        "individuals receiving structured support",
        "the episode is not prescribed",
    );
    b.line(
        0,
        "People with a treatment drug test",
        f.treatment_tested_people,
        Some(f.prescribed_caseload),
        "prescribed caseload",
        "people with at least one treatment test in the period (000: \"those that have had at least one treatment drug test during the reporting period\"), as a share of prescribed clients on the caseload in the period",
    );
    b.line(
        1,
        "treatment tests, negative",
        f.negative_treatment_tests,
        Some(f.tests(TestKind::Treatment)),
        "treatment drug tests",
        "treatment tests with a negative result",
    );
}

/// The substances sections: every ranked substance, then the primary ones.
pub(super) fn substances(b: &mut Builder, f: &Figures) -> (Vec<Line>, Vec<Line>) {
    let ranked: u64 = f.substances.iter().map(|(_, n)| n).sum();
    b.line(
        0,
        "Substances reported",
        ranked,
        None,
        "",
        "every ranked substance (up to 3) of clients referred in the period (000: \"Each individual can report up to and including 3 problem substances\"; 617 for 592 referrals)",
    );
    for (substance, n) in &f.substances {
        b.line(
            1,
            substance.label(),
            *n,
            Some(ranked),
            "substances reported",
            "referrals naming this substance at any rank",
        );
    }
    let all_substances = b.take();
    for (substance, n) in &f.primary_substances {
        b.line(
            0,
            substance.label(),
            *n,
            Some(f.referrals),
            "referrals",
            "primary substance of clients referred in the period",
        );
    }
    let substances = b.take();
    (all_substances, substances)
}

pub(super) fn better_off(b: &mut Builder, f: &Figures) -> Vec<Line> {
    b.line(
        0,
        "Completions",
        f.exits_completed(),
        Some(f.closures),
        "closures",
        "episodes closed in the period as completed (any of the three kinds)",
    );
    for (reason, label) in [
        (ExitReason::CompletedDrugAndCrimeFree, "drug and crime free"),
        (ExitReason::CompletedCrimeFree, "crime free only"),
        (ExitReason::CompletedDrugFree, "drug free only"),
    ] {
        b.line(
            1,
            label,
            f.exit(reason),
            Some(f.closures),
            "closures",
            "completions of this kind",
        );
    }
    b.line(0, "Re-offending sample: 3-month count recorded", f.sample_recorded, None, "",
        "clients in the quarterly samples drawn for the period whose offences in the first 3 months after the episode are recorded (000: \"3+ ... months post engagement\")");
    b.line(
        1,
        "not re-offending in the first 3 months",
        f.sample_not_reoffending,
        Some(f.sample_recorded),
        "sampled clients with the count recorded",
        "no offence recorded in the 3 months after closure",
    );
    b.line(
        0,
        &format!(
            "Re-offending sample of {}: 12-month count recorded",
            f.sample_year_before.label
        ),
        f.sample_12m_recorded,
        None,
        "",
        "clients in the samples drawn for the same period a year earlier whose offences in the first 12 months after the episode are recorded (000: \"12+ months post engagement\")",
    );
    b.line(
        1,
        "not re-offending in the first 12 months",
        f.sample_12m_not_reoffending,
        Some(f.sample_12m_recorded),
        "sampled clients with the 12-month count recorded",
        "no offence recorded in the 12 months after closure",
    );
    b.take()
}

pub(super) fn how_well(b: &mut Builder, f: &Figures, clock_starts: ClockStart) -> Vec<Line> {
    b.line(
        0,
        "Closures",
        f.closures,
        None,
        "",
        "episodes closed in the period",
    );
    b.line(
        0,
        "Disengagements",
        f.exit(ExitReason::Disengaged),
        Some(f.closures),
        "closures",
        "closures with the exit reason 'disengaged'",
    );
    let outcomes: u64 = f.caseload.iter().map(|a| a.positive_outcomes).sum();
    b.line(
        0,
        "Positive outcomes",
        outcomes,
        None,
        "",
        "positive outcomes recorded in the period",
    );
    for area in &f.caseload {
        b.line(
            1,
            &area.area.name,
            area.positive_outcomes,
            Some(outcomes),
            "positive outcomes",
            "positive outcomes of this area's clients",
        );
    }
    b.line(
        0,
        "Closed before reaching the caseload",
        f.closed_before_caseload,
        Some(f.closures),
        "closures",
        "closures of episodes with no care plan: never retained in treatment, so in no retention band",
    );
    for (band, n) in &f.retention {
        b.line(
            0,
            &format!("Closures retained {}", band.label()),
            *n,
            Some(f.closures),
            "closures",
            match clock_starts {
                ClockStart::CarePlan => {
                    "whole weeks from the care-plan date (the caseload start) to closure; 000 \
                     gives no start, so this is a local rule: the team setting clock_starts = \
                     \"care-plan\""
                }
                ClockStart::Assessment => {
                    "whole weeks from the assessment (DIR) date, or the care-plan date if \
                     earlier, to closure; 000 gives no start, so this is a local rule: the team \
                     setting clock_starts = \"assessment\""
                }
            },
        );
    }
    b.take()
}
