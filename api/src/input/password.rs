use super::{has_full_width_alphanumeric, is_ascii_alphanumeric, FieldSpec, InputError};

/// The longest password any rule takes (NIST SP 800-63B: at least 64).
pub const MAX_LEN: usize = 64;

/// What a password may hold: printable ASCII, space included (what every keyboard, the
/// software keyboard too, can type).
fn printable_ascii(raw: &str, field: &'static str, name_empty: &'static str) -> Result<String, InputError> {
    let error = |message| Err(InputError { field, message });
    if raw.is_empty() {
        return error(name_empty);
    }
    if has_full_width_alphanumeric(raw) {
        return error("パスワードは半角英数字・記号で入力してください（全角文字が含まれています）。");
    }
    if !raw.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return error("パスワードは半角英数字・記号（スペースを含む）で入力してください。");
    }
    if raw.len() > MAX_LEN {
        return error("パスワードは64文字以内で入力してください。");
    }
    Ok(raw.to_owned())
}

/// ログインパスワード as typed at login or asked again: up to 64 printable ASCII. Passwords
/// chosen under older rules (shorter, no digit) keep working until changed.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginPassword(String);

impl LoginPassword {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角英数字・記号64文字以内", max_len: MAX_LEN };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        Self::parse_field(raw, "password")
    }

    /// The same rule reported against another field (the password asked again before a
    /// sensitive change: `current_password`, `login_password`).
    pub fn parse_field(raw: &str, field: &'static str) -> Result<Self, InputError> {
        printable_ascii(raw, field, "ログインパスワードを入力してください。").map(Self)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A ログインパスワード being chosen (NIST SP 800-63B): 8 to 64 printable ASCII, space
/// included, with a letter and a digit (the bank's convention); never containing the login
/// ID (`check_login_id`), never a common or breached password (`is_common`, on the server).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec {
        hint: "半角英数字・記号8〜64文字。英字と数字を含め、ログインIDを含まないもの。長い文（パスフレーズ）も使えます",
        max_len: MAX_LEN,
    };

    pub const MIN_LEN: usize = 8;

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        Self::parse_field(raw, "new_password")
    }

    /// The same rule reported against another field name (registration calls it `password`).
    pub fn parse_field(raw: &str, field: &'static str) -> Result<Self, InputError> {
        let value = printable_ascii(raw, field, "新しいログインパスワードを入力してください。")?;
        let error = |message| Err(InputError { field, message });
        if value.len() < Self::MIN_LEN {
            return error("パスワードは8文字以上64文字以内で入力してください。");
        }
        let has_letter = value.bytes().any(|b| b.is_ascii_alphabetic());
        let has_digit = value.bytes().any(|b| b.is_ascii_digit());
        if !(has_letter && has_digit) {
            return error("パスワードには英字と数字を含めてください。");
        }
        Ok(Self(value))
    }

    /// Refused when it contains the login ID (in any case): the first thing a guesser tries.
    pub fn check_login_id(&self, login_id: &str, field: &'static str) -> Result<(), InputError> {
        let login_id = login_id.trim().to_ascii_lowercase();
        if !login_id.is_empty() && self.0.to_ascii_lowercase().contains(&login_id) {
            return Err(InputError {
                field, message: "パスワードにログインIDを含めることはできません。"
            });
        }
        Ok(())
    }

    /// Is it on the list of common and breached passwords (the `passwords` crate's), in any
    /// case? The server's check; the browser does without the list.
    #[cfg(feature = "common-passwords")]
    pub fn is_common(&self) -> bool {
        passwords::analyzer::is_common_password(&self.0)
            || passwords::analyzer::is_common_password(self.0.to_ascii_lowercase())
    }

    /// The refusal of a common password, for `field`.
    pub fn common_refusal(field: &'static str) -> InputError {
        InputError { field, message: "よく使われているパスワード、または過去に流出したパスワードは使用できません。推測されにくいものにしてください。" }
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
        let value = raw.trim();
        let error = |message| Err(InputError { field: "temporary_password", message });
        if value.is_empty() {
            return error("仮パスワードを入力してください。");
        }
        if has_full_width_alphanumeric(value) || !is_ascii_alphanumeric(value) || value.len() > 12 {
            return error("仮パスワードは半角英数字12文字以内で入力してください。");
        }
        Ok(Self(value.to_owned()))
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
    fn login_takes_any_printable_ascii_up_to_sixty_four_so_old_passwords_keep_working() {
        assert!(LoginPassword::parse("a").is_ok(), "an old short one");
        assert!(LoginPassword::parse("pass word !").is_ok());
        assert!(LoginPassword::parse(&"a".repeat(64)).is_ok());
        assert!(LoginPassword::parse(&"a".repeat(65)).is_err());
        assert!(LoginPassword::parse("").is_err());
        assert!(LoginPassword::parse("パスワード1").is_err());
        assert!(LoginPassword::parse("tab\there").is_err());
        assert!(LoginPassword::parse("ｐａｓｓ１").unwrap_err().message.contains("全角"));
    }

    #[test]
    fn a_chosen_password_is_eight_to_sixty_four_with_a_letter_and_a_digit() {
        assert!(NewPassword::parse("abcd1234").is_ok());
        assert!(NewPassword::parse("correct horse battery staple 7").is_ok(), "a passphrase");
        assert!(NewPassword::parse("P@ss-w0rd!~").is_ok(), "symbols");
        assert!(NewPassword::parse(&format!("{}1", "a".repeat(63))).is_ok());
        for bad in ["abc1234", "abcdefgh", "12345678", &format!("{}1", "a".repeat(64)), "abcd 123\u{3000}"] {
            assert!(NewPassword::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_chosen_password_never_contains_the_login_id() {
        let password = NewPassword::parse("abc123x1").unwrap();
        assert!(password.check_login_id("abc123x", "password").is_err());
        assert!(password.check_login_id("ABC123X", "password").is_err(), "in any case");
        assert!(password.check_login_id("taro01", "password").is_ok());
    }

    #[cfg(feature = "common-passwords")]
    #[test]
    fn common_and_breached_passwords_are_on_the_list() {
        for common in ["password1", "qwerty123", "Password1", "iloveyou1"] {
            assert!(NewPassword::parse(common).unwrap().is_common(), "{common}");
        }
        assert!(!NewPassword::parse("correct horse battery staple 7").unwrap().is_common());
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let password = LoginPassword::parse("secret1").unwrap();
        assert_eq!(format!("{password:?}"), "LoginPassword(****)");
    }
}
