//! What every passkey step shares: the relying party (the bank's domain and origin, from its
//! public URL), challenges kept in the database and taken exactly once, and verifying an
//! assertion against the credential as stored now (not as it was when the challenge went out).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use netbank_api::passkey::PasskeyChallenge;
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyExecutor;
use webauthn_rs::prelude::{
    Credential, DiscoverableAuthentication, Passkey, PublicKeyCredential, RequestChallengeResponse, Url, Webauthn,
    WebauthnBuilder, WebauthnError,
};
use webauthn_rs_proto::AllowCredentials;

use crate::ids::CustomerId;
use crate::passkey::PasskeyError;
use crate::store::passkeys::{self, NewCeremony, Purpose, StoredCredential, Use};

/// How long a challenge may be answered: the authenticator's own timeout.
pub const CEREMONY_SECONDS: i64 = 300;

/// The bank as WebAuthn sees it.
#[derive(Debug)]
pub struct RelyingParty {
    pub(crate) webauthn: Webauthn,
    origin: Url,
}

impl RelyingParty {
    /// From the public URL customers use: its host is the RP ID and its origin the only one
    /// accepted. A loopback address (development, tests) is named `localhost`, since browsers
    /// refuse an IP address as an RP ID.
    pub fn for_public_url(public_url: &str) -> anyhow::Result<Self> {
        let mut origin = Url::parse(public_url).map_err(|e| anyhow::anyhow!("the public URL {public_url:?}: {e}"))?;
        origin.set_path("");
        let loopback = match origin.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            _ => false,
        };
        if loopback {
            origin.set_host(Some("localhost")).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let rp_id = origin.domain().map(str::to_owned).ok_or_else(|| {
            anyhow::anyhow!("passkeys need the public URL to name the bank by a domain, not {public_url:?}")
        })?;
        let webauthn = WebauthnBuilder::new(&rp_id, &origin)
            .map_err(|e| anyhow::anyhow!("passkey relying party for {public_url:?}: {e}"))?
            .rp_name(netbank_api::INSTITUTION_NAME)
            .timeout(std::time::Duration::from_secs(CEREMONY_SECONDS as u64))
            .build()
            .map_err(|e| anyhow::anyhow!("passkey relying party: {e}"))?;
        Ok(Self { webauthn, origin })
    }

    /// The one origin answers are accepted from (`https://bank.example.jp`).
    pub fn origin(&self) -> String {
        self.origin.as_str().trim_end_matches('/').to_owned()
    }

    /// A challenge for any of `allowed` (none: the browser offers every passkey it holds for
    /// this site). Verification always reads the credential afresh, so the challenge's state
    /// keeps no credential of its own.
    pub fn assertion_challenge(
        &self,
        allowed: &[StoredCredential],
        autofill: bool,
    ) -> Result<(RequestChallengeResponse, DiscoverableAuthentication), PasskeyError> {
        let (mut options, state) = self.webauthn.start_discoverable_authentication().map_err(unexpected)?;
        if !autofill {
            options.mediation = None;
        }
        options.public_key.allow_credentials = allowed
            .iter()
            .map(|stored| AllowCredentials {
                type_: "public-key".to_owned(),
                id: stored.credential_id.clone(),
                transports: None,
            })
            .collect();
        Ok((options, state))
    }
}

fn unexpected(error: WebauthnError) -> PasskeyError {
    PasskeyError::Unexpected(anyhow::anyhow!("webauthn: {error}"))
}

fn id_hash(ceremony: &str) -> Vec<u8> {
    Sha256::digest(ceremony.as_bytes()).to_vec()
}

/// Keeps a challenge's state under a fresh 256-bit ceremony ID (only its hash is stored) and
/// hands the browser the ID and the options.
pub async fn open(
    db: impl AnyExecutor<'_>,
    purpose: Purpose,
    customer_id: Option<CustomerId>,
    binding: Option<&[u8]>,
    options: &impl Serialize,
    state: &impl Serialize,
    now: i64,
) -> Result<PasskeyChallenge, PasskeyError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let ceremony = URL_SAFE_NO_PAD.encode(bytes);
    let state = serde_json::to_string(state).map_err(anyhow::Error::from)?;
    let row = NewCeremony {
        id_hash: &id_hash(&ceremony),
        purpose,
        customer_id,
        state: &state,
        binding,
        expires_at: now + CEREMONY_SECONDS,
    };
    passkeys::insert_ceremony(db, row).await?;
    let options = serde_json::to_string(options).map_err(anyhow::Error::from)?;
    Ok(PasskeyChallenge { ceremony, options })
}

/// Takes the challenge named `ceremony` for `purpose`, `customer_id` and `binding`: once
/// taken it is gone, whatever follows. Someone else's, another purpose's or a spent one is
/// unknown; one past its time has expired; an approval for something else is `NotForThis`.
pub async fn take<S: DeserializeOwned>(
    db: impl AnyExecutor<'_>,
    ceremony: &str,
    purpose: Purpose,
    customer_id: Option<CustomerId>,
    binding: Option<&[u8]>,
    now: i64,
) -> Result<S, PasskeyError> {
    let taken = passkeys::take_ceremony(db, &id_hash(ceremony)).await?.ok_or(PasskeyError::UnknownCeremony)?;
    if taken.purpose != purpose || taken.customer_id != customer_id {
        return Err(PasskeyError::UnknownCeremony);
    }
    if taken.expires_at <= now {
        return Err(PasskeyError::Expired);
    }
    if taken.binding.as_deref() != binding {
        return Err(PasskeyError::NotForThis);
    }
    serde_json::from_str(&taken.state).map_err(|e| PasskeyError::Unexpected(e.into()))
}

