//! Overload: logins offered at a multiple of what the machine can hash, open-loop (each
//! arrives on schedule whatever happened to the ones before, as a crowd does). The server
//! must keep hashing at its bound for the ones it accepts, answer the rest 503 at once, and
//! not grow without end.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::server::PASSWORD;
use crate::stats::Samples;

pub struct OverloadRun {
    pub offered_per_second: f64,
    pub accepted_per_second: f64,
    pub accepted: Samples,
    pub busy: Samples,
    /// Answers other than 200 and 503 (there should be none), and transport errors.
    pub other: usize,
}

/// Password logins of the `customers` (no token: one argon2 each) at `rate` per second for
/// `seconds`.
pub async fn run(base: &str, customers: &[String], rate: f64, seconds: u64) -> anyhow::Result<OverloadRun> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build()?;
    let total = (rate * seconds as f64) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let started = Instant::now();
    let mut arrivals = tokio::task::JoinSet::new();
    for i in 0..total {
        let due = started + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let (client, url, login_id) =
            (client.clone(), format!("{base}/api/login"), customers[i % customers.len()].clone());
        arrivals.spawn(async move {
            let begun = Instant::now();
            let response = client
                .post(url)
                .header(netbank_api::CSRF_HEADER, "1")
                .json(&json!({ "login_id": login_id, "password": PASSWORD }))
                .send()
                .await;
            (response.map(|r| r.status().as_u16()).unwrap_or(0), begun.elapsed())
        });
    }
    let (mut accepted, mut busy, mut other) = (Samples::default(), Samples::default(), 0);
    while let Some(result) = arrivals.join_next().await {
        match result? {
            (200, took) => accepted.push(took),
            (503, took) => busy.push(took),
            _ => other += 1,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(OverloadRun {
        offered_per_second: total as f64 / elapsed,
        accepted_per_second: accepted.len() as f64 / elapsed,
        accepted,
        busy,
        other,
    })
}
