//! 払込照会: the customer's ペイジー of the last 90 days with their 受付番号, newest first.

use axum::extract::State;
use axum::Json;
use netbank_api::payeasy::{BillPaymentHistory, PAYMENT_HISTORY_DAYS};
use netbank_api::ErrorBody;

use crate::banking::payeasy::pay::receipt;
use crate::error::ApiError;
use crate::identity::session::CurrentCustomer;
use crate::state::AppState;
use crate::store::payeasy;

#[utoipa::path(get, path = "/payeasy/payments", tag = "payeasy",
    responses((status = 200, description = "払込照会: the last 90 days, newest first", body = BillPaymentHistory),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/payeasy/payments`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentCustomer,
) -> Result<Json<BillPaymentHistory>, ApiError> {
    let since = state.clock.now() - PAYMENT_HISTORY_DAYS * 86_400;
    let payments = payeasy::of_customer_since(&state.db, current.customer_id, since).await?;
    Ok(Json(BillPaymentHistory { payments: payments.iter().map(receipt).collect() }))
}
