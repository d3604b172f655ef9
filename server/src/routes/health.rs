use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use netbank_api::{DatabaseStatus, HealthResponse, MailSenderStatus, ReadyResponse};

use crate::db;
use crate::identity::password;
use crate::state::AppState;
use crate::store::mail_outbox;

#[utoipa::path(get, path = "/health", tag = "system",
    responses((status = 200, body = HealthResponse), (status = 503, description = "database unavailable", body = HealthResponse)))]
/// 200 when the database answers, 503 (with the same body) when it does not.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<HealthResponse>) {
    let database = if db::ping(&state.db).await { DatabaseStatus::Ok } else { DatabaseStatus::Unavailable };
    let body =
        HealthResponse { version: env!("CARGO_PKG_VERSION").to_owned(), database, server_time: state.clock.now() };
    let status = if body.is_healthy() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body))
}

#[utoipa::path(get, path = "/ready", tag = "system",
    responses((status = 200, body = ReadyResponse), (status = 503, description = "not ready: the database cannot be written or the mail sender stalled", body = ReadyResponse)))]
/// For the proxy's health check: the database takes writes and the mail sender is alive,
/// with the queues an operator watches.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<ReadyResponse>) {
    let database = if db::writable(&state.db).await { DatabaseStatus::Ok } else { DatabaseStatus::Unavailable };
    let mail_sender = state.mail_heartbeat.status();
    // Asked only of a database that answers, within the same second: a proxy's health check
    // must not wait out the pool while the database is away.
    let pending = async { tokio::time::timeout(Duration::from_secs(1), mail_outbox::count_pending(&state.db)).await };
    let mail_pending = match database {
        DatabaseStatus::Ok => pending.await.ok().and_then(Result::ok).unwrap_or(-1),
        DatabaseStatus::Unavailable => -1,
    };
    let ready = database == DatabaseStatus::Ok && mail_sender != MailSenderStatus::Stalled;
    let body = ReadyResponse { ready, database, mail_sender, mail_pending, hash_queue: password::queued() as u32 };
    (if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(body))
}
