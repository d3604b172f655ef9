//! The server at the network's edge, tried as an attacker would: forged forwarding headers,
//! one customer's limits from many addresses, floods, production started carelessly, a
//! stolen or rotated OTP key.

use std::time::{Duration, Instant};

use base64::Engine;
use netbank_api::ErrorReason;
use netbank_server::config::{Mode, Policy, Settings};
use netbank_server::operator::otp::rotate_key;
use netbank_server::otp::secret_box::SecretBox;
use netbank_testkit::ServerProcess;
use serde_json::{json, Value};

use crate::helpers::{error_reason, join_all, spawn_app_configured, spawn_app_with, TestApp};

const PROXY: &str = "127.0.0.1";

async fn behind_proxy(per_minute: u32) -> TestApp {
    spawn_app_configured(|settings| {
        settings.policy.auth_requests_per_minute = per_minute;
        settings.edge.trusted_proxies = PROXY.parse().unwrap();
    })
    .await
}

impl TestApp {
    /// A login attempt as the proxy forwards it for `forwarded_for` (each for another unknown
    /// ID, so no ID's own lock comes into it).
    async fn login_via(&self, forwarded_for: &str) -> reqwest::Response {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let login_id = format!("nobody{:02}", NEXT.fetch_add(1, Ordering::Relaxed) % 100);
        self.client
            .post(self.url("/api/login"))
            .header(netbank_api::CSRF_HEADER, "1")
            .header("x-forwarded-for", forwarded_for)
            .json(&json!({ "login_id": login_id, "password": "wrongpass1" }))
            .send()
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_bucket_and_cannot_forge_another() {
    let app = behind_proxy(3).await;
    for _ in 0..3 {
        assert_eq!(app.login_via("203.0.113.1").await.status(), 401);
    }
    let refused = app.login_via("203.0.113.1").await;
    assert_eq!(refused.status(), 429);
    let wait: i64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    // Another customer behind the same proxy is not punished for the first one's junk.
    assert_eq!(app.login_via("203.0.113.2").await.status(), 401);
    // The limited client prepends an address of its choice; the proxy appends the real one.
    assert_eq!(app.login_via("198.51.100.77, 203.0.113.1").await.status(), 429);
    // The same /64 is one client.
    for _ in 0..3 {
        assert_eq!(app.login_via("2001:db8:1:2::1").await.status(), 401);
    }
    assert_eq!(app.login_via("2001:db8:1:2:ffff::9").await.status(), 429);
    // The audit log names the client, not the proxy.
    let recorded = app.count("SELECT count(*) FROM audit_log WHERE client_addr = '203.0.113.2'").await;
    assert_eq!(recorded, 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE client_addr = '127.0.0.1'").await, 0);
}

#[tokio::test]
async fn without_trusted_proxies_forwarding_headers_are_ignored() {
    let app = spawn_app_with(None, Policy { auth_requests_per_minute: 3, ..Policy::default() }).await;
    for i in 0..3 {
        assert_eq!(app.login_via(&format!("203.0.113.{i}")).await.status(), 401);
    }
    // A fresh address in the header does not buy a fresh bucket.
    assert_eq!(app.login_via("203.0.113.99").await.status(), 429);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE client_addr LIKE '203.0.113.%'").await, 0);
}

#[tokio::test]
async fn one_customers_limits_hold_whichever_address_the_requests_come_from() {
    let app = spawn_app_configured(|settings| {
        settings.policy.auth_requests_per_minute = 10_000;
        settings.policy.customer_actions_per_hour = 3;
        settings.edge.trusted_proxies = PROXY.parse().unwrap();
    })
    .await;
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    let change = |from: String, session: String| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/password"))
                .header(netbank_api::CSRF_HEADER, "1")
                .header("cookie", format!("{}={session}", netbank_server::identity::session::COOKIE_NAME))
                .header("x-forwarded-for", from)
                .json(&json!({ "current_password": "wrongpass1", "new_password": "newpass123" }))
                .send()
                .await
                .unwrap()
        }
    };
    // Thirty attempts at once from thirty addresses: exactly three are let through.
    let attempts = (0..30).map(|i| change(format!("198.51.100.{i}"), session.clone())).collect();
    let statuses: Vec<u16> = join_all(attempts).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 27, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 3, "{statuses:?}");
    let refused = change("198.51.100.200".into(), session.clone()).await;
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(error_reason(refused).await, ErrorReason::RateLimited);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE event = 'throttled'").await, 28);
    // An hour later the customer may try again.
    app.clock().advance(3600);
    assert_eq!(change("198.51.100.1".into(), session.clone()).await.status(), 401);
}

