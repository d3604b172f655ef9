use std::path::PathBuf;

use netbank_server::config::Settings;
use netbank_server::startup::{AppState, Application};

/// A running server with its own database (and optionally a built SPA), gone when dropped.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    _data: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(None).await
}

pub async fn spawn_app_with(dist_dir: Option<PathBuf>) -> TestApp {
    let data = tempfile::tempdir().expect("temporary data directory");
    let settings = Settings {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data.path().to_owned(),
        dist_dir,
    };
    let app = Application::build(settings).await.expect("the server starts");
    let address = format!("http://{}", app.address());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    TestApp { address, client, state, _data: data }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }
}
