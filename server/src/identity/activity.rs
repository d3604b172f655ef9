//! ログイン履歴 and ログイン中の端末: the customer's own logins, and their live sessions with a
//! way to end the ones they do not recognise. A session is named to the customer by the first
//! eight bytes of its stored hash: that names it without being it (the cookie's value never
//! leaves the cookie), and only the customer's own sessions are listed or ended.

use axum::extract::{Path, State};
use axum::Json;
use netbank_api::logins::{LiveSession, LiveSessions, LoginEntry, LoginHistory, LoginMethod, SessionsEnded};
use netbank_api::{ErrorBody, ErrorReason};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::calendar::jst_datetime;
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::identity::session::{self, CurrentCustomer};
use crate::state::AppState;
use crate::store::login_history::{self, Method};
use crate::store::sessions;

/// Entries ログイン履歴 shows.
const SHOWN: i64 = 20;

fn method(stored: Method) -> LoginMethod {
    match stored {
        Method::Password => LoginMethod::Password,
        Method::PasswordOtp => LoginMethod::PasswordOtp,
        Method::Passkey => LoginMethod::Passkey,
    }
}

#[utoipa::path(get, path = "/logins", tag = "customer",
    responses((status = 200, description = "ログイン履歴: the newest 20 logins and refused attempts", body = LoginHistory),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/logins`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn logins(State(state): State<AppState>, current: CurrentCustomer) -> Result<Json<LoginHistory>, ApiError> {
    let me = current.customer_id;
    let rows = login_history::recent(&state.db, me, SHOWN).await?;
    let failed = login_history::failures_since_previous_success(&state.db, me).await?;
    Ok(Json(LoginHistory {
        entries: rows
            .into_iter()
            .map(|row| LoginEntry {
                at: jst_datetime(row.occurred_at),
                method: method(row.method),
                succeeded: row.succeeded != 0,
                environment: row.environment,
            })
            .collect(),
        failed_since_previous_login: u32::try_from(failed).unwrap_or(u32::MAX),
    }))
}

/// The customer's complete sessions that a request could still use.
async fn live(state: &AppState, current: &CurrentCustomer) -> sqlx::Result<Vec<sessions::LiveRow>> {
    let policy = &state.policy;
    let now = state.clock.now();
    sessions::live_of(&state.db, current.customer_id, now, policy.session_idle_seconds, policy.session_absolute_seconds)
        .await
}

fn public_id(id_hash: &[u8]) -> String {
    id_hash.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[utoipa::path(get, path = "/sessions", tag = "customer",
    responses((status = 200, description = "ログイン中の端末, this one first", body = LiveSessions),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/sessions`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn list(State(state): State<AppState>, current: CurrentCustomer) -> Result<Json<LiveSessions>, ApiError> {
    let rows = live(&state, &current).await?;
    let mine = session::token_hash(&current.token);
    let mut listed: Vec<LiveSession> = rows
        .into_iter()
        .map(|row| LiveSession {
            id: public_id(&row.id_hash),
            environment: if row.environment.is_empty() { "不明な環境".to_owned() } else { row.environment },
            login_at: jst_datetime(row.login_at),
            last_used_at: jst_datetime(row.last_seen_at),
            current: row.id_hash == mine,
        })
        .collect();
    listed.sort_by_key(|session| !session.current);
    Ok(Json(LiveSessions { sessions: listed }))
}

async fn audit_ended(
    state: &AppState,
    current: &CurrentCustomer,
    client: &ClientAddr,
    event: AuditAction,
    ended: u64,
) -> sqlx::Result<()> {
    let event = AuditEvent {
        customer_id: Some(current.customer_id),
        event,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some(format!("ended={ended}")),
    };
    audit::record(&state.db, state.clock.now(), event).await
}

#[utoipa::path(post, path = "/sessions/{id}/logout", tag = "customer",
    params(("id" = String, Path, description = "a session's id from GET /api/sessions")),
    responses((status = 200, description = "the session has ended", body = SessionsEnded),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 404, description = "not_found: no such session of this customer's (or this one: use /api/logout)", body = ErrorBody)))]
/// `POST /api/sessions/{id}/logout`: ends one of the customer's other sessions.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn logout_one(
    State(state): State<AppState>,
    current: CurrentCustomer,
    client: ClientAddr,
    Path(id): Path<String>,
) -> Result<Json<SessionsEnded>, ApiError> {
    let mine = session::token_hash(&current.token);
    let rows = live(&state, &current).await?;
    let target = rows.into_iter().find(|row| row.id_hash != mine && public_id(&row.id_hash) == id);
    let Some(target) = target else { return Err(ApiError::new(ErrorReason::NotFound)) };
    let ended = sessions::delete_of(&state.db, current.customer_id, &target.id_hash).await?;
    audit_ended(&state, &current, &client, AuditAction::SessionLogout, u64::from(ended)).await?;
    Ok(Json(SessionsEnded { ended: u32::from(ended) }))
}

#[utoipa::path(post, path = "/sessions/logout-others", tag = "customer",
    responses((status = 200, description = "every other session of the customer has ended", body = SessionsEnded),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `POST /api/sessions/logout-others`: 「この端末以外をすべてログアウト」.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn logout_others(
    State(state): State<AppState>,
    current: CurrentCustomer,
    client: ClientAddr,
) -> Result<Json<SessionsEnded>, ApiError> {
    let ended = sessions::delete_others(&state.db, current.customer_id, &session::token_hash(&current.token)).await?;
    audit_ended(&state, &current, &client, AuditAction::SessionLogoutOthers, ended).await?;
    Ok(Json(SessionsEnded { ended: u32::try_from(ended).unwrap_or(u32::MAX) }))
}
