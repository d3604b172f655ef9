//! 他行振込's 確認 (`quote`: the bank and branch from the master, the 受取人名 in the network's
//! カナ, the fee by destination, the day it leaves, a fresh idempotency key) and 実行
//! (`execute`), exactly once: recorded under the confirmation's key, reserved against the
//! day's 振込 limit and debited into the clearing account, in the transaction that spends the
//! one-time password or the passkey's approval.

use axum::extract::State;
use axum::Json;
use netbank_api::checked::Interbank;
use netbank_api::input::{InputError, OtpCode};
use netbank_api::interbank::{Bank, BookableDates, Branch, InterbankQuote, InterbankReceipt, InterbankRequest};
use netbank_api::otp::Procedure;
use netbank_api::ErrorBody;
use sqlx::{Any, Transaction};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::banking::interbank::{master, payee_line, receipt, receipt_no, House, InterbankError};
use crate::banking::ledger::{self, Line, PostingError, Side};
use crate::banking::transfer::{self, account_of, own_account, refuse_with_proof_spent, SecondFactors, TransferError};
use crate::banking::{jst_day, limit, risk};
use crate::calendar::{bookable, execution_day, japanese_date_with_weekday};
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
use crate::store::customers;
use crate::store::day_totals::{self, DayTotals};
use crate::store::interbank::{self, InterbankRow, NewInterbank};
use crate::store::ledger::{EntryKind, HouseAccount};
use crate::store::zengin_master::{self, NamedCode};

/// What a 他行振込 will do.
struct Plan {
    from: AccountRecord,
    bank: NamedCode,
    branch: NamedCode,
    amount: Yen,
    fee: Yen,
    requester: String,
    execution_day: i64,
    /// A 振込予約: recorded now, debited on `execution_day`.
    booking: bool,
}

/// The bank, branch, fee, 依頼人名 and day of `asked`, and the rules every 振込 keeps: the
/// customer's cap on one 振込, the night's.
async fn plan(
    state: &AppState,
    db: &mut sqlx::AnyConnection,
    me: CustomerId,
    from: AccountRecord,
    asked: &Interbank,
) -> Result<Plan, InterbankError> {
    let bank = master::other_bank(&mut *db, &asked.bank).await?;
    let branch = zengin_master::branch(&mut *db, &bank.code, asked.branch.as_str())
        .await?
        .ok_or(InterbankError::BranchNotFound)?;
    let amount = Yen(asked.amount.yen());
    let fee = state.policy.transfer.fees.other_bank_fee(amount);
    let now = state.clock.now();
    if let Some(night) = state.policy.transfer.night {
        if night.covers(netbank_api::jst::seconds_into_day(now)) && amount + fee > night.per_transfer {
            return Err(TransferError::NightLimitExceeded(night).into());
        }
    }
    let requester = transfer::requester_name(asked.requester.as_ref(), &from)?;
    let policy = &state.policy.transfer;
    let earliest = execution_day(now, policy.same_day_cutoff, policy.moretime);
    let (execution_day, booking) = match asked.execution_date {
        Some(date) if date.days() == earliest => (earliest, false),
        Some(date) if bookable(earliest, jst_day(now), date.days()) => (date.days(), true),
        Some(_) => {
            let message = "振込指定日は、30日先までの営業日（最短の指定日より後）から選択してください。";
            return Err(InputError { field: "execution_date", message }.into());
        }
        None => (earliest, false),
    };
    let (day_limit, cap) = limit::limits_at(state, &mut *db, me, booking.then_some(execution_day)).await?;
    transfer::ensure_within(amount + fee, booking.then_some(day_limit), cap)?;
    Ok(Plan { from, bank, branch, amount, fee, requester, execution_day, booking })
}

/// The account `asked` names: bank, branch, 科目, number.
fn payee_of(asked: &Interbank) -> (&str, &str, &str, &str) {
    (asked.bank.as_str(), asked.branch.as_str(), asked.kind.as_str(), asked.number.as_str())
}

