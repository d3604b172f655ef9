use netbank_api::ErrorReason;
use serde_json::Value;

use netbank_server::config::Policy;

use crate::helpers::{error_reason, join_all, session_cookie, spawn_app, spawn_app_with};

#[tokio::test]
async fn activation_needs_a_set_up_token_and_a_valid_code() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    let refused = app.submit_otp("/api/otp/activate", &session, "123456").await;
    assert_eq!(error_reason(refused).await, ErrorReason::OtpStateConflict, "未発行");
    app.issue_software(&session, "taro@docomo.ne.jp", "1234").await;
    let refused = app.submit_otp("/api/otp/activate", &session, "123456").await;
    assert_eq!(error_reason(refused).await, ErrorReason::OtpStateConflict, "発行済 but not set up");

    let token = app.provisioned_token(&session).await;
    let now = app.clock().now();
    let wrong = app.submit_otp("/api/otp/activate", &session, &token.wrong_code(now)).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(error_reason(wrong).await, ErrorReason::InvalidOtp);
    assert_eq!(app.otp_status(&session).await["state"], "provisioned");
    let right = app.submit_otp("/api/otp/activate", &session, &token.code_at(now)).await;
    assert_eq!(right.status(), 200);
    let reissued = session_cookie(&right);
    let status: Value = right.json().await.unwrap();
    assert_eq!(status["state"], "active");
    assert!(status.get("pending_until").is_none());
    let session = reissued.expect("利用開始 re-issues the session");
    let me: Value = app.get_with_session("/api/me", &session).await.json().await.unwrap();
    assert_eq!(me["otp_state"], "active");
}

#[tokio::test]
async fn with_a_token_in_use_login_takes_the_password_then_a_code_within_a_minute() {
    let app = spawn_app().await;
    let (_, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    let pending = app.password_step("taro01", "kumo4821").await;
    // The pending login is not a session for anything else.
    let me = app.get_with_session("/api/me", &pending).await;
    assert_eq!(error_reason(me).await, ErrorReason::Unauthenticated);

    app.clock().advance(59);
    let response = app.submit_otp("/api/login/otp", &pending, &token.code_at(app.clock().now())).await;
    assert_eq!(response.status(), 200);
    let full = session_cookie(&response).expect("a new session");
    assert_ne!(full, pending, "the session ID changes at the step up");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "complete");
    assert_eq!(app.get_with_session("/api/me", &full).await.status(), 200);
    // The pending ID is spent.
    app.clock().advance(30);
    let again = app.submit_otp("/api/login/otp", &pending, &token.code_at(app.clock().now())).await;
    assert_eq!(error_reason(again).await, ErrorReason::Unauthenticated);
}

