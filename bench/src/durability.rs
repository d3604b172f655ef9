//! What an acknowledged write that survives power loss costs: small committed transactions
//! per second with `synchronous = FULL` (what the server uses) against `NORMAL` (survives a
//! crash of the process only), on the same disk in the same run.

use std::time::{Duration, Instant};

use netbank_server::db::{self, Durability};
use netbank_server::store::audit_log::{self, NewEntry};

/// Commits per second, one writer, each an audit record in its own write transaction.
pub async fn commits_per_second(dir: &std::path::Path, durability: Durability, seconds: u64) -> anyhow::Result<f64> {
    let pool = db::open_with(&dir.join(format!("{durability:?}.sqlite3")), durability).await?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut commits = 0u64;
    while Instant::now() < deadline {
        let mut tx = db::begin_write(&pool).await?;
        // The store's own append: a benchmark's rows are no product event.
        let entry = NewEntry {
            customer_id: None,
            event: "bench",
            client_addr: None,
            result: "success",
            detail: None,
            staff_id: None,
            staff_role: None,
            proposal_id: None,
        };
        audit_log::append(&mut *tx, 0, entry).await?;
        tx.commit().await?;
        commits += 1;
    }
    pool.close().await;
    Ok(commits as f64 / started.elapsed().as_secs_f64())
}
