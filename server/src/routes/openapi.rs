//! `/api/openapi.json`, generated from the handlers' annotations and the `api` crate's types.

use axum::Json;
use netbank_api::identity::{
    Account, AccountKind, ChangePasswordRequest, LoginRequest, LoginResponse, MeResponse, OtpState, PasswordChanged,
    RegistrationRequest, RegistrationVerified, RegistrationVerifyRequest,
};
use netbank_api::otp::{
    AuthenticatorSetup, IssueTokenRequest, OtpRequest, OtpStatus, ProvisionRequest, ProvisionedToken, TokenIssued,
    TokenMethod, TotpAlgorithm,
};
use netbank_api::{DatabaseStatus, ErrorBody, ErrorReason, HealthResponse};
use utoipa::OpenApi;

use crate::identity::{account, login, registration};
use crate::otp::{activate, deactivate, issue, login as otp_login, provision, status};
use crate::routes::health;

#[derive(OpenApi)]
#[openapi(
    info(title = "netbank API", description = "Every error answers with ErrorBody; its `reason` is the stable code."),
    paths(
        health::health,
        registration::verify,
        registration::register,
        login::login,
        login::logout,
        account::me,
        account::change_password,
        status::status,
        issue::issue,
        provision::provision,
        activate::activate,
        otp_login::login_otp,
        deactivate::deactivate,
        document,
    ),
    components(schemas(
        ErrorBody, ErrorReason, HealthResponse, DatabaseStatus, RegistrationVerifyRequest, RegistrationVerified,
        RegistrationRequest, LoginRequest, LoginResponse, ChangePasswordRequest, PasswordChanged, MeResponse,
        Account, AccountKind, OtpState, OtpStatus, TokenMethod, TotpAlgorithm, IssueTokenRequest, TokenIssued,
        AuthenticatorSetup, ProvisionRequest, ProvisionedToken, OtpRequest,
    ))
)]
pub struct ApiDoc;

#[utoipa::path(get, path = "/api/openapi.json", tag = "system", responses((status = 200, description = "this document")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
