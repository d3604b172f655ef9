//! トークン発行 (手順3–6): a pending token, its ユーザID, and for the guide's token app the
//! issuance mail; for an authenticator app, the secret shown once as a QR code.

use axum::extract::State;
use axum::Json;
use netbank_api::checked::{Issuance, TokenOrder};
use netbank_api::enrolment::Enrolment;
use netbank_api::identity::OtpState;
use netbank_api::input::MailAddress;
use netbank_api::otp::{IssueTokenRequest, Procedure, TokenIssued};
use netbank_api::totp::TotpParams;
#[allow(unused_imports)]
use netbank_api::ErrorBody;
use netbank_api::{ErrorReason, INSTITUTION_NAME};
use rand::{Rng, RngCore};
use sqlx::{Any, Transaction};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::calendar::jst_datetime;
use crate::enrolment;
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::identity::{password, reauth};
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::mail::{issuance, outbox};
use crate::otp::authenticator;
use crate::otp::token;
use crate::state::AppState;
use crate::store::customers;
use crate::store::otp_tokens::{self, Method, NewToken, TokenState};
use crate::throttle::{self, Action};

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

#[utoipa::path(post, path = "/otp/issue", tag = "otp", request_body = IssueTokenRequest,
    responses((status = 200, description = "the pending token (BOT002)", body = TokenIssued),
        (status = 401, description = "unauthenticated, session_expired, wrong_current_password (login_password), or a refused proof: invalid_otp, passkey_refused, invalid_mail_code", body = ErrorBody),
        (status = 403, description = "otp_suspended, login_locked or step_up_required", body = ErrorBody),
        (status = 409, description = "otp_state_conflict (a token is in use: 利用解除 first)", body = ErrorBody),
        (status = 422, description = "invalid_input", body = ErrorBody)))]
/// `POST /api/otp/issue`, with the login password asked again (BOT004). Open until 利用開始; issuing again replaces the pending token (its
/// ユーザID, password and secret), so a lost mail is fixed by issuing again (手順7's note).
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn issue(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<IssueTokenRequest>,
) -> Result<Json<TokenIssued>, ApiError> {
    let Issuance { order, login_password } = request.check()?;
    throttle::take_attempt(&state, &client, Action::OtpIssue, current.customer_id).await?;
    let issuing = Issuing { state: &state, client: &client, customer_id: current.customer_id, now: state.clock.now() };
    let replaced = issuing.check_state().await?;
    // Binding a token is a second factor's birth: whoever holds only the session (a
    // forgotten browser, a stolen cookie) must not be able to bind their own.
    reauth::confirm_password(&state, &client, &current, &login_password, "login_password", AuditAction::OtpIssue)
        .await?;
    let material = Material::prepare(&state, order, issuing.now).await?;
    // A token is a second factor's birth: the request proves a factor the customer already
    // has, or (for a first one) the 確認コード from the long-registered notice address.
    let mut tx = enrolment::prove(
        &state,
        &client,
        current.customer_id,
        Enrolment::Token,
        request.step_up.as_ref(),
        AuditAction::OtpIssue,
    )
    .await?;
    let Some(user_id) = issuing.write_token(&mut tx, &material).await? else {
        drop(tx);
        issuing.refused("race".to_owned()).await?;
        return Err(ApiError::new(ErrorReason::OtpStateConflict));
    };
    if material.mail.is_some() {
        let counted =
            throttle::take(&mut tx, &state.policy, &client, Action::IssuanceMail, current.customer_id, issuing.now)
                .await;
        if let Err(refusal) = counted {
            drop(tx);
            issuing.refused("issuance_mails_per_day".to_owned()).await?;
            return Err(refusal.into());
        }
    }
    let answer = issuing.record(&mut tx, material, user_id, replaced).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(Json(answer))
}

/// One トークン発行 in progress: who, from where, when.
struct Issuing<'a> {
    state: &'a AppState,
    client: &'a ClientAddr,
    customer_id: CustomerId,
    now: i64,
}

/// What the new token is made of.
struct Material {
    mail: Option<MailAddress>,
    /// argon2id of the 利用開始パスワード (software token).
    activation_hash: Option<String>,
    /// Made now for an authenticator app; the software token's comes at its 初期設定.
    secret: Option<Vec<u8>>,
    token_state: TokenState,
    method: Method,
    params: TotpParams,
    pending_until: i64,
    service_id: String,
}

