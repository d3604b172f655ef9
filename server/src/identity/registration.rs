//! 初回利用登録: the customer proves who they are with 店番, 口座番号 and the 仮パスワード the
//! branch gave them, then chooses a ログインID and ログインパスワード.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use netbank_api::checked::{Proof, Registration};
use netbank_api::identity::{RegistrationRequest, RegistrationVerified, RegistrationVerifyRequest};
#[allow(unused_imports)]
use netbank_api::ErrorBody;
use netbank_api::ErrorReason;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::password;
use crate::ids::CustomerId;
use crate::state::AppState;
use crate::store::customers;

#[utoipa::path(post, path = "/registration/verify", tag = "registration", request_body = RegistrationVerifyRequest,
    responses((status = 200, body = RegistrationVerified),
        (status = 401, description = "registration_mismatch", body = ErrorBody),
        (status = 403, description = "temporary_password_unusable", body = ErrorBody),
        (status = 409, description = "already_registered", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody),
))]
/// `POST /api/registration/verify`: checks the proof (counting wrong 仮パスワード) and changes
/// nothing else, so the SPA can move on to choosing the ID.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn verify(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(request): ApiJson<RegistrationVerifyRequest>,
) -> Result<Json<RegistrationVerified>, ApiError> {
    let proof = request.check()?;
    password::ensure_room()?;
    check_proof(&state, &client, &proof).await?;
    Ok(Json(RegistrationVerified { verified: true }))
}

#[utoipa::path(post, path = "/registration", tag = "registration", request_body = RegistrationRequest,
    responses((status = 201, description = "registered; log in next"),
        (status = 401, description = "registration_mismatch", body = ErrorBody),
        (status = 403, description = "temporary_password_unusable", body = ErrorBody),
        (status = 409, description = "already_registered or login_id_taken", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody),
))]
/// `POST /api/registration`: the proof again, then the credentials, written in one
/// transaction whose conditional UPDATE makes the 仮パスワード single-use even under races.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn register(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(request): ApiJson<RegistrationRequest>,
) -> Result<StatusCode, ApiError> {
    let Registration { proof, login_id, password: new_password, notice_address } = request.check()?;
    // Refused before the 仮パスワード is looked at: a bad choice spends none of its attempts.
    if new_password.is_common() {
        return Err(netbank_api::input::NewPassword::common_refusal("password").into());
    }
    password::ensure_room()?;
    let customer_id = check_proof(&state, &client, &proof).await?;
    let password_hash = password::hash(new_password.expose().to_owned()).await?;

    let now = state.clock.now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    if !customers::consume_temporary_password(&mut *tx, customer_id, state.policy.temporary_password_attempts, now)
        .await?
    {
        return Err(RegistrationError::Unusable.into());
    }
    let inserted = customers::insert_credentials(&mut *tx, customer_id, login_id.as_str(), &password_hash, now).await;
    if let Err(sqlx::Error::Database(error)) = &inserted {
        if error.is_unique_violation() {
            let taken = customers::is_login_id_taken(error.as_ref());
            drop(tx);
            if !taken {
                return Err(RegistrationError::AlreadyRegistered.into());
            }
            // The 仮パスワード stays usable for another ID, but each taken ID counts against
            // it like a wrong guess: one 仮パスワード cannot list which IDs exist.
            customers::count_wrong_temporary_password(&state.db, customer_id, state.policy.temporary_password_attempts)
                .await?;
            return Err(refused(&state, Some(customer_id), &client, "login_id_taken", RegistrationError::LoginIdTaken)
                .await
                .into());
        }
    }
    inserted?;
    // An address the operator had on file is told it was replaced.
    crate::identity::notice_address::replace(&mut tx, customer_id, &notice_address, now).await?;
    audit::record(
        &mut *tx,
        now,
        AuditEvent {
            customer_id: Some(customer_id),
            event: AuditAction::Registration,
            client_addr: client.ip_string(),
            result: Outcome::Success,
            detail: Some(format!("login_id={}", login_id.as_str())),
        },
    )
    .await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(StatusCode::CREATED)
}

/// The customer the proof belongs to, or why not. Every path runs one argon2 verification,
/// so the answer's timing does not tell whether the account exists; and an unknown account,
/// a voided, expired or used 仮パスワード and a wrong one all answer `registration_mismatch`.
/// Only the right 仮パスワード learns why it cannot be used (like a locked login).
async fn check_proof(state: &AppState, client: &ClientAddr, proof: &Proof) -> Result<CustomerId, RegistrationError> {
    let pending = customers::pending_registration(&state.db, proof.branch.as_str(), proof.account.as_str()).await?;
    let secret = proof.temporary.expose().to_owned();
    let Some(pending) = pending else {
        password::verify(secret, state.dummy_hash.to_string()).await?;
        return Err(refused(state, None, client, "no_such_account", RegistrationError::Mismatch).await);
    };
    let id = Some(pending.customer_id);
    let voided = pending.failed_attempts >= i64::from(state.policy.temporary_password_attempts);
    let correct = password::verify(secret, pending.password_hash).await?;
    if !correct {
        if !voided && pending.used_at.is_none() {
            customers::count_wrong_temporary_password(
                &state.db,
                pending.customer_id,
                state.policy.temporary_password_attempts,
            )
            .await?;
        }
        let detail = if voided { "voided_wrong_temporary_password" } else { "wrong_temporary_password" };
        return Err(refused(state, id, client, detail, RegistrationError::Mismatch).await);
    }
    if pending.registered != 0 {
        return Err(refused(state, id, client, "already_registered", RegistrationError::AlreadyRegistered).await);
    }
    if voided {
        return Err(refused(state, id, client, "voided", RegistrationError::Unusable).await);
    }
    if pending.used_at.is_some() || pending.expires_at <= state.clock.now() {
        return Err(refused(state, id, client, "expired_or_used", RegistrationError::Unusable).await);
    }
    Ok(pending.customer_id)
}

async fn refused(
    state: &AppState,
    customer_id: Option<CustomerId>,
    client: &ClientAddr,
    detail: &str,
    refusal: RegistrationError,
) -> RegistrationError {
    let event = AuditEvent {
        customer_id,
        event: AuditAction::Registration,
        client_addr: client.ip_string(),
        result: Outcome::Refused,
        detail: Some(detail.to_owned()),
    };
    if let Err(error) = audit::record(&state.db, state.clock.now(), event).await {
        return RegistrationError::Unexpected(error.into());
    }
    refusal
}

/// Why 初回利用登録 was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    /// Unknown account, or a wrong, voided or used 仮パスワード: never told apart.
    #[error("registration proof does not match")]
    Mismatch,
    /// The right 仮パスワード, but it expired, was used or was voided.
    #[error("temporary password unusable")]
    Unusable,
    #[error("already registered")]
    AlreadyRegistered,
    #[error("login id taken")]
    LoginIdTaken,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

crate::error::store_errors_are_unexpected!(RegistrationError);

impl From<RegistrationError> for ApiError {
    fn from(error: RegistrationError) -> Self {
        match error {
            RegistrationError::Mismatch => ApiError::new(ErrorReason::RegistrationMismatch),
            RegistrationError::Unusable => ApiError::new(ErrorReason::TemporaryPasswordUnusable),
            RegistrationError::AlreadyRegistered => ApiError::new(ErrorReason::AlreadyRegistered),
            RegistrationError::LoginIdTaken => ApiError::new(ErrorReason::LoginIdTaken),
            RegistrationError::Unexpected(error) => error.into(),
        }
    }
}
