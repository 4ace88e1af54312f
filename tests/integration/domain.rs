//! The rules at their edges: no terminal, no database, a fixed today.

use caseload::domain::breach::{countdown, deadline, is_overdue};
use caseload::domain::clock::{RetentionBand, Stage, at_or_past_benchmark, clock, retention_band};
use caseload::domain::dates::{DateError, parse_date, parse_past_date};
use caseload::domain::model::{ExitReason, Rag};
use caseload::domain::nhs::{NhsNumberError, parse_nhs_number};
use caseload::domain::release::{Checklist, days_to_release, planning_date, readiness};
use chrono::Days;

use crate::common::{at, complete_checklist, date, today};

fn day(n: u64) -> chrono::NaiveDate {
    today() - Days::new(n)
}

#[test]
fn clock_stage_changes_at_each_edge() {
    let cases = [
        (0, 1, Stage::OnTrack),
        (69, 10, Stage::OnTrack),
        (70, 11, Stage::Approaching),
        (83, 12, Stage::Approaching),
        (84, 13, Stage::Approaching),
        (90, 13, Stage::Approaching),
        (91, 14, Stage::Due),
        (92, 14, Stage::Overdue),
    ];
    for (days, week, stage) in cases {
        let c = clock(day(days), None, today()).expect("started");
        assert_eq!(
            (c.day, c.week, c.stage),
            (i64::try_from(days).unwrap(), week, stage),
            "day {days}"
        );
    }
}

#[test]
fn benchmark_is_reached_on_day_91() {
    let start = day(91);
    assert_eq!(clock(start, None, today()).unwrap().benchmark_date, today());
    assert!(at_or_past_benchmark(start, today()));
    assert!(!at_or_past_benchmark(day(90), today()));
}

#[test]
fn extension_holds_until_its_review_date_then_overdue() {
    let start = day(100);
    let review = today();
    assert_eq!(
        clock(start, Some(review), today()).unwrap().stage,
        Stage::Extended
    );
    let tomorrow = today() + Days::new(1);
    assert_eq!(
        clock(start, Some(review), tomorrow).unwrap().stage,
        Stage::Overdue
    );
}

#[test]
fn extension_does_not_hide_the_due_day() {
    assert_eq!(
        clock(day(91), Some(today() + Days::new(30)), today())
            .unwrap()
            .stage,
        Stage::Due
    );
}

#[test]
fn clock_counts_across_a_leap_day() {
    // 2024-02-29 exists: 1 Feb to 1 Mar 2024 is 29 days, in 2023 it is 28.
    assert_eq!(
        clock(date("2024-02-01"), None, date("2024-03-01"))
            .unwrap()
            .day,
        29
    );
    assert_eq!(
        clock(date("2023-02-01"), None, date("2023-03-01"))
            .unwrap()
            .day,
        28
    );
    // 91 days from 1 Dec 2023 is 1 Mar 2024 (leap year), not 2 Mar.
    assert_eq!(
        clock(date("2023-12-01"), None, date("2024-03-01"))
            .unwrap()
            .stage,
        Stage::Due
    );
}

#[test]
fn clock_is_none_before_the_caseload_starts() {
    assert!(clock(today() + Days::new(1), None, today()).is_none());
}

#[test]
fn retention_bands_split_at_12_and_24_whole_weeks() {
    let start = date("2026-01-01");
    let cases = [
        (0, RetentionBand::UpTo11Weeks),
        (83, RetentionBand::UpTo11Weeks),
        (84, RetentionBand::From12To23Weeks),
        (167, RetentionBand::From12To23Weeks),
        (168, RetentionBand::From24Weeks),
        (1000, RetentionBand::From24Weeks),
    ];
    for (days, band) in cases {
        assert_eq!(
            retention_band(start, start + Days::new(days)),
            band,
            "{days} days"
        );
    }
}

#[test]
fn retention_of_a_closure_before_the_start_is_zero_weeks() {
    assert_eq!(
        retention_band(date("2026-03-10"), date("2026-03-01")),
        RetentionBand::UpTo11Weeks
    );
}

#[test]
fn breach_deadlines_follow_the_rag_windows() {
    let raised = at("2026-11-23 14:30");
    assert_eq!(deadline(raised, Rag::Red), at("2026-11-24 14:30"));
    assert_eq!(deadline(raised, Rag::Amber), at("2026-11-30 14:30"));
    assert_eq!(deadline(raised, Rag::Green), at("2026-12-23 14:30"));
}

#[test]
fn red_deadline_crosses_midnight_and_the_year_end() {
    assert_eq!(
        deadline(at("2026-12-31 23:45"), Rag::Red),
        at("2027-01-01 23:45")
    );
}

#[test]
fn green_deadline_is_clamped_to_the_end_of_a_short_month() {
    assert_eq!(
        deadline(at("2024-01-31 10:00"), Rag::Green),
        at("2024-02-29 10:00")
    );
    assert_eq!(
        deadline(at("2025-01-31 10:00"), Rag::Green),
        at("2025-02-28 10:00")
    );
}

#[test]
fn breach_is_overdue_only_after_the_deadline_minute() {
    let d = at("2026-11-24 14:30");
    assert!(!is_overdue(d, at("2026-11-24 14:30")));
    assert!(is_overdue(d, at("2026-11-24 14:31")));
}

#[test]
fn countdown_reads_in_days_hours_or_minutes() {
    let d = at("2026-11-24 14:30");
    assert_eq!(countdown(d, at("2026-11-21 10:00")), "3d 4h");
    assert_eq!(countdown(d, at("2026-11-24 09:20")), "5h 10m");
    assert_eq!(countdown(d, at("2026-11-24 14:18")), "12m");
    assert_eq!(countdown(d, at("2026-11-26 15:30")), "overdue 2d 1h");
}

