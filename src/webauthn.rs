//! The browser's side of passkeys through web-sys's WebAuthn bindings, without a JavaScript
//! library: the server's options (JSON, binaries in base64url) become
//! `navigator.credentials.create/get` arguments, and the credential comes back as JSON text
//! the same way. Only the fields WebAuthn makes binary are converted; everything else passes
//! through as the server wrote it.

use js_sys::{Array, ArrayBuffer, Object, Promise, Reflect, Uint8Array, JSON};
use netbank_api::client::ClientError;
use netbank_api::passkey::{PasskeyAnswer, PasskeyChallenge};
use netbank_api::{ErrorBody, ErrorReason};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, AuthenticatorAssertionResponse, AuthenticatorAttestationResponse,
    CredentialCreationOptions, CredentialRequestOptions, CredentialsContainer, DomException, PublicKeyCredential,
};

#[wasm_bindgen]
extern "C" {
    // web-sys has this one behind its unstable APIs. Browsers without it (or without
    // WebAuthn) throw, which `catch` turns into an error: no autofill there.
    #[wasm_bindgen(catch, js_namespace = PublicKeyCredential, js_name = isConditionalMediationAvailable)]
    fn is_conditional_mediation_available() -> Result<Promise, JsValue>;
}

/// Why no credential came back, in words for the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyFailure {
    /// The customer closed the dialog, or it timed out (the browser does not say which).
    Cancelled,
    /// This device holds a passkey registered already.
    AlreadyRegistered,
    /// The browser has no WebAuthn, or refused for another reason.
    Unavailable,
}

impl PasskeyFailure {
    pub fn message(self) -> &'static str {
        match self {
            Self::Cancelled => "パスキーの操作が取り消されたか、時間切れになりました。もう一度お試しください。",
            Self::AlreadyRegistered => "この端末のパスキーはすでに登録されています。",
            Self::Unavailable => "この端末またはブラウザではパスキーを利用できません。",
        }
    }
}

impl From<PasskeyFailure> for ClientError {
    fn from(failure: PasskeyFailure) -> Self {
        ClientError::Api(ErrorBody::new(ErrorReason::PasskeyRefused).with_message(failure.message()))
    }
}

/// The server's challenge answered by one of the customer's passkeys.
pub async fn answer(challenge: PasskeyChallenge, signal: Option<&AbortSignal>) -> Result<PasskeyAnswer, ClientError> {
    let credential = get_assertion(&challenge.options, signal).await?;
    Ok(PasskeyAnswer { ceremony: challenge.ceremony, credential })
}

