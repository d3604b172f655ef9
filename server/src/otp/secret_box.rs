//! OTP secrets at rest: AES-256-GCM under a key from configuration, bound to the token's
//! ユーザID so a ciphertext copied to another row does not open.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::Context;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;

use crate::config::Mode;

/// Where development mode keeps the key it made.
pub const DEVELOPMENT_KEY_FILE: &str = "otp-secret.key";

#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(****)")
    }
}

impl SecretBox {
    pub fn from_base64(text: &str) -> anyhow::Result<Self> {
        let bytes = STANDARD.decode(text.trim()).context("the OTP key is not base64")?;
        anyhow::ensure!(bytes.len() == 32, "the OTP key must be 32 bytes (base64 of 32 random bytes), not {}", bytes.len());
        Ok(Self { cipher: Aes256Gcm::new_from_slice(&bytes).expect("32-byte key") })
    }

    /// The configured key; in development mode without one, the key in the data directory,
    /// made on first start.
    pub fn load(mode: Mode, configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(text) = configured {
            return Self::from_base64(text);
        }
        anyhow::ensure!(
            mode == Mode::Development,
            "production mode needs the OTP secret key: set NETBANK_OTP_KEY (or --otp-key) to base64 of 32 random bytes, e.g. `openssl rand -base64 32`"
        );
        let path = data_dir.join(DEVELOPMENT_KEY_FILE);
        if let Ok(text) = std::fs::read_to_string(&path) {
            return Self::from_base64(&text).with_context(|| format!("reading {}", path.display()));
        }
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        write_private(&path, &STANDARD.encode(key))?;
        tracing::warn!(path = %path.display(), "development mode: made a new OTP secret key");
        Self::from_base64(&STANDARD.encode(key))
    }

    /// Encrypts `secret`; returns (ciphertext, nonce).
    pub fn seal(&self, user_id: &str, secret: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: secret, aad: user_id.as_bytes() })
            .expect("AES-GCM encryption does not fail for short messages");
        (ciphertext, nonce.to_vec())
    }

    pub fn open(&self, user_id: &str, ciphertext: &[u8], nonce: &[u8]) -> anyhow::Result<Vec<u8>> {
        anyhow::ensure!(nonce.len() == 12, "stored nonce has the wrong length");
        self.cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: user_id.as_bytes() })
            .map_err(|_| anyhow::anyhow!("an OTP secret does not open with this key (wrong NETBANK_OTP_KEY?)"))
    }
}

/// Creates the file readable by its owner only, failing if it exists (two first starts).
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_open_only_with_their_key_and_user_id() {
        let dir = tempfile::tempdir().unwrap();
        let sealed_box = SecretBox::load(Mode::Development, None, dir.path()).unwrap();
        let (ciphertext, nonce) = sealed_box.seal("12345678901", b"twenty bytes secret!");
        assert_ne!(&ciphertext[..20], b"twenty bytes secret!");
        assert_eq!(sealed_box.open("12345678901", &ciphertext, &nonce).unwrap(), b"twenty bytes secret!");
        assert!(sealed_box.open("12345678902", &ciphertext, &nonce).is_err());
        // The same key comes back on the next start.
        let again = SecretBox::load(Mode::Development, None, dir.path()).unwrap();
        assert!(again.open("12345678901", &ciphertext, &nonce).is_ok());
        let other = SecretBox::from_base64(&STANDARD.encode([7u8; 32])).unwrap();
        assert!(other.open("12345678901", &ciphertext, &nonce).is_err());
    }

    #[test]
    fn production_refuses_to_start_without_a_key() {
        let dir = tempfile::tempdir().unwrap();
        let error = SecretBox::load(Mode::Production, None, dir.path()).unwrap_err();
        assert!(error.to_string().contains("NETBANK_OTP_KEY"));
        assert!(!dir.path().join(DEVELOPMENT_KEY_FILE).exists());
        assert!(SecretBox::from_base64("c2hvcnQ=").is_err());
    }
}
