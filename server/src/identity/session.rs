//! Sessions in the database (so several server processes can share them): a random 256-bit
//! ID in an HttpOnly cookie, stored only as its SHA-256.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use netbank_api::ErrorReason;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::any::AnyExecutor;
use sqlx::{Any, Transaction};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::config::Policy;
use crate::error::ApiError;
use crate::ids::CustomerId;
use crate::state::AppState;
use crate::store::sessions;

/// The session cookie's name on plain HTTP (development).
pub const COOKIE_NAME: &str = "nb_session";
/// Its name over TLS: a browser keeps a `__Host-` cookie only if it is Secure, has no Domain
/// and has `Path=/`, so no sibling subdomain or plain-HTTP response can plant one that
/// shadows it (cookie tossing).
pub const HOST_COOKIE_NAME: &str = "__Host-nb_session";

/// The session cookie's name under `policy`.
pub fn cookie_name(policy: &Policy) -> &'static str {
    if policy.tls {
        HOST_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

/// How stale the idle timer may get before a request moves it: the idle limit is kept to
/// within this many seconds.
pub const IDLE_REFRESH_SECONDS: i64 = 5;

pub use crate::store::sessions::{Level, Stage};

/// Why every session of a customer ends (the audit log's word for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    PasswordChange,
    Lockout,
    Unlock,
    OtpActivated,
    OtpDeactivated,
    OtpSuspended,
    OtpSuspensionLifted,
    OtpInitialised,
    NoticeAddressChange,
    PasskeyRemoved,
    DemoSeed,
}

impl Revocation {
    fn as_str(self) -> &'static str {
        match self {
            Self::PasswordChange => "password_change",
            Self::Lockout => "lockout",
            Self::Unlock => "unlock",
            Self::OtpActivated => "otp_activate",
            Self::OtpDeactivated => "otp_deactivate",
            Self::OtpSuspended => "otp_suspend",
            Self::OtpSuspensionLifted => "otp_lift_suspension",
            Self::OtpInitialised => "otp_initialise",
            Self::NoticeAddressChange => "notice_address_change",
            Self::PasskeyRemoved => "passkey_remove",
            Self::DemoSeed => "demo_seed",
        }
    }
}

/// The secret the browser holds. Never stored, never logged.
pub struct SessionToken(String);

impl SessionToken {
    fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    fn hash(value: &str) -> Vec<u8> {
        Sha256::digest(value.as_bytes()).to_vec()
    }

    /// The `Set-Cookie` value that hands this session to the browser.
    pub fn cookie(&self, policy: &Policy) -> HeaderValue {
        let secure = if policy.tls { "; Secure" } else { "" };
        let value = format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            cookie_name(policy),
            self.0,
            policy.session_absolute_seconds
        );
        HeaderValue::from_str(&value).expect("cookie is ASCII")
    }
}

/// The `Set-Cookie` value that makes the browser forget its session.
pub fn clearing_cookie(policy: &Policy) -> HeaderValue {
    clearing_cookie_at(policy, "/")
}

/// The same for a cookie of the session's name kept under `path` (one planted there by
/// another origin: a browser forgets a cookie only by its own path).
pub fn clearing_cookie_at(policy: &Policy, path: &str) -> HeaderValue {
    let secure = if policy.tls { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}=; Path={path}; HttpOnly; SameSite=Strict; Max-Age=0{secure}",
        cookie_name(policy)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("nb_session=; Path=/; Max-Age=0"))
}

pub fn set_cookie(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}

/// The session ID that `Set-Cookie` values hand out, if one does (for clients outside a
/// browser: the API tests, the benchmark's load generator). A clearing cookie hands out none.
pub fn issued_session_id<'a>(set_cookies: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    set_cookies
        .into_iter()
        .filter_map(|value| value.split(';').next())
        .filter_map(|pair| {
            let pair = pair.trim();
            pair.strip_prefix(HOST_COOKIE_NAME).or_else(|| pair.strip_prefix(COOKIE_NAME))?.strip_prefix('=')
        })
        .find(|id| !id.is_empty())
}

/// Every value the request presents under the session cookie's name (more than one means a
/// cookie was planted beside the real one).
pub fn presented_tokens(headers: &HeaderMap, policy: &Policy) -> Vec<String> {
    let name = cookie_name(policy);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value.to_owned())
        .collect()
}

