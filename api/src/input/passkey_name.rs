//! パスキーの名前: what the customer calls a passkey ("iPhone", "会社のPC") so the list tells
//! them apart. Shown back on screens and in notice mails, so no control characters.

use super::{has_hidden_characters, FieldSpec, InputError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyName(String);

impl PasskeyName {
    pub const FIELD: &'static str = "name";
    pub const MAX_CHARS: usize = 20;
    pub const SPEC: FieldSpec = FieldSpec { hint: "20文字以内（例：iPhone、自宅のPC）", max_len: 20 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let refuse = |message| InputError { field: Self::FIELD, message };
        let name = raw.trim();
        if name.is_empty() {
            return Err(refuse("パスキーの名前を入力してください。"));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(refuse("パスキーの名前は20文字以内で入力してください。"));
        }
        if has_hidden_characters(name) {
            return Err(refuse("パスキーの名前に使用できない文字が含まれています。"));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passkey_name_is_trimmed_and_bounded() {
        assert_eq!(PasskeyName::parse(" iPhone ").unwrap().as_str(), "iPhone");
        assert!(PasskeyName::parse(&"あ".repeat(20)).is_ok());
        // Controls and hidden format characters: "\u{202E}gpj.exe" shows as "exe.jpg".
        for bad in ["", "   ", &"あ".repeat(21), "a\nb", "a\u{0}b", "\u{202E}gpj.exe", "i\u{200B}Phone", "a\u{2066}b"]
        {
            assert_eq!(PasskeyName::parse(bad).unwrap_err().field, "name", "{bad:?}");
        }
    }
}
