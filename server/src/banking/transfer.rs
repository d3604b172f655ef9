//! 振込・振替: 入力 → 確認 (`quote`: the fee, the balance after, a fresh idempotency key) →
//! 完了 (`execute`). A 振替 between the customer's own accounts needs nothing more; a 振込 to
//! another customer needs a token in use and its current code, counted like a login code.
//!
//! Exactly once: the confirmation's idempotency key is recorded with the transfer in the
//! transaction that moves the money, so a double click, a retry after a timeout or a replay
//! gets the first answer's 受付番号 and moves nothing. The day's 振込 is reserved against the
//! limit, and the source debited, by conditional UPDATEs in that same transaction.

use axum::extract::State;
use axum::Json;
use netbank_api::banking::{
    Payee, TransferDraft, TransferKind, TransferQuote, TransferReceipt, TransferRequest, TransferStatus,
};
use netbank_api::checked::{Destination, Draft};
use netbank_api::enrolment::{Factors, NoTransfer};
use netbank_api::identity::{Account, OtpState};
use netbank_api::input::{AccountNumber, BranchCode, InputError, KanaName, OtpCode};
use netbank_api::otp::Procedure;
use netbank_api::{ErrorBody, ErrorReason};
use rand::RngCore;
use sqlx::{Any, Transaction};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::banking::ledger::{self, Line, PostingError, Side};
pub use crate::banking::payee_of;
use crate::banking::{booking, jst_day, limit, receipt_date, risk};
use crate::calendar::{japanese_date_with_weekday, jst_datetime};
use crate::config::Policy;
use crate::enrolment;
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::ids::{AccountId, CustomerId};
use crate::mail::notice::{self, Notice};
use crate::money::Yen;
use crate::otp::token;
use crate::otp::verify::{self, CodeError};
use crate::passkey::approval::{self, Binding};
use crate::passkey::PasskeyError;
use crate::state::AppState;
use crate::store::accounts::{self, AccountRecord};
use crate::store::customers;
use crate::store::day_totals::{self, DayTotals};
use crate::store::holds::{self, HoldRow, HoldStatus, NewHold};
use crate::store::ledger::{EntryKind, HouseAccount};
use crate::store::payee_flags;
use crate::store::transfer_bookings::{self, BookingRow, NewBooking};
use crate::store::transfers::{self, NewTransfer, TransferRow};
use crate::throttle::{self, Action};

/// Why a transfer was refused; nothing moved.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// お支払口座 is not one of the customer's accounts.
    #[error("not the customer's account")]
    NotYourAccount,
    #[error("from and to are the same account")]
    SameAccount,
    #[error("no such payee account")]
    PayeeNotFound,
    /// A 振込 without a token in use.
    #[error("a one-time password in use is required")]
    OtpRequired,
    /// A code where the bank requires this customer's passkey.
    #[error("the customer's passkey is required")]
    PasskeyRequired,
    #[error("the token is {0:?}")]
    TokenState(OtpState),
    /// Above the customer's own 1回あたりの振込限度額.
    #[error("over the customer's limit per transfer")]
    PerTransferLimitExceeded,
    /// Above the night's limit per 振込.
    #[error("over the night limit")]
    NightLimitExceeded(crate::transfer_policy::NightLimit),
    /// A 依頼人名 other than the account holder's, to an account the bank flags.
    #[error("the payee takes only the payer's own name")]
    RequesterNameLocked,
    /// No 依頼人名 given and none on the account.
    #[error("no requester name")]
    RequesterName,
    #[error("insufficient funds")]
    InsufficientFunds,
    #[error("over the daily limit")]
    DailyLimitExceeded,
    /// The key was used for a different transfer.
    #[error("idempotency key reused for another transfer")]
    IdempotencyConflict,
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for TransferError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(error.into())
    }
}

impl From<TransferError> for ApiError {
    fn from(error: TransferError) -> Self {
        let field = |reason: ErrorReason, field: &str, message: &str| -> ApiError {
            ErrorBody::new(reason).with_message(message).for_field(field).into()
        };
        match error {
            TransferError::NotYourAccount => {
                field(ErrorReason::InvalidInput, "from_account", "お支払口座を選択してください。")
            }
            TransferError::SameAccount => {
                field(ErrorReason::InvalidInput, "to_account_number", "お支払口座と同じ口座には振り込めません。")
            }
            TransferError::PayeeNotFound => {
                ErrorBody::new(ErrorReason::PayeeNotFound).for_field("to_account_number").into()
            }
            TransferError::OtpRequired => ApiError::new(ErrorReason::OtpRequired),
            TransferError::PasskeyRequired => ApiError::new(ErrorReason::PasskeyRequired),
            TransferError::TokenState(state) => token::refusal(state),
            TransferError::PerTransferLimitExceeded => {
                ErrorBody::new(ErrorReason::PerTransferLimitExceeded).for_field("amount").into()
            }
            TransferError::NightLimitExceeded(night) => {
                let message = format!(
                    "{}時から{}時までは、1回あたりの振込金額（手数料を含みます）を{}までとしています。金額を減らすか、{}時以降にお手続きください。",
                    night.from_hour,
                    night.until_hour,
                    netbank_api::banking::yen(night.per_transfer.0),
                    night.until_hour
                );
                ErrorBody::new(ErrorReason::NightLimitExceeded).with_message(message).for_field("amount").into()
            }
            TransferError::RequesterNameLocked => {
                ErrorBody::new(ErrorReason::RequesterNameLocked).for_field("requester_name").into()
            }
            TransferError::RequesterName => {
                field(ErrorReason::InvalidInput, "requester_name", "依頼人名を全角カナで入力してください。")
            }
            TransferError::InsufficientFunds => {
                ErrorBody::new(ErrorReason::InsufficientFunds).for_field("amount").into()
            }
            TransferError::DailyLimitExceeded => {
                ErrorBody::new(ErrorReason::DailyLimitExceeded).for_field("amount").into()
            }
            TransferError::IdempotencyConflict => ApiError::new(ErrorReason::IdempotencyConflict),
            TransferError::Code(error) => error.into(),
            TransferError::Input(error) => error.into(),
            TransferError::Unexpected(error) => error.into(),
        }
    }
}

