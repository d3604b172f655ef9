//! State-changing API requests must carry the SPA's header. A page on another site cannot
//! send a custom header without a CORS preflight, which this server never grants, so the
//! header proves the request came from our own scripts; a foreign `Origin` or
//! `Sec-Fetch-Site` is refused as well. SameSite=Strict cookies are the second wall.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use netbank_api::ErrorReason;

use crate::audit::{self, AuditEvent};
use crate::error::ApiError;
use crate::startup::AppState;

pub use netbank_api::CSRF_HEADER;

pub async fn require_proof(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) || is_same_origin_spa(&request) {
        return next.run(request).await;
    }
    // A refusal here is either a bug in our SPA or someone else's page trying: worth a record.
    let event = AuditEvent {
        customer_id: None,
        event: "csrf_rejected",
        client_addr: client_ip(&request),
        result: "refused",
        detail: Some(format!("{} {}", request.method(), request.uri().path())),
    };
    if let Err(error) = audit::record(&state.db, state.clock.now(), event).await {
        return ApiError::internal(error).into_response();
    }
    ApiError::new(ErrorReason::CsrfRejected).into_response()
}

/// The peer's address, for records made before a handler's extractors run.
pub(crate) fn client_ip(request: &Request) -> Option<String> {
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip().to_string())
}

fn is_same_origin_spa(request: &Request) -> bool {
    let headers = request.headers();
    if headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) != Some("1") {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return false;
        }
    }
    match (headers.get(ORIGIN), headers.get(HOST)) {
        (None, _) => true,
        (Some(origin), Some(host)) => {
            let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else { return false };
            origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host)
        }
        (Some(_), None) => false,
    }
}
