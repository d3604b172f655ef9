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

use crate::error::ApiError;
use crate::startup::AppState;

const WINDOW_SECONDS: i64 = 60;

#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl RateLimiter {
    /// `Ok` when the request may go ahead, else the seconds until it may.
    pub fn check(&self, client: IpAddr, now: i64, per_minute: u32) -> Result<(), i64> {
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
            return Err((*start + WINDOW_SECONDS - now).max(1));
        }
        *count += 1;
        Ok(())
    }
}

pub async fn limit_auth(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let client = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    if let Some(client) = client {
        if let Err(wait) = state.limiter.check(client, state.clock.now(), state.policy.auth_requests_per_minute) {
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
        assert_eq!(limiter.check(client, 1010, 3), Err(50));
        assert!(limiter.check(other, 1010, 3).is_ok());
        assert!(limiter.check(client, 1060, 3).is_ok());
    }
}
