//! The two 手続き a code confirms on a customer's own token: 利用開始登録 (アプリ設定済 →
//! 利用中) and 利用解除 (利用中 → 未発行, the row and its secret deleted). Each is applied in
//! the transaction that claimed the code, together with the session change it causes: every
//! other session of the customer ends, and this one continues under a new ID at the level it
//! has just proven (a code), with its notice to the customer.

use axum::http::HeaderMap;
use netbank_api::input::OtpCode;
use netbank_api::otp::{OtpRequest, Procedure};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::identity::session::{self, CurrentCustomer, Level, Revocation, SessionToken};
use crate::mail::notice::{self, Notice};
use crate::otp::verify;
use crate::state::AppState;
use crate::store::otp_tokens;

#[derive(Debug, Clone, Copy)]
pub enum Transition {
    Activate,
    Release,
}

impl Transition {
    fn event(self) -> AuditAction {
        match self {
            Self::Activate => AuditAction::OtpActivate,
            Self::Release => AuditAction::OtpDeactivate,
        }
    }

    fn revocation(self) -> Revocation {
        match self {
            Self::Activate => Revocation::OtpActivated,
            Self::Release => Revocation::OtpDeactivated,
        }
    }

    fn notice(self, state: &AppState, now: i64) -> Notice {
        match self {
            Self::Activate => Notice::OtpActivated { new_payees_from: crate::enrolment::new_payees_from(state, now) },
            Self::Release => Notice::OtpDeactivated,
        }
    }
}

/// The handlers' common part: the request's code confirms `transition`; the answer's
/// headers carry the re-issued session.
pub async fn respond(
    state: &AppState,
    client: &ClientAddr,
    current: &CurrentCustomer,
    request: &OtpRequest,
    transition: Transition,
) -> Result<HeaderMap, ApiError> {
    let code = request.check()?;
    let token = confirm(state, client, current, &code, transition).await?;
    let mut headers = HeaderMap::new();
    session::set_cookie(&mut headers, token.cookie(&state.policy));
    Ok(headers)
}

/// Applies `transition` for the current session's customer; answers the session's new ID.
pub async fn confirm(
    state: &AppState,
    client: &ClientAddr,
    current: &CurrentCustomer,
    code: &OtpCode,
    transition: Transition,
) -> Result<SessionToken, ApiError> {
    let customer_id = current.customer_id;
    let procedure = match transition {
        Transition::Activate => Procedure::Activate,
        Transition::Release => Procedure::Deactivate,
    };
    let mut tx = verify::accept(state, customer_id, procedure, code, transition.event(), client).await?;
    let now = state.clock.now();
    // The claimed step holds the token in its state: the transition applies.
    let applied = match transition {
        Transition::Activate => otp_tokens::activate(&mut *tx, customer_id, now).await?,
        Transition::Release => otp_tokens::release(&mut *tx, customer_id).await?,
    };
    if !applied {
        return Err(ApiError::internal("a claimed token left its state"));
    }
    if matches!(transition, Transition::Activate) {
        crate::store::customers::mark_authenticator_added(&mut *tx, customer_id, now).await?;
    }
    let event = AuditEvent {
        customer_id: Some(customer_id),
        event: transition.event(),
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: None,
    };
    audit::record(&mut *tx, now, event).await?;
    let token =
        session::reissue(&mut tx, current, Level::Otp, transition.revocation(), client.ip_string(), now).await?;
    notice::send(&mut tx, customer_id, &transition.notice(state, now), now).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(token)
}
