//! ワンタイムパスワード利用開始登録 (手順10–13): a code from the set-up token puts it in use.

use axum::extract::State;
use axum::Json;
use netbank_api::input::OtpCode;
use netbank_api::otp::{OtpRequest, OtpStatus};
#[allow(unused_imports)]
use netbank_api::ErrorBody;

use crate::audit::{self, AuditEvent};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::otp::status::status_of;
use crate::otp::verify::{self, Expect};
use crate::startup::AppState;

#[utoipa::path(post, path = "/api/otp/activate", tag = "otp", request_body = OtpRequest,
    responses((status = 200, description = "the token is 利用中", body = OtpStatus),
        (status = 401, description = "invalid_otp, unauthenticated or session_expired", body = ErrorBody),
        (status = 403, description = "otp_suspended", body = ErrorBody),
        (status = 409, description = "otp_state_conflict or otp_already_used", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody)))]
/// `POST /api/otp/activate`.
pub async fn activate(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<OtpRequest>,
) -> Result<Json<OtpStatus>, ApiError> {
    let code = OtpCode::parse(&request.otp)?;
    let customer_id = current.customer_id;
    let mut tx = verify::accept(&state, customer_id, Expect::Provisioned, &code, "otp_activate", &client).await?;
    let now = state.clock.now();
    sqlx::query("UPDATE otp_tokens SET state = 'active', updated_at = ? WHERE customer_id = ? AND state = 'provisioned'")
        .bind(now)
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
    let event = AuditEvent {
        customer_id: Some(customer_id),
        event: "otp_activate",
        client_addr: client.ip_string(),
        result: "success",
        detail: None,
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;
    Ok(Json(status_of(&state, customer_id).await?))
}
