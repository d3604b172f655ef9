//! The JSON API under `/api`.

mod health;

use axum::routing::get;
use axum::Router;
use netbank_api::ErrorReason;

use crate::error::ApiError;
use crate::startup::AppState;

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        // An unknown API path is a JSON 404, never the SPA's index.html.
        .fallback(|| async { ApiError::new(ErrorReason::NotFound) })
}
