//! A software WebAuthn authenticator with a browser's client side: it answers the server's
//! options (`navigator.credentials.create/get` arguments as JSON) with real P-256 keys,
//! CBOR authenticator data, client data naming an origin, and ES256 signatures, so the API
//! tests and the benchmark drive passkeys without a browser. It does what an attacker's
//! tooling can do too: answer for another origin, replay an answer, copy a key with its
//! counter.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use rand::RngCore;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// One credential the authenticator holds (a discoverable one: it keeps the user handle).
#[derive(Clone)]
pub struct SoftCredential {
    pub id: Vec<u8>,
    key: SigningKey,
    pub rp_id: String,
    pub user_handle: Vec<u8>,
    /// The signature counter; the next assertion carries `counter + 1`.
    pub counter: u32,
}

/// Flags of the authenticator data.
const USER_PRESENT: u8 = 0x01;
const USER_VERIFIED: u8 = 0x04;
const ATTESTED: u8 = 0x40;

pub struct SoftAuthenticator {
    /// The origin the "browser" puts in client data: the page the customer is on.
    pub origin: String,
    pub credentials: Vec<SoftCredential>,
    /// Whether the customer was verified (fingerprint, PIN); a passkey needs it.
    pub verifies_user: bool,
}

impl SoftAuthenticator {
    pub fn new(origin: &str) -> Self {
        Self { origin: origin.trim_end_matches('/').to_owned(), credentials: Vec::new(), verifies_user: true }
    }

    /// `navigator.credentials.create(options)`: a new credential; the answer as JSON text.
    pub fn create(&mut self, options: &str) -> String {
        let options: Value = serde_json::from_str(options).expect("creation options are JSON");
        let public_key = &options["publicKey"];
        let rp_id = public_key["rp"]["id"].as_str().expect("rp.id").to_owned();
        let user_handle = decode(public_key["user"]["id"].as_str().expect("user.id"));
        let challenge = public_key["challenge"].as_str().expect("challenge");
        let mut id = vec![0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut id);
        let key = SigningKey::random(&mut rand::rngs::OsRng);
        let credential = SoftCredential { id, key, rp_id, user_handle, counter: 0 };

        let point = credential.key.verifying_key().to_encoded_point(false);
        let mut cose = Vec::new();
        cbor_head(&mut cose, 5, 5);
        for (label, value) in [(1i64, 2i64), (3, -7), (-1, 1)] {
            cbor_int(&mut cose, label);
            cbor_int(&mut cose, value);
        }
        cbor_int(&mut cose, -2);
        cbor_bytes(&mut cose, point.x().expect("x"));
        cbor_int(&mut cose, -3);
        cbor_bytes(&mut cose, point.y().expect("y"));

        let mut auth_data = self.auth_data(&credential.rp_id, ATTESTED, credential.counter);
        auth_data.extend_from_slice(&[0u8; 16]); // AAGUID: none
        auth_data.extend_from_slice(&(credential.id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&credential.id);
        auth_data.extend_from_slice(&cose);

        let mut attestation = Vec::new();
        cbor_head(&mut attestation, 5, 3);
        cbor_text(&mut attestation, "fmt");
        cbor_text(&mut attestation, "none");
        cbor_text(&mut attestation, "attStmt");
        cbor_head(&mut attestation, 5, 0);
        cbor_text(&mut attestation, "authData");
        cbor_bytes(&mut attestation, &auth_data);

        let client_data = self.client_data("webauthn.create", challenge, &self.origin);
        let answer = json!({
            "id": encode(&credential.id),
            "rawId": encode(&credential.id),
            "type": "public-key",
            "response": {
                "attestationObject": encode(&attestation),
                "clientDataJSON": encode(client_data.as_bytes()),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        });
        self.credentials.push(credential);
        answer.to_string()
    }

    /// `navigator.credentials.get(options)` with the first credential the options allow.
    pub fn get(&mut self, options: &str) -> String {
        let index = self.pick(options).expect("a credential these options allow");
        self.get_with(options, index, &self.origin.clone())
    }

    /// An assertion by credential `index`, with client data naming `origin`.
    pub fn get_with(&mut self, options: &str, index: usize, origin: &str) -> String {
        let options: Value = serde_json::from_str(options).expect("request options are JSON");
        let public_key = &options["publicKey"];
        let challenge = public_key["challenge"].as_str().expect("challenge").to_owned();
        let rp_id = public_key["rpId"].as_str().expect("rpId").to_owned();
        self.credentials[index].counter += 1;
        let credential = self.credentials[index].clone();
        let auth_data = self.auth_data(&rp_id, 0, credential.counter);
        let client_data = self.client_data("webauthn.get", &challenge, origin);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(client_data.as_bytes()));
        let signature: DerSignature = credential.key.sign(&signed);
        json!({
            "id": encode(&credential.id),
            "rawId": encode(&credential.id),
            "type": "public-key",
            "response": {
                "authenticatorData": encode(&auth_data),
                "clientDataJSON": encode(client_data.as_bytes()),
                "signature": encode(signature.as_bytes()),
                "userHandle": encode(&credential.user_handle),
            },
            "clientExtensionResults": {},
        })
        .to_string()
    }

    /// Which credential answers: one in `allowCredentials`, or any for the RP when it is empty.
    fn pick(&self, options: &str) -> Option<usize> {
        let options: Value = serde_json::from_str(options).ok()?;
        let public_key = &options["publicKey"];
        let rp_id = public_key["rpId"].as_str()?;
        let allowed: Vec<Vec<u8>> = public_key["allowCredentials"]
            .as_array()
            .map(|list| list.iter().filter_map(|c| c["id"].as_str()).map(decode).collect())
            .unwrap_or_default();
        self.credentials.iter().position(|c| c.rp_id == rp_id && (allowed.is_empty() || allowed.contains(&c.id)))
    }

    fn auth_data(&self, rp_id: &str, extra_flags: u8, counter: u32) -> Vec<u8> {
        let mut data = Sha256::digest(rp_id.as_bytes()).to_vec();
        let verified = if self.verifies_user { USER_VERIFIED } else { 0 };
        data.push(USER_PRESENT | verified | extra_flags);
        data.extend_from_slice(&counter.to_be_bytes());
        data
    }

    fn client_data(&self, kind: &str, challenge: &str, origin: &str) -> String {
        json!({ "type": kind, "challenge": challenge, "origin": origin, "crossOrigin": false }).to_string()
    }
}

fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).expect("base64url")
}

fn cbor_head(out: &mut Vec<u8>, major: u8, len: u64) {
    let major = major << 5;
    match len {
        0..=23 => out.push(major | len as u8),
        24..=0xff => out.extend_from_slice(&[major | 24, len as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(major | 26);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
    }
}

fn cbor_int(out: &mut Vec<u8>, value: i64) {
    if value >= 0 {
        cbor_head(out, 0, value as u64);
    } else {
        cbor_head(out, 1, (-1 - value) as u64);
    }
}

fn cbor_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    cbor_head(out, 2, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn cbor_text(out: &mut Vec<u8>, text: &str) {
    cbor_head(out, 3, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}
