//! argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), always on a blocking
//! thread: a hash takes tens of milliseconds and would stall the async executor.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub async fn hash(secret: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(secret.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// Does `secret` match the stored PHC string? A malformed hash matches nothing.
pub async fn verify(secret: String, stored: String) -> anyhow::Result<bool> {
    Ok(tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| argon2().verify_password(secret.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await?)
}

/// A hash of nothing anyone knows, verified against when the login ID is unknown so that the
/// answer takes as long as for a known ID with a wrong password.
pub async fn dummy_hash() -> anyhow::Result<String> {
    use rand::Rng;
    let secret: [u8; 16] = rand::thread_rng().gen();
    hash(hex(&secret)).await
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_secret_and_nothing_else() {
        let stored = hash("abc123".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("abc123".into(), stored.clone()).await.unwrap());
        assert!(!verify("abc124".into(), stored).await.unwrap());
        assert!(!verify("abc123".into(), "not a hash".into()).await.unwrap());
    }
}
