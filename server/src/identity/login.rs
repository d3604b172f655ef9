//! Login with ログインID and ログインパスワード, and logout.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use netbank_api::checked::Login;
use netbank_api::identity::{LoginRequest, LoginResponse, OtpState};
use netbank_api::otp::Procedure;
#[allow(unused_imports)]
use netbank_api::ErrorBody;
use netbank_api::ErrorReason;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::environment::NewDevice;
use crate::identity::login_record::{self, Arrival, LoginMethod};
use crate::identity::password;
use crate::identity::session::{self, Level, Opening, Revocation, SessionToken, Stage};
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::otp::token;
use crate::state::AppState;
use crate::store::{customers, passkeys};

#[utoipa::path(post, path = "/login", tag = "login", request_body = LoginRequest,
    responses((status = 200, description = "sets the session cookie", body = LoginResponse),
        (status = 401, description = "invalid_credentials", body = ErrorBody),
        (status = 403, description = "login_locked, otp_suspended or passkey_required", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody),
))]
/// `POST /api/login`. Unknown ID and wrong password give the same body after the same
/// work (one argon2 verification); wrong passwords in a row lock the login at the policy's
/// count, counted by a conditional UPDATE so parallel guesses cannot overshoot it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let login = request.check()?;
    let arrival = Arrival::of(&headers, &state.policy);
    let (token, stage, device) =
        password_step(&state, &client, login, session::presented_token(&headers, &state.policy), &arrival).await?;
    let mut response_headers = HeaderMap::new();
    session::set_cookie(&mut response_headers, token.cookie(&state.policy));
    if let Some(device) = device {
        device.set_on(&mut response_headers);
    }
    let answer = match stage {
        Stage::Full => LoginResponse::Complete,
        Stage::OtpPending => {
            LoginResponse::OtpRequired { expires_in_seconds: state.policy.otp.pending_login_seconds as u32 }
        }
    };
    Ok((response_headers, Json(answer)))
}

/// Why a password login was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// An unknown ID or a wrong password: never told apart.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The login is locked (or, for an unknown ID, has had as many guesses as lock one):
    /// whatever the password.
    #[error("login locked")]
    Locked,
    /// The right password, but the customer's OTP is 停止中.
    #[error("otp suspended")]
    OtpSuspended,
    /// The right password, but the bank requires this customer's passkey at login.
    #[error("passkey required")]
    PasskeyRequired,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

crate::error::store_errors_are_unexpected!(LoginError);

impl From<LoginError> for ApiError {
    fn from(error: LoginError) -> Self {
        match error {
            LoginError::InvalidCredentials => ApiError::new(ErrorReason::InvalidCredentials),
            LoginError::Locked => ApiError::new(ErrorReason::LoginLocked),
            LoginError::OtpSuspended => ApiError::new(ErrorReason::OtpSuspended),
            LoginError::PasskeyRequired => ApiError::new(ErrorReason::PasskeyRequired),
            LoginError::Unexpected(error) => error.into(),
        }
    }
}

/// The password step: a new session (replacing `presented`) at the stage the customer's token
/// asks for. Unknown ID and wrong password cost the same work (one argon2 verification).
// Never the login ID or the password: the span's name and timing are what a slow login needs.
#[tracing::instrument(level = "debug", skip_all)]
async fn password_step(
    state: &AppState,
    client: &ClientAddr,
    Login { login_id, password }: Login,
    presented: Option<String>,
    arrival: &Arrival,
) -> Result<(SessionToken, Stage, Option<NewDevice>), LoginError> {
    password::ensure_room()?;
    let secret = password.expose().to_owned();
    let credential = customers::credential(&state.db, login_id.as_str()).await?;
    let audit = |customer_id, result: Outcome, detail: &str| AuditEvent {
        customer_id,
        event: AuditAction::Login,
        client_addr: client.ip_string(),
        result,
        detail: Some(format!("{detail} login_id={}", login_id.as_str())),
    };

    let Some(credential) = credential else {
        password::verify(secret, state.dummy_hash.to_string()).await?;
        // Unknown IDs lock like known ones after the same number of guesses (for a day), so
        // "locked" tells a guesser nothing about which IDs exist.
        let locked = unknown_id_guess(state, &login_id).await?;
        let detail = if locked { "unknown_id_locked" } else { "unknown_id" };
        audit::record(&state.db, state.clock.now(), audit(None, Outcome::Refused, detail)).await?;
        return Err(if locked { LoginError::Locked } else { LoginError::InvalidCredentials });
    };
    let id = Some(credential.customer_id);
    let correct = password::verify(secret, credential.password_hash).await?;
    let now = state.clock.now();
    // Once locked, the answer no longer depends on the password: right or wrong, it is
    // `login_locked`, so guessing on tells nothing (and nothing learnt now works after the
    // branch unlocks). Every attempt is audited.
    if credential.locked {
        let detail = if correct { "locked" } else { "locked_wrong_password" };
        audit::record(&state.db, now, audit(id, Outcome::Refused, detail)).await?;
        return Err(LoginError::Locked);
    }
    if !correct {
        // Counted toward the lock; the guess that locks answers `login_locked` like every
        // later one. Open sessions go on: they proved the password and their second factor,
        // and a login ID is no secret (anyone could otherwise end the customer's session).
        let locked =
            count_wrong_password(state, credential.customer_id, client.ip_string(), LockEffect::KeepSessions, now)
                .await?;
        let detail = if locked { "wrong_password_locked" } else { "wrong_password" };
        audit::record(&state.db, now, audit(id, Outcome::Refused, detail)).await?;
        login_record::failed(&state.db, credential.customer_id, LoginMethod::Password, arrival, now).await?;
        return Err(if locked { LoginError::Locked } else { LoginError::InvalidCredentials });
    }

    // Where the bank requires passkeys, a customer who has one cannot fall back to what a
    // phishing site can relay. Told only after the right password.
    if state.policy.phishing_resistant.login && passkeys::count(&state.db, credential.customer_id).await? > 0 {
        audit::record(&state.db, now, audit(id, Outcome::Refused, "passkey_required")).await?;
        return Err(LoginError::PasskeyRequired);
    }
    // A token in use owes a code (BLI023); a stopped one refuses the login outright.
    let otp = token::state_of(&state.db, credential.customer_id, now).await?;
    if otp == OtpState::Suspended {
        audit::record(&state.db, now, audit(id, Outcome::Refused, "otp_suspended")).await?;
        return Err(LoginError::OtpSuspended);
    }
    let stage = if otp.allows(Procedure::SignIn) { Stage::OtpPending } else { Stage::Full };

    let mut tx = crate::db::begin_write(&state.db).await?;
    if !customers::clear_failures_unless_locked(&mut *tx, credential.customer_id).await? {
        return Err(LoginError::Locked);
    }
    if let Some(old) = presented {
        session::delete(&mut *tx, &old).await?;
    }
    let token = session::create(
        &mut tx,
        &state.policy,
        Opening { customer_id: credential.customer_id, stage, level: Level::Password, login_at: now },
        arrival.environment(),
        now,
    )
    .await?;
    let detail = if stage == Stage::Full { "password" } else { "password_otp_pending" };
    audit::record(&mut *tx, now, audit(id, Outcome::Success, detail)).await?;
    // A login waiting for its code is in the history when the code comes.
    let device = match stage {
        Stage::Full => {
            login_record::succeeded(&mut tx, &state.policy, credential.customer_id, LoginMethod::Password, arrival, now)
                .await?
        }
        Stage::OtpPending => None,
    };
    tx.commit().await?;
    Ok((token, stage, device))
}

