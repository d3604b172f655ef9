//! Staff sign in with a passkey only (phishing-resistant; a security key is one too): a
//! single-use enrolment code from `staff create` registers the first, and every login is a
//! discoverable assertion on the console's own origin. The session is a random ID in its own
//! HttpOnly cookie (stored as its SHA-256), idle after 15 minutes.

use axum::extract::{FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use netbank_api::passkey::PasskeyChallenge;
use netbank_api::staff::{Role, Roles, StaffEnrolmentFinish, StaffEnrolmentStart, StaffLoginFinish, StaffMe};
use rand::RngCore;
use webauthn_rs::prelude::{
    Credential, DiscoverableAuthentication, Passkey, PasskeyRegistration, RegisterPublicKeyCredential, Uuid,
    WebauthnError,
};
use webauthn_rs_proto::ResidentKeyRequirement;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr};
// The bank's session IDs, ceremony IDs and codes are kept as this same SHA-256.
use crate::identity::session::token_hash;
use crate::passkey::{ceremony, PasskeyError};
use crate::staff::{StaffError, StaffState, ABSOLUTE_SECONDS, IDLE_SECONDS};
use crate::store::staff::{self as store, StaffRow};

/// The console's cookie on plain HTTP (development), and its `__Host-` name over TLS. Not the
/// customer's: a customer cookie means nothing here, a staff cookie nothing to the bank API.
pub const COOKIE_NAME: &str = "nb_staff";
pub const HOST_COOKIE_NAME: &str = "__Host-nb_staff";

fn cookie_name(tls: bool) -> &'static str {
    if tls {
        HOST_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

fn random_text() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The signed-in staff member, with the roles the database holds now.
#[derive(Debug, Clone)]
pub struct Staff {
    pub id: i64,
    pub name: String,
    pub roles: Roles,
    pub client: ClientAddr,
}

impl Staff {
    /// Refuses unless the person holds `role`; the audit log's actor when they do.
    pub fn acting_as(&self, role: Role, proposal_id: Option<i64>) -> Result<audit::Actor, StaffError> {
        if !self.roles.has(role) {
            return Err(StaffError::NotPermitted(role));
        }
        Ok(audit::Actor {
            client_addr: self.client.ip_string(),
            staff: Some(audit::StaffMark { staff_id: self.id, role, proposal_id }),
        })
    }
}

impl Staff {
    /// The first of `roles` the person holds, as the audit actor; refused (naming the first)
    /// when they hold none of them.
    pub fn acting_in(&self, roles: &[Role]) -> Result<audit::Actor, StaffError> {
        let role = roles.iter().copied().find(|role| self.roles.has(*role)).unwrap_or(roles[0]);
        self.acting_as(role, None)
    }
}

fn presented(headers: &HeaderMap, tls: bool) -> Option<String> {
    let name = cookie_name(tls);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

impl FromRequestParts<StaffState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &StaffState) -> Result<Self, Self::Rejection> {
        let token = presented(&parts.headers, state.app.policy.tls).ok_or(StaffError::Unauthenticated)?;
        let now = state.app.clock.now();
        let mut db = state.app.db.acquire().await.map_err(StaffError::from)?;
        let staff_id = store::touch_session(&mut db, &token_hash(&token), now, IDLE_SECONDS, ABSOLUTE_SECONDS)
            .await
            .map_err(StaffError::from)?
            .ok_or(StaffError::Unauthenticated)?;
        let row =
            store::by_id(&mut *db, staff_id).await.map_err(StaffError::from)?.ok_or(StaffError::Unauthenticated)?;
        let roles = Roles::parse(&row.roles).map_err(|e| StaffError::Unexpected(anyhow::anyhow!(e)))?;
        let client = ClientAddr::from_request_parts(parts, state).await.unwrap_or(ClientAddr(None));
        Ok(Staff { id: row.id, name: row.name, roles, client })
    }
}

fn me_of(staff: &Staff) -> StaffMe {
    StaffMe {
        id: staff.id,
        name: staff.name.clone(),
        roles: staff.roles.list().to_vec(),
        idle_seconds: IDLE_SECONDS as u32,
    }
}

