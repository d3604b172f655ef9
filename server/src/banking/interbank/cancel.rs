//! 他行振込照会: the customer's 他行振込 of the last 90 days, and 取消 of a 振込予約 until the day
//! before its day (nothing had moved) or of one not yet sent —
//! the amount and fee go back from the clearing account and fee income, the day's 振込 is
//! given back, by an UPDATE conditional on `accepted`, so an export running at the same time
//! either sends it or sees it cancelled, never both.

use axum::extract::{Path, State};
use axum::Json;
use netbank_api::banking::TRANSFER_HISTORY_DAYS;
use netbank_api::interbank::{InterbankHistory, InterbankReceipt};
use netbank_api::ErrorBody;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::banking::interbank::{id_of, receipt, receipt_no, House, InterbankError};
use crate::banking::jst_day;
use crate::banking::ledger::{self, Line, PostingError, Side};
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::identity::session::CurrentCustomer;
use crate::mail::notice::{self, Notice};
use crate::money::Yen;
use crate::state::AppState;
use crate::store::day_totals::{self, DayTotals};
use crate::store::interbank;
use crate::store::ledger::{EntryKind, HouseAccount};

#[utoipa::path(get, path = "/interbank/transfers", tag = "interbank",
    responses((status = 200, description = "他行振込 of the last 90 days, newest first", body = InterbankHistory),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/interbank/transfers`: 他行振込照会.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn list(State(state): State<AppState>, current: CurrentCustomer) -> Result<Json<InterbankHistory>, ApiError> {
    let since = state.clock.now() - TRANSFER_HISTORY_DAYS * 86_400;
    let rows = interbank::of_customer(&state.db, current.customer_id, since).await?;
    Ok(Json(InterbankHistory { transfers: rows.iter().map(receipt).collect() }))
}

#[utoipa::path(post, path = "/interbank/transfers/{receipt_no}/cancel", tag = "interbank",
    params(("receipt_no" = String, Path, description = "受付番号, `20261204-Z000012`")),
    responses((status = 200, description = "取消済: the amount and fee are back on the account", body = InterbankReceipt),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 404, description = "not_found: no such 他行振込 of this customer", body = ErrorBody),
        (status = 409, description = "transfer_not_cancellable: sent, cancelled or returned", body = ErrorBody)))]
/// `POST /api/interbank/transfers/{receipt_no}/cancel`: 取消 before the 全銀 file takes it.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn cancel(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    Path(receipt_text): Path<String>,
) -> Result<Json<InterbankReceipt>, ApiError> {
    let me = current.customer_id;
    let id = id_of(&receipt_text).ok_or(InterbankError::NotFound)?;
    let now = state.clock.now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let row = match interbank::by_id(&mut *tx, id).await? {
        // Another customer's number reads as none.
        Some(row) if row.customer_id == me && receipt_no(row.id, row.created_at) == receipt_text.trim() => row,
        _ => return Err(InterbankError::NotFound.into()),
    };
    if row.status == "booked" {
        return cancel_booking(tx, &state, &client, me, &row, now).await;
    }
    if !give_back(&mut tx, &row, "他行振込取消", now).await? {
        return Err(InterbankError::NotCancellable.into());
    }
    let receipt_text = receipt_no(row.id, row.created_at);
    let notice = Notice::InterbankCancelled { receipt_no: receipt_text.clone(), amount: row.amount, fee: row.fee };
    notice::send(&mut tx, me, &notice, now).await?;
    let event = AuditEvent {
        customer_id: Some(me),
        event: AuditAction::InterbankCancel,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some(format!("receipt={receipt_text} amount={} fee={}", row.amount, row.fee)),
    };
    audit::record(&mut *tx, now, event).await?;
    let done = interbank::by_id(&mut *tx, row.id).await?.ok_or(InterbankError::NotFound)?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(Json(receipt(&done)))
}

/// Gives an accepted (debited, unsent) instruction's amount and fee back from the clearing
/// account and fee income, and the day's 振込 back to the day it was reserved on, in `tx`,
/// closing it as cancelled (`what` names the entry on the clearing side): false when it was
/// not accepted any more (sent, or closed by a parallel request).
pub(crate) async fn give_back(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    row: &interbank::InterbankRow,
    what: &str,
    now: i64,
) -> Result<bool, ApiError> {
    let me = row.customer_id;
    let entry = crate::store::ledger::insert_entry(&mut **tx, EntryKind::Transfer, Some(me), now).await?;
    if !interbank::cancel(&mut **tx, row.id, entry, now).await? {
        return Ok(false);
    }
    let clearing = House::Clearing.id(&mut **tx).await?;
    let receipt_text = receipt_no(row.id, row.created_at);
    let mut lines = vec![
        Line { side: Side::Account(clearing), amount: -row.amount, description: format!("{what} {receipt_text}") },
        Line { side: Side::Account(row.from_account_id), amount: row.amount, description: "振込取消".to_owned() },
    ];
    if row.fee > Yen::ZERO {
        lines.push(Line {
            side: Side::House(HouseAccount::FeeIncome),
            amount: -row.fee,
            description: "振込手数料返却".to_owned(),
        });
        lines.push(Line {
            side: Side::Account(row.from_account_id),
            amount: row.fee,
            description: "振込手数料返却".to_owned(),
        });
    }
    match ledger::post_lines(tx, entry, lines).await {
        Ok(()) => {}
        Err(PostingError::Overdraft(_)) => return Err(anyhow::anyhow!("the clearing account lacks a 他行振込").into()),
        Err(PostingError::Store(error)) => return Err(error.into()),
    }
    // The day's 振込 it reserved is free again, on the day it was reserved: the day it was
    // debited (a 振込予約's is its own day, not the day it was booked).
    let debited = interbank::debited_at(&mut **tx, row.id).await?.unwrap_or(row.created_at);
    day_totals::unreserve(&mut **tx, DayTotals::Transfers, me, jst_day(debited), row.amount + row.fee).await?;
    Ok(true)
}

/// 取消 of a 振込予約 until the day before its day: nothing had moved, so nothing moves back.
async fn cancel_booking(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    state: &AppState,
    client: &ClientAddr,
    me: crate::ids::CustomerId,
    row: &interbank::InterbankRow,
    now: i64,
) -> Result<Json<InterbankReceipt>, ApiError> {
    if !interbank::cancel_booking(&mut *tx, row.id, jst_day(now), now).await? {
        return Err(InterbankError::NotCancellable.into());
    }
    let receipt_text = receipt_no(row.id, row.created_at);
    let notice = Notice::InterbankCancelled { receipt_no: receipt_text.clone(), amount: row.amount, fee: Yen::ZERO };
    notice::send(&mut tx, me, &notice, now).await?;
    let event = AuditEvent {
        customer_id: Some(me),
        event: AuditAction::InterbankCancel,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some(format!("receipt={receipt_text} amount={} booked", row.amount)),
    };
    audit::record(&mut *tx, now, event).await?;
    let done = interbank::by_id(&mut *tx, row.id).await?.ok_or(InterbankError::NotFound)?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(Json(receipt(&done)))
}
