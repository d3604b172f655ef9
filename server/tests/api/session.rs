use netbank_api::identity::{MeResponse, OtpState};
use netbank_api::ErrorReason;
use serde_json::json;

use crate::helpers::{error_reason, session_cookie, spawn_app};
use crate::otp_helpers::LOGIN_PASSWORD;

#[tokio::test]
async fn me_shows_the_customer_their_accounts_and_otp_state() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let session = app.logged_in("taro01", "taro2025").await;
    let me: MeResponse = app.get_with_session("/api/me", &session).await.json().await.unwrap();
    assert_eq!(me.login_id, "taro01");
    assert_eq!(me.name, "テスト 顧客");
    assert_eq!(me.accounts.len(), 1);
    assert_eq!(me.accounts[0].balance, 50_000);
    assert_eq!(me.otp_state, OtpState::NotIssued);
}

/// `/api/me` reads the token with the profile: the state the customer has now, not the one
/// stored (an issuance not taken into use in time is none; a stopped token says so).
#[tokio::test]
async fn me_shows_the_token_as_it_stands_now() {
    let app = spawn_app().await;
    app.registered_customer("taro01", LOGIN_PASSWORD).await;
    let session = app.logged_in("taro01", LOGIN_PASSWORD).await;
    assert_eq!(me(&app, &session).await.otp_state, OtpState::NotIssued);
    assert_eq!(app.issue_software(&session, "taro@example.jp", "12345").await.status(), 200);
    assert_eq!(me(&app, &session).await.otp_state, OtpState::Issued);
    sqlx::query("UPDATE otp_tokens SET pending_until = $1")
        .bind(app.clock().now())
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(me(&app, &session).await.otp_state, OtpState::NotIssued, "its time to be taken into use has passed");

    let (session, _) = app.customer_with_active_token("hana01", LOGIN_PASSWORD).await;
    let me_now = me(&app, &session).await;
    assert_eq!((me_now.otp_state, me_now.login_id.as_str(), me_now.accounts.len()), (OtpState::Active, "hana01", 1));
    app.stop_token_leaving_sessions("hana01").await;
    assert_eq!(me(&app, &session).await.otp_state, OtpState::Suspended);
}

async fn me(app: &crate::helpers::TestApp, session: &str) -> MeResponse {
    let response = app.get_with_session("/api/me", session).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn without_a_session_me_is_refused() {
    let app = spawn_app().await;
    let response = app.get("/api/me").await;
    assert_eq!(response.status(), 401);
    assert_eq!(error_reason(response).await, ErrorReason::Unauthenticated);
    let forged = app.get_with_session("/api/me", "forged-session-id").await;
    assert_eq!(error_reason(forged).await, ErrorReason::Unauthenticated);
}

#[tokio::test]
async fn logging_in_again_gives_a_new_session_id_and_ends_the_old_one() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let first = app.logged_in("taro01", "taro2025").await;
    let response = app.post("/api/login", &json!({ "login_id": "taro01", "password": "taro2025" }), Some(&first)).await;
    let second = session_cookie(&response).unwrap();
    assert_ne!(first, second);
    assert_eq!(app.get_with_session("/api/me", &first).await.status(), 401);
    assert_eq!(app.get_with_session("/api/me", &second).await.status(), 200);
}

#[tokio::test]
async fn ten_idle_minutes_end_the_session() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let session = app.logged_in("taro01", "taro2025").await;
    app.clock().advance(9 * 60);
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 200);
    app.clock().advance(10 * 60 + 1);
    let response = app.get_with_session("/api/me", &session).await;
    assert_eq!(response.status(), 401);
    assert_eq!(error_reason(response).await, ErrorReason::SessionExpired);
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn sixty_minutes_end_the_session_however_busy() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let session = app.logged_in("taro01", "taro2025").await;
    for _ in 0..11 {
        app.clock().advance(5 * 60);
        assert_eq!(app.get_with_session("/api/me", &session).await.status(), 200);
    }
    app.clock().advance(5 * 60);
    let response = app.get_with_session("/api/me", &session).await;
    assert_eq!(error_reason(response).await, ErrorReason::SessionExpired);
}

#[tokio::test]
async fn logout_deletes_the_session_on_the_server() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let session = app.logged_in("taro01", "taro2025").await;
    let response = app.post("/api/logout", &json!({}), Some(&session)).await;
    assert_eq!(response.status(), 204);
    assert!(response.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 401);
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn the_idle_timer_moves_at_most_every_few_seconds() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let session = app.logged_in("taro01", "taro2025").await;
    let seen = || app.count("SELECT last_seen_at FROM sessions");
    let logged_in_at = seen().await;
    app.clock().advance(4);
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 200);
    assert_eq!(seen().await, logged_in_at, "a read within 5 s writes nothing");
    app.clock().advance(1);
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 200);
    assert_eq!(seen().await, logged_in_at + 5);
}

/// What the page's warning counts from: the session's limits as `/api/me` reports
/// them. Asking again and again, as 「延長する」 does, moves the idle end only: however often a
/// thief with the cookie (or a page left open) asks, the absolute end comes on time.
#[tokio::test]
async fn me_reports_the_limits_and_asking_again_never_passes_the_absolute_end() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let session = app.logged_in("taro01", "taro2025").await;
    let policy = netbank_server::config::Policy::default();
    let clock_of = || async {
        let me: MeResponse = app.get_with_session("/api/me", &session).await.json().await.unwrap();
        me.session
    };
    let first = clock_of().await;
    // A request keeps the session for at least this long: the idle timer moves in steps.
    assert!(first.idle_seconds > 0 && i64::from(first.idle_seconds) < policy.session_idle_seconds, "{first:?}");
    assert_eq!(i64::from(first.remaining_seconds), policy.session_absolute_seconds);
    let step = i64::from(first.idle_seconds) - 5;
    let mut elapsed = 0;
    while elapsed + step < policy.session_absolute_seconds {
        app.clock().advance(step);
        elapsed += step;
        let now = clock_of().await;
        assert_eq!(i64::from(now.remaining_seconds), policy.session_absolute_seconds - elapsed, "never extended");
    }
    app.clock().advance(policy.session_absolute_seconds - elapsed);
    let response = app.get_with_session("/api/me", &session).await;
    assert_eq!(error_reason(response).await, ErrorReason::SessionExpired);
}
