//! 1日あたりの振込限度額: the bank's default until the customer sets their own, never above
//! the bank's ceiling. Lowering it takes effect at once; raising it needs the current
//! one-time password (whoever holds the session alone must not be able to empty the account
//! faster) and takes effect at 0:00 the next day, Japan time (変更予定, cancellable, told by
//! mail): a thief who raises it cannot use the raise before the customer can see it.

use axum::extract::State;
use axum::Json;
use netbank_api::banking::{ScheduledLimit, TransferLimit, TransferLimitRequest};
use netbank_api::identity::OtpState;
use netbank_api::input::OtpCode;
use netbank_api::otp::Procedure;
use netbank_api::{ErrorBody, ErrorReason};
use sqlx::any::AnyExecutor;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::banking::{jst_day, jst_day_start};
use crate::calendar::jst_datetime;
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::money::Yen;
use crate::otp::{token, verify};
use crate::state::AppState;
use crate::store::customers;
use crate::store::day_totals::{self, DayTotals};

/// The customer's limit today.
pub async fn daily_limit(state: &AppState, db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Yen> {
    let own = customers::own_limit(db, customer_id).await?;
    Ok(in_force(state, &own, state.clock.now()))
}

/// The limit in force at `now`: a scheduled raise once its day has come, else the own limit,
/// else the bank's default; never above the ceiling.
fn in_force(state: &AppState, own: &customers::OwnLimit, now: i64) -> Yen {
    let policy = &state.policy.transfer;
    let due = own.scheduled_limit_from.is_some_and(|from| from <= now);
    let scheduled = own.scheduled_daily_limit.filter(|_| due);
    scheduled.or(own.daily_transfer_limit).unwrap_or(policy.default_daily_limit).min(policy.max_daily_limit)
}

/// The cap on one 振込 in force at `now`, if the customer set one.
fn per_transfer_in_force(own: &customers::OwnLimit, now: i64) -> Option<Yen> {
    let due = own.scheduled_limit_from.is_some_and(|from| from <= now);
    own.scheduled_per_transfer_limit.filter(|_| due).or(own.per_transfer_limit)
}

/// The customer's cap on one 振込 now (1回あたりの振込限度額), if they set one.
pub async fn per_transfer_limit(
    state: &AppState,
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
) -> sqlx::Result<Option<Yen>> {
    Ok(per_transfer_in_force(&customers::own_limit(db, customer_id).await?, state.clock.now()))
}

/// The day's limit and the cap on one 振込 in force now, or at the start of `booking`'s day
/// (a 振込予約's: a raise due by then counts, as the day's run will see it).
pub async fn limits_at(
    state: &AppState,
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    booking: Option<i64>,
) -> sqlx::Result<(Yen, Option<Yen>)> {
    let own = customers::own_limit(db, customer_id).await?;
    let now = state.clock.now();
    let at = booking.map_or(now, |day| jst_day_start(day).max(now));
    Ok((in_force(state, &own, at), per_transfer_in_force(&own, at)))
}

async fn current(state: &AppState, customer_id: CustomerId) -> sqlx::Result<TransferLimit> {
    let now = state.clock.now();
    let own = customers::own_limit(&state.db, customer_id).await?;
    let limit = in_force(state, &own, now);
    let waiting = own.scheduled_limit_from.filter(|from| *from > now);
    let scheduled = waiting
        .filter(|_| own.scheduled_daily_limit.is_some() || own.scheduled_per_transfer_limit.is_some())
        .map(|from| ScheduledLimit {
            daily: own.scheduled_daily_limit.map(|y| y.0),
            per_transfer: own.scheduled_per_transfer_limit.map(|y| y.0),
            from: jst_datetime(from),
        });
    let used_today =
        day_totals::total(&state.db, DayTotals::Transfers, customer_id, jst_day(state.clock.now())).await?;
    Ok(TransferLimit {
        limit: limit.0,
        used_today: used_today.0,
        remaining: (limit - used_today).max(Yen::ZERO).0,
        ceiling: state.policy.transfer.max_daily_limit.0,
        per_transfer: per_transfer_in_force(&own, now).map(|y| y.0),
        scheduled,
    })
}

/// What may still be sent today.
pub async fn remaining_today(state: &AppState, customer_id: CustomerId) -> sqlx::Result<Yen> {
    Ok(Yen(current(state, customer_id).await?.remaining))
}

#[utoipa::path(get, path = "/transfer-limit", tag = "banking",
    responses((status = 200, body = TransferLimit), (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/transfer-limit`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current_customer.customer_id))]
pub async fn show(
    State(state): State<AppState>,
    current_customer: CurrentCustomer,
) -> Result<Json<TransferLimit>, ApiError> {
    Ok(Json(current(&state, current_customer.customer_id).await?))
}

#[utoipa::path(post, path = "/transfer-limit", tag = "banking", request_body = TransferLimitRequest,
    responses((status = 200, body = TransferLimit),
        (status = 401, description = "unauthenticated, session_expired or invalid_otp", body = ErrorBody),
        (status = 403, description = "otp_required (raising without a token in use) or otp_suspended", body = ErrorBody),
        (status = 409, description = "otp_already_used", body = ErrorBody),
        (status = 422, description = "invalid_input (above the ceiling; otp missing when raising)", body = ErrorBody)))]
/// `POST /api/transfer-limit`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current_customer.customer_id))]
pub async fn change(
    State(state): State<AppState>,
    client: ClientAddr,
    current_customer: CurrentCustomer,
    ApiJson(request): ApiJson<TransferLimitRequest>,
) -> Result<Json<TransferLimit>, ApiError> {
    let wanted = Yen(request.check()?.yen());
    let changed =
        set(&state, &client, current_customer.customer_id, Which::Daily, wanted, request.otp.as_deref()).await?;
    Ok(Json(changed))
}

/// Raising the limit needs a token in use (and its code): `Factors::may_raise_limit`.
async fn require_token(state: &AppState, customer_id: CustomerId) -> Result<(), ApiError> {
    let token = crate::enrolment::factors(state, customer_id).await?;
    match token.may_raise_limit() {
        true => Ok(()),
        false if token.token == OtpState::Suspended => Err(token::refusal(token.token)),
        false => Err(ApiError::new(ErrorReason::OtpRequired)),
    }
}

#[utoipa::path(post, path = "/transfer-limit/cancel", tag = "banking",
    responses((status = 200, description = "the scheduled raise is cancelled; the limit in force stays", body = TransferLimit),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 404, description = "not_found: no raise is scheduled", body = ErrorBody)))]
/// `POST /api/transfer-limit/cancel`: BTF031's 「変更予定を取り消す」 (making less possible needs
/// no code).
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current_customer.customer_id))]
pub async fn cancel(
    State(state): State<AppState>,
    client: ClientAddr,
    current_customer: CurrentCustomer,
) -> Result<Json<TransferLimit>, ApiError> {
    let me = current_customer.customer_id;
    let now = state.clock.now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    customers::apply_due_limits(&mut *tx, me, now).await?;
    let own = customers::own_limit(&mut *tx, me).await?;
    let waiting = matches!(own.scheduled_limit_from, Some(from) if from > now);
    if !waiting || !customers::cancel_scheduled_limit(&mut *tx, me).await? {
        return Err(ApiError::new(ErrorReason::NotFound));
    }
    let event = AuditEvent {
        customer_id: Some(me),
        event: AuditAction::TransferLimit,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some("scheduled raise cancelled".to_owned()),
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;
    Ok(Json(current(&state, me).await?))
}

#[utoipa::path(post, path = "/transfer-limit/per-transfer", tag = "banking", request_body = TransferLimitRequest,
    responses((status = 200, body = TransferLimit),
        (status = 401, description = "unauthenticated, session_expired or invalid_otp", body = ErrorBody),
        (status = 403, description = "otp_required (raising without a token in use) or otp_suspended", body = ErrorBody),
        (status = 409, description = "otp_already_used", body = ErrorBody),
        (status = 422, description = "invalid_input (above the ceiling; otp missing when raising)", body = ErrorBody)))]
/// `POST /api/transfer-limit/per-transfer`: 1回あたりの振込限度額. Lowering (or setting one
/// where there was none) takes effect at once; a raise needs the code and waits for 0:00 the
/// next day, as the day's limit does.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current_customer.customer_id))]
pub async fn change_per_transfer(
    State(state): State<AppState>,
    client: ClientAddr,
    current_customer: CurrentCustomer,
    ApiJson(request): ApiJson<TransferLimitRequest>,
) -> Result<Json<TransferLimit>, ApiError> {
    let wanted = Yen(request.check()?.yen());
    let changed =
        set(&state, &client, current_customer.customer_id, Which::PerTransfer, wanted, request.otp.as_deref()).await?;
    Ok(Json(changed))
}

/// Which limit a change is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Daily,
    PerTransfer,
}

impl Which {
    fn label(self) -> &'static str {
        match self {
            Self::Daily => "1日あたり",
            Self::PerTransfer => "1回あたり",
        }
    }
}

/// Sets one of the customer's limits to `wanted`: lower (or a cap where there was none) at
/// once; a raise with the current code, from 0:00 the next day. Told by mail, audited.
async fn set(
    state: &AppState,
    client: &ClientAddr,
    me: CustomerId,
    which: Which,
    wanted: Yen,
    otp: Option<&str>,
) -> Result<TransferLimit, ApiError> {
    let ceiling = state.policy.transfer.max_daily_limit;
    if wanted > ceiling || (which == Which::PerTransfer && wanted == Yen::ZERO) {
        let message =
            format!("{}の振込限度額は{}以下で指定してください。", which.label(), netbank_api::banking::yen(ceiling.0));
        return Err(ErrorBody::new(ErrorReason::InvalidInput).with_message(message).for_field("limit").into());
    }
    customers::apply_due_limits(&state.db, me, state.clock.now()).await?;
    let before = match which {
        Which::Daily => Some(daily_limit(state, &state.db, me).await?),
        Which::PerTransfer => per_transfer_limit(state, &state.db, me).await?,
    };
    let raising = before.is_some_and(|before| wanted > before);
    let mut tx = if raising {
        require_token(state, me).await?;
        crate::enrolment::ensure_not_waiting(state, me).await?;
        let code = OtpCode::parse(otp.unwrap_or_default())?;
        verify::accept(state, me, Procedure::Confirm, &code, AuditAction::TransferLimit, client).await?
    } else {
        crate::db::begin_write(&state.db).await?
    };
    let now = state.clock.now();
    let what = which.label();
    let notice = match raising {
        true => {
            let from = jst_day_start(jst_day(now) + 1);
            customers::schedule_limit(&mut *tx, me, which == Which::Daily, wanted, from).await?;
            customers::mark_limit_raised(&mut *tx, me, now).await?;
            Notice::TransferLimitScheduled { what, limit: wanted, from: jst_datetime(from) }
        }
        false => {
            match which {
                Which::Daily => customers::set_daily_transfer_limit(&mut *tx, me, wanted).await?,
                Which::PerTransfer => customers::set_per_transfer_limit(&mut *tx, me, wanted).await?,
            }
            Notice::TransferLimitChanged { what, limit: wanted }
        }
    };
    notice::send(&mut tx, me, &notice, now).await?;
    let event = AuditEvent {
        customer_id: Some(me),
        event: AuditAction::TransferLimit,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some(format!(
            "{what} {} -> {wanted}{}",
            before.map_or("none".to_owned(), |b| b.to_string()),
            if raising { " (otp)" } else { "" }
        )),
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(current(state, me).await?)
}
