//! 振替 per second: each of `concurrency` customers moves 1円 from their 普通 to their 貯蓄
//! account as fast as they can, every confirmation under its own idempotency key. Each is the
//! whole write of a transfer: the key recorded, two conditional balance UPDATEs, the journal
//! lines, the notice in the outbox and the audit record, in one transaction. (振込 runs the
//! same write after the code's step is claimed; a customer holds one fresh code per 30 s, so
//! its rate per customer is bounded by design, not by the server.)

use std::time::{Duration, Instant};

use serde_json::json;

use crate::stats::Samples;

pub struct TransferRun {
    pub per_second: f64,
    pub latencies: Samples,
    pub failures: usize,
}

/// `accounts[i]`: (普通, 貯蓄) of the customer whose session is `cookies[i]`.
pub async fn run(base: &str, cookies: &[String], accounts: &[(String, String)], seconds: u64) -> anyhow::Result<TransferRun> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(cookies.len()).build()?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for (worker, (cookie, (from, to))) in cookies.iter().zip(accounts).enumerate() {
        let (client, cookie, url) = (client.clone(), cookie.clone(), format!("{base}/api/transfers"));
        let (to_branch, to_number) = to.split_once('-').map(|(b, n)| (b.to_owned(), n.to_owned())).unwrap_or_default();
        let from = from.clone();
        workers.spawn(async move {
            let (mut samples, mut failures, mut n) = (Samples::default(), 0usize, 0u64);
            while Instant::now() < deadline {
                let body = json!({
                    "from_account": from, "to_branch_code": to_branch, "to_kind": "savings", "to_account_number": to_number,
                    "amount": "1", "idempotency_key": format!("{worker:016x}{n:016x}"),
                });
                n += 1;
                let begun = Instant::now();
                let ok = match client.post(&url).header("cookie", &cookie).header(netbank_api::CSRF_HEADER, "1").json(&body).send().await {
                    Ok(response) => response.status() == 200 && response.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if ok {
                    samples.push(begun.elapsed());
                } else {
                    failures += 1;
                }
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
    Ok(TransferRun { per_second, latencies, failures })
}
