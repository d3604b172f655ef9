//! Authenticated reads: `GET /api/me` and `GET /api/otp` in a live session, as fast as
//! `concurrency` clients can ask.

use std::sync::Arc;

use serde_json::json;

use crate::closed_loop::{self, LoopRun};
use crate::server::PASSWORD;

pub async fn session(base: &str, login_id: &str) -> anyhow::Result<String> {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/login"))
        .header(netbank_api::CSRF_HEADER, "1")
        .json(&json!({ "login_id": login_id, "password": PASSWORD }))
        .send()
        .await?;
    anyhow::ensure!(response.status() == 200, "login: {}", response.status());
    crate::logins::session_cookie(&response).ok_or_else(|| anyhow::anyhow!("no session cookie"))
}

/// Reads from `bases` (one server, or several instances on one database), shared out by client.
pub async fn run(bases: &[String], cookies: &[String], concurrency: usize, seconds: u64) -> anyhow::Result<LoopRun> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    // Worker w reads as cookie w and from base w, alternating the two paths.
    let targets: Arc<Vec<(String, [String; 2])>> = Arc::new(
        (0..concurrency)
            .map(|w| {
                let base = &bases[w % bases.len()];
                (cookies[w % cookies.len()].clone(), [format!("{base}/api/me"), format!("{base}/api/otp")])
            })
            .collect(),
    );
    closed_loop::run(concurrency, seconds, move |worker, n| {
        let (client, targets) = (client.clone(), targets.clone());
        async move {
            let (cookie, urls) = &targets[worker];
            match client.get(&urls[(worker + n as usize) % 2]).header("cookie", cookie).send().await {
                Ok(response) => response.status() == 200 && response.bytes().await.is_ok(),
                Err(_) => false,
            }
        }
    })
    .await
}
