use super::{has_full_width_alphanumeric, is_ascii_alphanumeric, InputError, FieldSpec};

const MAX_LEN: usize = 12;

/// Rules shared by every password: not empty, 半角英数字 only, at most 12.
fn ascii_password(raw: &str, field: &'static str, name_empty: &'static str) -> Result<String, InputError> {
    let error = |message| Err(InputError { field, message });
    if raw.is_empty() {
        return error(name_empty);
    }
    if has_full_width_alphanumeric(raw) {
        return error("パスワードは半角英数字で入力してください（全角文字が含まれています）。");
    }
    if !is_ascii_alphanumeric(raw) {
        return error("パスワードは半角英数字で入力してください。");
    }
    if raw.len() > MAX_LEN {
        return error("パスワードは12文字以内で入力してください。");
    }
    Ok(raw.to_owned())
}

/// ログインパスワード as typed at login: 半角英数字, up to 12. Older passwords may be shorter
/// or lack a digit, so login accepts what the choosing rule would not.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginPassword(String);

impl LoginPassword {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角英数字12文字以内", max_len: 12 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        Self::parse_field(raw, "password")
    }

    /// The same rule reported against another field (the password asked again before a
    /// sensitive change: `current_password`, `login_password`).
    pub fn parse_field(raw: &str, field: &'static str) -> Result<Self, InputError> {
        ascii_password(raw, field, "ログインパスワードを入力してください。").map(Self)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A ログインパスワード being chosen: 6 to 12 半角英数字 with both letters and digits.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角英数字6〜12文字（英字と数字を組み合わせてください）", max_len: 12 };

    pub const MIN_LEN: usize = 6;

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        Self::parse_field(raw, "new_password")
    }

    /// The same rule reported against another field name (registration calls it `password`).
    pub fn parse_field(raw: &str, field: &'static str) -> Result<Self, InputError> {
        let value = ascii_password(raw, field, "新しいログインパスワードを入力してください。")?;
        let error = |message| Err(InputError { field, message });
        if value.len() < Self::MIN_LEN {
            return error("パスワードは6文字以上12文字以内で入力してください。");
        }
        let has_letter = value.bytes().any(|b| b.is_ascii_alphabetic());
        let has_digit = value.bytes().any(|b| b.is_ascii_digit());
        if !(has_letter && has_digit) {
            return error("パスワードは英字と数字を組み合わせてください。");
        }
        Ok(Self(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// 仮パスワード from the branch's notice: 半角英数字, up to 12.
#[derive(Clone, PartialEq, Eq)]
pub struct TemporaryPassword(String);

impl TemporaryPassword {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角英数字12文字以内", max_len: 12 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        ascii_password(raw.trim(), "temporary_password", "仮パスワードを入力してください。").map(Self)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

// Secrets never reach a log through `{:?}`.
macro_rules! redacted_debug {
    ($($t:ty),*) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($t), "(****)"))
            }
        }
    )*};
}
redacted_debug!(LoginPassword, NewPassword, TemporaryPassword);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_accepts_any_ascii_alphanumeric_up_to_twelve() {
        assert!(LoginPassword::parse("a").is_ok());
        assert!(LoginPassword::parse("abcdefghijkl").is_ok());
        assert!(LoginPassword::parse("abcdefghijklm").is_err());
        assert!(LoginPassword::parse("").is_err());
        assert!(LoginPassword::parse("pass word").is_err());
        assert!(LoginPassword::parse("ｐａｓｓ１").unwrap_err().message.contains("全角"));
    }

    #[test]
    fn a_chosen_password_needs_six_to_twelve_with_letters_and_digits() {
        assert!(NewPassword::parse("abc123").is_ok());
        assert!(NewPassword::parse("Abcdefgh1234").is_ok());
        assert!(NewPassword::parse("abc12").is_err());
        assert!(NewPassword::parse("abcdefgh").is_err());
        assert!(NewPassword::parse("12345678").is_err());
        assert!(NewPassword::parse("abc123!").is_err());
        assert!(NewPassword::parse("abcdefghi1234").is_err());
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let password = LoginPassword::parse("secret1").unwrap();
        assert_eq!(format!("{password:?}"), "LoginPassword(****)");
    }
}