#[tokio::test]
async fn the_password_step_expires_after_sixty_seconds() {
    let app = spawn_app().await;
    let (_, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    let pending = app.password_step("taro01", "kumo4821").await;
    app.clock().advance(61);
    let response = app.submit_otp("/api/login/otp", &pending, &token.code_at(app.clock().now())).await;
    assert_eq!(response.status(), 401);
    assert_eq!(error_reason(response).await, ErrorReason::OtpLoginExpired);
    assert_eq!(app.count("SELECT count(*) FROM sessions WHERE stage = 'otp_pending'").await, 0);
    // The code was not spent by the refused attempt.
    let pending = app.password_step("taro01", "kumo4821").await;
    let response = app.submit_otp("/api/login/otp", &pending, &token.code_at(app.clock().now())).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_code_is_accepted_once_and_never_again() {
    let app = spawn_app().await;
    let (_, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    let code = token.code_at(app.clock().now());
    let first = app.password_step("taro01", "kumo4821").await;
    assert_eq!(app.submit_otp("/api/login/otp", &first, &code).await.status(), 200);
    let second = app.password_step("taro01", "kumo4821").await;
    let replay = app.submit_otp("/api/login/otp", &second, &code).await;
    assert_eq!(replay.status(), 409);
    assert_eq!(error_reason(replay).await, ErrorReason::OtpAlreadyUsed);
    // Nor the step before it (still inside the drift window); a replay is not a wrong code.
    let previous = token.code_at(app.clock().now() - 30);
    assert_eq!(
        error_reason(app.submit_otp("/api/login/otp", &second, &previous).await).await,
        ErrorReason::OtpAlreadyUsed
    );
    assert_eq!(app.count("SELECT failed_otp FROM otp_tokens").await, 0);
    app.clock().advance(30);
    let next = app.submit_otp("/api/login/otp", &second, &token.code_at(app.clock().now())).await;
    assert_eq!(next.status(), 200);
}

#[tokio::test]
async fn one_step_of_clock_drift_is_forgiven_each_way() {
    let app = spawn_app().await;
    let (_, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    // Clear of the step activation used.
    app.clock().advance(60);
    let now = app.clock().now();
    // A phone 30 s slow, then one 30 s fast (a later step each time, so not a replay).
    let slow = app.password_step("taro01", "kumo4821").await;
    assert_eq!(app.submit_otp("/api/login/otp", &slow, &token.code_at(now - 30)).await.status(), 200);
    let fast = app.password_step("taro01", "kumo4821").await;
    assert_eq!(app.submit_otp("/api/login/otp", &fast, &token.code_at(now + 30)).await.status(), 200);
    // Two steps off is wrong.
    app.clock().advance(90);
    let far = app.password_step("taro01", "kumo4821").await;
    let response = app.submit_otp("/api/login/otp", &far, &token.code_at(app.clock().now() + 60)).await;
    assert_eq!(error_reason(response).await, ErrorReason::InvalidOtp);
}

#[tokio::test]
async fn parallel_submissions_of_one_valid_code_give_exactly_one_login() {
    // Twenty password steps at once: more than the default cap of live sessions.
    let app = spawn_app_with(
        None,
        Policy { auth_requests_per_minute: 10_000, sessions_per_customer: 50, ..crate::helpers::test_policy() },
    )
    .await;
    let (_, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    let mut pending = Vec::new();
    for _ in 0..20 {
        pending.push(app.password_step("taro01", "kumo4821").await);
    }
    let code = token.code_at(app.clock().now());
    let results = join_all(pending.iter().map(|p| app.submit_otp("/api/login/otp", p, &code)).collect()).await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    assert_eq!(app.count("SELECT count(*) FROM sessions WHERE stage = 'full'").await, 2, "activation's and one more");
    assert_eq!(app.count("SELECT failed_otp FROM otp_tokens").await, 0);
}

#[tokio::test]
async fn a_token_not_yet_in_use_asks_no_code_at_login() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    app.issue_software(&session, "taro@docomo.ne.jp", "1234").await;
    let issued: Value = app.login("taro01", "kumo4821").await.json().await.unwrap();
    assert_eq!(issued["status"], "complete", "発行済");
    app.provisioned_token(&session).await;
    let provisioned: Value = app.login("taro01", "kumo4821").await.json().await.unwrap();
    assert_eq!(provisioned["status"], "complete", "アプリ設定済");
}

#[tokio::test]
async fn refused_transitions_change_nothing() {
    let app = spawn_app().await;
    let (full, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    // 利用中: no second 利用開始.
    let again = app.submit_otp("/api/otp/activate", &full, &token.code_at(app.clock().now())).await;
    assert_eq!(error_reason(again).await, ErrorReason::OtpStateConflict);
    // アプリ設定済: no 利用解除 of a token not in use.
    app.registered_customer("hanako", "kumo4821").await;
    let other = app.logged_in("hanako", "kumo4821").await;
    let pending_token = app.provisioned_token(&other).await;
    let release = app.submit_otp("/api/otp/deactivate", &other, &pending_token.code_at(app.clock().now())).await;
    assert_eq!(error_reason(release).await, ErrorReason::OtpStateConflict);
    assert_eq!(app.otp_status(&other).await["state"], "provisioned");
    assert_eq!(app.otp_status(&full).await["state"], "active");
    // Neither refusal counted as a wrong code.
    assert_eq!(app.count("SELECT CAST(coalesce(sum(failed_otp), 0) AS BIGINT) FROM otp_tokens").await, 0);
    // A login's second step without a password step.
    let stray = app.submit_otp("/api/login/otp", &full, &token.code_at(app.clock().now())).await;
    assert_eq!(error_reason(stray).await, ErrorReason::Unauthenticated);
}
