//! The logged-in customer: who they are, their accounts, and changing their password or
//! their notice address (お客様情報の変更).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::Json;
use netbank_api::checked::{NoticeAddressChange, PasswordChange};
use netbank_api::identity::{
    Account, AccountKind, ChangeNoticeAddressRequest, ChangePasswordRequest, MeResponse, NoticeAddressChanged,
    OtpState, PasswordChanged, SessionClock,
};
use netbank_api::input::NewPassword;
#[allow(unused_imports)]
use netbank_api::ErrorBody;
use netbank_api::ErrorReason;
use sqlx::{Any, Transaction};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::{self, CurrentCustomer, Level, Revocation};
use crate::identity::{notice_address, password, reauth};
use crate::mail::notice::{self, Notice};
use crate::otp::{token, verify};
use crate::state::AppState;
use crate::store::customers;
use crate::throttle::{self, Action};

#[utoipa::path(get, path = "/me", tag = "customer",
    responses((status = 200, body = MeResponse),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/me`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn me(State(state): State<AppState>, current: CurrentCustomer) -> Result<Json<MeResponse>, ApiError> {
    let (profile, accounts) = customers::profile_with_accounts(&state.db, current.customer_id).await?;
    let customers::Profile { name, login_id, notice_address, passkeys, previous_login_at, token } = profile;
    let accounts = accounts
        .into_iter()
        .map(|row| {
            let kind = AccountKind::from_db(&row.kind)
                .ok_or_else(|| ApiError::internal(format!("unknown account kind {}", row.kind)))?;
            Ok(Account {
                kind,
                branch_code: row.branch_code,
                number: row.number,
                balance: row.balance.0,
                holder_kana: row.holder_kana,
                held: row.held.0,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let now = state.clock.now();
    let otp_state =
        token.map_or(OtpState::NotIssued, |(stored, pending_until)| token::effective_state(stored, pending_until, now));
    let passkeys = u32::try_from(passkeys).unwrap_or(u32::MAX);
    let passkeys_required = state.policy.phishing_resistant;
    let to_seconds = |seconds: i64| u32::try_from(seconds.max(0)).unwrap_or(u32::MAX);
    let ends_at = current.login_at + state.policy.session_absolute_seconds;
    // The idle timer moves in steps: a request is sure to keep the session this long.
    let session = SessionClock {
        idle_seconds: to_seconds(state.policy.session_idle_seconds - session::IDLE_REFRESH_SECONDS),
        remaining_seconds: to_seconds(ends_at - now),
    };
    Ok(Json(MeResponse {
        name,
        login_id,
        accounts,
        otp_state,
        notice_address,
        passkeys,
        passkeys_required,
        session,
        previous_login_at: previous_login_at.map(crate::calendar::jst_datetime),
    }))
}

#[utoipa::path(post, path = "/password", tag = "customer", request_body = ChangePasswordRequest,
    responses((status = 200, description = "sets a new session cookie; every other session ends", body = PasswordChanged),
        (status = 401, description = "unauthenticated, session_expired, wrong_current_password or invalid_otp", body = ErrorBody),
        (status = 403, description = "login_locked or otp_suspended", body = ErrorBody),
        (status = 409, description = "otp_already_used", body = ErrorBody),
        (status = 422, description = "invalid_input (the rule, the login ID in it, a common or breached password; otp is required while the token is 利用中) or password_unchanged", body = ErrorBody)))]
/// `POST /api/password`: the current password proves it is the customer, and while the
/// token is 利用中 a current one-time password too. Every other session ends; this one
/// continues under a new ID at the level it has proven, its absolute limit unchanged.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn change_password(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let login_id = customers::login_id(&state.db, current.customer_id).await?;
    let PasswordChange { current: old, new } = request.check_for(&login_id)?;
    if new.is_common() {
        return Err(NewPassword::common_refusal("new_password").into());
    }
    throttle::take_attempt(&state, &client, Action::PasswordChange, current.customer_id).await?;
    let code = verify::code_owed(&state, current.customer_id, request.otp.as_deref()).await?;
    reauth::confirm_password(&state, &client, &current, &old, "current_password", AuditAction::PasswordChange).await?;
    if old.expose() == new.expose() {
        return Err(ApiError::new(ErrorReason::PasswordUnchanged));
    }
    let hash = password::hash(new.expose().to_owned()).await?;

    let (mut tx, proved) =
        verify::with_code_if_owed(&state, current.customer_id, code.as_ref(), AuditAction::PasswordChange, &client)
            .await?;
    let now = state.clock.now();
    customers::set_password(&mut *tx, current.customer_id, &hash, now).await?;
    notice::send(&mut tx, current.customer_id, &Notice::PasswordChanged, now).await?;
    let detail = Some(if proved { "changed password+otp" } else { "changed password" }.to_owned());
    let change = Change { cause: Revocation::PasswordChange, event: AuditAction::PasswordChange, detail };
    let headers = finish(&state, &client, &current, tx, proved, change, now).await?;
    Ok((headers, Json(PasswordChanged { changed: true })))
}

#[utoipa::path(post, path = "/notice-address", tag = "customer", request_body = ChangeNoticeAddressRequest,
    responses((status = 200, description = "sets a new session cookie; every other session ends", body = NoticeAddressChanged),
        (status = 401, description = "unauthenticated, session_expired, wrong_current_password or invalid_otp", body = ErrorBody),
        (status = 403, description = "login_locked or otp_suspended", body = ErrorBody),
        (status = 409, description = "otp_already_used", body = ErrorBody),
        (status = 422, description = "invalid_input (otp is required while the token is 利用中)", body = ErrorBody)))]
/// `POST /api/notice-address` (お客様情報の変更): where notices go is itself protected like the
/// password, since whoever controls it decides whether the customer hears of an attack. The
/// new address is told it was registered, the old one that it was replaced.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn change_notice_address(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<ChangeNoticeAddressRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let NoticeAddressChange { address, password } = request.check()?;
    throttle::take_attempt(&state, &client, Action::NoticeAddressChange, current.customer_id).await?;
    let code = verify::code_owed(&state, current.customer_id, request.otp.as_deref()).await?;
    reauth::confirm_password(&state, &client, &current, &password, "password", AuditAction::NoticeAddressChange)
        .await?;

    let (mut tx, proved) = verify::with_code_if_owed(
        &state,
        current.customer_id,
        code.as_ref(),
        AuditAction::NoticeAddressChange,
        &client,
    )
    .await?;
    let now = state.clock.now();
    notice_address::replace(&mut tx, current.customer_id, &address, now).await?;
    let change =
        Change { cause: Revocation::NoticeAddressChange, event: AuditAction::NoticeAddressChange, detail: None };
    let headers = finish(&state, &client, &current, tx, proved, change, now).await?;
    Ok((headers, Json(NoticeAddressChanged { notice_address: address.as_str().to_owned() })))
}

/// What a sensitive change records as it completes.
struct Change {
    cause: Revocation,
    event: AuditAction,
    detail: Option<String>,
}

/// Completes a change written in `tx`: every other session ends and this one continues under
/// a new ID at the level it has proven (`proved`: a code with it), the change is audited and
/// committed, and the answer's headers carry the new session.
async fn finish(
    state: &AppState,
    client: &ClientAddr,
    current: &CurrentCustomer,
    mut tx: Transaction<'static, Any>,
    proved: bool,
    change: Change,
    now: i64,
) -> Result<HeaderMap, ApiError> {
    let level = if proved { Level::Otp } else { current.level };
    let token = session::reissue(&mut tx, current, level, change.cause, client.ip_string(), now).await?;
    let event = AuditEvent {
        customer_id: Some(current.customer_id),
        event: change.event,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: change.detail,
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    let mut headers = HeaderMap::new();
    session::set_cookie(&mut headers, token.cookie(&state.policy));
    Ok(headers)
}
