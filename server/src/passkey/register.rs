//! BPK002 パスキー登録: the request for the challenge carries a fresh proof with a factor the
//! customer already has (the token's current code or another passkey) or, for a customer with
//! neither, the 確認コード sent to the notice address (`enrolment`); a session that proved
//! only the password gives it again too. The passkey is discoverable (the browser can offer it before a login ID is typed)
//! and verifies the customer itself (fingerprint, face, PIN). A notice mail goes out.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use netbank_api::enrolment::Enrolment;
use netbank_api::input::{LoginPassword, PasskeyName};
use netbank_api::passkey::{
    PasskeyChallenge, PasskeyRegistrationOptionsRequest, PasskeyRegistrationRequest, PasskeySummary,
};
use netbank_api::ErrorBody;
use rand::RngCore;
use webauthn_rs::prelude::{Credential, PasskeyRegistration, RegisterPublicKeyCredential, Uuid};
use webauthn_rs_proto::ResidentKeyRequirement;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::enrolment;
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
use crate::identity::reauth;
use crate::identity::session::{CurrentCustomer, Level};
use crate::mail::notice::{self, Notice};
use crate::passkey::ceremony;
use crate::passkey::{refuse, PasskeyError};
use crate::state::AppState;
use crate::store::customers;
use crate::store::passkeys::{self, NewPasskey, Purpose};

/// A customer's passkeys are few: a phone, a computer, a spare.
pub const MAX_PASSKEYS: i64 = 10;

/// An eleventh is refused: checked when the challenge is handed out, so the customer hears it
/// before the browser asks for a fingerprint, and again when the passkey is stored.
fn room_for_another(registered: i64) -> Result<(), PasskeyError> {
    if registered >= MAX_PASSKEYS {
        return Err(PasskeyError::TooMany);
    }
    Ok(())
}

/// A session that proved only the password (a customer without a token) gives it again.
pub fn needs_password(current: &CurrentCustomer) -> bool {
    current.level == Level::Password
}

#[utoipa::path(post, path = "/passkeys/registration/options", tag = "passkeys", request_body = PasskeyRegistrationOptionsRequest,
    responses((status = 200, description = "the challenge for navigator.credentials.create", body = PasskeyChallenge),
        (status = 401, description = "unauthenticated, session_expired, wrong_current_password, or a refused proof: invalid_otp, passkey_refused, invalid_mail_code", body = ErrorBody),
        (status = 403, description = "login_locked, step_up_required or otp_suspended", body = ErrorBody),
        (status = 422, description = "invalid_input (the login password is needed, or ten passkeys are registered)", body = ErrorBody)))]
/// `POST /api/passkeys/registration/options`.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn options(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<PasskeyRegistrationOptionsRequest>,
) -> Result<Json<PasskeyChallenge>, ApiError> {
    let me = current.customer_id;
    if needs_password(&current) {
        let given =
            LoginPassword::parse_field(request.login_password.as_deref().unwrap_or_default(), "login_password")?;
        reauth::confirm_password(&state, &client, &current, &given, "login_password", AuditAction::PasskeyRegister)
            .await?;
    }
    // The registered ones are counted (an eleventh is refused before any proof is spent) and,
    // so the browser will not make a second passkey on a device that has one, excluded.
    let registered = passkeys::credentials_of(&state.db, me).await?;
    room_for_another(registered.len() as i64)?;
    // The challenge is handed out only in the transaction that spends the proof.
    let mut tx = enrolment::prove(
        &state,
        &client,
        me,
        Enrolment::Passkey,
        request.step_up.as_ref(),
        AuditAction::PasskeyRegister,
    )
    .await?;
    let exclude = registered.into_iter().map(|stored| stored.credential_id).collect();
    let who = customers::identity(&mut *tx, me).await?;
    let mut fresh = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut fresh);
    let handle = passkeys::handle(&mut tx, me, fresh).await?;
    let handle = Uuid::from_slice(&handle).map_err(|e| ApiError::internal(format!("passkey handle: {e}")))?;
    let (mut options, registration) = state
        .relying_party
        .webauthn
        .start_passkey_registration(handle, &who.login_id, &who.name, Some(exclude))
        .map_err(|e| ApiError::internal(format!("webauthn: {e}")))?;
    // Discoverable: the login page can offer the passkey before a login ID is typed.
    let selection = options.public_key.authenticator_selection.get_or_insert_with(Default::default);
    selection.resident_key = Some(ResidentKeyRequirement::Required);
    selection.require_resident_key = true;
    let challenge =
        ceremony::open(&mut *tx, Purpose::Register, Some(me), None, &options, &registration, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Json(challenge))
}

