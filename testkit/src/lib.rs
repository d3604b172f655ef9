//! The server binary as a child process, for the tests that must kill it (SIGKILL in the
//! middle of writes) and the benchmarks that must measure it on its own. It depends on
//! neither the server crate nor the e2e crate, so the server's own tests can use it.

pub mod authenticator;
pub mod postgres;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `netbank-server serve`; killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

impl ServerProcess {
    /// Starts `binary --data-dir DATA serve --addr 127.0.0.1:<free port> ARGS…` and waits (thirty
    /// seconds at most) until the child itself says it listens there, then until `/api/health`
    /// answers 200. The port was free a moment before; until the child says so it may be
    /// another test's server's, so no answer counts before that line. With a `log` filter
    /// (`RUST_LOG`) the server's log goes to stderr; without, nowhere.
    pub async fn start(binary: &Path, data: &Path, args: &[&str], log: Option<&str>) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut command = Command::new(binary);
        command
            .arg("--data-dir")
            .arg(data)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--staff-addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(filter) = log {
            command.env("RUST_LOG", filter).stderr(Stdio::inherit());
        }
        let mut child = command.spawn().map_err(|e| anyhow::anyhow!("starting {}: {e}", binary.display()))?;
        let listening = said(&mut child, format!("listening on 127.0.0.1:{port}"));
        let mut server = Self { child, base: format!("http://127.0.0.1:{port}") };
        for _ in 0..600 {
            if listening.try_recv().is_ok() {
                break;
            }
            if let Some(status) = server.child.try_wait()? {
                anyhow::bail!("the server exited at start: {status}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for _ in 0..200 {
            if reqwest::get(format!("{}/api/health", server.base)).await.is_ok_and(|r| r.status() == 200) {
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                anyhow::bail!("the server exited at start: {status}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("the server did not come up at {}", server.base)
    }

    /// The highest resident set size the process has had (VmHWM), in MiB.
    pub fn peak_rss_mib(&self) -> anyhow::Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| anyhow::anyhow!("no VmHWM"))?;
        Ok(kib / 1024.0)
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

/// A channel that receives once the child's stdout has carried `line`; the rest of its output
/// is read and dropped, so the child never blocks on a full pipe.
fn said(child: &mut Child, line: String) -> std::sync::mpsc::Receiver<()> {
    let (tx, rx) = std::sync::mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            use std::io::BufRead;
            for read in std::io::BufReader::new(stdout).lines() {
                match read {
                    Ok(text) if text.contains(&line) => {
                        let _ = tx.send(());
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        });
    }
    rx
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
