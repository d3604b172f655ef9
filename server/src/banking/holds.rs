//! The branch's decision on a held 振込 (出金停止): release it — the money moves, exactly once
//! — or reject it — the reservation ends and the day's limit gets the amount back. Each
//! decision, its record and the customer's notice commit together; a decision on a hold
//! decided already changes nothing (`HoldError::AlreadyDecided`), however many race.

use sqlx::AnyPool;

use crate::audit::{self, Actor, AuditAction, AuditEvent, Outcome};
use crate::banking::ledger::{self, PostingError};
use crate::banking::transfer::{hold_receipt_no, money_lines, payee_line};
use crate::clock::Clock;
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::store::day_totals::{self, DayTotals};
use crate::store::holds::{self, HoldRow, HoldStatus};
use crate::store::ledger::EntryKind;
use crate::store::transfers::{self, NewTransfer};
use crate::store::{accounts, transfers::TransferKind};

#[derive(Debug, thiserror::Error)]
pub enum HoldError {
    #[error("no held 振込 {0}")]
    NotFound(String),
    #[error("{0} was decided already ({1:?})")]
    AlreadyDecided(String, HoldStatus),
    /// A reason is what the audit log and the next person read.
    #[error("say why (--reason)")]
    NoReason,
    /// The customer is frozen (凍結): nothing leaves until the freeze is lifted.
    #[error("{0}: the customer is frozen")]
    Frozen(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

crate::error::store_errors_are_unexpected!(HoldError);

/// Who decided (the operator's CLI, or a 役席 approving a proposal) and why.
pub struct Decider<'a> {
    pub actor: &'a Actor,
    pub reason: &'a str,
}

/// Claims the hold for this decision (`holds::claim`, so racing decisions queue behind it)
/// and reads it; refuses one that is unknown or decided.
async fn waiting(
    db: &mut sqlx::AnyConnection,
    id: i64,
    receipt: &str,
    customer: Option<CustomerId>,
) -> Result<HoldRow, HoldError> {
    let claimed = holds::claim(&mut *db, id).await?;
    let held = holds::by_id(&mut *db, id).await?.ok_or_else(|| HoldError::NotFound(receipt.to_owned()))?;
    if customer.is_some_and(|customer| customer != held.customer_id) {
        return Err(HoldError::NotFound(receipt.to_owned()));
    }
    match (claimed, held.status) {
        (true, HoldStatus::Held) => Ok(held),
        (_, decided) => Err(HoldError::AlreadyDecided(receipt.to_owned(), decided)),
    }
}

pub fn id_of(receipt: &str) -> Result<i64, HoldError> {
    crate::banking::transfer::hold_id_of(receipt).ok_or_else(|| HoldError::NotFound(receipt.to_owned()))
}

pub(crate) fn reason_of<'a>(decider: &Decider<'a>) -> Result<&'a str, HoldError> {
    audit::reason(decider.reason).ok_or(HoldError::NoReason)
}

/// Releases the hold `receipt` names: the 振込 is made as it was asked, under the same key.
pub async fn release(db: &AnyPool, clock: &Clock, receipt: &str, decider: Decider<'_>) -> Result<i64, HoldError> {
    let mut tx = crate::db::begin_write(db).await?;
    let transfer_id = release_in(&mut tx, receipt, None, decider, clock.now()).await?;
    tx.commit().await?;
    Ok(transfer_id)
}

