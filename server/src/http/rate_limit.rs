//! Per-client limits on authentication endpoints: a fixed one-minute window per address,
//! answered with 429 and `Retry-After`. In memory: each server process limits on its own.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use netbank_api::ErrorReason;

use crate::audit::{self, AuditEvent};
use crate::error::ApiError;
use crate::startup::AppState;

const WINDOW_SECONDS: i64 = 60;

#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl RateLimiter {
    /// `Ok` when the request may go ahead, else the seconds until it may and whether this is
    /// the client's first refusal in the window.
    pub fn check(&self, client: IpAddr, now: i64, per_minute: u32) -> Result<(), (i64, bool)> {
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now - *start < WINDOW_SECONDS);
        }
        let (start, count) = windows.entry(client).or_insert((now, 0));
        if now - *start >= WINDOW_SECONDS {
            *start = now;
            *count = 0;
        }
        if *count >= per_minute {
            let first = *count == per_minute;
            *count = count.saturating_add(1);
            return Err(((*start + WINDOW_SECONDS - now).max(1), first));
        }
        *count += 1;
        Ok(())
    }
}

pub async fn limit_auth(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let client = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    if let Some(client) = client {
        let now = state.clock.now();
        if let Err((wait, first)) = state.limiter.check(client, now, state.policy.auth_requests_per_minute) {
            // One record per refused request would let a flood write the log as fast as it
            // sends; the first refusal of each window is recorded.
            if first {
                let event = AuditEvent {
                    customer_id: None,
                    event: "rate_limited",
                    client_addr: Some(client.to_string()),
                    result: "refused",
                    detail: Some(request.uri().path().to_owned()),
                };
                if let Err(error) = audit::record(&state.db, now, event).await {
                    return ApiError::internal(error).into_response();
                }
            }
            let mut response = ApiError::new(ErrorReason::RateLimited).into_response();
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(wait));
            return response;
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_quota_per_window_and_the_time_to_wait() {
        let limiter = RateLimiter::default();
        let client: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(client, 1000, 3).is_ok());
        }
        assert_eq!(limiter.check(client, 1010, 3), Err((50, true)));
        assert_eq!(limiter.check(client, 1011, 3), Err((49, false)));
        assert!(limiter.check(other, 1010, 3).is_ok());
        assert!(limiter.check(client, 1060, 3).is_ok());
    }
}
