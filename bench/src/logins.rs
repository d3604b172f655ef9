//! Complete logins (password, then the TOTP code a token would show) per second, against
//! the argon2id bound: how many hashes per second all cores do with the same parameters.

use std::sync::Arc;
use std::time::{Duration, Instant};

use netbank_api::totp::TotpParams;
use netbank_server::identity::{password, session};
use serde_json::json;
use tokio::sync::Mutex;

use crate::server::{Customer, PASSWORD};
use crate::stats::Samples;

/// argon2id verifications per second with `parallel` running at once, for `seconds`.
pub async fn argon2_bound(parallel: usize, seconds: u64) -> anyhow::Result<f64> {
    let stored = password::hash(PASSWORD.into()).await?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..parallel {
        let stored = stored.clone();
        workers.spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                password::verify(PASSWORD.into(), stored.clone()).await?;
                n += 1;
            }
            anyhow::Ok(n)
        });
    }
    let mut total = 0;
    while let Some(n) = workers.join_next().await {
        total += n??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

pub struct LoginRun {
    pub per_second: f64,
    pub latencies: Samples,
    pub failures: usize,
}

/// Each customer's newest step used: a code is accepted once, so a login takes the next.
struct Pool {
    customers: Vec<(Customer, i64)>,
    next: usize,
}

impl Pool {
    /// A customer with a step still free (the drift window allows one step ahead).
    fn take(&mut self) -> Option<(Customer, i64)> {
        let params = TotpParams::default();
        let current = params.step_at(netbank_server::clock::Clock::System.now()) as i64;
        for _ in 0..self.customers.len() {
            let i = self.next;
            self.next = (self.next + 1) % self.customers.len();
            let (customer, last) = &mut self.customers[i];
            // The current step, or the next one if this customer used it already.
            let step = (*last + 1).max(current);
            if step <= current + 1 {
                *last = step;
                return Some((customer.clone(), step));
            }
        }
        None
    }
}

/// The `nb_session=…` pair a response sets, ready for a `cookie` header.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    let set_cookies = response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok());
    session::issued_session_id(set_cookies).map(|id| format!("{}={id}", session::COOKIE_NAME))
}

async fn one_login(client: &reqwest::Client, base: &str, customer: &Customer, step: i64) -> anyhow::Result<()> {
    let post = |path: &str| client.post(format!("{base}{path}")).header(netbank_api::CSRF_HEADER, "1");
    let first = post("/api/login").json(&json!({ "login_id": customer.login_id, "password": PASSWORD })).send().await?;
    anyhow::ensure!(first.status() == 200, "password step: {}", first.status());
    let pending = session_cookie(&first).ok_or_else(|| anyhow::anyhow!("no pending session"))?;
    let code = TotpParams::default().code_for_step(&customer.secret, step as u64);
    let second = post("/api/login/otp").header("cookie", pending).json(&json!({ "otp": code })).send().await?;
    anyhow::ensure!(
        second.status() == 200,
        "code step: {} {}",
        second.status(),
        second.text().await.unwrap_or_default()
    );
    Ok(())
}

/// Logins against `bases` (one server, or several instances on one database), by client.
pub async fn run(
    bases: &[String],
    customers: Vec<Customer>,
    concurrency: usize,
    seconds: u64,
) -> anyhow::Result<LoginRun> {
    let pool =
        Arc::new(Mutex::new(Pool { customers: customers.into_iter().map(|c| (c, i64::MIN / 2)).collect(), next: 0 }));
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let (pool, client, base) = (pool.clone(), client.clone(), bases[worker % bases.len()].clone());
        workers.spawn(async move {
            let (mut samples, mut done, mut failures) = (Samples::default(), 0usize, 0usize);
            while Instant::now() < deadline {
                let Some((customer, step)) = pool.lock().await.take() else {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                let begun = Instant::now();
                match one_login(&client, &base, &customer, step).await {
                    Ok(()) => {
                        samples.push(begun.elapsed());
                        done += 1;
                    }
                    Err(error) => {
                        failures += 1;
                        if failures <= 3 {
                            eprintln!("login failed: {error:#}");
                        }
                    }
                }
            }
            (samples, done, failures)
        });
    }
    let (mut latencies, mut done, mut failures) = (Samples::default(), 0, 0);
    while let Some(result) = workers.join_next().await {
        let (samples, n, f) = result?;
        latencies.extend(samples);
        done += n;
        failures += f;
    }
    Ok(LoginRun { per_second: done as f64 / started.elapsed().as_secs_f64(), latencies, failures })
}
