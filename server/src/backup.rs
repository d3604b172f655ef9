//! Backups of the embedded (SQLite) database, and putting one back.
//!
//! Copying the file while the server writes can give a torn copy (a page from before a
//! commit beside one from after, and the WAL left behind). `VACUUM INTO` instead reads one
//! snapshot, as any reader does in WAL mode, while writers go on, and writes it as a new,
//! compact database. The copy is written beside its destination, synced, checked, and only
//! then renamed into place: a file at the destination is always a whole backup.
//!
//! A restore replaces the database of a stopped server: servers hold a shared `flock` on the
//! database file while they run, and a restore takes it exclusively or refuses. The backup is
//! copied, checked and migrated beside the database, then renamed into place; the database it
//! replaces is kept beside it, with its WAL, not deleted.
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

/// The SQLite file a `sqlite://` URL names, as SQLite will open it (percent-decoded).
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    if !(url.starts_with("sqlite:")) {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let file = options.get_filename();
    (!file.as_os_str().is_empty() && file != Path::new(":memory:")).then(|| file.to_owned())
}

/// Held by a running server: a shared `flock` on the database file itself (its inode, so
/// every name and link of it is the same lock; SQLite's own locks are `fcntl` locks and do
/// not meet it). A restore takes it exclusively, or refuses.
#[derive(Debug)]
pub struct InUse {
    _file: File,
}

/// Marks the database at `database` in use by this process (shared: several servers and
/// a restart may overlap). Before SQLite opens it, so a restore cannot rename a file between
/// the two: a missing file is made here, empty (SQLite takes an empty file as a new database)
/// and readable by its owner only.
pub fn hold(database: &Path) -> anyhow::Result<InUse> {
    if let Some(dir) = database.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(database).with_context(|| format!("opening {}", database.display()))?;
    lock(&file, libc::LOCK_SH).map_err(|_| {
        anyhow::anyhow!("{} is being restored (db restore holds it): start the server after it", database.display())
    })?;
    Ok(InUse { _file: file })
}

fn lock(file: &File, kind: libc::c_int) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a descriptor this function's caller owns for as long as the lock.
    match unsafe { libc::flock(file.as_raw_fd(), kind | libc::LOCK_NB) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

/// A new file readable by its owner only, failing if anything is there (a file, a link).
fn create_private(path: &Path) -> anyhow::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
            "{} exists (left by an earlier run that stopped?): look at it, remove it, and run again",
            path.display()
        ),
        _ => anyhow::Error::from(error).context(format!("creating {}", path.display())),
    })
}