/// `GET /staff-api/me`.
pub async fn me(staff: Staff) -> Json<StaffMe> {
    Json(me_of(&staff))
}

async fn staff_event(
    db: impl sqlx::any::AnyExecutor<'_>,
    now: i64,
    event: AuditAction,
    result: Outcome,
    staff: Option<&StaffRow>,
    client: &ClientAddr,
    detail: Option<String>,
) -> sqlx::Result<()> {
    let actor = audit::Actor {
        client_addr: client.ip_string(),
        staff: staff.map(|row| audit::StaffMark {
            staff_id: row.id,
            role: Roles::parse(&row.roles).ok().and_then(|roles| roles.list().first().copied()).unwrap_or(Role::Teller),
            proposal_id: None,
        }),
    };
    let event = AuditEvent { customer_id: None, event, client_addr: None, result, detail };
    audit::record_by(db, now, event, &actor).await
}

/// `POST /staff-api/enrolment/options`: the code `staff create` printed → a registration
/// challenge for that person (the code is spent only by the registration itself).
pub async fn enrolment_options(
    State(state): State<StaffState>,
    ApiJson(request): ApiJson<StaffEnrolmentStart>,
) -> Result<Json<PasskeyChallenge>, ApiError> {
    let now = state.app.clock.now();
    let row = store::by_enrolment(&state.app.db, &token_hash(request.code.trim()), now)
        .await
        .map_err(StaffError::from)?
        .ok_or(StaffError::EnrolmentRefused)?;
    let handle = uuid_from(&row.user_handle)?;
    let (mut options, registration) = state
        .party
        .webauthn
        .start_passkey_registration(handle, &row.name, &row.name, None)
        .map_err(|e| StaffError::Unexpected(anyhow::anyhow!("webauthn: {e}")))?;
    let selection = options.public_key.authenticator_selection.get_or_insert_with(Default::default);
    selection.resident_key = Some(ResidentKeyRequirement::Required);
    selection.require_resident_key = true;
    let challenge = open_ceremony(&state, "enrol", Some(row.id), &options, &registration, now).await?;
    Ok(Json(challenge))
}

fn uuid_from(handle: &[u8]) -> Result<Uuid, StaffError> {
    Uuid::from_slice(handle).map_err(|e| StaffError::Unexpected(anyhow::anyhow!("staff handle: {e}")))
}

async fn open_ceremony(
    state: &StaffState,
    purpose: &str,
    staff_id: Option<i64>,
    options: &impl serde::Serialize,
    ceremony_state: &impl serde::Serialize,
    now: i64,
) -> Result<PasskeyChallenge, StaffError> {
    let id = random_text();
    let json = serde_json::to_string(ceremony_state).map_err(anyhow::Error::from)?;
    store::insert_ceremony(&state.app.db, &token_hash(&id), purpose, staff_id, &json, now + ceremony::CEREMONY_SECONDS)
        .await?;
    let options = serde_json::to_string(options).map_err(anyhow::Error::from)?;
    Ok(PasskeyChallenge { ceremony: id, options })
}

async fn take_ceremony<S: serde::de::DeserializeOwned>(
    db: &mut sqlx::AnyConnection,
    id: &str,
    purpose: &str,
    now: i64,
) -> Result<(Option<i64>, S), StaffError> {
    let taken = store::take_ceremony(&mut *db, &token_hash(id)).await?.ok_or(PasskeyError::UnknownCeremony)?;
    if taken.purpose != purpose {
        return Err(PasskeyError::UnknownCeremony.into());
    }
    if taken.expires_at <= now {
        return Err(PasskeyError::Expired.into());
    }
    let state = serde_json::from_str(&taken.state).map_err(anyhow::Error::from)?;
    Ok((taken.staff_id, state))
}

