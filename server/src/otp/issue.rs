//! トークン発行 (手順3–6): a pending token, its ユーザID, and for the guide's token app the
//! issuance mail; for an authenticator app, the secret shown once as a QR code.

use axum::extract::State;
use axum::Json;
use netbank_api::input::{ActivationPassword, LoginPassword, MailAddress};
use netbank_api::otp::{IssueTokenRequest, Procedure, TokenIssued, TokenMethod};
use netbank_api::totp::TotpParams;
use netbank_api::{ErrorReason, INSTITUTION_NAME};
#[allow(unused_imports)]
use netbank_api::ErrorBody;
use rand::{Rng, RngCore};

use crate::audit::{self, AuditEvent};
use crate::calendar::jst_datetime;
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::identity::{password, reauth};
use crate::mail::notice::{self, Notice};
use crate::mail::{issuance, outbox};
use crate::otp::authenticator;
use crate::otp::token;
use crate::startup::AppState;
use crate::store::customers;
use crate::store::otp_tokens::{self, Method, NewToken, TokenState};

/// 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;

pub fn generate_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

/// 11 digits, not starting with 0 (so it survives spreadsheets and reading aloud).
fn generate_user_id() -> String {
    let mut rng = rand::rngs::OsRng;
    format!("{}{:010}", rng.gen_range(1..=9), rng.gen_range(0..10_000_000_000u64))
}

/// What the customer asked for, checked.
enum Request {
    Software { mail: MailAddress, activation: ActivationPassword },
    Authenticator,
}

fn parse(request: &IssueTokenRequest) -> Result<Request, ApiError> {
    Ok(match request.method {
        TokenMethod::SoftwareToken => Request::Software {
            mail: MailAddress::parse(request.mail_address.as_deref().unwrap_or_default())?,
            activation: ActivationPassword::parse(request.activation_password.as_deref().unwrap_or_default())?,
        },
        TokenMethod::AuthenticatorApp => Request::Authenticator,
    })
}

#[utoipa::path(post, path = "/api/otp/issue", tag = "otp", request_body = IssueTokenRequest,
    responses((status = 200, description = "the pending token (BOT002)", body = TokenIssued),
        (status = 401, description = "unauthenticated, session_expired or wrong_current_password (login_password)", body = ErrorBody),
        (status = 403, description = "otp_suspended or login_locked", body = ErrorBody),
        (status = 409, description = "otp_state_conflict (a token is in use: 利用解除 first)", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody)))]
/// `POST /api/otp/issue`, with the login password asked again (BOT004). Open until 利用開始; issuing again replaces the pending token (its
/// ユーザID, password and secret), so a lost mail is fixed by issuing again (手順7's note).
pub async fn issue(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<IssueTokenRequest>,
) -> Result<Json<TokenIssued>, ApiError> {
    let parsed = parse(&request)?;
    LoginPassword::parse_field(&request.login_password, "login_password")?;
    let now = state.clock.now();
    let customer_id = current.customer_id;
    let refused = |detail: String| {
        let event = AuditEvent {
            customer_id: Some(customer_id),
            event: "otp_issue",
            client_addr: client.ip_string(),
            result: "refused",
            detail: Some(detail),
        };
        audit::record(&state.db, now, event)
    };
    let before = token::state_of(&state.db, customer_id, now).await?;
    if !before.allows(Procedure::Issue) {
        refused(format!("state_{before:?}")).await?;
        return Err(token::refusal(before));
    }
    // Binding a token is a second factor's birth: whoever holds only the session (a
    // forgotten browser, a stolen cookie) must not be able to bind their own.
    reauth::confirm_password(&state, &client, &current, &request.login_password, "login_password", "otp_issue").await?;
    let otp = &state.policy.otp;
    let params = TotpParams { algorithm: otp.algorithm, digits: otp.digits, period: otp.period };
    let pending_until = now + i64::from(otp.pending_days) * 86_400;
    let service_id = state.deployment.service_id.clone();

    // Software token: the secret is made when the app is set up. Authenticator app: now.
    let (mail, activation_hash, secret) = match &parsed {
        Request::Software { mail, activation } => {
            (Some(mail.clone()), Some(password::hash(activation.expose().to_owned()).await?), None)
        }
        Request::Authenticator => (None, None, Some(generate_secret())),
    };
    let (token_state, method) = match &parsed {
        Request::Software { .. } => (TokenState::Issued, Method::SoftwareToken),
        Request::Authenticator => (TokenState::Provisioned, Method::AuthenticatorApp),
    };

    let mut attempt = 0;
    let (user_id, mut tx) = loop {
        attempt += 1;
        let user_id = generate_user_id();
        let sealed = secret.as_ref().map(|s| state.secrets.seal(&user_id, s));
        let mut tx = state.db.begin().await?;
        let token = NewToken {
            customer_id,
            state: token_state,
            method,
            service_id: &service_id,
            user_id: &user_id,
            mail_address: mail.as_ref().map(MailAddress::as_str),
            activation_hash: activation_hash.as_deref(),
            pending_until,
            secret: sealed.as_ref().map(|(c, n)| (c.as_slice(), n.as_slice())),
            algorithm: params.algorithm.as_str(),
            digits: params.digits,
            period: params.period,
        };
        // Never over a token in use or stopped, even one that got there by a race.
        let written = otp_tokens::issue(&mut *tx, token, now).await;
        match written {
            Ok(true) => break (user_id, tx),
            Ok(false) => {
                drop(tx);
                refused("race".to_owned()).await?;
                return Err(ApiError::new(ErrorReason::OtpStateConflict));
            }
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() && attempt < 5 => continue,
            Err(e) => return Err(e.into()),
        }
    };

    if let Some(mail) = &mail {
        let content = issuance::compose(&state.deployment.token_app_url, &service_id, &user_id, &jst_datetime(pending_until));
        let new_mail = outbox::NewMail {
            customer_id: Some(customer_id),
            to: mail.as_str(),
            subject: &content.subject,
            body: &content.body,
        };
        outbox::enqueue(&mut *tx, new_mail, now).await?;
    }
    let event = AuditEvent {
        customer_id: Some(customer_id),
        event: "otp_issue",
        client_addr: client.ip_string(),
        result: "success",
        detail: Some(format!("method={} user_id={user_id} replaced={before:?}", method.as_str())),
    };
    audit::record(&mut *tx, now, event).await?;
    notice::send(&mut tx, customer_id, &Notice::TokenIssued, now).await?;
    let authenticator = match &secret {
        Some(secret) => {
            let login_id = customers::login_id(&mut *tx, customer_id).await?;
            Some(authenticator::setup(INSTITUTION_NAME, &login_id, secret, &params)?)
        }
        None => None,
    };
    tx.commit().await?;
    state.mail_wakeup.notify_one();

    let state_after = if authenticator.is_some() {
        netbank_api::identity::OtpState::Provisioned
    } else {
        netbank_api::identity::OtpState::Issued
    };
    Ok(Json(TokenIssued {
        state: state_after,
        method: request.method,
        mail_address: mail.map(|m| m.as_str().to_owned()),
        service_id,
        user_id,
        pending_until,
        authenticator,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids_are_eleven_digits_without_a_leading_zero() {
        for _ in 0..1000 {
            let id = generate_user_id();
            assert_eq!(id.len(), 11, "{id}");
            assert!(id.bytes().all(|b| b.is_ascii_digit()));
            assert_ne!(id.as_bytes()[0], b'0');
        }
        assert_eq!(generate_secret().len(), 20);
    }
}
