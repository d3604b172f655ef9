//! Backups of the embedded (SQLite) database, and putting one back.
//!
//! Copying the file while the server writes can give a torn copy (a page from before a
//! commit beside one from after, and the WAL left behind). `VACUUM INTO` instead reads one
//! snapshot, as any reader does in WAL mode, while writers go on, and writes it as a new,
//! compact database. The copy is written beside its destination, synced, checked, and only
//! then renamed into place: a file at the destination is always a whole backup.
//!
//! A restore replaces the database of a stopped server: servers hold a shared lock on the
//! database's lock file while they run, and a restore takes it exclusively or refuses. The
//! database it replaces is kept beside it, with its WAL, not deleted.
//!
//! PostgreSQL's are its own tools (`pg_dump`, or `pg_basebackup` with WAL archiving): the
//! README's Operations section.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection, SqliteConnection};

/// What a backup or a restore holds, for the operator.
#[derive(Debug)]
pub struct Summary {
    pub bytes: u64,
    /// The schema's last migration.
    pub schema_version: i64,
    pub customers: i64,
    pub journal_entries: i64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} bytes, schema {}, {} customers, {} journal entries",
            self.bytes, self.schema_version, self.customers, self.journal_entries
        )
    }
}

/// The SQLite file a `sqlite://` URL names.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// The lock file of the database at `database`: servers share it, a restore takes it alone.
fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Held by a running server: a restore of its database is refused while it lives.
#[derive(Debug)]
pub struct InUse {
    _file: File,
}

/// Marks the database at `database` in use by this process (shared: several servers and
/// a restart may overlap).
pub fn hold(database: &Path) -> anyhow::Result<InUse> {
    let file = open_lock(database)?;
    lock(&file, libc::LOCK_SH).map_err(|_| {
        anyhow::anyhow!(
            "{} is being restored (db restore holds its lock): start the server after it",
            database.display()
        )
    })?;
    Ok(InUse { _file: file })
}

fn open_lock(database: &Path) -> anyhow::Result<File> {
    let path = lock_path(database);
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))
}

