//! 凍結: while the bank has frozen a customer, no request of theirs that changes anything goes
//! through — no money leaves, no credential changes — whatever the endpoint, so a new one
//! cannot forget the rule. Reading (balances, 明細, 振込照会), logging in and out and ending
//! sessions go on.

use std::sync::Arc;

use axum::extract::{OriginalUri, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use netbank_api::ErrorReason;
use sqlx::AnyPool;

use crate::config::Policy;
use crate::error::ApiError;
use crate::identity::session;
use crate::store::sessions;

/// What the layer uses.
#[derive(Clone)]
pub struct FreezeGuard {
    pub db: AnyPool,
    pub policy: Arc<Policy>,
}

/// Paths a frozen customer may still POST to: logging in and out, and ending their sessions.
pub fn exempt(path: &str) -> bool {
    matches!(
        path,
        "/api/login" | "/api/login/otp" | "/api/logout" | "/api/passkeys/login" | "/api/passkeys/login/options"
    ) || path.starts_with("/api/sessions/")
        || path.starts_with("/api/registration")
}

pub async fn refuse_changes(State(guard): State<FreezeGuard>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let path = match request.extensions().get::<OriginalUri>() {
        Some(original) => original.path().to_owned(),
        None => request.uri().path().to_owned(),
    };
    if exempt(&path) {
        return next.run(request).await;
    }
    let Some(token) = session::presented_token(request.headers(), &guard.policy) else {
        return next.run(request).await;
    };
    match sessions::owner_is_frozen(&guard.db, &session::token_hash(&token)).await {
        Ok(false) => next.run(request).await,
        Ok(true) => ApiError::new(ErrorReason::AccountFrozen).into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_logging_in_and_out_and_ending_sessions_are_exempt() {
        for path in ["/api/login", "/api/logout", "/api/sessions/logout-others", "/api/sessions/ab12/logout"] {
            assert!(exempt(path), "{path}");
        }
        for path in ["/api/transfers", "/api/transfers/quote", "/api/password", "/api/passkeys", "/api/otp/issue"] {
            assert!(!exempt(path), "{path}");
        }
    }
}
