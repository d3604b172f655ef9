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

/// Which database a pool talks to. Only the stores and this module ever ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of(pool: &AnyPool) -> Self {
        match pool.connect_options().database_url.scheme() {
            "postgres" | "postgresql" => Self::Postgres,
            _ => Self::Sqlite,
        }
    }

    pub fn of_connection(connection: &sqlx::AnyConnection) -> Self {
        match connection.backend_name() {
            "PostgreSQL" => Self::Postgres,
            _ => Self::Sqlite,
        }
    }

    /// What a SELECT that claims rows for this transaction ends with: on PostgreSQL the rows
    /// are locked and rows another transaction holds are skipped; SQLite's write transaction
    /// is alone anyway.
    pub fn skip_locked(connection: &sqlx::AnyConnection) -> &'static str {
        match Self::of_connection(connection) {
            Self::Postgres => " FOR UPDATE SKIP LOCKED",
            Self::Sqlite => "",
        }
    }
}

/// Where the data lives: the data directory's SQLite file (`path`), or a `postgres://` URL.
#[derive(Debug, Clone)]
pub enum Location<'a> {
    SqliteFile(&'a Path),
    Url(&'a str),
}

impl<'a> Location<'a> {
    /// `url` when one is configured, else the SQLite file at `file`.
    pub fn configured(url: Option<&'a str>, file: &'a Path) -> Self {
        url.map_or(Self::SqliteFile(file), Self::Url)
    }
}

/// Opens (creating if needed) the SQLite database and brings its schema up to date, with
/// every commit synced to disk before it is acknowledged.
pub async fn open(path: &Path) -> anyhow::Result<AnyPool> {
    connect(Location::SqliteFile(path), Durability::PowerLoss, connections()).await
}

pub async fn open_with(path: &Path, durability: Durability) -> anyhow::Result<AnyPool> {
    connect(Location::SqliteFile(path), durability, connections()).await
}

/// Opens the database at `location` with a pool of `max_connections` and brings its schema
/// up to date (each engine has its own migrations, `server/migrations/<engine>`).
///
/// SQLite: WAL lets readers proceed during a write; the busy timeout makes a writer wait for
/// another instead of failing at once. PostgreSQL: commits are durable by its own settings
/// (`synchronous_commit`, on by default).
pub async fn connect(location: Location<'_>, durability: Durability, max_connections: u32) -> anyhow::Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let url = match location {
        Location::SqliteFile(path) => format!("sqlite://{}?mode=rwc", path.display()),
        Location::Url(url)
            if url.starts_with("sqlite:") || url.starts_with("postgres:") || url.starts_with("postgresql:") =>
        {
            url.to_owned()
        }
        Location::Url(url) => {
            anyhow::bail!("the database URL must start with sqlite:// or postgres://, not {:?}", scheme_of(url))
        }
    };
    let synchronous = match durability {
        Durability::PowerLoss => "FULL",
        Durability::ProcessCrash => "NORMAL",
    };
    let options = AnyConnectOptions::from_str(&url)?;
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections.max(2))
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |connection, _| {
            Box::pin(async move {
                if Engine::of_connection(connection) == Engine::Sqlite {
                    for pragma in [
                        "PRAGMA journal_mode = WAL".to_owned(),
                        format!("PRAGMA synchronous = {synchronous}"),
                        "PRAGMA foreign_keys = ON".to_owned(),
                        "PRAGMA busy_timeout = 5000".to_owned(),
                    ] {
                        connection.execute(sqlx::raw_sql(&pragma)).await?;
                    }
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    match Engine::of(&pool) {
        Engine::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
        Engine::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
    }
    Ok(pool)
}

/// The scheme only: a URL may carry a password.
fn scheme_of(url: &str) -> &str {
    url.split(':').next().unwrap_or("")
}

/// Connections in the pool when not configured (`--db-connections`). SQLite runs one writer
/// at a time; writers beyond it wait in SQLite's busy handler, which sleeps in steps of up to
/// 100 ms, so more connections than the machine needs only lengthen the slowest waits.
pub fn connections() -> u32 {
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
/// write lock first, waiting its turn like any writer. PostgreSQL has no single writer: its
/// transactions read committed data, and every state change and counter is a conditional
/// UPDATE that re-checks its condition on the row it locks.
pub async fn begin_write(pool: &AnyPool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
    match Engine::of(pool) {
        Engine::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Engine::Postgres => pool.begin().await,
    }
}

/// A read-only transaction that sees one moment of the database in every statement (a trial
/// balance must not mix before and after of a transfer): SQLite's read transactions do, and
/// PostgreSQL's at REPEATABLE READ.
pub async fn begin_snapshot(pool: &AnyPool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
    match Engine::of(pool) {
        Engine::Sqlite => pool.begin().await,
        Engine::Postgres => pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await,
    }
}

#[cfg(test)]
mod one_way_to_begin {
    /// Every transaction outside this module starts through `begin_write` or
    /// `begin_snapshot`: a plain `begin()` is DEFERRED on SQLite, and one that reads before it
    /// writes fails with "database is locked" when another writer got there first (it did,
    /// twice). The sources are read as they are compiled.
    #[test]
    fn no_module_but_this_one_opens_a_plain_transaction() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("src/db.rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    if text.contains(".begin()") || text.contains(".begin_with(") {
                        offenders.push(path.display().to_string());
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "open transactions with db::begin_write or db::begin_snapshot: {offenders:?}");
    }
}