/// The server's registration challenge answered with a new passkey.
pub async fn new_passkey(challenge: PasskeyChallenge) -> Result<PasskeyAnswer, ClientError> {
    let credential = create(&challenge.options).await?;
    Ok(PasskeyAnswer { ceremony: challenge.ceremony, credential })
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// `navigator.credentials` where WebAuthn is there: both exist only in a secure context, and
/// a browser without WebAuthn may still have the older Credential Management API.
fn credentials() -> Option<CredentialsContainer> {
    let window = web_sys::window()?;
    if get(&window, "PublicKeyCredential").is_undefined() || get(&window.navigator(), "credentials").is_undefined() {
        return None;
    }
    Some(window.navigator().credentials())
}

/// Whether this browser can use passkeys at all.
pub fn supported() -> bool {
    credentials().is_some()
}

/// Whether the browser offers passkeys in the login ID field's autofill (conditional
/// mediation).
pub async fn autofill_available() -> bool {
    let Ok(promise) = is_conditional_mediation_available() else { return false };
    JsFuture::from(promise).await.map(|v| v.is_truthy()).unwrap_or(false)
}

/// `navigator.credentials.create` for the server's registration options.
pub async fn create(options: &str) -> Result<String, PasskeyFailure> {
    let options = JSON::parse(options).map_err(|_| PasskeyFailure::Unavailable)?;
    let public_key = get(&options, "publicKey");
    to_bytes(&public_key, "challenge");
    to_bytes(&get(&public_key, "user"), "id");
    each_to_bytes(&get(&public_key, "excludeCredentials"));
    let container = credentials().ok_or(PasskeyFailure::Unavailable)?;
    // The server's JSON, its binaries now bytes, is the dictionary WebAuthn takes.
    let asked = container.create_with_options(options.unchecked_ref::<CredentialCreationOptions>());
    let credential = settle(asked).await?;
    let response: AuthenticatorAttestationResponse = credential.response().unchecked_into();
    let answer = answer_of(
        &credential,
        &[("clientDataJSON", response.client_data_json()), ("attestationObject", response.attestation_object())],
    );
    // Older browsers lack getTransports; the server does without.
    if Reflect::has(&response, &JsValue::from_str("getTransports")).unwrap_or(false) {
        set(&get(&answer, "response"), "transports", &response.get_transports());
    }
    stringify(&answer)
}

/// `navigator.credentials.get` for the server's request options; `signal` aborts it (the
/// autofill request waits until the customer picks a passkey or the page moves on).
pub async fn get_assertion(options: &str, signal: Option<&AbortSignal>) -> Result<String, PasskeyFailure> {
    let options = JSON::parse(options).map_err(|_| PasskeyFailure::Unavailable)?;
    let public_key = get(&options, "publicKey");
    to_bytes(&public_key, "challenge");
    each_to_bytes(&get(&public_key, "allowCredentials"));
    let options: CredentialRequestOptions = options.unchecked_into();
    if let Some(signal) = signal {
        options.set_signal(signal);
    }
    let container = credentials().ok_or(PasskeyFailure::Unavailable)?;
    let credential = settle(container.get_with_options(&options)).await?;
    let response: AuthenticatorAssertionResponse = credential.response().unchecked_into();
    let mut fields = vec![
        ("clientDataJSON", response.client_data_json()),
        ("authenticatorData", response.authenticator_data()),
        ("signature", response.signature()),
    ];
    fields.extend(response.user_handle().map(|handle| ("userHandle", handle)));
    stringify(&answer_of(&credential, &fields))
}

/// A new `AbortController` for an autofill request.
pub fn abort_controller() -> Option<AbortController> {
    AbortController::new().ok()
}

/// What the browser made of a create/get request: the credential, or why there is none.
async fn settle(asked: Result<Promise, JsValue>) -> Result<PublicKeyCredential, PasskeyFailure> {
    let promise = asked.map_err(|_| PasskeyFailure::Unavailable)?;
    match JsFuture::from(promise).await {
        Ok(credential) => credential.dyn_into::<PublicKeyCredential>().map_err(|_| PasskeyFailure::Cancelled),
        Err(error) => Err(match error.dyn_ref::<DomException>().map(DomException::name).as_deref() {
            Some("NotAllowedError" | "AbortError") => PasskeyFailure::Cancelled,
            Some("InvalidStateError") => PasskeyFailure::AlreadyRegistered,
            _ => PasskeyFailure::Unavailable,
        }),
    }
}

/// The credential as the server reads it: id, rawId, type, the client's extension results
/// and the response's binary fields, in base64url.
fn answer_of(credential: &PublicKeyCredential, fields: &[(&str, ArrayBuffer)]) -> JsValue {
    let answer: JsValue = Object::new().into();
    let response: JsValue = Object::new().into();
    for (key, bytes) in fields {
        set(&response, key, &base64url(bytes));
    }
    set(&answer, "response", &response);
    set(&answer, "id", &JsValue::from_str(&credential.id()));
    set(&answer, "rawId", &base64url(&credential.raw_id()));
    set(&answer, "type", &JsValue::from_str(&credential.type_()));
    set(&answer, "clientExtensionResults", &credential.get_client_extension_results().into());
    answer
}

fn base64url(bytes: &ArrayBuffer) -> JsValue {
    JsValue::from_str(&encode(&Uint8Array::new(bytes).to_vec()))
}

fn stringify(answer: &JsValue) -> Result<String, PasskeyFailure> {
    Ok(String::from(JSON::stringify(answer).map_err(|_| PasskeyFailure::Unavailable)?))
}

/// `target[key]`: base64url text → bytes.
fn to_bytes(target: &JsValue, key: &str) {
    if let Some(text) = get(target, key).as_string() {
        set(target, key, &Uint8Array::from(decode(&text).as_slice()).into());
    }
}

fn each_to_bytes(list: &JsValue) {
    if let Some(list) = list.dyn_ref::<Array>() {
        list.for_each(&mut |item, _, _| to_bytes(&item, "id"));
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Base64url (padding and the standard alphabet's `+/` tolerated); bad characters skipped.
pub fn decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut n, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => continue,
        };
        n = n << 6 | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((n >> bits) as u8);
        }
    }
    out
}