fn lock(file: &File, kind: libc::c_int) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a descriptor this function's caller owns for as long as the lock.
    match unsafe { libc::flock(file.as_raw_fd(), kind | libc::LOCK_NB) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

/// Writes a consistent copy of the database at `database` (servers may be writing it) to
/// `to`, which must not exist.
pub async fn backup(database: &Path, to: &Path) -> anyhow::Result<Summary> {
    anyhow::ensure!(database.exists(), "there is no database at {}", database.display());
    anyhow::ensure!(!to.exists(), "{} exists: a backup never overwrites a file", to.display());
    let partial = sibling(to, ".partial");
    let _ = std::fs::remove_file(&partial);
    let mut source = connect(database, false).await?;
    let target = partial.to_str().context("the backup's path is not UTF-8")?;
    sqlx::query("VACUUM INTO ?").bind(target).execute(&mut source).await.context("VACUUM INTO")?;
    source.close().await?;
    File::open(&partial)?.sync_all()?;
    let summary = check(&partial).await.with_context(|| format!("checking the copy {}", partial.display()))?;
    std::fs::rename(&partial, to)?;
    sync_dir(to)?;
    Ok(summary)
}

/// Puts the backup `from` in place of the database at `database`, whose server must be
/// stopped. The replaced database (and its WAL) is kept as `<file>.replaced-<unix time>`.
pub async fn restore(from: &Path, database: &Path, now: i64) -> anyhow::Result<(Summary, Option<PathBuf>)> {
    let summary = check(from).await.with_context(|| format!("{} is not a netbank backup", from.display()))?;
    if let Some(dir) = database.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let lock_file = open_lock(database)?;
    lock(&lock_file, libc::LOCK_EX).map_err(|_| {
        anyhow::anyhow!("a server is running on {}: stop every server on it first, then restore", database.display())
    })?;
    let incoming = sibling(database, ".restoring");
    std::fs::copy(from, &incoming).with_context(|| format!("copying {}", from.display()))?;
    File::open(&incoming)?.sync_all()?;
    let replaced = match database.exists() {
        true => {
            let aside = sibling(database, &format!(".replaced-{now}"));
            for suffix in ["", "-wal", "-shm"] {
                let (current, kept) = (sibling(database, suffix), sibling(&aside, suffix));
                if current.exists() {
                    std::fs::rename(&current, &kept).with_context(|| format!("moving {} aside", current.display()))?;
                }
            }
            Some(aside)
        }
        false => None,
    };
    std::fs::rename(&incoming, database)?;
    sync_dir(database)?;
    drop(lock_file);
    Ok((summary, replaced))
}

/// Opens `path` read-only and proves it a whole netbank database: SQLite's integrity check,
/// and a schema this server knows.
pub async fn check(path: &Path) -> anyhow::Result<Summary> {
    anyhow::ensure!(path.is_file(), "no file at {}", path.display());
    let mut connection = connect(path, true).await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut connection).await?;
    anyhow::ensure!(integrity == "ok", "SQLite's integrity check: {integrity}");
    let schema_version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut connection)
        .await
        .context("no netbank schema in it")?;
    let schema_version = schema_version.context("no netbank schema in it")?;
    let known = sqlx::migrate!("./migrations/sqlite").iter().map(|m| m.version).max().unwrap_or(0);
    anyhow::ensure!(
        schema_version <= known,
        "its schema ({schema_version}) is newer than this server's ({known}): restore it with the server that made it"
    );
    let customers = sqlx::query_scalar("SELECT COUNT(*) FROM customers").fetch_one(&mut connection).await?;
    let journal_entries = sqlx::query_scalar("SELECT COUNT(*) FROM journal_entries").fetch_one(&mut connection).await?;
    connection.close().await?;
    Ok(Summary { bytes: std::fs::metadata(path)?.len(), schema_version, customers, journal_entries })
}

async fn connect(path: &Path, read_only: bool) -> anyhow::Result<SqliteConnection> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .read_only(read_only)
        .busy_timeout(std::time::Duration::from_secs(5));
    // A backup file is a single file: reading it must not turn it into a WAL database.
    let options = if read_only { options.journal_mode(SqliteJournalMode::Delete) } else { options };
    options.connect().await.with_context(|| format!("opening {}", path.display()))
}

/// `path` with `suffix` added to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A rename is durable once its directory is synced.
fn sync_dir(path: &Path) -> anyhow::Result<()> {
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite:///var/lib/netbank/db.sqlite3?mode=rwc"),
            Some("/var/lib/netbank/db.sqlite3".into())
        );
        assert_eq!(sqlite_file("sqlite://data/netbank.sqlite3"), Some("data/netbank.sqlite3".into()));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://db/netbank"), None);
    }

    #[tokio::test]
    async fn a_restore_waits_for_the_servers_to_stop() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("netbank.sqlite3");
        let pool = crate::db::open(&database).await.unwrap();
        let copy = dir.path().join("copy.sqlite3");
        let summary = backup(&database, &copy).await.unwrap();
        assert!(summary.bytes > 0 && summary.customers == 0, "{summary}");
        assert!(backup(&database, &copy).await.is_err(), "never over an existing file");
        let running = hold(&database).unwrap();
        let error = restore(&copy, &database, 1).await.unwrap_err();
        assert!(error.to_string().contains("a server is running"), "{error}");
        drop(running);
        pool.close().await;
        let (_, replaced) = restore(&copy, &database, 1).await.unwrap();
        assert!(replaced.unwrap().exists());
        assert!(check(&database).await.is_ok());
        std::fs::write(dir.path().join("junk"), b"not a database").unwrap();
        assert!(restore(&dir.path().join("junk"), &database, 2).await.is_err());
    }
}
