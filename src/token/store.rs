//! The tokens kept on this device (localStorage), several side by side, each labelled.

use netbank_api::otp::{ProvisionedToken, TotpAlgorithm};
use netbank_api::totp::{decode_secret, TotpParams};
use serde::{Deserialize, Serialize};

use crate::state::{local_get, local_set};

const KEY: &str = "netbank.tokens";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredToken {
    pub label: String,
    pub issuer: String,
    pub service_id: String,
    pub user_id: String,
    /// Base32, as the server gave it.
    pub secret: String,
    pub algorithm: TotpAlgorithm,
    pub digits: u32,
    pub period: u32,
}

impl StoredToken {
    pub fn from_provisioned(token: ProvisionedToken) -> Self {
        let tail: String = token.user_id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        Self {
            label: format!("{}（ユーザID 末尾{tail}）", token.issuer),
            issuer: token.issuer,
            service_id: token.service_id,
            user_id: token.user_id,
            secret: token.secret,
            algorithm: token.algorithm,
            digits: token.digits,
            period: token.period,
        }
    }

    pub fn params(&self) -> TotpParams {
        TotpParams { algorithm: self.algorithm, digits: self.digits, period: self.period }
    }

    /// The code at `unix_ms`, or `None` when the stored secret is damaged.
    pub fn code_at(&self, unix_ms: f64) -> Option<String> {
        let secret = decode_secret(&self.secret)?;
        Some(self.params().code_at(&secret, (unix_ms / 1000.0).floor() as i64))
    }

    /// What identifies a token: one per サービスID and ユーザID.
    pub fn same_as(&self, service_id: &str, user_id: &str) -> bool {
        self.service_id == service_id && self.user_id == user_id
    }
}

/// "123 456" (or "1234 5678"): two groups, as the token shows them.
pub fn grouped(code: &str) -> String {
    let half = code.len() / 2;
    format!("{} {}", &code[..half], &code[half..])
}

pub fn load() -> Vec<StoredToken> {
    local_get(KEY).and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default()
}

pub fn save(tokens: &[StoredToken]) {
    local_set(KEY, &serde_json::to_string(tokens).expect("tokens serialise"));
}

pub fn add(token: StoredToken) {
    let mut tokens = load();
    tokens.retain(|t| !t.same_as(&token.service_id, &token.user_id));
    tokens.push(token);
    save(&tokens);
}

pub fn remove(service_id: &str, user_id: &str) {
    let mut tokens = load();
    tokens.retain(|t| !t.same_as(service_id, user_id));
    save(&tokens);
}
