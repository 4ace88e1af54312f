//! NHS number validation: ten digits whose last is a modulus-11 check digit.

/// Why an NHS number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NhsNumberError {
    /// Not exactly ten digits once spaces and hyphens are removed.
    NotTenDigits,
    /// The check digit does not match (or the number cannot have one).
    BadCheckDigit,
}

impl std::fmt::Display for NhsNumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotTenDigits => {
                "NHS number must be 10 digits (spaces allowed, e.g. 943 476 5919)"
            }
            Self::BadCheckDigit => "NHS number check digit is wrong: check for a mistyped digit",
        })
    }
}

impl std::error::Error for NhsNumberError {}

/// Validates an NHS number typed with or without spaces or hyphens and returns its ten
/// digits, as stored.
///
/// # Errors
/// [`NhsNumberError`] saying whether the length or the check digit is wrong.
pub fn parse_nhs_number(input: &str) -> Result<String, NhsNumberError> {
    let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NhsNumberError::NotTenDigits);
    }
    let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = values[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(digit, weight)| digit * weight)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return Err(NhsNumberError::BadCheckDigit),
        c => c,
    };
    if check == values[9] {
        Ok(digits)
    } else {
        Err(NhsNumberError::BadCheckDigit)
    }
}
