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
