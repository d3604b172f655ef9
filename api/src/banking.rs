//! 口座情報 (入出金明細) and 振込・振替: the ledger as the customer sees it. Amounts are whole
//! yen (`i64`); request fields are strings the server parses with `crate::input`.

use serde::{Deserialize, Serialize};

use crate::identity::{Account, AccountKind};

/// `1,234,567円`, as every screen, mail and CSV shows money.
pub fn yen(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}円", if amount < 0 { "-" } else { "" })
}

/// `GET /api/accounts/{branch-number}/statement` (and `/statement/csv`): which entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StatementPeriod {
    /// 今月: from the 1st of this month (Japan time) to today.
    #[default]
    ThisMonth,
    /// 前月: the whole of last month.
    LastMonth,
    /// 直近1週間: today and the six days before it.
    LastWeek,
    /// 期間指定: `from` and `to`, within the last 13 months.
    Custom,
}

impl StatementPeriod {
    /// In the order the screen offers them.
    pub const ALL: [Self; 4] = [Self::ThisMonth, Self::LastMonth, Self::LastWeek, Self::Custom];

    /// The period named as in the query string.
    pub fn from_query(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|period| period.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ThisMonth => "今月",
            Self::LastMonth => "前月",
            Self::LastWeek => "直近1週間",
            Self::Custom => "期間指定",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ThisMonth => "this_month",
            Self::LastMonth => "last_month",
            Self::LastWeek => "last_week",
            Self::Custom => "custom",
        }
    }
}

/// The statement's query string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct StatementQuery {
    #[serde(default)]
    pub period: StatementPeriod,
    /// `YYYY-MM-DD`, for 期間指定.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// `YYYY-MM-DD`, for 期間指定.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The page's number as the screen shows it (1-based; the cursors say which entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// 次のページ: the entries older than this cursor (a `Statement`'s `older`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// 前のページ: the entries newer than this cursor (a `Statement`'s `newer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl StatementQuery {
    /// What BAC001 shows first on `today` (Japan time, year, month, day): 今月, unless the
    /// month has only just begun (on the 1st 今月 is today alone) — then 期間指定 from the 1st
    /// of last month to today, so last month's salary and this month's first days are both
    /// on screen.
    pub fn opening(year: i32, month: u32, day: u32) -> Self {
        if day >= 7 {
            return Self { period: StatementPeriod::ThisMonth, ..Self::default() };
        }
        let (from_year, from_month) = if month == 1 { (year - 1, 12) } else { (year, month - 1) };
        Self {
            period: StatementPeriod::Custom,
            from: Some(format!("{from_year:04}-{from_month:02}-01")),
            to: Some(format!("{year:04}-{month:02}-{day:02}")),
            ..Self::default()
        }
    }

    /// The query string, for the client's URLs (the CSV link too).
    pub fn to_query(&self) -> String {
        let mut query = format!("period={}", self.period.as_str());
        for (name, value) in [("from", &self.from), ("to", &self.to)] {
            if let Some(value) = value {
                // Dates are digits and hyphens: nothing to escape; anything else the server refuses.
                let safe: String = value.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect();
                query.push_str(&format!("&{name}={safe}"));
            }
        }
        if let Some(page) = self.page {
            query.push_str(&format!("&page={page}"));
        }
        for (name, cursor) in [("before", &self.before), ("after", &self.after)] {
            if let Some(cursor) = cursor {
                // A cursor is digits and a dot: nothing to escape; anything else the server refuses.
                let safe: String = cursor.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
                query.push_str(&format!("&{name}={safe}"));
            }
        }
        query
    }
}