impl Material {
    async fn prepare(state: &AppState, order: TokenOrder, now: i64) -> Result<Self, ApiError> {
        let otp = &state.policy.otp;
        let (mail, activation_hash, secret, token_state, method) = match order {
            TokenOrder::Software { mail, activation } => {
                let hash = password::hash(activation.expose().to_owned()).await?;
                (Some(mail), Some(hash), None, TokenState::Issued, Method::SoftwareToken)
            }
            TokenOrder::Authenticator => {
                (None, None, Some(generate_secret()), TokenState::Provisioned, Method::AuthenticatorApp)
            }
        };
        Ok(Self {
            mail,
            activation_hash,
            secret,
            token_state,
            method,
            params: TotpParams { algorithm: otp.algorithm, digits: otp.digits, period: otp.period },
            pending_until: now + i64::from(otp.pending_days) * 86_400,
            service_id: state.deployment.service_id.clone(),
        })
    }
}

impl Issuing<'_> {
    async fn refused(&self, detail: String) -> Result<(), ApiError> {
        let event = AuditEvent {
            customer_id: Some(self.customer_id),
            event: AuditAction::OtpIssue,
            client_addr: self.client.ip_string(),
            result: Outcome::Refused,
            detail: Some(detail),
        };
        Ok(audit::record(&self.state.db, self.now, event).await?)
    }

    /// The state the new token replaces, if the 登録状況 allows トークン発行.
    async fn check_state(&self) -> Result<OtpState, ApiError> {
        let before = token::state_of(&self.state.db, self.customer_id, self.now).await?;
        if !before.allows(Procedure::Issue) {
            self.refused(format!("state_{before:?}")).await?;
            return Err(token::refusal(before));
        }
        Ok(before)
    }

    /// Writes the token under a fresh ユーザID (drawn again on the rare collision, each try in
    /// its own savepoint), in the transaction the rest of the issuance completes.
    /// `None` when the token is in use or stopped after all (a race): nothing was written.
    async fn write_token(
        &self,
        tx: &mut Transaction<'static, Any>,
        material: &Material,
    ) -> Result<Option<String>, ApiError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let user_id = generate_user_id();
            let sealed = material.secret.as_ref().map(|s| self.state.secrets.seal(&user_id, s));
            let mut savepoint = sqlx::Acquire::begin(&mut **tx).await?;
            let token = NewToken {
                customer_id: self.customer_id,
                state: material.token_state,
                method: material.method,
                service_id: &material.service_id,
                user_id: &user_id,
                mail_address: material.mail.as_ref().map(MailAddress::as_str),
                activation_hash: material.activation_hash.as_deref(),
                pending_until: material.pending_until,
                secret: sealed.as_ref(),
                algorithm: material.params.algorithm.as_str(),
                digits: material.params.digits,
                period: material.params.period,
            };
            // Never over a token in use or stopped, even one that got there by a race.
            match otp_tokens::issue(&mut *savepoint, token, self.now).await {
                Ok(true) => {
                    savepoint.commit().await?;
                    return Ok(Some(user_id));
                }
                Ok(false) => return Ok(None),
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() && attempt < 5 => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The issuance mail, the audit record, the notice, and BOT002's answer.
    async fn record(
        &self,
        tx: &mut Transaction<'static, Any>,
        material: Material,
        user_id: String,
        replaced: OtpState,
    ) -> Result<TokenIssued, ApiError> {
        let (customer_id, now) = (self.customer_id, self.now);
        if let Some(mail) = &material.mail {
            let deadline = jst_datetime(material.pending_until);
            let content =
                issuance::compose(&self.state.deployment.token_app_url, &material.service_id, &user_id, &deadline);
            let new_mail = outbox::NewMail {
                customer_id: Some(customer_id),
                to: mail.as_str(),
                subject: &content.subject,
                body: &content.body,
            };
            outbox::enqueue(&mut **tx, new_mail, now).await?;
        }
        let event = AuditEvent {
            customer_id: Some(customer_id),
            event: AuditAction::OtpIssue,
            client_addr: self.client.ip_string(),
            result: Outcome::Success,
            detail: Some(format!("method={} user_id={user_id} replaced={replaced:?}", material.method.as_str())),
        };
        audit::record(&mut **tx, now, event).await?;
        notice::send(tx, customer_id, &Notice::TokenIssued, now).await?;
        let authenticator = match &material.secret {
            Some(secret) => {
                let login_id = customers::login_id(&mut **tx, customer_id).await?;
                Some(authenticator::setup(INSTITUTION_NAME, &login_id, secret, &material.params)?)
            }
            None => None,
        };
        Ok(TokenIssued {
            state: if authenticator.is_some() { OtpState::Provisioned } else { OtpState::Issued },
            method: material.method.into(),
            mail_address: material.mail.map(|m| m.as_str().to_owned()),
            service_id: material.service_id,
            user_id,
            pending_until: material.pending_until,
            authenticator,
        })
    }
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
