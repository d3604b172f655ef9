//! What the operations team runs beside the server, tried for real: Debian's Prometheus
//! scrapes a running server and answers a counter back through its HTTP API; the alert rules
//! fire on the series they are for (`promtool test rules`); the systemd unit passes
//! `systemd-analyze verify` and its sandbox is rated.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{runs_on, spawn_app_configured};

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy")
}

fn succeeds(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e} (./x setup installs it)"));
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{command:?}:\n{text}");
    text
}

/// Prometheus, killed however the test ends.
struct Prometheus(Child);

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn prometheus_scrapes_the_server_and_reads_its_counters_back() {
    if !runs_on("sqlite") {
        return;
    }
    let app = spawn_app_configured(|settings| settings.metrics_addr = Some("127.0.0.1:0".parse().unwrap())).await;
    let metrics = app.metrics_address().expect("metrics listen").to_owned();
    // Never on the customers' port.
    assert_eq!(app.get("/metrics").await.status(), 404);
    assert_eq!(app.get("/api/metrics").await.status(), 404);

    app.registered_customer("metrics01", "kumo4821").await;
    for _ in 0..3 {
        assert_eq!(app.login("metrics01", "wrong-password").await.status(), 401);
    }
    app.logged_in("metrics01", "kumo4821").await;
    // A method made up by a client is no label of its own (a series per request otherwise).
    let made_up = reqwest::Method::from_bytes(b"ZZZMADEUP").unwrap();
    app.client.request(made_up, app.url("/api/health")).send().await.unwrap();
    let text = reqwest::get(format!("{metrics}/metrics")).await.unwrap().text().await.unwrap();
    for family in [
        "netbank_http_requests_total{",
        "netbank_http_request_duration_seconds_bucket{",
        "netbank_logins_total{method=\"password\",outcome=\"refused\"}",
        "netbank_database_up 1",
        "netbank_password_hash_queue",
        "netbank_mail_outbox_pending",
        "netbank_db_pool_connections{",
    ] {
        assert!(text.contains(family), "{family} in\n{text}");
    }
    assert!(text.contains(r#"route="/api/login""#), "requests are labelled by route template");
    assert!(text.contains("# HELP netbank_logins_total"), "families are described");
    assert!(!text.contains("ZZZMADEUP") && text.contains(r#"method="other""#));
    // No customer in any label: not the login ID, not an account, not a session.
    assert!(!text.contains("metrics01"), "a login ID in the metrics");

    let dir = tempfile::tempdir().unwrap();
    let target = metrics.trim_start_matches("http://");
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: netbank\n    static_configs:\n      - targets: ['{target}']\n"),
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Debian's prometheus (./x setup installs it)");
    let _prometheus = Prometheus(child);

    // Through Prometheus's own API: the refused password logins it scraped.
    let query = r#"sum(netbank_logins_total{job="netbank",method="password",outcome="refused"})"#;
    let started = Instant::now();
    let refused = loop {
        let answer = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/api/v1/query"))
            .query(&[("query", query)])
            .send()
            .await;
        if let Ok(answer) = answer {
            let body: Value = answer.json().await.unwrap_or(json!({}));
            if let Some(value) = body["data"]["result"][0]["value"][1].as_str() {
                break value.parse::<f64>().unwrap();
            }
        }
        assert!(started.elapsed() < Duration::from_secs(60), "Prometheus never scraped the server");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    // The recorder is the process's: other tests running beside this one count too.
    assert!(refused >= 3.0, "{refused}");
    println!(
        "prometheus: scraped the server, {refused} refused password logins read back after {:?}",
        started.elapsed()
    );
}

#[test]
fn the_scrape_config_is_valid_and_each_alert_fires_on_what_it_is_for() {
    if !runs_on("sqlite") {
        return;
    }
    let prometheus = deploy().join("prometheus");
    succeeds(Command::new("promtool").arg("check").arg("config").arg(prometheus.join("prometheus.yml")));
    let tested =
        succeeds(Command::new("promtool").arg("test").arg("rules").arg(prometheus.join("netbank-alerts.test.yml")));
    assert!(tested.contains("SUCCESS"), "{tested}");
}

#[test]
fn the_systemd_unit_verifies_and_its_sandbox_is_tight() {
    if !runs_on("sqlite") {
        return;
    }
    // verify checks that ExecStart's program exists: this test's own build stands in for
    // the installed one.
    let unit = std::fs::read_to_string(deploy().join("netbank.service")).unwrap();
    assert!(unit.contains("LoadCredential=otp.key:") && unit.contains("ProtectSystem=strict"));
    assert!(unit.contains("NoNewPrivileges=yes") && unit.contains("User=netbank"));
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("netbank.service");
    std::fs::write(&copy, unit.replace("/usr/local/bin/netbank-server", env!("CARGO_BIN_EXE_netbank-server"))).unwrap();
    succeeds(Command::new("systemd-analyze").arg("verify").arg(&copy));
    // systemd's own rating of the sandbox, 0 (tight) to 100: 14 when written.
    let rated =
        succeeds(Command::new("systemd-analyze").args(["security", "--offline=true", "--threshold=20"]).arg(&copy));
    assert!(rated.contains("Overall exposure level"), "{rated}");
}