/// Writes a consistent copy of the database at `database` (servers may be writing it) to
/// `to`, which must not exist: mode 600 (it holds every customer), published only whole.
pub async fn backup(database: &Path, to: &Path) -> anyhow::Result<Summary> {
    anyhow::ensure!(database.exists(), "there is no database at {}", database.display());
    anyhow::ensure!(!to.exists(), "{} exists: a backup never overwrites a file", to.display());
    let partial = sibling(to, ".partial");
    // SQLite writes into an empty file that exists: ours, made private and new.
    drop(create_private(&partial)?);
    let written = async {
        let mut source = connect(database, false).await?;
        let target = partial.to_str().context("the backup's path is not UTF-8")?;
        sqlx::query("VACUUM INTO ?").bind(target).execute(&mut source).await.context("VACUUM INTO")?;
        source.close().await?;
        File::open(&partial)?.sync_all()?;
        check(&partial).await.with_context(|| format!("checking the copy {}", partial.display()))
    };
    let summary = match written.await {
        Ok(summary) => summary,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    // A link, unlike a rename, never replaces what appeared at `to` meanwhile.
    std::fs::hard_link(&partial, to).with_context(|| format!("naming the backup {}", to.display()))?;
    std::fs::remove_file(&partial)?;
    sync_dir(to)?;
    Ok(summary)
}

/// Puts the backup `from` in place of the database at `database`, whose servers must be
/// stopped. The copy is checked and migrated to this server's schema before it is named;
/// the replaced database (and its WAL) is kept as `<file>.replaced-<unix time>`.
pub async fn restore(from: &Path, database: &Path, now: i64) -> anyhow::Result<(Summary, Option<PathBuf>)> {
    anyhow::ensure!(from.is_file(), "no file at {}", from.display());
    let wal = sibling(from, "-wal");
    anyhow::ensure!(
        std::fs::metadata(&wal).map_or(true, |wal| wal.len() == 0),
        "{} has a write-ahead log beside it: it is a live database, not a backup (take one with `db backup`)",
        from.display()
    );
    if let Some(dir) = database.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // The database's own lock: refused while any server has it open, under whatever name.
    let current = match File::open(database) {
        Ok(file) => {
            lock(&file, libc::LOCK_EX).map_err(|_| {
                anyhow::anyhow!(
                    "a server is running on {}: stop every server on it first, then restore",
                    database.display()
                )
            })?;
            Some(file)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(anyhow::Error::from(error).context(format!("opening {}", database.display()))),
    };
    // What is checked is the copy that is put in place: the file named FROM may change after.
    let incoming = sibling(database, ".restoring");
    let mut copy = create_private(&incoming)?;
    let prepared = async {
        std::io::copy(&mut File::open(from)?, &mut copy).with_context(|| format!("copying {}", from.display()))?;
        copy.sync_all()?;
        let summary = check(&incoming).await.with_context(|| format!("{} is not a netbank backup", from.display()))?;
        migrate(&incoming).await.with_context(|| format!("{} does not take this server's schema", from.display()))?;
        File::open(&incoming)?.sync_all()?;
        Ok::<_, anyhow::Error>(summary)
    };
    let summary = match prepared.await {
        Ok(summary) => summary,
        Err(error) => {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(sibling(&incoming, suffix));
            }
            return Err(error);
        }
    };
    // Whatever is there goes aside together, the WAL too even without its database: a
    // WAL left beside the restored file would be replayed into it.
    let present: Vec<&str> = ["", "-wal", "-shm", "-journal"]
        .into_iter()
        .filter(|suffix| sibling(database, suffix).symlink_metadata().is_ok())
        .collect();
    let replaced = match present.is_empty() {
        true => None,
        false => {
            // A name no earlier restore used (two in one second keep both).
            let aside = (0..)
                .map(|n| match n {
                    0 => sibling(database, &format!(".replaced-{now}")),
                    n => sibling(database, &format!(".replaced-{now}-{n}")),
                })
                .find(|aside| {
                    ["", "-wal", "-shm", "-journal"].iter().all(|s| sibling(aside, s).symlink_metadata().is_err())
                })
                .expect("an unused name");
            for suffix in present {
                let (current, kept) = (sibling(database, suffix), sibling(&aside, suffix));
                std::fs::rename(&current, &kept).with_context(|| format!("moving {} aside", current.display()))?;
            }
            Some(aside)
        }
    };
    std::fs::rename(&incoming, database)?;
    sync_dir(database)?;
    drop(current);
    Ok((summary, replaced))
}

/// Brings the copy to this server's schema, checking every migration it has applied against
/// this server's (a schema changed by hand is refused). Rollback journal: nothing of it may
/// stay in a WAL beside the file when it is renamed.
async fn migrate(path: &Path) -> anyhow::Result<()> {
    let mut connection = SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Delete)
        .foreign_keys(true)
        .connect()
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&mut connection).await?;
    connection.close().await?;
    Ok(())
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

