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

/// A sealed secret's shape is the store's (the column it fills); sealing and opening it is
/// this module's.
pub use crate::store::otp_tokens::{Sealed, FIRST_KEY_ID};

/// The OTP keys: the first seals new secrets, every one opens what it sealed. A new key is
/// put first and the old one kept until `otp rotate-key` has re-sealed every secret.
#[derive(Clone)]
pub struct SecretBox {
    keys: Vec<(String, Aes256Gcm)>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        write!(f, "SecretBox(keys {ids:?}, ****)")
    }
}

impl SecretBox {
    /// `BASE64` or `ID:BASE64`, several separated by commas or lines (a key file may have
    /// `#` comments); the first is the current key.
    pub fn from_base64(text: &str) -> anyhow::Result<Self> {
        let mut keys: Vec<(String, Aes256Gcm)> = Vec::new();
        for entry in text.split([',', '\n']).map(str::trim).filter(|e| !e.is_empty() && !e.starts_with('#')) {
            let (id, material) = match entry.split_once(':') {
                Some((id, material)) => (id.trim(), material.trim()),
                None => (FIRST_KEY_ID, entry),
            };
            anyhow::ensure!(
                !id.is_empty()
                    && id.len() <= 32
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "an OTP key id is 1–32 letters, digits, '-' or '_', not {id:?}"
            );
            anyhow::ensure!(keys.iter().all(|(known, _)| known != id), "the OTP key id {id:?} is given twice");
            let bytes = STANDARD.decode(material).with_context(|| format!("the OTP key {id:?} is not base64"))?;
            anyhow::ensure!(
                bytes.len() == 32,
                "the OTP key {id:?} must be 32 bytes (base64 of 32 random bytes), not {}",
                bytes.len()
            );
            keys.push((id.to_owned(), Aes256Gcm::new_from_slice(&bytes).expect("32-byte key")));
        }
        anyhow::ensure!(!keys.is_empty(), "no OTP key given");
        Ok(Self { keys })
    }

    /// The configured keys (`--otp-key`, or `--otp-key-file` so the key is not in `ps`); in
    /// development mode without either, the key in the data directory, made on first start.
    pub fn load(
        mode: Mode,
        configured: Option<&str>,
        key_file: Option<&Path>,
        data_dir: &Path,
    ) -> anyhow::Result<Self> {
        match (configured, key_file) {
            (Some(_), Some(_)) => anyhow::bail!("give the OTP key once: --otp-key or --otp-key-file, not both"),
            (Some(text), None) => return Self::from_base64(text),
            (None, Some(path)) => {
                return Self::from_base64(&read_private(path)?).with_context(|| format!("reading {}", path.display()))
            }
            (None, None) => {}
        }
        anyhow::ensure!(
            mode == Mode::Development,
            "production mode needs the OTP secret key: set NETBANK_OTP_KEY_FILE (or --otp-key-file) to a file readable by this user only that holds base64 of 32 random bytes (`openssl rand -base64 32`), or NETBANK_OTP_KEY"
        );
        let path = data_dir.join(DEVELOPMENT_KEY_FILE);
        if let Ok(text) = std::fs::read_to_string(&path) {
            return Self::from_base64(&text).with_context(|| format!("reading {}", path.display()));
        }
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        let entry = format!("{}:{}", derived_key_id(&key), STANDARD.encode(key));
        write_private(&path, &entry)?;
        tracing::warn!(path = %path.display(), "development mode: made a new OTP secret key");
        Self::from_base64(&entry)
    }

    /// The key new secrets are sealed with.
    pub fn current_key_id(&self) -> &str {
        &self.keys[0].0
    }

    pub fn knows(&self, key_id: &str) -> bool {
        self.keys.iter().any(|(id, _)| id == key_id)
    }

    /// Encrypts `secret` under the current key.
    pub fn seal(&self, user_id: &str, secret: &[u8]) -> Sealed {
        let (key_id, cipher) = &self.keys[0];
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: secret, aad: user_id.as_bytes() })
            .expect("AES-GCM encryption does not fail for short messages");
        Sealed { key_id: key_id.clone(), ciphertext, nonce: nonce.to_vec() }
    }

    pub fn open(&self, user_id: &str, key_id: &str, ciphertext: &[u8], nonce: &[u8]) -> anyhow::Result<Vec<u8>> {
        anyhow::ensure!(nonce.len() == 12, "stored nonce has the wrong length");
        let (_, cipher) = self
            .keys
            .iter()
            .find(|(id, _)| id == key_id)
            .ok_or_else(|| crate::error::MissingOtpKey(key_id.to_owned()))?;
        cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: user_id.as_bytes() })
            .map_err(|_| anyhow::anyhow!("an OTP secret does not open with key {key_id:?} (wrong NETBANK_OTP_KEY?)"))
    }
}