/// A first 他行振込 to an account waits while a new authenticator does.
async fn ensure_paid_before_or_not_waiting(
    state: &AppState,
    me: CustomerId,
    asked: &Interbank,
) -> Result<(), ApiError> {
    if !interbank::paid_before(&state.db, me, payee_of(asked), state.clock.now() + 1).await? {
        enrolment::ensure_not_waiting(state, me).await?;
    }
    Ok(())
}

/// The bank's hold rules, applied to a 他行振込: the names of those it meets (a 振込 they
/// catch waits for the branch's review before any 全銀 file takes it), or `None`.
async fn rules_met(
    state: &AppState,
    db: &mut sqlx::AnyConnection,
    me: CustomerId,
    plan: &Plan,
    asked: &Interbank,
) -> sqlx::Result<Option<String>> {
    let Some(rule) = state.policy.transfer.hold else { return Ok(None) };
    let now = state.clock.now();
    let since = now - i64::from(rule.window_days) * 86_400;
    let known = interbank::paid_before(&mut *db, me, payee_of(asked), since).await?;
    let earlier = match known {
        true => Yen::ZERO,
        false => transfer::new_payee_money_since(&mut *db, me, since, None).await?,
    };
    let marks = customers::risk_marks(&mut *db, me).await?;
    let rules = risk::rules_met(Some(rule), &marks, known, earlier + plan.amount + plan.fee, now);
    Ok((!rules.is_empty()).then(|| risk::names(&rules)))
}

#[utoipa::path(post, path = "/interbank/quote", tag = "interbank", request_body = netbank_api::interbank::InterbankDraft,
    responses((status = 200, description = "the 確認 screen: nothing moves", body = InterbankQuote),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 403, description = "otp_required, otp_suspended or new_authenticator_waiting", body = ErrorBody),
        (status = 422, description = "invalid_input, bank_not_found, branch_not_found, insufficient_funds, daily_limit_exceeded, per_transfer_limit_exceeded or night_limit_exceeded", body = ErrorBody)))]
/// `POST /api/interbank/quote`: BTF011's 次へ for 他の金融機関.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn quote(
    State(state): State<AppState>,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<netbank_api::interbank::InterbankDraft>,
) -> Result<Json<InterbankQuote>, ApiError> {
    let me = current.customer_id;
    let asked = request.check()?;
    let from = own_account(&state, me, &asked.from).await?;
    let factors = SecondFactors::of(&state, me).await?;
    factors.require().map_err(InterbankError::from)?;
    let mut db = state.db.acquire().await?;
    let plan = plan(&state, &mut db, me, from, &asked).await?;
    drop(db);
    ensure_paid_before_or_not_waiting(&state, me, &asked).await?;
    let remaining = limit::remaining_today(&state, me).await?;
    // A 振込予約's balance and limit are those of its day, checked then.
    if !plan.booking && plan.amount + plan.fee > remaining {
        return Err(InterbankError::from(TransferError::DailyLimitExceeded).into());
    }
    if !plan.booking && plan.from.balance - plan.from.held < plan.amount + plan.fee {
        return Err(InterbankError::from(TransferError::InsufficientFunds).into());
    }
    let today = jst_day(state.clock.now());
    Ok(Json(InterbankQuote {
        from: account_of(&plan.from),
        bank: Bank { code: plan.bank.code.clone(), name: plan.bank.name.clone(), kana: plan.bank.kana.clone() },
        branch: Branch {
            code: plan.branch.code.clone(),
            name: plan.branch.name.clone(),
            kana: plan.branch.kana.clone(),
        },
        kind: asked.kind,
        account_number: asked.number.as_str().to_owned(),
        payee_name: asked.payee.as_str().to_owned(),
        amount: plan.amount.0,
        fee: plan.fee.0,
        balance_after: (plan.from.balance - plan.amount - plan.fee).0,
        requester_name: plan.requester.clone(),
        limit_remaining: remaining.0,
        execution_date: japanese_date_with_weekday(plan.execution_day),
        next_business_day: plan.execution_day != today,
        booking: plan.booking,
        passkey_available: factors.passkey(),
        otp_accepted: factors.require_code(&state.policy).is_ok(),
        idempotency_key: transfer::new_idempotency_key(),
    }))
}

