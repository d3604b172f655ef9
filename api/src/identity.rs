//! Bodies of the identity endpoints: first-time registration, login, session, password.
//! Request fields are plain strings on the wire; the server parses them with `crate::input`.

use serde::{Deserialize, Serialize};

/// `POST /api/registration/verify`: do 店番, 口座番号 and 仮パスワード match? Nothing changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationVerifyRequest {
    pub branch_code: String,
    pub account_number: String,
    pub temporary_password: String,
}

/// The answer to a correct registration proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationVerified {
    pub verified: bool,
}

/// The answer to a password change; the response also sets the new session cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChanged {
    pub changed: bool,
}

/// `POST /api/registration`: the same proof plus the chosen ログインID and ログインパスワード.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationRequest {
    pub branch_code: String,
    pub account_number: String,
    pub temporary_password: String,
    pub login_id: String,
    pub password: String,
    /// 通知先メールアドレス: where security notices go.
    #[serde(default)]
    pub notice_address: String,
}

/// `POST /api/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub login_id: String,
    pub password: String,
}

/// What a correct password leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LoginResponse {
    /// Fully logged in.
    Complete,
    /// The customer's OTP is in use: `POST /api/login/otp` within the given seconds.
    OtpRequired { expires_in_seconds: u32 },
}

/// `POST /api/password`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
    /// A current one-time password: required while the customer's token is 利用中.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
}

/// `POST /api/notice-address` (お客様情報の変更): a new 通知先メールアドレス, confirmed with the
/// login password, and a one-time password while the token is 利用中.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeNoticeAddressRequest {
    pub notice_address: String,
    #[serde(default)]
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
}

/// The registered notice address after a change; the response also sets the new session cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeAddressChanged {
    pub notice_address: String,
}

/// `GET /api/me`: who is logged in, their accounts, and where their OTP stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeResponse {
    pub name: String,
    pub login_id: String,
    pub accounts: Vec<Account>,
    pub otp_state: OtpState,
    /// 通知先メールアドレス, when one is registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_address: Option<String>,
    /// How many passkeys the customer has registered.
    #[serde(default)]
    pub passkeys: u32,
    /// Where the bank requires a passkey of customers who have one (and asks the others to
    /// register one).
    #[serde(default)]
    pub passkeys_required: crate::passkey::PhishingResistantPolicy,
    /// How long this session lasts, for the warning before it ends.
    #[serde(default)]
    pub session: SessionClock,
    /// 前回ログイン日時 (Japan time): the successful login before this session's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_login_at: Option<String>,
}

/// The session's two limits as this answer found them: a request keeps it alive for at least
/// `idle_seconds` (the server's idle limit less the step its timer moves in), and it ends in
/// any case `remaining_seconds` from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionClock {
    pub idle_seconds: u32,
    pub remaining_seconds: u32,
}

impl SessionClock {
    /// Seconds before the warning that comes ahead of the end.
    pub const WARNING_SECONDS: u32 = 60;

    /// Seconds left `elapsed_ms` after this answer when the last request to the server was
    /// `since_use_ms` ago: the sooner of the idle and the absolute end (0 once over).
    pub fn left(self, elapsed_ms: f64, since_use_ms: f64) -> u32 {
        let idle = f64::from(self.idle_seconds) - since_use_ms.max(0.0) / 1000.0;
        let absolute = f64::from(self.remaining_seconds) - elapsed_ms.max(0.0) / 1000.0;
        idle.min(absolute).ceil().max(0.0) as u32
    }

    /// Whether 「延長する」 can help: only the idle limit can be pushed back.
    pub fn can_extend(self, elapsed_ms: f64) -> bool {
        f64::from(self.remaining_seconds) - elapsed_ms.max(0.0) / 1000.0 > f64::from(Self::WARNING_SECONDS)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub kind: AccountKind,
    /// 店番.
    pub branch_code: String,
    /// 口座番号.
    pub number: String,
    /// Yen.
    pub balance: i64,
    /// 口座名義 (全角カナ): the 依頼人名 a 振込 from this account carries unless changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_kana: Option<String>,
    /// Yen reserved for 振込 the bank is checking (拘束中): part of the balance, not payable.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub held: i64,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// 普通預金.
    #[default]
    Ordinary,
    /// 当座預金.
    Current,
    /// 貯蓄預金.
    Savings,
}

impl AccountKind {
    /// In the order forms offer them.
    pub const ALL: [Self; 3] = [Self::Ordinary, Self::Current, Self::Savings];

    pub fn label(self) -> &'static str {
        match self {
            Self::Ordinary => "普通",
            Self::Current => "当座",
            Self::Savings => "貯蓄",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ordinary => "ordinary",
            Self::Current => "current",
            Self::Savings => "savings",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }
}

/// The token's place in its life cycle (docs/otp.md, Token states).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OtpState {
    /// 未発行.
    NotIssued,
    /// 発行済・利用開始前.
    Issued,
    /// アプリ設定済・利用開始前.
    Provisioned,
    /// 利用中.
    Active,
    /// 停止中.
    Suspended,
}

impl OtpState {
    pub fn label(self) -> &'static str {
        match self {
            Self::NotIssued => "トークン未発行",
            Self::Issued => "トークン発行済（利用開始前）",
            Self::Provisioned => "アプリ設定済（利用開始前）",
            Self::Active => "利用中",
            Self::Suspended => "停止中",
        }
    }
}

#[cfg(test)]
mod session_clock_tests {
    use super::SessionClock;

    #[test]
    fn the_session_ends_at_the_sooner_of_its_two_limits() {
        let clock = SessionClock { idle_seconds: 600, remaining_seconds: 3000 };
        assert_eq!(clock.left(0.0, 0.0), 600);
        assert_eq!(clock.left(30_000.0, 30_000.0), 570);
        // A request since the answer restarted the idle count.
        assert_eq!(clock.left(590_000.0, 1_000.0), 599);
        assert_eq!(clock.left(700_000.0, 700_000.0), 0, "never below nothing");
        let near_the_end = SessionClock { idle_seconds: 600, remaining_seconds: 100 };
        assert_eq!(near_the_end.left(10_000.0, 0.0), 90);
        assert!(near_the_end.can_extend(30_000.0));
        assert!(!near_the_end.can_extend(45_000.0), "only 55 s remain: extending cannot help");
    }
}
