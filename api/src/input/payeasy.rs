//! The numbers printed on a ペイジー 払込書 or shown by the biller's site. Digits only; a
//! phone's full-width digits, spaces and hyphens are accepted and dropped.

use super::{normalise_digits, FieldSpec, InputError};

/// Between `min` and `max` ASCII digits after normalising, or the given error.
fn digits_between(raw: &str, (min, max): (usize, usize), error: InputError) -> Result<String, InputError> {
    let digits = normalise_digits(raw);
    if (min..=max).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(error)
    }
}

/// 収納機関番号: 5 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillerNumber(String);

impl BillerNumber {
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字5桁", max_len: 7 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = InputError {
            field: "biller_number", message: "収納機関番号は5桁の数字で入力してください。"
        };
        digits_between(raw, (5, 5), error).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 納付番号 (国庫金・地方公共団体) or お客様番号 (民間企業): up to 20 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillNumber(String);

impl BillNumber {
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字20桁以内", max_len: 26 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = InputError {
            field: "bill_number",
            message: "納付番号（お客様番号）は20桁以内の数字で入力してください。",
        };
        digits_between(raw, (1, 20), error).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 確認番号: up to 6 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillConfirmation(String);

impl BillConfirmation {
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字6桁以内", max_len: 8 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = InputError {
            field: "confirmation_number", message: "確認番号は6桁以内の数字で入力してください。"
        };
        digits_between(raw, (1, 6), error).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 納付区分: up to 3 digits, for the billers that use one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillCategory(String);

impl BillCategory {
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字3桁以内", max_len: 5 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = InputError {
            field: "category", message: "納付区分は3桁以内の数字で入力してください。"
        };
        digits_between(raw, (1, 3), error).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn biller_numbers_are_five_digits_from_either_width() {
        assert_eq!(BillerNumber::parse("００２００").unwrap().as_str(), "00200");
        assert_eq!(BillerNumber::parse("53 001").unwrap().as_str(), "53001");
        assert!(BillerNumber::parse("5300").is_err());
        assert!(BillerNumber::parse("530011").is_err());
        assert!(BillerNumber::parse("5300a").is_err());
    }

    #[test]
    fn bill_numbers_take_up_to_twenty_digits_and_confirmations_up_to_six() {
        assert_eq!(BillNumber::parse("1234-5678-9012-3456-7890").unwrap().as_str(), "12345678901234567890");
        assert!(BillNumber::parse("123456789012345678901").is_err());
        assert!(BillNumber::parse("").is_err());
        assert_eq!(BillConfirmation::parse("０１２３４５").unwrap().as_str(), "012345");
        assert!(BillConfirmation::parse("1234567").is_err());
        assert!(BillCategory::parse("1234").is_err());
        assert_eq!(BillCategory::parse("01").unwrap().as_str(), "01");
    }
}