#[tokio::test]
async fn issuance_mails_are_limited_per_customer_and_day() {
    let app = spawn_app_configured(|settings| {
        settings.policy.auth_requests_per_minute = 10_000;
        settings.policy.issuance_mails_per_day = 2;
    })
    .await;
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    for _ in 0..2 {
        assert_eq!(app.issue_software(&session, "taro@docomo.ne.jp", "1234").await.status(), 200);
    }
    let refused = app.issue_software(&session, "taro@docomo.ne.jp", "1234").await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let mails = "SELECT count(*) FROM mail_outbox WHERE to_address = 'taro@docomo.ne.jp'";
    assert_eq!(app.count(mails).await, 2, "no third mail, nothing half-written");
    app.clock().advance(86_400);
    let session = app.logged_in("taro01", "kumo4821").await;
    assert_eq!(app.issue_software(&session, "taro@docomo.ne.jp", "1234").await.status(), 200);
    assert_eq!(app.count(mails).await, 3);
}

#[tokio::test]
async fn a_customer_keeps_at_most_the_configured_sessions_and_the_oldest_ends_first() {
    let app = spawn_app_configured(|settings| {
        settings.policy.auth_requests_per_minute = 10_000;
        settings.policy.sessions_per_customer = 3;
    })
    .await;
    app.registered_customer("taro01", "kumo4821").await;
    let mut sessions = Vec::new();
    for _ in 0..4 {
        sessions.push(app.logged_in("taro01", "kumo4821").await);
        app.clock().advance(1);
    }
    assert_eq!(app.get_with_session("/api/me", &sessions[0]).await.status(), 401, "the oldest ended");
    for session in &sessions[1..] {
        assert_eq!(app.get_with_session("/api/me", session).await.status(), 200);
    }
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 3);
}

#[tokio::test]
async fn the_sweeper_removes_sessions_no_request_can_use() {
    let app = spawn_app_with(None, Policy { auth_requests_per_minute: 10_000, ..Policy::default() }).await;
    app.registered_customer("taro01", "kumo4821").await;
    app.registered_customer("hana01", "kumo4821").await;
    let _idle = app.logged_in("taro01", "kumo4821").await;
    app.clock().advance(500);
    let active = app.logged_in("hana01", "kumo4821").await;
    app.clock().advance(200);
    let swept = netbank_server::sweeper::sweep(&app.state).await.unwrap();
    assert_eq!(swept.sessions, 1, "taro's session sat idle past ten minutes");
    assert_eq!(app.get_with_session("/api/me", &active).await.status(), 200);
}

#[tokio::test]
async fn ready_reports_the_database_the_mail_sender_and_the_queues_and_requests_carry_an_id() {
    let app = spawn_app_with(None, Policy::default()).await;
    let response = app.get("/api/ready").await;
    assert_eq!(response.status(), 200);
    let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 24, "one made by the server");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["ready"], true);
    assert_eq!(body["database"], "ok");
    assert_eq!(body["mail_sender"], "off", "these tests deliver mail by hand");
    assert_eq!(body["mail_pending"], 0);
    assert!(body["hash_queue"].is_number());
    // The proxy's id is kept when it is sane, replaced when it could forge a log line.
    let kept = app.client.get(app.url("/api/health")).header("x-request-id", "nginx-4f1c2a9e").send().await.unwrap();
    assert_eq!(kept.headers()["x-request-id"], "nginx-4f1c2a9e");
    let replaced = app.client.get(app.url("/api/health")).header("x-request-id", "a\"b").send().await.unwrap();
    assert_ne!(replaced.headers()["x-request-id"], "a\"b");
}

