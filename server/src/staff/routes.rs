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
use crate::http::csrf;
use crate::http::security_headers::{self, SecurityHeaders};
use crate::staff::{audit_search, auth, lookup, proposals, StaffState};

pub fn router(state: StaffState, dist: Option<&Path>) -> anyhow::Result<Router> {
    let guard = csrf::CsrfGuard {
        db: state.app.db.clone(),
        clock: state.app.clock.clone(),
        audit_quota: state.app.audit_quota.clone(),
    };
    let tls = state.app.policy.tls;
    let api = Router::new()
        .route("/me", get(auth::me))
        .route("/login/options", post(auth::login_options))
        .route("/login", post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/enrolment/options", post(auth::enrolment_options))
        .route("/enrolment", post(auth::enrol))
        .route("/customers", get(lookup::search))
        .route("/customers/{id}", get(lookup::customer))
        .route("/customers/{id}/deposits", post(proposals::deposit))
        .route("/proposals", get(proposals::queue).post(proposals::propose))
        .route("/proposals/{id}/approve", post(proposals::approve))
        .route("/proposals/{id}/reject", post(proposals::reject))
        .route("/holds", get(lookup::held_transfers))
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
        .merge(site)
        .layer(middleware::from_fn_with_state(headers, security_headers::apply)))
}
