//! What a 他行振込 names: the 金融機関コード and 受取人名 in the characters the 全銀 network
//! carries (JIS X 0201: half-width katakana without small kana, upper-case letters, digits,
//! a space and `( ) - . /`). Whatever a phone's IME gives is turned into that form as 全銀
//! rules allow; anything that has no such form is refused, never dropped.

use super::{fixed_digits, FieldSpec, InputError};

/// 金融機関コード: 4 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankCode(String);

impl BankCode {
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字4桁", max_len: 4 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = InputError { field: "bank_code", message: "金融機関を選択してください。" };
        fixed_digits(raw, 4, error).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 受取人名 as the 全銀 network carries it (半角カナ): at most 30 characters, 濁点 and 半濁点
/// counting as one each, as on the 全銀 data record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZenginName(String);

/// Full-width katakana ア (U+30A2) … ン (U+30F3) by code point, as half-width: small kana
/// become their large forms (the network has none), voiced ones take ﾞ or ﾟ.
const KATAKANA: [&str; 0x30F4 - 0x30A1] = [
    "ｱ", "ｱ", "ｲ", "ｲ", "ｳ", "ｳ", "ｴ", "ｴ", "ｵ", "ｵ", // ァアィイゥウェエォオ
    "ｶ", "ｶﾞ", "ｷ", "ｷﾞ", "ｸ", "ｸﾞ", "ｹ", "ｹﾞ", "ｺ", "ｺﾞ", // カガキギクグケゲコゴ
    "ｻ", "ｻﾞ", "ｼ", "ｼﾞ", "ｽ", "ｽﾞ", "ｾ", "ｾﾞ", "ｿ", "ｿﾞ", // サザシジスズセゼソゾ
    "ﾀ", "ﾀﾞ", "ﾁ", "ﾁﾞ", "ﾂ", "ﾂ", "ﾂﾞ", "ﾃ", "ﾃﾞ", "ﾄ", "ﾄﾞ", // タダチヂッツヅテデトド
    "ﾅ", "ﾆ", "ﾇ", "ﾈ", "ﾉ", // ナニヌネノ
    "ﾊ", "ﾊﾞ", "ﾊﾟ", "ﾋ", "ﾋﾞ", "ﾋﾟ", "ﾌ", "ﾌﾞ", "ﾌﾟ", "ﾍ", "ﾍﾞ", "ﾍﾟ", "ﾎ", "ﾎﾞ", "ﾎﾟ", // ハ行
    "ﾏ", "ﾐ", "ﾑ", "ﾒ", "ﾓ", // マミムメモ
    "ﾔ", "ﾔ", "ﾕ", "ﾕ", "ﾖ", "ﾖ", // ャヤュユョヨ
    "ﾗ", "ﾘ", "ﾙ", "ﾚ", "ﾛ", // ラリルレロ
    "ﾜ", "ﾜ", "ｲ", "ｴ", "ｦ", "ﾝ", // ヮワヰヱヲン
];

/// One character as the network writes it, or `None` when it has no such form.
fn zengin_form(c: char) -> Option<String> {
    let c = match c {
        // ぁ–ゔ → ァ–ヴ
        '\u{3041}'..='\u{3094}' => char::from_u32(c as u32 + 0x60)?,
        // Full-width ASCII (Ａ, ａ, ０, （…) → ASCII.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0)?,
        other => other,
    };
    let mapped = match c {
        '\u{30A1}'..='\u{30F3}' => KATAKANA[(c as u32 - 0x30A1) as usize].to_owned(),
        'ヴ' => "ｳﾞ".to_owned(),
        'ヵ' => "ｶ".to_owned(),
        'ヶ' => "ｹ".to_owned(),
        // Half-width small kana → large; the rest of the half-width block is already the form.
        'ｧ'..='ｫ' => char::from_u32(c as u32 + 10)?.to_string(),
        'ｬ'..='ｮ' => char::from_u32(c as u32 + 0x28)?.to_string(),
        'ｯ' => "ﾂ".to_owned(),
        'ｦ' | 'ｱ'..='ﾝ' | 'ﾞ' | 'ﾟ' => c.to_string(),
        '゛' => "ﾞ".to_owned(),
        '゜' => "ﾟ".to_owned(),
        // The long vowel mark and dashes travel as the hyphen.
        'ー' | 'ｰ' | '‐' | '−' | '—' | '-' => "-".to_owned(),
        'a'..='z' => c.to_ascii_uppercase().to_string(),
        'A'..='Z' | '0'..='9' | '(' | ')' | '.' | '/' => c.to_string(),
        ' ' | '\u{3000}' => " ".to_owned(),
        _ => return None,
    };
    Some(mapped)
}

impl ZenginName {
    pub const MAX_CHARS: usize = 30;
    pub const SPEC: FieldSpec = FieldSpec { hint: "カナ・英数字30文字以内", max_len: 40 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        Self::parse_field(raw, "payee_name")
    }