/// 入出金明細: one page of an account's entries in a period, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statement {
    pub account: Account,
    pub period: StatementPeriod,
    /// The period's first and last day, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    /// The earliest and latest days 期間指定 may name (13 months back to today).
    pub earliest: String,
    pub latest: String,
    /// The page's number, as the query said (1 for the newest).
    pub page: u32,
    /// Entries in the whole period, counted up to `STATEMENT_COUNT_CAP`: a period holding
    /// more says so (`total_is_more`) instead of counting a long history on every page.
    pub total: u32,
    #[serde(default)]
    pub total_is_more: bool,
    /// The cursor of 前のページ (newer entries), when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer: Option<String>,
    /// The cursor of 次のページ (older entries), when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older: Option<String>,
    pub entries: Vec<StatementEntry>,
}

/// The most entries a statement counts (「全1,000件以上」 beyond).
pub const STATEMENT_COUNT_CAP: u32 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementEntry {
    /// 取引日, `YYYY-MM-DD` in Japan time.
    pub date: String,
    /// 摘要: 振込 ヤマダ ハナコ, 振替, 窓口入金…
    pub description: String,
    /// お支払金額.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<i64>,
    /// お預り金額.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit: Option<i64>,
    /// 残高 after this entry.
    pub balance: i64,
}

/// `POST /api/payees/lookup`: whose account is this? Throttled per customer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayeeLookupRequest {
    pub branch_code: String,
    pub kind: AccountKind,
    pub account_number: String,
}

/// An account money can go to, as the customer confirms it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payee {
    pub branch_code: String,
    pub kind: AccountKind,
    pub account_number: String,
    /// 受取人名 (全角カナ).
    pub name: String,
    /// One of the customer's own accounts (a 振替).
    pub own: bool,
}

/// 登録振込先: a payee the customer kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedPayee {
    pub id: i64,
    #[serde(flatten)]
    pub payee: Payee,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayeeList {
    pub payees: Vec<SavedPayee>,
}

/// What the customer asks to move: the 入力 screen's fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferDraft {
    /// お支払口座, `店番-口座番号` (one of the customer's accounts).
    pub from_account: String,
    pub to_branch_code: String,
    pub to_kind: AccountKind,
    pub to_account_number: String,
    /// 金額 in yen.
    pub amount: String,
    /// 依頼人名 (全角カナ); empty for the account holder's own name.
    #[serde(default)]
    pub requester_name: String,
    /// 振込指定日 `YYYY-MM-DD` of a 振込予約 (a business day up to 30 days ahead); empty: now.
    #[serde(default)]
    pub execution_date: String,
}

/// `POST /api/transfers/quote` answers the 確認 screen with this; nothing moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferQuote {
    pub kind: TransferKind,
    pub from: Account,
    pub to: Payee,
    pub amount: i64,
    /// 手数料.
    pub fee: i64,
    /// 振込後残高 (お支払口座).
    pub balance_after: i64,
    pub requester_name: String,
    /// 本日の振込可能額 before this 振込 (振込 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_remaining: Option<i64>,
    /// The confirmation needs a second factor: the current one-time password or a passkey.
    pub otp_required: bool,
    /// The customer has a passkey to approve this 振込 with (`POST /api/transfers/approval`).
    #[serde(default)]
    pub passkey_available: bool,
    /// The one-time password is accepted here (not when the bank requires the passkey).
    #[serde(default = "accepted")]
    pub otp_accepted: bool,
    /// Send it with the confirmation: retries and double clicks move money once.
    pub idempotency_key: String,
    /// A 振込予約's day (`2027年1月18日（月）`): nothing moves until its morning, when the
    /// balance and that day's limit are checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_date: Option<String>,
}

/// 振込 (to another customer) or 振替 (between the customer's own accounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferKind {
    Transfer,
    OwnTransfer,
}

impl TransferKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Transfer => "振込",
            Self::OwnTransfer => "振替",
        }
    }
}

/// `POST /api/transfers`: the 確認 screen's 実行.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferRequest {
    #[serde(flatten)]
    pub draft: TransferDraft,
    /// From the quote.
    pub idempotency_key: String,
    /// The current one-time password (振込)…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
    /// …or a passkey's approval of exactly this transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey: Option<crate::passkey::PasskeyAnswer>,
    /// Keep the payee as a 登録振込先.
    #[serde(default)]
    pub save_payee: bool,
}