/// One of the customer's own accounts, by 店番 and 口座番号.
pub async fn own_account(
    state: &AppState,
    customer_id: CustomerId,
    (branch, number): &(BranchCode, AccountNumber),
) -> Result<AccountRecord, TransferError> {
    match accounts::find(&state.db, branch.as_str(), number.as_str()).await? {
        Some(account) if account.customer_id == customer_id => Ok(account),
        _ => Err(TransferError::NotYourAccount),
    }
}

/// The account named by 店番, 科目 and 口座番号 (a wrong 科目 names none).
/// The bank's own 他行振込 accounts (店番 999) are no one's payee: they read as none.
pub async fn destination(state: &AppState, to: &Destination) -> sqlx::Result<Option<AccountRecord>> {
    let found = accounts::find(&state.db, to.branch.as_str(), to.number.as_str())
        .await?
        .filter(|account| account.kind() == to.kind);
    match found {
        Some(account) if crate::store::interbank::is_house_account(&state.db, account.id).await? => Ok(None),
        other => Ok(other),
    }
}

/// Asking for the name behind someone else's account number (a lookup, a quote): a token in
/// use is needed, and unless the account is a kept payee the ask is counted against the
/// customer's hourly allowance. True when it was counted.
pub async fn count_payee_lookup(
    state: &AppState,
    client: &ClientAddr,
    customer_id: CustomerId,
    found: Option<&AccountRecord>,
) -> Result<bool, ApiError> {
    if found.is_some_and(|account| account.customer_id == customer_id) {
        return Ok(false);
    }
    SecondFactors::of(state, customer_id).await?.require()?;
    if let Some(account) = found {
        if transfers::is_payee(&state.db, customer_id, account.id).await? {
            return Ok(false);
        }
    }
    throttle::take_attempt(state, client, Action::PayeeLookup, customer_id).await?;
    Ok(true)
}

/// What a customer can confirm a 振込 with: the token's state and whether a passkey is
/// registered (the rule itself is `api`'s `Factors`, which the SPA follows too).
pub struct SecondFactors(Factors);

impl SecondFactors {
    pub async fn of(state: &AppState, customer_id: CustomerId) -> sqlx::Result<Self> {
        Ok(Self(enrolment::factors(state, customer_id).await?))
    }

    pub fn passkey(&self) -> bool {
        self.0.passkey
    }

    /// A 振込 and a lookup of someone else's account need a token in use or a passkey.
    pub fn require(&self) -> Result<(), TransferError> {
        self.0.may_send_transfer().map_err(|why| match why {
            NoTransfer::Suspended => TransferError::TokenState(OtpState::Suspended),
            NoTransfer::NoSecondFactor => TransferError::OtpRequired,
        })
    }

    /// Confirming with a code needs a token in use, and the bank not requiring this
    /// customer's passkey.
    pub fn require_code(&self, policy: &Policy) -> Result<(), TransferError> {
        if self.0.passkey && policy.phishing_resistant.transfer {
            return Err(TransferError::PasskeyRequired);
        }
        token_in_use(self.0.token)
    }
}

fn token_in_use(token: OtpState) -> Result<(), TransferError> {
    match token {
        OtpState::Active => Ok(()),
        OtpState::Suspended => Err(TransferError::TokenState(OtpState::Suspended)),
        _ => Err(TransferError::OtpRequired),
    }
}

/// A 振込 to an account the customer has never paid waits while a new authenticator does. An
/// unknown account counts as never paid, so the refusal says nothing of whether it exists.
async fn ensure_paid_before_or_not_waiting(
    state: &AppState,
    customer_id: CustomerId,
    to: Option<&AccountRecord>,
) -> Result<(), enrolment::WaitingError> {
    let paid = match to {
        Some(account) => transfers::has_paid(&state.db, customer_id, account.id).await?,
        None => false,
    };
    if paid {
        return Ok(());
    }
    enrolment::ensure_not_waiting(state, customer_id).await
}

pub fn account_of(account: &AccountRecord) -> Account {
    Account {
        kind: account.kind(),
        branch_code: account.branch_code.clone(),
        number: account.number.clone(),
        balance: account.balance.0,
        holder_kana: account.holder_kana.clone(),
        held: account.held.0,
    }
}

/// What a transfer will do.
pub(crate) struct Plan {
    pub kind: TransferKind,
    pub from: AccountRecord,
    pub to: AccountRecord,
    pub amount: Yen,
    pub fee: Yen,
    pub requester: String,
    /// A 振込予約's day: recorded now, carried out at the start of that day.
    pub booking: Option<i64>,
}

