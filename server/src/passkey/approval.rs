//! A passkey approving one action: a 振込 (its accounts, amount, 依頼人名 and idempotency key),
//! a 他行振込 (its account, the bank, branch, account, 受取人名, amount and key), a ペイジー
//! payment (its account, the bill's numbers and idempotency key) or the removal of
//! one passkey. The challenge is kept with the SHA-256 of what it approves,
//! so an approval answers for that action only: not for another amount, another payee, or
//! another confirmation.

use axum::extract::State;
use axum::Json;
use netbank_api::banking::TransferApprovalRequest;
use netbank_api::checked::{Bill, Draft, Interbank};
use netbank_api::input::IdempotencyKey;
use netbank_api::interbank::InterbankApprovalRequest;
use netbank_api::passkey::{PasskeyAnswer, PasskeyChallenge};
use netbank_api::payeasy::BillApprovalRequest;
use netbank_api::ErrorBody;
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};
use webauthn_rs::prelude::DiscoverableAuthentication;

use crate::audit::AuditAction;
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::ids::CustomerId;
use crate::passkey::ceremony::{self, Verified};
use crate::passkey::{refuse, PasskeyError};
use crate::state::AppState;
use crate::store::passkeys::{self, Purpose};

/// What an approval is for, as the digest its challenge is kept with.
#[derive(Debug, PartialEq, Eq)]
pub struct Binding(Vec<u8>);

impl Binding {
    /// Every field of the transfer that the 確認 screen shows, and the confirmation's key.
    pub fn transfer(draft: &Draft, key: &IdempotencyKey) -> Self {
        let (from_branch, from_number) = &draft.from;
        let fields = [
            "transfer",
            from_branch.as_str(),
            from_number.as_str(),
            draft.to.branch.as_str(),
            draft.to.kind.as_str(),
            draft.to.number.as_str(),
            &draft.amount.yen().to_string(),
            draft.requester.as_ref().map_or("", |name| name.as_str()),
            &draft.execution_date.map(|date| date.to_string()).unwrap_or_default(),
            key.as_str(),
        ];
        Self::of(&fields)
    }

    /// A ペイジー payment: the paying account, every number that names the bill, and the
    /// confirmation's key (the bill's amount is the bill's, fixed once imported).
    /// Every field of the 他行振込 that its 確認 screen shows, and the confirmation's key.
    pub fn interbank(asked: &Interbank, key: &IdempotencyKey) -> Self {
        let (from_branch, from_number) = &asked.from;
        let fields = [
            "interbank",
            from_branch.as_str(),
            from_number.as_str(),
            asked.bank.as_str(),
            asked.branch.as_str(),
            asked.kind.as_str(),
            asked.number.as_str(),
            asked.payee.as_str(),
            &asked.amount.yen().to_string(),
            asked.requester.as_ref().map_or("", |name| name.as_str()),
            &asked.execution_date.map(|date| date.to_string()).unwrap_or_default(),
            key.as_str(),
        ];
        Self::of(&fields)
    }

    pub fn bill(bill: &Bill, key: &IdempotencyKey) -> Self {
        let (from_branch, from_number) = &bill.from;
        let fields = [
            "payeasy",
            from_branch.as_str(),
            from_number.as_str(),
            bill.biller.as_str(),
            bill.number.as_str(),
            bill.confirmation.as_str(),
            bill.category.as_ref().map_or("", |c| c.as_str()),
            key.as_str(),
        ];
        Self::of(&fields)
    }

    /// Adding an authenticator of this kind (the step-up of an enrolment).
    pub fn enrolment(purpose: netbank_api::enrolment::Enrolment) -> Self {
        Self::of(&["enrolment", purpose.as_str()])
    }

    pub fn removal(passkey_id: i64) -> Self {
        Self::of(&["remove_passkey", &passkey_id.to_string()])
    }

    /// Fields joined by a byte no field contains, so no two actions share a digest.
    fn of(fields: &[&str]) -> Self {
        Self(Sha256::digest(fields.join("\u{0}").as_bytes()).to_vec())
    }
}

/// A challenge that any of the customer's passkeys may answer, for `binding` only.
pub async fn challenge(
    state: &AppState,
    customer_id: CustomerId,
    binding: &Binding,
) -> Result<PasskeyChallenge, PasskeyError> {
    let allowed = passkeys::credentials_of(&state.db, customer_id).await?;
    if allowed.is_empty() {
        return Err(PasskeyError::Refused("no_passkey".to_owned()));
    }
    let (options, challenge) = state.relying_party.assertion_challenge(&allowed, false)?;
    let now = state.clock.now();
    ceremony::open(&state.db, Purpose::Approve, Some(customer_id), Some(&binding.0), &options, &challenge, now).await
}

