//! The front-end loop as the README writes it: `trunk serve` beside a running server builds
//! into its own directory (never the `dist/` the server serves) and forwards `/api` to it.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use netbank_e2e::Product;
use tokio::process::Command;

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fingerprint(dir: &std::path::Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| Some((e.file_name().to_string_lossy().into_owned(), e.metadata().ok()?)))
                .map(|(name, meta)| (name, meta.len(), meta.modified().unwrap()))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// A copy of Trunk.toml beside it, removed when dropped.
struct TrunkConfig(PathBuf);

impl TrunkConfig {
    fn copy_with_backend(backend: &str) -> anyhow::Result<Self> {
        let original = std::fs::read_to_string(repository().join("Trunk.toml"))?;
        let default = r#"backend = "http://127.0.0.1:8080/api/""#;
        anyhow::ensure!(original.matches(default).count() == 1, "Trunk.toml's proxy backend moved: update this test");
        let path = repository().join(format!(".trunk-serve-test-{}.toml", std::process::id()));
        std::fs::write(&path, original.replace(default, &format!("backend = \"{backend}\"")))?;
        Ok(Self(path))
    }
}

impl Drop for TrunkConfig {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn trunk_serve_forwards_the_api_and_leaves_the_served_dist_alone() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let served = std::env::var_os("NETBANK_DIST").map(PathBuf::from).expect("NETBANK_DIST");
    let before = fingerprint(&served);
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    // Trunk.toml as it is, but for its proxy's backend: the test's server, not 8080 (where a
    // developer's `./x run` may be). Trunk cannot take a second proxy for /api from the command
    // line, and relative paths in a config are relative to its file, so the copy sits beside.
    let config = TrunkConfig::copy_with_backend(&product.url("/api/"))?;
    // The README's command, on the test's port. --release reuses the build `./x test` made.
    let mut trunk = Command::new(repository().join("x"))
        .args(["wasm-env", "trunk", "--config"])
        .arg(&config.0)
        .args(["serve", "--release", "--port", &port.to_string()])
        .current_dir(repository())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut page = None;
    for _ in 0..600 {
        if let Ok(response) = client.get(format!("{base}/")).send().await {
            if response.status() == 200 {
                page = Some(response.text().await?);
                break;
            }
        }
        if let Some(status) = trunk.try_wait()? {
            anyhow::bail!("trunk serve exited: {status}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let page = page.ok_or_else(|| anyhow::anyhow!("trunk serve did not answer within 5 minutes"))?;
    assert!(page.contains("netbank-login") && page.contains(".wasm"), "the SPA's index.html: {page}");
    let health: serde_json::Value =
        client.get(format!("{base}/api/health")).send().await?.error_for_status()?.json().await?;
    assert_eq!(health["database"], "ok", "forwarded to the server: {health}");
    assert!(repository().join("target/trunk-serve/dist/index.html").is_file(), "trunk serve's own output");
    assert_eq!(fingerprint(&served), before, "the served dist/ was not touched");
    trunk.kill().await?;
    Ok(())
}
