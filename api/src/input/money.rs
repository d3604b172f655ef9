use super::{FieldSpec, InputError};

/// 金額: whole yen, at least 1. Commas, a trailing 円 and full-width digits are what people
/// type and are accepted; anything else is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Amount(i64);

impl Amount {
    /// The most one 振込・振替 moves (99,999,999円, as a bank's form allows).
    pub const MAX: i64 = 99_999_999;
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字（円単位）", max_len: 13 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = InputError {
            field: "amount", message: "金額は1円以上99,999,999円以下の数字で入力してください。"
        };
        let value = yen(raw).ok_or(error.clone())?;
        if (1..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(error)
        }
    }

    pub fn yen(self) -> i64 {
        self.0
    }
}

/// 1日あたりの振込限度額 as the customer sets it: whole yen, 0 (no 振込 at all) or more. The
/// bank's ceiling is the server's to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitAmount(i64);

impl LimitAmount {
    pub const SPEC: FieldSpec = FieldSpec { hint: "半角数字（円単位）", max_len: 14 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = InputError {
            field: "limit", message: "振込限度額は0円以上の数字（円単位）で入力してください。"
        };
        match yen(raw) {
            Some(value) if value <= 999_999_999 => Ok(Self(value)),
            _ => Err(error),
        }
    }

    pub fn yen(self) -> i64 {
        self.0
    }
}

/// Digits after dropping separators, commas and a trailing 円; `None` if anything else is left.
fn yen(raw: &str) -> Option<i64> {
    let trimmed = raw.trim().trim_end_matches('円').trim_end_matches('\u{5186}');
    let digits: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ',' | '\u{FF0C}' | ' ' | '\u{3000}'))
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
            other => other,
        })
        .collect();
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A name in 全角カナ as banks send it (受取人名, 依頼人名): katakana, the long vowel mark, a
/// few marks and single spaces. Hiragana is turned into katakana and half-width spaces into
/// full-width ones, so what a phone's IME gives is accepted as the customer meant it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KanaName(String);

impl KanaName {
    pub const MAX_CHARS: usize = 30;
    pub const SPEC: FieldSpec = FieldSpec { hint: "全角カナ30文字以内", max_len: 40 };

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        Self::parse_field(raw, "requester_name")
    }

    pub fn parse_field(raw: &str, field: &'static str) -> Result<Self, InputError> {
        let refuse = |message| InputError { field, message };
        let mut name = String::new();
        for c in raw.trim().chars() {
            let c = match c {
                // ぁ–ゖ → ァ–ヶ
                '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
                ' ' | '\u{3000}' => '\u{3000}',
                other => other,
            };
            if c == '\u{3000}' && name.ends_with('\u{3000}') {
                continue;
            }
            name.push(c);
        }
        if name.is_empty() {
            return Err(refuse("お名前（カナ）を入力してください。"));
        }
        if !name.chars().all(|c| matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | '\u{3000}' | '（' | '）' | '・' | '．'))
        {
            return Err(refuse("お名前は全角カナで入力してください。"));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(refuse("お名前は全角カナ30文字以内で入力してください。"));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `YYYY-MM-DD`, a calendar date (as an `<input type="date">` gives it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse_field(raw: &str, field: &'static str) -> Result<Self, InputError> {
        let error =
            InputError { field, message: "日付を正しく入力してください（例：2026-11-24）。" };
        let parts: Vec<&str> = raw.trim().split('-').collect();
        let [y, m, d] = parts.as_slice() else { return Err(error) };
        let number = |s: &str, len: usize| {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
        };
        let (Some(year), Some(month), Some(day)) = (number(y, 4), number(m, 2), number(d, 2)) else {
            return Err(error);
        };
        let date = Self { year: year as i32, month, day };
        if (1..=12).contains(&month) && day >= 1 && day <= date.days_in_month() && year >= 1970 {
            Ok(date)
        } else {
            Err(error)
        }
    }

    fn leap(year: i32) -> bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    pub fn days_in_month(self) -> u32 {
        match self.month {
            2 if Self::leap(self.year) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date of a day count since 1970-01-01 (civil_from_days).
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Self { year: (yoe + era * 400 + i64::from(month <= 2)) as i32, month, day }
    }

    /// The first day of the month `back` months before this one.
    pub fn month_start(self, back: u32) -> Self {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 - i64::from(back);
        Self { year: index.div_euclid(12) as i32, month: index.rem_euclid(12) as u32 + 1, day: 1 }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The key a confirmation screen carries (from its quote): 32 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let ok = raw.len() == 32 && raw.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InputError { field: "idempotency_key", message: "確認画面からやり直してください。" })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_whole_yen_with_the_separators_people_type() {
        assert_eq!(Amount::parse("10000").unwrap().yen(), 10_000);
        assert_eq!(Amount::parse("10,000円").unwrap().yen(), 10_000);
        assert_eq!(Amount::parse("１０，０００").unwrap().yen(), 10_000);
        for bad in ["", "0", "-5", "1.5", "1e3", "100000000", "１２a", "99999999999999999999"] {
            assert!(Amount::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(LimitAmount::parse("0").unwrap().yen(), 0);
        assert!(LimitAmount::parse("-1").is_err());
    }

    #[test]
    fn kana_names_accept_what_an_ime_gives_and_nothing_else() {
        assert_eq!(KanaName::parse("やまだ はなこ").unwrap().as_str(), "ヤマダ\u{3000}ハナコ");
        assert_eq!(KanaName::parse(" ヤマダ\u{3000}\u{3000}ハナコ ").unwrap().as_str(), "ヤマダ\u{3000}ハナコ");
        assert_eq!(KanaName::parse("Taro").unwrap_err().field, "requester_name");
        assert!(KanaName::parse("カ（ネットバンク）").is_ok());
        for bad in ["", "山田", "Yamada", "ﾔﾏﾀﾞ", &"ア".repeat(31)] {
            assert!(KanaName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn idempotency_keys_are_128_bits_in_lowercase_hex() {
        assert!(IdempotencyKey::parse("0123456789abcdef0123456789abcdef").is_ok());
        for bad in ["", "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef", "0123456789abcdef0123456789abcdeg"] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dates_are_real_calendar_days_and_count_from_1970() {
        let date = Date::parse_field("2026-11-24", "from").unwrap();
        assert_eq!(date.days(), 1_795_478_400 / 86_400);
        assert_eq!(Date::from_days(date.days()), date);
        assert_eq!(date.month_start(12).to_string(), "2025-11-01");
        assert_eq!(date.month_start(11).to_string(), "2025-12-01");
        assert!(Date::parse_field("2024-02-29", "from").is_ok());
        for bad in ["2025-02-29", "2026-13-01", "2026-1-01", "20261124", "2026-11-31", ""] {
            assert!(Date::parse_field(bad, "from").is_err(), "{bad:?}");
        }
    }
}
