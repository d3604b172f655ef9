//! BLI023, the login's second step: within a minute of the password, a code from the token
//! in use turns the pending login into a full session under a new ID.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::Json;
use netbank_api::identity::LoginResponse;
use netbank_api::otp::{OtpRequest, Procedure};
#[allow(unused_imports)]
use netbank_api::ErrorBody;
use netbank_api::ErrorReason;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::login_record::{self, Arrival, LoginMethod};
use crate::identity::session::{self, Level, Opening, SessionError, Stage};
use crate::otp::verify;
use crate::state::AppState;
use crate::store::sessions;

#[utoipa::path(post, path = "/login/otp", tag = "login", request_body = OtpRequest,
    responses((status = 200, description = "sets the full session's cookie", body = LoginResponse),
        (status = 401, description = "invalid_otp, otp_login_expired or unauthenticated", body = ErrorBody),
        (status = 403, description = "otp_suspended", body = ErrorBody),
        (status = 409, description = "otp_already_used", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody),
))]
/// `POST /api/login/otp`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn login_otp(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    ApiJson(request): ApiJson<OtpRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let refused = |detail: &str| {
        let event = AuditEvent {
            customer_id: None,
            event: AuditAction::LoginOtp,
            client_addr: client.ip_string(),
            result: Outcome::Refused,
            detail: Some(detail.to_owned()),
        };
        audit::record(&state.db, state.clock.now(), event)
    };
    let Some(token) = session::presented_token(&headers, &state.policy) else {
        refused("no_pending_session").await?;
        return Err(ApiError::new(ErrorReason::Unauthenticated));
    };
    let pending = match session::touch(&state, &token, Stage::OtpPending).await {
        Ok(pending) => pending,
        Err(SessionError::Expired) => {
            refused("expired_pending_session").await?;
            return Err(expired(&state));
        }
        Err(SessionError::Missing) => {
            refused("no_pending_session").await?;
            return Err(ApiError::new(ErrorReason::Unauthenticated));
        }
        Err(SessionError::Store(error)) => return Err(error.into()),
    };
    let customer_id = pending.customer_id;
    let code = request.check()?;
    let arrival = Arrival::of(&headers, &state.policy);
    // A wrong code that stops the token ends this pending login with every other session.
    let accepted = verify::accept(&state, customer_id, Procedure::SignIn, &code, AuditAction::LoginOtp, &client).await;
    let mut tx = match accepted {
        Ok(tx) => tx,
        Err(refusal) => {
            let now = state.clock.now();
            login_record::failed(&state.db, customer_id, LoginMethod::PasswordOtp, &arrival, now).await?;
            return Err(refusal.into());
        }
    };
    let now = state.clock.now();
    let not_before = now - state.policy.otp.pending_login_seconds;
    if !sessions::consume_pending(&mut *tx, &session::token_hash(&token), not_before).await? {
        return Err(expired(&state));
    }
    // The absolute limit counts from the password step: the login began there.
    let full = session::create(
        &mut tx,
        &state.policy,
        Opening { customer_id, stage: Stage::Full, level: Level::Otp, login_at: pending.login_at },
        arrival.environment(),
        now,
    )
    .await?;
    let device =
        login_record::succeeded(&mut tx, &state.policy, customer_id, LoginMethod::PasswordOtp, &arrival, now).await?;
    let event = AuditEvent {
        customer_id: Some(customer_id),
        event: AuditAction::Login,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some("password+otp".to_owned()),
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;
    let mut response_headers = HeaderMap::new();
    session::set_cookie(&mut response_headers, full.cookie(&state.policy));
    if let Some(device) = device {
        device.set_on(&mut response_headers);
    }
    Ok((response_headers, Json(LoginResponse::Complete)))
}

/// The login waited longer than this server's window for the code; the message names it.
fn expired(state: &AppState) -> ApiError {
    let window = u32::try_from(state.policy.otp.pending_login_seconds).unwrap_or(u32::MAX);
    let mut error = ApiError::new(ErrorReason::OtpLoginExpired);
    error.body.message = netbank_api::display::otp_login_expired(window);
    error
}
