//! The logged-in customer: who they are, their accounts, and changing their password.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::Json;
use netbank_api::identity::{Account, AccountKind, ChangePasswordRequest, MeResponse, PasswordChanged};
#[allow(unused_imports)]
use netbank_api::ErrorBody;
use netbank_api::input::{LoginPassword, NewPassword};
use netbank_api::ErrorReason;

use crate::audit::{self, AuditEvent};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::login::count_wrong_password;
use crate::identity::password;
use crate::identity::session::{self, CurrentCustomer, Stage};
use crate::otp::token;
use crate::startup::AppState;

#[derive(sqlx::FromRow)]
struct AccountRow {
    kind: String,
    branch_code: String,
    number: String,
    balance: i64,
}

#[utoipa::path(get, path = "/api/me", tag = "customer",
    responses((status = 200, body = MeResponse),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/me`.
pub async fn me(State(state): State<AppState>, current: CurrentCustomer) -> Result<Json<MeResponse>, ApiError> {
    let (name, login_id): (String, String) = sqlx::query_as(
        "SELECT c.name, k.login_id FROM customers c JOIN credentials k ON k.customer_id = c.id WHERE c.id = ?",
    )
    .bind(current.customer_id)
    .fetch_one(&state.db)
    .await?;
    let rows: Vec<AccountRow> = sqlx::query_as(
        "SELECT kind, branch_code, number, balance FROM accounts WHERE customer_id = ? ORDER BY id",
    )
    .bind(current.customer_id)
    .fetch_all(&state.db)
    .await?;
    let accounts = rows
        .into_iter()
        .map(|row| {
            let kind = AccountKind::from_db(&row.kind)
                .ok_or_else(|| ApiError::internal(format!("unknown account kind {}", row.kind)))?;
            Ok(Account { kind, branch_code: row.branch_code, number: row.number, balance: row.balance })
        })
        .collect::<Result<_, ApiError>>()?;
    let otp_state = token::state_of(&state.db, current.customer_id, state.clock.now()).await?;
    Ok(Json(MeResponse { name, login_id, accounts, otp_state }))
}

#[utoipa::path(post, path = "/api/password", tag = "customer", request_body = ChangePasswordRequest,
    responses((status = 200, description = "sets a new session cookie", body = PasswordChanged),
        (status = 401, description = "unauthenticated, session_expired or wrong_current_password", body = ErrorBody),
        (status = 403, description = "login_locked", body = ErrorBody),
        (status = 422, description = "invalid_input or password_unchanged", body = ErrorBody)))]
/// `POST /api/password`: the current password proves it is the customer; every other session
/// ends and this one gets a new ID. Wrong current passwords count toward the lockout.
pub async fn change_password(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let old = LoginPassword::parse(&request.current_password)
        .map_err(|e| netbank_api::input::InputError { field: "current_password", ..e })?;
    let new = NewPassword::parse(&request.new_password)?;
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM credentials WHERE customer_id = ?")
        .bind(current.customer_id)
        .fetch_one(&state.db)
        .await?;
    let now = state.clock.now();
    let event = |result, detail: &str| AuditEvent {
        customer_id: Some(current.customer_id),
        event: "password_change",
        client_addr: client.ip_string(),
        result,
        detail: Some(detail.to_owned()),
    };
    if !password::verify(old.expose().to_owned(), stored).await? {
        let locked = count_wrong_password(&state, current.customer_id, now).await?;
        audit::record(&state.db, now, event("refused", "wrong_current_password")).await?;
        if locked {
            session::delete_all_for(&state.db, current.customer_id).await?;
            return Err(ApiError::new(ErrorReason::LoginLocked));
        }
        return Err(ApiError::new(ErrorReason::WrongCurrentPassword));
    }
    if old.expose() == new.expose() {
        return Err(ApiError::new(ErrorReason::PasswordUnchanged));
    }
    let hash = password::hash(new.expose().to_owned()).await?;

    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE credentials SET password_hash = ?, failed_attempts = 0, updated_at = ? WHERE customer_id = ?")
        .bind(&hash)
        .bind(now)
        .bind(current.customer_id)
        .execute(&mut *tx)
        .await?;
    session::delete_all_for(&mut *tx, current.customer_id).await?;
    let token = session::create(&mut *tx, current.customer_id, Stage::Full, now).await?;
    audit::record(&mut *tx, now, event("success", "changed")).await?;
    tx.commit().await?;
    let mut headers = HeaderMap::new();
    session::set_cookie(&mut headers, token.cookie(&state.policy));
    Ok((headers, Json(PasswordChanged { changed: true })))
}