fn plan(
    state: &AppState,
    customer_id: CustomerId,
    from: AccountRecord,
    to: AccountRecord,
    draft: &Draft,
) -> Result<Plan, TransferError> {
    if from.id == to.id {
        return Err(TransferError::SameAccount);
    }
    let kind = if to.customer_id == customer_id { TransferKind::OwnTransfer } else { TransferKind::Transfer };
    let amount = Yen(draft.amount.yen());
    let fee = match kind {
        TransferKind::OwnTransfer => Yen::ZERO,
        TransferKind::Transfer => state.policy.transfer.fees.fee(from.branch_code == to.branch_code, amount),
    };
    if let Some(night) = state.policy.transfer.night {
        let at_night = night.covers(netbank_api::jst::seconds_into_day(state.clock.now()));
        if kind == TransferKind::Transfer && at_night && amount + fee > night.per_transfer {
            return Err(TransferError::NightLimitExceeded(night));
        }
    }
    let requester = requester_name(draft.requester.as_ref(), &from)?;
    let booking = match draft.execution_date {
        None => None,
        Some(date) => {
            let today = jst_day(state.clock.now());
            if !crate::calendar::bookable(today, today, date.days()) {
                let message = "振込指定日は、翌日から30日先までの営業日から選択してください。";
                return Err(InputError { field: "execution_date", message }.into());
            }
            Some(date.days())
        }
    };
    Ok(Plan { kind, from, to, amount, fee, requester, booking })
}

/// 依頼人名: as given, or the paying account's 口座名義 (カナ).
pub(crate) fn requester_name(given: Option<&KanaName>, from: &AccountRecord) -> Result<String, TransferError> {
    match (given, &from.holder_kana) {
        (Some(name), _) => Ok(name.as_str().to_owned()),
        (None, Some(kana)) => Ok(kana.clone()),
        (None, None) => Err(TransferError::RequesterName),
    }
}

/// A 振込 within the customer's own cap on one 振込, if they set one; a 振込予約 also within
/// the whole limit of its day (above it, it could never be made: refused now, not on the day).
pub(crate) async fn ensure_per_transfer(
    state: &AppState,
    db: impl sqlx::any::AnyExecutor<'_>,
    customer_id: CustomerId,
    plan: &Plan,
) -> Result<(), TransferError> {
    if plan.kind == TransferKind::Transfer {
        let (day_limit, cap) = limit::limits_at(state, db, customer_id, plan.booking).await?;
        ensure_within(plan.amount + plan.fee, plan.booking.map(|_| day_limit), cap)?;
    }
    Ok(())
}

/// `total` within the cap on one 振込 and, for a 振込予約, its day's limit.
pub(crate) fn ensure_within(total: Yen, day_limit: Option<Yen>, cap: Option<Yen>) -> Result<(), TransferError> {
    if cap.is_some_and(|cap| total > cap) {
        return Err(TransferError::PerTransferLimitExceeded);
    }
    if day_limit.is_some_and(|limit| total > limit) {
        return Err(TransferError::DailyLimitExceeded);
    }
    Ok(())
}

/// To an account the bank flags, a 振込 carries the payer's own name: a 依頼人名 changed to
/// another name is refused (the FSA/NPA request on 依頼人名 of 2025).
async fn ensure_own_name(db: impl sqlx::any::AnyExecutor<'_>, plan: &Plan) -> Result<(), TransferError> {
    let changed = plan.from.holder_kana.as_deref() != Some(plan.requester.as_str());
    if plan.kind == TransferKind::Transfer && changed && payee_flags::is_flagged(db, plan.to.id).await? {
        return Err(TransferError::RequesterNameLocked);
    }
    Ok(())
}

/// A fresh key for one confirmation screen: 128 random bits.
pub(crate) fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[utoipa::path(post, path = "/transfers/quote", tag = "banking", request_body = TransferDraft,
    responses((status = 200, description = "the 確認 screen: nothing moves", body = TransferQuote),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 403, description = "otp_required (振込 without a token in use) or otp_suspended", body = ErrorBody),
        (status = 422, description = "invalid_input, payee_not_found, insufficient_funds or daily_limit_exceeded", body = ErrorBody),
        (status = 429, description = "rate_limited (payee lookups)", body = ErrorBody)))]
/// `POST /api/transfers/quote`: checks a transfer as the 確認 screen shows it.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn quote(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<TransferDraft>,
) -> Result<Json<TransferQuote>, ApiError> {
    let me = current.customer_id;
    let draft = request.check()?;
    let from = own_account(&state, me, &draft.from).await?;
    let to = destination(&state, &draft.to).await?;
    count_payee_lookup(&state, &client, me, to.as_ref()).await?;
    let to = to.ok_or(TransferError::PayeeNotFound)?;
    let plan = plan(&state, me, from, to, &draft)?;
    ensure_own_name(&state.db, &plan).await?;
    ensure_per_transfer(&state, &state.db, me, &plan).await?;
    if plan.kind == TransferKind::Transfer {
        ensure_paid_before_or_not_waiting(&state, me, Some(&plan.to)).await?;
    }
    // A 振込予約's balance and limit are those of its day, checked then.
    let limit_remaining = match plan.kind {
        _ if plan.booking.is_some() => None,
        TransferKind::Transfer => {
            let remaining = limit::remaining_today(&state, me).await?;
            // The fee is money leaving the account that day too.
            if plan.amount + plan.fee > remaining {
                return Err(TransferError::DailyLimitExceeded.into());
            }
            Some(remaining.0)
        }
        TransferKind::OwnTransfer => None,
    };
    // What is held for a 振込 the bank checks is not payable.
    if plan.booking.is_none() && plan.from.balance - plan.from.held < plan.amount + plan.fee {
        return Err(TransferError::InsufficientFunds.into());
    }
    let needs_factor = plan.kind == TransferKind::Transfer;
    let (passkey_available, otp_accepted) = match needs_factor {
        true => {
            let factors = SecondFactors::of(&state, me).await?;
            (factors.passkey(), factors.require_code(&state.policy).is_ok())
        }
        false => (false, false),
    };
    Ok(Json(TransferQuote {
        kind: plan.kind,
        from: account_of(&plan.from),
        to: payee_of(&plan.to, plan.kind == TransferKind::OwnTransfer),
        amount: plan.amount.0,
        fee: plan.fee.0,
        balance_after: (plan.from.balance - plan.amount - plan.fee).0,
        requester_name: plan.requester,
        limit_remaining,
        otp_required: needs_factor,
        passkey_available,
        otp_accepted,
        idempotency_key: new_idempotency_key(),
        execution_date: plan.booking.map(crate::calendar::japanese_date_with_weekday),
    }))
}

