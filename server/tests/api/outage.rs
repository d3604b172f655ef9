//! PostgreSQL stopped at once in the middle of a burst of 振替 (`pg_ctl stop -m immediate`),
//! on a throwaway cluster: every request answers, 503 while the database is away and never a
//! 500 or a hang past the deadline; `/api/ready` says the database is gone; once PostgreSQL is
//! back the same server serves again by itself, loses nothing it acknowledged, and its mail
//! sender delivers again.

use std::time::{Duration, Instant};

use netbank_server::config::Mode;
use netbank_server::operator::demo;
use netbank_server::store::mail_outbox::{self, NewMail};
use netbank_testkit::postgres::PgCluster;
use serde_json::{json, Value};

use crate::banking_helpers::{demo_burst, BurstAnswer};
use crate::helpers::{error_reason, runs_on, spawn_app, spawn_app_configured};

const WORKERS: usize = 4;
/// The longest any request may take, the database gone or not: well inside the deadline.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// Stops the throwaway cluster however the test ends.
struct Throwaway(PgCluster);

impl Drop for Throwaway {
    fn drop(&mut self) {
        self.0.stop();
    }
}

#[tokio::test]
async fn a_postgresql_restart_mid_burst_loses_nothing_and_needs_no_server_restart() {
    if !runs_on("postgres") {
        return;
    }
    let cluster = Throwaway(PgCluster::start().expect("a throwaway PostgreSQL cluster"));
    let url = cluster.0.new_database().unwrap();
    let app = spawn_app_configured(|settings| {
        settings.database_url = Some(url.clone());
        settings.mail.background_delivery = true;
    })
    .await;
    demo::seed(&app.state.db, app.clock(), Mode::Development).await.unwrap();
    let client = reqwest::Client::builder().cookie_store(true).timeout(ANSWER_WITHIN).build().unwrap();
    let login = client
        .post(app.url("/api/login"))
        .header(netbank_api::CSRF_HEADER, "1")
        .json(&json!({ "login_id": "demo01", "password": "demo1234" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..WORKERS {
        workers.spawn(demo_burst(client.clone(), app.url(""), worker, stopped.clone()));
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    cluster.0.halt().unwrap();
    let halted = Instant::now();

    // While it is away: the proxy's health check says so, at once.
    let started = Instant::now();
    let ready = client.get(app.url("/api/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "unavailable", "{body}");
    assert!(started.elapsed() < Duration::from_secs(3), "ready answered in {:?}", started.elapsed());
    tokio::time::sleep(Duration::from_secs(7)).await;

    cluster.0.resume().unwrap();
    let resumed = Instant::now();
    // The same server, not restarted, is ready again by itself.
    let ready_again = loop {
        let ready = client.get(app.url("/api/ready")).send().await;
        if ready.is_ok_and(|ready| ready.status() == 200) {
            break resumed.elapsed();
        }
        assert!(resumed.elapsed() < Duration::from_secs(30), "the server did not recover");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.send(true).unwrap();
    let mut answers: Vec<BurstAnswer> = Vec::new();
    while let Some(done) = workers.join_next().await {
        answers.extend(done.unwrap());
    }

    let statuses: std::collections::BTreeMap<u16, usize> = answers.iter().fold(Default::default(), |mut m, a| {
        *m.entry(a.status).or_default() += 1;
        m
    });
    assert!(statuses.keys().all(|status| [200, 503].contains(status)), "only 200 and 503: {statuses:?}");
    assert!(statuses.get(&503).copied().unwrap_or(0) >= WORKERS, "each worker met the outage: {statuses:?}");
    let slowest = answers.iter().map(|a| a.took).max().unwrap();
    assert!(slowest < ANSWER_WITHIN, "slowest answer {slowest:?}");
    // Transfers go through again after the restart.
    let after_restart = answers.iter().filter(|a| a.status == 200 && a.ended > resumed).count();
    assert!(after_restart > 0, "no transfer went through after the restart");

    // Nothing acknowledged is lost.
    let acknowledged: Vec<&BurstAnswer> = answers.iter().filter(|a| a.status == 200).collect();
    for BurstAnswer { key, .. } in &acknowledged {
        let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM transfers WHERE idempotency_key = $1")
            .bind(key.as_str())
            .fetch_one(&app.state.db)
            .await
            .unwrap();
        assert_eq!(found, 1, "acknowledged transfer {key}");
    }
    app.assert_ledger_holds().await;

    // The mail sender went on through the outage: mail written now is delivered by it.
    let now = app.clock().now();
    let mail = NewMail { customer_id: None, to: "ops@netbank.example", subject: "after the outage", body: "-" };
    let id = mail_outbox::enqueue(&app.state.db, mail, now).await.unwrap();
    app.state.mail_wakeup.notify_one();
    let delivered = Instant::now();
    loop {
        let status: String = sqlx::query_scalar("SELECT status FROM mail_outbox WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
        if status == "sent" {
            break;
        }
        assert!(delivered.elapsed() < Duration::from_secs(10), "the mail sender did not resume");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "outage: {statuses:?} over {} requests; down {:?}; ready again {ready_again:?} after PostgreSQL restarted; slowest answer {slowest:?}; {} acknowledged, all present",
        answers.len(),
        resumed - halted,
        acknowledged.len()
    );
}

/// SQLite kept locked by another writer past the server's busy wait (a long operator job, a
/// stuck process): the request that cannot write answers 503 with Retry-After, not 500, and
/// the proxy's check says so at once.
#[tokio::test]
async fn a_sqlite_database_locked_past_its_wait_answers_503_not_500() {
    use sqlx::Connection;
    if !runs_on("sqlite") {
        return;
    }
    let app = spawn_app().await;
    app.registered_customer("locked01", "kumo4821").await;
    let file = app.data_dir().join(netbank_server::config::DATABASE_FILE);
    let mut holder = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display())).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut holder).await.unwrap();
    let started = Instant::now();
    let ready = app.get("/api/ready").await;
    assert_eq!(ready.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(3), "ready in {:?}", started.elapsed());
    let response = app.login("locked01", "kumo4821").await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(error_reason(response).await, netbank_api::ErrorReason::ServiceUnavailable);
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    assert_eq!(app.login("locked01", "kumo4821").await.status(), 200, "served again once the lock is gone");
}
