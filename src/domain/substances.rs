//! Problem substances: up to three, ranked, no repeats, and (by default, as in the
//! Gwent scheme) alcohol may be listed but not as the primary substance.

use serde::{Deserialize, Serialize};

use super::model::Substance;

/// Most substances a client can have recorded.
pub const MAX: usize = 3;

/// Whether alcohol may be the primary substance: a setting, because later
/// commissioning widened the remit to alcohol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AlcoholRule {
    /// Alcohol may be second or third, never first (the default).
    #[default]
    NotPrimary,
    /// Alcohol may be any of the three.
    MayBePrimary,
}

/// A checked, ranked list of problem substances (primary first).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ranked(Vec<Substance>);

impl Ranked {
    /// Checks `list` against the rules.
    ///
    /// # Errors
    /// A sentence naming the problem: too many, a repeat, or alcohol as primary.
    pub fn new(list: Vec<Substance>, rule: AlcoholRule) -> Result<Self, String> {
        if list.len() > MAX {
            return Err(format!(
                "{} substances given: record at most {MAX}, primary first",
                list.len()
            ));
        }
        for (i, s) in list.iter().enumerate() {
            if list[..i].contains(s) {
                return Err(format!("{s} is listed twice: each substance once"));
            }
        }
        if rule == AlcoholRule::NotPrimary && list.first() == Some(&Substance::Alcohol) {
            return Err(
                "alcohol may not be the primary substance: list it second or third".to_owned(),
            );
        }
        Ok(Self(list))
    }

    /// The substances, primary first.
    #[must_use]
    pub fn as_slice(&self) -> &[Substance] {
        &self.0
    }
}
