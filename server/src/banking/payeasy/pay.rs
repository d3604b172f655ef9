//! BPY004 払込内容の確認 (`quote`: the bill's 納付内容, amount and 納付期限, the fee, the balance
//! after, a fresh idempotency key) and its 確定 (`execute`), exactly once: the payment is
//! recorded under the confirmation's key and names its bill UNIQUEly, the bill is marked paid
//! by an UPDATE conditional on `open`, the day's ペイジー reserved against its own limit and
//! the money moved — all in the transaction that spends the code or the passkey's approval.

use axum::extract::State;
use axum::Json;
use netbank_api::checked::Bill;
use netbank_api::input::OtpCode;
use netbank_api::otp::Procedure;
use netbank_api::payeasy::{BillPaymentRequest, BillQuery, BillQuote, BillReceipt};
use netbank_api::ErrorBody;
use sqlx::{Any, Transaction};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::banking::ledger::{self, Line, PostingError, Side};
use crate::banking::payeasy::{bill, biller, biller_of, receipt_no, PayeasyError};
use crate::banking::transfer::{self, account_of, own_account, refuse_with_proof_spent, SecondFactors};
use crate::banking::{jst_day, limit};
use crate::calendar::jst_datetime;
use crate::enrolment;
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::money::Yen;
use crate::otp::verify::{self, CodeError};
use crate::passkey::approval::{self, Binding};
use crate::passkey::PasskeyError;
use crate::state::AppState;
use crate::store::accounts::AccountRecord;
use crate::store::billers::{self, BillRow, BillerRow};
use crate::store::day_totals::{self, DayTotals};
use crate::store::ledger::{EntryKind, HouseAccount};
use crate::store::payeasy::{self, NewPayment, PaymentRow};

/// The day's ペイジー limit in force: the bank's, never above the customer's 振込限度額 in
/// force (whose raises wait for the next day).
async fn day_limit(
    state: &AppState,
    db: impl sqlx::any::AnyExecutor<'_>,
    customer_id: CustomerId,
) -> sqlx::Result<Yen> {
    Ok(limit::daily_limit(state, db, customer_id).await?.min(state.policy.transfer.payeasy_daily_limit))
}

/// A biller never paid waits while a new authenticator does.
async fn ensure_paid_before_or_not_waiting(
    state: &AppState,
    customer_id: CustomerId,
    biller: &BillerRow,
) -> Result<(), ApiError> {
    if !payeasy::has_paid_biller(&state.db, customer_id, biller.id).await? {
        enrolment::ensure_not_waiting(state, customer_id).await?;
    }
    Ok(())
}

#[utoipa::path(post, path = "/payeasy/quote", tag = "payeasy", request_body = BillQuery,
    responses((status = 200, description = "払込内容の確認: nothing moves", body = BillQuote),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 403, description = "otp_required, otp_suspended, payeasy_stopped, payeasy_locked or new_authenticator_waiting", body = ErrorBody),
        (status = 409, description = "bill_already_paid", body = ErrorBody),
        (status = 422, description = "invalid_input, biller_not_found, bill_not_found, bill_overdue, insufficient_funds or payeasy_limit_exceeded", body = ErrorBody)))]
/// `POST /api/payeasy/quote`: BPY003's 次へ.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn quote(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<BillQuery>,
) -> Result<Json<BillQuote>, ApiError> {
    let me = current.customer_id;
    let asked = request.check()?;
    let from = own_account(&state, me, &asked.from).await?;
    let factors = SecondFactors::of(&state, me).await?;
    factors.require()?;
    let (biller, found) = bill::find(&state, &client, me, &asked).await?;
    ensure_paid_before_or_not_waiting(&state, me, &biller).await?;
    let total = found.amount + biller.fee;
    let remaining = (day_limit(&state, &state.db, me).await?
        - day_totals::total(&state.db, DayTotals::Payeasy, me, jst_day(state.clock.now())).await?)
        .max(Yen::ZERO);
    if total > remaining {
        return Err(PayeasyError::LimitExceeded.into());
    }
    if from.balance - from.held < total {
        return Err(PayeasyError::InsufficientFunds.into());
    }
    Ok(Json(BillQuote {
        from: account_of(&from),
        biller: biller_of(&biller),
        description: found.description.clone(),
        amount: found.amount.0,
        due_date: due_date(found.due_day),
        fee: biller.fee.0,
        balance_after: (from.balance - total).0,
        limit_remaining: remaining.0,
        passkey_available: factors.passkey(),
        otp_accepted: factors.require_code(&state.policy).is_ok(),
        idempotency_key: transfer::new_idempotency_key(),
    }))
}

/// 納付期限 as the screens write it.
fn due_date(day: i64) -> String {
    netbank_api::display::japanese_date(&netbank_api::input::Date::from_days(day).to_string())
}