#[utoipa::path(post, path = "/interbank/transfers", tag = "interbank", request_body = InterbankRequest,
    responses((status = 200, description = "完了: the receipt (the same for every retry of one confirmation)", body = InterbankReceipt),
        (status = 401, description = "unauthenticated, session_expired or invalid_otp", body = ErrorBody),
        (status = 403, description = "otp_required, otp_suspended or new_authenticator_waiting", body = ErrorBody),
        (status = 409, description = "otp_already_used or idempotency_conflict", body = ErrorBody),
        (status = 422, description = "invalid_input, bank_not_found, branch_not_found, insufficient_funds or daily_limit_exceeded", body = ErrorBody)))]
/// `POST /api/interbank/transfers`: the 確認 screen's 実行.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn execute(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<InterbankRequest>,
) -> Result<Json<InterbankReceipt>, ApiError> {
    let me = current.customer_id;
    let (asked, key) = request.check()?;
    let from = own_account(&state, me, &asked.from).await?;
    if let Some(done) = interbank::find_by_key(&state.db, me, key.as_str()).await? {
        return Ok(Json(replay(&done, &from, &asked)?));
    }
    let factors = SecondFactors::of(&state, me).await?;
    factors.require().map_err(InterbankError::from)?;
    ensure_paid_before_or_not_waiting(&state, me, &asked).await?;
    let tx = if let Some(answer) = &request.passkey {
        let binding = Binding::interbank(&asked, &key);
        match approval::accept(&state, &client, me, answer, &binding, AuditAction::InterbankTransfer).await {
            Ok((tx, _)) => tx,
            Err(PasskeyError::UnknownCeremony) => {
                return already_done(&state, me, key.as_str(), &from, &asked, PasskeyError::UnknownCeremony.into())
                    .await
            }
            Err(error) => return Err(error.into()),
        }
    } else {
        factors.require_code(&state.policy).map_err(InterbankError::from)?;
        let code = OtpCode::parse(request.otp.as_deref().unwrap_or_default())?;
        match verify::accept(&state, me, Procedure::Confirm, &code, AuditAction::InterbankTransfer, &client).await {
            Ok(tx) => tx,
            Err(CodeError::AlreadyUsed) => {
                return already_done(&state, me, key.as_str(), &from, &asked, CodeError::AlreadyUsed.into()).await
            }
            Err(error) => return Err(error.into()),
        }
    };
    send(tx, &state, &client, me, from, &asked, key.as_str()).await
}

/// The receipt of a parallel submission that won, or `refusal`.
async fn already_done(
    state: &AppState,
    me: CustomerId,
    key: &str,
    from: &AccountRecord,
    asked: &Interbank,
    refusal: ApiError,
) -> Result<Json<InterbankReceipt>, ApiError> {
    match interbank::find_by_key(&state.db, me, key).await? {
        Some(done) => Ok(Json(replay(&done, from, asked)?)),
        None => Err(refusal),
    }
}

/// A key used before is that confirmation again only for the same account, payee and amount.
fn replay(done: &InterbankRow, from: &AccountRecord, asked: &Interbank) -> Result<InterbankReceipt, InterbankError> {
    let same = done.from_account_id == from.id
        && done.bank_code == asked.bank.as_str()
        && done.branch_code == asked.branch.as_str()
        && done.account_number == asked.number.as_str()
        && done.payee_name == asked.payee.as_str()
        && done.amount == Yen(asked.amount.yen())
        && asked.execution_date.is_none_or(|date| date.days() == done.execution_day);
    match same {
        true => Ok(receipt(done)),
        false => Err(TransferError::IdempotencyConflict.into()),
    }
}

