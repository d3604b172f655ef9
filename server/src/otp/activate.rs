//! ワンタイムパスワード利用開始登録 (手順10–13): a code from the set-up token puts it in use.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use netbank_api::otp::{OtpRequest, OtpStatus};
#[allow(unused_imports)]
use netbank_api::ErrorBody;

use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::otp::status::status_of;
use crate::otp::transition::{self, Transition};
use crate::state::AppState;

#[utoipa::path(post, path = "/otp/activate", tag = "otp", request_body = OtpRequest,
    responses((status = 200, description = "the token is 利用中; the session continues under a new ID (cookie), every other one ends", body = OtpStatus),
        (status = 401, description = "invalid_otp, unauthenticated or session_expired", body = ErrorBody),
        (status = 403, description = "otp_suspended", body = ErrorBody),
        (status = 409, description = "otp_state_conflict or otp_already_used", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody)))]
/// `POST /api/otp/activate`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn activate(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<OtpRequest>,
) -> Result<(HeaderMap, Json<OtpStatus>), ApiError> {
    let headers = transition::respond(&state, &client, &current, &request, Transition::Activate).await?;
    Ok((headers, Json(status_of(&state, current.customer_id).await?)))
}
