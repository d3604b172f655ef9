//! 振替 per second: each of `concurrency` customers moves 1円 from their 普通 to their 貯蓄
//! account as fast as they can, every confirmation under its own idempotency key. Each is the
//! whole write of a transfer: the key recorded, two conditional balance UPDATEs, the journal
//! lines, the notice in the outbox and the audit record, in one transaction. (振込 runs the
//! same write after the code's step is claimed; a customer holds one fresh code per 30 s, so
//! its rate per customer is bounded by design, not by the server.)

use std::sync::Arc;

use serde_json::json;

use crate::closed_loop::{self, LoopRun};

/// `accounts[i]`: (普通, 貯蓄) of the customer whose session is `cookies[i]`.
pub async fn run(
    base: &str,
    cookies: &[String],
    accounts: &[(String, String)],
    seconds: u64,
) -> anyhow::Result<LoopRun> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(cookies.len()).build()?;
    let url = Arc::new(format!("{base}/api/transfers"));
    let movers: Arc<Vec<(String, String, String, String)>> = Arc::new(
        cookies
            .iter()
            .zip(accounts)
            .map(|(cookie, (from, to))| {
                let (branch, number) = to.split_once('-').unwrap_or_default();
                (cookie.clone(), from.clone(), branch.to_owned(), number.to_owned())
            })
            .collect(),
    );
    closed_loop::run(movers.len(), seconds, move |worker, n| {
        let (client, url, movers) = (client.clone(), url.clone(), movers.clone());
        async move {
            let (cookie, from, to_branch, to_number) = &movers[worker];
            let body = json!({
                "from_account": from, "to_branch_code": to_branch, "to_kind": "savings", "to_account_number": to_number,
                "amount": "1", "idempotency_key": format!("{worker:016x}{n:016x}"),
            });
            match client
                .post(url.as_str())
                .header("cookie", cookie)
                .header(netbank_api::CSRF_HEADER, "1")
                .json(&body)
                .send()
                .await
            {
                Ok(response) => response.status() == 200 && response.bytes().await.is_ok(),
                Err(_) => false,
            }
        }
    })
    .await
}
