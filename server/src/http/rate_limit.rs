//! The limit on endpoints that check a secret, hash a password or send mail: each client's
//! requests per minute (`--auth-requests-per-minute`), counted in [`RateLimiter`] windows.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use netbank_api::ErrorReason;
use sqlx::AnyPool;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::clock::Clock;
use crate::error::ApiError;
use crate::http::client_addr::ClientIp;
use crate::http::rate_limiter::RateLimiter;

/// What the layer uses.
#[derive(Clone)]
pub struct AuthLimit {
    pub windows: Arc<RateLimiter>,
    pub per_minute: u32,
    pub clock: Clock,
    /// For the record of a client's first refusal in a window.
    pub db: AnyPool,
}

pub async fn limit_auth(State(state): State<AuthLimit>, request: Request, next: Next) -> Response {
    let client = request.extensions().get::<ClientIp>().map(|ip| ip.0);
    if let Some(client) = client {
        let now = state.clock.now();
        if let Err((wait, first)) = state.windows.check(client, now, state.per_minute) {
            // One record per refused request would let a flood write the log as fast as it
            // sends; the first refusal of each window is recorded.
            if first {
                let event = AuditEvent {
                    customer_id: None,
                    event: AuditAction::RateLimited,
                    client_addr: Some(client.to_string()),
                    result: Outcome::Refused,
                    detail: Some(request.uri().path().to_owned()),
                };
                if let Err(error) = audit::record(&state.db, now, event).await {
                    return ApiError::internal(error).into_response();
                }
            }
            return ApiError::new(ErrorReason::RateLimited).retry_after(wait).into_response();
        }
    }
    next.run(request).await
}
