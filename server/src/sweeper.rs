//! Housekeeping on a timer, never on a request's path: sessions that can no longer be used,
//! ended rate-limit windows and per-customer throttle windows.

use std::time::Duration;

use crate::identity::login_record::DEVICE_MEMORY_SECONDS;
use crate::state::AppState;
use crate::store::{login_history, passkeys, sessions, throttles};
use crate::throttle::LONGEST_WINDOW;

/// How long ログイン履歴 keeps a line (the audit log keeps every login for good).
const LOGIN_HISTORY_SECONDS: i64 = 400 * 86_400;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub throttles: u64,
    /// Passkey challenges nobody answered in time.
    pub ceremonies: u64,
    /// Clients the in-memory limiter still tracks.
    pub clients_tracked: usize,
}

/// One round of sweeping at the state's clock.
pub async fn sweep(state: &AppState) -> sqlx::Result<Swept> {
    let now = state.clock.now();
    let policy = &state.policy;
    let sessions = sessions::sweep(
        &state.db,
        now,
        policy.session_idle_seconds,
        policy.session_absolute_seconds,
        policy.otp.pending_login_seconds,
    )
    .await?;
    let throttles = throttles::sweep(&state.db, now, LONGEST_WINDOW).await?;
    let ceremonies = passkeys::sweep_ceremonies(&state.db, now).await?
        + crate::store::staff::sweep(&state.db, now, crate::staff::IDLE_SECONDS).await?;
    // ログイン履歴 shows a year at most; a device unseen for 90 days is new again anyway.
    login_history::sweep(&state.db, now - LOGIN_HISTORY_SECONDS).await?;
    login_history::forget_devices(&state.db, now - DEVICE_MEMORY_SECONDS).await?;
    let clients_tracked = state.limiter.prune(now);
    state.audit_quota.prune(now);
    Ok(Swept { sessions, throttles, ceremonies, clients_tracked })
}

/// Sweeps every `interval` until the process ends.
pub async fn run(state: AppState, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match sweep(&state).await {
            Ok(swept) => {
                crate::counters::sweep("done");
                tracing::debug!(?swept, "swept")
            }
            Err(error) => {
                crate::counters::sweep("failed");
                tracing::warn!(%error, "sweeping failed; trying again next round")
            }
        }
    }
}