/// A made key's id says which key it is (`dev-` and 8 hex digits of its SHA-256), so a
/// secret sealed by one instance's key and met by another's is named, not mistaken for its
/// own: two development instances on one database each made a key once, both called `1`.
fn derived_key_id(key: &[u8; 32]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key);
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("dev-{hex}")
}

/// A key file must be the owner's alone: a key others can read is a key others have.
fn read_private(path: &Path) -> anyhow::Result<String> {
    let metadata = std::fs::metadata(path).with_context(|| format!("reading the OTP key file {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode();
        anyhow::ensure!(
            mode & 0o077 == 0,
            "the OTP key file {} can be read by others (mode {:o}): chmod 600 it",
            path.display(),
            mode & 0o777
        );
    }
    #[cfg(not(unix))]
    let _ = metadata;
    Ok(std::fs::read_to_string(path)?)
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

    fn key(byte: u8) -> String {
        STANDARD.encode([byte; 32])
    }

    #[test]
    fn secrets_open_only_with_their_key_and_user_id() {
        let dir = tempfile::tempdir().unwrap();
        let sealed_box = SecretBox::load(Mode::Development, None, None, dir.path()).unwrap();
        let sealed = sealed_box.seal("12345678901", b"twenty bytes secret!");
        assert!(sealed.key_id.starts_with("dev-") && sealed.key_id.len() == 12, "{}", sealed.key_id);
        assert_ne!(&sealed.ciphertext[..20], b"twenty bytes secret!");
        let open = |b: &SecretBox, user: &str| b.open(user, &sealed.key_id, &sealed.ciphertext, &sealed.nonce);
        assert_eq!(open(&sealed_box, "12345678901").unwrap(), b"twenty bytes secret!");
        assert!(open(&sealed_box, "12345678902").is_err());
        // The same key comes back on the next start.
        let again = SecretBox::load(Mode::Development, None, None, dir.path()).unwrap();
        assert!(open(&again, "12345678901").is_ok());
        let other = SecretBox::from_base64(&key(7)).unwrap();
        assert!(open(&other, "12345678901").is_err());
    }

    #[test]
    fn two_development_instances_make_keys_that_say_whose_they_are() {
        let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let first = SecretBox::load(Mode::Development, None, None, first.path()).unwrap();
        let second = SecretBox::load(Mode::Development, None, None, second.path()).unwrap();
        assert_ne!(first.current_key_id(), second.current_key_id());
        let sealed = first.seal("12345678901", b"secret");
        let error = second.open("12345678901", &sealed.key_id, &sealed.ciphertext, &sealed.nonce).unwrap_err();
        let missing = error.downcast_ref::<crate::error::MissingOtpKey>().expect("the missing key, named");
        assert_eq!(missing.0, first.current_key_id());
    }

    #[test]
    fn a_new_key_seals_while_the_old_one_still_opens() {
        let old = SecretBox::from_base64(&key(1)).unwrap();
        let sealed_old = old.seal("12345678901", b"secret");
        let both = SecretBox::from_base64(&format!("2025-11:{}, {}", key(2), key(1))).unwrap();
        assert_eq!(both.current_key_id(), "2025-11");
        assert!(both.knows("1") && both.knows("2025-11") && !both.knows("3"));
        assert_eq!(both.open("12345678901", "1", &sealed_old.ciphertext, &sealed_old.nonce).unwrap(), b"secret");
        let sealed_new = both.seal("12345678901", b"secret");
        assert_eq!(sealed_new.key_id, "2025-11");
        let error = old.open("12345678901", "2025-11", &sealed_new.ciphertext, &sealed_new.nonce).unwrap_err();
        assert!(error.to_string().contains("does not have"), "{error}");
        for bad in ["", "1:", &format!("a b:{}", key(1)), &format!("x:{},x:{}", key(1), key(2)), "c2hvcnQ="] {
            assert!(SecretBox::from_base64(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn production_refuses_to_start_without_a_key() {
        let dir = tempfile::tempdir().unwrap();
        let error = SecretBox::load(Mode::Production, None, None, dir.path()).unwrap_err();
        assert!(error.to_string().contains("NETBANK_OTP_KEY"));
        assert!(!dir.path().join(DEVELOPMENT_KEY_FILE).exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_is_read_only_when_no_one_else_can_read_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("otp.key");
        std::fs::write(&path, format!("# rotated 2026-11\n2:{}\n1:{}\n", key(2), key(1))).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = SecretBox::load(Mode::Production, None, Some(&path), dir.path()).unwrap_err();
        assert!(format!("{error:#}").contains("chmod 600"), "{error:#}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let keys = SecretBox::load(Mode::Production, None, Some(&path), dir.path()).unwrap();
        assert_eq!(keys.current_key_id(), "2");
        assert!(SecretBox::load(Mode::Production, Some(&key(1)), Some(&path), dir.path()).is_err());
    }
}