#[tokio::test]
async fn production_refuses_plain_http_unless_told_and_creates_nothing() {
    let key = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("never");
    let production = |configure: &dyn Fn(&mut Settings)| {
        let mut settings = Settings::for_tests(dir.clone(), None);
        settings.mode = Mode::Production;
        settings.otp_key = Some(key.clone());
        configure(&mut settings);
        settings
    };
    let error = netbank_server::startup::Application::build(production(&|_| {})).await.err().expect("refused");
    assert!(error.to_string().contains("--tls"), "{error}");
    let no_https = production(&|s| {
        s.policy.tls = true;
        s.public_url = Some("http://bank.example".into());
    });
    let error = netbank_server::startup::Application::build(no_https).await.err().expect("refused");
    assert!(error.to_string().contains("https"), "{error}");
    assert!(!dir.exists(), "a refused start creates nothing");
    let insecure = production(&|s| s.edge.insecure_http = true);
    assert!(netbank_server::startup::Application::build(insecure).await.is_ok(), "said explicitly");
}

#[tokio::test]
async fn a_rotated_key_serves_every_token_and_the_old_key_can_go() {
    let old = format!("1:{}", base64::engine::general_purpose::STANDARD.encode([1u8; 32]));
    let new = format!("2026-11:{}", base64::engine::general_purpose::STANDARD.encode([2u8; 32]));
    let app = spawn_app_configured(|settings| {
        settings.policy.auth_requests_per_minute = 10_000;
        settings.otp_key = Some(old.clone());
    })
    .await;
    let (_, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    // Step 1: the servers restart with the new key first and the old one still known.
    let app = app.restart(|s| s.otp_key = Some(format!("{new},{old}"))).await.unwrap();
    app.logged_in_with_code("taro01", "kumo4821", &token).await;
    // Step 2: rotate-key while they serve.
    let both = SecretBox::from_base64(&format!("{new},{old}")).unwrap();
    let rotation = rotate_key(&app.state.db, &app.state.clock, &both).await.unwrap();
    assert_eq!((rotation.resealed, rotation.remaining), (1, 0));
    // Step 3: the old key is dropped; a server that only has the old key refuses to start.
    let app = app.restart(|s| s.otp_key = Some(new.clone())).await.unwrap();
    app.clock().advance(30);
    app.logged_in_with_code("taro01", "kumo4821", &token).await;
    let refused = app.restart(|s| s.otp_key = Some(old.clone())).await.err().expect("refused");
    assert!(refused.to_string().contains("2026-11"), "{refused}");
}

/// A flood of logins on a server with one hashing thread and a queue of two: the excess is
/// refused at once with 503 busy and Retry-After, nothing waits without end, nothing is
/// miscounted, and the server serves normally after.
#[tokio::test]
async fn a_login_flood_beyond_the_hashing_queue_is_refused_fast_and_counted_right() {
    let data = tempfile::tempdir().unwrap();
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_netbank-server"));
    let args = [
        "--mode",
        "development",
        "--demo",
        "--auth-requests-per-minute",
        "100000",
        "--hash-threads",
        "1",
        "--hash-queue",
        "2",
        "--lockout-threshold",
        "1000",
    ];
    let server = ServerProcess::start(binary, data.path(), &args, None).await.expect("the server starts");
    let client = reqwest::Client::new();
    let login = |password: &'static str| {
        let client = client.clone();
        let url = format!("{}/api/login", server.base);
        async move {
            let started = Instant::now();
            let response = client
                .post(url)
                .header(netbank_api::CSRF_HEADER, "1")
                .json(&json!({ "login_id": "demo01", "password": password }))
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.headers().contains_key("retry-after"), started.elapsed())
        }
    };
    let answers = join_all((0..60).map(|_| login("wrongpass1")).collect()).await;
    let busy: Vec<_> = answers.iter().filter(|(status, _, _)| *status == 503).collect();
    let refused = answers.iter().filter(|(status, _, _)| *status == 401).count();
    assert!(!busy.is_empty(), "the queue of two overflowed: {answers:?}");
    assert_eq!(busy.len() + refused, 60, "{answers:?}");
    assert!(busy.iter().all(|(_, retry_after, _)| *retry_after));
    assert!(busy.iter().all(|(_, _, took)| *took < Duration::from_secs(2)), "busy is answered at once");
    // Only the hashed attempts were counted as wrong passwords.
    let db = netbank_server::db::open(&data.path().join(netbank_server::config::DATABASE_FILE)).await.unwrap();
    let counted: i64 = sqlx::query_scalar("SELECT failed_attempts FROM credentials WHERE login_id = 'demo01'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(counted as usize, refused);
    // And the demo customer still logs in.
    let (status, _, _) = login("demo1234").await;
    assert_eq!(status, 200);
}

