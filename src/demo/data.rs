//! The raw material of the demo: a stable random generator, invented names, and the
//! small date helpers the generator uses.

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::model::{Sex, Substance};

/// SplitMix64: tiny, fast, and stable across releases (unlike a crate's default RNG).
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `low..=high`.
    pub(super) fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    /// True with probability `percent` / 100.
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let index = usize::try_from(self.next() % items.len() as u64).unwrap_or(0);
        &items[index]
    }
}

pub(super) const GIVEN_NAMES: &[(&str, Sex)] = &[
    ("Aled", Sex::Male),
    ("Bethan", Sex::Female),
    ("Callum", Sex::Male),
    ("Carys", Sex::Female),
    ("Dafydd", Sex::Male),
    ("Dani", Sex::Other),
    ("Dylan", Sex::Male),
    ("Eleri", Sex::Female),
    ("Ffion", Sex::Female),
    ("Gareth", Sex::Male),
    ("Gethin", Sex::Male),
    ("Hannah", Sex::Female),
    ("Ieuan", Sex::Male),
    ("Jade", Sex::Female),
    ("Jason", Sex::Male),
    ("Kayleigh", Sex::Female),
    ("Kieran", Sex::Male),
    ("Leanne", Sex::Female),
    ("Liam", Sex::Male),
    ("Lowri", Sex::Female),
    ("Mark", Sex::Male),
    ("Megan", Sex::Female),
    ("Nathan", Sex::Male),
    ("Nia", Sex::Female),
    ("Owain", Sex::Male),
    ("Paul", Sex::Male),
    ("Rhys", Sex::Male),
    ("Rebecca", Sex::Female),
    ("Ryan", Sex::Male),
    ("Sian", Sex::Female),
    ("Steffan", Sex::Male),
    ("Tanya", Sex::Female),
    ("Tomos", Sex::Male),
    ("Wayne", Sex::Male),
    ("Zoe", Sex::Female),
    ("Alex", Sex::NotStated),
    ("Jordan", Sex::Male),
    ("Chloe", Sex::Female),
    ("Craig", Sex::Male),
    ("Lisa", Sex::Female),
];

pub(super) const FAMILY_NAMES: &[&str] = &[
    "Ashdown",
    "Bevan",
    "Birchall",
    "Caddick",
    "Carew",
    "Dacey",
    "Delahay",
    "Edris",
    "Emlyn",
    "Fenwick",
    "Gethring",
    "Gorrell",
    "Hallard",
    "Harker",
    "Ivesby",
    "Jarrold",
    "Kemble",
    "Kinsey",
    "Langridge",
    "Lleyton",
    "Maddock",
    "Marwood",
    "Nantes",
    "Oakden",
    "Parfitt",
    "Penhale",
    "Prosser",
    "Quarrell",
    "Rendle",
    "Rowcliffe",
    "Sayce",
    "Skerrit",
    "Tallis",
    "Tregear",
    "Upfold",
    "Vaughton",
    "Wenlock",
    "Whitcombe",
    "Yeandle",
    "Ystrad",
];

pub(super) const AREAS: &[(&str, bool)] = &[
    ("Blaenau Gwent", false),
    ("Caerphilly", true),
    ("Monmouthshire", false),
    ("Newport", true),
    ("Torfaen", false),
];

pub(super) const PRISONS: &[&str] = &[
    "HMP Cardiff",
    "HMP Parc",
    "HMP Swansea",
    "HMP Prescoed",
    "HMP Eastwood Park",
];

pub(super) const NOTES: &[&str] = &[
    "Discussed care plan goals.",
    "Attended on time; engaged well.",
    "Reports reduced use this week.",
    "Housing appointment arranged.",
    "Script collected; no concerns.",
    "Left voicemail, will try again.",
    "Talked through overdose risk.",
    "Reviewed harm-reduction advice.",
];

pub(super) const SUBSTANCE_POOL: &[Substance] = &[
    Substance::Heroin,
    Substance::Heroin,
    Substance::Heroin,
    Substance::Crack,
    Substance::Crack,
    Substance::Cocaine,
    Substance::Cannabis,
    Substance::Amphetamines,
    Substance::Benzodiazepines,
    Substance::IllicitMethadone,
    Substance::Mephedrone,
    Substance::SyntheticCannabinoids,
    Substance::Alcohol,
];

pub(super) fn days_before(today: NaiveDate, days: u64) -> NaiveDate {
    today - Days::new(days)
}

pub(super) fn at(date: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN))
}

/// A valid NHS number from the reserved test range 999 000 0000 - 999 999 9999.
pub(super) fn test_nhs_number(rng: &mut Rng) -> Option<String> {
    let body = format!("999{:06}", rng.range(0, 999_999));
    let sum: u32 = body
        .bytes()
        .zip((2..=10).rev())
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    match 11 - sum % 11 {
        10 => None,
        11 => Some(format!("{body}0")),
        check => Some(format!("{body}{check}")),
    }
}
