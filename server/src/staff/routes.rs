//! The staff listener's router: `/staff-api/*` (JSON, `no-store`, the same CSRF proof as the
//! bank's API) and the console's page. Built only when `--staff-addr` is set; the customer
//! listener serves none of it.

use std::path::Path;
use std::sync::Arc;

use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::routing::{get, post};
use axum::{middleware, Router};
use netbank_api::ErrorReason;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;
use crate::http::security_headers::{self, SecurityHeaders};
use crate::http::{csrf, rate_limit};
use crate::staff::{audit_search, auth, lookup, people, proposals, StaffState};

pub fn router(state: StaffState, dist: Option<&Path>) -> anyhow::Result<Router> {
    let guard = csrf::CsrfGuard {
        db: state.app.db.clone(),
        clock: state.app.clock.clone(),
        audit_quota: state.app.audit_quota.clone(),
    };
    let tls = state.app.policy.tls;
    // What anyone may call before signing in is limited per client, as the bank's logins are.
    let limit = rate_limit::AuthLimit {
        windows: state.app.limiter.clone(),
        per_minute: state.app.policy.auth_requests_per_minute,
        clock: state.app.clock.clone(),
        db: state.app.db.clone(),
    };
    let signing_in = Router::new()
        .route("/login/options", post(auth::login_options))
        .route("/login", post(auth::login))
        .route("/enrolment/options", post(auth::enrolment_options))
        .route("/enrolment", post(auth::enrol))
        .route_layer(middleware::from_fn_with_state(limit, rate_limit::limit_auth));
    let api = Router::new()
        .merge(signing_in)
        .route("/me", get(auth::me))
        .route("/logout", post(auth::logout))
        .route("/customers", get(lookup::search))
        .route("/customers/{id}", get(lookup::customer))
        .route("/customers/{id}/deposits", post(proposals::deposit))
        .route("/proposals", get(proposals::queue).post(proposals::propose))
        .route("/proposals/{id}/approve", post(proposals::approve))
        .route("/proposals/{id}/reject", post(proposals::reject))
        .route("/holds", get(lookup::held_transfers))
        .route("/staff", get(people::console::list).post(people::console::create))
        .route("/staff/{id}/code", post(people::console::new_code))
        .route("/staff/{id}/disable", post(people::console::disable))
        .route("/audit", get(audit_search::search))
        .route("/audit.csv", get(audit_search::export))
        .fallback(|| async { ApiError::new(ErrorReason::NotFound) })
        .layer(middleware::from_fn_with_state(guard, csrf::require_proof))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
        .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .with_state(state);
    let (site, pages) = match dist.map(|dist| dist.join("staff.html")).filter(|page| page.is_file()) {
        Some(page) => (crate::spa::staff_router(dist.expect("checked")), vec![std::fs::read_to_string(page)?]),
        None => (
            Router::new().fallback(|| async {
                (axum::http::StatusCode::NOT_FOUND, "The staff console is not built. Start the product with `./x run`.")
            }),
            Vec::new(),
        ),
    };
    let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
    let headers = Arc::new(SecurityHeaders::new(&pages, tls));
    Ok(Router::new()
        .nest("/staff-api", api)
        // The bank's API is never on this listener: a clear 404, not the console's page.
        .route("/api/{*rest}", axum::routing::any(|| async { axum::http::StatusCode::NOT_FOUND }))
        .merge(site)
        .layer(middleware::from_fn_with_state(headers, security_headers::apply)))
}