/// The session ID the request presents, if it presents exactly one (`http::session_cookie`
/// refuses requests with several before they get here).
pub fn presented_token(headers: &HeaderMap, policy: &Policy) -> Option<String> {
    let mut tokens = presented_tokens(headers, policy);
    (tokens.len() == 1).then(|| tokens.remove(0))
}

/// Starts a session at `stage` and `level` for a login that began at `login_at`, ending the
/// customer's oldest beyond `policy.sessions_per_customer` (a forgotten login on a shared PC
/// does not live on behind a dozen newer ones). Callers delete the one presented before (a
/// new ID at every step up), inside the same transaction.
pub async fn create(
    db: &mut sqlx::AnyConnection,
    policy: &Policy,
    opening: Opening,
    environment: &str,
    now: i64,
) -> sqlx::Result<SessionToken> {
    let token = start(&mut *db, opening, environment, now).await?;
    if opening.stage == Stage::Full {
        let id_hash = SessionToken::hash(&token.0);
        sessions::keep_newest(&mut *db, opening.customer_id, &id_hash, policy.sessions_per_customer).await?;
    }
    Ok(token)
}

/// Who a new session is for, how far it has got, and when its login began.
#[derive(Debug, Clone, Copy)]
pub struct Opening {
    pub customer_id: CustomerId,
    pub stage: Stage,
    pub level: Level,
    pub login_at: i64,
}

async fn start(db: impl AnyExecutor<'_>, opening: Opening, environment: &str, now: i64) -> sqlx::Result<SessionToken> {
    let Opening { customer_id, stage, level, login_at } = opening;
    let token = SessionToken::generate();
    let id_hash = SessionToken::hash(&token.0);
    let session = sessions::NewSession { id_hash: &id_hash, customer_id, stage, level, login_at, environment };
    sessions::insert(db, session, now).await?;
    Ok(token)
}

/// What the database stores for a session ID.
pub fn token_hash(token: &str) -> Vec<u8> {
    SessionToken::hash(token)
}

/// Ends the session `token` names, whatever its stage; its customer, if it existed.
pub async fn delete(db: impl AnyExecutor<'_>, token: &str) -> sqlx::Result<Option<CustomerId>> {
    sessions::delete(db, &token_hash(token)).await
}

/// Ends every session of the customer (of any stage) and records how many and why.
pub async fn revoke_all(
    tx: &mut Transaction<'_, Any>,
    customer_id: CustomerId,
    cause: Revocation,
    client_addr: Option<String>,
    now: i64,
) -> sqlx::Result<u64> {
    let ended = sessions::delete_all_of(&mut **tx, customer_id).await?;
    if ended > 0 {
        let event = AuditEvent {
            customer_id: Some(customer_id),
            event: AuditAction::SessionRevoke,
            client_addr,
            result: Outcome::Success,
            detail: Some(format!("cause={} sessions={ended}", cause.as_str())),
        };
        audit::record(&mut **tx, now, event).await?;
    }
    Ok(ended)
}

/// After a change the current session made: every session of the customer ends, and the
/// current one continues under a new ID at the level it has now proven. Its login time
/// carries over, so re-issuing never extends the absolute limit.
pub async fn reissue(
    tx: &mut Transaction<'_, Any>,
    current: &CurrentCustomer,
    level: Level,
    cause: Revocation,
    client_addr: Option<String>,
    now: i64,
) -> sqlx::Result<SessionToken> {
    // The re-issued session runs where this one did.
    let environment = sessions::environment_of(&mut **tx, &token_hash(&current.token)).await?.unwrap_or_default();
    revoke_all(tx, current.customer_id, cause, client_addr, now).await?;
    // Every other session has just ended: no cap to keep.
    let opening = Opening { customer_id: current.customer_id, stage: Stage::Full, level, login_at: current.login_at };
    start(&mut **tx, opening, &environment, now).await
}

/// A request made in a fully authenticated session. Extracting it checks both time limits
/// and the level, refreshes the idle timer, and answers 401 otherwise.
#[derive(Debug, Clone)]
pub struct CurrentCustomer {
    pub customer_id: CustomerId,
    pub token: String,
    pub level: Level,
    pub login_at: i64,
}

impl FromRequestParts<AppState> for CurrentCustomer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token =
            presented_token(&parts.headers, &state.policy).ok_or(ApiError::new(ErrorReason::Unauthenticated))?;
        let live = touch(state, &token, Stage::Full).await?;
        Ok(Self { customer_id: live.customer_id, token, level: live.level, login_at: live.login_at })
    }
}

