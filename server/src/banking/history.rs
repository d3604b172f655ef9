//! BTF041 振込照会: the customer's 振込 and 振替 of the last 90 days with their 受付番号 and
//! where each stands — 完了, 確認中 (held for the bank's check), 取消 (rejected) — and their
//! 振込予約 (予約中 while waiting, then as its 振込 went).

use axum::extract::State;
use axum::Json;
use netbank_api::banking::{TransferHistory, TransferReceipt, TRANSFER_HISTORY_DAYS};
use netbank_api::ErrorBody;

use crate::banking::transfer::{done_receipt, hold_receipt};
use crate::banking::{booking, jst_day};
use crate::error::ApiError;
use crate::identity::session::CurrentCustomer;
use crate::state::AppState;
use crate::store::{holds, transfer_bookings, transfers};

#[utoipa::path(get, path = "/transfers", tag = "banking",
    responses((status = 200, description = "振込照会: the last 90 days, newest first", body = TransferHistory),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/transfers`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn list(State(state): State<AppState>, current: CurrentCustomer) -> Result<Json<TransferHistory>, ApiError> {
    let me = current.customer_id;
    let since = state.clock.now() - TRANSFER_HISTORY_DAYS * 86_400;
    let booked = transfer_bookings::of_customer(&state.db, me, since).await?;
    let held = holds::of_customer(&state.db, me, since).await?;
    let done = transfers::of_customer(&state.db, me, since).await?;
    // A 振込 keeps the 受付番号 it was first given: a booking's, else a hold's (after the bank
    // releases it) — listed once, under that number, as it stands now.
    let booking = |key: &str| booked.iter().any(|b| b.idempotency_key == key);
    let hold = |key: &str| held.iter().any(|h| h.idempotency_key == key);
    let today = jst_day(state.clock.now());
    let mut listed: Vec<(i64, TransferReceipt)> = Vec::with_capacity(booked.len() + held.len() + done.len());
    for row in &booked {
        listed.push((row.created_at, booking::receipt(&state.db, row, today).await?));
    }
    for row in held.iter().filter(|h| !booking(&h.idempotency_key)) {
        listed.push((row.created_at, hold_receipt(&state.db, row).await?));
    }
    for row in done.iter().filter(|t| !booking(&t.idempotency_key) && !hold(&t.idempotency_key)) {
        listed.push((row.created_at, done_receipt(&state.db, row).await?));
    }
    listed.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    Ok(Json(TransferHistory { transfers: listed.into_iter().map(|(_, receipt)| receipt).collect() }))
}