/// The same inside the caller's transaction; `customer` (a proposal's) must own the hold.
pub async fn release_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    receipt: &str,
    customer: Option<CustomerId>,
    decider: Decider<'_>,
    now: i64,
) -> Result<i64, HoldError> {
    let reason = reason_of(&decider)?;
    let id = id_of(receipt)?;
    let held = waiting(tx, id, receipt, customer).await?;
    if crate::store::customers::is_frozen(&mut **tx, held.customer_id).await? {
        return Err(HoldError::Frozen(receipt.to_owned()));
    }
    let total = held.amount + held.fee;
    if !accounts::unhold(&mut **tx, held.from_account_id, total).await? {
        return Err(anyhow::anyhow!("{receipt}: the account holds less than the 振込").into());
    }
    let from = accounts::by_id(&mut **tx, held.from_account_id).await?;
    let to = accounts::by_id(&mut **tx, held.to_account_id).await?;
    let entry = crate::store::ledger::insert_entry(&mut **tx, EntryKind::Transfer, Some(held.customer_id), now).await?;
    let transfer = NewTransfer {
        customer_id: held.customer_id,
        idempotency_key: &held.idempotency_key,
        kind: TransferKind::Transfer,
        entry_id: entry,
        from_account_id: held.from_account_id,
        to_account_id: held.to_account_id,
        amount: held.amount,
        fee: held.fee,
        requester_name: &held.requester_name,
        payee_name: &held.payee_name,
    };
    let transfer_id = match transfers::insert(&mut **tx, transfer, now).await {
        Ok(id) => id,
        // Another release made this 振込 first.
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            return Err(HoldError::AlreadyDecided(receipt.to_owned(), HoldStatus::Released));
        }
        Err(error) => return Err(error.into()),
    };
    let lines = money_lines(
        netbank_api::banking::TransferKind::Transfer,
        (&from, &to),
        held.amount,
        held.fee,
        &held.requester_name,
    );
    match ledger::post_lines(tx, entry, lines).await {
        Ok(()) => {}
        Err(PostingError::Overdraft(account)) => {
            return Err(anyhow::anyhow!("{receipt}: account {account} cannot pay what it held").into())
        }
        Err(PostingError::Store(error)) => return Err(error.into()),
    }
    if !holds::release(&mut **tx, id, transfer_id, reason, now).await? {
        return Err(HoldError::AlreadyDecided(receipt.to_owned(), HoldStatus::Released));
    }
    let receipt_no = hold_receipt_no(held.id, held.created_at);
    let notice =
        Notice::TransferReleased { receipt_no: receipt_no.clone(), payee: payee_line(&to), amount: held.amount };
    notice::send(tx, held.customer_id, &notice, now).await?;
    record(tx, decided(&held), AuditAction::TransferRelease, &decider, reason, now).await?;
    Ok(transfer_id)
}

/// Rejects the hold `receipt` names: nothing moves, the reservation and the day's count end.
pub async fn reject(db: &AnyPool, clock: &Clock, receipt: &str, decider: Decider<'_>) -> Result<(), HoldError> {
    let mut tx = crate::db::begin_write(db).await?;
    reject_in(&mut tx, receipt, None, decider, clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// The same inside the caller's transaction; `customer` (a proposal's) must own the hold.
pub async fn reject_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    receipt: &str,
    customer: Option<CustomerId>,
    decider: Decider<'_>,
    now: i64,
) -> Result<(), HoldError> {
    let reason = reason_of(&decider)?;
    let id = id_of(receipt)?;
    let held = waiting(tx, id, receipt, customer).await?;
    if !holds::reject(&mut **tx, id, reason, now).await? {
        return Err(HoldError::AlreadyDecided(receipt.to_owned(), HoldStatus::Rejected));
    }
    let total = held.amount + held.fee;
    if !accounts::unhold(&mut **tx, held.from_account_id, total).await? {
        return Err(anyhow::anyhow!("{receipt}: the account holds less than the 振込").into());
    }
    day_totals::unreserve(&mut **tx, DayTotals::Transfers, held.customer_id, held.day, total).await?;
    let to = accounts::by_id(&mut **tx, held.to_account_id).await?;
    let receipt_no = hold_receipt_no(held.id, held.created_at);
    let notice = Notice::TransferRejected { receipt_no, payee: payee_line(&to), amount: held.amount };
    notice::send(tx, held.customer_id, &notice, now).await?;
    record(tx, decided(&held), AuditAction::TransferReject, &decider, reason, now).await?;
    Ok(())
}

fn decided(held: &HoldRow) -> Decided<'_> {
    Decided {
        customer_id: held.customer_id,
        receipt: hold_receipt_no(held.id, held.created_at),
        rules: &held.rules,
        amount: held.amount,
    }
}

/// What a decision on a held 振込 (own-bank or 他行) leaves in the audit log.
pub(crate) struct Decided<'a> {
    pub customer_id: CustomerId,
    pub receipt: String,
    pub rules: &'a str,
    pub amount: crate::money::Yen,
}

pub(crate) async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    decided: Decided<'_>,
    action: AuditAction,
    decider: &Decider<'_>,
    reason: &str,
    now: i64,
) -> sqlx::Result<()> {
    let event = AuditEvent {
        customer_id: Some(decided.customer_id),
        event: action,
        client_addr: None,
        result: Outcome::Success,
        detail: Some(format!(
            "receipt={} rules={} amount={} reason={reason}",
            decided.receipt, decided.rules, decided.amount
        )),
    };
    audit::record_by(&mut **tx, now, event, decider.actor).await
}

/// The branch's queue: every hold still waiting, oldest first.
pub async fn queue(db: &AnyPool) -> sqlx::Result<Vec<HoldRow>> {
    holds::waiting(db).await
}
