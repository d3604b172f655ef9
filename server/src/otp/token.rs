//! The token row and what it means for the customer at a given moment.

use netbank_api::identity::OtpState;
use netbank_api::otp::{OtpStatus, TokenMethod, TotpAlgorithm};
use netbank_api::totp::TotpParams;
use sqlx::SqliteExecutor;

use crate::error::ApiError;
use crate::otp::secret_box::SecretBox;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub customer_id: i64,
    pub state: String,
    pub method: String,
    pub service_id: String,
    pub user_id: String,
    pub mail_address: Option<String>,
    pub pending_until: i64,
    pub secret_ciphertext: Option<Vec<u8>>,
    pub secret_nonce: Option<Vec<u8>>,
    pub algorithm: String,
    pub digits: i64,
    pub period: i64,
    pub last_step: Option<i64>,
    pub failed_otp: i64,
}

const COLUMNS: &str = "customer_id, state, method, service_id, user_id, mail_address, pending_until, \
     secret_ciphertext, secret_nonce, algorithm, digits, period, last_step, failed_otp";

pub async fn load(db: impl SqliteExecutor<'_>, customer_id: i64) -> sqlx::Result<Option<TokenRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM otp_tokens WHERE customer_id = ?"))
        .bind(customer_id)
        .fetch_optional(db)
        .await
}

/// Why a 手続き that needs another state is refused: a stopped token says so (the customer must
/// submit the paper form); anything else is a conflict with the current state.
pub fn refusal(current: OtpState) -> ApiError {
    ApiError::new(if current == OtpState::Suspended {
        netbank_api::ErrorReason::OtpSuspended
    } else {
        netbank_api::ErrorReason::OtpStateConflict
    })
}

/// The customer's token state now, for screens and for login.
pub async fn state_of(db: impl SqliteExecutor<'_>, customer_id: i64, now: i64) -> sqlx::Result<OtpState> {
    Ok(load(db, customer_id).await?.map_or(OtpState::NotIssued, |row| row.effective_state(now)))
}

impl TokenRow {
    /// A voided issuance, or one not taken into use in time, is as good as none.
    pub fn effective_state(&self, now: i64) -> OtpState {
        match self.state.as_str() {
            "issued" if self.pending_until > now => OtpState::Issued,
            "provisioned" if self.pending_until > now => OtpState::Provisioned,
            "active" => OtpState::Active,
            "suspended" => OtpState::Suspended,
            _ => OtpState::NotIssued,
        }
    }

    pub fn method(&self) -> TokenMethod {
        if self.method == "authenticator_app" {
            TokenMethod::AuthenticatorApp
        } else {
            TokenMethod::SoftwareToken
        }
    }

    pub fn status(&self, now: i64) -> OtpStatus {
        let state = self.effective_state(now);
        if state == OtpState::NotIssued {
            return OtpStatus::not_issued();
        }
        let pending = matches!(state, OtpState::Issued | OtpState::Provisioned);
        OtpStatus {
            state,
            method: Some(self.method()),
            mail_address: self.mail_address.clone(),
            service_id: Some(self.service_id.clone()),
            user_id: Some(self.user_id.clone()),
            pending_until: pending.then_some(self.pending_until),
        }
    }

    pub fn params(&self) -> Result<TotpParams, ApiError> {
        let algorithm = TotpAlgorithm::from_name(&self.algorithm)
            .ok_or_else(|| ApiError::internal(format!("unknown algorithm {}", self.algorithm)))?;
        Ok(TotpParams { algorithm, digits: self.digits as u32, period: self.period as u32 })
    }

    pub fn secret(&self, secrets: &SecretBox) -> Result<Vec<u8>, ApiError> {
        match (&self.secret_ciphertext, &self.secret_nonce) {
            (Some(ciphertext), Some(nonce)) => Ok(secrets.open(&self.user_id, ciphertext, nonce)?),
            _ => Err(ApiError::internal("token without a secret asked for codes")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: &str, pending_until: i64) -> TokenRow {
        TokenRow {
            customer_id: 1,
            state: state.to_owned(),
            method: "software_token".to_owned(),
            service_id: "10010001".to_owned(),
            user_id: "12345678901".to_owned(),
            mail_address: Some("taro@docomo.ne.jp".to_owned()),
            pending_until,
            secret_ciphertext: None,
            secret_nonce: None,
            algorithm: "SHA1".to_owned(),
            digits: 6,
            period: 30,
            last_step: None,
            failed_otp: 0,
        }
    }

    #[test]
    fn pending_tokens_lapse_at_their_limit_and_voided_ones_count_as_none() {
        assert_eq!(row("issued", 100).effective_state(99), OtpState::Issued);
        assert_eq!(row("issued", 100).effective_state(100), OtpState::NotIssued);
        assert_eq!(row("provisioned", 100).effective_state(100), OtpState::NotIssued);
        assert_eq!(row("active", 100).effective_state(1_000), OtpState::Active);
        assert_eq!(row("suspended", 100).effective_state(1_000), OtpState::Suspended);
        assert_eq!(row("voided", 100).effective_state(0), OtpState::NotIssued);
        assert_eq!(row("voided", 100).status(0), OtpStatus::not_issued());
        assert_eq!(row("active", 100).status(1_000).pending_until, None);
        assert_eq!(row("issued", 100).status(0).user_id.as_deref(), Some("12345678901"));
    }
}
