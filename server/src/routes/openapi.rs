//! `/api/openapi.json`, generated from the handlers' annotations and the `api` crate's types.

use axum::Json;
use netbank_api::banking::{
    Payee, PayeeList, PayeeLookupRequest, SavedPayee, Statement, StatementEntry, StatementPeriod, StatementQuery,
    TransferApprovalRequest, TransferDraft, TransferKind, TransferLimit, TransferLimitRequest, TransferQuote,
    TransferReceipt, TransferRequest,
};
use netbank_api::identity::{
    Account, AccountKind, ChangeNoticeAddressRequest, ChangePasswordRequest, LoginRequest, LoginResponse, MeResponse,
    NoticeAddressChanged, OtpState, PasswordChanged, RegistrationRequest, RegistrationVerified,
    RegistrationVerifyRequest, SessionClock,
};
use netbank_api::otp::{
    AuthenticatorSetup, IssueTokenRequest, OtpRequest, OtpStatus, ProvisionRequest, ProvisionedToken, TokenIssued,
    TokenMethod, TotpAlgorithm,
};
use netbank_api::passkey::{
    PasskeyAnswer, PasskeyChallenge, PasskeyList, PasskeyLoginOptionsRequest, PasskeyRegistrationOptionsRequest,
    PasskeyRegistrationRequest, PasskeyRemovalRequest, PasskeySummary, PhishingResistantPolicy,
};
use netbank_api::{DatabaseStatus, ErrorBody, ErrorReason, HealthResponse, MailSenderStatus, ReadyResponse};
use utoipa::OpenApi;

use crate::banking::{limit, payees, statement, transfer};
use crate::enrolment::{self, mail_code};
use crate::identity::{account, login, registration};
use crate::otp::{activate, deactivate, issue, login as otp_login, provision, status};
use crate::passkey::{approval, login as passkey_login, manage, register};
use crate::routes::health;
use netbank_api::enrolment::{
    Enrolment, EnrolmentPurpose, EnrolmentStatus, MailCodeRoute, MailCodeSent, StepUp, StepUpMethod,
};

#[derive(OpenApi)]
#[openapi(
    modifiers(&SharedErrors),
    info(title = "netbank API", description = "Every error answers with ErrorBody; its `reason` is the stable code."),
    paths(
        health::health,
        health::ready,
        registration::verify,
        registration::register,
        login::login,
        login::logout,
        account::me,
        account::change_password,
        account::change_notice_address,
        status::status,
        issue::issue,
        provision::provision,
        activate::activate,
        otp_login::login_otp,
        deactivate::deactivate,
        statement::show,
        statement::download,
        payees::lookup,
        payees::list,
        payees::delete,
        transfer::quote,
        transfer::execute,
        limit::show,
        limit::change,
        passkey_login::options,
        passkey_login::login,
        register::options,
        register::register,
        manage::list,
        approval::removal_challenge,
        manage::remove,
        approval::transfer_challenge,
        enrolment::status,
        enrolment::approval_challenge,
        mail_code::send,
        document,
    ),
    components(schemas(
        ErrorBody, ErrorReason, HealthResponse, DatabaseStatus, ReadyResponse, MailSenderStatus, RegistrationVerifyRequest, RegistrationVerified,
        RegistrationRequest, LoginRequest, LoginResponse, ChangePasswordRequest, PasswordChanged, MeResponse, SessionClock,
        ChangeNoticeAddressRequest, NoticeAddressChanged,
        Account, AccountKind, OtpState, OtpStatus, TokenMethod, TotpAlgorithm, IssueTokenRequest, TokenIssued,
        AuthenticatorSetup, ProvisionRequest, ProvisionedToken, OtpRequest,
        Statement, StatementEntry, StatementPeriod, StatementQuery, Payee, PayeeList, PayeeLookupRequest, SavedPayee,
        TransferDraft, TransferKind, TransferQuote, TransferRequest, TransferReceipt, TransferLimit, TransferLimitRequest,
        TransferApprovalRequest, PasskeyChallenge, PasskeyAnswer, PasskeyLoginOptionsRequest, PasskeyRegistrationOptionsRequest,
        PasskeyRegistrationRequest, PasskeySummary, PasskeyList, PhishingResistantPolicy, PasskeyRemovalRequest,
        Enrolment, EnrolmentPurpose, EnrolmentStatus, MailCodeRoute, MailCodeSent, StepUp, StepUpMethod,
    ))
)]
pub struct ApiDoc;

/// Paths limited per client address (`routes::api_router`).
const RATE_LIMITED: &[&str] = &[
    "/api/login",
    "/api/registration/verify",
    "/api/registration",
    "/api/login/otp",
    "/api/token/provision",
    "/api/otp/activate",
    "/api/otp/deactivate",
    "/api/password",
    "/api/notice-address",
    "/api/otp/issue",
    "/api/payees/lookup",
    "/api/passkeys/login/options",
    "/api/passkeys/login",
    "/api/passkeys/registration/options",
    "/api/passkeys",
    "/api/passkeys/{id}/removal/options",
    "/api/passkeys/{id}/removal",
    "/api/transfers/approval",
    "/api/enrolment/mail-code",
    "/api/enrolment/approval",
];

/// The refusals every operation of a kind can give, said once here instead of on each path:
/// any request can meet a server failure; a POST can fail the CSRF check, and one with a JSON
/// body can be malformed, too large or not JSON; some are rate-limited.
struct SharedErrors;

impl utoipa::Modify for SharedErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let rate_limited = RATE_LIMITED.contains(&path.as_str());
            if let Some(get) = item.get.as_mut() {
                add(get, "500", "internal");
                add(get, "503", "busy: the request ran past the server's deadline (see Retry-After)");
            }
            if let Some(delete) = item.delete.as_mut() {
                add(delete, "500", "internal");
                add(delete, "403", "csrf_rejected");
            }
            if let Some(post) = item.post.as_mut() {
                add(post, "500", "internal");
                add(post, "503", "busy: the password hashing queue is full or the request ran past the server's deadline (see Retry-After)");
                add(post, "403", "csrf_rejected");
                if post.request_body.is_some() {
                    add(post, "400", "malformed_request");
                    add(post, "413", "payload_too_large");
                    add(post, "415", "malformed_request (not JSON)");
                }
                if rate_limited {
                    add(post, "429", "rate_limited (see Retry-After)");
                }
            }
        }
    }
}

/// Adds an ErrorBody response for `status`, or names one more reason on an existing one.
fn add(operation: &mut utoipa::openapi::path::Operation, status: &str, reason: &str) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    match operation.responses.responses.get_mut(status) {
        Some(RefOr::T(response)) => {
            if !response.description.contains(reason) {
                response.description = format!("{} or {reason}", response.description);
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
            let response = ResponseBuilder::new().description(reason).content("application/json", content).build();
            operation.responses.responses.insert(status.to_owned(), RefOr::T(response));
        }
    }
}

#[utoipa::path(get, path = "/api/openapi.json", tag = "system", responses((status = 200, description = "this document")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