    pub fn parse_field(raw: &str, field: &'static str) -> Result<Self, InputError> {
        let refuse = |message| InputError { field, message };
        let mut name = String::new();
        for c in raw.trim().chars() {
            let form = zengin_form(c).ok_or(refuse(
                "受取人名はカナ・英数字と記号 ( ) - . / で入力してください。漢字や「・」などは使えません。",
            ))?;
            if form == " " && (name.is_empty() || name.ends_with(' ')) {
                continue;
            }
            name.push_str(&form);
        }
        if name.is_empty() {
            return Err(refuse("受取人名（カナ）を入力してください。"));
        }
        // A name is letters: marks alone, or a 濁点 on nothing, name no one.
        let letter = |c: char| matches!(c, 'ｦ' | 'ｱ'..='ﾝ' | 'A'..='Z' | '0'..='9');
        if !name.chars().any(letter) || name.starts_with(['ﾞ', 'ﾟ']) {
            return Err(refuse("受取人名を口座名義のとおりカナで入力してください。"));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(refuse("受取人名は30文字以内で入力してください（濁点・半濁点も1文字です）。"));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// JIS X 0201's 8-bit form of a text in the network's characters: ASCII as itself,
/// half-width katakana U+FF61–U+FF9F as 0xA1–0xDF. `None` for anything else.
pub fn jis_x0201(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => Some(c as u8),
            '\u{FF61}'..='\u{FF9F}' => u8::try_from(c as u32 - 0xFF61 + 0xA1).ok(),
            _ => None,
        })
        .collect()
}

/// A name from the bank master (全角カナ, as zengin-code writes it) in the network's form;
/// characters without one are left out, since a master's name is informative on the record.
pub fn zengin_kana(full_width: &str) -> String {
    full_width.chars().filter_map(zengin_form).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_codes_are_four_digits() {
        assert_eq!(BankCode::parse("0001").unwrap().as_str(), "0001");
        assert_eq!(BankCode::parse("９９００").unwrap().as_str(), "9900");
        for bad in ["001", "00001", "abcd", ""] {
            assert_eq!(BankCode::parse(bad).unwrap_err().field, "bank_code", "{bad:?}");
        }
    }

    #[test]
    fn payee_names_take_the_form_the_network_carries() {
        let table = [
            ("ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
            ("やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ"),
            ("ﾔﾏﾀﾞ ﾀﾛｳ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
            ("キュウヨ イチロウ", "ｷﾕｳﾖ ｲﾁﾛｳ"),
            ("ｷｭｳﾖ ｲﾁﾛｳ", "ｷﾕｳﾖ ｲﾁﾛｳ"),
            ("サッポロ", "ｻﾂﾎﾟﾛ"),
            ("ヴィーナス", "ｳﾞｲ-ﾅｽ"),
            ("カ）ネットバンク", "ｶ)ﾈﾂﾄﾊﾞﾝｸ"),
            ("（カ）ａｂｃ．１２３／", "(ｶ)ABC.123/"),
            ("  スズキ   ハナコ ", "ｽｽﾞｷ ﾊﾅｺ"),
            ("ハ゜ン", "ﾊﾟﾝ"),
            ("ヲヰヱヮヵヶ", "ｦｲｴﾜｶｹ"),
        ];
        for (typed, carried) in table {
            assert_eq!(ZenginName::parse(typed).unwrap().as_str(), carried, "{typed:?}");
        }
    }

    #[test]
    fn names_without_a_network_form_are_refused_not_trimmed() {
        let marks_only = ["ﾞﾞﾞ", "----", ".", "゛ア"];
        for bad in ["山田 太郎", "ヤマダ・タロウ", "ヤマダ&コ", "", "   ", "ヤマダ\u{200B}タロウ", "ﾔﾏﾀﾞ,ﾀﾛｳ"]
            .iter()
            .chain(&marks_only)
        {
            assert_eq!(ZenginName::parse(bad).unwrap_err().field, "payee_name", "{bad:?}");
        }
        // 30 characters after 濁点 split off: ガ is two.
        assert!(ZenginName::parse(&"ア".repeat(30)).is_ok());
        assert!(ZenginName::parse(&"ガ".repeat(15)).is_ok());
        assert!(ZenginName::parse(&"ガ".repeat(16)).is_err());
    }

    #[test]
    fn the_network_form_is_jis_x0201() {
        assert_eq!(jis_x0201("ｱ(A1)ﾞﾟ").unwrap(), vec![0xB1, b'(', b'A', b'1', b')', 0xDE, 0xDF]);
        assert_eq!(jis_x0201("ｦ").unwrap(), vec![0xA6]);
        assert!(jis_x0201("ア").is_none());
        assert_eq!(zengin_kana("ミツビシユ－エフジエイ"), "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ");
    }
}
