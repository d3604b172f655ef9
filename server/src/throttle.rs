//! Per-customer limits on what costs the bank or the customer when repeated: mail sent,
//! password hashing, changes to how the customer is reached. Counted in the database, so they
//! hold across server instances; refused with 429 and `Retry-After`.

use sqlx::AnyConnection;

use netbank_api::ErrorReason;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::config::Policy;
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::ids::CustomerId;
use crate::state::AppState;
use crate::store::throttles;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `/api/password`: each attempt, right or wrong.
    PasswordChange,
    /// `/api/notice-address`: each attempt.
    NoticeAddressChange,
    /// `/api/otp/issue`: each attempt (each hashes a password, most send mail).
    OtpIssue,
    /// `/api/token/provision` for one issuance: each attempt.
    Provision,
    /// Issuance mails actually sent: counted in the issuing transaction, so a refused
    /// issuance does not use the day's allowance.
    IssuanceMail,
    /// A name asked for an account number that is not the customer's own or a 登録振込先
    /// (lookups and quotes): bounded, so account holders cannot be enumerated.
    PayeeLookup,
    /// 確認コード mails sent (each a mail to the notice address).
    EnrolmentCode,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Self::PasswordChange => "password_change",
            Self::NoticeAddressChange => "notice_address_change",
            Self::OtpIssue => "otp_issue",
            Self::Provision => "provision",
            Self::IssuanceMail => "issuance_mail",
            Self::PayeeLookup => "payee_lookup",
            Self::EnrolmentCode => "enrolment_code",
        }
    }

    /// (window in seconds, actions allowed in it).
    fn limit(self, policy: &Policy) -> (i64, u32) {
        match self {
            Self::IssuanceMail => (DAY, policy.issuance_mails_per_day),
            Self::PayeeLookup => (HOUR, policy.transfer.lookups_per_hour),
            Self::EnrolmentCode => (DAY, policy.enrolment.mail_codes_per_day),
            _ => (HOUR, policy.customer_actions_per_hour),
        }
    }
}

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// The longest window: rows older than this are swept.
pub const LONGEST_WINDOW: i64 = DAY;

#[derive(Debug, thiserror::Error)]
pub enum ThrottleError {
    /// The customer has done `action` as often as the window allows.
    #[error("{action:?} limited for {wait} s")]
    Limited { action: Action, wait: i64 },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

crate::error::store_errors_are_unexpected!(ThrottleError);

impl From<ThrottleError> for ApiError {
    fn from(error: ThrottleError) -> Self {
        match error {
            ThrottleError::Limited { wait, .. } => ApiError::new(ErrorReason::RateLimited).retry_after(wait),
            ThrottleError::Unexpected(error) => error.into(),
        }
    }
}

/// Counts `action` for `customer_id` in `db` (a transaction, when the count must go with
/// the action), or refuses it with 429 and the seconds to wait, audited.
pub async fn take(
    db: &mut AnyConnection,
    policy: &Policy,
    client: &ClientAddr,
    action: Action,
    customer_id: CustomerId,
    now: i64,
) -> Result<(), ThrottleError> {
    let (window, limit) = action.limit(policy);
    let key = format!("{}:{customer_id}", action.name());
    let Err(wait) = throttles::take(&mut *db, &key, now, window, limit).await? else { return Ok(()) };
    let event = AuditEvent {
        customer_id: Some(customer_id),
        event: AuditAction::Throttled,
        client_addr: client.ip_string(),
        result: Outcome::Refused,
        detail: Some(action.name().to_owned()),
    };
    audit::record(&mut *db, now, event).await?;
    Err(ThrottleError::Limited { action, wait })
}

/// [`take`] on its own, committed at once: attempts count whether or not they succeed.
pub async fn take_attempt(
    state: &AppState,
    client: &ClientAddr,
    action: Action,
    customer_id: CustomerId,
) -> Result<(), ThrottleError> {
    let mut connection = state.db.acquire().await?;
    take(&mut connection, &state.policy, client, action, customer_id, state.clock.now()).await
}
