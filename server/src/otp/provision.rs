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
use crate::store::otp_tokens::{self, TokenState};

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
    let issuance = otp_tokens::find_issuance(&state.db, user_id.as_str()).await?;
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
        Some(i) if i.state == TokenState::Voided => (None, "voided"),
        Some(i) if i.state != TokenState::Issued => (None, "already_provisioned"),
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
    let taken = otp_tokens::provision(&mut *tx, issuance.customer_id, user_id.as_str(), &ciphertext, &nonce, now).await?;
    if !taken {
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
async fn count_wrong_password(state: &AppState, customer_id: i64, user_id: &str, now: i64) -> sqlx::Result<bool> {
    let limit = state.policy.otp.provisioning_attempts;
    let after = otp_tokens::count_wrong_activation_password(&state.db, customer_id, user_id, limit, now).await?;
    Ok(after.is_none_or(|s| s == TokenState::Voided))
}
