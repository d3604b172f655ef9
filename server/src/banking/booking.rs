//! 振込予約 of a 振込・振替 within the credit union: booked by `transfer::execute` with a
//! 振込指定日 (confirmed with the code or passkey as any 振込), listed on 振込照会 as 予約中,
//! cancellable here until the day before, and carried out at the start of its day by
//! `booking_day` — nothing moves before.

use axum::extract::{Path, State};
use axum::Json;
use netbank_api::banking::{Payee, TransferKind, TransferReceipt, TransferStatus};
use netbank_api::interbank::BookableDates;
use netbank_api::{ErrorBody, ErrorReason};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::banking::{jst_day, payee_of, receipt_date};
use crate::calendar::{bookable_dates, japanese_date_with_weekday, jst_datetime};
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::identity::session::CurrentCustomer;
use crate::mail::notice::{self, Notice};
use crate::state::AppState;
use crate::store::accounts;
use crate::store::holds::{self, HoldStatus};
use crate::store::transfer_bookings::{self, BookingRow, BookingStatus};

/// 受付番号 of a 振込予約: `20270115-Y000012` (its own numbers).
pub fn receipt_no(id: i64, at: i64) -> String {
    format!("{}-Y{id:06}", receipt_date(at))
}

/// The booking a receipt names, if it names one.
pub fn id_of(receipt_no: &str) -> Option<i64> {
    let (_, number) = receipt_no.trim().split_once("-Y")?;
    number.parse().ok()
}

/// A 振込予約 as its receipt and 振込照会 show it; once carried out, as the 振込 went (完了,
/// or 確認中 and what the branch decided).
pub(crate) async fn receipt(db: &sqlx::AnyPool, booked: &BookingRow, today: i64) -> sqlx::Result<TransferReceipt> {
    let from = accounts::by_id(db, booked.from_account_id).await?;
    let to = accounts::by_id(db, booked.to_account_id).await?;
    let kind: TransferKind = booked.kind.into();
    let status = match (booked.status, booked.hold_id) {
        (BookingStatus::Booked, _) => TransferStatus::Booked,
        (BookingStatus::Executed, _) => TransferStatus::Completed,
        (BookingStatus::Held, Some(hold)) => match holds::by_id(db, hold).await?.map(|held| held.status) {
            Some(HoldStatus::Released) => TransferStatus::Completed,
            Some(HoldStatus::Rejected) => TransferStatus::Rejected,
            _ => TransferStatus::Held,
        },
        (BookingStatus::Held, None) => TransferStatus::Held,
        (BookingStatus::Cancelled, _) => TransferStatus::Cancelled,
        (BookingStatus::Refused, _) => TransferStatus::Refused,
    };
    Ok(TransferReceipt {
        receipt_no: receipt_no(booked.id, booked.created_at),
        kind,
        accepted_at: jst_datetime(booked.created_at),
        from_account: from.key(),
        to: Payee { name: booked.payee_name.clone(), ..payee_of(&to, kind == TransferKind::OwnTransfer) },
        amount: booked.amount.0,
        fee: booked.fee.0,
        requester_name: booked.requester_name.clone(),
        status,
        execution_date: Some(japanese_date_with_weekday(booked.execution_day)),
        cancellable: booked.status == BookingStatus::Booked && booked.execution_day > today,
    })
}

#[utoipa::path(get, path = "/transfers/dates", tag = "banking",
    responses((status = 200, description = "the days a 振込予約 may name: business days from tomorrow to 30 days ahead", body = BookableDates),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/transfers/dates`: BTF011's 振込指定日.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn dates(State(state): State<AppState>, current: CurrentCustomer) -> Json<BookableDates> {
    let today = jst_day(state.clock.now());
    Json(bookable_dates(today, today))
}

#[utoipa::path(post, path = "/transfers/{receipt_no}/cancel", tag = "banking",
    params(("receipt_no" = String, Path, description = "受付番号 of a 振込予約, `20270115-Y000012`")),
    responses((status = 200, description = "予約取消: nothing had moved and nothing will", body = TransferReceipt),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 404, description = "not_found: no such 振込予約 of this customer", body = ErrorBody),
        (status = 409, description = "transfer_not_cancellable: its day has come, or it was cancelled already", body = ErrorBody)))]
/// `POST /api/transfers/{receipt_no}/cancel`: 取消 of a 振込予約 until the day before its day.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn cancel(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    Path(receipt_text): Path<String>,
) -> Result<Json<TransferReceipt>, ApiError> {
    let me = current.customer_id;
    let id = id_of(&receipt_text).ok_or(ApiError::new(ErrorReason::NotFound))?;
    let now = state.clock.now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let booked = match transfer_bookings::by_id(&mut *tx, id).await? {
        // Another customer's number reads as none.
        Some(row) if row.customer_id == me && receipt_no(row.id, row.created_at) == receipt_text.trim() => row,
        _ => return Err(ApiError::new(ErrorReason::NotFound)),
    };
    if !transfer_bookings::cancel(&mut *tx, id, jst_day(now), now).await? {
        let why = "この振込予約は取り消せません（指定日を迎えたか、すでに取り消されています）。";
        return Err(ErrorBody::new(ErrorReason::TransferNotCancellable).with_message(why).into());
    }
    let receipt_text = receipt_no(booked.id, booked.created_at);
    let kind: TransferKind = booked.kind.into();
    let notice = Notice::TransferBookingCancelled {
        kind: kind.label(),
        receipt_no: receipt_text.clone(),
        amount: booked.amount,
    };
    notice::send(&mut tx, me, &notice, now).await?;
    let event = AuditEvent {
        customer_id: Some(me),
        event: AuditAction::TransferBookingCancel,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some(format!("receipt={receipt_text} amount={}", booked.amount)),
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    let done = transfer_bookings::by_id(&state.db, id).await?.ok_or(ApiError::new(ErrorReason::NotFound))?;
    Ok(Json(receipt(&state.db, &done, jst_day(now)).await?))
}
