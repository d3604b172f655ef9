//! The JSON API under `/api`.

pub(crate) mod health;
pub mod openapi;

use axum::extract::DefaultBodyLimit;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::routing::{delete, get, post};
use axum::{middleware, Router};
use netbank_api::ErrorReason;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::Mode;
use crate::error::ApiError;
use crate::http::{csrf, rate_limit, session_cookie};
use crate::identity::{account, login, registration};
use crate::startup::AppState;
use crate::{banking, enrolment, mail, otp, passkey};

/// No API body is anywhere near this; a larger one is refused before it is read.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

pub fn api_router(state: AppState) -> Router {
    // Endpoints that check a secret, hash a password or send mail: limited per client
    // address (and, in their domain code, per customer).
    let authentication = Router::new()
        .route("/password", post(account::change_password))
        .route("/notice-address", post(account::change_notice_address))
        .route("/otp/issue", post(otp::issue::issue))
        .route("/login", post(login::login))
        .route("/registration/verify", post(registration::verify))
        .route("/registration", post(registration::register))
        .route("/login/otp", post(otp::login::login_otp))
        .route("/token/provision", post(otp::provision::provision))
        .route("/otp/activate", post(otp::activate::activate))
        .route("/otp/deactivate", post(otp::deactivate::deactivate))
        .route("/payees/lookup", post(banking::payees::lookup))
        .route("/passkeys/login/options", post(passkey::login::options))
        .route("/passkeys/login", post(passkey::login::login))
        .route("/passkeys/registration/options", post(passkey::register::options))
        .route("/passkeys", post(passkey::register::register))
        .route("/passkeys/{id}/removal/options", post(passkey::approval::removal_challenge))
        .route("/passkeys/{id}/removal", post(passkey::manage::remove))
        .route("/transfers/approval", post(passkey::approval::transfer_challenge))
        .route("/enrolment/mail-code", post(enrolment::mail_code::send))
        .route("/enrolment/approval", post(enrolment::approval_challenge))
        .route_layer(middleware::from_fn_with_state(state.clone(), rate_limit::limit_auth));
    let router = Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/openapi.json", get(openapi::document))
        .route("/logout", post(login::logout))
        .route("/me", get(account::me))
        .route("/enrolment", get(enrolment::status))
        .route("/otp", get(otp::status::status))
        .route("/accounts/{account}/statement", get(banking::statement::show))
        .route("/accounts/{account}/statement/csv", get(banking::statement::download))
        .route("/transfers/quote", post(banking::transfer::quote))
        .route("/transfers", post(banking::transfer::execute))
        .route("/payees", get(banking::payees::list))
        .route("/payees/{id}", delete(banking::payees::delete))
        .route("/passkeys", get(passkey::manage::list))
        .route("/transfer-limit", get(banking::limit::show).post(banking::limit::change))
        .merge(authentication);
    let router = if state.deployment.mode == Mode::Development {
        router.route("/dev/mailbox", get(mail::mailbox::json))
    } else {
        router
    };
    router
        // An unknown API path is a JSON 404, never the SPA's index.html.
        .fallback(|| async { ApiError::new(ErrorReason::NotFound) })
        .layer(middleware::from_fn_with_state(state.clone(), session_cookie::single))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::require_proof))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        // Balances, secrets and QR codes must not stay in a browser's or a proxy's cache;
        // outermost, so refusals made by the layers above carry it too.
        .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .with_state(state)
}
