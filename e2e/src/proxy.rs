//! nginx in front of the product, as a bank deploys it (`deploy/nginx-netbank.conf`, the file
//! the README shows): started by the test on a free port with a certificate made now, in a
//! temporary directory, stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::process::{Child, Command};

const NGINX: &str = "/usr/sbin/nginx";

pub struct Proxy {
    /// `https://127.0.0.1:<port>`.
    pub base_url: String,
    /// The certificate nginx presents (PEM), for clients to trust.
    pub certificate: Vec<u8>,
    dir: tempfile::TempDir,
    _nginx: Child,
}

impl Proxy {
    /// A free port for the proxy, known before the server starts (its public URL).
    pub fn reserve_port() -> anyhow::Result<u16> {
        Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
    }

    /// nginx on `port` terminating TLS in front of `upstream` (`127.0.0.1:<port>`).
    pub async fn start(port: u16, upstream: &str) -> anyhow::Result<Self> {
        anyhow::ensure!(Path::new(NGINX).exists(), "{NGINX} is missing (install: ./x setup)");
        let dir = tempfile::tempdir()?;
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        make_certificate(&cert, &key).await?;
        let site =
            std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx-netbank.conf"))?;
        let site = replace_once(&site, "server 127.0.0.1:8080;", &format!("server {upstream};"))?;
        let site = replace_once(&site, "listen 443 ssl http2;", &format!("listen 127.0.0.1:{port} ssl http2;"))?;
        let site = replace_once(&site, "/etc/ssl/netbank/fullchain.pem", &cert.display().to_string())?;
        let site = replace_once(&site, "/etc/ssl/netbank/privkey.pem", &key.display().to_string())?;
        std::fs::write(dir.path().join("netbank.conf"), site)?;
        let d = dir.path().display();
        // One process (no master and workers): killed when the test ends, nothing is left
        // behind listening (a killed master orphans its workers). As root, nginx would
        // otherwise drop to nobody, who cannot use this directory.
        let user = if running_as_root() { "user root;" } else { "" };
        let main = format!(
            "daemon off;\nmaster_process off;\n{user}\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 512; }}\n\
             http {{\n  access_log {d}/access.log;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
               include {d}/netbank.conf;\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), main)?;
        let nginx = Command::new(NGINX)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting nginx")?;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                let certificate = std::fs::read(&cert)?;
                return Ok(Self { base_url: format!("https://127.0.0.1:{port}"), certificate, dir, _nginx: nginx });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let log = std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
        bail!("nginx did not listen on {port} within 10 s: {log}")
    }

    /// nginx's access log so far.
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }

    /// An HTTPS client that trusts this proxy's certificate, connecting from `local` (any
    /// 127.0.0.0/8 address: how two customers behind one proxy are told apart here).
    pub fn client(&self, local: std::net::IpAddr) -> anyhow::Result<reqwest::Client> {
        Ok(reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&self.certificate)?)
            .local_address(local)
            .cookie_store(true)
            .build()?)
    }
}

fn replace_once(text: &str, from: &str, to: &str) -> anyhow::Result<String> {
    anyhow::ensure!(text.matches(from).count() == 1, "deploy/nginx-netbank.conf no longer has `{from}` exactly once");
    Ok(text.replacen(from, to, 1))
}

async fn make_certificate(cert: &Path, key: &Path) -> anyhow::Result<()> {
    let output = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"])
        .args(["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .arg("-keyout")
        .arg(key)
        .arg("-out")
        .arg(cert)
        .output()
        .await
        .context("running openssl (install: ./x setup)")?;
    anyhow::ensure!(output.status.success(), "openssl: {}", String::from_utf8_lossy(&output.stderr));
    Ok(())
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}
