//! Where a login comes from, as the customer can recognise it: the browser's and the operating
//! system's family from the User-Agent (the ua-parser project's data: `user_agents`), and a
//! device cookie the bank set at an earlier login. Neither is proof of anything — both are the
//! client's to send — so they inform the customer (ログイン履歴, ログイン中の端末, the
//! new-environment notice) and never decide a login. What a known device spares is that
//! notice and the new-environment mark that holds a first large 振込 to a new payee
//! (`banking::risk`). A thief who copied the cookie and names the same browser is spared
//! them as well; the password and the second factor are still theirs to present.

use std::sync::LazyLock;

use axum::http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::Policy;
use crate::identity::user_agents::{Rules, OTHER};

/// The rules' regular expressions are compiled once, at the first login.
static RULES: LazyLock<Rules> =
    LazyLock::new(|| Rules::shipped().expect("the shipped ua-parser rules compile (a unit test)"));

/// Compiles the parser's expressions ahead of the first login (a second or more in a debug
/// build); `startup` runs it on a blocking thread.
pub fn warm_up() {
    LazyLock::force(&RULES);
}

/// What a request's User-Agent says, parsed once (the parser runs hundreds of expressions).
#[derive(Debug, Clone)]
pub struct Agent {
    /// `Chrome / Android`, `Mobile Safari / iOS`; `不明な環境` when it says nothing known.
    pub environment: String,
    /// The browser family alone (`Chrome Mobile`): a device is its cookie in that browser, so
    /// a cookie copied into another browser is a new device.
    family: String,
}

impl Agent {
    pub fn of(headers: &HeaderMap) -> Self {
        Self::parse(headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default())
    }

    fn parse(agent: &str) -> Self {
        if agent.trim().is_empty() {
            return Self { environment: UNKNOWN.to_owned(), family: String::new() };
        }
        let families = RULES.families(agent);
        let known = |family: &str| (!family.is_empty() && family != OTHER).then(|| family.to_owned());
        let environment = match (known(&families.browser), known(&families.system)) {
            (Some(browser), Some(os)) => format!("{browser} / {os}"),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => UNKNOWN.to_owned(),
        };
        Self { environment, family: families.browser }
    }
}

const UNKNOWN: &str = "不明な環境";

const DEVICE_COOKIE: &str = "nb_device";
const HOST_DEVICE_COOKIE: &str = "__Host-nb_device";
/// About 400 days, the longest a browser keeps a cookie.
const DEVICE_COOKIE_SECONDS: i64 = 400 * 86_400;

fn device_cookie_name(policy: &Policy) -> &'static str {
    if policy.tls {
        HOST_DEVICE_COOKIE
    } else {
        DEVICE_COOKIE
    }
}

/// The device the request names, as stored (the SHA-256 of the cookie and the browser
/// family), if it names one that could be ours.
pub fn presented_device(headers: &HeaderMap, agent: &Agent, policy: &Policy) -> Option<Vec<u8>> {
    let name = device_cookie_name(policy);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, value)| *key == name && value.len() == 43)
        .map(|(_, value)| device_hash(value, &agent.family))
}

fn device_hash(value: &str, family: &str) -> Vec<u8> {
    let mut digest = Sha256::new();
    digest.update(value.as_bytes());
    digest.update(b"\n");
    digest.update(family.as_bytes());
    digest.finalize().to_vec()
}

/// A new device: the cookie to set and what to store.
pub struct NewDevice {
    pub hash: Vec<u8>,
    cookie: HeaderValue,
}

impl NewDevice {
    /// A new device cookie for the browser `agent` names.
    pub fn generate(policy: &Policy, agent: &Agent) -> Self {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        let value = URL_SAFE_NO_PAD.encode(bytes);
        let secure = if policy.tls { "; Secure" } else { "" };
        let cookie = format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={DEVICE_COOKIE_SECONDS}{secure}",
            device_cookie_name(policy)
        );
        Self {
            hash: device_hash(&value, &agent.family),
            cookie: HeaderValue::from_str(&cookie).expect("the cookie is ASCII"),
        }
    }

    pub fn set_on(&self, headers: &mut HeaderMap) {
        headers.append(SET_COOKIE, self.cookie.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_s_browser_and_system_are_named_and_nothing_else() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        let describe = |agent: &str| Agent::parse(agent).environment;
        assert_eq!(describe(android), "Chrome Mobile / Android");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(describe(iphone), "Mobile Safari / iOS");
        assert_eq!(describe(""), "不明な環境");
        assert_eq!(describe("curl/8.5.0"), "curl");
    }

    #[test]
    fn a_device_is_its_cookie_in_its_browser() {
        let policy = Policy::default();
        let browser = |agent: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(USER_AGENT, HeaderValue::from_static(agent));
            headers
        };
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        let firefox = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0";
        let device = NewDevice::generate(&policy, &Agent::parse(android));
        let mut set = HeaderMap::new();
        device.set_on(&mut set);
        let cookie = set.get(SET_COOKIE).unwrap().to_str().unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let value = cookie.split(';').next().unwrap();
        let mut sent = browser(android);
        sent.insert(COOKIE, HeaderValue::from_str(&format!("other=1; {value}")).unwrap());
        assert_eq!(presented_device(&sent, &Agent::of(&sent), &policy), Some(device.hash.clone()));
        // The same cookie copied into another browser is another device.
        let mut copied = browser(firefox);
        copied.insert(COOKIE, HeaderValue::from_str(value).unwrap());
        assert_ne!(presented_device(&copied, &Agent::of(&copied), &policy), Some(device.hash.clone()));
        sent.insert(COOKIE, HeaderValue::from_static("nb_device=short"));
        assert_eq!(presented_device(&sent, &Agent::of(&sent), &policy), None);
    }
}
