//! Twin detection: two clients are the same person when their names and date of birth
//! match once case, surrounding and zero-width whitespace and Unicode normalisation
//! form are set aside ("Zoë" typed as one code point or as `e` plus a diaeresis).

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

/// Characters that print as nothing but make two names differ byte for byte.
const ZERO_WIDTH: [char; 5] = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// A name as it should be stored: NFC, without zero-width characters, trimmed.
#[must_use]
pub fn clean_name(name: &str) -> String {
    let visible: String = name.nfc().filter(|c| !ZERO_WIDTH.contains(c)).collect();
    visible.trim().to_owned()
}

/// The key two twins share: cleaned, lower-cased family and given names and the date
/// of birth. Stored in `client_twin`, whose primary key makes a second one impossible.
#[must_use]
pub fn key(family_name: &str, given_name: &str, date_of_birth: NaiveDate) -> String {
    format!(
        "{}|{}|{date_of_birth}",
        clean_name(family_name).to_lowercase().nfc(),
        clean_name(given_name).to_lowercase().nfc()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_whitespace_zero_width_and_normal_form_are_ignored() {
        let dob = NaiveDate::from_ymd_opt(1980, 2, 1).expect("date");
        let plain = key("Quill", "Zo\u{eb}", dob);
        assert_eq!(key(" QUILL\u{200B}", "zoe\u{308}\t", dob), plain);
        assert_eq!(key("\u{feff}quill", "ZO\u{cb} ", dob), plain);
        assert_ne!(key("Quill", "Zoe", dob), plain);
        assert_ne!(
            key("Quill", "Zo\u{eb}", dob.succ_opt().expect("date")),
            plain
        );
        assert_eq!(clean_name(" Zoe\u{308}\u{200D} "), "Zo\u{eb}");
    }
}
