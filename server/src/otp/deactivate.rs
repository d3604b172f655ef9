//! ワンタイムパスワード利用解除 (section 3): a current code returns the customer to 未発行 and
//! destroys the secret with the row.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use netbank_api::otp::{OtpRequest, OtpStatus};
#[allow(unused_imports)]
use netbank_api::ErrorBody;

use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::otp::transition::{self, Transition};
use crate::state::AppState;

#[utoipa::path(post, path = "/otp/deactivate", tag = "otp", request_body = OtpRequest,
    responses((status = 200, description = "the token is gone: 未発行; the session continues under a new ID (cookie), every other one ends", body = OtpStatus),
        (status = 401, description = "invalid_otp, unauthenticated or session_expired", body = ErrorBody),
        (status = 403, description = "otp_suspended", body = ErrorBody),
        (status = 409, description = "otp_state_conflict or otp_already_used", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody)))]
/// `POST /api/otp/deactivate`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn deactivate(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<OtpRequest>,
) -> Result<(HeaderMap, Json<OtpStatus>), ApiError> {
    let headers = transition::respond(&state, &client, &current, &request, Transition::Release).await?;
    Ok((headers, Json(OtpStatus::not_issued())))
}
