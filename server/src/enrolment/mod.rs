//! Adding an authenticator. A session's level never suffices: registering a
//! passkey and トークン発行 carry, in the request, a fresh proof with a factor the customer
//! already has — the token's current code (its step claimed) or a passkey answering a
//! challenge bound to this enrolment. A customer with neither proves it with a 確認コード sent
//! to a notice address the bank has had for a while (`mail_code`). A new authenticator then
//! waits (`--new-authenticator-hours`) before it can pay someone new or raise the limit.

pub mod mail_code;

use axum::extract::State;
use axum::Json;
use netbank_api::enrolment::{Enrolment, EnrolmentPurpose, EnrolmentStatus, Factors, MailCode, StepUp, StepUpMethod};
use netbank_api::input::OtpCode;
use netbank_api::otp::Procedure;
use netbank_api::passkey::PasskeyChallenge;
use netbank_api::{ErrorBody, ErrorReason};
use sqlx::{Any, Transaction};

use crate::audit::{AuditAction, Outcome};
use crate::calendar::jst_datetime;
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::ids::CustomerId;
use crate::otp::{token, verify};
use crate::passkey::approval::{self, Binding};
use crate::state::AppState;
use crate::store::{customers, passkeys};

/// The factors the customer holds now.
pub async fn factors(state: &AppState, customer_id: CustomerId) -> sqlx::Result<Factors> {
    let token = token::state_of(&state.db, customer_id, state.clock.now()).await?;
    Ok(Factors { token, passkey: passkeys::count(&state.db, customer_id).await? > 0 })
}

/// The refusal of an enrolment without an acceptable proof: it names the proofs this
/// customer can give.
fn step_up_required(methods: &[StepUpMethod]) -> ApiError {
    let message = match methods {
        [] => "ワンタイムパスワードが停止中のため、このお手続きはできません。「ワンタイムパスワード停止解除・初期化依頼書」をお取引店へご提出ください。",
        [StepUpMethod::MailCode] => {
            "このお手続きには、お届けの通知先メールアドレスに送る確認コードでのご本人確認が必要です。「確認コードを送信」を押してください。"
        }
        _ => "このお手続きには、お持ちのワンタイムパスワードまたはパスキーでのご本人確認が必要です。",
    };
    ErrorBody::new(ErrorReason::StepUpRequired).with_message(message).for_field("step_up").into()
}

/// Checks `proof` for enrolling `purpose` and returns the write transaction in which the proof
/// is spent: the caller completes it with the enrolment, so the proof and what it allowed
/// commit together. A refused proof is counted and audited as its kind is (wrong codes toward
/// the token's stop, passkey challenges spent, 確認コード guesses toward its void).
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %customer_id, purpose = ?purpose, event = event.as_str()))]
pub async fn prove(
    state: &AppState,
    client: &ClientAddr,
    customer_id: CustomerId,
    purpose: Enrolment,
    proof: Option<&StepUp>,
    event: AuditAction,
) -> Result<Transaction<'static, Any>, ApiError> {
    let methods = factors(state, customer_id).await?.step_up_methods();
    let offered = |method| methods.contains(&method);
    match proof {
        Some(StepUp::Otp { code }) if offered(StepUpMethod::Otp) => {
            let code = OtpCode::parse(code).map_err(|mut error| {
                error.field = "step_up";
                error
            })?;
            Ok(verify::accept(state, customer_id, Procedure::Confirm, &code, event, client).await?)
        }
        Some(StepUp::Passkey { answer }) if offered(StepUpMethod::Passkey) => {
            let binding = Binding::enrolment(purpose);
            Ok(approval::accept(state, client, customer_id, answer, &binding, event).await?.0)
        }
        Some(StepUp::MailCode { code }) if offered(StepUpMethod::MailCode) => {
            let code = MailCode::parse(code)?;
            Ok(mail_code::take(state, client, customer_id, purpose, &code, event).await?)
        }
        _ => {
            let detail = match proof {
                None => "step_up_missing",
                Some(_) => "step_up_method_not_offered",
            };
            crate::audit::record(
                &state.db,
                state.clock.now(),
                crate::audit::AuditEvent {
                    customer_id: Some(customer_id),
                    event,
                    client_addr: client.ip_string(),
                    result: Outcome::Refused,
                    detail: Some(detail.to_owned()),
                },
            )
            .await?;
            Err(step_up_required(&methods))
        }
    }
}

