use super::{fixed_digits, FieldSpec, InputError};

/// 店番: the branch number, 3 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchCode(String);

impl BranchCode {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字3桁", max_len: 3 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error =
            InputError { field: "branch_code", message: "店番は3桁の数字で入力してください。" };
        fixed_digits(raw, 3, error).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 口座番号: 7 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNumber(String);

impl AccountNumber {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字7桁", max_len: 7 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = InputError {
            field: "account_number", message: "口座番号は7桁の数字で入力してください。"
        };
        fixed_digits(raw, 7, error).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_codes_are_three_digits_full_width_allowed() {
        assert_eq!(BranchCode::parse("001").unwrap().as_str(), "001");
        assert_eq!(BranchCode::parse("００１").unwrap().as_str(), "001");
        assert!(BranchCode::parse("01").is_err());
        assert!(BranchCode::parse("0001").is_err());
        assert!(BranchCode::parse("0a1").is_err());
    }

    #[test]
    fn account_numbers_are_seven_digits_with_separators_dropped() {
        assert_eq!(AccountNumber::parse("123-4567").unwrap().as_str(), "1234567");
        assert_eq!(AccountNumber::parse("１２３４５６７").unwrap().as_str(), "1234567");
        assert!(AccountNumber::parse("123456").is_err());
        assert!(AccountNumber::parse("١٢٣٤٥٦٧").is_err(), "Arabic-Indic digits are refused");
    }
}