#[utoipa::path(post, path = "/transfers", tag = "banking", request_body = TransferRequest,
    responses((status = 200, description = "完了: the receipt (the same for every retry of one confirmation)", body = TransferReceipt),
        (status = 401, description = "unauthenticated, session_expired or invalid_otp", body = ErrorBody),
        (status = 403, description = "otp_required or otp_suspended", body = ErrorBody),
        (status = 409, description = "otp_already_used or idempotency_conflict", body = ErrorBody),
        (status = 422, description = "invalid_input, payee_not_found, insufficient_funds or daily_limit_exceeded", body = ErrorBody)))]
/// `POST /api/transfers`: the 確認 screen's 実行.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn execute(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<TransferRequest>,
) -> Result<Json<TransferReceipt>, ApiError> {
    let me = current.customer_id;
    let (draft, key) = request.check()?;
    let from = own_account(&state, me, &draft.from).await?;
    let to = destination(&state, &draft.to).await?;
    // A confirmation done already answers as it did; its code was used then.
    if let Some(held) = holds::find_by_key(&state.db, me, key.as_str()).await? {
        return Ok(Json(replay_hold(&state, held, &from, to.as_ref(), &draft).await?));
    }
    if let Some(done) = transfers::find_by_key(&state.db, me, key.as_str()).await? {
        return Ok(Json(replay(&state, done, &from, to.as_ref(), &draft).await?));
    }
    if let Some(booked) = transfer_bookings::find_by_key(&state.db, me, key.as_str()).await? {
        return Ok(Json(replay_booking(&state, booked, &from, to.as_ref(), &draft).await?));
    }
    let own = to.as_ref().is_some_and(|to| to.customer_id == me);
    if !own {
        ensure_paid_before_or_not_waiting(&state, me, to.as_ref()).await?;
    }
    let mut tx = if own {
        crate::db::begin_write(&state.db).await?
    } else if let Some(answer) = &request.passkey {
        match approval::accept(&state, &client, me, answer, &Binding::transfer(&draft, &key), AuditAction::Transfer)
            .await
        {
            Ok((tx, _)) => tx,
            // A parallel submission of this confirmation took the approval and moved the money.
            Err(PasskeyError::UnknownCeremony) => match transfers::find_by_key(&state.db, me, key.as_str()).await? {
                Some(done) => return Ok(Json(replay(&state, done, &from, to.as_ref(), &draft).await?)),
                None => return Err(PasskeyError::UnknownCeremony.into()),
            },
            Err(error) => return Err(error.into()),
        }
    } else {
        SecondFactors::of(&state, me).await?.require_code(&state.policy)?;
        let code = OtpCode::parse(request.otp.as_deref().unwrap_or_default())?;
        match verify::accept(&state, me, Procedure::Confirm, &code, AuditAction::Transfer, &client).await {
            Ok(tx) => tx,
            // A parallel submission of this confirmation used the code and moved the money.
            Err(CodeError::AlreadyUsed) => match transfers::find_by_key(&state.db, me, key.as_str()).await? {
                Some(done) => return Ok(Json(replay(&state, done, &from, to.as_ref(), &draft).await?)),
                None => return Err(CodeError::AlreadyUsed.into()),
            },
            Err(error) => return Err(error.into()),
        }
    };
    // Only now, after a valid code: whether the account exists is not free to learn. From
    // here a refusal still spends the approval or code: it commits with the refusal's record.
    let now = state.clock.now();
    let plan = match to.ok_or(TransferError::PayeeNotFound).and_then(|to| plan(&state, me, from, to, &draft)) {
        Ok(plan) => plan,
        Err(error) => return Err(refuse_spent(tx, &client, me, error, now).await),
    };
    if let Err(error) = ensure_own_name(&mut *tx, &plan).await {
        return Err(refuse_spent(tx, &client, me, error, now).await);
    }
    if let Err(error) = ensure_per_transfer(&state, &mut *tx, me, &plan).await {
        return Err(refuse_spent(tx, &client, me, error, now).await);
    }
    if plan.booking.is_none() && booked_under(&mut tx, me, key.as_str()).await? {
        return Err(refuse_spent(tx, &client, me, TransferError::IdempotencyConflict, now).await);
    }
    let rules = rules_met(&mut tx, &state, (me, None), &plan, now).await?;
    if plan.booking.is_some() {
        // The rules it meets now go with it: on its day it is held if they or that day's do.
        let caught = (!rules.is_empty()).then(|| risk::names(&rules));
        return book(tx, &state, &client, me, &plan, (key.as_str(), caught.as_deref()), now).await;
    }
    if !rules.is_empty() {
        return hold(tx, &state, &client, me, &plan, &draft, key.as_str(), &rules, now).await;
    }
    let mut attempt = sqlx::Acquire::begin(&mut *tx).await?;
    match write(&mut attempt, &state, me, &plan, key.as_str(), request.save_payee, now).await {
        Ok(transfer_id) => {
            attempt.commit().await?;
            let detail = format!(
                "receipt={} kind={} amount={} fee={} to={}",
                receipt_no(transfer_id, now),
                plan.kind.label(),
                plan.amount,
                plan.fee,
                plan.to.key()
            );
            commit_success(tx, &state, &client, (me, AuditAction::Transfer), detail, now).await?;
            Ok(Json(receipt(transfer_id, now, &plan)))
        }
        Err(WriteError::Duplicate) => {
            drop(attempt);
            tx.rollback().await?;
            let done = transfers::find_by_key(&state.db, me, key.as_str())
                .await?
                .ok_or_else(|| anyhow::anyhow!("a duplicate idempotency key without its transfer"))?;
            Ok(Json(replay(&state, done, &plan.from, Some(&plan.to), &draft).await?))
        }
        Err(WriteError::Refused(error)) => {
            attempt.rollback().await?;
            Err(refuse_spent(tx, &client, me, error, now).await)
        }
    }
}