#[utoipa::path(post, path = "/payeasy/payments", tag = "payeasy", request_body = BillPaymentRequest,
    responses((status = 200, description = "完了: the receipt (the same for every retry of one confirmation)", body = BillReceipt),
        (status = 401, description = "unauthenticated, session_expired or invalid_otp", body = ErrorBody),
        (status = 403, description = "otp_required, otp_suspended, payeasy_stopped, payeasy_locked or new_authenticator_waiting", body = ErrorBody),
        (status = 409, description = "otp_already_used, idempotency_conflict or bill_already_paid", body = ErrorBody),
        (status = 422, description = "invalid_input, biller_not_found, bill_not_found, bill_overdue, insufficient_funds or payeasy_limit_exceeded", body = ErrorBody)))]
/// `POST /api/payeasy/payments`: BPY004's 確定.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn execute(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<BillPaymentRequest>,
) -> Result<Json<BillReceipt>, ApiError> {
    let me = current.customer_id;
    let (asked, key) = request.check()?;
    let from = own_account(&state, me, &asked.from).await?;
    // A confirmation done already answers as it did; its code was used then.
    if let Some(done) = payeasy::find_by_key(&state.db, me, key.as_str()).await? {
        return Ok(Json(replay(done, &from, &asked)?));
    }
    let factors = SecondFactors::of(&state, me).await?;
    factors.require()?;
    let (biller, found) = bill::find(&state, &client, me, &asked).await?;
    ensure_paid_before_or_not_waiting(&state, me, &biller).await?;
    let tx = if let Some(answer) = &request.passkey {
        let binding = Binding::bill(&asked, &key);
        match approval::accept(&state, &client, me, answer, &binding, AuditAction::PayeasyPayment).await {
            Ok((tx, _)) => tx,
            // A parallel submission of this confirmation took the approval and paid.
            Err(PasskeyError::UnknownCeremony) => {
                return already_done(&state, me, key.as_str(), &from, &asked, PasskeyError::UnknownCeremony.into())
                    .await
            }
            Err(error) => return Err(error.into()),
        }
    } else {
        factors.require_code(&state.policy)?;
        let code = OtpCode::parse(request.otp.as_deref().unwrap_or_default())?;
        match verify::accept(&state, me, Procedure::Confirm, &code, AuditAction::PayeasyPayment, &client).await {
            Ok(tx) => tx,
            // A parallel submission of this confirmation used the code and paid.
            Err(CodeError::AlreadyUsed) => {
                return already_done(&state, me, key.as_str(), &from, &asked, CodeError::AlreadyUsed.into()).await
            }
            Err(error) => return Err(error.into()),
        }
    };
    pay(
        tx,
        &state,
        &client,
        me,
        Payment { from: &from, biller: &biller, bill: &found, asked: &asked, key: key.as_str() },
    )
    .await
}

/// The receipt of a parallel submission that won, or `refusal`.
async fn already_done(
    state: &AppState,
    customer_id: CustomerId,
    key: &str,
    from: &AccountRecord,
    asked: &Bill,
    refusal: ApiError,
) -> Result<Json<BillReceipt>, ApiError> {
    match payeasy::find_by_key(&state.db, customer_id, key).await? {
        Some(done) => Ok(Json(replay(done, from, asked)?)),
        None => Err(refusal),
    }
}

struct Payment<'a> {
    from: &'a AccountRecord,
    biller: &'a BillerRow,
    bill: &'a BillRow,
    asked: &'a Bill,
    key: &'a str,
}

type WriteError = crate::banking::WriteError<PayeasyError>;

/// Pays in `tx` (which spent the proof): the money moves and the bill closes, or nothing but
/// the refusal's record commits.
async fn pay(
    mut tx: Transaction<'static, Any>,
    state: &AppState,
    client: &ClientAddr,
    me: CustomerId,
    payment: Payment<'_>,
) -> Result<Json<BillReceipt>, ApiError> {
    let now = state.clock.now();
    let mut attempt = sqlx::Acquire::begin(&mut *tx).await?;
    match write(&mut attempt, state, me, &payment, now).await {
        Ok(id) => {
            attempt.commit().await?;
            let event = AuditEvent {
                customer_id: Some(me),
                event: AuditAction::PayeasyPayment,
                client_addr: client.ip_string(),
                result: Outcome::Success,
                detail: Some(format!(
                    "receipt={} biller={} amount={} fee={}",
                    receipt_no(id, now),
                    payment.biller.number,
                    payment.bill.amount,
                    payment.biller.fee
                )),
            };
            audit::record(&mut *tx, now, event).await?;
            tx.commit().await?;
            state.mail_wakeup.notify_one();
            let done = payeasy::by_id(&state.db, id).await?;
            Ok(Json(receipt(&done)))
        }
        Err(WriteError::Duplicate) => {
            attempt.rollback().await?;
            // Read in this transaction: the pool's other connections may all be held by
            // requests waiting for this one's write lock.
            match payeasy::find_by_key(&mut *tx, me, payment.key).await? {
                Some(done) => {
                    tx.rollback().await?;
                    Ok(Json(replay(done, payment.from, payment.asked)?))
                }
                // Not this key: the bill's own UNIQUE — another payment of it committed first.
                // The proof stays spent, as for any refusal after it was accepted.
                None => {
                    let error = PayeasyError::AlreadyPaid;
                    Err(refuse_with_proof_spent(tx, client, me, AuditAction::PayeasyPayment, error, now).await)
                }
            }
        }
        Err(WriteError::Refused(error)) => {
            attempt.rollback().await?;
            Err(refuse_with_proof_spent(tx, client, me, AuditAction::PayeasyPayment, error, now).await)
        }
    }
}