/// Opens the file by its name as given (no URL: a `%` in a name is a `%`).
async fn connect(path: &Path, read_only: bool) -> anyhow::Result<SqliteConnection> {
    let options =
        SqliteConnectOptions::new().filename(path).read_only(read_only).busy_timeout(std::time::Duration::from_secs(5));
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
    fn sqlite_urls_name_the_file_sqlite_opens() {
        assert_eq!(
            sqlite_file("sqlite:///var/lib/netbank/db.sqlite3?mode=rwc"),
            Some("/var/lib/netbank/db.sqlite3".into())
        );
        assert_eq!(sqlite_file("sqlite://data/netbank.sqlite3"), Some("data/netbank.sqlite3".into()));
        assert_eq!(sqlite_file("sqlite:///tmp/net%62ank.sqlite3"), Some("/tmp/netbank.sqlite3".into()));
        assert_eq!(sqlite_file("postgres://db/netbank"), None);
    }

    #[tokio::test]
    async fn a_restore_waits_for_the_servers_to_stop_under_any_name_of_the_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("netbank.sqlite3");
        let pool = crate::db::open(&database).await.unwrap();
        let copy = dir.path().join("copy.sqlite3");
        let summary = backup(&database, &copy).await.unwrap();
        assert!(summary.bytes > 0 && summary.customers == 0, "{summary}");
        assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600, "every customer is in it");
        assert!(backup(&database, &copy).await.is_err(), "never over an existing file");
        // Another's file where the backup would write first: refused, left as it was.
        std::fs::write(dir.path().join("second.sqlite3.partial"), b"precious").unwrap();
        assert!(backup(&database, &dir.path().join("second.sqlite3")).await.is_err());
        assert_eq!(std::fs::read(dir.path().join("second.sqlite3.partial")).unwrap(), b"precious");

        let running = hold(&database).unwrap();
        let link = dir.path().join("other-name.sqlite3");
        std::fs::hard_link(&database, &link).unwrap();
        for name in [&database, &link] {
            let error = restore(&copy, name, 1).await.unwrap_err();
            assert!(error.to_string().contains("a server is running"), "{error}");
        }
        std::fs::remove_file(&link).unwrap();
        drop(running);
        pool.close().await;
        let (_, replaced) = restore(&copy, &database, 1).await.unwrap();
        assert!(replaced.unwrap().exists());
        assert!(check(&database).await.is_ok());
    }

    #[tokio::test]
    async fn what_is_not_a_backup_is_refused_before_anything_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("netbank.sqlite3");
        crate::db::open(&database).await.unwrap().close().await;
        let before = std::fs::read(&database).unwrap();
        let junk = dir.path().join("junk");
        std::fs::write(&junk, b"not a database").unwrap();
        // Tables of the right names without the schema's history behind them.
        let fake = dir.path().join("fake.sqlite3");
        let mut connection =
            SqliteConnectOptions::new().filename(&fake).create_if_missing(true).connect().await.unwrap();
        for sql in [
            "CREATE TABLE _sqlx_migrations (version INTEGER, success INTEGER)",
            "INSERT INTO _sqlx_migrations VALUES (1, 1)",
            "CREATE TABLE customers (x)",
            "CREATE TABLE journal_entries (x)",
        ] {
            sqlx::query(sql).execute(&mut connection).await.unwrap();
        }
        connection.close().await.unwrap();
        for bad in [&junk, &fake, &dir.path().join("absent")] {
            assert!(restore(bad, &database, 2).await.is_err(), "{}", bad.display());
            assert_eq!(std::fs::read(&database).unwrap(), before, "{} replaced nothing", bad.display());
            assert!(!sibling(&database, ".restoring").exists());
        }
    }

    #[tokio::test]
    async fn a_restore_keeps_every_database_it_replaces_and_never_inherits_a_wal() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("netbank.sqlite3");
        crate::db::open(&database).await.unwrap().close().await;
        let copy = dir.path().join("copy.sqlite3");
        backup(&database, &copy).await.unwrap();
        // Two restores in one second: both replaced databases are kept.
        let (_, first) = restore(&copy, &database, 7).await.unwrap();
        let (_, second) = restore(&copy, &database, 7).await.unwrap();
        let (first, second) = (first.unwrap(), second.unwrap());
        assert_ne!(first, second);
        assert!(first.exists() && second.exists());
        // A WAL left behind by a database that is gone goes aside too, not into the restore.
        std::fs::remove_file(&database).unwrap();
        std::fs::write(sibling(&database, "-wal"), b"frames of another database").unwrap();
        let (_, third) = restore(&copy, &database, 8).await.unwrap();
        assert!(!sibling(&database, "-wal").exists());
        assert_eq!(std::fs::read(sibling(&third.unwrap(), "-wal")).unwrap(), b"frames of another database");
        assert!(check(&database).await.is_ok());
    }
}
