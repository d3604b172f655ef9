use super::{has_full_width_alphanumeric, is_ascii_alphanumeric, FieldSpec, InputError};

/// ログインID: 半角英数字, 1 to 12 characters. Compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginId(String);

impl LoginId {
    /// How the field is shown: the hint under its label and the longest input it takes.
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角英数字1〜12文字", max_len: 12 };

    pub const MAX_LEN: usize = 12;
    const FIELD: &'static str = "login_id";

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = |message| Err(InputError { field: Self::FIELD, message });
        let value = raw.trim();
        if value.is_empty() {
            return error("ログインIDを入力してください。");
        }
        if has_full_width_alphanumeric(value) {
            return error("ログインIDは半角英数字で入力してください（全角文字が含まれています）。");
        }
        if !is_ascii_alphanumeric(value) {
            return error("ログインIDは半角英数字で入力してください。");
        }
        if value.len() > Self::MAX_LEN {
            return error("ログインIDは12文字以内で入力してください。");
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for LoginId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_twelve_ascii_alphanumerics_are_accepted() {
        assert_eq!(LoginId::parse("a").unwrap().as_str(), "a");
        assert_eq!(LoginId::parse("Abc123def456").unwrap().as_str(), "Abc123def456");
        assert_eq!(LoginId::parse(" demo01 ").unwrap().as_str(), "demo01");
    }

    #[test]
    fn empty_long_and_symbol_ids_are_refused() {
        assert!(LoginId::parse("").is_err());
        assert!(LoginId::parse("   ").is_err());
        assert!(LoginId::parse("abcdefghijklm").is_err());
        assert!(LoginId::parse("abc_def").is_err());
        assert!(LoginId::parse("abc def").is_err());
        assert!(LoginId::parse("a'; DROP TABLE--").is_err());
    }

    #[test]
    fn full_width_and_look_alike_characters_are_refused_with_a_reason() {
        let error = LoginId::parse("ｄｅｍｏ０１").unwrap_err();
        assert_eq!(error.field, "login_id");
        assert!(error.message.contains("全角"));
        assert!(LoginId::parse("dеmo").is_err(), "Cyrillic е");
        assert!(LoginId::parse("demo\u{0}").is_err());
    }
}