/// `POST /staff-api/enrolment`: the passkey registered for the code's person, the code spent
/// in the same transaction (of two registrations with one code, one gets it).
pub async fn enrol(
    State(state): State<StaffState>,
    client: ClientAddr,
    ApiJson(request): ApiJson<StaffEnrolmentFinish>,
) -> Result<StatusCode, ApiError> {
    let answer: RegisterPublicKeyCredential =
        serde_json::from_str(&request.credential).map_err(|_| StaffError::from(PasskeyError::Malformed))?;
    let now = state.app.clock.now();
    let code_hash = token_hash(request.code.trim());
    let mut tx = crate::db::begin_write(&state.app.db).await.map_err(StaffError::from)?;
    let (staff_id, registration): (Option<i64>, PasskeyRegistration) =
        take_ceremony(&mut tx, &request.ceremony, "enrol", now).await?;
    let staff_id = staff_id.ok_or(PasskeyError::UnknownCeremony).map_err(StaffError::from)?;
    if !store::spend_enrolment(&mut *tx, staff_id, &code_hash, now).await.map_err(StaffError::from)? {
        return Err(StaffError::EnrolmentRefused.into());
    }
    let passkey = state
        .party
        .webauthn
        .finish_passkey_registration(&answer, &registration)
        .map_err(|e| StaffError::from(PasskeyError::Refused(format!("{e:?}").to_lowercase())))?;
    let credential = Credential::from(passkey.clone());
    let json = serde_json::to_string(&passkey).map_err(|e| StaffError::Unexpected(e.into()))?;
    let inserted =
        store::insert_passkey(&mut *tx, staff_id, passkey.cred_id(), &json, i64::from(credential.counter), now).await;
    if let Err(sqlx::Error::Database(error)) = &inserted {
        if error.is_unique_violation() {
            return Err(StaffError::from(PasskeyError::AlreadyRegistered).into());
        }
    }
    inserted.map_err(StaffError::from)?;
    let row = store::by_id(&mut *tx, staff_id).await.map_err(StaffError::from)?;
    staff_event(&mut *tx, now, AuditAction::StaffEnrol, Outcome::Success, row.as_ref(), &client, None)
        .await
        .map_err(StaffError::from)?;
    tx.commit().await.map_err(StaffError::from)?;
    Ok(StatusCode::CREATED)
}

/// `POST /staff-api/login/options`: a challenge any staff passkey of this origin answers.
pub async fn login_options(State(state): State<StaffState>) -> Result<Json<PasskeyChallenge>, ApiError> {
    let now = state.app.clock.now();
    let (mut options, authentication) = state.party.assertion_challenge(&[], false).map_err(StaffError::from)?;
    options.mediation = None;
    Ok(Json(open_ceremony(&state, "login", None, &options, &authentication, now).await?))
}