/// The fraud rules a 振込 meets now (none for a 振替): each puts it on hold for the branch.
/// `judging`: the 振込予約 being carried out, left out of the waiting bookings counted with it.
pub(crate) async fn rules_met(
    tx: &mut Transaction<'_, Any>,
    state: &AppState,
    (me, judging): (CustomerId, Option<i64>),
    plan: &Plan,
    now: i64,
) -> sqlx::Result<Vec<risk::Rule>> {
    let Some(rule) = state.policy.transfer.hold.filter(|_| plan.kind == TransferKind::Transfer) else {
        return Ok(Vec::new());
    };
    let marks = customers::risk_marks(&mut **tx, me).await?;
    let since = now - i64::from(rule.window_days) * 86_400;
    let known = transfers::paid_before(&mut **tx, me, plan.to.id, since).await?;
    let earlier = match known {
        true => Yen::ZERO,
        false => new_payee_money_since(tx, me, since, judging).await?,
    };
    Ok(risk::rules_met(Some(rule), &marks, known, earlier + plan.amount + plan.fee, now))
}

/// What the customer has sent since `since` to accounts they had not paid before it, every
/// way the money leaves — 振込, 他行振込, and 振込予約 still waiting (but `judging`) — so the
/// fraud rules see one window whichever way a sum is split.
pub(crate) async fn new_payee_money_since(
    db: &mut sqlx::AnyConnection,
    me: CustomerId,
    since: i64,
    judging: Option<i64>,
) -> sqlx::Result<Yen> {
    Ok(transfers::new_payee_total_since(&mut *db, me, since).await?
        + crate::store::interbank::new_payee_total_since(&mut *db, me, since).await?
        + transfer_bookings::new_payee_booked_since(&mut *db, me, since, judging).await?)
}

