//! Two-person approval. A 窓口 proposes from the customer's 依頼書 (its number and date, how
//! identity was checked); a different 役席 approves, and only then does the action happen —
//! in the approval's own transaction, with its audit record (under the 役席, naming the
//! proposal) and the customer's notice. The decision is one conditional UPDATE (open, within
//! its business day, not the decider's own), so of racing approvals exactly one applies; if
//! the action cannot be done now (the token is no longer stopped, …) nothing is written.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use netbank_api::input::{Amount, NoticeAddress};
use netbank_api::jst;
use netbank_api::staff::{
    DecisionRequest, DecisionResponse, IdentityCheck, ProposalAction, ProposalStatus, ProposalView, ProposeRequest,
    Role,
};

use crate::audit::{self, Actor, AuditAction, AuditEvent, Outcome};
use crate::banking::holds::{self as hold_decisions, Decider, HoldError};
use crate::banking::interbank::review;
use crate::calendar::jst_datetime;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::ids::{AccountId, CustomerId};
use crate::operator::customers::{self as branch, FreshTemporaryPassword};
use crate::operator::{accounts as counter, otp as otp_desk};
use crate::passkey::manage;
use crate::staff::auth::Staff;
use crate::staff::{StaffError, StaffState};
use crate::store::proposals::{self as store, NewProposal, ProposalRow};
use crate::store::{accounts, customers, holds};

/// The longest reason a decision keeps (what the audit log and the next person read).
const REASON_CHARS: usize = 200;

/// What the console shows of a stored proposal.
pub fn view(row: &ProposalRow, now: i64) -> Result<ProposalView, StaffError> {
    let action: ProposalAction = serde_json::from_str(&row.action).map_err(anyhow::Error::from)?;
    let status = match row.status.as_str() {
        "approved" => ProposalStatus::Approved,
        "rejected" => ProposalStatus::Rejected,
        _ if row.expires_at <= now => ProposalStatus::Expired,
        _ => ProposalStatus::Proposed,
    };
    Ok(ProposalView {
        id: row.id,
        customer_id: row.customer_id.0,
        customer_name: row.customer_name.clone(),
        action_label: action.label().to_owned(),
        summary: action.summary(),
        action,
        form_number: row.form_number.clone(),
        form_date: row.form_date.clone(),
        identity_check: IdentityCheck::parse(&row.identity_check).unwrap_or(IdentityCheck::SealAndDocument),
        note: row.note.clone().unwrap_or_default(),
        proposed_by: row.proposer_name.clone(),
        proposed_at: jst_datetime(row.proposed_at),
        expires_at: jst_datetime(row.expires_at),
        status,
        decided_by: row.decider_name.clone(),
        decided_at: row.decided_at.map(jst_datetime),
        decision_reason: row.decision_reason.clone(),
    })
}

/// The proposal as it stands after a change, for the answer.
async fn reread(db: &sqlx::AnyPool, id: i64, now: i64) -> Result<ProposalView, StaffError> {
    view(&store::by_id(db, id).await?.ok_or(StaffError::NotFound)?, now)
}

/// The end of the business day `now` falls in (0:00 Japan time next).
fn end_of_day(now: i64) -> i64 {
    jst::day_start(jst::day(now) + 1)
}

/// The customer's account named by a deposit, which must be theirs.
async fn own_account(
    db: impl sqlx::any::AnyExecutor<'_>,
    customer: CustomerId,
    account_id: i64,
) -> Result<accounts::AccountRecord, StaffError> {
    let account = accounts::records_of(db, customer).await?.into_iter().find(|a| a.id == AccountId(account_id));
    account.ok_or(StaffError::Invalid {
        field: "account_id", message: "このお客様の口座を選んでください。"
    })
}