fn accepted() -> bool {
    true
}

/// `POST /api/transfers/approval`: a passkey challenge for exactly this confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferApprovalRequest {
    #[serde(flatten)]
    pub draft: TransferDraft,
    pub idempotency_key: String,
}

/// 完了: what was done, under its 受付番号. The same answer for every retry of one confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferReceipt {
    /// 受付番号.
    pub receipt_no: String,
    pub kind: TransferKind,
    /// 受付日時 (Japan time), `2026年11月24日 15:52`.
    pub accepted_at: String,
    /// `店番-口座番号`.
    pub from_account: String,
    pub to: Payee,
    pub amount: i64,
    pub fee: i64,
    pub requester_name: String,
    /// 完了, or 確認中 when the bank checks it before the money moves.
    #[serde(default)]
    pub status: TransferStatus,
    /// A 振込予約's day (`2027年1月18日（月）`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_date: Option<String>,
    /// A 振込予約 the customer may still cancel (until the day before its day).
    #[serde(default)]
    pub cancellable: bool,
}

/// Where a 振込 stands (振込照会).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransferStatus {
    /// The money has moved.
    #[default]
    Completed,
    /// 確認中: the amount is reserved on the account while the bank checks the 振込.
    Held,
    /// 取消: the bank did not carry it out; the reservation ended.
    Rejected,
    /// 予約中: a 振込予約 waiting for its day; nothing has moved.
    Booked,
    /// 予約取消: the customer cancelled the 振込予約.
    Cancelled,
    /// 不成立: on its day the balance, the day's limit or the account did not allow it.
    Refused,
}

impl TransferStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Completed => "完了",
            Self::Held => "確認中",
            Self::Rejected => "取消",
            Self::Booked => "予約中",
            Self::Cancelled => "予約取消",
            Self::Refused => "不成立",
        }
    }
}

/// `GET /api/transfers`: 振込照会, the customer's 振込 and 振替 of the last 90 days, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferHistory {
    pub transfers: Vec<TransferReceipt>,
}

/// Days 振込照会 reaches back.
pub const TRANSFER_HISTORY_DAYS: i64 = 90;

/// 変更予定: what a raise sets — the day's limit, the cap on one 振込, or both — and from when
/// (Japan time, `2026年12月4日 00:00`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduledLimit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_transfer: Option<i64>,
    pub from: String,
}

/// `GET /api/transfer-limit`: 1日あたりの振込限度額 and today's use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferLimit {
    pub limit: i64,
    pub used_today: i64,
    pub remaining: i64,
    /// The highest limit the bank allows.
    pub ceiling: i64,
    /// 1回あたりの振込限度額, the customer's own cap on one 振込 (fee included); `None`: up to
    /// the day's limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_transfer: Option<i64>,
    /// A raise waiting for its day (変更予定): it takes effect at 0:00 the next day, Japan
    /// time, and can be cancelled until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<ScheduledLimit>,
}

/// `POST /api/transfer-limit`: lowering needs nothing more; raising a current one-time password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferLimitRequest {
    pub limit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_by_thousands_in_yen() {
        assert_eq!(yen(0), "0円");
        assert_eq!(yen(1_234_567), "1,234,567円");
        assert_eq!(yen(-1000), "-1,000円");
    }

    #[test]
    fn a_statement_query_writes_only_digits_and_hyphens_into_its_url() {
        let query = StatementQuery {
            period: StatementPeriod::Custom,
            from: Some("2026-11-01&page=9".into()),
            to: Some("2026-11-24".into()),
            page: Some(2),
            before: Some("1796340156.42&x=1".into()),
            after: None,
        };
        assert_eq!(query.to_query(), "period=custom&from=2026-11-019&to=2026-11-24&page=2&before=1796340156.421");
        assert_eq!(StatementQuery::default().to_query(), "period=this_month");
    }
}
