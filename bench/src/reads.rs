//! Authenticated reads: `GET /api/me` and `GET /api/otp` in a live session, as fast as
//! `concurrency` clients can ask.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::server::PASSWORD;
use crate::stats::Samples;

pub struct ReadRun {
    pub per_second: f64,
    pub latencies: Samples,
    pub failures: usize,
}

pub async fn session(base: &str, login_id: &str) -> anyhow::Result<String> {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/login"))
        .header(netbank_api::CSRF_HEADER, "1")
        .json(&json!({ "login_id": login_id, "password": PASSWORD }))
        .send()
        .await?;
    anyhow::ensure!(response.status() == 200, "login: {}", response.status());
    crate::logins::session_cookie(&response)
        .ok_or_else(|| anyhow::anyhow!("no session cookie"))
}

/// Reads from `bases` (one server, or several instances on one database), shared out by client.
pub async fn run(bases: &[String], cookies: &[String], concurrency: usize, seconds: u64) -> anyhow::Result<ReadRun> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let (client, cookie) = (client.clone(), cookies[worker % cookies.len()].clone());
        let base = &bases[worker % bases.len()];
        let urls = [format!("{base}/api/me"), format!("{base}/api/otp")];
        workers.spawn(async move {
            let (mut samples, mut failures, mut i) = (Samples::default(), 0usize, worker);
            while Instant::now() < deadline {
                let begun = Instant::now();
                let ok = match client.get(&urls[i % 2]).header("cookie", &cookie).send().await {
                    Ok(response) => response.status() == 200 && response.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if ok {
                    samples.push(begun.elapsed());
                } else {
                    failures += 1;
                }
                i += 1;
            }
            (samples, failures)
        });
    }
    let (mut latencies, mut failures) = (Samples::default(), 0);
    while let Some(result) = workers.join_next().await {
        let (samples, f) = result?;
        latencies.extend(samples);
        failures += f;
    }
    let per_second = latencies.len() as f64 / started.elapsed().as_secs_f64();
    Ok(ReadRun { per_second, latencies, failures })
}
