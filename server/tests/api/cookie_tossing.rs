//! One session cookie, one meaning: a cookie of the session's name
//! planted by another origin under a narrower path, sent first beside the real one, neither
//! locks the customer out for years nor keeps a session alive past its logout.

use netbank_api::ErrorReason;
use netbank_server::config::Policy;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, test_policy, TestApp};
use crate::otp_helpers::LOGIN_PASSWORD;

impl TestApp {
    async fn post_with_cookies(&self, path: &str, cookies: &str) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(netbank_api::CSRF_HEADER, "1")
            .header("cookie", cookies)
            .json(&json!({}))
            .send()
            .await
            .unwrap()
    }

    async fn get_with_cookies(&self, path: &str, cookies: &str) -> reqwest::Response {
        self.client.get(self.url(path)).header("cookie", cookies).send().await.unwrap()
    }
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_planted_second_session_cookie_is_refused_and_cleared_at_every_path() {
    let app = spawn_app().await;
    let (session, _token) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    // Planted under Path=/api/me, so the browser sends it first.
    let both = format!("nb_session=planted; nb_session={session}");
    let refused = app.get_with_cookies("/api/me", &both).await;
    assert_eq!(refused.status(), 400);
    let cleared = set_cookies(&refused);
    for path in ["/", "/api", "/api/me"] {
        assert!(
            cleared.iter().any(|c| c.starts_with("nb_session=;") && c.contains(&format!("Path={path};"))),
            "{path}: {cleared:?}"
        );
    }
    let body: netbank_api::ErrorBody = refused.json().await.unwrap();
    assert_eq!(body.reason, ErrorReason::DuplicateSessionCookie);
    // Alone, the real cookie still works: nothing was ended by the refusal.
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 200);
}

#[tokio::test]
async fn a_planted_cookie_does_not_make_the_one_time_password_step_fail() {
    let app = spawn_app().await;
    let (_, token) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    let pending = app.password_step("taro01", LOGIN_PASSWORD).await;
    app.clock().advance(30);
    let code = token.code_at(app.clock().now());
    let both = format!("nb_session=planted; nb_session={pending}");
    let request =
        app.client.post(app.url("/api/login/otp")).header(netbank_api::CSRF_HEADER, "1").header("cookie", both);
    let refused = request.json(&json!({ "otp": code })).send().await.unwrap();
    // Not `invalid_otp` or `unauthenticated` for years: the browser is told to clear, and the
    // code was not spent.
    assert_eq!(refused.status(), 400);
    assert_eq!(app.submit_otp("/api/login/otp", &pending, &code).await.status(), 200);
}

#[tokio::test]
async fn logout_ends_the_real_session_whatever_else_the_browser_sent() {
    let app = spawn_app().await;
    let (session, _token) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    let both = format!("nb_session=planted; nb_session={session}");
    let out = app.post_with_cookies("/api/logout", &both).await;
    assert_eq!(out.status(), 204);
    assert!(set_cookies(&out).iter().any(|c| c.contains("Path=/api/logout;") && c.contains("Max-Age=0")));
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 401, "the real session ended");
}

#[tokio::test]
async fn over_tls_the_cookie_is_host_prefixed_and_a_plain_one_is_ignored() {
    let app = spawn_app_with(None, Policy { tls: true, ..test_policy() }).await;
    app.registered_customer("taro01", LOGIN_PASSWORD).await;
    let login = app.login("taro01", LOGIN_PASSWORD).await;
    let cookie =
        set_cookies(&login).into_iter().find(|c| c.starts_with("__Host-nb_session=")).expect("a __Host- cookie");
    assert!(cookie.contains("Path=/;") && cookie.contains("Secure") && !cookie.contains("Domain"), "{cookie}");
    let session = crate::helpers::session_cookie(&login).unwrap();
    // Another origin can plant only an unprefixed cookie: it is not the session's.
    let planted = format!("nb_session=planted; __Host-nb_session={session}");
    assert_eq!(app.get_with_cookies("/api/me", &planted).await.status(), 200);
    assert_eq!(app.get_with_cookies("/api/me", "nb_session=planted").await.status(), 401);
}