/// Why `touch` found no live session.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// No session of this stage goes by that ID.
    #[error("no session")]
    Missing,
    /// It ran out (idle or absolute limit), or proved too little for the customer's token:
    /// it has been deleted.
    #[error("session expired")]
    Expired,
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

impl From<SessionError> for ApiError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::Missing => ApiError::new(ErrorReason::Unauthenticated),
            SessionError::Expired => ApiError::new(ErrorReason::SessionExpired),
            SessionError::Store(error) => error.into(),
        }
    }
}

/// A session found live by `touch`.
#[derive(Debug, Clone, Copy)]
pub struct LiveSession {
    pub customer_id: CustomerId,
    pub level: Level,
    pub login_at: i64,
}

/// Finds the live session for `token` at `stage` and refreshes its idle timer; an expired
/// session is deleted and reported as such. A full session that proved only the password is
/// not live while the customer's token is in use (or stopped): the second factor is owed.
pub async fn touch(state: &AppState, token: &str, stage: Stage) -> Result<LiveSession, SessionError> {
    let now = state.clock.now();
    let policy = &state.policy;
    let id_hash = SessionToken::hash(token);
    // The password step of a login waits for its OTP a short time only (BLI023).
    let absolute = match stage {
        Stage::OtpPending => policy.otp.pending_login_seconds,
        Stage::Full => policy.session_absolute_seconds,
    };
    let found = sessions::find_live(&state.db, &id_hash, stage, now, policy.session_idle_seconds, absolute).await?;
    let live = match found {
        Some(row) if row.level == Level::Password && stage == Stage::Full => (row.tokens_in_use == 0).then_some(row),
        other => other,
    };
    if let Some(row) = live {
        // A read, not a write: the idle timer is moved only when it is a few seconds old, so
        // a busy session costs the database a write every few seconds, not on every request.
        if now - row.last_seen_at >= IDLE_REFRESH_SECONDS {
            sessions::refresh_idle(&state.db, &id_hash, now).await?;
        }
        return Ok(LiveSession { customer_id: row.customer_id, level: row.level, login_at: row.login_at });
    }
    // Only a session of this stage ran out; one of another stage is merely not enough here
    // (a pending login asking for /api/me) and stays as it is.
    let removed = sessions::delete_at_stage(&state.db, &id_hash, stage).await?;
    Err(if removed { SessionError::Expired } else { SessionError::Missing })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_read_among_others_and_only_by_its_own_name() {
        let plain = Policy::default();
        let tls = Policy { tls: true, ..Policy::default() };
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; nb_session=abc; b=2"));
        assert_eq!(presented_token(&headers, &plain).as_deref(), Some("abc"));
        assert_eq!(presented_token(&headers, &tls), None, "over TLS only the __Host- cookie counts");
        headers.insert(COOKIE, HeaderValue::from_static("nb_session=x; __Host-nb_session=abc"));
        assert_eq!(presented_token(&headers, &tls).as_deref(), Some("abc"));
        headers.insert(COOKIE, HeaderValue::from_static("nb_session="));
        assert_eq!(presented_token(&headers, &plain), None);
        headers.insert(COOKIE, HeaderValue::from_static("nb_session=planted; nb_session=real"));
        assert_eq!(presented_tokens(&headers, &plain), ["planted", "real"]);
        assert_eq!(presented_token(&headers, &plain), None, "two are none");
    }

    #[test]
    fn the_issued_session_id_is_read_from_set_cookie_and_a_clearing_cookie_issues_none() {
        let set = ["other=1; Path=/", "nb_session=abc; Path=/api; HttpOnly"];
        assert_eq!(issued_session_id(set), Some("abc"));
        assert_eq!(issued_session_id(["nb_session=; Max-Age=0"]), None);
        assert_eq!(issued_session_id(["nb_sessionx=abc"]), None);
    }

    #[test]
    fn tokens_carry_256_bits_and_cookies_the_required_attributes() {
        let token = SessionToken::generate();
        assert_eq!(URL_SAFE_NO_PAD.decode(&token.0).unwrap().len(), 32);
        let cookie = token.cookie(&Policy { tls: true, ..Policy::default() });
        let cookie = cookie.to_str().unwrap();
        assert!(cookie.starts_with("__Host-nb_session="), "{cookie}");
        for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/;"] {
            assert!(cookie.contains(attribute), "{cookie}");
        }
        assert!(!cookie.contains("Domain"), "{cookie}");
        assert!(!token.cookie(&Policy::default()).to_str().unwrap().contains("Secure"));
    }
}