/// Until when (unix seconds) a new authenticator keeps new payees and a higher limit
/// waiting, if it still does.
pub async fn waiting_until(state: &AppState, customer_id: CustomerId) -> sqlx::Result<Option<i64>> {
    let wait = i64::from(state.policy.enrolment.new_authenticator_hours) * 3600;
    let added = customers::authenticator_added_at(&state.db, customer_id).await?;
    Ok(added.map(|at| at + wait).filter(|until| *until > state.clock.now()))
}

/// For an authenticator added at `now`: when new payees may be paid (Japan time), for its
/// notice; `None` where the bank keeps no waiting period.
pub fn new_payees_from(state: &AppState, now: i64) -> Option<String> {
    let hours = state.policy.enrolment.new_authenticator_hours;
    (hours > 0).then(|| jst_datetime(now + i64::from(hours) * 3600))
}

/// A new authenticator keeps new payees and a higher limit waiting.
#[derive(Debug, thiserror::Error)]
pub enum WaitingError {
    #[error("a new authenticator waits until {until} ({hours} h)")]
    Waiting { until: i64, hours: u32 },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

crate::error::store_errors_are_unexpected!(WaitingError);

impl From<WaitingError> for ApiError {
    fn from(error: WaitingError) -> Self {
        match error {
            WaitingError::Waiting { until, hours } => {
                let message = format!(
                    "新しい認証方式（パスキー・ワンタイムパスワード）の登録から{hours}時間は、初めての振込先への振込、初めての収納機関へのペイジーでの払込と振込限度額の引き上げはできません。{}以降にご利用ください（これまでに振り込んだことのある振込先への振込・払い込んだことのある収納機関への払込と振替はご利用いただけます）。",
                    jst_datetime(until)
                );
                ErrorBody::new(ErrorReason::NewAuthenticatorWaiting).with_message(message).into()
            }
            WaitingError::Unexpected(error) => error.into(),
        }
    }
}

/// Refuses when a new authenticator still waits, saying until when.
pub async fn ensure_not_waiting(state: &AppState, customer_id: CustomerId) -> Result<(), WaitingError> {
    match waiting_until(state, customer_id).await? {
        Some(until) => Err(WaitingError::Waiting { until, hours: state.policy.enrolment.new_authenticator_hours }),
        None => Ok(()),
    }
}

#[utoipa::path(get, path = "/enrolment", tag = "enrolment",
    responses((status = 200, description = "the proofs this customer can add an authenticator with", body = EnrolmentStatus),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody)))]
/// `GET /api/enrolment`: what BPK002 and トークン発行 ask for, and the waiting period.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn status(
    State(state): State<AppState>,
    current: CurrentCustomer,
) -> Result<Json<EnrolmentStatus>, ApiError> {
    let me = current.customer_id;
    let methods = factors(&state, me).await?.step_up_methods();
    let mail_code = match methods.contains(&StepUpMethod::MailCode) {
        true => Some(mail_code::route(&state, me).await?),
        false => None,
    };
    let new_payees_from = waiting_until(&state, me).await?.map(jst_datetime);
    Ok(Json(EnrolmentStatus { methods, mail_code, new_payees_from }))
}

#[utoipa::path(post, path = "/enrolment/approval", tag = "enrolment", request_body = EnrolmentPurpose,
    responses((status = 200, description = "a challenge for the customer's passkeys, bound to this enrolment", body = PasskeyChallenge),
        (status = 401, description = "unauthenticated, session_expired or passkey_refused (no passkey)", body = ErrorBody),
        (status = 422, description = "malformed_request (no purpose, or an unknown one)", body = ErrorBody)))]
/// `POST /api/enrolment/approval`: 「パスキーで確認」 before adding an authenticator.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn approval_challenge(
    State(state): State<AppState>,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<EnrolmentPurpose>,
) -> Result<Json<PasskeyChallenge>, ApiError> {
    let binding = Binding::enrolment(request.purpose);
    Ok(Json(approval::challenge(&state, current.customer_id, &binding).await?))
}
