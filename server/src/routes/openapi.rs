//! `/api/openapi.json`, generated from the handlers' annotations and the `api` crate's types.

use std::sync::Arc;

use axum::{Extension, Json};
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

use netbank_api::enrolment::{
    Enrolment, EnrolmentPurpose, EnrolmentStatus, MailCodeRoute, MailCodeSent, StepUp, StepUpMethod,
};

/// What the document says besides its operations, which `routes::api_router` adds from the
/// same `routes!` that serve them.
#[derive(OpenApi)]
#[openapi(
    info(title = "netbank API", description = "Every error answers with ErrorBody; its `reason` is the stable code."),
    components(schemas(
        ErrorBody,
        ErrorReason,
        HealthResponse,
        DatabaseStatus,
        ReadyResponse,
        MailSenderStatus,
        RegistrationVerifyRequest,
        RegistrationVerified,
        RegistrationRequest,
        LoginRequest,
        LoginResponse,
        ChangePasswordRequest,
        PasswordChanged,
        MeResponse,
        SessionClock,
        ChangeNoticeAddressRequest,
        NoticeAddressChanged,
        Account,
        AccountKind,
        OtpState,
        OtpStatus,
        TokenMethod,
        TotpAlgorithm,
        IssueTokenRequest,
        TokenIssued,
        AuthenticatorSetup,
        ProvisionRequest,
        ProvisionedToken,
        OtpRequest,
        Statement,
        StatementEntry,
        StatementPeriod,
        StatementQuery,
        Payee,
        PayeeList,
        PayeeLookupRequest,
        SavedPayee,
        TransferDraft,
        TransferKind,
        TransferQuote,
        TransferRequest,
        TransferReceipt,
        TransferLimit,
        TransferLimitRequest,
        TransferApprovalRequest,
        PasskeyChallenge,
        PasskeyAnswer,
        PasskeyLoginOptionsRequest,
        PasskeyRegistrationOptionsRequest,
        PasskeyRegistrationRequest,
        PasskeySummary,
        PasskeyList,
        PhishingResistantPolicy,
        PasskeyRemovalRequest,
        Enrolment,
        EnrolmentPurpose,
        EnrolmentStatus,
        MailCodeRoute,
        MailCodeSent,
        StepUp,
        StepUpMethod,
    ))
)]
pub struct ApiDoc;

/// The paths under `prefix` at which `document` has a POST operation (the rate-limited group's).
pub fn posted_paths(document: &utoipa::openapi::OpenApi, prefix: &str) -> Vec<String> {
    document
        .paths
        .paths
        .iter()
        .filter(|(_, item)| item.post.is_some())
        .map(|(path, _)| format!("{prefix}{path}"))
        .collect()
}

/// The document with the shared refusals added to each operation they apply to.
pub fn with_shared_errors(mut document: utoipa::openapi::OpenApi, rate_limited: &[String]) -> utoipa::openapi::OpenApi {
    utoipa::Modify::modify(&SharedErrors { rate_limited }, &mut document);
    document
}

/// The refusals every operation of a kind can give, said once here instead of on each path:
/// any request can meet a server failure; a POST can fail the CSRF check, and one with a JSON
/// body can be malformed, too large or not JSON; some are rate-limited.
struct SharedErrors<'a> {
    /// POSTs limited per client address.
    rate_limited: &'a [String],
}

impl utoipa::Modify for SharedErrors<'_> {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let rate_limited = self.rate_limited.contains(path);
            if let Some(get) = item.get.as_mut() {
                add(get, "500", "internal");
                add(get, "503", "busy: the request ran past the server's deadline (see Retry-After)");
            }
            let frozen_refuses = !crate::http::frozen::exempt(path);
            if let Some(delete) = item.delete.as_mut() {
                add(delete, "500", "internal");
                add(delete, "403", "csrf_rejected");
                add(delete, "403", "account_frozen (凍結)");
            }
            if let Some(post) = item.post.as_mut() {
                add(post, "500", "internal");
                add(post, "503", "busy: the password hashing queue is full or the request ran past the server's deadline (see Retry-After)");
                add(post, "403", "csrf_rejected");
                if frozen_refuses {
                    add(post, "403", "account_frozen (凍結)");
                }
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

#[utoipa::path(get, path = "/openapi.json", tag = "system", responses((status = 200, description = "this document")))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn document(Extension(document): Extension<Arc<utoipa::openapi::OpenApi>>) -> Json<utoipa::openapi::OpenApi> {
    Json(document.as_ref().clone())
}
