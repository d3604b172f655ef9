//! State-changing API requests must carry the SPA's header. A page on another site cannot
//! send a custom header without a CORS preflight, which this server never grants, so the
//! header proves the request came from our own scripts; a foreign `Origin` or
//! `Sec-Fetch-Site` is refused as well. SameSite=Strict cookies are the second wall.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use netbank_api::ErrorReason;
use sqlx::AnyPool;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::clock::Clock;
use crate::error::ApiError;
use crate::http::client_addr::ClientIp;
use crate::http::rate_limiter::RateLimiter;

pub use netbank_api::CSRF_HEADER;

/// What the layer uses: refusals are recorded, a few per client and minute.
#[derive(Clone)]
pub struct CsrfGuard {
    pub db: AnyPool,
    pub clock: Clock,
    pub audit_quota: Arc<RateLimiter>,
}

pub async fn require_proof(State(state): State<CsrfGuard>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) || is_same_origin_spa(&request) {
        return next.run(request).await;
    }
    // A refusal here is either a bug in our SPA or someone else's page trying: worth a
    // record, up to a few per client and minute.
    let now = state.clock.now();
    let peer = request.extensions().get::<ClientIp>().map(|client| client.0);
    if peer.is_none_or(|ip| state.audit_quota.check(ip, now, AUDITED_REFUSALS_PER_MINUTE).is_ok()) {
        let event = AuditEvent {
            customer_id: None,
            event: AuditAction::CsrfRejected,
            client_addr: peer.map(|ip| ip.to_string()),
            result: Outcome::Refused,
            detail: Some(format!("{} {}", request.method(), request.uri().path())),
        };
        if let Err(error) = audit::record(&state.db, now, event).await {
            return ApiError::internal(error).into_response();
        }
    }
    ApiError::new(ErrorReason::CsrfRejected).into_response()
}

/// CSRF refusals recorded per client address and minute; the rest are only answered.
const AUDITED_REFUSALS_PER_MINUTE: u32 = 10;

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
