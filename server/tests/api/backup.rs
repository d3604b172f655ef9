//! The restore drill: a backup taken while 振替 pour in holds every transfer acknowledged
//! before it began, restores into a new data directory whose ledger balances, and the
//! restored bank serves logins. A restore over a running server is refused.

use std::path::Path;
use std::time::{Duration, Instant};

use netbank_server::clock::Clock;
use netbank_server::config::DATABASE_FILE;
use netbank_server::operator::demo;
use netbank_testkit::ServerProcess;
use serde_json::{json, Value};

use crate::banking_helpers::demo_burst;
use crate::helpers::runs_on;

const BINARY: &str = env!("CARGO_BIN_EXE_netbank-server");
const KEY: &str = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";
/// Two clients in a loop: a burst, not a flood that starves the suite's other tests beside it.
const WORKERS: usize = 2;

async fn start(data: &Path) -> ServerProcess {
    let args = ["--mode", "development", "--otp-key", KEY, "--auth-requests-per-minute", "100000"];
    ServerProcess::start(Path::new(BINARY), data, &args, None).await.expect("the server starts")
}

fn cli(data: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(BINARY).arg("--data-dir").arg(data).args(args).output().expect("the CLI runs")
}

async fn logged_in(base: &str) -> reqwest::Client {
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let login = client
        .post(format!("{base}/api/login"))
        .header(netbank_api::CSRF_HEADER, "1")
        .json(&json!({ "login_id": "demo01", "password": "demo1234" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200, "demo01 logs in");
    client
}

#[tokio::test]
async fn a_backup_under_load_restores_with_every_acknowledged_transfer() {
    if !runs_on("sqlite") {
        return;
    }
    let live = tempfile::tempdir().unwrap();
    {
        let db = netbank_server::db::open(&live.path().join(DATABASE_FILE)).await.unwrap();
        crate::helpers::hashing_for_tests();
        demo::seed(&db, &Clock::System, netbank_server::config::Mode::Development).await.unwrap();
        db.close().await;
    }
    let mut server = start(live.path()).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..WORKERS {
        let client = logged_in(&server.base).await;
        workers.spawn(demo_burst(client, server.base.clone(), worker, stopped.clone()));
    }
    // The burst is under way before the backup starts, and goes on while it runs.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("netbank-backup.sqlite3");
    let began = Instant::now();
    let output = {
        let (data, file) = (live.path().to_owned(), file.clone());
        tokio::task::spawn_blocking(move || cli(&data, &["db", "backup", "--to", file.to_str().unwrap()]))
            .await
            .unwrap()
    };
    assert!(output.status.success(), "backup: {}", String::from_utf8_lossy(&output.stderr));
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.send(true).unwrap();
    let mut acknowledged = Vec::new();
    while let Some(done) = workers.join_next().await {
        acknowledged.extend(done.unwrap());
    }
    acknowledged.retain(|answer| answer.status == 200);
    let before: Vec<&String> = acknowledged.iter().filter(|a| a.ended < began).map(|a| &a.key).collect();
    let during = acknowledged.len() - before.len();
    assert!(before.len() >= 10 && during > 0, "{} before the backup, {during} during and after", before.len());

    // A restore over the running server is refused and changes nothing.
    let refused = cli(live.path(), &["db", "restore", "--from", file.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("a server is running"));

    let restored = tempfile::tempdir().unwrap();
    let output = cli(restored.path(), &["db", "restore", "--from", file.to_str().unwrap()]);
    assert!(output.status.success(), "restore: {}", String::from_utf8_lossy(&output.stderr));
    let check = cli(restored.path(), &["ledger", "check"]);
    assert!(check.status.success(), "ledger check: {}", String::from_utf8_lossy(&check.stdout));
    let db = netbank_server::db::open(&restored.path().join(DATABASE_FILE)).await.unwrap();
    for key in &before {
        let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM transfers WHERE idempotency_key = $1")
            .bind(key.as_str())
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(found, 1, "transfer {key}, acknowledged before the backup began, is in it");
    }
    let in_backup: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM transfers").fetch_one(&db).await.unwrap();
    let restores: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'database_restore'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(restores, 1, "the restore is in the audit log");
    db.close().await;

    let mut restored_server = start(restored.path()).await;
    let client = logged_in(&restored_server.base).await;
    let me: Value = client.get(format!("{}/api/me", restored_server.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["login_id"], "demo01", "{me}");
    println!(
        "backup drill: {} transfers acknowledged before the backup began, {during} during and after; the backup holds {in_backup}; all {} present after restore",
        before.len(),
        before.len()
    );
    restored_server.kill().unwrap();
    server.kill().unwrap();
}
