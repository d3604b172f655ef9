//! ワンタイムパスワード申請内容選択's 登録状況.

use axum::extract::State;
use axum::Json;
use netbank_api::otp::OtpStatus;
#[allow(unused_imports)]
use netbank_api::ErrorBody;

use crate::error::ApiError;
use crate::identity::session::CurrentCustomer;
use crate::ids::CustomerId;
use crate::state::AppState;
use crate::store::otp_tokens;

#[utoipa::path(get, path = "/otp", tag = "otp",
    responses((status = 200, body = OtpStatus),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/otp`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn status(State(state): State<AppState>, current: CurrentCustomer) -> Result<Json<OtpStatus>, ApiError> {
    Ok(Json(status_of(&state, current.customer_id).await?))
}

pub async fn status_of(state: &AppState, customer_id: CustomerId) -> Result<OtpStatus, ApiError> {
    let now = state.clock.now();
    Ok(otp_tokens::load(&state.db, customer_id).await?.map_or_else(OtpStatus::not_issued, |row| row.status(now)))
}
