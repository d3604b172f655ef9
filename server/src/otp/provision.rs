//! The token app's 初期設定 (手順8): サービスID, ユーザID and 利用開始パスワード buy the TOTP
//! parameters and a fresh secret, once. Wrong passwords in a row void the issuance.

use axum::extract::State;
use axum::Json;
use netbank_api::input::{ActivationPassword, ServiceId, UserId};
use netbank_api::otp::{ProvisionRequest, ProvisionedToken, TotpAlgorithm};
use netbank_api::totp::encode_secret;
use netbank_api::{ErrorReason, INSTITUTION_NAME};
#[allow(unused_imports)]
use netbank_api::ErrorBody;

use crate::audit::{self, AuditEvent};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::password;
use crate::otp::issue::generate_secret;
use crate::startup::AppState;

#[derive(sqlx::FromRow)]
struct Issuance {
    customer_id: i64,
    state: String,
    service_id: String,
    activation_hash: Option<String>,
    pending_until: i64,
    algorithm: String,
    digits: i64,
    period: i64,
}

#[utoipa::path(post, path = "/api/token/provision", tag = "token", request_body = ProvisionRequest,
    responses((status = 200, description = "the token's parameters and secret, given once", body = ProvisionedToken),
        (status = 401, description = "provisioning_mismatch: unknown, voided, lapsed or set-up issuance, or a wrong 利用開始パスワード (never told apart)", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody),
))]
/// `POST /api/token/provision`. No banking session: the token app runs on the phone, so this
/// endpoint is open to anyone who can guess a ユーザID. It therefore answers every failure
/// the same way after the same work (one argon2 verification), counts wrong 利用開始パスワード
/// toward voiding the issuance, and forgets the password's hash once it has served.
pub async fn provision(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(request): ApiJson<ProvisionRequest>,
) -> Result<Json<ProvisionedToken>, ApiError> {
    let service_id = ServiceId::parse(&request.service_id)?;
    let user_id = UserId::parse(&request.user_id)?;
    let activation = ActivationPassword::parse(&request.activation_password)?;
    let now = state.clock.now();
    let issuance: Option<Issuance> = sqlx::query_as(
        "SELECT customer_id, state, service_id, activation_hash, pending_until, algorithm, digits, period
         FROM otp_tokens WHERE user_id = ?",
    )
    .bind(user_id.as_str())
    .fetch_optional(&state.db)
    .await?;
    let record = |customer_id, result, detail: &str| {
        let event = AuditEvent {
            customer_id,
            event: "token_provision",
            client_addr: client.ip_string(),
            result,
            detail: Some(format!("{detail} user_id={}", user_id.as_str())),
        };
        audit::record(&state.db, now, event)
    };
    let refusal = || ApiError::new(ErrorReason::ProvisioningMismatch);

    // Why an issuance cannot be set up is for the audit log only.
    let (usable, unusable_because) = match &issuance {
        None => (None, "unknown"),
        Some(i) if i.service_id != service_id.as_str() => (None, "other_service"),
        Some(i) if i.state != "issued" => (None, if i.state == "voided" { "voided" } else { "already_provisioned" }),
        Some(i) if i.pending_until <= now => (None, "lapsed"),
        Some(i) => (i.activation_hash.clone().map(|hash| (i, hash)), "no_password"),
    };
    let hash = usable.as_ref().map_or_else(|| state.dummy_hash.to_string(), |(_, hash)| hash.clone());
    let correct = password::verify(activation.expose().to_owned(), hash).await?;
    let Some((issuance, _)) = usable else {
        record(issuance.as_ref().map(|i| i.customer_id), "refused", unusable_because).await?;
        return Err(refusal());
    };
    let id = Some(issuance.customer_id);
    if !correct {
        let voided = count_wrong_password(&state, issuance.customer_id, user_id.as_str(), now).await?;
        record(id, "refused", if voided { "wrong_password_voided" } else { "wrong_password" }).await?;
        return Err(refusal());
    }

    let secret = generate_secret();
    let (ciphertext, nonce) = state.secrets.seal(user_id.as_str(), &secret);
    let mut tx = state.db.begin().await?;
    // The 利用開始パスワード has served: its hash goes, so nothing can be asked of it again.
    let taken = sqlx::query(
        "UPDATE otp_tokens SET state = 'provisioned', secret_ciphertext = ?, secret_nonce = ?,
             activation_hash = NULL, provisioning_failures = 0, updated_at = ?
         WHERE customer_id = ? AND user_id = ? AND state = 'issued' AND pending_until > ?",
    )
    .bind(&ciphertext)
    .bind(&nonce)
    .bind(now)
    .bind(issuance.customer_id)
    .bind(user_id.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if taken.rows_affected() != 1 {
        // A parallel set-up won, or the issuance was replaced meanwhile.
        drop(tx);
        record(id, "refused", "race").await?;
        return Err(refusal());
    }
    let event = AuditEvent {
        customer_id: id,
        event: "token_provision",
        client_addr: client.ip_string(),
        result: "success",
        detail: Some(format!("provisioned user_id={}", user_id.as_str())),
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;

    let algorithm = TotpAlgorithm::from_name(&issuance.algorithm)
        .ok_or_else(|| ApiError::internal(format!("unknown algorithm {}", issuance.algorithm)))?;
    Ok(Json(ProvisionedToken {
        service_id: service_id.as_str().to_owned(),
        user_id: user_id.as_str().to_owned(),
        issuer: INSTITUTION_NAME.to_owned(),
        secret: encode_secret(&secret),
        algorithm,
        digits: issuance.digits as u32,
        period: issuance.period as u32,
        server_time: now,
    }))
}

/// One wrong 利用開始パスワード; true when that voided the issuance (and deleted its hash).
/// The limit sits in the statement, so parallel guesses void it after exactly that many.
async fn count_wrong_password(state: &AppState, customer_id: i64, user_id: &str, now: i64) -> sqlx::Result<bool> {
    let after: Option<String> = sqlx::query_scalar(
        "UPDATE otp_tokens
         SET provisioning_failures = provisioning_failures + 1,
             state = CASE WHEN provisioning_failures + 1 >= ?1 THEN 'voided' ELSE state END,
             activation_hash = CASE WHEN provisioning_failures + 1 >= ?1 THEN NULL ELSE activation_hash END,
             updated_at = ?2
         WHERE customer_id = ?3 AND user_id = ?4 AND state = 'issued'
         RETURNING state",
    )
    .bind(state.policy.otp.provisioning_attempts)
    .bind(now)
    .bind(customer_id)
    .bind(user_id)
    .fetch_optional(&state.db)
    .await?;
    Ok(after.map_or(true, |s| s == "voided"))
}