/// The browser's answer read as an assertion.
pub fn parse_assertion(credential: &str) -> Result<PublicKeyCredential, PasskeyError> {
    serde_json::from_str(credential).map_err(|_| PasskeyError::Malformed)
}

/// A verified assertion: whose passkey it was.
#[derive(Debug, Clone)]
pub struct Verified {
    pub customer_id: CustomerId,
    pub passkey_id: i64,
    pub name: String,
}

/// Verifies `assertion` against the stored credential it names, as stored now: the signature
/// over this challenge and this origin, user verification, and a counter that moved forward.
/// `customer_id` is who must own it (an approval), or `None` at login, where the user
/// handle must name the credential's owner. The new counter and backup flags are written
/// with a conditional UPDATE on the counter just read: of two answers with one counter value,
/// one gets through.
pub async fn verify(
    db: &mut sqlx::AnyConnection,
    party: &RelyingParty,
    assertion: &PublicKeyCredential,
    state: DiscoverableAuthentication,
    customer_id: Option<CustomerId>,
    now: i64,
) -> Result<Verified, PasskeyError> {
    let verified = verify_assertion(db, party, assertion, state, customer_id, now).await;
    let outcome = match &verified {
        Ok(_) => "accepted",
        Err(PasskeyError::CloneSuspected) => "clone_suspected",
        Err(PasskeyError::Refused(_)) => "refused",
        Err(_) => "error",
    };
    crate::counters::code_checked("passkey", outcome);
    verified
}

async fn verify_assertion(
    db: &mut sqlx::AnyConnection,
    party: &RelyingParty,
    assertion: &PublicKeyCredential,
    state: DiscoverableAuthentication,
    customer_id: Option<CustomerId>,
    now: i64,
) -> Result<Verified, PasskeyError> {
    let stored = passkeys::by_credential_id(&mut *db, assertion.get_credential_id())
        .await?
        .ok_or_else(|| PasskeyError::Refused("unknown_credential".to_owned()))?;
    match customer_id {
        Some(expected) if stored.customer_id != expected => {
            return Err(PasskeyError::Refused("another_customers_credential".to_owned()))
        }
        Some(_) => {}
        None => {
            let handle =
                assertion.get_user_unique_id().ok_or_else(|| PasskeyError::Refused("no_user_handle".to_owned()))?;
            if passkeys::customer_of_handle(&mut *db, handle).await? != Some(stored.customer_id) {
                return Err(PasskeyError::Refused("user_handle_mismatch".to_owned()));
            }
        }
    }
    let mut passkey: Passkey = serde_json::from_str(&stored.credential).map_err(anyhow::Error::from)?;
    let result = match party.webauthn.finish_discoverable_authentication_v2(assertion, state, &passkey) {
        Ok(result) => result,
        Err(WebauthnError::CredentialPossibleCompromise) => return Err(PasskeyError::CloneSuspected),
        Err(error) => return Err(PasskeyError::Refused(format!("{error:?}").to_lowercase())),
    };
    passkey.update_credential(&result);
    let credential = Credential::from(passkey.clone());
    let json = serde_json::to_string(&passkey).map_err(anyhow::Error::from)?;
    let used = Use {
        id: stored.id,
        read_count: stored.sign_count,
        credential: &json,
        sign_count: i64::from(credential.counter),
        backup_eligible: credential.backup_eligible,
        backed_up: credential.backup_state,
    };
    if !passkeys::record_use(&mut *db, used, now).await? {
        return Err(PasskeyError::CloneSuspected);
    }
    Ok(Verified { customer_id: stored.customer_id, passkey_id: stored.id, name: stored.name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_the_public_urls_domain_and_origin_only() {
        let bank = RelyingParty::for_public_url("https://bank.example.jp/").unwrap();
        assert_eq!(bank.origin(), "https://bank.example.jp");
        let (options, _) = bank.assertion_challenge(&[], false).unwrap();
        assert_eq!(options.public_key.rp_id, "bank.example.jp");
        assert!(options.mediation.is_none(), "the button's request is modal");
        let (options, _) = bank.assertion_challenge(&[], true).unwrap();
        assert!(options.mediation.is_some(), "the autofill request is conditional");
        // Loopback is named localhost (a browser refuses an IP address as the RP ID) …
        let local = RelyingParty::for_public_url("http://127.0.0.1:8080").unwrap();
        assert_eq!(local.origin(), "http://localhost:8080");
        // … and any other address is refused at start, not at a customer's first passkey.
        assert!(RelyingParty::for_public_url("https://192.0.2.10").is_err());
        assert!(RelyingParty::for_public_url("not a url").is_err());
    }
}