/// The server binary in development mode with JSON logs written to a file (and `extra`
/// arguments), on a free port: its data directory, the log's path, the port and the process.
fn server_with_json_log(
    extra: &[&str],
    rust_log: &str,
) -> (tempfile::TempDir, std::path::PathBuf, u16, std::process::Child) {
    let data = tempfile::tempdir().unwrap();
    let log_path = data.path().join("server.log");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_netbank-server"))
        .arg("--data-dir")
        .arg(data.path().join("data"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--staff-addr", "127.0.0.1:0"])
        .args(["--mode", "development", "--log-format", "json"])
        .args(extra)
        .env("RUST_LOG", rust_log)
        .stdout(std::fs::File::create(data.path().join("stdout.txt")).unwrap())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    // Only this child's answers count: until it says it listens, the port (free a moment ago)
    // may be another test's server's.
    let stdout = data.path().join("stdout.txt");
    let listening = format!("listening on 127.0.0.1:{port}");
    for _ in 0..600 {
        if std::fs::read_to_string(&stdout).unwrap_or_default().contains(&listening) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (data, log_path, port, child)
}

/// `--log-format json`: one JSON object per line, and a request's lines carry the id the
/// proxy sent, so the proxy's access log and the server's log can be joined.
#[tokio::test]
async fn json_logs_carry_the_proxys_request_id() {
    let (_data, log_path, port, mut child) = server_with_json_log(&[], "info,tower_http=debug");
    let url = format!("http://127.0.0.1:{port}/api/health");
    let client = reqwest::Client::new();
    let mut answered = false;
    for _ in 0..200 {
        if let Ok(response) = client.get(&url).header("x-request-id", "proxy-trace-0042").send().await {
            assert_eq!(response.headers()["x-request-id"], "proxy-trace-0042");
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(answered, "the server answered");
    let log = std::fs::read_to_string(&log_path).unwrap();
    let lines: Vec<Value> =
        log.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"))).collect();
    assert!(
        lines
            .iter()
            .any(|line| line["span"]["request_id"] == "proxy-trace-0042" && line["span"]["path"] == "/api/health"),
        "no line of the request: {log}"
    );
}

/// A domain step's span closes with one line saying how long it took (`RUST_LOG=…,
/// netbank_server=debug`), carrying the customer's id and never what was typed: a slow login
/// or 振込 can be taken apart in the log.
#[tokio::test]
async fn a_login_s_steps_are_timed_in_the_json_log_without_its_secrets() {
    let (_data, log_path, port, mut child) = server_with_json_log(&["--demo"], "info,netbank_server=debug");
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/api/login");
    let mut status = None;
    for _ in 0..200 {
        let body = json!({ "login_id": "demo01", "password": "demo1234" });
        if let Ok(response) = client.post(&url).header("x-netbank-csrf", "1").json(&body).send().await {
            status = Some(response.status());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, Some(reqwest::StatusCode::OK));
    let log = std::fs::read_to_string(&log_path).unwrap();
    let lines: Vec<Value> =
        log.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"))).collect();
    assert!(
        lines.iter().any(|line| line["span"]["name"] == "password_step" && line["time.busy"].is_string()),
        "no timed password_step: {log}"
    );
    assert!(!log.contains("demo1234"), "the password is never logged");
}
