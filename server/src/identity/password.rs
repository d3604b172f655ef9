//! argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), on a fixed pool of one
//! thread per core: a hash takes tens of milliseconds and 19 MiB, so it must not stall the
//! async executor, and running more at once than there are cores only adds memory (each
//! would hold its 19 MiB) and latency, not throughput.

use std::sync::atomic::{AtomicUsize, Ordering};
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

/// How many hashing threads and how many hashes may wait for one; set once at start
/// ([`configure`]) before the first hash.
#[derive(Debug, Clone, Copy)]
pub struct PoolSize {
    pub threads: usize,
    /// Waiting hashes beyond this are refused at once ([`Busy`]): a login that would wait
    /// longer than a person does is better answered "try again" now, and an unbounded queue
    /// is memory and latency without end under a flood.
    pub queue: usize,
}

impl Default for PoolSize {
    fn default() -> Self {
        // Two cores hash about 150 a second, so 32 waiting is about a fifth of a second.
        Self { threads: std::thread::available_parallelism().map_or(2, |n| n.get()), queue: 32 }
    }
}

static SIZE: OnceLock<PoolSize> = OnceLock::new();

/// Sets the pool's size; only the first call counts, and only before the first hash.
pub fn configure(size: PoolSize) {
    let _ = SIZE.set(PoolSize { threads: size.threads.max(1), queue: size.queue.max(1) });
}

pub use crate::error::Busy;

struct Pool {
    sender: mpsc::SyncSender<Job>,
    waiting: std::sync::Arc<AtomicUsize>,
    queue: usize,
}

/// The hashing threads, started on first use; jobs wait their turn in arrival order.
fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| Pool::start(*SIZE.get_or_init(PoolSize::default)))
}

impl Pool {
    fn start(size: PoolSize) -> Self {
        let (sender, receiver) = mpsc::sync_channel::<Job>(size.queue);
        let receiver = std::sync::Arc::new(Mutex::new(receiver));
        let waiting = std::sync::Arc::new(AtomicUsize::new(0));
        for i in 0..size.threads {
            let receiver = receiver.clone();
            let waiting = waiting.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = match receiver.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => {
                            waiting.fetch_sub(1, Ordering::Relaxed);
                            job()
                        }
                        Err(_) => return,
                    }
                })
                .expect("argon2 thread starts");
        }
        Self { sender, waiting, queue: size.queue }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.waiting.fetch_add(1, Ordering::Relaxed);
        if let Err(error) = self.sender.try_send(job) {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(match error {
                mpsc::TrySendError::Full(_) => {
                    crate::counters::hash_refused();
                    Busy.into()
                }
                mpsc::TrySendError::Disconnected(_) => anyhow::anyhow!("argon2 pool stopped"),
            });
        }
        Ok(result.await?)
    }
}

/// Refuses at once when the queue is full, before a request does any other work (a database
/// lookup, say) for a hash that would be refused anyway: under a flood, refusals must cost
/// the hashing threads as little CPU as possible.
pub fn ensure_room() -> anyhow::Result<()> {
    let pool = pool();
    if pool.waiting.load(Ordering::Relaxed) >= pool.queue {
        crate::counters::hash_refused();
        return Err(Busy.into());
    }
    Ok(())
}

/// Hashes waiting for a thread (for `/api/ready`).
pub fn queued() -> usize {
    pool().waiting.load(Ordering::Relaxed)
}

async fn on_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    pool().run(work).await
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

#[cfg(test)]
mod overload {
    use super::*;

    /// A flood is refused beyond the queue's length, at once, and the pool serves again
    /// after. (Its own pool: the other tests' hashes must not meet a full queue.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_refuses_at_once_instead_of_waiting() {
        let pool = std::sync::Arc::new(Pool::start(PoolSize { threads: 1, queue: 4 }));
        let stored = hash("abc123".into()).await.unwrap();
        let verify_on = |pool: std::sync::Arc<Pool>, stored: String| async move {
            pool.run(move || verify_in_place(b"abc123", &stored).unwrap_or(false)).await
        };
        let handles: Vec<_> = (0..40).map(|_| tokio::spawn(verify_on(pool.clone(), stored.clone()))).collect();
        let mut verified = 0;
        let mut busy = 0;
        for handle in handles {
            match handle.await.unwrap() {
                Ok(true) => verified += 1,
                Err(error) if error.is::<Busy>() => busy += 1,
                other => panic!("unexpected answer {other:?}"),
            }
        }
        assert_eq!(verified + busy, 40);
        assert!(busy >= 20 && verified >= 4, "busy {busy}, verified {verified}");
        assert_eq!(pool.waiting.load(Ordering::Relaxed), 0);
        assert!(verify_on(pool, stored).await.unwrap(), "the pool serves after the flood");
    }
}
