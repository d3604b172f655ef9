//! 振込予約 within the credit union carried out at the start of their day, one per scheduler
//! step (`interbank::scheduler`): exactly as a 振込 made then — the customer's state, the cap
//! on one 振込 and the day's limit as they stand, the balance, and the fraud rules (that day's,
//! and those it met when it was booked: caught, it waits for the branch as any held 振込) — or
//! refused with a notice.

use sqlx::{Any, Transaction};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::banking::booking::receipt_no;
use crate::banking::transfer::{self, accepted_notice, hold_receipt_no, payee_line, Plan, TransferError};
use crate::banking::{risk, WriteError};
use crate::mail::notice::{self, Notice};
use crate::state::AppState;
use crate::store::accounts;
use crate::store::transfer_bookings::{self, BookingRow, BookingStatus};

/// One booking whose day has come, in `tx` (the scheduler's): `Some(true)` carried out (made,
/// or held for the branch), `Some(false)` refused, `None` another run or a cancel had it.
pub(crate) async fn carry_out(
    tx: &mut Transaction<'static, Any>,
    state: &AppState,
    id: i64,
    now: i64,
) -> anyhow::Result<Option<bool>> {
    let Some(booked) = transfer_bookings::by_id(&mut **tx, id).await? else { return Ok(None) };
    if booked.status != BookingStatus::Booked {
        return Ok(None);
    }
    let me = booked.customer_id;
    let plan = Plan {
        kind: booked.kind.into(),
        from: accounts::by_id(&mut **tx, booked.from_account_id).await?,
        to: accounts::by_id(&mut **tx, booked.to_account_id).await?,
        amount: booked.amount,
        fee: booked.fee,
        requester: booked.requester_name.clone(),
        booking: None,
    };
    let receipt_text = receipt_no(booked.id, booked.created_at);
    let reason = if crate::store::customers::is_frozen(&mut **tx, me).await? {
        "お取引が停止されていた"
    } else if transfer::ensure_per_transfer(state, &mut **tx, me, &plan).await.is_err() {
        // The customer's own cap as it stands on the day (lowered since, it holds).
        "1回あたりの振込限度額を超える"
    } else {
        // The rules it met when it was booked still hold it: a day named past their window does
        // not escape them.
        let today = transfer::rules_met(tx, state, (me, Some(booked.id)), &plan, now).await?;
        let rules = match (today.is_empty(), booked.booked_rules.as_deref()) {
            (true, Some(booked)) => booked.to_owned(),
            (true, None) => String::new(),
            (false, _) => risk::names(&today),
        };
        let mut attempt = sqlx::Acquire::begin(&mut **tx).await?;
        match carry_out_now(&mut attempt, state, &booked, &plan, &rules, now).await {
            Ok(Carried::Raced) => return Ok(None),
            Ok(done) => {
                attempt.commit().await?;
                let (event, detail) = match done {
                    Carried::Held(hold) => (
                        AuditAction::TransferHold,
                        format!(
                            "receipt={} booking={receipt_text} rules={} amount={} fee={}",
                            hold_receipt_no(hold, now),
                            rules,
                            plan.amount,
                            plan.fee
                        ),
                    ),
                    _ => (
                        AuditAction::TransferBooking,
                        format!("receipt={receipt_text} executed amount={} fee={}", plan.amount, plan.fee),
                    ),
                };
                let event = AuditEvent {
                    customer_id: Some(me),
                    event,
                    client_addr: None,
                    result: Outcome::Success,
                    detail: Some(detail),
                };
                audit::record(&mut **tx, now, event).await?;
                return Ok(Some(true));
            }
            Err(WriteError::Refused(TransferError::DailyLimitExceeded)) => "1日あたりの振込限度額を超える",
            Err(WriteError::Refused(TransferError::InsufficientFunds)) => "お支払口座の残高が不足していた",
            Err(WriteError::Refused(error)) => return Err(anyhow::anyhow!("{error}")),
            Err(WriteError::Duplicate) => return Err(anyhow::anyhow!("a 振込予約's key was used by another 振込")),
        }
    };
    if !transfer_bookings::refused(&mut **tx, id, reason, now).await? {
        return Ok(None);
    }
    let notice = Notice::BookingRefused {
        receipt_no: receipt_text.clone(),
        payee: payee_line(&plan.to),
        amount: plan.amount,
        reason: reason.to_owned(),
    };
    notice::send(tx, me, &notice, now).await?;
    let event = AuditEvent {
        customer_id: Some(me),
        event: AuditAction::TransferBooking,
        client_addr: None,
        result: Outcome::Refused,
        detail: Some(format!("receipt={receipt_text} refused: {reason}")),
    };
    audit::record(&mut **tx, now, event).await?;
    Ok(Some(false))
}

enum Carried {
    Made,
    Held(i64),
    /// Another run or a cancel closed the booking first.
    Raced,
}

/// The 振込 itself, in `tx`: held for the branch when the day's rules catch it, else made.
async fn carry_out_now(
    tx: &mut Transaction<'_, Any>,
    state: &AppState,
    booked: &BookingRow,
    plan: &Plan,
    rules: &str,
    now: i64,
) -> Result<Carried, WriteError<TransferError>> {
    let (me, key) = (booked.customer_id, booked.idempotency_key.as_str());
    if !rules.is_empty() {
        let hold = transfer::place_hold(tx, state, me, plan, key, rules, now).await?;
        return Ok(match transfer_bookings::held(&mut **tx, booked.id, hold, now).await? {
            true => Carried::Held(hold),
            false => Carried::Raced,
        });
    }
    let made = transfer::move_money(tx, state, me, plan, key, now).await?;
    if !transfer_bookings::executed(&mut **tx, booked.id, made, now).await? {
        return Ok(Carried::Raced);
    }
    notice::send(tx, me, &accepted_notice(plan, receipt_no(booked.id, booked.created_at)), now).await?;
    Ok(Carried::Made)
}