#[utoipa::path(post, path = "/passkeys", tag = "passkeys", request_body = PasskeyRegistrationRequest,
    responses((status = 201, description = "registered; a notice mail goes out", body = PasskeySummary),
        (status = 401, description = "unauthenticated, session_expired, passkey_refused or passkey_challenge_expired", body = ErrorBody),
        (status = 409, description = "passkey_already_registered", body = ErrorBody),
        (status = 422, description = "invalid_input (name, credential, or ten passkeys registered meanwhile)", body = ErrorBody)))]
/// `POST /api/passkeys`: the authenticator's answer to the registration challenge.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %current.customer_id))]
pub async fn register(
    State(state): State<AppState>,
    client: ClientAddr,
    current: CurrentCustomer,
    ApiJson(request): ApiJson<PasskeyRegistrationRequest>,
) -> Result<(StatusCode, Json<PasskeySummary>), ApiError> {
    let me = current.customer_id;
    // Bad input spends nothing: the name and the answer's shape are checked first.
    let name = PasskeyName::parse(&request.name)?;
    let answer: RegisterPublicKeyCredential =
        serde_json::from_str(&request.answer.credential).map_err(|_| PasskeyError::Malformed)?;
    let now = state.clock.now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let registered = async {
        let registration: PasskeyRegistration =
            ceremony::take(&mut *tx, &request.answer.ceremony, Purpose::Register, Some(me), None, now).await?;
        let passkey = state
            .relying_party
            .webauthn
            .finish_passkey_registration(&answer, &registration)
            .map_err(|e| PasskeyError::Refused(format!("{e:?}").to_lowercase()))?;
        let credential = Credential::from(passkey.clone());
        let json = serde_json::to_string(&passkey).map_err(anyhow::Error::from)?;
        let row = NewPasskey {
            customer_id: me,
            credential_id: passkey.cred_id(),
            name: name.as_str(),
            credential: &json,
            sign_count: i64::from(credential.counter),
            backup_eligible: credential.backup_eligible,
            backed_up: credential.backup_state,
        };
        // Registrations started in parallel at nine must not end at eleven.
        passkeys::hold_registrations(&mut *tx, me).await?;
        room_for_another(passkeys::count(&mut *tx, me).await?)?;
        let id = passkeys::insert(&mut *tx, row, now).await?.ok_or(PasskeyError::AlreadyRegistered)?;
        Ok::<_, PasskeyError>((id, credential.backup_state))
    }
    .await;
    let (id, synced) = match registered {
        Ok(done) => done,
        Err(error) => return Err(refuse(tx, &client, Some(me), AuditAction::PasskeyRegister, error, now).await.into()),
    };
    customers::mark_authenticator_added(&mut *tx, me, now).await?;
    let new_payees_from = enrolment::new_payees_from(&state, now);
    notice::send(&mut tx, me, &Notice::PasskeyRegistered { synced, new_payees_from }, now).await?;
    let event = AuditEvent {
        customer_id: Some(me),
        event: AuditAction::PasskeyRegister,
        client_addr: client.ip_string(),
        result: Outcome::Success,
        detail: Some(format!("passkey={id} synced={synced}")),
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    let summary = PasskeySummary {
        id,
        name: name.as_str().to_owned(),
        created_at: crate::calendar::jst_datetime(now),
        last_used_at: None,
        synced,
    };
    Ok((StatusCode::CREATED, Json(summary)))
}