type WriteError = crate::banking::WriteError<ApiError>;

/// Plans and records in `tx` (which spent the proof): the money moves into the clearing
/// account, or nothing but the refusal's record commits.
async fn send(
    mut tx: Transaction<'static, Any>,
    state: &AppState,
    client: &ClientAddr,
    me: CustomerId,
    from: AccountRecord,
    asked: &Interbank,
    key: &str,
) -> Result<Json<InterbankReceipt>, ApiError> {
    let now = state.clock.now();
    let refuse = |tx, error: ApiError| {
        refuse_with_proof_spent(tx, client, me, AuditAction::InterbankTransfer, Refusal(error), now)
    };
    let plan = match plan(state, &mut tx, me, from, asked).await {
        Ok(plan) => plan,
        Err(error) => return Err(refuse(tx, error.into()).await),
    };
    let review = rules_met(state, &mut tx, me, &plan, asked).await?;
    let mut attempt = sqlx::Acquire::begin(&mut *tx).await?;
    match write(&mut attempt, state, me, &plan, asked, key, review.as_deref(), now).await {
        Ok(row) => {
            attempt.commit().await?;
            let (event, rules) = match &review {
                Some(rules) => (AuditAction::TransferHold, format!(" rules={rules}")),
                None => (AuditAction::InterbankTransfer, String::new()),
            };
            let event = AuditEvent {
                customer_id: Some(me),
                event,
                client_addr: client.ip_string(),
                result: Outcome::Success,
                detail: Some(format!(
                    "receipt={} amount={} fee={} to={}-{}-{} day={}{rules}",
                    receipt_no(row.id, now),
                    plan.amount,
                    plan.fee,
                    plan.bank.code,
                    plan.branch.code,
                    asked.number.as_str(),
                    plan.execution_day
                )),
            };
            audit::record(&mut *tx, now, event).await?;
            tx.commit().await?;
            state.mail_wakeup.notify_one();
            Ok(Json(receipt(&row)))
        }
        Err(WriteError::Duplicate) => {
            attempt.rollback().await?;
            match interbank::find_by_key(&mut *tx, me, key).await? {
                Some(done) => {
                    tx.rollback().await?;
                    Ok(Json(replay(&done, &plan.from, asked)?))
                }
                None => Err(anyhow::anyhow!("a duplicate key without its 他行振込").into()),
            }
        }
        Err(WriteError::Refused(error)) => {
            attempt.rollback().await?;
            Err(refuse(tx, error).await)
        }
    }
}

/// An `ApiError` as a refusal `refuse_with_proof_spent` records.
struct Refusal(ApiError);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0.body.reason)
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        refusal.0
    }
}

