//! BTF041 振込照会: the customer's 振込 and 振替 of the last 90 days with their 受付番号 and
//! where each stands — 完了, 確認中 (held for the bank's check), 取消 (rejected).

use axum::extract::State;
use axum::Json;
use netbank_api::banking::{TransferHistory, TransferReceipt, TRANSFER_HISTORY_DAYS};
use netbank_api::ErrorBody;

use crate::banking::transfer::{done_receipt, hold_receipt};
use crate::error::ApiError;
use crate::identity::session::CurrentCustomer;
use crate::state::AppState;
use crate::store::{holds, transfers};

#[utoipa::path(get, path = "/transfers", tag = "banking",
    responses((status = 200, description = "振込照会: the last 90 days, newest first", body = TransferHistory),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/transfers`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn list(State(state): State<AppState>, current: CurrentCustomer) -> Result<Json<TransferHistory>, ApiError> {
    let me = current.customer_id;
    let since = state.clock.now() - TRANSFER_HISTORY_DAYS * 86_400;
    let held = holds::of_customer(&state.db, me, since).await?;
    let done = transfers::of_customer(&state.db, me, since).await?;
    // A held 振込 keeps its 受付番号 after the bank releases it: it is listed once, as the hold.
    let mut listed: Vec<(i64, TransferReceipt)> = Vec::with_capacity(held.len() + done.len());
    for hold in &held {
        listed.push((hold.created_at, hold_receipt(&state.db, hold).await?));
    }
    for transfer in done.iter().filter(|t| !held.iter().any(|h| h.idempotency_key == t.idempotency_key)) {
        listed.push((transfer.created_at, done_receipt(&state.db, transfer).await?));
    }
    listed.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    Ok(Json(TransferHistory { transfers: listed.into_iter().map(|(_, receipt)| receipt).collect() }))
}
