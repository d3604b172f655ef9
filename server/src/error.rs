use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use netbank_api::{ErrorBody, ErrorReason};

/// An error answered to an API caller: an HTTP status and the shared error body.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// Seconds to wait before asking again (`Retry-After`), on 429 and 503.
    pub retry_after: Option<i64>,
}

impl ApiError {
    pub fn new(reason: ErrorReason) -> Self {
        Self::from(ErrorBody::new(reason))
    }

    pub fn retry_after(mut self, seconds: i64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(ErrorReason::Internal)
    }
}

/// The one place a reason becomes an HTTP status.
pub fn status_for(reason: ErrorReason) -> StatusCode {
    match reason {
        ErrorReason::InvalidInput => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorReason::MalformedRequest => StatusCode::BAD_REQUEST,
        ErrorReason::NotFound => StatusCode::NOT_FOUND,
        ErrorReason::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorReason::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorReason::ServiceUnavailable | ErrorReason::Busy | ErrorReason::OtpKeyUnavailable => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        ErrorReason::InvalidCredentials
        | ErrorReason::Unauthenticated
        | ErrorReason::SessionExpired
        | ErrorReason::RegistrationMismatch
        | ErrorReason::WrongCurrentPassword
        | ErrorReason::InvalidOtp
        | ErrorReason::OtpLoginExpired
        | ErrorReason::ProvisioningMismatch => StatusCode::UNAUTHORIZED,
        ErrorReason::LoginLocked
        | ErrorReason::CsrfRejected
        | ErrorReason::TemporaryPasswordUnusable
        | ErrorReason::OtpSuspended
        | ErrorReason::NotPermitted
        | ErrorReason::OwnProposal => StatusCode::FORBIDDEN,
        ErrorReason::ProposalClosed | ErrorReason::ProposalNotApplicable => StatusCode::CONFLICT,
        ErrorReason::OtpStateConflict | ErrorReason::OtpAlreadyUsed | ErrorReason::AlreadyProvisioned => {
            StatusCode::CONFLICT
        }
        ErrorReason::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorReason::AlreadyRegistered | ErrorReason::LoginIdTaken => StatusCode::CONFLICT,
        ErrorReason::PasswordUnchanged
        | ErrorReason::InsufficientFunds
        | ErrorReason::DailyLimitExceeded
        | ErrorReason::PayeeNotFound
        | ErrorReason::RequesterNameLocked
        | ErrorReason::NightLimitExceeded
        | ErrorReason::PerTransferLimitExceeded
        | ErrorReason::BillerNotFound
        | ErrorReason::BillNotFound
        | ErrorReason::BillOverdue
        | ErrorReason::PayeasyLimitExceeded
        | ErrorReason::BankNotFound
        | ErrorReason::BranchNotFound => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorReason::BillAlreadyPaid | ErrorReason::TransferNotCancellable => StatusCode::CONFLICT,
        ErrorReason::PayeasyStopped | ErrorReason::PayeasyLocked => StatusCode::FORBIDDEN,
        ErrorReason::OtpRequired => StatusCode::FORBIDDEN,
        ErrorReason::IdempotencyConflict | ErrorReason::PasskeyAlreadyRegistered => StatusCode::CONFLICT,
        ErrorReason::PasskeyRefused | ErrorReason::PasskeyChallengeExpired => StatusCode::UNAUTHORIZED,
        ErrorReason::PasskeyRequired => StatusCode::FORBIDDEN,
        ErrorReason::StepUpRequired
        | ErrorReason::MailCodeUnavailable
        | ErrorReason::NewAuthenticatorWaiting
        | ErrorReason::AccountFrozen
        | ErrorReason::InterbankNeedsReview => StatusCode::FORBIDDEN,
        ErrorReason::InvalidMailCode => StatusCode::UNAUTHORIZED,
        ErrorReason::DuplicateSessionCookie => StatusCode::BAD_REQUEST,
    }
}

impl From<netbank_api::input::InputError> for ApiError {
    fn from(error: netbank_api::input::InputError) -> Self {
        ErrorBody::new(ErrorReason::InvalidInput).with_message(error.message).for_field(error.field).into()
    }
}

/// A request's refused fields (`api::checked`): the first is answered, naming its field.
impl From<Vec<netbank_api::input::InputError>> for ApiError {
    fn from(errors: Vec<netbank_api::input::InputError>) -> Self {
        match errors.into_iter().next() {
            Some(first) => first.into(),
            None => ApiError::new(ErrorReason::InvalidInput),
        }
    }
}

/// The domain errors carry a failure nobody asked for as `Unexpected(anyhow::Error)`; a
/// database error is one of those.
macro_rules! store_errors_are_unexpected {
    ($($domain:ty),*) => {$(
        impl From<sqlx::Error> for $domain {
            fn from(error: sqlx::Error) -> Self {
                Self::Unexpected(error.into())
            }
        }
    )*};
}

/// Each domain invokes it beside its enum: this module names no domain.
pub(crate) use store_errors_are_unexpected;

/// The server is saturated (the password-hashing queue is full): answered 503 with
/// `Retry-After` instead of waiting. Raised by the domain inside an `anyhow::Error`.
#[derive(Debug, thiserror::Error)]
#[error("the password hashing queue is full")]
pub struct Busy;

/// An OTP secret sealed under a key id this server was not configured with (another
/// instance's development key, a key dropped too early): the operator's to fix, answered
/// with its own reason, never `internal`.
#[derive(Debug, thiserror::Error)]
#[error("an OTP secret is sealed with the key {0:?}, which this server does not have")]
pub struct MissingOtpKey(pub String);

/// How long a client should wait before asking again while the database is away.
const DATABASE_RETRY_SECONDS: i64 = 5;

/// The database cannot be reached or cannot take this request now (stopped, restarting, the
/// pool's wait over, SQLite still locked by another writer after its busy wait): asking again
/// later will work. Any other database error is a fault of ours.
pub fn database_unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => true,
        sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(error) => {
            let code = error.code().unwrap_or_default();
            match error.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
                // SQLITE_BUSY and SQLITE_LOCKED, with their extended codes.
                Some(_) => code.parse::<i32>().is_ok_and(|code| matches!(code & 0xff, 5 | 6)),
                // PostgreSQL's class 08 (connection exception) and 57P01–57P03 (shut down by
                // the administrator, crash shutdown, cannot connect now).
                None => code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03"),
            }
        }
        _ => false,
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if database_unreachable(&error) {
            tracing::warn!(%error, "database unreachable");
            return Self::new(ErrorReason::ServiceUnavailable).retry_after(DATABASE_RETRY_SECONDS);
        }
        Self::internal(error)
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        if error.is::<Busy>() {
            return Self::new(ErrorReason::Busy).retry_after(1);
        }
        if let Some(missing) = error.chain().find_map(|cause| cause.downcast_ref::<MissingOtpKey>()) {
            tracing::error!(key_id = %missing.0, "an OTP secret is sealed with a key this server lacks: configure it (--otp-key-file)");
            return Self::new(ErrorReason::OtpKeyUnavailable);
        }
        if let Some(database) = error.chain().find_map(|cause| cause.downcast_ref::<sqlx::Error>()) {
            if database_unreachable(database) {
                tracing::warn!(error = %database, "database unreachable");
                return Self::new(ErrorReason::ServiceUnavailable).retry_after(DATABASE_RETRY_SECONDS);
            }
        }
        Self::internal(format!("{error:#}"))
    }
}

impl From<ErrorBody> for ApiError {
    fn from(body: ErrorBody) -> Self {
        Self { status: status_for(body.reason), body, retry_after: None }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
