//! 税金・各種料金の払込（ペイジー）: a bill a 収納機関 delivered (`store::billers`), found by the
//! numbers on its 払込書 under a daily count of wrong ones (`bill`), paid once from the
//! customer's account into the biller's 収納口座 with the one-time password or a passkey
//! (`pay`), and listed in 払込照会 (`history`).

pub mod bill;
pub mod history;
pub mod pay;

use axum::extract::{Path, State};
use axum::Json;
use netbank_api::input::{BillerNumber, InputError};
use netbank_api::payeasy::{Biller, BillerKind, RECEIPT_MARK};
use netbank_api::{ErrorBody, ErrorReason};

use crate::banking::receipt_date;
use crate::banking::transfer::TransferError;
use crate::error::ApiError;
use crate::identity::session::CurrentCustomer;
use crate::otp::verify::CodeError;
use crate::state::AppState;
use crate::store::billers::{self, BillerRow};

/// Why a payment was refused; nothing moved.
#[derive(Debug, thiserror::Error)]
pub enum PayeasyError {
    #[error("no such biller")]
    BillerNotFound,
    /// The biller uses 納付区分 and none was given.
    #[error("the biller needs its 納付区分")]
    CategoryRequired,
    #[error("the numbers match no bill")]
    BillNotFound,
    #[error("the bill is paid")]
    AlreadyPaid,
    #[error("the bill is past its due date")]
    Overdue,
    #[error("stopped for today after ten wrong numbers")]
    Stopped,
    #[error("locked until the branch resumes it")]
    Locked,
    #[error("over the day's ペイジー limit")]
    LimitExceeded,
    #[error("insufficient funds")]
    InsufficientFunds,
    #[error("idempotency key reused for another payment")]
    IdempotencyConflict,
    /// The paying account, the second factor: as a 振込's.
    #[error(transparent)]
    Transfer(#[from] TransferError),
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

crate::error::store_errors_are_unexpected!(PayeasyError);

impl From<PayeasyError> for ApiError {
    fn from(error: PayeasyError) -> Self {
        let on = |reason: ErrorReason, field: &str| -> ApiError { ErrorBody::new(reason).for_field(field).into() };
        match error {
            PayeasyError::BillerNotFound => on(ErrorReason::BillerNotFound, "biller_number"),
            PayeasyError::CategoryRequired => ErrorBody::new(ErrorReason::InvalidInput)
                .with_message("この収納機関へのお支払いには納付区分の入力が必要です。")
                .for_field("category")
                .into(),
            PayeasyError::BillNotFound => on(ErrorReason::BillNotFound, "bill_number"),
            PayeasyError::AlreadyPaid => ApiError::new(ErrorReason::BillAlreadyPaid),
            PayeasyError::Overdue => ApiError::new(ErrorReason::BillOverdue),
            PayeasyError::Stopped => ApiError::new(ErrorReason::PayeasyStopped),
            PayeasyError::Locked => ApiError::new(ErrorReason::PayeasyLocked),
            PayeasyError::LimitExceeded => ApiError::new(ErrorReason::PayeasyLimitExceeded),
            PayeasyError::InsufficientFunds => ApiError::new(ErrorReason::InsufficientFunds),
            PayeasyError::IdempotencyConflict => ErrorBody::new(ErrorReason::IdempotencyConflict)
                .with_message(
                    "この確認画面の払込はすでに受け付けています。内容を変更する場合は、最初からやり直してください。",
                )
                .into(),
            PayeasyError::Transfer(error) => error.into(),
            PayeasyError::Code(error) => error.into(),
            PayeasyError::Input(error) => error.into(),
            PayeasyError::Unexpected(error) => error.into(),
        }
    }
}

/// A biller as the customer's screens name it, from its stored fields.
pub fn biller(number: &str, name: &str, kind: &str, needs_category: i64) -> Biller {
    Biller {
        number: number.to_owned(),
        name: name.to_owned(),
        kind: BillerKind::from_db(kind).unwrap_or(BillerKind::Company),
        needs_category: needs_category != 0,
    }
}

pub fn biller_of(row: &BillerRow) -> Biller {
    biller(&row.number, &row.name, &row.kind, row.needs_category)
}

/// 受付番号 of a ペイジー payment: the Japan-time date and its own numbers, `20261203-P000012`.
pub fn receipt_no(payment_id: i64, at: i64) -> String {
    format!("{}-{RECEIPT_MARK}{payment_id:06}", receipt_date(at))
}

#[utoipa::path(get, path = "/payeasy/billers/{number}", tag = "payeasy",
    params(("number" = String, Path, description = "収納機関番号 (5 digits)")),
    responses((status = 200, description = "the 収納機関 and which numbers its bills carry", body = Biller),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 422, description = "invalid_input or biller_not_found", body = ErrorBody)))]
/// `GET /api/payeasy/billers/{number}`: BPY002's 収納機関番号.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn lookup_biller(
    State(state): State<AppState>,
    current: CurrentCustomer,
    Path(number): Path<String>,
) -> Result<Json<Biller>, ApiError> {
    let number = BillerNumber::parse(&number)?;
    let found = billers::biller_by_number(&state.db, number.as_str()).await?;
    Ok(Json(biller_of(&found.ok_or(PayeasyError::BillerNotFound)?)))
}