/// Records the payment under its key, closes the bill, reserves the day's ペイジー and moves the
/// money, in `tx`; the payment's id.
async fn write(
    tx: &mut Transaction<'_, Any>,
    state: &AppState,
    me: CustomerId,
    payment: &Payment<'_>,
    now: i64,
) -> Result<i64, WriteError> {
    let Payment { from, biller, bill, .. } = payment;
    // Due today means paid by the end of today, Japan time, as this transaction commits.
    if bill.due_day < jst_day(now) {
        return Err(WriteError::Refused(PayeasyError::Overdue));
    }
    let entry = crate::store::ledger::insert_entry(&mut **tx, EntryKind::Transfer, Some(me), now).await?;
    let new = NewPayment {
        customer_id: me,
        idempotency_key: payment.key,
        entry_id: entry,
        bill_id: bill.id,
        biller_id: biller.id,
        from_account_id: from.id,
        amount: bill.amount,
        fee: biller.fee,
    };
    let id = payeasy::insert(&mut **tx, new, now).await?;
    if !billers::mark_paid(&mut **tx, bill.id, now).await? {
        return Err(WriteError::Refused(PayeasyError::AlreadyPaid));
    }
    let total = bill.amount + biller.fee;
    let limit = day_limit(state, &mut **tx, me).await?;
    if !day_totals::reserve(&mut *tx, DayTotals::Payeasy, me, jst_day(now), total, limit).await? {
        return Err(WriteError::Refused(PayeasyError::LimitExceeded));
    }
    let receipt = receipt_no(id, now);
    match ledger::post_lines(&mut *tx, entry, money_lines(from, biller, bill, &receipt)).await {
        Ok(()) => {}
        Err(PostingError::Overdraft(_)) => return Err(WriteError::Refused(PayeasyError::InsufficientFunds)),
        Err(PostingError::Store(error)) => return Err(error.into()),
    }
    let notice = Notice::PayeasyAccepted {
        receipt_no: receipt,
        biller: biller.name.clone(),
        description: bill.description.clone(),
        amount: bill.amount,
        fee: biller.fee,
    };
    notice::send(tx, me, &notice, now).await?;
    Ok(id)
}

/// The amount out of the customer's account into the biller's 収納口座 (摘要: the biller's name
/// on the payer's side, the 受付番号 and bill number on the biller's), and the fee into the
/// bank's fee income.
fn money_lines(from: &AccountRecord, biller: &BillerRow, bill: &BillRow, receipt: &str) -> Vec<Line> {
    let mut lines = vec![
        Line {
            side: Side::Account(from.id), amount: -bill.amount, description: format!("ペイジー {}", biller.name)
        },
        Line {
            side: Side::Account(biller.account_id),
            amount: bill.amount,
            description: format!("ペイジー {receipt} {}", bill.number),
        },
    ];
    if biller.fee > Yen::ZERO {
        lines.push(Line {
            side: Side::Account(from.id),
            amount: -biller.fee,
            description: "ペイジー手数料".to_owned(),
        });
        lines.push(Line {
            side: Side::House(HouseAccount::FeeIncome),
            amount: biller.fee,
            description: "ペイジー手数料".to_owned(),
        });
    }
    lines
}

/// A key used before is that confirmation again only for the same account and the same
/// bill's every number.
fn replay(done: PaymentRow, from: &AccountRecord, asked: &Bill) -> Result<BillReceipt, PayeasyError> {
    let numbers = (done.bill_confirmation.as_str(), done.bill_category.as_deref());
    let same = done.from_account_id == from.id
        && done.biller_number == asked.biller.as_str()
        && done.bill_number == asked.number.as_str()
        && bill::numbers_match(done.biller_needs_category != 0, numbers, asked);
    match same {
        true => Ok(receipt(&done)),
        false => Err(PayeasyError::IdempotencyConflict),
    }
}

/// A payment as 完了 and 払込照会 show it.
pub fn receipt(done: &PaymentRow) -> BillReceipt {
    BillReceipt {
        receipt_no: receipt_no(done.id, done.created_at),
        accepted_at: jst_datetime(done.created_at),
        from_account: format!("{}-{}", done.from_branch_code, done.from_number),
        biller: biller(&done.biller_number, &done.biller_name, &done.biller_kind, done.biller_needs_category),
        bill_number: done.bill_number.clone(),
        description: done.description.clone(),
        amount: done.amount.0,
        fee: done.fee.0,
    }
}
