//! 登録振込先 and the payee lookup: 店番, 科目 and 口座番号 → the 受取人名 the customer
//! confirms before sending money. A lookup of someone else's account needs a token in use and
//! is counted per customer (a name for every account number would be a list of the bank's
//! customers); the customer's own accounts and kept payees are free to look at.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use netbank_api::banking::{Payee, PayeeList, PayeeLookupRequest, SavedPayee};
use netbank_api::identity::AccountKind;
use netbank_api::{ErrorBody, ErrorReason};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::banking::transfer::{count_payee_lookup, destination, payee_of, TransferError};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::state::AppState;
use crate::store::transfers;

#[utoipa::path(post, path = "/payees/lookup", tag = "banking", request_body = PayeeLookupRequest,
    responses((status = 200, body = Payee),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 403, description = "otp_required or otp_suspended", body = ErrorBody),
        (status = 422, description = "invalid_input or payee_not_found", body = ErrorBody),
        (status = 429, description = "rate_limited: too many lookups this hour", body = ErrorBody)))]
/// `POST /api/payees/lookup`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn lookup(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<PayeeLookupRequest>,
) -> Result<Json<Payee>, ApiError> {
    let me = current.customer_id;
    let to = request.check()?;
    let found = destination(&state, &to).await?;
    if let Some(account) = found.as_ref().filter(|a| a.customer_id == me) {
        return Ok(Json(payee_of(account, true)));
    }
    if count_payee_lookup(&state, &client, me, found.as_ref()).await? {
        let event = AuditEvent {
            customer_id: Some(me),
            event: AuditAction::PayeeLookup,
            client_addr: client.ip_string(),
            result: if found.is_some() { Outcome::Found } else { Outcome::NotFound },
            detail: Some(format!("{}-{}", to.branch.as_str(), to.number.as_str())),
        };
        audit::record(&state.db, state.clock.now(), event).await?;
    }
    let account = found.ok_or(TransferError::PayeeNotFound)?;
    Ok(Json(payee_of(&account, false)))
}

#[utoipa::path(get, path = "/payees", tag = "banking",
    responses((status = 200, body = PayeeList), (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/payees`: 登録振込先, oldest first.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn list(State(state): State<AppState>, current: CurrentCustomer) -> Result<Json<PayeeList>, ApiError> {
    let payees = transfers::payees_of(&state.db, current.customer_id)
        .await?
        .into_iter()
        .map(|row| SavedPayee {
            id: row.id,
            payee: Payee {
                branch_code: row.branch_code,
                kind: AccountKind::from_db(&row.kind).unwrap_or(AccountKind::Ordinary),
                account_number: row.number,
                name: row.holder_name,
                own: false,
            },
        })
        .collect();
    Ok(Json(PayeeList { payees }))
}

#[utoipa::path(delete, path = "/payees/{id}", tag = "banking",
    params(("id" = i64, Path, description = "the 登録振込先's id")),
    responses((status = 204, description = "deleted"),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 404, description = "not_found: no such payee of this customer", body = ErrorBody)))]
/// `DELETE /api/payees/{id}`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn delete(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    // Whatever is not one of the customer's payees is not found, a malformed id included.
    let Ok(id) = id.parse::<i64>() else { return Err(ApiError::new(ErrorReason::NotFound)) };
    if !transfers::delete_payee(&state.db, current.customer_id, id).await? {
        return Err(ApiError::new(ErrorReason::NotFound));
    }
    let event = AuditEvent {
        customer_id: Some(current.customer_id),
        event: AuditAction::PayeeDelete,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some(id.to_string()),
    };
    audit::record(&state.db, state.clock.now(), event).await?;
    Ok(StatusCode::NO_CONTENT)
}
