//! The OTP family's fields: 携帯電話メールアドレス, 利用開始パスワード, the one-time password
//! itself, and the token app's サービスID and ユーザID.

use super::{fixed_digits, has_full_width_alphanumeric, normalise_digits, FieldSpec, InputError};

/// 携帯電話メールアドレス: where the issuance mail goes. The domain is lower-cased; the local
/// part is kept as typed, since some carriers' older addresses depend on it (dots in a row,
/// a dot before the @), which those carriers deliver and so must we.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAddress(String);

impl MailAddress {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角英数字と記号", max_len: 254 };

    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        Self::parse_field(raw, "mail_address", "携帯電話メールアドレスを入力してください。")
    }

    /// The same rule for another address field (the notice address), with its own
    /// "please enter" message.
    pub fn parse_field(raw: &str, field: &'static str, empty: &'static str) -> Result<Self, InputError> {
        let error = |message| Err(InputError { field, message });
        let value = raw.trim();
        if value.is_empty() {
            return error(empty);
        }
        if has_full_width_alphanumeric(value) || !value.is_ascii() {
            return error("メールアドレスは半角英数字と記号で入力してください（全角文字が含まれています）。");
        }
        if value.len() > Self::MAX_LEN {
            return error("メールアドレスが長すぎます。");
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return error("メールアドレスの形式が正しくありません（@がありません）。");
        };
        const LOCAL_SYMBOLS: &str = ".!#$%&'*+/=?^_`{|}~-";
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local.chars().all(|c| c.is_ascii_alphanumeric() || LOCAL_SYMBOLS.contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !(local_ok && domain_ok) {
            return error("メールアドレスの形式が正しくありません。");
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 利用開始パスワード: 半角数字 4–8, chosen at トークン発行 and typed into the token app.
#[derive(Clone, PartialEq, Eq)]
pub struct ActivationPassword(String);

impl ActivationPassword {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字4〜8桁", max_len: 8 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = |message| Err(InputError { field: "activation_password", message });
        let digits = normalise_digits(raw);
        if digits.is_empty() {
            return error("利用開始パスワードを入力してください。");
        }
        if !(4..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return error("利用開始パスワードは半角数字4〜8桁で入力してください。");
        }
        Ok(Self(digits))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ActivationPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ActivationPassword(****)")
    }
}

/// A one-time password as the token shows it: 6 digits by default, 8 where the deployment
/// chose so; "123 456" as displayed is accepted.
#[derive(Clone, PartialEq, Eq)]
pub struct OtpCode(String);

impl OtpCode {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "トークンに表示されている半角数字", max_len: 9 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = |message| Err(InputError { field: "otp", message });
        let digits = normalise_digits(raw);
        if digits.is_empty() {
            return error("ワンタイムパスワードを入力してください。");
        }
        if !(6..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return error("ワンタイムパスワードは半角数字（6桁）で入力してください。");
        }
        Ok(Self(digits))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OtpCode(****)")
    }
}

/// サービスID: the deployment's 8 digits, printed on BOT002 and in the issuance mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceId(String);

impl ServiceId {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字8桁", max_len: 9 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = InputError {
            field: "service_id", message: "サービスIDは半角数字8桁で入力してください。"
        };
        fixed_digits(raw, 8, error).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ユーザID: 11 digits, one per issued token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserId(String);

impl UserId {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字11桁", max_len: 13 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error =
            InputError { field: "user_id", message: "ユーザIDは半角数字11桁で入力してください。" };
        fixed_digits(raw, 11, error).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_addresses_keep_the_local_part_and_lower_case_the_domain() {
        assert_eq!(MailAddress::parse(" Taro.Y@Docomo.NE.JP ").unwrap().as_str(), "Taro.Y@docomo.ne.jp");
        assert!(MailAddress::parse("taro..y.@ezweb.ne.jp").is_ok(), "legacy carrier address");
        for bad in [
            "",
            "taro",
            "taro@",
            "@docomo.ne.jp",
            "taro@localhost",
            "taro@-x.jp",
            "ｔａｒｏ@docomo.ne.jp",
            "taro y@docomo.ne.jp",
            "taro@docomo..jp",
            "太郎@docomo.ne.jp",
            "<b>@x.jp",
        ] {
            assert!(MailAddress::parse(bad).is_err(), "{bad}");
        }
        let long = format!("{}@docomo.ne.jp", "a".repeat(250));
        assert!(MailAddress::parse(&long).is_err());
    }

    #[test]
    fn activation_passwords_are_four_to_eight_digits() {
        assert_eq!(ActivationPassword::parse("１２３４").unwrap().expose(), "1234");
        assert!(ActivationPassword::parse("12345678").is_ok());
        for bad in ["", "123", "123456789", "12a4", "abcd"] {
            assert_eq!(ActivationPassword::parse(bad).unwrap_err().field, "activation_password");
        }
        assert_eq!(format!("{:?}", ActivationPassword::parse("1234").unwrap()), "ActivationPassword(****)");
    }

    #[test]
    fn one_time_passwords_accept_the_displayed_grouping_and_full_width_digits() {
        assert_eq!(OtpCode::parse("123 456").unwrap().expose(), "123456");
        assert_eq!(OtpCode::parse("１２３４５６").unwrap().expose(), "123456");
        assert!(OtpCode::parse("12345678").is_ok());
        for bad in ["", "12345", "123456789", "12345a", "١٢٣٤٥٦"] {
            assert_eq!(OtpCode::parse(bad).unwrap_err().field, "otp", "{bad}");
        }
    }

    #[test]
    fn service_and_user_ids_have_fixed_lengths() {
        assert!(ServiceId::parse("1234 5678").is_ok());
        assert!(ServiceId::parse("1234567").is_err());
        assert_eq!(UserId::parse("１２３４５６７８９０１").unwrap().as_str(), "12345678901");
        assert!(UserId::parse("1234567890").is_err());
    }
}
