//! The branch's staff console: its own people (`people`), their passkey login and sessions on
//! the staff listener (`auth`), what a 窓口 looks up (`lookup`), proposals and the 役席's
//! decision (`proposals`: the action happens in the approval's transaction), and the audit
//! search (`audit_search`). `routes` builds the listener's router; nothing of the customer
//! API is served there, nothing of this on the customer's listener.

pub mod audit_search;
pub mod auth;
pub mod lookup;
pub mod people;
pub mod proposals;
pub mod routes;

use std::sync::Arc;

use axum::extract::FromRef;
use netbank_api::staff::Role;
use netbank_api::{ErrorBody, ErrorReason};

use crate::error::ApiError;
use crate::passkey::RelyingParty;
use crate::state::AppState;

/// The console's idle limit: a branch terminal left alone logs out.
pub const IDLE_SECONDS: i64 = 15 * 60;
/// However busy, a console session ends after a working day.
pub const ABSOLUTE_SECONDS: i64 = 10 * 3600;
/// How long `staff create`'s enrolment code may be used.
pub const ENROLMENT_SECONDS: i64 = 24 * 3600;

/// What the staff listener's handlers reach: the bank's state and the console's own
/// relying party (its own origin, so a customer page can never ask for a staff passkey).
#[derive(Clone)]
pub struct StaffState {
    pub app: AppState,
    pub party: Arc<RelyingParty>,
    /// 窓口入金 above this many yen needs a 役席's approval.
    pub deposit_approval_above: i64,
}

impl FromRef<StaffState> for sqlx::AnyPool {
    fn from_ref(state: &StaffState) -> Self {
        state.app.db.clone()
    }
}

/// Why the console refused.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("needs the role {0:?}")]
    NotPermitted(Role),
    #[error("the proposer cannot decide their own proposal")]
    OwnProposal,
    #[error("the proposal is decided or expired")]
    ProposalClosed,
    #[error("not applicable: {0}")]
    NotApplicable(String),
    #[error("not found")]
    NotFound,
    #[error("invalid input in {field}")]
    Invalid { field: &'static str, message: &'static str },
    #[error("enrolment code unknown, used or expired")]
    EnrolmentRefused,
    #[error(transparent)]
    Passkey(#[from] crate::passkey::PasskeyError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

crate::error::store_errors_are_unexpected!(StaffError);

impl From<netbank_api::input::InputError> for StaffError {
    fn from(error: netbank_api::input::InputError) -> Self {
        Self::Invalid { field: error.field, message: error.message }
    }
}

impl From<StaffError> for ApiError {
    fn from(error: StaffError) -> Self {
        match error {
            StaffError::Unauthenticated => ApiError::new(ErrorReason::Unauthenticated),
            StaffError::NotPermitted(role) => ErrorBody::new(ErrorReason::NotPermitted)
                .with_message(format!("この操作は{}の権限が必要です。", role.label()))
                .into(),
            StaffError::OwnProposal => ApiError::new(ErrorReason::OwnProposal),
            StaffError::ProposalClosed => ApiError::new(ErrorReason::ProposalClosed),
            StaffError::NotApplicable(why) => ErrorBody::new(ErrorReason::ProposalNotApplicable)
                .with_message(format!("{}（{why}）", ErrorReason::ProposalNotApplicable.default_message()))
                .into(),
            StaffError::NotFound => ApiError::new(ErrorReason::NotFound),
            StaffError::Invalid { field, message } => {
                ErrorBody::new(ErrorReason::InvalidInput).with_message(message).for_field(field).into()
            }
            StaffError::EnrolmentRefused => ErrorBody::new(ErrorReason::InvalidCredentials)
                .with_message(
                    "登録コードが正しくないか、使用済み・有効期限切れです。管理者に再発行を依頼してください。",
                )
                .into(),
            StaffError::Passkey(error) => error.into(),
            StaffError::Unexpected(error) => error.into(),
        }
    }
}
