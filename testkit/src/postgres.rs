//! A throwaway PostgreSQL cluster from Debian's packages: `initdb` into a temporary
//! directory (as the `postgres` user when the tests run as root, which PostgreSQL refuses to
//! run as), a free port, its unix socket in that directory, stopped when the test process
//! exits. No mock and no external service: the real server, for as long as the tests need it.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use anyhow::Context;

pub struct PgCluster {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
    as_postgres: bool,
}

static SHARED: OnceLock<PgCluster> = OnceLock::new();
static DATABASES: AtomicU32 = AtomicU32::new(0);

impl PgCluster {
    /// The process's cluster, started on first use and stopped when the process exits.
    pub fn shared() -> &'static PgCluster {
        SHARED.get_or_init(|| {
            let cluster = Self::start().expect("a throwaway PostgreSQL cluster (./x setup installs postgresql)");
            extern "C" fn stop_at_exit() {
                if let Some(cluster) = SHARED.get() {
                    cluster.stop();
                }
            }
            // SAFETY: registers a plain function to run at process exit.
            unsafe {
                libc::atexit(stop_at_exit);
            }
            cluster
        })
    }

    /// A new cluster in a new temporary directory.
    pub fn start() -> anyhow::Result<Self> {
        let bin = server_binaries()?;
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let dir = std::env::temp_dir().join(format!("netbank-pg-{}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&dir)?;
        if as_postgres {
            run(Command::new("chown").args(["postgres:postgres"]).arg(&dir))?;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let cluster = Self { dir, port, bin, as_postgres };
        let data = cluster.dir.join("data");
        let mut initdb = cluster.command("initdb");
        initdb.arg("-D").arg(&data).args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
        run(&mut initdb).context("initdb")?;
        cluster.start_server()?;
        Ok(cluster)
    }

    fn start_server(&self) -> anyhow::Result<()> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400 -c shared_buffers=64MB",
            self.port,
            self.dir.display()
        );
        let mut start = self.command("pg_ctl");
        start
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-o", &options, "-l"])
            .arg(self.dir.join("server.log"))
            .args(["-w", "start"]);
        run(&mut start).with_context(|| {
            let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
            format!("pg_ctl start: {log}")
        })
    }

    /// Stops the server at once, as a crash would (`pg_ctl stop -m immediate`: no checkpoint,
    /// connections cut); the data stays for [`resume`](Self::resume).
    pub fn halt(&self) -> anyhow::Result<()> {
        let mut stop = self.command("pg_ctl");
        stop.arg("-D").arg(self.dir.join("data")).args(["-m", "immediate", "-w", "stop"]);
        run(&mut stop)
    }

    /// Starts the halted server again on the same data and port (it recovers from its WAL).
    pub fn resume(&self) -> anyhow::Result<()> {
        self.start_server()
    }

    /// A fresh, empty database in the cluster; its URL.
    pub fn new_database(&self) -> anyhow::Result<String> {
        let name = format!("netbank_{}_{}", std::process::id(), DATABASES.fetch_add(1, Ordering::Relaxed));
        let mut create = self.command("psql");
        create
            .args(["-h"])
            .arg(&self.dir)
            .args(["-p", &self.port.to_string(), "-U", "postgres", "-d", "postgres", "-q", "-v", "ON_ERROR_STOP=1"])
            .args(["-c", &format!("CREATE DATABASE {name}")]);
        run(&mut create).context("CREATE DATABASE")?;
        Ok(self.url(&name))
    }

    /// The URL of `database` over TCP on loopback.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// The URL of `database` through the cluster's unix socket: what a server on the
    /// database's own machine uses (no TCP stack on the way).
    pub fn socket_url(&self, database: &str) -> String {
        format!("postgres://postgres@localhost/{database}?host={}&port={}", self.dir.display(), self.port)
    }

    /// Like [`new_database`](Self::new_database), reached through the unix socket.
    pub fn new_socket_database(&self) -> anyhow::Result<String> {
        let url = self.new_database()?;
        let name = url.rsplit('/').next().unwrap_or_default().to_owned();
        Ok(self.socket_url(&name))
    }

    pub fn stop(&self) {
        let mut stop = self.command("pg_ctl");
        stop.arg("-D").arg(self.dir.join("data")).args(["-m", "immediate", "-w", "stop"]);
        let _ = run(&mut stop);
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    fn command(&self, program: &str) -> Command {
        let path = if program == "psql" { PathBuf::from("/usr/bin/psql") } else { self.bin.join(program) };
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }
}

fn unique() -> u32 {
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// Debian keeps the server's programs in /usr/lib/postgresql/<version>/bin.
fn server_binaries() -> anyhow::Result<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed (./x setup installs postgresql)")?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().context("no initdb under /usr/lib/postgresql")
}

fn run(command: &mut Command) -> anyhow::Result<()> {
    let output = command.output().with_context(|| format!("running {command:?}"))?;
    anyhow::ensure!(
        output.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}