/// Records what `tx` did as a success in the audit log, in the same transaction, commits it
/// and wakes the mailer for its notice.
async fn commit_success(
    mut tx: Transaction<'static, Any>,
    state: &AppState,
    client: &ClientAddr,
    (customer_id, event): (CustomerId, AuditAction),
    detail: String,
    now: i64,
) -> sqlx::Result<()> {
    let event = AuditEvent {
        customer_id: Some(customer_id),
        event,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some(detail),
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(())
}

/// A refusal after the approval or code was accepted: the money does not move, but the proof
/// stays spent (its use commits with the refusal's audit record), so one phished code cannot
/// be tried again on a smaller amount or another payee.
async fn refuse_spent(
    tx: Transaction<'static, Any>,
    client: &ClientAddr,
    customer_id: CustomerId,
    error: TransferError,
    now: i64,
) -> ApiError {
    refuse_with_proof_spent(tx, client, customer_id, AuditAction::Transfer, error, now).await
}

/// `refuse_spent` for any payment's refusal, audited under `event`.
pub(crate) async fn refuse_with_proof_spent<E>(
    mut tx: Transaction<'static, Any>,
    client: &ClientAddr,
    customer_id: CustomerId,
    event: AuditAction,
    error: E,
    now: i64,
) -> ApiError
where
    E: std::fmt::Display + Into<ApiError>,
{
    let event = AuditEvent {
        customer_id: Some(customer_id),
        event,
        client_addr: client.ip_string(),
        result: Outcome::Refused,
        detail: Some(format!("{error}")),
    };
    let recorded = async {
        audit::record(&mut *tx, now, event).await?;
        tx.commit().await
    }
    .await;
    match recorded {
        Ok(()) => error.into(),
        Err(failure) => failure.into(),
    }
}

type WriteError = crate::banking::WriteError<TransferError>;

/// Records the transfer under its key, reserves the day's 振込, moves the money, keeps the
/// payee and tells the customer, in `tx`; the transfer's id.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %customer_id))]
async fn write(
    tx: &mut Transaction<'_, Any>,
    state: &AppState,
    customer_id: CustomerId,
    plan: &Plan,
    key: &str,
    save_payee: bool,
    now: i64,
) -> Result<i64, WriteError> {
    let id = move_money(tx, state, customer_id, plan, key, now).await?;
    if save_payee && plan.kind == TransferKind::Transfer {
        transfers::save_payee(&mut **tx, customer_id, plan.to.id, now).await?;
    }
    notice::send(tx, customer_id, &accepted_notice(plan, receipt_no(id, now)), now).await?;
    Ok(id)
}

/// The mail that says a 振込・振替 was made, under `receipt_no`.
pub(crate) fn accepted_notice(plan: &Plan, receipt_no: String) -> Notice {
    Notice::TransferAccepted {
        kind: plan.kind.label(),
        receipt_no,
        payee: payee_line(&plan.to),
        amount: plan.amount,
        fee: plan.fee,
    }
}

/// Records the transfer under its key, reserves the day's 振込 (today's: the day the money
/// moves) and moves the money, in `tx`; the transfer's id.
pub(crate) async fn move_money(
    tx: &mut Transaction<'_, Any>,
    state: &AppState,
    customer_id: CustomerId,
    plan: &Plan,
    key: &str,
    now: i64,
) -> Result<i64, WriteError> {
    let kind = match plan.kind {
        TransferKind::Transfer => EntryKind::Transfer,
        TransferKind::OwnTransfer => EntryKind::OwnTransfer,
    };
    let entry = crate::store::ledger::insert_entry(&mut **tx, kind, Some(customer_id), now).await?;
    let transfer = NewTransfer {
        customer_id,
        idempotency_key: key,
        kind: plan.kind.into(),
        entry_id: entry,
        from_account_id: plan.from.id,
        to_account_id: plan.to.id,
        amount: plan.amount,
        fee: plan.fee,
        requester_name: &plan.requester,
        payee_name: &plan.to.holder_name,
    };
    let id = transfers::insert(&mut **tx, transfer, now).await?;
    if plan.kind == TransferKind::Transfer {
        let day_limit = limit::daily_limit(state, &mut **tx, customer_id).await?;
        // The fee leaves the account that day too: it counts toward the limit.
        if !day_totals::reserve(
            &mut *tx,
            DayTotals::Transfers,
            customer_id,
            jst_day(now),
            plan.amount + plan.fee,
            day_limit,
        )
        .await?
        {
            return Err(WriteError::Refused(TransferError::DailyLimitExceeded));
        }
    }
    let lines = money_lines(plan.kind, (&plan.from, &plan.to), plan.amount, plan.fee, &plan.requester);
    match ledger::post_lines(&mut *tx, entry, lines).await {
        Ok(()) => {}
        Err(PostingError::Overdraft(_)) => return Err(WriteError::Refused(TransferError::InsufficientFunds)),
        Err(PostingError::Store(error)) => return Err(error.into()),
    }
    Ok(id)
}

/// The lines of a 振込 or 振替: the amount out of `from` and into `to`, and a 振込's fee into
/// the bank's fee income. 摘要: the payee's name on the payer's side, the 依頼人名 on the
/// payee's.
pub(crate) fn money_lines(
    kind: TransferKind,
    (from, to): (&AccountRecord, &AccountRecord),
    amount: Yen,
    fee: Yen,
    requester: &str,
) -> Vec<Line> {
    let (out, into) = match kind {
        TransferKind::Transfer => (format!("振込 {}", to.holder_name), format!("振込 {requester}")),
        TransferKind::OwnTransfer => ("振替".to_owned(), "振替".to_owned()),
    };
    let mut lines = vec![
        Line { side: Side::Account(from.id), amount: -amount, description: out },
        Line { side: Side::Account(to.id), amount, description: into },
    ];
    if fee > Yen::ZERO {
        lines.push(Line { side: Side::Account(from.id), amount: -fee, description: "振込手数料".to_owned() });
        lines.push(Line {
            side: Side::House(HouseAccount::FeeIncome),
            amount: fee,
            description: "振込手数料".to_owned(),
        });
    }
    lines
}

/// 受付番号: the Japan-time date and the transfer's number, `20261124-0000123`.
pub fn receipt_no(transfer_id: i64, at: i64) -> String {
    format!("{}-{transfer_id:07}", receipt_date(at))
}

fn receipt(transfer_id: i64, at: i64, plan: &Plan) -> TransferReceipt {
    TransferReceipt {
        receipt_no: receipt_no(transfer_id, at),
        kind: plan.kind,
        accepted_at: jst_datetime(at),
        from_account: plan.from.key(),
        to: payee_of(&plan.to, plan.kind == TransferKind::OwnTransfer),
        amount: plan.amount.0,
        fee: plan.fee.0,
        requester_name: plan.requester.clone(),
        status: TransferStatus::Completed,
        execution_date: None,
        cancellable: false,
    }
}

/// The answer a confirmation got the first time, if this request is that confirmation again.
async fn replay(
    state: &AppState,
    done: TransferRow,
    from: &AccountRecord,
    to: Option<&AccountRecord>,
    draft: &Draft,
) -> Result<TransferReceipt, TransferError> {
    same_confirmation((done.from_account_id, done.to_account_id, done.amount), from, to, draft)?;
    made_now(draft)?;
    Ok(done_receipt(&state.db, &done).await?)
}

/// A key used before is that confirmation again only for the same accounts and amount.
pub(crate) fn same_confirmation(
    (stored_from, stored_to, stored_amount): (AccountId, AccountId, Yen),
    from: &AccountRecord,
    to: Option<&AccountRecord>,
    draft: &Draft,
) -> Result<(), TransferError> {
    let same =
        stored_from == from.id && to.is_some_and(|to| to.id == stored_to) && stored_amount == Yen(draft.amount.yen());
    match same {
        true => Ok(()),
        false => Err(TransferError::IdempotencyConflict),
    }
}

/// A confirmation of a 振込 made at once names no 振込指定日: with one, it is another confirmation.
fn made_now(draft: &Draft) -> Result<(), TransferError> {
    match draft.execution_date {
        None => Ok(()),
        Some(_) => Err(TransferError::IdempotencyConflict),
    }
}

/// A 振込 or 振替 that moved money, as its receipt showed it.
pub(crate) async fn done_receipt(db: &sqlx::AnyPool, done: &TransferRow) -> sqlx::Result<TransferReceipt> {
    let from = accounts::by_id(db, done.from_account_id).await?;
    let to = accounts::by_id(db, done.to_account_id).await?;
    let kind: TransferKind = done.kind.into();
    Ok(TransferReceipt {
        receipt_no: receipt_no(done.id, done.created_at),
        kind,
        accepted_at: jst_datetime(done.created_at),
        from_account: from.key(),
        to: Payee { name: done.payee_name.clone(), ..payee_of(&to, kind == TransferKind::OwnTransfer) },
        amount: done.amount.0,
        fee: done.fee.0,
        requester_name: done.requester_name.clone(),
        status: TransferStatus::Completed,
        execution_date: None,
        cancellable: false,
    })
}

/// 受付番号 of a 振込 the bank holds for checking: `20261124-K000012` (its own numbers).
pub fn hold_receipt_no(hold_id: i64, at: i64) -> String {
    format!("{}-K{hold_id:06}", receipt_date(at))
}

/// The hold a receipt names (`…-K000012`), if it names one.
pub fn hold_id_of(receipt_no: &str) -> Option<i64> {
    let (_, number) = receipt_no.trim().split_once("-K")?;
    number.parse().ok()
}

impl From<HoldStatus> for TransferStatus {
    fn from(status: HoldStatus) -> Self {
        match status {
            HoldStatus::Held => TransferStatus::Held,
            HoldStatus::Released => TransferStatus::Completed,
            HoldStatus::Rejected => TransferStatus::Rejected,
        }
    }
}

/// A held 振込 as its receipt shows it.
pub(crate) async fn hold_receipt(db: &sqlx::AnyPool, held: &HoldRow) -> sqlx::Result<TransferReceipt> {
    let from = accounts::by_id(db, held.from_account_id).await?;
    let to = accounts::by_id(db, held.to_account_id).await?;
    Ok(TransferReceipt {
        receipt_no: hold_receipt_no(held.id, held.created_at),
        kind: TransferKind::Transfer,
        accepted_at: jst_datetime(held.created_at),
        from_account: from.key(),
        to: Payee { name: held.payee_name.clone(), ..payee_of(&to, false) },
        amount: held.amount.0,
        fee: held.fee.0,
        requester_name: held.requester_name.clone(),
        status: held.status.into(),
        execution_date: None,
        cancellable: false,
    })
}

/// The answer a held confirmation got, if this request is that confirmation again.
async fn replay_hold(
    state: &AppState,
    held: HoldRow,
    from: &AccountRecord,
    to: Option<&AccountRecord>,
    draft: &Draft,
) -> Result<TransferReceipt, TransferError> {
    same_confirmation((held.from_account_id, held.to_account_id, held.amount), from, to, draft)?;
    made_now(draft)?;
    Ok(hold_receipt(&state.db, &held).await?)
}

/// Puts a 振込 the rules caught on hold instead of moving it: the amount and fee reserved on
/// the paying account, counted toward the day's limit, the customer told, the rules audited —
/// in the transaction that spent the code or approval.
#[allow(clippy::too_many_arguments)]
async fn hold(
    mut tx: Transaction<'static, Any>,
    state: &AppState,
    client: &ClientAddr,
    customer_id: CustomerId,
    plan: &Plan,
    draft: &Draft,
    key: &str,
    rules: &[risk::Rule],
    now: i64,
) -> Result<Json<TransferReceipt>, ApiError> {
    let mut attempt = sqlx::Acquire::begin(&mut *tx).await?;
    let placed = place_hold(&mut attempt, state, customer_id, plan, key, &risk::names(rules), now).await;
    match placed {
        Ok(id) => {
            attempt.commit().await?;
            let detail = format!(
                "receipt={} rules={} amount={} fee={} to={}",
                hold_receipt_no(id, now),
                risk::names(rules),
                plan.amount,
                plan.fee,
                plan.to.key()
            );
            commit_success(tx, state, client, (customer_id, AuditAction::TransferHold), detail, now).await?;
            let held =
                holds::by_id(&state.db, id).await?.ok_or_else(|| anyhow::anyhow!("a hold just written is gone"))?;
            Ok(Json(hold_receipt(&state.db, &held).await?))
        }
        Err(WriteError::Duplicate) => {
            drop(attempt);
            tx.rollback().await?;
            let held = holds::find_by_key(&state.db, customer_id, key)
                .await?
                .ok_or_else(|| anyhow::anyhow!("a duplicate idempotency key without its hold"))?;
            Ok(Json(replay_hold(state, held, &plan.from, Some(&plan.to), draft).await?))
        }
        Err(WriteError::Refused(error)) => {
            attempt.rollback().await?;
            Err(refuse_spent(tx, client, customer_id, error, now).await)
        }
    }
}

/// The hold itself, in `tx`: the amount and fee reserved, today's limit counted, the customer
/// told; the hold's id.
pub(crate) async fn place_hold(
    tx: &mut Transaction<'_, Any>,
    state: &AppState,
    customer_id: CustomerId,
    plan: &Plan,
    key: &str,
    rules: &str,
    now: i64,
) -> Result<i64, WriteError> {
    let total = plan.amount + plan.fee;
    let day_limit = limit::daily_limit(state, &mut **tx, customer_id).await?;
    if !day_totals::reserve(tx, DayTotals::Transfers, customer_id, jst_day(now), total, day_limit).await? {
        return Err(WriteError::Refused(TransferError::DailyLimitExceeded));
    }
    if !accounts::hold(&mut **tx, plan.from.id, total).await? {
        return Err(WriteError::Refused(TransferError::InsufficientFunds));
    }
    let new = NewHold {
        customer_id,
        idempotency_key: key,
        from_account_id: plan.from.id,
        to_account_id: plan.to.id,
        amount: plan.amount,
        fee: plan.fee,
        requester_name: &plan.requester,
        payee_name: &plan.to.holder_name,
        rules,
        day: jst_day(now),
    };
    let id = holds::insert(&mut **tx, new, now).await?;
    let notice = Notice::TransferHeld {
        receipt_no: hold_receipt_no(id, now),
        payee: payee_line(&plan.to),
        amount: plan.amount,
        fee: plan.fee,
    };
    notice::send(tx, customer_id, &notice, now).await?;
    Ok(id)
}

/// Records the 振込予約 `plan` names, in the transaction that spent the code or approval.
async fn book(
    mut tx: Transaction<'static, Any>,
    state: &AppState,
    client: &ClientAddr,
    me: CustomerId,
    plan: &Plan,
    (key, caught): (&str, Option<&str>),
    now: i64,
) -> Result<Json<TransferReceipt>, ApiError> {
    let day = plan.booking.ok_or_else(|| anyhow::anyhow!("a booking without its day"))?;
    if made_at_once(&mut tx, me, key).await? {
        return Err(refuse_spent(tx, client, me, TransferError::IdempotencyConflict, now).await);
    }
    let mut attempt = sqlx::Acquire::begin(&mut *tx).await?;
    let new = NewBooking {
        customer_id: me,
        idempotency_key: key,
        kind: plan.kind.into(),
        from_account_id: plan.from.id,
        to_account_id: plan.to.id,
        amount: plan.amount,
        fee: plan.fee,
        requester_name: &plan.requester,
        payee_name: &plan.to.holder_name,
        execution_day: day,
        booked_rules: caught,
    };
    let id = match transfer_bookings::insert(&mut *attempt, new, now).await {
        Ok(id) => id,
        // A parallel submission of this confirmation booked it first.
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            drop(attempt);
            tx.rollback().await?;
            let booked = transfer_bookings::find_by_key(&state.db, me, key)
                .await?
                .ok_or_else(|| anyhow::anyhow!("a duplicate idempotency key without its booking"))?;
            same_booking(&booked, plan)?;
            return Ok(Json(booking::receipt(&state.db, &booked, jst_day(now)).await?));
        }
        Err(error) => return Err(error.into()),
    };
    let receipt_text = booking::receipt_no(id, now);
    let notice = Notice::TransferBooked {
        kind: plan.kind.label(),
        receipt_no: receipt_text.clone(),
        payee: payee_line(&plan.to),
        amount: plan.amount,
        fee: plan.fee,
        execution_date: japanese_date_with_weekday(day),
    };
    notice::send(&mut attempt, me, &notice, now).await?;
    attempt.commit().await?;
    let detail = format!(
        "receipt={receipt_text} booked day={} amount={} fee={} to={}",
        netbank_api::input::Date::from_days(day),
        plan.amount,
        plan.fee,
        plan.to.key()
    );
    commit_success(tx, state, client, (me, AuditAction::TransferBooking), detail, now).await?;
    let booked =
        transfer_bookings::by_id(&state.db, id).await?.ok_or_else(|| anyhow::anyhow!("a booking just made is gone"))?;
    Ok(Json(booking::receipt(&state.db, &booked, jst_day(now)).await?))
}

