use std::net::SocketAddr;
use std::path::PathBuf;

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
}

impl Settings {
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("netbank.sqlite3")
    }
}