/// `POST /staff-api/login`: the assertion verified against the staff passkey it names, as
/// stored now, its counter moved by a conditional UPDATE; a session cookie for an enabled
/// person. Every attempt is audited.
pub async fn login(
    State(state): State<StaffState>,
    client: ClientAddr,
    ApiJson(request): ApiJson<StaffLoginFinish>,
) -> Result<(HeaderMap, Json<StaffMe>), ApiError> {
    let assertion = ceremony::parse_assertion(&request.credential).map_err(StaffError::from)?;
    let now = state.app.clock.now();
    let mut tx = crate::db::begin_write(&state.app.db).await.map_err(StaffError::from)?;
    let verified = async {
        let (_, authentication): (Option<i64>, DiscoverableAuthentication) =
            take_ceremony(&mut tx, &request.ceremony, "login", now).await?;
        let stored = store::passkey_by_credential_id(&mut *tx, assertion.get_credential_id())
            .await?
            .ok_or_else(|| PasskeyError::Refused("unknown_credential".into()))?;
        let handle = assertion.get_user_unique_id().ok_or_else(|| PasskeyError::Refused("no_user_handle".into()))?;
        let row = store::by_handle(&mut *tx, handle).await?.filter(|row| row.id == stored.staff_id);
        let row = row.ok_or_else(|| PasskeyError::Refused("user_handle_mismatch".into()))?;
        if row.disabled_at.is_some() {
            return Err(PasskeyError::Refused("staff_disabled".into()).into());
        }
        let mut passkey: Passkey = serde_json::from_str(&stored.credential).map_err(anyhow::Error::from)?;
        let result =
            match state.party.webauthn.finish_discoverable_authentication_v2(&assertion, authentication, &passkey) {
                Ok(result) => result,
                Err(WebauthnError::CredentialPossibleCompromise) => return Err(PasskeyError::CloneSuspected.into()),
                Err(error) => return Err(PasskeyError::Refused(format!("{error:?}").to_lowercase()).into()),
            };
        passkey.update_credential(&result);
        let counter = i64::from(Credential::from(passkey.clone()).counter);
        let json = serde_json::to_string(&passkey).map_err(anyhow::Error::from)?;
        if !store::record_passkey_use(&mut *tx, stored.id, stored.sign_count, &json, counter, now).await? {
            return Err(PasskeyError::CloneSuspected.into());
        }
        Ok::<_, StaffError>(row)
    }
    .await;
    let row = match verified {
        Ok(row) => row,
        Err(error) => {
            let detail = match &error {
                StaffError::Passkey(passkey) => passkey.detail(),
                other => other.to_string(),
            };
            // The refusal's record commits with the spent challenge.
            staff_event(&mut *tx, now, AuditAction::StaffLogin, Outcome::Refused, None, &client, Some(detail))
                .await
                .map_err(StaffError::from)?;
            tx.commit().await.map_err(StaffError::from)?;
            return Err(error.into());
        }
    };
    let token = random_text();
    store::insert_session(&mut *tx, &token_hash(&token), row.id, now).await.map_err(StaffError::from)?;
    staff_event(&mut *tx, now, AuditAction::StaffLogin, Outcome::Success, Some(&row), &client, None)
        .await
        .map_err(StaffError::from)?;
    tx.commit().await.map_err(StaffError::from)?;
    let roles = Roles::parse(&row.roles).map_err(|e| StaffError::Unexpected(anyhow::anyhow!(e)))?;
    let staff = Staff { id: row.id, name: row.name, roles, client };
    let mut headers = HeaderMap::new();
    let secure = if state.app.policy.tls { "; Secure" } else { "" };
    let cookie = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={ABSOLUTE_SECONDS}{secure}",
        cookie_name(state.app.policy.tls)
    );
    headers.insert(SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|e| StaffError::Unexpected(e.into()))?);
    Ok((headers, Json(me_of(&staff))))
}

/// `POST /staff-api/logout`: the session ends and the cookie is cleared.
pub async fn logout(
    State(state): State<StaffState>,
    headers: HeaderMap,
    client: ClientAddr,
) -> Result<(HeaderMap, StatusCode), ApiError> {
    let tls = state.app.policy.tls;
    if let Some(token) = presented(&headers, tls) {
        let now = state.app.clock.now();
        let id_hash = token_hash(&token);
        let mut tx = crate::db::begin_write(&state.app.db).await.map_err(StaffError::from)?;
        let staff_id: Option<i64> =
            crate::store::staff::session_owner(&mut *tx, &id_hash).await.map_err(StaffError::from)?;
        if store::delete_session(&mut *tx, &id_hash).await.map_err(StaffError::from)? > 0 {
            let row = match staff_id {
                Some(id) => store::by_id(&mut *tx, id).await.map_err(StaffError::from)?,
                None => None,
            };
            staff_event(&mut *tx, now, AuditAction::StaffLogout, Outcome::Success, row.as_ref(), &client, None)
                .await
                .map_err(StaffError::from)?;
        }
        tx.commit().await.map_err(StaffError::from)?;
    }
    let secure = if tls { "; Secure" } else { "" };
    let mut out = HeaderMap::new();
    let clearing = format!("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}", cookie_name(tls));
    out.insert(SET_COOKIE, HeaderValue::from_str(&clearing).map_err(|e| StaffError::Unexpected(e.into()))?);
    Ok((out, StatusCode::NO_CONTENT))
}
