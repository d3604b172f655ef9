//! The token app's 初期設定 (手順8): サービスID, ユーザID and 利用開始パスワード buy the TOTP
//! parameters and a fresh secret, once. Wrong passwords in a row void the issuance.

use axum::extract::State;
use axum::Json;
use netbank_api::checked::Provisioning;
use netbank_api::otp::{ProvisionRequest, ProvisionedToken, TotpAlgorithm};
use netbank_api::totp::encode_secret;
#[allow(unused_imports)]
use netbank_api::ErrorBody;
use netbank_api::{ErrorReason, INSTITUTION_NAME};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::password;
use crate::ids::CustomerId;
use crate::otp::issue::generate_secret;
use crate::state::AppState;
use crate::store::otp_tokens::{self, Issuance, TokenState};
use crate::throttle::{self, Action};

#[utoipa::path(post, path = "/token/provision", tag = "token", request_body = ProvisionRequest,
    responses((status = 200, description = "the token's parameters and secret, given once", body = ProvisionedToken),
        (status = 401, description = "provisioning_mismatch: unknown, voided, lapsed or set-up issuance, or a wrong 利用開始パスワード (never told apart)", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody),
))]
/// `POST /api/token/provision`. No banking session: the token app runs on the phone, so this
/// endpoint is open to anyone who can guess a ユーザID. It therefore answers every failure
/// the same way after the same work (one argon2 verification), counts wrong 利用開始パスワード
/// toward voiding the issuance, and forgets the password's hash once it has served.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn provision(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(request): ApiJson<ProvisionRequest>,
) -> Result<Json<ProvisionedToken>, ApiError> {
    let Provisioning { service_id, user_id, activation } = request.check()?;
    let now = state.clock.now();
    let issuance = otp_tokens::find_issuance(&state.db, user_id.as_str()).await?;
    let audit = Audit { state: &state, client: &client, user_id: user_id.as_str(), now };
    let waiting = waiting_issuance(issuance.as_ref(), service_id.as_str(), now);
    if let Ok((issuance, _)) = waiting {
        throttle::take_attempt(&state, &client, Action::Provision, issuance.customer_id).await?;
    }
    // One argon2 run whatever the issuance: the answer's time tells nothing either.
    let hash = waiting.map_or_else(|_| state.dummy_hash.to_string(), |(_, hash)| (*hash).to_owned());
    let correct = password::verify(activation.expose().to_owned(), hash).await?;
    let issuance = match waiting {
        Ok((issuance, _)) => issuance,
        Err(why) => {
            audit.refused(issuance.as_ref().map(|i| i.customer_id), why).await?;
            return Err(ApiError::new(ErrorReason::ProvisioningMismatch));
        }
    };
    if !correct {
        let voided = count_wrong_password(&state, issuance.customer_id, user_id.as_str(), now).await?;
        audit
            .refused(Some(issuance.customer_id), if voided { "wrong_password_voided" } else { "wrong_password" })
            .await?;
        return Err(ApiError::new(ErrorReason::ProvisioningMismatch));
    }
    let secret = take(&state, &audit, issuance.customer_id).await?;
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

/// The issuance and its 利用開始パスワード hash if it waits for its token app now; otherwise
/// why not, for the audit log only (the caller answers every case alike).
fn waiting_issuance<'a>(
    issuance: Option<&'a Issuance>,
    service_id: &str,
    now: i64,
) -> Result<(&'a Issuance, &'a str), &'static str> {
    let issuance = issuance.ok_or("unknown")?;
    if issuance.service_id != service_id {
        return Err("other_service");
    }
    match issuance.state {
        TokenState::Issued if issuance.pending_until <= now => Err("lapsed"),
        TokenState::Issued => issuance.activation_hash.as_deref().map(|hash| (issuance, hash)).ok_or("no_password"),
        TokenState::Voided => Err("voided"),
        _ => Err("already_provisioned"),
    }
}

/// Sets the issuance up with a fresh secret (its 利用開始パスワード's hash deleted, so nothing
/// can be asked of it again); the secret, given once.
async fn take(state: &AppState, audit: &Audit<'_>, customer_id: CustomerId) -> Result<Vec<u8>, ApiError> {
    let secret = generate_secret();
    let sealed = state.secrets.seal(audit.user_id, &secret);
    let mut tx = crate::db::begin_write(&state.db).await?;
    if !otp_tokens::provision(&mut *tx, customer_id, audit.user_id, &sealed, audit.now).await? {
        // A parallel set-up won, or the issuance was replaced meanwhile.
        drop(tx);
        audit.refused(Some(customer_id), "race").await?;
        return Err(ApiError::new(ErrorReason::ProvisioningMismatch));
    }
    audit::record(&mut *tx, audit.now, audit.event(Some(customer_id), Outcome::Success, "provisioned")).await?;
    tx.commit().await?;
    Ok(secret)
}

/// The audit records of one set-up attempt.
struct Audit<'a> {
    state: &'a AppState,
    client: &'a ClientAddr,
    user_id: &'a str,
    now: i64,
}

impl Audit<'_> {
    fn event(&self, customer_id: Option<CustomerId>, result: Outcome, detail: &str) -> AuditEvent {
        AuditEvent {
            customer_id,
            event: AuditAction::TokenProvision,
            client_addr: self.client.ip_string(),
            result,
            detail: Some(format!("{detail} user_id={}", self.user_id)),
        }
    }

    async fn refused(&self, customer_id: Option<CustomerId>, detail: &str) -> sqlx::Result<()> {
        audit::record(&self.state.db, self.now, self.event(customer_id, Outcome::Refused, detail)).await
    }
}

/// One wrong 利用開始パスワード; true when that voided the issuance (and deleted its hash).
async fn count_wrong_password(
    state: &AppState,
    customer_id: CustomerId,
    user_id: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let limit = state.policy.otp.provisioning_attempts;
    let after = otp_tokens::count_wrong_activation_password(&state.db, customer_id, user_id, limit, now).await?;
    Ok(after.is_none_or(|s| s == TokenState::Voided))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuance(state: TokenState, pending_until: i64, hash: Option<&str>) -> Issuance {
        Issuance {
            customer_id: CustomerId(1),
            state,
            service_id: "10010001".into(),
            activation_hash: hash.map(str::to_owned),
            pending_until,
            algorithm: "SHA1".into(),
            digits: 6,
            period: 30,
        }
    }

    #[test]
    fn only_an_issued_unlapsed_issuance_of_this_service_waits_for_its_app() {
        let waiting = issuance(TokenState::Issued, 100, Some("hash"));
        assert_eq!(waiting_issuance(Some(&waiting), "10010001", 99).map(|(_, h)| h), Ok("hash"));
        assert_eq!(waiting_issuance(Some(&waiting), "10010001", 100).map(|(_, h)| h), Err("lapsed"));
        assert_eq!(waiting_issuance(Some(&waiting), "10010002", 99).map(|(_, h)| h), Err("other_service"));
        assert_eq!(waiting_issuance(None, "10010001", 99).map(|(_, h)| h), Err("unknown"));
        let voided = issuance(TokenState::Voided, 100, None);
        assert_eq!(waiting_issuance(Some(&voided), "10010001", 99).map(|(_, h)| h), Err("voided"));
        for state in [TokenState::Provisioned, TokenState::Active, TokenState::Suspended] {
            let set_up = issuance(state, 100, None);
            assert_eq!(waiting_issuance(Some(&set_up), "10010001", 99).map(|(_, h)| h), Err("already_provisioned"));
        }
    }
}
