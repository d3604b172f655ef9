//! Passkeys (WebAuthn): a credential bound to the bank's domain, so a phishing site
//! can neither relay nor replay it. One file per use: `register` (BPK002), `login` (BLI001's
//! passkey path), `manage` (BPK001's list and removal, the operator's removal) and `approval`
//! (a 振込 or a removal approved with a passkey); `ceremony` is what they share: the relying
//! party, challenges kept server-side and taken once, and verifying an answer.

pub mod approval;
pub mod ceremony;
pub mod login;
pub mod manage;
pub mod register;

use netbank_api::{ErrorBody, ErrorReason};

use sqlx::{Any, Transaction};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::ids::CustomerId;

pub use ceremony::RelyingParty;

/// Why a passkey step was refused; nothing changed but the challenge, which is spent.
#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    /// No such challenge: used already, never handed out, or someone else's.
    #[error("unknown or spent ceremony")]
    UnknownCeremony,
    #[error("ceremony expired")]
    Expired,
    /// The browser's answer is not a WebAuthn credential.
    #[error("malformed credential")]
    Malformed,
    /// Verification failed; the reason is for the audit log, never for the client.
    #[error("refused: {0}")]
    Refused(String),
    /// The counter did not move forward: possibly a cloned authenticator.
    #[error("possible clone")]
    CloneSuspected,
    /// An approval presented for something other than what it approved.
    #[error("approval is for something else")]
    NotForThis,
    #[error("credential already registered")]
    AlreadyRegistered,
    /// The customer has as many passkeys as one may have.
    #[error("too many passkeys")]
    TooMany,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for PasskeyError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(error.into())
    }
}

impl PasskeyError {
    /// The audit log's word for a refusal.
    pub fn detail(&self) -> String {
        match self {
            Self::UnknownCeremony => "unknown_ceremony".to_owned(),
            Self::Expired => "expired_ceremony".to_owned(),
            Self::Malformed => "malformed_credential".to_owned(),
            Self::Refused(why) => why.clone(),
            Self::CloneSuspected => "counter_not_increased".to_owned(),
            Self::NotForThis => "binding_mismatch".to_owned(),
            Self::AlreadyRegistered => "already_registered".to_owned(),
            Self::TooMany => "too_many_passkeys".to_owned(),
            Self::Unexpected(_) => "error".to_owned(),
        }
    }
}

impl From<PasskeyError> for ApiError {
    fn from(error: PasskeyError) -> Self {
        match error {
            PasskeyError::UnknownCeremony
            | PasskeyError::Refused(_)
            | PasskeyError::CloneSuspected
            | PasskeyError::NotForThis => ApiError::new(ErrorReason::PasskeyRefused),
            PasskeyError::Expired => ApiError::new(ErrorReason::PasskeyChallengeExpired),
            PasskeyError::Malformed => ErrorBody::new(ErrorReason::InvalidInput)
                .with_message("パスキーの応答を読み取れませんでした。もう一度お試しください。")
                .for_field("credential")
                .into(),
            PasskeyError::AlreadyRegistered => ApiError::new(ErrorReason::PasskeyAlreadyRegistered),
            PasskeyError::TooMany => ErrorBody::new(ErrorReason::InvalidInput)
                .with_message("登録できるパスキーは10件までです。不要なパスキーを削除してから登録してください。")
                .into(),
            PasskeyError::Unexpected(error) => error.into(),
        }
    }
}

/// A refused answer still spends its challenge: the transaction that took it commits, with
/// the refusal's audit record (and a clone warning of its own when the counter went back).
pub(crate) async fn refuse(
    mut tx: Transaction<'static, Any>,
    client: &ClientAddr,
    customer_id: Option<CustomerId>,
    event: AuditAction,
    error: PasskeyError,
    now: i64,
) -> PasskeyError {
    let record = async {
        if matches!(error, PasskeyError::CloneSuspected) {
            let warning = AuditEvent {
                customer_id,
                event: AuditAction::PasskeyCloneWarning,
                client_addr: client.ip_string(),
                result: Outcome::Refused,
                detail: Some("the authenticator's counter did not increase: a copy of the key may exist".to_owned()),
            };
            audit::record(&mut *tx, now, warning).await?;
        }
        let refusal = AuditEvent {
            customer_id,
            event,
            client_addr: client.ip_string(),
            result: Outcome::Refused,
            detail: Some(error.detail()),
        };
        audit::record(&mut *tx, now, refusal).await?;
        tx.commit().await
    };
    match record.await {
        Ok(()) => error,
        Err(failure) => failure.into(),
    }
}
