//! The OTP life cycle's requests and answers: トークン発行, the token app's initial setup,
//! 利用開始登録, the login's second step and 利用解除.

use serde::{Deserialize, Serialize};

use crate::identity::OtpState;

/// How the customer holds the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenMethod {
    /// The guide's token app, set up from the issuance mail with サービスID, ユーザID and
    /// 利用開始パスワード.
    SoftwareToken,
    /// Any RFC 6238 authenticator app, set up from a QR code shown once.
    AuthenticatorApp,
}

/// The HMAC behind the codes (RFC 6238 allows these three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum TotpAlgorithm {
    Sha1,
    Sha256,
    Sha512,
}

impl TotpAlgorithm {
    /// As written in otpauth:// URIs and stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }

    pub fn from_name(value: &str) -> Option<Self> {
        match value.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Some(Self::Sha1),
            "SHA256" => Some(Self::Sha256),
            "SHA512" => Some(Self::Sha512),
            _ => None,
        }
    }
}

/// The 手続き of the OTP life cycle that a 登録状況 allows or refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Procedure {
    /// トークン発行.
    Issue,
    /// ワンタイムパスワード利用開始登録.
    Activate,
    /// ワンタイムパスワード利用解除.
    Deactivate,
    /// The login's second step (BLI023).
    SignIn,
    /// A sensitive change confirmed with a code (password, notice address).
    Confirm,
}

impl OtpState {
    /// The one answer to "may this 手続き run now", for the server's checks and the SPA's
    /// buttons alike.
    pub fn allows(self, procedure: Procedure) -> bool {
        match procedure {
            // Open until 利用開始; issuing again replaces the pending token.
            Procedure::Issue => matches!(self, Self::NotIssued | Self::Issued | Self::Provisioned),
            // Needs a token that has been set up (it must show a code).
            Procedure::Activate => self == Self::Provisioned,
            // For a token in use.
            Procedure::Deactivate | Procedure::SignIn | Procedure::Confirm => self == Self::Active,
        }
    }

    /// Why `procedure` is not offered now, as BOT001 says it beside the disabled button;
    /// `None` when it is allowed.
    pub fn why_not(self, procedure: Procedure) -> Option<&'static str> {
        if self.allows(procedure) {
            return None;
        }
        Some(match (procedure, self) {
            (_, Self::Suspended) => "ワンタイムパスワード停止中のため、お取引店でのお手続きが必要です。",
            (Procedure::Issue, _) => {
                "ワンタイムパスワードをご利用中です。トークンを替えるときは、先に利用解除を行ってください。"
            }
            (Procedure::Activate, Self::Active) => "ワンタイムパスワードはご利用中です。",
            (Procedure::Activate, _) => "トークン発行のあと、トークンの初期設定が済むと選べます。",
            (_, _) => "ワンタイムパスワードの利用開始後に選べます。",
        })
    }
}

/// `GET /api/otp`: the customer's 登録状況 as ワンタイムパスワード申請内容選択 shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpStatus {
    pub state: OtpState,
    /// Present once a token has been issued (and not released or initialised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<TokenMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Unix seconds until which a token not yet in use may be set up and registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_until: Option<i64>,
}

impl OtpStatus {
    pub fn not_issued() -> Self {
        Self {
            state: OtpState::NotIssued,
            method: None,
            mail_address: None,
            service_id: None,
            user_id: None,
            pending_until: None,
        }
    }
}

/// `POST /api/otp/issue` (トークン発行). A software token needs the mail address and the
/// 利用開始パスワード; an authenticator app needs neither.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueTokenRequest {
    pub method: TokenMethod,
    /// The login password, asked again on the confirmation screen (BOT004).
    #[serde(default)]
    pub login_password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_password: Option<String>,
    /// The fresh proof with a factor the customer already has, or the 確認コード for a first
    /// one (issuing again too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_up: Option<crate::enrolment::StepUp>,
}

/// BOT002's content: 送付先メールアドレス and トークン情報; for an authenticator app, the one
/// showing of its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenIssued {
    pub state: OtpState,
    pub method: TokenMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_address: Option<String>,
    pub service_id: String,
    pub user_id: String,
    pub pending_until: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator: Option<AuthenticatorSetup>,
}

/// What an authenticator app scans or is typed into. Shown once, never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthenticatorSetup {
    pub otpauth_uri: String,
    /// Base32, for typing in by hand.
    pub secret: String,
    /// The QR code of `otpauth_uri`, as an SVG document.
    pub qr_svg: String,
}

/// `POST /api/token/provision`: the token app's 初期設定 (手順8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvisionRequest {
    pub service_id: String,
    pub user_id: String,
    pub activation_password: String,
}

/// Everything the token app needs to show codes; given once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvisionedToken {
    pub service_id: String,
    pub user_id: String,
    /// The institution's name, to label the token on the device.
    pub issuer: String,
    /// Base32 (RFC 4648, no padding), 160 bits.
    pub secret: String,
    pub algorithm: TotpAlgorithm,
    pub digits: u32,
    pub period: u32,
    /// The server's clock (unix seconds), so the app can warn about a wrong device clock.
    pub server_time: i64,
}

/// One-time password for 利用開始登録, 利用解除 and the login's second step (BLI023).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpRequest {
    pub otp: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refused_procedure_says_why_and_no_allowed_one_does() {
        let states =
            [OtpState::NotIssued, OtpState::Issued, OtpState::Provisioned, OtpState::Active, OtpState::Suspended];
        for state in states {
            for procedure in [Procedure::Issue, Procedure::Activate, Procedure::Deactivate] {
                assert_eq!(state.why_not(procedure).is_some(), !state.allows(procedure), "{state:?} {procedure:?}");
            }
        }
        assert!(OtpState::Issued.why_not(Procedure::Activate).unwrap().contains("初期設定"));
    }

    #[test]
    fn only_the_guide_s_transitions_are_offered() {
        use OtpState::*;
        let offered =
            |s: OtpState| (s.allows(Procedure::Issue), s.allows(Procedure::Activate), s.allows(Procedure::Deactivate));
        assert_eq!(offered(NotIssued), (true, false, false));
        assert_eq!(offered(Issued), (true, false, false));
        assert_eq!(offered(Provisioned), (true, true, false));
        assert_eq!(offered(Active), (false, false, true));
        assert_eq!(offered(Suspended), (false, false, false));
        assert!(Active.allows(Procedure::SignIn) && !Provisioned.allows(Procedure::SignIn));
    }

    #[test]
    fn algorithms_use_the_otpauth_spelling() {
        assert_eq!(serde_json::to_string(&TotpAlgorithm::Sha256).unwrap(), "\"SHA256\"");
        assert_eq!(TotpAlgorithm::from_name("sha-512"), Some(TotpAlgorithm::Sha512));
        assert_eq!(TotpAlgorithm::from_name("md5"), None);
    }
}
