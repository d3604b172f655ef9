use std::time::Duration;

use axum::http::{Request, StatusCode};
use tower_http::classify::ServerErrorsFailureClass;
use tracing::Span;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::EnvFilter;

use crate::http::client_addr::ClientIp;
use crate::http::request_id::RequestId;

/// How log lines look: for a person at a terminal, or one JSON object per line for a log
/// pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Logs to stderr; `RUST_LOG` overrides the default of `info`.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // With a debug filter (`RUST_LOG=info,netbank_server=debug`) each span logs one line when
    // it closes, with its time busy and idle: the domain steps (`#[instrument]`, debug level)
    // take a slow 振込 apart. Not at the default level, where it would add a line to every
    // request (the refusals of a flood included).
    let debugging = std::env::var("RUST_LOG").is_ok_and(|filter| filter.contains("debug") || filter.contains("trace"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_span_events(if debugging { FmtSpan::CLOSE } else { FmtSpan::NONE });
    // A second init (several tests in one process) is harmless.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init(),
    };
}

/// Each request's span: method, path, the request id and the client, so every line logged
/// while answering it can be found from the proxy's access log. Never the query string or
/// headers, which may carry what must not be logged.
pub fn request_span<B>(request: &Request<B>) -> Span {
    let id = request.extensions().get::<RequestId>().and_then(|id| id.0.to_str().ok()).unwrap_or("-");
    let client = request.extensions().get::<ClientIp>().map(|client| client.0.to_string());
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
        client = client.as_deref().unwrap_or("-"),
    )
}

/// A failed response, logged as an error, except 503: under a flood each refused login is a
/// 503 `busy` by design, and a log line per refusal would spend on writing logs the CPU the
/// accepted logins need (`/api/ready` shows the queue instead). Internal errors are logged
/// with their cause where they happen (`ApiError::internal`).
pub fn on_failure(failure: ServerErrorsFailureClass, latency: Duration, _span: &Span) {
    if matches!(failure, ServerErrorsFailureClass::StatusCode(StatusCode::SERVICE_UNAVAILABLE)) {
        return;
    }
    tracing::error!(%failure, latency_ms = latency.as_millis() as u64, "response failed");
}