/// Takes the approval for `binding` and verifies it, in a write transaction that the caller
/// completes with the approved change. A refusal spends the challenge and is audited under
/// `event`.
pub async fn accept(
    state: &AppState,
    client: &ClientAddr,
    customer_id: CustomerId,
    answer: &PasskeyAnswer,
    binding: &Binding,
    event: AuditAction,
) -> Result<(Transaction<'static, Any>, Verified), PasskeyError> {
    let assertion = ceremony::parse_assertion(&answer.credential)?;
    let now = state.clock.now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let verified = async {
        let challenge: DiscoverableAuthentication =
            ceremony::take(&mut *tx, &answer.ceremony, Purpose::Approve, Some(customer_id), Some(&binding.0), now)
                .await?;
        ceremony::verify(&mut tx, &state.relying_party, &assertion, challenge, Some(customer_id), now).await
    }
    .await;
    match verified {
        Ok(verified) => Ok((tx, verified)),
        Err(error) => Err(refuse(tx, client, Some(customer_id), event, error, now).await),
    }
}

#[utoipa::path(post, path = "/transfers/approval", tag = "banking", request_body = TransferApprovalRequest,
    responses((status = 200, description = "a challenge for the customer's passkeys, bound to this transfer", body = PasskeyChallenge),
        (status = 401, description = "unauthenticated, session_expired or passkey_refused (no passkey)", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody)))]
/// `POST /api/transfers/approval`: the 確認 screen's 「パスキーで承認」.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn transfer_challenge(
    State(state): State<AppState>,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<TransferApprovalRequest>,
) -> Result<Json<PasskeyChallenge>, ApiError> {
    let (draft, key) = request.check()?;
    Ok(Json(challenge(&state, current.customer_id, &Binding::transfer(&draft, &key)).await?))
}

#[cfg(test)]
mod tests {
    use netbank_api::banking::TransferDraft;
    use netbank_api::identity::AccountKind;

    use super::*;

    fn binding(change: impl FnOnce(&mut TransferApprovalRequest)) -> Binding {
        let mut request = TransferApprovalRequest {
            draft: TransferDraft {
                from_account: "001-1234567".into(),
                to_branch_code: "002".into(),
                to_kind: AccountKind::Ordinary,
                to_account_number: "7654321".into(),
                amount: "10000".into(),
                requester_name: "".into(),
                execution_date: "".into(),
            },
            idempotency_key: "0123456789abcdef0123456789abcdef".into(),
        };
        change(&mut request);
        let (draft, key) = request.check().unwrap();
        Binding::transfer(&draft, &key)
    }

    #[test]
    fn a_transfer_approval_covers_every_field_the_confirmation_shows() {
        let approved = binding(|_| {});
        assert_eq!(binding(|r| r.draft.amount = "１０，０００".into()), approved, "the same amount however typed");
        let others: [fn(&mut TransferApprovalRequest); 8] = [
            |r| r.draft.execution_date = "2027-01-18".into(),
            |r| r.draft.amount = "10001".into(),
            |r| r.draft.from_account = "001-1234568".into(),
            |r| r.draft.to_branch_code = "003".into(),
            |r| r.draft.to_kind = AccountKind::Savings,
            |r| r.draft.to_account_number = "7654320".into(),
            |r| r.draft.requester_name = "ヤマダ タロウ".into(),
            |r| r.idempotency_key = "0123456789abcdef0123456789abcdee".into(),
        ];
        for change in others {
            assert_ne!(binding(change), approved);
        }
        assert_ne!(Binding::removal(1), Binding::removal(2));
    }
}

#[utoipa::path(post, path = "/payeasy/approval", tag = "payeasy", request_body = BillApprovalRequest,
    responses((status = 200, description = "a challenge for the customer's passkeys, bound to this payment", body = PasskeyChallenge),
        (status = 401, description = "unauthenticated, session_expired or passkey_refused (no passkey)", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody)))]
/// `POST /api/payeasy/approval`: 払込内容の確認's 「パスキーで承認」.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn bill_challenge(
    State(state): State<AppState>,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<BillApprovalRequest>,
) -> Result<Json<PasskeyChallenge>, ApiError> {
    let (bill, key) = request.check()?;
    Ok(Json(challenge(&state, current.customer_id, &Binding::bill(&bill, &key)).await?))
}

#[utoipa::path(post, path = "/interbank/approval", tag = "interbank", request_body = InterbankApprovalRequest,
    responses((status = 200, description = "a passkey challenge bound to exactly this 他行振込", body = PasskeyChallenge),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 422, description = "invalid_input or passkey_refused (no passkey)", body = ErrorBody)))]
/// `POST /api/interbank/approval`: the 確認 screen's 「パスキーで承認」 for a 他行振込.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn interbank_challenge(
    State(state): State<AppState>,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<InterbankApprovalRequest>,
) -> Result<Json<PasskeyChallenge>, ApiError> {
    let (asked, key) = request.check()?;
    Ok(Json(challenge(&state, current.customer_id, &Binding::interbank(&asked, &key)).await?))
}
