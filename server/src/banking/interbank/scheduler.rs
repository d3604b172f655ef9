//! 振込予約 carried out at the start of their day: each booked 他行振込 whose day has come is
//! debited (booked → accepted, then sent with that day's 全銀 file), and each booked 振込・振替
//! within the credit union is made (`banking::booking_day`), or, when the balance or the day's
//! limit does not cover it, refused with a notice — exactly once, however many
//! server instances run this: one holds the database lease at a time, rows another holds are
//! skipped (`SKIP LOCKED`), and each change is an UPDATE conditional on `booked`.

use std::time::Duration;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::banking::interbank::send::{debit, Debit};
use crate::banking::interbank::{payee_line, receipt_no};
use crate::banking::transfer::TransferError;
use crate::banking::{booking_day, jst_day};
use crate::mail::notice::{self, Notice};
use crate::state::AppState;
use crate::store::ledger::EntryKind;
use crate::store::{interbank, transfer_bookings};

/// The lease's name and how long one holds it without renewing.
const LEASE: &str = "transfer_bookings";
const LEASE_SECONDS: i64 = 120;

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Run {
    pub executed: usize,
    pub refused: usize,
    /// Bookings that failed for a reason of the store's: left booked for the next run.
    pub failed: usize,
}

/// Where bookings wait: 他行振込 (`interbank_transfers`) and 振込・振替 within the credit union
/// (`transfer_bookings`).
#[derive(Clone, Copy)]
enum Book {
    Interbank,
    OwnBank,
}

/// Carries out every booking whose day has come, if this holder has (or takes) the lease: each
/// in its own transaction, so one that fails holds up no other.
pub async fn run_due(state: &AppState, holder: &str) -> anyhow::Result<Run> {
    let now = state.clock.now();
    if !interbank::take_lease(&state.db, LEASE, holder, now, now + LEASE_SECONDS).await? {
        return Ok(Run::default());
    }
    let mut run = Run::default();
    for book in [Book::Interbank, Book::OwnBank] {
        let mut after = 0;
        loop {
            let mut tx = crate::db::begin_write(&state.db).await?;
            let next = match book {
                Book::Interbank => interbank::next_due_booking(&mut tx, jst_day(now), after).await?,
                Book::OwnBank => transfer_bookings::next_due(&mut tx, jst_day(now), after).await?,
            };
            let Some(id) = next else {
                tx.rollback().await?;
                break;
            };
            after = id;
            let done = match book {
                Book::Interbank => carry_out(&mut tx, state, id, now).await,
                Book::OwnBank => booking_day::carry_out(&mut tx, state, id, now).await,
            };
            match done {
                Ok(done) => {
                    tx.commit().await?;
                    match done {
                        Some(true) => run.executed += 1,
                        Some(false) => run.refused += 1,
                        None => {}
                    }
                    state.mail_wakeup.notify_one();
                }
                Err(error) => {
                    drop(tx);
                    tracing::warn!(%error, id, "a 振込予約 could not be carried out; the next run retries it");
                    run.failed += 1;
                }
            }
        }
    }
    Ok(run)
}

/// One booking, in `tx`: `Some(true)` debited, `Some(false)` refused, `None` another run had it.
async fn carry_out(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    state: &AppState,
    id: i64,
    now: i64,
) -> anyhow::Result<Option<bool>> {
    let Some(row) = interbank::by_id(&mut **tx, id).await? else { return Ok(None) };
    let mut attempt = sqlx::Acquire::begin(&mut **tx).await?;
    let entry =
        crate::store::ledger::insert_entry(&mut *attempt, EntryKind::Transfer, Some(row.customer_id), now).await?;
    if !interbank::execute_booking(&mut *attempt, id, entry).await? {
        attempt.rollback().await?;
        return Ok(None);
    }
    let receipt = receipt_no(row.id, row.created_at);
    let frozen = crate::store::customers::is_frozen(&mut *attempt, row.customer_id).await?;
    // The customer's own cap on one 振込 as it stands on the day (lowered since, it holds).
    let cap = crate::banking::limit::per_transfer_limit(state, &mut *attempt, row.customer_id).await?;
    let refusal = match (frozen, cap) {
        (true, _) => Some("お取引が停止されていた"),
        (false, Some(cap)) if row.amount + row.fee > cap => Some("1回あたりの振込限度額を超える"),
        (false, _) => match debit(&mut attempt, state, &row, entry, now).await {
            Ok(()) => None,
            Err(Debit::Refused(TransferError::DailyLimitExceeded)) => Some("1日あたりの振込限度額を超える"),
            Err(Debit::Refused(_)) => Some("お支払口座の残高が不足していた"),
            Err(Debit::Store(error)) => return Err(error.into()),
        },
    };
    let (notice, outcome, detail) = match refusal {
        None => {
            attempt.commit().await?;
            let notice = Notice::InterbankAccepted {
                receipt_no: receipt.clone(),
                payee: payee_line(&row),
                amount: row.amount,
                fee: row.fee,
                execution_date: crate::calendar::japanese_date_with_weekday(row.execution_day),
            };
            (notice, Outcome::Success, format!("receipt={receipt} booked amount={} fee={}", row.amount, row.fee))
        }
        Some(reason) => {
            attempt.rollback().await?;
            if !interbank::refuse_booking(&mut **tx, id, reason, now).await? {
                return Ok(None);
            }
            let notice = Notice::BookingRefused {
                receipt_no: receipt.clone(),
                payee: payee_line(&row),
                amount: row.amount,
                reason: reason.to_owned(),
            };
            (notice, Outcome::Refused, format!("receipt={receipt} booked refused: {reason}"))
        }
    };
    notice::send(tx, row.customer_id, &notice, now).await?;
    let event = AuditEvent {
        customer_id: Some(row.customer_id),
        event: AuditAction::InterbankTransfer,
        client_addr: None,
        result: outcome,
        detail: Some(detail),
    };
    audit::record(&mut **tx, now, event).await?;
    Ok(Some(refusal.is_none()))
}

/// The background loop: a run each `interval` (the clock decides which day it is).
pub async fn run(state: AppState, interval: Duration) {
    let holder = format!("{}-{}", std::process::id(), crate::banking::transfer::new_idempotency_key());
    let mut ticks = tokio::time::interval(interval);
    loop {
        ticks.tick().await;
        match run_due(&state, &holder).await {
            Ok(run) if run != Run::default() => {
                tracing::info!(executed = run.executed, refused = run.refused, failed = run.failed, "振込予約 run")
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "振込予約 run failed; the next one retries"),
        }
    }
}
