//! A request still unanswered after the configured time is answered 503 `busy` with
//! `Retry-After`, and its work is dropped: a transaction in flight rolls back, so nothing is
//! half-written, and a stuck request cannot hold a connection and a task for ever.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use netbank_api::ErrorReason;

use crate::error::ApiError;

pub async fn limit(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%path, seconds = timeout.as_secs_f64(), "request timed out");
            ApiError::new(ErrorReason::Busy).retry_after(1).into_response()
        }
    }
}
