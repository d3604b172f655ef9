//! The 確認コード: how a customer with no second factor proves an enrolment out of band. It
//! goes only to the notice address the bank has had for at least
//! `--enrolment-address-age-days` (never to an address typed in the same flow), is six
//! digits, lasts ten minutes, is used once, and is void after five wrong answers. Sending one
//! replaces the last, and the sends are counted per day.

use axum::extract::State;
use axum::Json;
use netbank_api::enrolment::{
    masked_address, Enrolment, EnrolmentPurpose, MailCode, MailCodeRoute, MailCodeSent, StepUpMethod,
};
use netbank_api::{ErrorBody, ErrorReason};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::calendar::jst_datetime;
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::session::CurrentCustomer;
use crate::ids::CustomerId;
use crate::mail::{enrolment_code, outbox};
use crate::state::AppState;
use crate::store::{customers, enrolment_codes};
use crate::throttle::{self, Action};

/// The code's hash names its customer and purpose, so a code is no use for anything else.
fn digest(customer_id: CustomerId, purpose: Enrolment, code: &str) -> Vec<u8> {
    Sha256::digest(format!("{customer_id}\u{0}{}\u{0}{code}", purpose.as_str()).as_bytes()).to_vec()
}

/// Where a code would go now (the address itself, unmasked), or why none can. Read in the
/// transaction that sends the code, so an address changed meanwhile is never the one used.
async fn destination(
    db: impl sqlx::any::AnyExecutor<'_>,
    state: &AppState,
    customer_id: CustomerId,
) -> sqlx::Result<Result<String, MailCodeRoute>> {
    let Some((address, since)) = customers::notice_address_since(db, customer_id).await? else {
        return Ok(Err(MailCodeRoute::NoAddress));
    };
    let age = i64::from(state.policy.enrolment.address_age_days) * 86_400;
    // An address whose age was never recorded has not been on file long enough to trust.
    let usable_from = since.map_or(i64::MAX, |since| since.saturating_add(age));
    if usable_from > state.clock.now() {
        let usable_from = if usable_from == i64::MAX { "—".to_owned() } else { jst_datetime(usable_from) };
        return Ok(Err(MailCodeRoute::AddressTooNew { usable_from }));
    }
    Ok(Ok(address))
}

/// Where a code would go now, as the screen shows it, or why none can.
pub async fn route(state: &AppState, customer_id: CustomerId) -> sqlx::Result<MailCodeRoute> {
    Ok(match destination(&state.db, state, customer_id).await? {
        Ok(address) => MailCodeRoute::Ready { address: masked_address(&address) },
        Err(why) => why,
    })
}

fn unavailable(route: &MailCodeRoute) -> ApiError {
    let message = match route {
        MailCodeRoute::AddressTooNew { usable_from } => format!(
            "通知先メールアドレスの登録・変更から間もないため、確認コードを送信できません。{usable_from}以降にお試しいただくか、お取引店でお手続きください。"
        ),
        _ => ErrorReason::MailCodeUnavailable.default_message().to_owned(),
    };
    ErrorBody::new(ErrorReason::MailCodeUnavailable).with_message(message).into()
}

#[utoipa::path(post, path = "/enrolment/mail-code", tag = "enrolment", request_body = EnrolmentPurpose,
    responses((status = 200, description = "the 確認コード is on its way to the notice address", body = MailCodeSent),
        (status = 401, description = "unauthenticated or session_expired", body = ErrorBody),
        (status = 403, description = "step_up_required (the customer has a second factor: use it) or mail_code_unavailable", body = ErrorBody),
        (status = 422, description = "malformed_request (no purpose, or an unknown one)", body = ErrorBody),
        (status = 429, description = "rate_limited (codes per day)", body = ErrorBody)))]
/// `POST /api/enrolment/mail-code`: 「確認コードを送信」.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn send(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<EnrolmentPurpose>,
) -> Result<Json<MailCodeSent>, ApiError> {
    let me = current.customer_id;
    let methods = super::factors(&state, me).await?.step_up_methods();
    if !methods.contains(&StepUpMethod::MailCode) {
        return Err(super::step_up_required(&methods));
    }
    let now = state.clock.now();
    let lifetime = i64::from(state.policy.enrolment.mail_code_seconds);
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
    let mail = enrolment_code::compose(&code, request.purpose, &jst_datetime(now), &jst_datetime(now + lifetime));

    // The write lock first: the address and its age are read where the code is written, so a
    // notice-address change racing this request is either wholly before (and too new) or after.
    let mut tx = crate::db::begin_write(&state.db).await?;
    customers::hold(&mut *tx, me).await?;
    let address = match destination(&mut *tx, &state, me).await? {
        Ok(address) => address,
        Err(why) => return Err(unavailable(&why)),
    };
    throttle::take(&mut tx, &state.policy, &client, Action::EnrolmentCode, me, now).await?;
    enrolment_codes::put(
        &mut *tx,
        me,
        request.purpose.as_str(),
        &digest(me, request.purpose, &code),
        now + lifetime,
        now,
    )
    .await?;
    let new_mail = outbox::NewMail { customer_id: Some(me), to: &address, subject: &mail.subject, body: &mail.body };
    outbox::enqueue(&mut *tx, new_mail, now).await?;
    let event = AuditEvent {
        customer_id: Some(me),
        event: AuditAction::EnrolmentCode,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some(format!("purpose={}", request.purpose.as_str())),
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(Json(MailCodeSent { sent_to: masked_address(&address), expires_in_seconds: lifetime as u32 }))
}

/// Takes the customer's code for `purpose` in a new write transaction, which the caller
/// completes with the enrolment. A wrong, late or voided code is counted (committed at once)
/// and audited.
pub async fn take(
    state: &AppState,
    client: &ClientAddr,
    customer_id: CustomerId,
    purpose: Enrolment,
    code: &MailCode,
    event: AuditAction,
) -> Result<Transaction<'static, Any>, ApiError> {
    let now = state.clock.now();
    let attempts = state.policy.enrolment.mail_code_attempts;
    let hash = digest(customer_id, purpose, code.expose());
    let mut tx = crate::db::begin_write(&state.db).await?;
    if enrolment_codes::take(&mut *tx, customer_id, purpose.as_str(), &hash, now, attempts).await? {
        return Ok(tx);
    }
    enrolment_codes::count_wrong(&mut *tx, customer_id, attempts).await?;
    let refusal = AuditEvent {
        customer_id: Some(customer_id),
        event,
        client_addr: client.ip_string(),
        result: Outcome::Refused,
        detail: Some("wrong_mail_code".to_owned()),
    };
    audit::record(&mut *tx, now, refusal).await?;
    tx.commit().await?;
    Err(ErrorBody::new(ErrorReason::InvalidMailCode).for_field("step_up").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_bound_to_its_customer_and_purpose() {
        let code = "123456";
        let token = digest(CustomerId(7), Enrolment::Token, code);
        assert_ne!(token, digest(CustomerId(8), Enrolment::Token, code));
        assert_ne!(token, digest(CustomerId(7), Enrolment::Passkey, code));
        assert_eq!(token, digest(CustomerId(7), Enrolment::Token, code));
    }
}