/// Records the instruction under its key, reserves the day's 振込 and moves the amount into
/// the clearing account and the fee into fee income, in `tx`; a 振込予約 is only recorded.
/// One the fraud rules caught (`review`) is recorded the same way and waits for the branch.
#[allow(clippy::too_many_arguments)]
async fn write(
    tx: &mut Transaction<'_, Any>,
    state: &AppState,
    me: CustomerId,
    plan: &Plan,
    asked: &Interbank,
    key: &str,
    review: Option<&str>,
    now: i64,
) -> Result<InterbankRow, WriteError> {
    let entry = match plan.booking {
        true => None,
        false => Some(crate::store::ledger::insert_entry(&mut **tx, EntryKind::Transfer, Some(me), now).await?),
    };
    let new = NewInterbank {
        customer_id: me,
        idempotency_key: key,
        entry_id: entry,
        from_account_id: plan.from.id,
        bank: (&plan.bank.code, &plan.bank.name, &plan.bank.kana),
        branch: (&plan.branch.code, &plan.branch.name, &plan.branch.kana),
        account_kind: asked.kind.as_str(),
        account_number: asked.number.as_str(),
        payee_name: asked.payee.as_str(),
        amount: plan.amount,
        fee: plan.fee,
        requester_name: &plan.requester,
        execution_day: plan.execution_day,
        review_rules: review,
    };
    let id = interbank::insert(&mut **tx, new, now).await?;
    let row = interbank::by_id(&mut **tx, id).await?.ok_or(sqlx::Error::RowNotFound)?;
    let (receipt, payee, execution_date) =
        (receipt_no(id, now), payee_line(&row), japanese_date_with_weekday(plan.execution_day));
    let notice = match entry {
        Some(entry) => {
            debit(tx, state, &row, entry, now).await.map_err(|refusal| match refusal {
                Debit::Refused(error) => WriteError::Refused(InterbankError::from(error).into()),
                Debit::Store(error) => WriteError::from(error),
            })?;
            Notice::InterbankAccepted { receipt_no: receipt, payee, amount: plan.amount, fee: plan.fee, execution_date }
        }
        None => {
            Notice::InterbankBooked { receipt_no: receipt, payee, amount: plan.amount, fee: plan.fee, execution_date }
        }
    };
    let notice = match review {
        Some(_) => {
            Notice::InterbankHeld { receipt_no: receipt_no(id, now), payee: payee_line(&row), amount: plan.amount }
        }
        None => notice,
    };
    notice::send(tx, me, &notice, now).await?;
    Ok(row)
}

/// Why an instruction could not be debited.
pub(crate) enum Debit {
    Refused(TransferError),
    Store(sqlx::Error),
}

impl From<sqlx::Error> for Debit {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(error)
    }
}

/// Debits the instruction `row` under `entry`, in `tx`: reserves today's 振込 against the
/// customer's limit, moves the amount into the clearing account and the fee into fee income.
/// The 振込 at once and a 振込予約 on its morning alike.
pub(crate) async fn debit(
    tx: &mut Transaction<'_, Any>,
    state: &AppState,
    row: &InterbankRow,
    entry: i64,
    now: i64,
) -> Result<(), Debit> {
    let me = row.customer_id;
    let day_limit = limit::daily_limit(state, &mut **tx, me).await?;
    if !day_totals::reserve(&mut *tx, DayTotals::Transfers, me, jst_day(now), row.amount + row.fee, day_limit).await? {
        return Err(Debit::Refused(TransferError::DailyLimitExceeded));
    }
    let clearing = House::Clearing.id(&mut **tx).await?;
    let receipt = receipt_no(row.id, row.created_at);
    let mut lines = vec![
        Line {
            side: Side::Account(row.from_account_id),
            amount: -row.amount,
            description: format!("振込 {} {}", row.bank_name, row.payee_name),
        },
        Line { side: Side::Account(clearing), amount: row.amount, description: format!("他行振込 {receipt}") },
    ];
    if row.fee > Yen::ZERO {
        lines.push(Line {
            side: Side::Account(row.from_account_id),
            amount: -row.fee,
            description: "振込手数料".to_owned(),
        });
        lines.push(Line {
            side: Side::House(HouseAccount::FeeIncome),
            amount: row.fee,
            description: "振込手数料".to_owned(),
        });
    }
    match ledger::post_lines(&mut *tx, entry, lines).await {
        Ok(()) => Ok(()),
        Err(PostingError::Overdraft(_)) => Err(Debit::Refused(TransferError::InsufficientFunds)),
        Err(PostingError::Store(error)) => Err(Debit::Store(error)),
    }
}

#[utoipa::path(get, path = "/interbank/dates", tag = "interbank",
    responses((status = 200, description = "the earliest 振込指定日 and the days a 振込予約 may name", body = BookableDates),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/interbank/dates`: BTF053's 振込指定日.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn dates(State(state): State<AppState>, current: CurrentCustomer) -> Json<BookableDates> {
    let now = state.clock.now();
    let policy = &state.policy.transfer;
    let earliest = execution_day(now, policy.same_day_cutoff, policy.moretime);
    Json(crate::calendar::bookable_dates(earliest, jst_day(now)))
}
