//! The token row and what it means for the customer at a given moment.

use netbank_api::identity::OtpState;
use netbank_api::otp::{OtpStatus, TokenMethod, TotpAlgorithm};
use netbank_api::totp::TotpParams;
use sqlx::any::AnyExecutor;

use crate::error::ApiError;
use crate::ids::CustomerId;
use crate::otp::secret_box::SecretBox;
use crate::store::otp_tokens;

impl From<Method> for TokenMethod {
    fn from(method: Method) -> Self {
        match method {
            Method::SoftwareToken => Self::SoftwareToken,
            Method::AuthenticatorApp => Self::AuthenticatorApp,
        }
    }
}

impl From<TokenMethod> for Method {
    fn from(method: TokenMethod) -> Self {
        match method {
            TokenMethod::SoftwareToken => Self::SoftwareToken,
            TokenMethod::AuthenticatorApp => Self::AuthenticatorApp,
        }
    }
}

pub use crate::store::otp_tokens::{Method, TokenRow, TokenState};

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
pub async fn state_of(db: impl AnyExecutor<'_>, customer_id: CustomerId, now: i64) -> sqlx::Result<OtpState> {
    Ok(otp_tokens::load(db, customer_id).await?.map_or(OtpState::NotIssued, |row| row.effective_state(now)))
}

/// A token's state as the customer has it: a voided issuance, or one not taken into use in
/// time (`pending_until`), is as good as none.
pub fn effective_state(stored: TokenState, pending_until: i64, now: i64) -> OtpState {
    match stored {
        TokenState::Issued if pending_until > now => OtpState::Issued,
        TokenState::Provisioned if pending_until > now => OtpState::Provisioned,
        TokenState::Active => OtpState::Active,
        TokenState::Suspended => OtpState::Suspended,
        _ => OtpState::NotIssued,
    }
}

impl TokenRow {
    /// See [`effective_state`].
    pub fn effective_state(&self, now: i64) -> OtpState {
        effective_state(self.state, self.pending_until, now)
    }

    pub fn method(&self) -> TokenMethod {
        self.method.into()
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

    pub fn params(&self) -> anyhow::Result<TotpParams> {
        let algorithm = TotpAlgorithm::from_name(&self.algorithm)
            .ok_or_else(|| anyhow::anyhow!("unknown algorithm {}", self.algorithm))?;
        Ok(TotpParams { algorithm, digits: self.digits as u32, period: self.period as u32 })
    }

    pub fn secret(&self, secrets: &SecretBox) -> anyhow::Result<Vec<u8>> {
        match (&self.secret_ciphertext, &self.secret_nonce) {
            (Some(ciphertext), Some(nonce)) => secrets.open(&self.user_id, &self.secret_key_id, ciphertext, nonce),
            _ => anyhow::bail!("token without a secret asked for codes"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: TokenState, pending_until: i64) -> TokenRow {
        TokenRow {
            customer_id: CustomerId(1),
            state,
            method: Method::SoftwareToken,
            service_id: "10010001".to_owned(),
            user_id: "12345678901".to_owned(),
            mail_address: Some("taro@docomo.ne.jp".to_owned()),
            pending_until,
            secret_ciphertext: None,
            secret_nonce: None,
            secret_key_id: "1".into(),
            algorithm: "SHA1".to_owned(),
            digits: 6,
            period: 30,
            last_step: None,
            failed_otp: 0,
        }
    }

    #[test]
    fn pending_tokens_lapse_at_their_limit_and_voided_ones_count_as_none() {
        assert_eq!(row(TokenState::Issued, 100).effective_state(99), OtpState::Issued);
        assert_eq!(row(TokenState::Issued, 100).effective_state(100), OtpState::NotIssued);
        assert_eq!(row(TokenState::Provisioned, 100).effective_state(100), OtpState::NotIssued);
        assert_eq!(row(TokenState::Active, 100).effective_state(1_000), OtpState::Active);
        assert_eq!(row(TokenState::Suspended, 100).effective_state(1_000), OtpState::Suspended);
        assert_eq!(row(TokenState::Voided, 100).effective_state(0), OtpState::NotIssued);
        assert_eq!(row(TokenState::Voided, 100).status(0), OtpStatus::not_issued());
        assert_eq!(row(TokenState::Active, 100).status(1_000).pending_until, None);
        assert_eq!(row(TokenState::Issued, 100).status(0).user_id.as_deref(), Some("12345678901"));
    }

    /// What the statements count as in use (a password-only session refused, never
    /// overwritten) is exactly what the customer has as active or stopped, at any time.
    #[test]
    fn in_use_is_what_the_customer_has_as_active_or_stopped() {
        let every = [
            TokenState::Issued,
            TokenState::Provisioned,
            TokenState::Active,
            TokenState::Suspended,
            TokenState::Voided,
        ];
        for stored in every {
            for now in [0, 100, 1_000] {
                let held = matches!(effective_state(stored, 100, now), OtpState::Active | OtpState::Suspended);
                assert_eq!(TokenState::IN_USE.contains(&stored), held, "{stored:?} at {now}");
            }
        }
    }
}
