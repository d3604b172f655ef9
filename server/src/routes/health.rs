use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use netbank_api::{DatabaseStatus, HealthResponse};

use crate::db;
use crate::startup::AppState;

#[utoipa::path(get, path = "/api/health", tag = "system",
    responses((status = 200, body = HealthResponse), (status = 503, description = "database unavailable", body = HealthResponse)))]
/// 200 when the database answers, 503 (with the same body) when it does not.
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<HealthResponse>) {
    let database =
        if db::ping(&state.db).await { DatabaseStatus::Ok } else { DatabaseStatus::Unavailable };
    let body = HealthResponse { version: env!("CARGO_PKG_VERSION").to_owned(), database, server_time: state.clock.now() };
    let status = if body.is_healthy() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body))
}