#[utoipa::path(post, path = "/logout", tag = "login",
    responses((status = 204, description = "session deleted, cookie cleared")))]
/// `POST /api/logout`: the session is deleted server-side, whatever state it was in.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn logout(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    // Every session the request names ends, a planted cookie beside the real one included:
    // the one the customer meant to end is among them.
    for token in session::presented_tokens(&headers, &state.policy) {
        let customer_id = session::delete(&state.db, &token).await?;
        if customer_id.is_some() {
            let event = AuditEvent {
                customer_id,
                event: AuditAction::Logout,
                client_addr: client.ip_string(),
                result: Outcome::Success,
                detail: None,
            };
            audit::record(&state.db, state.clock.now(), event).await?;
        }
    }
    let mut response_headers = HeaderMap::new();
    session::set_cookie(&mut response_headers, session::clearing_cookie(&state.policy));
    Ok((StatusCode::NO_CONTENT, response_headers))
}

/// What the guess that locks does to the customer's open sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockEffect {
    /// Guesses at the login page: the customer's sessions proved more than a guesser has.
    KeepSessions,
    /// Guesses made from inside a session (the password asked again): that session is the
    /// guesser's, and with it every other ends.
    EndSessions,
}

/// A wrong password for a login ID no customer has, counted like a known one's: true once
/// it has had as many as lock a login (within a day).
async fn unknown_id_guess(state: &AppState, login_id: &netbank_api::input::LoginId) -> Result<bool, LoginError> {
    let key = format!("unknown_login:{}", login_id.as_str().to_ascii_lowercase());
    let mut connection = state.db.acquire().await.map_err(anyhow::Error::from)?;
    let limit = state.policy.login_lockout_threshold.saturating_sub(1);
    let counted = crate::store::throttles::take(&mut connection, &key, state.clock.now(), 86_400, limit)
        .await
        .map_err(anyhow::Error::from)?;
    Ok(counted.is_err())
}

/// Counts one wrong password; true when the login is (now) locked. The limit sits in the
/// WHERE clause, so parallel wrong guesses stop counting exactly at the threshold. The guess
/// that locks sends the lockout notice (and, for `EndSessions`, ends every session of the
/// customer), in the same transaction.
pub(crate) async fn count_wrong_password(
    state: &AppState,
    customer_id: CustomerId,
    client_addr: Option<String>,
    effect: LockEffect,
    now: i64,
) -> sqlx::Result<bool> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let locked_now =
        customers::count_wrong_password(&mut *tx, customer_id, state.policy.login_lockout_threshold, now).await?;
    match locked_now {
        // No row: it was locked already, by another request meanwhile.
        None => Ok(true),
        Some(false) => {
            tx.commit().await?;
            Ok(false)
        }
        Some(true) => {
            if effect == LockEffect::EndSessions {
                session::revoke_all(&mut tx, customer_id, Revocation::Lockout, client_addr, now).await?;
            }
            notice::send(&mut tx, customer_id, &Notice::LoginLocked, now).await?;
            tx.commit().await?;
            state.mail_wakeup.notify_one();
            Ok(true)
        }
    }
}