/// Whether `key` already made a 振込・振替 at once (or put one on hold): then a booking under it
/// is another confirmation. The customer's row is taken first, so parallel submissions queue.
async fn made_at_once(tx: &mut Transaction<'static, Any>, me: CustomerId, key: &str) -> sqlx::Result<bool> {
    customers::lock_for_payment(tx, me).await?;
    Ok(transfers::find_by_key(&mut **tx, me, key).await?.is_some()
        || holds::find_by_key(&mut **tx, me, key).await?.is_some())
}

/// Whether `key` already booked a 振込予約: then a 振込 at once under it is another confirmation.
async fn booked_under(tx: &mut Transaction<'static, Any>, me: CustomerId, key: &str) -> sqlx::Result<bool> {
    customers::lock_for_payment(tx, me).await?;
    Ok(transfer_bookings::find_by_key(&mut **tx, me, key).await?.is_some())
}

/// A key used before is that booking again only for the same accounts, amount and day.
fn same_booking(booked: &BookingRow, plan: &Plan) -> Result<(), TransferError> {
    let same = booked.from_account_id == plan.from.id
        && booked.to_account_id == plan.to.id
        && booked.amount == plan.amount
        && plan.booking == Some(booked.execution_day);
    match same {
        true => Ok(()),
        false => Err(TransferError::IdempotencyConflict),
    }
}

/// The answer a booking's confirmation got, if this request is that confirmation again.
async fn replay_booking(
    state: &AppState,
    booked: BookingRow,
    from: &AccountRecord,
    to: Option<&AccountRecord>,
    draft: &Draft,
) -> Result<TransferReceipt, TransferError> {
    same_confirmation((booked.from_account_id, booked.to_account_id, booked.amount), from, to, draft)?;
    if draft.execution_date.map(|date| date.days()) != Some(booked.execution_day) {
        return Err(TransferError::IdempotencyConflict);
    }
    Ok(booking::receipt(&state.db, &booked, jst_day(state.clock.now())).await?)
}

/// How a notice names the payee: 店番, 科目, the last four digits, the name.
pub(crate) fn payee_line(to: &AccountRecord) -> String {
    format!("{} {} ***{} {}", to.branch_code, to.kind().label(), &to.number[to.number.len() - 4..], to.holder_name)
}
