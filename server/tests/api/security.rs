use netbank_api::ErrorReason;
use netbank_server::config::Policy;
use serde_json::json;

use crate::helpers::{error_reason, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_post_without_the_spas_header_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let response = app
        .client
        .post(app.url("/api/login"))
        .json(&json!({ "login_id": "taro01", "password": "wrong999" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(error_reason(response).await, ErrorReason::CsrfRejected);
    assert_eq!(app.count("SELECT failed_attempts FROM credentials").await, 0);
}

#[tokio::test]
async fn a_post_from_another_origin_is_refused_even_with_the_header() {
    let app = spawn_app().await;
    for (name, value) in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")] {
        let response = app
            .client
            .post(app.url("/api/logout"))
            .header(netbank_api::CSRF_HEADER, "1")
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(error_reason(response).await, ErrorReason::CsrfRejected, "{name}");
    }
    let same_origin = app
        .client
        .post(app.url("/api/logout"))
        .header(netbank_api::CSRF_HEADER, "1")
        .header("origin", app.address.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), 204);
}

#[tokio::test]
async fn authentication_is_rate_limited_per_client_with_retry_after() {
    let app = spawn_app_with(None, Policy { auth_requests_per_minute: 3, ..Policy::default() }).await;
    for _ in 0..3 {
        assert_eq!(app.login("nosuchid", "wrong999").await.status(), 401);
    }
    let limited = app.login("nosuchid", "wrong999").await;
    assert_eq!(limited.status(), 429);
    let wait: i64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    assert_eq!(error_reason(limited).await, ErrorReason::RateLimited);
    assert_eq!(app.get("/api/health").await.status(), 200, "other endpoints are not limited");
    app.clock().advance(60);
    assert_eq!(app.login("nosuchid", "wrong999").await.status(), 401);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/api/health", "/api/nothing", "/"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert!(headers.get("strict-transport-security").is_none(), "no HSTS without TLS");
    }
}

#[tokio::test]
async fn under_tls_cookies_are_secure_and_hsts_is_sent() {
    let app = spawn_app_with(None, Policy { tls: true, ..Policy::default() }).await;
    app.registered_customer("taro01", "taro2025").await;
    let response = app.login("taro01", "taro2025").await;
    assert!(response.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
    assert!(response.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
}

#[tokio::test]
async fn oversized_malformed_and_mistyped_bodies_get_error_bodies() {
    let app = spawn_app().await;
    let big = json!({ "login_id": "a".repeat(20_000), "password": "x" });
    let response = app.post("/api/login", &big, None).await;
    assert_eq!(response.status(), 413);
    assert_eq!(error_reason(response).await, ErrorReason::PayloadTooLarge);

    let send = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url("/api/login"))
            .header(netbank_api::CSRF_HEADER, "1")
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let broken = send("{\"login_id\": ", "application/json").await.unwrap();
    assert_eq!(broken.status(), 400);
    assert_eq!(error_reason(broken).await, ErrorReason::MalformedRequest);
    let wrong_shape = send("{\"login_id\": 5}", "application/json").await.unwrap();
    assert_eq!(error_reason(wrong_shape).await, ErrorReason::MalformedRequest);
    let wrong_type = send("login_id=a", "application/x-www-form-urlencoded").await.unwrap();
    assert_eq!(wrong_type.status(), 415);
    assert_eq!(error_reason(wrong_type).await, ErrorReason::MalformedRequest);
}

#[tokio::test]
async fn every_api_answer_forbids_caching_refusals_included() {
    let app = spawn_app_with(None, Policy { auth_requests_per_minute: 2, ..Policy::default() }).await;
    app.registered_customer("taro01", "taro2025").await;
    let session = app.logged_in("taro01", "taro2025").await;
    let limited = app.login("taro01", "taro2025").await;
    assert_eq!(limited.status(), 429);
    let csrf = app.client.post(app.url("/api/logout")).send().await.unwrap();
    assert_eq!(csrf.status(), 403);
    let responses = vec![
        ("me", app.get_with_session("/api/me", &session).await),
        ("otp", app.get_with_session("/api/otp", &session).await),
        ("health", app.get("/api/health").await),
        ("unauthenticated", app.get("/api/me").await),
        ("unknown path", app.get("/api/nothing").await),
        ("rate limited", limited),
        ("csrf", csrf),
    ];
    for (what, response) in responses {
        assert_eq!(response.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{what}");
    }
}

#[tokio::test]
async fn csrf_refusals_rate_limits_and_codes_without_a_pending_login_are_audited() {
    let app = spawn_app_with(None, Policy { auth_requests_per_minute: 2, ..Policy::default() }).await;
    app.client.post(app.url("/api/logout")).send().await.unwrap();
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE event = 'csrf_rejected'").await, 1);
    // A flood is answered in full but recorded only up to the client's quota.
    for _ in 0..20 {
        assert_eq!(app.client.post(app.url("/api/logout")).send().await.unwrap().status(), 403);
    }
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE event = 'csrf_rejected'").await, 10);
    app.post("/api/login/otp", &json!({ "otp": "123456" }), None).await;
    let no_pending = "SELECT count(*) FROM audit_log WHERE event = 'login_otp' AND detail = 'no_pending_session'";
    assert_eq!(app.count(no_pending).await, 1);
    for _ in 0..5 {
        app.login("nosuchid", "wrong999").await;
    }
    // One record per window, however long the flood.
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE event = 'rate_limited'").await, 1);
}

/// Runs the server binary with `args` on a fresh data directory; (exit success, stderr,
/// whether the data directory exists afterwards).
fn run_binary(args: &[&str]) -> (bool, String, bool) {
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("data");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_netbank-server"))
        .args(["--data-dir", data.to_str().unwrap()])
        .args(args)
        .env_remove("NETBANK_MODE")
        .env_remove("NETBANK_DEMO")
        .output()
        .unwrap();
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned(), data.exists())
}

#[test]
fn production_mode_refuses_the_demo_customers_and_writes_nothing() {
    let key = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";
    for args in [
        vec!["serve", "--mode", "production", "--demo", "--otp-key", key, "--addr", "127.0.0.1:0"],
        vec!["serve", "--demo", "--otp-key", key, "--addr", "127.0.0.1:0"],
        vec!["--demo", "--otp-key", key, "--addr", "127.0.0.1:0"],
        vec!["seed-demo"],
        vec!["seed-demo", "--mode", "production"],
    ] {
        let (success, stderr, written) = run_binary(&args);
        assert!(!success, "{args:?} must fail");
        assert!(stderr.contains("development"), "{args:?}: {stderr}");
        assert!(!written, "{args:?} created the data directory");
    }
    let (success, stderr, written) = run_binary(&["seed-demo", "--mode", "development"]);
    assert!(success && written, "development seeds: {stderr}");
}
