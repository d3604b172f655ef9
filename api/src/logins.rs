//! What the customer sees of their own logins: ログイン履歴 and ログイン中の端末 (the FSA and
//! the police asked banks to let customers see their logins and end the ones they do not
//! recognise).

use serde::{Deserialize, Serialize};

/// How a login was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LoginMethod {
    Password,
    PasswordOtp,
    Passkey,
}

impl LoginMethod {
    pub fn label(self) -> &'static str {
        match self {
            Self::Password => "パスワード",
            Self::PasswordOtp => "パスワード＋ワンタイムパスワード",
            Self::Passkey => "パスキー",
        }
    }
}

/// One login or refused attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginEntry {
    /// 日時, Japan time (`2026年12月3日 09:15`).
    pub at: String,
    pub method: LoginMethod,
    pub succeeded: bool,
    /// The browser and operating system (`Chrome Mobile / Android`).
    pub environment: String,
}

/// `GET /api/logins`: the newest logins and attempts, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginHistory {
    pub entries: Vec<LoginEntry>,
    /// Refused attempts since the login before this one: what the customer has not seen yet.
    pub failed_since_previous_login: u32,
}

/// One live session of the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveSession {
    /// Names the session for `POST /api/sessions/{id}/logout`; not its secret.
    pub id: String,
    pub environment: String,
    /// ログイン日時 and 最終利用日時, Japan time.
    pub login_at: String,
    pub last_used_at: String,
    /// The session this request came in.
    pub current: bool,
}

/// `GET /api/sessions`: ログイン中の端末, the current one first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveSessions {
    pub sessions: Vec<LiveSession>,
}

/// `POST /api/sessions/logout-others` and `…/{id}/logout`: how many sessions ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionsEnded {
    pub ended: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_read_as_the_screen_names_them() {
        assert_eq!(LoginMethod::PasswordOtp.label(), "パスワード＋ワンタイムパスワード");
        let json = serde_json::to_string(&LoginMethod::PasswordOtp).unwrap();
        assert_eq!(json, "\"password_otp\"");
    }
}