/// `POST /staff-api/proposals` (窓口).
pub async fn propose(
    State(state): State<StaffState>,
    staff: Staff,
    ApiJson(request): ApiJson<ProposeRequest>,
) -> Result<(StatusCode, Json<ProposalView>), ApiError> {
    staff.acting_as(Role::Teller, None)?;
    let now = state.app.clock.now();
    if let Err(errors) = request.check(jst::day(now)) {
        return Err(StaffError::from(errors[0].clone()).into());
    }
    let customer = CustomerId(request.customer_id);
    let db = &state.app.db;
    customers::summary(db, customer).await.map_err(|_| StaffError::NotFound)?;
    match &request.action {
        ProposalAction::Deposit { account_id, .. } => {
            own_account(db, customer, *account_id).await?;
        }
        ProposalAction::ReleaseHold { receipt, .. } | ProposalAction::RejectHold { receipt, .. }
            if held_customer(db, receipt).await? != customer =>
        {
            return Err(StaffError::Invalid {
                field: "receipt", message: "このお客様の確認中の振込ではありません。"
            }
            .into());
        }
        _ => {}
    }
    let action = serde_json::to_string(&request.action).map_err(|e| StaffError::Unexpected(e.into()))?;
    let note = request.note.trim();
    let row = NewProposal {
        customer_id: customer,
        kind: request.action.kind(),
        action: &action,
        form_number: request.form_number.trim(),
        form_date: request.form_date.trim(),
        identity_check: request.identity_check.as_str(),
        note: (!note.is_empty()).then_some(note),
        proposed_by: staff.id,
        expires_at: end_of_day(now),
    };
    let mut tx = crate::db::begin_write(db).await.map_err(StaffError::from)?;
    let id = store::insert(&mut *tx, row, now).await.map_err(StaffError::from)?;
    let actor = staff.acting_as(Role::Teller, Some(id))?;
    let detail = format!(
        "kind={} form={} form_date={} identity={}",
        request.action.kind(),
        request.form_number.trim(),
        request.form_date.trim(),
        request.identity_check.as_str()
    );
    record(&mut *tx, now, customer, AuditAction::ProposalCreate, Outcome::Success, detail, &actor).await?;
    tx.commit().await.map_err(StaffError::from)?;
    let stored = reread(db, id, now).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Whose held 振込 `receipt` names: an own-bank hold's or a 他行振込's.
async fn held_customer(db: &sqlx::AnyPool, receipt: &str) -> Result<CustomerId, StaffError> {
    if review::names_interbank(receipt) {
        let id = crate::banking::interbank::id_of(receipt).ok_or(StaffError::NotFound)?;
        let row = crate::store::interbank::by_id(db, id).await?.ok_or(StaffError::NotFound)?;
        return Ok(row.customer_id);
    }
    let id = hold_decisions::id_of(receipt).map_err(|_| StaffError::NotFound)?;
    Ok(holds::by_id(db, id).await?.ok_or(StaffError::NotFound)?.customer_id)
}

async fn record(
    db: impl sqlx::any::AnyExecutor<'_>,
    now: i64,
    customer: CustomerId,
    event: AuditAction,
    result: Outcome,
    detail: String,
    actor: &Actor,
) -> Result<(), StaffError> {
    let event = AuditEvent { customer_id: Some(customer), event, client_addr: None, result, detail: Some(detail) };
    Ok(audit::record_by(db, now, event, actor).await?)
}

/// `GET /staff-api/proposals` (役席): the open queue, oldest first.
pub async fn queue(State(state): State<StaffState>, staff: Staff) -> Result<Json<Vec<ProposalView>>, ApiError> {
    staff.acting_as(Role::Approver, None)?;
    let now = state.app.clock.now();
    let rows = store::open(&state.app.db, now).await.map_err(StaffError::from)?;
    Ok(Json(rows.iter().map(|row| view(row, now)).collect::<Result<_, _>>()?))
}

/// Why a decision did not apply, read after its conditional UPDATE refused.
fn refusal(row: &ProposalRow, decider: i64) -> StaffError {
    if row.proposed_by == decider {
        StaffError::OwnProposal
    } else {
        StaffError::ProposalClosed
    }
}

/// `POST /staff-api/proposals/{id}/approve` (役席, never the proposer).
pub async fn approve(
    State(state): State<StaffState>,
    staff: Staff,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<DecisionRequest>,
) -> Result<Json<DecisionResponse>, ApiError> {
    let actor = staff.acting_as(Role::Approver, Some(id))?;
    let db = &state.app.db;
    let row = store::by_id(db, id).await.map_err(StaffError::from)?.ok_or(StaffError::NotFound)?;
    let action: ProposalAction = serde_json::from_str(&row.action).map_err(|e| StaffError::Unexpected(e.into()))?;
    let reason = request.reason.trim();
    if !reason.is_empty() && audit::reason(reason).is_none() {
        return Err(StaffError::Invalid {
            field: "reason", message: "理由に使えない文字が含まれています。"
        }
        .into());
    }
    // argon2 runs before the transaction opens: a write lock is never held across it.
    let fresh = match action {
        ProposalAction::ReissueTemporaryPassword => {
            Some(FreshTemporaryPassword::make().await.map_err(StaffError::from)?)
        }
        _ => None,
    };
    let now = state.app.clock.now();
    let mut tx = crate::db::begin_write(db).await.map_err(StaffError::from)?;
    let reason_stored = (!reason.is_empty()).then_some(reason);
    if !store::decide(&mut *tx, id, true, staff.id, reason_stored, now).await.map_err(StaffError::from)? {
        drop(tx);
        let error = refusal(&row, staff.id);
        let detail = format!("proposal={id} refused={error}");
        record(db, now, row.customer_id, AuditAction::ProposalApprove, Outcome::Refused, detail, &actor).await?;
        return Err(error.into());
    }
    let applied = apply(&mut tx, &state, &row, &action, fresh, &actor, now).await;
    let (outcome, temporary_password) = match applied {
        Ok(done) => done,
        Err(StaffError::NotApplicable(why)) => {
            drop(tx);
            let detail = format!("proposal={id} not_applicable={why}");
            record(db, now, row.customer_id, AuditAction::ProposalApprove, Outcome::Refused, detail, &actor).await?;
            return Err(StaffError::NotApplicable(why).into());
        }
        Err(error) => return Err(error.into()),
    };
    let detail =
        format!("proposal={id} kind={} form={} reason={reason:?} outcome={outcome}", row.kind, row.form_number);
    record(&mut *tx, now, row.customer_id, AuditAction::ProposalApprove, Outcome::Success, detail, &actor).await?;
    tx.commit().await.map_err(StaffError::from)?;
    state.app.mail_wakeup.notify_one();
    let stored = reread(db, id, now).await?;
    Ok(Json(DecisionResponse { proposal: stored, outcome, temporary_password }))
}

/// A refusal of the domain (the state changed since the proposal) versus a failure.
fn not_applicable(error: anyhow::Error) -> StaffError {
    match error.downcast::<sqlx::Error>() {
        Ok(store) => StaffError::Unexpected(store.into()),
        Err(refused) => StaffError::NotApplicable(refused.to_string()),
    }
}

fn hold_refusal(error: HoldError) -> StaffError {
    match error {
        HoldError::Unexpected(error) => not_applicable(error),
        refused => StaffError::NotApplicable(refused.to_string()),
    }
}

/// Does what the proposal asks, inside the approval's transaction; what it did, and a new
/// 仮パスワード when it made one.
async fn apply(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    state: &StaffState,
    row: &ProposalRow,
    action: &ProposalAction,
    fresh: Option<FreshTemporaryPassword>,
    actor: &Actor,
    now: i64,
) -> Result<(String, Option<String>), StaffError> {
    let customer = row.customer_id;
    let done = |text: &str| Ok((text.to_owned(), None));
    match action {
        ProposalAction::LiftSuspension => {
            otp_desk::lift_suspension_in(tx, customer, actor, now).await.map_err(not_applicable)?;
            done("ワンタイムパスワードの停止を解除しました。")
        }
        ProposalAction::InitialiseOtp => {
            otp_desk::initialise_in(tx, customer, actor, now).await.map_err(not_applicable)?;
            done("ワンタイムパスワードを初期化しました。")
        }
        ProposalAction::UnlockLogin => {
            branch::unlock_in(tx, customer, actor, now).await.map_err(not_applicable)?;
            done("ログインのロックを解除しました。")
        }
        ProposalAction::RemovePasskeys => {
            let removed = manage::remove_all_by_bank_in(tx, customer, actor, now).await.map_err(not_applicable)?;
            if removed == 0 {
                return Err(StaffError::NotApplicable("パスキーは登録されていません".into()));
            }
            Ok((format!("パスキー{removed}件を削除しました。"), None))
        }
        ProposalAction::ReissueTemporaryPassword => {
            let fresh = fresh.ok_or_else(|| StaffError::Unexpected(anyhow::anyhow!("no 仮パスワード made")))?;
            let notice = branch::reissue_temporary_password_in(tx, customer, fresh, &state.app.policy, actor, now)
                .await
                .map_err(not_applicable)?;
            let until = jst_datetime(notice.expires_at);
            Ok((format!("仮パスワードを再発行しました（有効期限 {until}）。"), Some(notice.temporary_password)))
        }
        ProposalAction::SetNoticeAddress { address } => {
            let address = NoticeAddress::parse(address)?;
            branch::set_notice_address_in(tx, customer, &address, actor, now).await.map_err(not_applicable)?;
            done("通知先メールアドレスを登録しました。")
        }
        ProposalAction::Deposit { account_id, amount, description } => {
            let account = own_account(&mut **tx, customer, *account_id).await?;
            let amount = Amount::parse(&amount.to_string())?;
            let deposited =
                counter::deposit_in(tx, &account, amount, description, actor, now).await.map_err(not_applicable)?;
            Ok((format!("入金しました（残高 {}）。", netbank_api::banking::yen(deposited.balance.0)), None))
        }
        ProposalAction::ReleaseHold { receipt, reason } => {
            let decider = Decider { actor, reason };
            match review::names_interbank(receipt) {
                true => review::release_in(tx, receipt, Some(customer), decider, now).await,
                false => hold_decisions::release_in(tx, receipt, Some(customer), decider, now).await.map(|_| ()),
            }
            .map_err(hold_refusal)?;
            done("確認中の振込を実行しました。")
        }
        ProposalAction::RejectHold { receipt, reason } => {
            let decider = Decider { actor, reason };
            match review::names_interbank(receipt) {
                true => review::reject_in(tx, receipt, Some(customer), decider, now).await,
                false => hold_decisions::reject_in(tx, receipt, Some(customer), decider, now).await,
            }
            .map_err(hold_refusal)?;
            done("確認中の振込を取り消しました。")
        }
        ProposalAction::Freeze { reason } => {
            branch::set_frozen_in(tx, customer, true, reason, actor, now).await.map_err(not_applicable)?;
            done("お取引を停止（凍結）しました。")
        }
        ProposalAction::Unfreeze { reason } => {
            branch::set_frozen_in(tx, customer, false, reason, actor, now).await.map_err(not_applicable)?;
            done("凍結を解除しました。")
        }
    }
}

/// `POST /staff-api/proposals/{id}/reject` (役席, never the proposer): nothing happens to
/// the customer; the reason is kept.
pub async fn reject(
    State(state): State<StaffState>,
    staff: Staff,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<DecisionRequest>,
) -> Result<Json<DecisionResponse>, ApiError> {
    let actor = staff.acting_as(Role::Approver, Some(id))?;
    let reason = audit::reason(&request.reason).filter(|reason| reason.chars().count() <= REASON_CHARS).ok_or(
        StaffError::Invalid {
            field: "reason", message: "否認の理由を200文字以内で入力してください。"
        },
    )?;
    let db = &state.app.db;
    let row = store::by_id(db, id).await.map_err(StaffError::from)?.ok_or(StaffError::NotFound)?;
    let now = state.app.clock.now();
    let mut tx = crate::db::begin_write(db).await.map_err(StaffError::from)?;
    if !store::decide(&mut *tx, id, false, staff.id, Some(reason), now).await.map_err(StaffError::from)? {
        drop(tx);
        let error = refusal(&row, staff.id);
        let detail = format!("proposal={id} refused={error}");
        record(db, now, row.customer_id, AuditAction::ProposalReject, Outcome::Refused, detail, &actor).await?;
        return Err(error.into());
    }
    let detail = format!("proposal={id} kind={} reason={reason:?}", row.kind);
    record(&mut *tx, now, row.customer_id, AuditAction::ProposalReject, Outcome::Success, detail, &actor).await?;
    tx.commit().await.map_err(StaffError::from)?;
    let stored = reread(db, id, now).await?;
    Ok(Json(DecisionResponse { proposal: stored, outcome: "否認しました。".into(), temporary_password: None }))
}

/// `POST /staff-api/customers/{id}/deposits` (窓口): 窓口入金 up to the amount one person may
/// take; above it, a proposal.
pub async fn deposit(
    State(state): State<StaffState>,
    staff: Staff,
    Path(customer): Path<i64>,
    ApiJson(request): ApiJson<netbank_api::staff::CounterDeposit>,
) -> Result<Json<netbank_api::staff::CounterDepositDone>, ApiError> {
    let actor = staff.acting_as(Role::Teller, None)?;
    // The same rules as a proposal's deposit: bad input is a 422, never a refusal of state.
    let checked = ProposalAction::Deposit {
        account_id: request.account_id,
        amount: request.amount,
        description: request.description.clone(),
    };
    checked.check()?;
    let amount = Amount::parse(&request.amount.to_string())?;
    let customer = CustomerId(customer);
    let db = &state.app.db;
    let now = state.app.clock.now();
    let mut tx = crate::db::begin_write(db).await.map_err(StaffError::from)?;
    let account = own_account(&mut *tx, customer, request.account_id).await?;
    // The day's counter deposits into the account, this one included: splitting a large sum
    // into small ones does not make it one person's.
    let limit = state.deposit_approval_above;
    if !counter::within_single_person_limit(&mut tx, account.id, amount.yen(), limit, now, true)
        .await
        .map_err(StaffError::from)?
    {
        return Err(StaffError::Invalid {
            field: "amount",
            message: "本日のこの口座への窓口入金の合計が承認不要の金額を超えます。役席の承認が必要です。依頼書から起案してください。",
        }
        .into());
    }
    let done = counter::deposit_in(&mut tx, &account, amount, &request.description, &actor, now)
        .await
        .map_err(not_applicable)?;
    tx.commit().await.map_err(StaffError::from)?;
    Ok(Json(netbank_api::staff::CounterDepositDone { entry_id: done.entry_id, balance: done.balance.0 }))
}
