//! The login password asked again before a sensitive change (password change, トークン発行,
//! a new notice address): a stolen session alone cannot make one. Wrong answers count toward
//! the lockout like wrong passwords at login.

use netbank_api::input::LoginPassword;
use netbank_api::{ErrorBody, ErrorReason};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::identity::login::{count_wrong_password, LockEffect};
use crate::identity::password;
use crate::identity::session::CurrentCustomer;
use crate::state::AppState;
use crate::store::customers;

/// `Ok` when `given` (the request's `field`) is the customer's login password. A wrong one
/// is counted; the one that locks the login ends every session (this one too) and answers
/// `login_locked`.
pub async fn confirm_password(
    state: &AppState,
    client: &ClientAddr,
    current: &CurrentCustomer,
    given: &LoginPassword,
    field: &'static str,
    event: AuditAction,
) -> Result<(), ReauthError> {
    let stored = customers::password_hash(&state.db, current.customer_id).await?;
    if password::verify(given.expose().to_owned(), stored).await? {
        return Ok(());
    }
    let now = state.clock.now();
    let locked =
        count_wrong_password(state, current.customer_id, client.ip_string(), LockEffect::EndSessions, now).await?;
    let event = AuditEvent {
        customer_id: Some(current.customer_id),
        event,
        client_addr: client.ip_string(),
        result: Outcome::Refused,
        detail: Some(if locked { "wrong_password_locked" } else { "wrong_password" }.to_owned()),
    };
    audit::record(&state.db, now, event).await?;
    Err(if locked { ReauthError::Locked } else { ReauthError::Wrong { field } })
}

/// Why the password asked again was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReauthError {
    /// Not the login password; `field` is the request's name for it.
    #[error("wrong password in {field}")]
    Wrong { field: &'static str },
    /// It was the guess that locked the login: every session has ended.
    #[error("login locked")]
    Locked,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

crate::error::store_errors_are_unexpected!(ReauthError);

impl From<ReauthError> for ApiError {
    fn from(error: ReauthError) -> Self {
        match error {
            ReauthError::Wrong { field } => ErrorBody::new(ErrorReason::WrongCurrentPassword).for_field(field).into(),
            ReauthError::Locked => ApiError::new(ErrorReason::LoginLocked),
            ReauthError::Unexpected(error) => error.into(),
        }
    }
}
