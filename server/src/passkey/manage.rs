//! BPK001 パスキー一覧 and BPK004 削除: the customer's passkeys with their dates; removing
//! one takes a passkey's approval or the current one-time password. The operator removes them
//! all for a lost device. Every removal is mailed and ends the customer's other sessions.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::Json;
use netbank_api::input::{InputError, OtpCode};
use netbank_api::otp::Procedure;
use netbank_api::passkey::{PasskeyChallenge, PasskeyList, PasskeyRemovalRequest, PasskeySummary};
use netbank_api::{ErrorBody, ErrorReason};
use sqlx::AnyPool;

use crate::audit::{self, Actor, AuditAction, AuditEvent, Outcome};
use crate::calendar::jst_datetime;
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::{self, CurrentCustomer, Revocation};
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::otp::verify;
use crate::passkey::approval::{self, Binding};
use crate::passkey::register;
use crate::state::AppState;
use crate::store::passkeys;

/// The id in the path if it is one of the customer's passkeys; anything else is not found.
pub async fn own_passkey(state: &AppState, customer_id: CustomerId, raw: &str) -> Result<i64, ApiError> {
    let Ok(id) = raw.parse::<i64>() else { return Err(ApiError::new(ErrorReason::NotFound)) };
    let mine = passkeys::list(&state.db, customer_id).await?.iter().any(|row| row.id == id);
    if mine {
        Ok(id)
    } else {
        Err(ApiError::new(ErrorReason::NotFound))
    }
}

#[utoipa::path(get, path = "/passkeys", tag = "passkeys",
    responses((status = 200, description = "BPK001", body = PasskeyList),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/passkeys`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn list(State(state): State<AppState>, current: CurrentCustomer) -> Result<Json<PasskeyList>, ApiError> {
    Ok(Json(list_of(&state, &current).await?))
}

/// BPK001's content for the session's customer.
async fn list_of(state: &AppState, current: &CurrentCustomer) -> sqlx::Result<PasskeyList> {
    let passkeys = passkeys::list(&state.db, current.customer_id)
        .await?
        .into_iter()
        .map(|row| PasskeySummary {
            id: row.id,
            name: row.name,
            created_at: jst_datetime(row.created_at),
            last_used_at: row.last_used_at.map(jst_datetime),
            synced: row.backed_up != 0,
        })
        .collect();
    Ok(PasskeyList {
        passkeys,
        registration_needs_password: register::needs_password(current),
        required_for: state.policy.phishing_resistant,
    })
}

#[utoipa::path(post, path = "/passkeys/{id}/removal", tag = "passkeys", request_body = PasskeyRemovalRequest,
    params(("id" = i64, Path, description = "the passkey")),
    responses((status = 200, description = "removed; a new session cookie (every other session ends), a notice mail", body = PasskeyList),
        (status = 401, description = "unauthenticated, session_expired, invalid_otp, passkey_refused or passkey_challenge_expired", body = ErrorBody),
        (status = 403, description = "otp_suspended", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "otp_already_used", body = ErrorBody),
        (status = 422, description = "invalid_input: neither a code nor an approval", body = ErrorBody)))]
/// `POST /api/passkeys/{id}/removal`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn remove(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<PasskeyRemovalRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let me = current.customer_id;
    let id = own_passkey(&state, me, &id).await?;
    let (mut tx, how) = match (&request.passkey, &request.otp) {
        (Some(answer), _) => {
            let (tx, _) =
                approval::accept(&state, &client, me, answer, &Binding::removal(id), AuditAction::PasskeyRemove)
                    .await?;
            (tx, "passkey")
        }
        (None, Some(code)) => {
            let code = OtpCode::parse(code)?;
            (verify::accept(&state, me, Procedure::Confirm, &code, AuditAction::PasskeyRemove, &client).await?, "otp")
        }
        (None, None) => {
            let missing = InputError {
                field: "otp",
                message: "ワンタイムパスワードを入力するか、パスキーで承認してください。",
            };
            return Err(missing.into());
        }
    };
    let now = state.clock.now();
    // A parallel removal may have taken it meanwhile.
    let Some(_label) = passkeys::delete(&mut *tx, me, id).await? else {
        return Err(ApiError::new(ErrorReason::NotFound));
    };
    notice::send(&mut tx, me, &Notice::PasskeyRemoved { by_bank: false }, now).await?;
    let event = AuditEvent {
        customer_id: Some(me),
        event: AuditAction::PasskeyRemove,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some(format!("passkey={id} proof={how}")),
    };
    audit::record(&mut *tx, now, event).await?;
    // A removed passkey may be on a lost device that is logged in.
    let token =
        session::reissue(&mut tx, &current, current.level, Revocation::PasskeyRemoved, client.ip_string(), now).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    let mut headers = HeaderMap::new();
    session::set_cookie(&mut headers, token.cookie(&state.policy));
    Ok((headers, Json(list_of(&state, &current).await?)))
}

/// The operator's removal of every passkey of a customer (a lost or stolen device): their
/// sessions end, the customer is told, the audit log names the operator. How many there were.
pub async fn remove_all_by_bank(db: &AnyPool, customer_id: CustomerId, actor: &Actor, now: i64) -> anyhow::Result<u64> {
    let mut tx = crate::db::begin_write(db).await?;
    let removed = remove_all_by_bank_in(&mut tx, customer_id, actor, now).await?;
    tx.commit().await?;
    Ok(removed)
}

/// The same inside the caller's transaction (a staff approval's).
pub async fn remove_all_by_bank_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    customer_id: CustomerId,
    actor: &Actor,
    now: i64,
) -> anyhow::Result<u64> {
    let removed = passkeys::delete_all_of(&mut **tx, customer_id).await?;
    if removed == 0 {
        // Nothing to remove: no session ends, nobody is told.
        return Ok(0);
    }
    session::revoke_all(tx, customer_id, Revocation::PasskeyRemoved, actor.client_addr.clone(), now).await?;
    let event = AuditEvent {
        customer_id: Some(customer_id),
        event: AuditAction::PasskeyRemoveAll,
        client_addr: None,
        result: Outcome::Success,
        detail: Some(format!("passkeys={removed}")),
    };
    audit::record_by(&mut **tx, now, event, actor).await?;
    notice::send(tx, customer_id, &Notice::PasskeyRemoved { by_bank: true }, now).await?;
    Ok(removed)
}

#[utoipa::path(post, path = "/passkeys/{id}/removal/options", tag = "passkeys",
    params(("id" = i64, Path, description = "the passkey")),
    responses((status = 200, description = "a challenge for the customer's passkeys, bound to this removal", body = PasskeyChallenge),
        (status = 401, description = "unauthenticated, session_expired or passkey_refused (no passkey)", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody)))]
/// `POST /api/passkeys/{id}/removal/options`: BPK004's 「パスキーで削除」.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn removal_challenge(
    State(state): State<AppState>,
    current: CurrentCustomer,
    Path(id): Path<String>,
) -> Result<Json<PasskeyChallenge>, ApiError> {
    let id = own_passkey(&state, current.customer_id, &id).await?;
    Ok(Json(approval::challenge(&state, current.customer_id, &Binding::removal(id)).await?))
}
