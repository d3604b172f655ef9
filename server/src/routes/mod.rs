//! The JSON API under `/api`.

pub(crate) mod health;
pub mod openapi;

use axum::extract::DefaultBodyLimit;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use std::sync::Arc;

use axum::routing::get;
use axum::{middleware, Extension, Router};
use netbank_api::ErrorReason;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::Mode;
use crate::error::ApiError;
use crate::http::{csrf, frozen, rate_limit, session_cookie};
use crate::identity::{account, activity, login, registration};
use crate::state::AppState;
use crate::{banking, enrolment, mail, otp, passkey};

/// No API body is anywhere near this; a larger one is refused before it is read.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// The API's router, serving its OpenAPI document from the same declarations: each endpoint
/// is named once, in a `routes!` below, and its `#[utoipa::path]` says both where it is
/// served and how it is documented.
pub fn api_router(state: AppState) -> Router {
    // Endpoints that check a secret, hash a password or send mail: limited per client
    // address (and, in their domain code, per customer).
    let authentication = OpenApiRouter::new()
        .routes(routes!(account::change_password))
        .routes(routes!(account::change_notice_address))
        .routes(routes!(otp::issue::issue))
        .routes(routes!(login::login))
        .routes(routes!(registration::verify))
        .routes(routes!(registration::register))
        .routes(routes!(otp::login::login_otp))
        .routes(routes!(otp::provision::provision))
        .routes(routes!(otp::activate::activate))
        .routes(routes!(otp::deactivate::deactivate))
        .routes(routes!(banking::payees::lookup))
        .routes(routes!(passkey::login::options))
        .routes(routes!(passkey::login::login))
        .routes(routes!(passkey::register::options))
        .routes(routes!(passkey::register::register))
        .routes(routes!(passkey::manage::removal_challenge))
        .routes(routes!(passkey::manage::remove))
        .routes(routes!(passkey::approval::transfer_challenge))
        .routes(routes!(passkey::approval::bill_challenge))
        .routes(routes!(passkey::approval::interbank_challenge))
        .routes(routes!(enrolment::mail_code::send))
        .routes(routes!(enrolment::approval_challenge))
        .route_layer(middleware::from_fn_with_state(
            rate_limit::AuthLimit {
                windows: state.limiter.clone(),
                per_minute: state.policy.auth_requests_per_minute,
                clock: state.clock.clone(),
                db: state.db.clone(),
            },
            rate_limit::limit_auth,
        ));
    let rate_limited = openapi::posted_paths(authentication.get_openapi(), "/api");
    let router = OpenApiRouter::new()
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        .routes(routes!(openapi::document))
        .routes(routes!(login::logout))
        .routes(routes!(account::me))
        .routes(routes!(activity::logins))
        .routes(routes!(activity::list))
        .routes(routes!(activity::logout_one))
        .routes(routes!(activity::logout_others))
        .routes(routes!(enrolment::status))
        .routes(routes!(otp::status::status))
        .routes(routes!(banking::statement::show))
        .routes(routes!(banking::statement::download))
        .routes(routes!(banking::transfer::quote))
        .routes(routes!(banking::transfer::execute, banking::history::list))
        .routes(routes!(banking::booking::dates))
        .routes(routes!(banking::booking::cancel))
        .routes(routes!(banking::payees::list))
        .routes(routes!(banking::payeasy::lookup_biller))
        .routes(routes!(banking::payeasy::pay::quote))
        .routes(routes!(banking::payeasy::pay::execute, banking::payeasy::history::list))
        .routes(routes!(banking::payees::delete))
        .routes(routes!(banking::interbank::master::banks))
        .routes(routes!(banking::interbank::master::branches))
        .routes(routes!(banking::interbank::send::quote))
        .routes(routes!(banking::interbank::send::dates))
        .routes(routes!(banking::interbank::send::execute, banking::interbank::cancel::list))
        .routes(routes!(banking::interbank::cancel::cancel))
        .routes(routes!(passkey::manage::list))
        .routes(routes!(banking::limit::show, banking::limit::change))
        .routes(routes!(banking::limit::cancel))
        .routes(routes!(banking::limit::change_per_transfer))
        .merge(authentication);
    // The router is nested under /api by `startup`; the document says the whole path.
    let (router, paths) = router.split_for_parts();
    let document = openapi::with_shared_errors(openapi::ApiDoc::openapi().nest("/api", paths), &rate_limited);
    // Not part of the API: the development mailbox's JSON beside its page.
    let router = match state.deployment.mode {
        Mode::Development => router.route("/dev/mailbox", get(mail::mailbox::json)),
        Mode::Production => router,
    };
    router
        // An unknown API path is a JSON 404, never the SPA's index.html.
        .fallback(|| async { ApiError::new(ErrorReason::NotFound) })
        .layer(Extension(Arc::new(document.clone())))
        .layer(middleware::from_fn_with_state(
            frozen::FreezeGuard { db: state.db.clone(), policy: state.policy.clone() },
            frozen::refuse_changes,
        ))
        .layer(middleware::from_fn_with_state(state.policy.clone(), session_cookie::single))
        .layer(middleware::from_fn_with_state(
            csrf::CsrfGuard {
                db: state.db.clone(),
                clock: state.clock.clone(),
                audit_quota: state.audit_quota.clone(),
            },
            csrf::require_proof,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        // Balances, secrets and QR codes must not stay in a browser's or a proxy's cache;
        // outermost, so refusals made by the layers above carry it too.
        .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .with_state(state)
}
