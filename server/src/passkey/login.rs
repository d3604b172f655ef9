//! BLI001's passkey path: 「パスキーでログイン」 or the browser's passkey autofill on the login
//! ID field. One step: no login ID is sent, the authenticator names its credential and the
//! customer's handle, and the session is at the phishing-resistant level.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::Json;
use netbank_api::identity::{LoginResponse, OtpState};
use netbank_api::passkey::{PasskeyAnswer, PasskeyChallenge, PasskeyLoginOptionsRequest};
use netbank_api::{ErrorBody, ErrorReason};
use webauthn_rs::prelude::DiscoverableAuthentication;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::login_record::{self, Arrival, LoginMethod};
use crate::identity::session::{self, Level, Opening, Stage};
use crate::otp::token;
use crate::passkey::ceremony;
use crate::passkey::{refuse, PasskeyError};
use crate::state::AppState;
use crate::store::customers;
use crate::store::passkeys::Purpose;

#[utoipa::path(post, path = "/passkeys/login/options", tag = "login", request_body = PasskeyLoginOptionsRequest,
    responses((status = 200, description = "the challenge for navigator.credentials.get", body = PasskeyChallenge),
        (status = 422, description = "malformed_request: `autofill` is not a boolean", body = ErrorBody)))]
/// `POST /api/passkeys/login/options`: a challenge any of this site's passkeys may answer.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn options(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<PasskeyLoginOptionsRequest>,
) -> Result<Json<PasskeyChallenge>, ApiError> {
    let (options, challenge) = state.relying_party.assertion_challenge(&[], request.autofill)?;
    let now = state.clock.now();
    Ok(Json(ceremony::open(&state.db, Purpose::Login, None, None, &options, &challenge, now).await?))
}

#[utoipa::path(post, path = "/passkeys/login", tag = "login", request_body = PasskeyAnswer,
    responses((status = 200, description = "sets the session cookie (level: passkey)", body = LoginResponse),
        (status = 401, description = "passkey_refused or passkey_challenge_expired", body = ErrorBody),
        (status = 403, description = "otp_suspended", body = ErrorBody),
        (status = 422, description = "invalid_input (credential)", body = ErrorBody)))]
/// `POST /api/passkeys/login`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    ApiJson(answer): ApiJson<PasskeyAnswer>,
) -> Result<impl IntoResponse, ApiError> {
    let assertion = ceremony::parse_assertion(&answer.credential)?;
    let now = state.clock.now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let verified = async {
        let challenge: DiscoverableAuthentication =
            ceremony::take(&mut *tx, &answer.ceremony, Purpose::Login, None, None, now).await?;
        ceremony::verify(&mut tx, &state.relying_party, &assertion, challenge, None, now).await
    }
    .await;
    let verified = match verified {
        Ok(verified) => verified,
        Err(error) => return Err(refuse(tx, &client, None, AuditAction::LoginPasskey, error, now).await.into()),
    };
    let me = verified.customer_id;
    // A stopped one-time password (停止: "a stopped customer cannot log in" until the branch
    // lifts it) stops this path too. Only the passkey's holder learns why, as with the
    // password; the challenge is spent and the refusal audited. A password locked by someone
    // else's guesses does not: the passkey is an authenticator of its own (NIST SP 800-63B
    // throttles per authenticator), and a login ID is no secret.
    let password_locked = customers::identity(&mut *tx, me).await?.locked != 0;
    let held = if token::state_of(&mut *tx, me, now).await? == OtpState::Suspended {
        Some((ErrorReason::OtpSuspended, "otp_suspended"))
    } else {
        None
    };
    if let Some((reason, detail)) = held {
        return Err(
            match refuse(tx, &client, Some(me), AuditAction::Login, PasskeyError::Refused(detail.to_owned()), now).await
            {
                PasskeyError::Unexpected(failure) => failure.into(),
                _ => ApiError::new(reason),
            },
        );
    }
    if let Some(old) = session::presented_token(&headers, &state.policy) {
        session::delete(&mut *tx, &old).await?;
    }
    let arrival = Arrival::of(&headers, &state.policy);
    let opening = Opening { customer_id: me, stage: Stage::Full, level: Level::Passkey, login_at: now };
    let token = session::create(&mut tx, &state.policy, opening, arrival.environment(), now).await?;
    let device = login_record::succeeded(&mut tx, &state.policy, me, LoginMethod::Passkey, &arrival, now).await?;
    let event = AuditEvent {
        customer_id: Some(me),
        event: AuditAction::Login,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some(format!(
            "passkey={}{}",
            verified.passkey_id,
            if password_locked { " password_locked" } else { "" }
        )),
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;
    let mut response_headers = HeaderMap::new();
    session::set_cookie(&mut response_headers, token.cookie(&state.policy));
    if let Some(device) = device {
        device.set_on(&mut response_headers);
    }
    Ok((response_headers, Json(LoginResponse::Complete)))
}
