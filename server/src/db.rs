use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

/// Opens (creating if needed) the SQLite database and brings its schema up to date.
///
/// WAL lets readers proceed during a write; `synchronous = NORMAL` is durable across process
/// crashes in WAL mode (only power loss can drop the last commits). The busy timeout makes a
/// writer wait for another instead of failing at once.
pub async fn open(path: &Path) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// Does the database answer a trivial query within a second?
pub async fn ping(pool: &SqlitePool) -> bool {
    let query = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(pool);
    matches!(tokio::time::timeout(Duration::from_secs(1), query).await, Ok(Ok(1)))
}
