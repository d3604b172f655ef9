//! Passkeys (WebAuthn): registering one, logging in with one, approving a 振込 or a removal
//! with one.
//!
//! The WebAuthn parts travel as JSON text in the W3C's JSON form (binary fields base64url):
//! the server writes the options, the browser turns them into `navigator.credentials`
//! arguments and its answer back into JSON. Neither side's Rust needs the other's WebAuthn
//! types, and the SPA carries no WebAuthn library.

use serde::{Deserialize, Serialize};

/// A challenge for the browser: answer it once, within five minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyChallenge {
    /// Names this challenge when it is answered.
    pub ceremony: String,
    /// `{"publicKey": …, "mediation"?: …}`: the argument of `navigator.credentials.create` or
    /// `.get`, as JSON with base64url binaries.
    pub options: String,
}

/// The browser's answer to a challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyAnswer {
    pub ceremony: String,
    /// The `PublicKeyCredential` as JSON with base64url binaries (its `toJSON()` form).
    pub credential: String,
}

/// `POST /api/passkeys/login/options`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyLoginOptionsRequest {
    /// For the browser's passkey autofill on the login ID field (conditional mediation)
    /// rather than the 「パスキーでログイン」 button.
    #[serde(default)]
    pub autofill: bool,
}

/// `POST /api/passkeys/registration/options`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyRegistrationOptionsRequest {
    /// The login password, asked again when the session has not proven a one-time password
    /// or a passkey (customers without a token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_password: Option<String>,
    /// The fresh proof with a factor the customer already has (a session's level never
    /// suffices to add one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_up: Option<crate::enrolment::StepUp>,
}

/// `POST /api/passkeys`: the new passkey and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyRegistrationRequest {
    #[serde(flatten)]
    pub answer: PasskeyAnswer,
    /// パスキーの名前.
    pub name: String,
}

/// One registered passkey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeySummary {
    pub id: i64,
    pub name: String,
    /// 登録日時 (Japan time), `2026年11月24日 15:52`.
    pub created_at: String,
    /// 最終利用日時, once used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    /// Kept by a passkey provider that syncs it between the customer's devices.
    pub synced: bool,
}

/// `GET /api/passkeys`: BPK001.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyList {
    pub passkeys: Vec<PasskeySummary>,
    /// A registration must give the login password again (the session proved only it).
    pub registration_needs_password: bool,
    /// The bank's requirement of passkeys.
    pub required_for: PhishingResistantPolicy,
}

/// Where the bank refuses the weaker path (password and one-time password) to customers who
/// have a passkey.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhishingResistantPolicy {
    pub login: bool,
    pub transfer: bool,
}

/// `POST /api/passkeys/{id}/removal`: proof for deleting a passkey, one of the two.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyRemovalRequest {
    /// The current one-time password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
    /// A passkey's approval of this removal (`POST /api/passkeys/{id}/removal/options`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey: Option<PasskeyAnswer>,
}
