//! Drives the built product in headless Chromium: the real server (in this process, fresh
//! database, free port) serving the Trunk build named by `NETBANK_DIST`, and Chromium through
//! Debian's ChromeDriver.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use fantoccini::{Client, ClientBuilder, Locator};
use netbank_server::config::Settings;
use netbank_server::startup::Application;
use tokio::process::{Child, Command};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The product running for one test.
pub struct Product {
    pub base_url: String,
    _data: tempfile::TempDir,
}

impl Product {
    /// Starts the server on a free port with a fresh database, serving the built SPA.
    pub async fn start() -> anyhow::Result<Self> {
        let dist = std::env::var_os("NETBANK_DIST").map(PathBuf::from).context(
            "NETBANK_DIST must name the Trunk build to test (`./x test` builds and sets it)",
        )?;
        if !dist.join("index.html").is_file() {
            bail!("{} has no index.html: build the SPA first (`./x spa --release`)", dist.display());
        }
        let data = tempfile::tempdir()?;
        let settings = Settings::for_tests(data.path().to_owned(), Some(dist));
        let app = Application::build(settings).await?;
        let base_url = format!("http://{}", app.address());
        tokio::spawn(app.run_until_stopped());
        Ok(Self { base_url, _data: data })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// A headless Chromium session; ChromeDriver is stopped when this is dropped.
pub struct Browser {
    pub client: Client,
    _driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn launch() -> anyhow::Result<Self> {
        let port = free_port()?;
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {CHROMEDRIVER} (install: ./x setup)"))?;
        wait_for_port(([127, 0, 0, 1], port).into()).await?;

        let profile = tempfile::tempdir()?;
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=390,844",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("connecting to ChromeDriver")?;
        Ok(Self { client, _driver: driver, _profile: profile })
    }

    /// Waits (up to 20 s) for an element to appear and returns its visible text.
    pub async fn text_of(&self, css: &str) -> anyhow::Result<String> {
        let element = self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for `{css}`"))?;
        Ok(element.text().await?)
    }

    /// Saves a PNG of the page under `e2e-artifacts/` in the repository, for people to look at.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../e2e-artifacts");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    pub async fn close(self) -> anyhow::Result<()> {
        self.client.close().await?;
        Ok(())
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

async fn wait_for_port(addr: SocketAddr) -> anyhow::Result<()> {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("ChromeDriver did not listen on {addr} within 10 s")
}
