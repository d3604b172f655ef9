use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// How hard a commit waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous = FULL`: the WAL is synced at every commit, so an acknowledged write
    /// survives power loss, not only a crash of the process. What the server uses.
    PowerLoss,
    /// `synchronous = NORMAL`: survives a process crash; power loss can drop the last
    /// commits. Only for measuring what `PowerLoss` costs (`./x bench`).
    ProcessCrash,
}

/// Opens (creating if needed) the SQLite database and brings its schema up to date, with
/// every commit synced to disk before it is acknowledged.
///
/// WAL lets readers proceed during a write. The busy timeout makes a writer wait for another
/// instead of failing at once.
pub async fn open(path: &Path) -> anyhow::Result<AnyPool> {
    open_with(path, Durability::PowerLoss).await
}

pub async fn open_with(path: &Path, durability: Durability) -> anyhow::Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let synchronous = match durability {
        Durability::PowerLoss => "FULL",
        Durability::ProcessCrash => "NORMAL",
    };
    // The pool is engine-neutral (`Any`): the stores' SQL is written for it, and SQLite's
    // settings are applied to each connection as it opens.
    let options = AnyConnectOptions::from_str(&format!("sqlite://{}?mode=rwc", path.display()))?;
    let pool = AnyPoolOptions::new()
        .max_connections(connections())
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |connection, _| {
            Box::pin(async move {
                for pragma in [
                    "PRAGMA journal_mode = WAL".to_owned(),
                    format!("PRAGMA synchronous = {synchronous}"),
                    "PRAGMA foreign_keys = ON".to_owned(),
                    "PRAGMA busy_timeout = 5000".to_owned(),
                ] {
                    connection.execute(sqlx::raw_sql(&pragma)).await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// Connections in the pool (`NETBANK_DB_CONNECTIONS`). SQLite runs one writer at a time;
/// writers beyond it wait in SQLite's busy handler, which sleeps in steps of up to 100 ms, so
/// more connections than the machine needs only lengthen the slowest waits.
fn connections() -> u32 {
    std::env::var("NETBANK_DB_CONNECTIONS").ok().and_then(|v| v.parse().ok()).filter(|n| *n >= 2).unwrap_or(8)
}

/// Does the database answer a trivial query within a second?
pub async fn ping(pool: &AnyPool) -> bool {
    let query = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(pool);
    matches!(tokio::time::timeout(Duration::from_secs(1), query).await, Ok(Ok(1)))
}

/// Can this instance write? A write transaction is opened and a row written, then rolled
/// back, within a second.
pub async fn writable(pool: &AnyPool) -> bool {
    let probe = async {
        let mut tx = begin_write(pool).await?;
        sqlx::query("INSERT INTO throttles (key, window_start, count) VALUES ('ready-probe', 0, 0) ON CONFLICT (key) DO NOTHING")
            .execute(&mut *tx)
            .await?;
        tx.rollback().await
    };
    matches!(tokio::time::timeout(Duration::from_secs(1), probe).await, Ok(Ok(())))
}

/// A transaction that reads before it writes. SQLite's default (deferred) transaction takes
/// its snapshot at the first read and cannot turn it into a write if another connection has
/// committed since ("database is locked" at once, no busy wait); `BEGIN IMMEDIATE` takes the
/// write lock first, waiting its turn like any writer.
pub async fn begin_write(pool: &AnyPool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
    pool.begin_with("BEGIN IMMEDIATE").await
}
