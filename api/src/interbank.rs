//! 他行振込: a 振込 to an account at another bank, sent through the 全銀 network. The bank
//! and branch come from the 全銀 master (`GET /api/banks`), the 受取人名 is typed (another
//! bank's names cannot be looked up here), and the money leaves on the business day the
//! 確認 screen names.

use serde::{Deserialize, Serialize};

use crate::identity::{Account, AccountKind};

/// A 金融機関 of the 全銀 master.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bank {
    /// 金融機関コード, 4 digits.
    pub code: String,
    pub name: String,
    /// 全角カナ.
    pub kana: String,
}

/// A 支店 of a 金融機関.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Branch {
    /// 支店コード, 3 digits.
    pub code: String,
    pub name: String,
    pub kana: String,
}

/// `GET /api/banks`: banks whose name, カナ or code matches `q`, or whose カナ starts in the
/// 行 of `initial` (あ, か, … わ).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct BankQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<String>,
}

impl BankQuery {
    /// The query string, each value percent-encoded (UTF-8).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        for (name, value) in [("q", &self.q), ("initial", &self.initial)] {
            if let Some(value) = value {
                parts.push(format!("{name}={}", percent_encode(value)));
            }
        }
        parts.join("&")
    }
}

/// Every byte but the URL's unreserved characters as `%XX`.
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankList {
    pub banks: Vec<Bank>,
    /// More matched than were sent: the screen asks for a narrower search.
    pub more: bool,
}

/// `GET /api/banks/{code}/branches`: the bank's branches matching `q` or `initial`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BranchList {
    pub bank: Bank,
    pub branches: Vec<Branch>,
    pub more: bool,
}

/// The most banks or branches one search answers with.
pub const SEARCH_LIMIT: usize = 100;

/// The 頭文字 rows the screens offer, each with the カナ it covers (濁音 included).
pub const INITIAL_ROWS: [(&str, &str); 10] = [
    ("あ", "アイウエオヴ"),
    ("か", "カキクケコガギグゲゴ"),
    ("さ", "サシスセソザジズゼゾ"),
    ("た", "タチツテトダヂヅデド"),
    ("な", "ナニヌネノ"),
    ("は", "ハヒフヘホバビブベボパピプペポ"),
    ("ま", "マミムメモ"),
    ("や", "ヤユヨ"),
    ("ら", "ラリルレロ"),
    ("わ", "ワヲン"),
];

/// The first カナ of each 行 named by `initial`, or `None` for an unknown row.
pub fn initial_row(initial: &str) -> Option<&'static str> {
    INITIAL_ROWS.iter().find(|(row, _)| *row == initial.trim()).map(|(_, kana)| *kana)
}

/// BTF011's fields for 他の金融機関.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterbankDraft {
    /// お支払口座, `店番-口座番号`.
    pub from_account: String,
    pub bank_code: String,
    pub branch_code: String,
    pub kind: AccountKind,
    pub account_number: String,
    /// 受取人名 as typed (カナ; normalised to the network's 半角カナ).
    pub payee_name: String,
    pub amount: String,
    /// 依頼人名 (全角カナ); empty for the account holder's own name.
    #[serde(default)]
    pub requester_name: String,
    /// 振込指定日 `YYYY-MM-DD` for a 振込予約 (a business day up to 30 days ahead); empty for
    /// the earliest (today, or the next business day after the cut-off).
    #[serde(default)]
    pub execution_date: String,
}

/// The most days ahead a 振込予約 may be booked.
pub const BOOKING_DAYS: i64 = 30;

/// `GET /api/interbank/dates`: the days a 他行振込 may be booked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookableDates {
    /// The earliest day (no 予約): `2026年12月7日（月）`.
    pub earliest: String,
    /// Later business days within 30 days, for a 振込予約.
    pub dates: Vec<BookableDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookableDate {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `2026年12月8日（火）`.
    pub label: String,
}

/// `POST /api/interbank/quote` answers the 確認 screen; nothing moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterbankQuote {
    pub from: Account,
    pub bank: Bank,
    pub branch: Branch,
    pub kind: AccountKind,
    pub account_number: String,
    /// 受取人名 as the network will carry it (半角カナ).
    pub payee_name: String,
    pub amount: i64,
    /// 振込手数料 (他行宛).
    pub fee: i64,
    pub balance_after: i64,
    pub requester_name: String,
    /// 本日の振込可能額 before this 振込.
    pub limit_remaining: i64,
    /// 振込指定日: the business day the money leaves, `2026年12月7日（月）`.
    pub execution_date: String,
    /// Not today: after the cut-off, or today is not a business day.
    pub next_business_day: bool,
    /// A 振込予約: nothing moves until the morning of `execution_date`, when the balance and
    /// that day's limit must cover it.
    #[serde(default)]
    pub booking: bool,
    pub passkey_available: bool,
    pub otp_accepted: bool,
    pub idempotency_key: String,
}

