//! argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), on a fixed pool of one
//! thread per core: a hash takes tens of milliseconds and 19 MiB, so it must not stall the
//! async executor, and running more at once than there are cores only adds memory (each
//! would hold its 19 MiB) and latency, not throughput.

use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::oneshot;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads, started on first use; jobs wait their turn in arrival order.
fn pool() -> &'static Mutex<mpsc::Sender<Job>> {
    static POOL: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = std::sync::Arc::new(Mutex::new(receiver));
        let threads = std::env::var("NETBANK_HASH_THREADS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|n: &usize| *n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
        for i in 0..threads {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = match receiver.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })
                .expect("argon2 thread starts");
        }
        Mutex::new(sender)
    })
}

async fn on_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    let (done, result) = oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    {
        let sender = pool().lock().map_err(|_| anyhow::anyhow!("argon2 pool poisoned"))?;
        sender.send(job).map_err(|_| anyhow::anyhow!("argon2 pool stopped"))?;
    }
    Ok(result.await?)
}

pub async fn hash(secret: String) -> anyhow::Result<String> {
    on_pool(move || {
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
    on_pool(move || verify_in_place(secret.as_bytes(), &stored).unwrap_or(false)).await
}

thread_local! {
    /// Each hashing thread's argon2 memory, kept between logins. Allocating 19 MiB per hash
    /// and giving it back costs a page fault per 4 KiB: measured, half the CPU went to the
    /// kernel during a login burst.
    static MEMORY: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `verify_password` of the argon2 crate, but in this thread's kept memory.
fn verify_in_place(secret: &[u8], stored: &str) -> Option<bool> {
    let parsed = PasswordHash::new(stored).ok()?;
    let params = Params::try_from(&parsed).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
    let version = parsed.version.map_or(Ok(Version::V0x13), Version::try_from).ok()?;
    let expected = parsed.hash?;
    let mut salt = [0u8; 64];
    let salt = parsed.salt?.decode_b64(&mut salt).ok()?;
    let mut out = vec![0u8; expected.len()];
    let blocks = params.block_count();
    let hasher = Argon2::new(algorithm, version, params);
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, argon2::Block::default());
        }
        hasher.hash_password_into_with_memory(secret, salt, &mut out, &mut memory[..blocks]).ok()
    })?;
    // `Output`'s equality is constant-time.
    Some(argon2::password_hash::Output::new(&out).ok()? == expected)
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
