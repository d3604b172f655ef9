//! The browser's side of passkeys, without a JavaScript library: the server's options (JSON,
//! binaries in base64url) become `navigator.credentials.create/get` arguments, and the
//! credential comes back as JSON text the same way. Only the fields WebAuthn makes binary are
//! converted; everything else passes through as the server wrote it.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array, JSON};
use netbank_api::client::ClientError;
use netbank_api::passkey::{PasskeyAnswer, PasskeyChallenge};
use netbank_api::{ErrorBody, ErrorReason};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

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
pub async fn answer(challenge: PasskeyChallenge, signal: Option<&JsValue>) -> Result<PasskeyAnswer, ClientError> {
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

fn credentials() -> Option<JsValue> {
    let window = web_sys::window()?;
    let container = get(&get(&window, "navigator"), "credentials");
    (!container.is_undefined() && !get(&window, "PublicKeyCredential").is_undefined()).then_some(container)
}

/// Whether this browser can use passkeys at all.
pub fn supported() -> bool {
    credentials().is_some()
}

/// Whether the browser offers passkeys in the login ID field's autofill (conditional
/// mediation).
pub async fn autofill_available() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let class = get(&window, "PublicKeyCredential");
    let Ok(check) = get(&class, "isConditionalMediationAvailable").dyn_into::<Function>() else { return false };
    let Ok(promise) = check.call0(&class).and_then(|p| p.dyn_into::<Promise>()) else { return false };
    JsFuture::from(promise).await.map(|v| v.is_truthy()).unwrap_or(false)
}

/// `navigator.credentials.create` for the server's registration options.
pub async fn create(options: &str) -> Result<String, PasskeyFailure> {
    let options = JSON::parse(options).map_err(|_| PasskeyFailure::Unavailable)?;
    let public_key = get(&options, "publicKey");
    to_bytes(&public_key, "challenge");
    to_bytes(&get(&public_key, "user"), "id");
    each_to_bytes(&get(&public_key, "excludeCredentials"));
    let credential = call("create", &options).await?;
    let response = get(&credential, "response");
    let answer = answer_of(&credential, &response, &["clientDataJSON", "attestationObject"]);
    if let Ok(transports) = get(&response, "getTransports").dyn_into::<Function>() {
        set(&get(&answer, "response"), "transports", &transports.call0(&response).unwrap_or(JsValue::UNDEFINED));
    }
    stringify(&answer)
}

/// `navigator.credentials.get` for the server's request options; `signal` aborts it (the
/// autofill request waits until the customer picks a passkey or the page moves on).
pub async fn get_assertion(options: &str, signal: Option<&JsValue>) -> Result<String, PasskeyFailure> {
    let options = JSON::parse(options).map_err(|_| PasskeyFailure::Unavailable)?;
    let public_key = get(&options, "publicKey");
    to_bytes(&public_key, "challenge");
    each_to_bytes(&get(&public_key, "allowCredentials"));
    if let Some(signal) = signal {
        set(&options, "signal", signal);
    }
    let credential = call("get", &options).await?;
    let response = get(&credential, "response");
    stringify(&answer_of(&credential, &response, &["clientDataJSON", "authenticatorData", "signature", "userHandle"]))
}

/// A new `AbortController`'s (controller, signal).
pub fn abort_controller() -> Option<(JsValue, JsValue)> {
    let window: JsValue = web_sys::window()?.into();
    let class: Function = get(&window, "AbortController").dyn_into().ok()?;
    let controller = Reflect::construct(&class, &Array::new()).ok()?;
    let signal = get(&controller, "signal");
    Some((controller, signal))
}

pub fn abort(controller: &JsValue) {
    if let Ok(abort) = get(controller, "abort").dyn_into::<Function>() {
        let _ = abort.call0(controller);
    }
}

async fn call(method: &str, options: &JsValue) -> Result<JsValue, PasskeyFailure> {
    let container = credentials().ok_or(PasskeyFailure::Unavailable)?;
    let function: Function = get(&container, method).dyn_into().map_err(|_| PasskeyFailure::Unavailable)?;
    let promise: Promise = function.call1(&container, options).and_then(|p| p.dyn_into()).map_err(|_| PasskeyFailure::Unavailable)?;
    match JsFuture::from(promise).await {
        Ok(credential) if !credential.is_null() => Ok(credential),
        Ok(_) => Err(PasskeyFailure::Cancelled),
        Err(error) => Err(match get(&error, "name").as_string().as_deref() {
            Some("NotAllowedError" | "AbortError") => PasskeyFailure::Cancelled,
            Some("InvalidStateError") => PasskeyFailure::AlreadyRegistered,
            _ => PasskeyFailure::Unavailable,
        }),
    }
}

/// The credential as the server reads it: its own fields (id, rawId, type, the client's
/// extension results) and the `response` fields named, binaries in base64url.
fn answer_of(credential: &JsValue, response: &JsValue, fields: &[&str]) -> JsValue {
    let answer: JsValue = Object::new().into();
    let copied: JsValue = Object::new().into();
    for key in fields {
        copy_bytes(response, &copied, key);
    }
    set(&answer, "response", &copied);
    set(&answer, "id", &get(credential, "id"));
    copy_bytes(credential, &answer, "rawId");
    set(&answer, "type", &get(credential, "type"));
    let results = get(credential, "getClientExtensionResults")
        .dyn_into::<Function>()
        .ok()
        .and_then(|f| f.call0(credential).ok())
        .unwrap_or_else(|| Object::new().into());
    set(&answer, "clientExtensionResults", &results);
    answer
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

/// `to[key] = base64url(from[key])` for an ArrayBuffer; a missing or null one stays so.
fn copy_bytes(from: &JsValue, to: &JsValue, key: &str) {
    let value = get(from, key);
    if value.is_undefined() || value.is_null() {
        return;
    }
    set(to, key, &JsValue::from_str(&encode(&Uint8Array::new(&value).to_vec())));
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