/// `POST /api/interbank/transfers`: the 確認 screen's 実行.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterbankRequest {
    #[serde(flatten)]
    pub draft: InterbankDraft,
    pub idempotency_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey: Option<crate::passkey::PasskeyAnswer>,
}

/// `POST /api/interbank/approval`: a passkey challenge for exactly this 他行振込.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterbankApprovalRequest {
    #[serde(flatten)]
    pub draft: InterbankDraft,
    pub idempotency_key: String,
}

/// Where a 他行振込 stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InterbankStatus {
    /// 予約中: a 振込予約 waiting for its day; nothing has moved; cancellable until the day before.
    Booked,
    /// 受付済: debited, waiting for its day's 全銀 file; the customer may still cancel it.
    Accepted,
    /// 送信済: sent to the 全銀 network.
    Sent,
    /// 取消済: cancelled before it was sent; the amount and fee went back.
    Cancelled,
    /// 振込不能: the receiving bank returned it; the amount went back.
    Returned,
    /// 予約不成立: on its day the balance or the day's limit did not cover it; nothing moved.
    Refused,
    /// 確認中: the bank's fraud rules caught it; it waits for the branch before it is sent (the
    /// money is in the clearing account; the customer may still cancel it).
    Held,
}

impl InterbankStatus {
    pub const ALL: [Self; 7] =
        [Self::Booked, Self::Accepted, Self::Sent, Self::Cancelled, Self::Returned, Self::Refused, Self::Held];

    pub fn label(self) -> &'static str {
        match self {
            Self::Booked => "予約中",
            Self::Accepted => "受付済（未送信）",
            Self::Sent => "送信済",
            Self::Cancelled => "取消済",
            Self::Returned => "振込不能（返金済）",
            Self::Refused => "予約不成立",
            Self::Held => "確認中",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::Accepted => "accepted",
            Self::Sent => "sent",
            Self::Cancelled => "cancelled",
            Self::Returned => "returned",
            Self::Refused => "refused",
            Self::Held => "held",
        }
    }

    pub fn from_db(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// 完了, and each line of 他行振込照会.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterbankReceipt {
    /// 受付番号, `20261204-Z000012`.
    pub receipt_no: String,
    pub accepted_at: String,
    pub execution_date: String,
    pub from_account: String,
    pub bank: Bank,
    pub branch: Branch,
    pub kind: AccountKind,
    pub account_number: String,
    pub payee_name: String,
    pub amount: i64,
    pub fee: i64,
    pub requester_name: String,
    pub status: InterbankStatus,
    /// Why the receiving bank returned it (振込不能), or why a 振込予約 was not carried out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_reason: Option<String>,
    /// The customer may still cancel it (not yet sent; a 振込予約 until the day before).
    pub cancellable: bool,
    /// Booked as a 振込予約.
    #[serde(default)]
    pub booked: bool,
}

/// `GET /api/interbank/transfers`: the customer's 他行振込 of the last 90 days, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterbankHistory {
    pub transfers: Vec<InterbankReceipt>,
}

/// Prefix of a 他行振込 受付番号's number part (`…-Z000012`).
pub const RECEIPT_MARK: char = 'Z';

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_rows_cover_every_large_kana_once() {
        let all: String = INITIAL_ROWS.iter().map(|(_, kana)| *kana).collect();
        for c in all.chars() {
            assert_eq!(all.chars().filter(|d| *d == c).count(), 1, "{c}");
        }
        assert_eq!(initial_row("か"), Some("カキクケコガギグゲゴ"));
        assert_eq!(initial_row("x"), None);
    }

    #[test]
    fn a_search_is_percent_encoded() {
        let query = BankQuery { q: Some("みずほ&x=1".into()), initial: None };
        assert_eq!(query.to_query(), "q=%E3%81%BF%E3%81%9A%E3%81%BB%26x%3D1");
        assert_eq!(BankQuery { q: None, initial: Some("か".into()) }.to_query(), "initial=%E3%81%8B");
    }

    #[test]
    fn statuses_round_trip_their_stored_names() {
        for status in
            [InterbankStatus::Accepted, InterbankStatus::Sent, InterbankStatus::Cancelled, InterbankStatus::Returned]
        {
            assert_eq!(InterbankStatus::from_db(status.as_str()), Some(status));
        }
    }
}
