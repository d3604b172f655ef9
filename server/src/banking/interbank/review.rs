//! The branch's decision on a 他行振込 the fraud rules caught: it was debited into the clearing
//! account like any other but no 全銀 file takes it until the branch releases it; a rejection
//! gives the amount and fee back as a cancel does. Each decision is an UPDATE conditional on
//! `held`, committed with its record and the customer's notice; the own-bank holds' errors
//! and deciders serve both, so the console and the CLI decide either by its 受付番号.

use crate::audit::AuditAction;
use crate::banking::holds::{reason_of, record, Decided, Decider, HoldError};
use crate::banking::interbank::cancel::give_back;
use crate::banking::interbank::{id_of, payee_line, receipt_no};
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::store::holds::HoldStatus;
use crate::store::interbank::{self, InterbankRow};

/// Whether `receipt` names a 他行振込 (`…-Z000012`) rather than an own-bank hold.
pub fn names_interbank(receipt: &str) -> bool {
    id_of(receipt).is_some()
}

/// The 他行振込 `receipt` names, waiting for review; `customer` (a proposal's) must own it.
pub async fn waiting(
    db: impl sqlx::any::AnyExecutor<'_>,
    receipt: &str,
    customer: Option<CustomerId>,
) -> Result<InterbankRow, HoldError> {
    let not_found = || HoldError::NotFound(receipt.to_owned());
    let id = id_of(receipt).ok_or_else(not_found)?;
    let row = interbank::by_id(db, id).await?.ok_or_else(not_found)?;
    if receipt_no(row.id, row.created_at) != receipt.trim() || customer.is_some_and(|c| c != row.customer_id) {
        return Err(not_found());
    }
    match (row.in_review(), row.review_status.as_deref()) {
        (true, _) => Ok(row),
        (false, Some("rejected")) => Err(HoldError::AlreadyDecided(receipt.to_owned(), HoldStatus::Rejected)),
        (false, Some("released")) => Err(HoldError::AlreadyDecided(receipt.to_owned(), HoldStatus::Released)),
        (false, _) => Err(not_found()),
    }
}

/// Releases it: the next 全銀 file (or, for a 振込予約, its day) takes it.
pub async fn release_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    receipt: &str,
    customer: Option<CustomerId>,
    decider: Decider<'_>,
    now: i64,
) -> Result<(), HoldError> {
    let reason = reason_of(&decider)?;
    let row = waiting(&mut **tx, receipt, customer).await?;
    if crate::store::customers::is_frozen(&mut **tx, row.customer_id).await? {
        return Err(HoldError::Frozen(receipt.to_owned()));
    }
    if !interbank::decide_review(&mut **tx, row.id, "released", reason, now).await? {
        return Err(HoldError::AlreadyDecided(receipt.to_owned(), HoldStatus::Released));
    }
    let notice =
        Notice::TransferReleased { receipt_no: receipt.trim().to_owned(), payee: payee_line(&row), amount: row.amount };
    notice::send(tx, row.customer_id, &notice, now).await?;
    record(tx, decided(&row), AuditAction::TransferRelease, &decider, reason, now).await?;
    Ok(())
}

/// Rejects it: the amount and fee go back (a 振込予約 not yet debited is closed unmade).
pub async fn reject_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    receipt: &str,
    customer: Option<CustomerId>,
    decider: Decider<'_>,
    now: i64,
) -> Result<(), HoldError> {
    let reason = reason_of(&decider)?;
    let row = waiting(&mut **tx, receipt, customer).await?;
    if !interbank::decide_review(&mut **tx, row.id, "rejected", reason, now).await? {
        return Err(HoldError::AlreadyDecided(receipt.to_owned(), HoldStatus::Rejected));
    }
    let closed = match row.status.as_str() {
        "booked" => interbank::refuse_booking(&mut **tx, row.id, "当組合の確認により取り消した", now).await?,
        _ => give_back(tx, &row, "他行振込取消（確認）", now).await.map_err(|e| anyhow::anyhow!("{e:?}"))?,
    };
    if !closed {
        return Err(HoldError::AlreadyDecided(receipt.to_owned(), HoldStatus::Rejected));
    }
    let fee = if row.status == "booked" { crate::money::Yen::ZERO } else { row.fee };
    let receipt_no = receipt.trim().to_owned();
    let notice = Notice::InterbankRejected { receipt_no, payee: payee_line(&row), amount: row.amount, fee };
    notice::send(tx, row.customer_id, &notice, now).await?;
    record(tx, decided(&row), AuditAction::TransferReject, &decider, reason, now).await?;
    Ok(())
}

fn decided(row: &InterbankRow) -> Decided<'_> {
    Decided {
        customer_id: row.customer_id,
        receipt: receipt_no(row.id, row.created_at),
        rules: row.review_rules.as_deref().unwrap_or_default(),
        amount: row.amount,
    }
}