#[test]
fn release_readiness_is_red_within_two_days_if_incomplete() {
    let partial = Checklist {
        appointment_booked: true,
        ..Checklist::default()
    };
    let complete = complete_checklist();
    let cases = [
        (0, Rag::Red),
        (2, Rag::Red),
        (3, Rag::Amber),
        (7, Rag::Amber),
        (8, Rag::Green),
        (-1, Rag::Red),
    ];
    for (days, rag) in cases {
        assert_eq!(readiness(&partial, days), rag, "{days} days");
    }
    assert_eq!(readiness(&complete, 0), Rag::Green);
    assert_eq!(partial.missing().len(), 5);
    assert_eq!(complete.done(), 6);
    // The DAN 24/7 number before release (003) is an item like the others: without
    // it the checklist is not complete.
    let no_dan = Checklist {
        dan_advised: false,
        ..complete
    };
    assert_eq!(no_dan.missing(), ["DAN 24/7 number given"]);
    assert_eq!(readiness(&no_dan, 2), Rag::Red);
}

#[test]
fn release_planning_uses_the_earliest_date_until_it_passes() {
    let expected = Some(today() + Days::new(20));
    let earliest = Some(today() + Days::new(5));
    assert_eq!(planning_date(expected, earliest, today()), earliest);
    let passed = Some(today() - Days::new(1));
    assert_eq!(planning_date(expected, passed, today()), expected);
    assert_eq!(planning_date(None, None, today()), None);
    assert_eq!(days_to_release(today() + Days::new(2), today()), 2);
}

#[test]
fn nhs_numbers_are_checked_by_modulus_11() {
    assert_eq!(
        parse_nhs_number("943 476 5919"),
        Ok("9434765919".to_owned())
    );
    assert_eq!(
        parse_nhs_number("943-476-5919"),
        Ok("9434765919".to_owned())
    );
    assert_eq!(
        parse_nhs_number("9434765918"),
        Err(NhsNumberError::BadCheckDigit)
    );
    assert_eq!(
        parse_nhs_number("943476591"),
        Err(NhsNumberError::NotTenDigits)
    );
    assert_eq!(
        parse_nhs_number("94347659190"),
        Err(NhsNumberError::NotTenDigits)
    );
    assert_eq!(
        parse_nhs_number("94347659a9"),
        Err(NhsNumberError::NotTenDigits)
    );
    // Remainder 1 gives check value 10: no number with these nine digits is valid.
    assert_eq!(
        parse_nhs_number("0000000060"),
        Err(NhsNumberError::BadCheckDigit)
    );
    // Check value 11 means a check digit of 0.
    assert_eq!(parse_nhs_number("0000000000"), Ok("0000000000".to_owned()));
}

#[test]
fn typed_dates_accept_the_documented_forms() {
    let t = today();
    let cases = [
        ("23/11/2026", t),
        ("2026-11-23", t),
        ("today", t),
        ("Yesterday", t - Days::new(1)),
        ("+7", t + Days::new(7)),
        ("-3", t - Days::new(3)),
        ("29/02/2024", date("2024-02-29")),
        (" 1/3/2026 ", date("2026-03-01")),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_date(text, t), Ok(expected), "{text}");
    }
}

#[test]
fn typed_dates_refuse_ambiguous_impossible_and_future_dates_with_a_reason() {
    let t = today();
    assert!(matches!(
        parse_date("23/11/26", t),
        Err(DateError::TwoDigitYear(_))
    ));
    assert!(matches!(
        parse_date("31/02/2026", t),
        Err(DateError::Impossible(_))
    ));
    assert!(matches!(
        parse_date("29/02/2025", t),
        Err(DateError::Impossible(_))
    ));
    assert!(matches!(
        parse_date("next week", t),
        Err(DateError::Unrecognised(_))
    ));
    assert!(matches!(parse_date("", t), Err(DateError::Empty)));
    let future = parse_past_date("+1", t).unwrap_err();
    assert_eq!(
        future.to_string(),
        "24/11/2026 is in the future: this date must be today or earlier"
    );
    assert_eq!(
        parse_date("31/02/2026", t).unwrap_err().to_string(),
        "'31/02/2026' is not a real date: check the day and month"
    );
    assert!(
        parse_date("23/11/26", t)
            .unwrap_err()
            .to_string()
            .contains("four digits")
    );
}

#[test]
fn exit_reasons_separate_planned_from_unplanned() {
    let unplanned: Vec<_> = ExitReason::ALL.iter().filter(|r| !r.is_planned()).collect();
    assert_eq!(
        unplanned,
        [
            &ExitReason::Disengaged,
            &ExitReason::Deceased,
            &ExitReason::Other
        ]
    );
    assert_eq!(
        ExitReason::ALL.iter().filter(|r| r.is_completion()).count(),
        3
    );
    assert_eq!(
        ExitReason::from_code("DISENGAGED"),
        Some(ExitReason::Disengaged)
    );
    assert_eq!(
        ExitReason::from_code("completed: drug free"),
        Some(ExitReason::CompletedDrugFree)
    );
    assert_eq!(ExitReason::from_code("nope"), None);
}

#[test]
fn a_client_label_keeps_name_and_reference_in_one_text() {
    let label = caseload::domain::model::ClientLabel::new("O'Neill-Ryan", "Siân", "C-1042");
    assert_eq!(label.family(), "O'Neill-Ryan");
    assert_eq!(label.given(), "Siân");
    assert_eq!(label.display_name(), "O'Neill-Ryan, Siân");
    assert_eq!(label.reference(), "C-1042");
    assert_eq!(label.search_text(), "O'Neill-Ryan, Siân C-1042");
}
