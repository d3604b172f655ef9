use std::net::SocketAddr;
use std::path::PathBuf;

use crate::clock::Clock;

/// Everything the server needs to start. Built from the command line and environment by
/// `cli`, or directly by tests.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen; port 0 picks a free one (tests).
    pub addr: SocketAddr,
    /// Holds the SQLite database (and, later, development keys and mail).
    pub data_dir: PathBuf,
    /// The Trunk output to serve at `/`; `None` serves the API alone.
    pub dist_dir: Option<PathBuf>,
    pub policy: Policy,
    pub clock: Clock,
}

/// The security limits, each configurable (`cli`), with the defaults a bank would choose.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Wrong login passwords in a row that lock the login until the operator unlocks it.
    pub login_lockout_threshold: u32,
    /// Wrong 仮パスワード attempts that void it.
    pub temporary_password_attempts: u32,
    /// How long a 仮パスワード stays valid, in days.
    pub temporary_password_days: u32,
    /// A session ends after this many seconds without a request…
    pub session_idle_seconds: i64,
    /// …and after this many seconds whatever happens.
    pub session_absolute_seconds: i64,
    /// Authentication requests a client address may make per minute.
    pub auth_requests_per_minute: u32,
    /// Served over TLS (directly or behind a proxy): Secure cookies and HSTS.
    pub tls: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            login_lockout_threshold: 6,
            temporary_password_attempts: 5,
            temporary_password_days: 30,
            session_idle_seconds: 10 * 60,
            session_absolute_seconds: 60 * 60,
            auth_requests_per_minute: 30,
            tls: false,
        }
    }
}

impl Settings {
    /// Listen on a free loopback port with default policy: what tests start from.
    pub fn for_tests(data_dir: PathBuf, dist_dir: Option<PathBuf>) -> Self {
        Self {
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir,
            dist_dir,
            policy: Policy::default(),
            clock: Clock::System,
        }
    }
}

pub const DATABASE_FILE: &str = "netbank.sqlite3";

impl Settings {
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }
}
