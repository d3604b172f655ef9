//! What handlers reach, built once by `startup` and cloned into each request. This module
//! names only leaves (the clock, the configuration, the stores' shapes, the per-client
//! windows, the OTP key box, the relying party): the domains import it, and nothing it
//! imports imports them (`import_arrows`).

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::AnyPool;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::config::{Mode, Policy};
use crate::http::rate_limiter::RateLimiter;
use crate::mail::sender::Heartbeat;
use crate::otp::secret_box::SecretBox;
use crate::passkey::RelyingParty;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: AnyPool,
    pub clock: Clock,
    pub policy: Arc<Policy>,
    /// Verified against when a login ID is unknown (equal timing).
    pub dummy_hash: Arc<str>,
    pub limiter: Arc<RateLimiter>,
    /// Bounds the audit records that refusals of anonymous requests write per client (a
    /// flood must not write the log as fast as it sends).
    pub audit_quota: Arc<RateLimiter>,
    /// Encrypts and opens OTP secrets.
    pub secrets: Arc<SecretBox>,
    /// Wakes the mail sender when a transaction has put mail in the outbox.
    pub mail_wakeup: Arc<Notify>,
    /// Whether the mail sender is alive (`/api/ready`).
    pub mail_heartbeat: Arc<Heartbeat>,
    pub deployment: Arc<Deployment>,
    /// The bank as WebAuthn sees it (passkeys).
    pub relying_party: Arc<RelyingParty>,
}

/// Facts about this installation that handlers print or link to.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub mode: Mode,
    pub service_id: String,
    /// The issuance mail's link to the token app.
    pub token_app_url: String,
}

impl FromRef<AppState> for AnyPool {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

impl FromRef<AppState> for Arc<Policy> {
    fn from_ref(state: &AppState) -> Self {
        state.policy.clone()
    }
}
