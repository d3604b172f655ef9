//! 税金・各種料金の払込（ペイジー）: BPY001 お支払口座 → BPY002 収納機関番号 → BPY003 the
//! numbers that biller needs → BPY004 払込内容の確認 (the one-time password or a passkey) →
//! BPY005 完了; 払込照会 lists the last 90 days.

use serde::{Deserialize, Serialize};

use crate::identity::Account;

/// Who a 収納機関 is, which decides the numbers its 払込書 carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BillerKind {
    /// 国庫金: 納付番号 and 確認番号 (and 納付区分 where that office uses one).
    National,
    /// 地方公共団体: 納付番号, 確認番号 and 納付区分.
    Local,
    /// 民間企業: お客様番号 and 確認番号.
    Company,
}

impl BillerKind {
    pub const ALL: [Self; 3] = [Self::National, Self::Local, Self::Company];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::National => "national",
            Self::Local => "local",
            Self::Company => "company",
        }
    }

    pub fn from_db(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::National => "国庫金",
            Self::Local => "地方公共団体",
            Self::Company => "民間企業",
        }
    }

    /// What the 払込書 calls the bill's number: 納付番号 for public money, お客様番号 for a
    /// company.
    pub fn number_label(self) -> &'static str {
        match self {
            Self::National | Self::Local => "納付番号",
            Self::Company => "お客様番号",
        }
    }
}

/// `GET /api/payeasy/billers/{number}`: the 収納機関 behind a 収納機関番号.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Biller {
    /// 収納機関番号.
    pub number: String,
    /// 収納機関名.
    pub name: String,
    pub kind: BillerKind,
    /// The biller's bills carry a 納付区分 that must be given.
    pub needs_category: bool,
}

/// BPY003's fields: which bill, paid from which account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillQuery {
    /// お支払口座, `店番-口座番号` (one of the customer's accounts).
    pub from_account: String,
    /// 収納機関番号.
    pub biller_number: String,
    /// 納付番号 or お客様番号.
    pub bill_number: String,
    /// 確認番号.
    pub confirmation_number: String,
    /// 納付区分; empty where the biller uses none.
    #[serde(default)]
    pub category: String,
}

/// `POST /api/payeasy/quote` answers 払込内容の確認 (BPY004) with this; nothing moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillQuote {
    pub from: Account,
    pub biller: Biller,
    /// 納付内容, e.g. 「令和8年度 固定資産税 第3期」.
    pub description: String,
    pub amount: i64,
    /// 納付期限 (Japan time), `2026年12月25日`.
    pub due_date: String,
    /// 払込手数料.
    pub fee: i64,
    /// 払込後残高 (お支払口座).
    pub balance_after: i64,
    /// 本日のペイジー払込可能額 before this payment.
    pub limit_remaining: i64,
    /// The customer has a passkey to approve this payment with.
    pub passkey_available: bool,
    /// The one-time password is accepted (not when the bank requires the passkey).
    pub otp_accepted: bool,
    /// Send it with the confirmation: retries and double clicks pay once.
    pub idempotency_key: String,
}

/// `POST /api/payeasy/payments`: BPY004's 確定.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillPaymentRequest {
    #[serde(flatten)]
    pub query: BillQuery,
    /// From the quote.
    pub idempotency_key: String,
    /// The current one-time password…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
    /// …or a passkey's approval of exactly this payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey: Option<crate::passkey::PasskeyAnswer>,
}

/// `POST /api/payeasy/approval`: a passkey challenge for exactly this payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillApprovalRequest {
    #[serde(flatten)]
    pub query: BillQuery,
    pub idempotency_key: String,
}

/// 完了 (BPY005) and each line of 払込照会: the same answer for every retry of one
/// confirmation. There is no 領収書: this and the notice mail are the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillReceipt {
    /// 受付番号, `20261203-P000012`.
    pub receipt_no: String,
    /// 受付日時 (Japan time).
    pub accepted_at: String,
    /// `店番-口座番号`.
    pub from_account: String,
    pub biller: Biller,
    /// 納付番号 or お客様番号 as given.
    pub bill_number: String,
    pub description: String,
    pub amount: i64,
    pub fee: i64,
}

/// `GET /api/payeasy/payments`: 払込照会, the customer's ペイジー of the last 90 days,
/// newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillPaymentHistory {
    pub payments: Vec<BillReceipt>,
}

/// Days 払込照会 reaches back.
pub const PAYMENT_HISTORY_DAYS: i64 = 90;

/// Prefix of a ペイジー 受付番号's number part (`…-P000012`), so it never reads as a 振込's.
pub const RECEIPT_MARK: char = 'P';

/// What the screens and the mail say instead of a receipt.
pub const NO_RECEIPT_NOTE: &str =
    "ペイジーでのお支払いでは領収書は発行されません。この画面の受付番号とお知らせメールを払込の記録としてお控えください。";
