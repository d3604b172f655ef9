//! Input rules as types: a value of one of these has passed its rule, so the server never
//! handles an unchecked ID or password and the SPA shows the same verdict as it types.
//!
//! Digits-only fields accept full-width digits and spaces or hyphens (what a phone's IME
//! gives), normalised away; fields whose rule is 半角英数字 refuse anything else with a message
//! that says so rather than silently rewriting what the customer chose as a secret.

mod account;
mod login_id;
mod money;
mod notice_address;
mod otp;
mod passkey_name;
mod password;
mod payeasy;
mod zengin;

pub use account::{AccountNumber, BranchCode};
pub use login_id::LoginId;
pub use money::{Amount, Date, IdempotencyKey, KanaName, LimitAmount};
pub use notice_address::NoticeAddress;
pub use otp::{ActivationPassword, MailAddress, OtpCode, ServiceId, UserId};
pub use passkey_name::PasskeyName;
pub use password::{LoginPassword, NewPassword, TemporaryPassword};
pub use payeasy::{BillCategory, BillConfirmation, BillNumber, BillerNumber};
pub use zengin::{jis_x0201, zengin_kana, BankCode, ZenginName};

/// How a rule's field is shown, so every screen that asks for it says the same: the hint
/// under its label, and the longest input the browser lets through (digit fields take a
/// few more characters than digits, for the spaces and hyphens they accept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub hint: &'static str,
    pub max_len: usize,
}

/// Why a field was refused: the field's wire name and a Japanese message for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub field: &'static str,
    pub message: &'static str,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for InputError {}

/// Full-width digits become ASCII; spaces (both widths) and hyphens (ASCII, full-width, long
/// vowel mark) are dropped. Anything else is kept for the caller's rule to judge.
pub(crate) fn normalise_digits(raw: &str) -> String {
    raw.chars()
        .filter(|c| !matches!(c, ' ' | '\u{3000}' | '-' | '\u{FF0D}' | '\u{30FC}' | '\u{2212}'))
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
            other => other,
        })
        .collect()
}

/// Exactly `len` ASCII digits after normalising, or the given error.
pub(crate) fn fixed_digits(raw: &str, len: usize, error: InputError) -> Result<String, InputError> {
    let digits = normalise_digits(raw);
    if digits.len() == len && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(error)
    }
}

/// Does the text hold a character that is not seen but changes what is: controls, Unicode's
/// format characters (category Cf: bidi overrides and isolates, zero widths, the soft hyphen,
/// tag characters), variation selectors and the Hangul fillers that render as nothing? Free
/// text that others will read refuses them.
pub fn has_hidden_characters(s: &str) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    s.chars().any(|c| {
        c.is_control()
            || c.general_category() == GeneralCategory::Format
            || matches!(c, '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{FE00}'..='\u{FE0F}'
                | '\u{E0100}'..='\u{E01EF}' | '\u{180B}'..='\u{180F}')
    })
}

/// Is every character half-width ASCII alphanumeric?
pub(crate) fn is_ascii_alphanumeric(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Does the value contain a full-width letter or digit (a likely IME slip)?
pub(crate) fn has_full_width_alphanumeric(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_found_by_their_unicode_category() {
        for hidden in
            ["\u{202E}", "\u{200B}", "\u{00AD}", "\u{E0041}", "\u{0600}", "\u{1D173}", "\u{3164}", "\u{FE0F}", "\n"]
        {
            assert!(has_hidden_characters(&format!("a{hidden}b")), "{hidden:?}");
        }
        assert!(!has_hidden_characters("iPhone 15 の パスキー（会社）"));
    }

    #[test]
    fn full_width_digits_spaces_and_hyphens_are_normalised() {
        assert_eq!(normalise_digits("０１２ ３４-５６－７８ー９\u{3000}"), "0123456789");
    }

    #[test]
    fn each_field_takes_the_longest_input_its_rule_accepts() {
        let longest = [
            (LoginId::SPEC, "abcdef123456"),
            (NewPassword::SPEC, "abcdef123456"),
            (OtpCode::SPEC, "123 456"),
            (OtpCode::SPEC, "12345678"),
            (ServiceId::SPEC, "1001 0001"),
            (UserId::SPEC, "123-4567-8901"),
            (ActivationPassword::SPEC, "12345678"),
            (BranchCode::SPEC, "001"),
            (AccountNumber::SPEC, "1234567"),
        ];
        for (spec, input) in longest {
            assert!(input.chars().count() <= spec.max_len, "{input} does not fit {spec:?}");
        }
        assert!(LoginId::parse("abcdef123456").is_ok() && UserId::parse("123-4567-8901").is_ok());
        assert!(ServiceId::parse("1001 0001").is_ok() && OtpCode::parse("123 456").is_ok());
        assert_eq!(LoginId::SPEC.max_len, LoginId::MAX_LEN);
    }

    #[test]
    fn other_characters_are_kept_for_the_rule_to_judge() {
        assert_eq!(normalise_digits("12a٣"), "12a٣");
    }
}
