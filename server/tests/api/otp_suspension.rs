use netbank_api::input::LoginId;
use netbank_api::ErrorReason;
use netbank_server::operator::otp as operator;
use serde_json::Value;

use crate::helpers::{error_reason, spawn_app};

#[tokio::test]
async fn five_wrong_codes_in_a_row_stop_the_otp_until_the_operator_lifts_it() {
    let app = spawn_app().await;
    let (full, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    let pending = app.password_step("taro01", "kumo4821").await;
    let wrong = token.wrong_code(app.clock().now());
    for attempt in 1..=4 {
        let response = app.submit_otp("/api/login/otp", &pending, &wrong).await;
        assert_eq!(error_reason(response).await, ErrorReason::InvalidOtp, "attempt {attempt}");
    }
    let fifth = app.submit_otp("/api/login/otp", &pending, &wrong).await;
    assert_eq!(fifth.status(), 403);
    let body: netbank_api::ErrorBody = fifth.json().await.unwrap();
    assert_eq!(body.reason, ErrorReason::OtpSuspended);
    assert!(body.message.contains("ワンタイムパスワード停止解除・初期化依頼書"));
    assert_eq!(app.count("SELECT count(*) FROM sessions WHERE stage = 'otp_pending'").await, 0);

    // 停止中: even the right password and the right code do not log in, and the session
    // that was open (the customer's or a thief's) ended with the stop, so no OTP function
    // can be reached at all.
    let login = app.login("taro01", "kumo4821").await;
    assert_eq!(error_reason(login).await, ErrorReason::OtpSuspended);
    assert_eq!(app.count("SELECT state = 'suspended' FROM otp_tokens").await, 1);
    let code = token.code_at(app.clock().now());
    for path in ["/api/otp/deactivate", "/api/otp/activate"] {
        assert_eq!(
            error_reason(app.submit_otp(path, &full, &code).await).await,
            ErrorReason::Unauthenticated,
            "{path}"
        );
    }
    let issue = app.issue_software(&full, "taro@docomo.ne.jp", "1234").await;
    assert_eq!(error_reason(issue).await, ErrorReason::Unauthenticated);

    // The operator's 停止解除 (after the paper form) puts the token back in use.
    let login_id = LoginId::parse("taro01").unwrap();
    let after =
        operator::lift_suspension(&app.state.db, app.clock(), &login_id, &netbank_server::audit::Actor::operator_cli())
            .await
            .unwrap();
    assert_eq!(after, netbank_api::identity::OtpState::Active);
    assert_eq!(app.count("SELECT failed_otp FROM otp_tokens").await, 0);
    let pending = app.password_step("taro01", "kumo4821").await;
    assert_eq!(app.submit_otp("/api/login/otp", &pending, &code).await.status(), 200);
    assert!(
        operator::lift_suspension(&app.state.db, app.clock(), &login_id, &netbank_server::audit::Actor::operator_cli())
            .await
            .is_err(),
        "not stopped now"
    );
    let events = app.count("SELECT count(*) FROM audit_log WHERE event = 'otp_lift_suspension'").await;
    assert_eq!(events, 1);
}

#[tokio::test]
async fn a_right_code_resets_the_count_of_wrong_ones() {
    let app = spawn_app().await;
    let (_, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    for round in 0..2 {
        let pending = app.password_step("taro01", "kumo4821").await;
        for _ in 0..4 {
            let response = app.submit_otp("/api/login/otp", &pending, &token.wrong_code(app.clock().now())).await;
            assert_eq!(error_reason(response).await, ErrorReason::InvalidOtp, "round {round}");
        }
        let right = app.submit_otp("/api/login/otp", &pending, &token.code_at(app.clock().now())).await;
        assert_eq!(right.status(), 200, "round {round}");
        app.clock().advance(30);
    }
    assert_eq!(app.count("SELECT failed_otp FROM otp_tokens").await, 0);
}

#[tokio::test]
async fn parallel_wrong_codes_stop_the_token_at_exactly_the_threshold() {
    let app = spawn_app().await;
    let (full, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    let wrong = token.wrong_code(app.clock().now());
    let responses =
        crate::helpers::join_all((0..20).map(|_| app.submit_otp("/api/otp/deactivate", &full, &wrong)).collect()).await;
    let mut reasons = Vec::new();
    for response in responses {
        reasons.push(error_reason(response).await);
    }
    assert_eq!(reasons.iter().filter(|r| **r == ErrorReason::InvalidOtp).count(), 4, "{reasons:?}");
    // The stopping code ends the session, so requests arriving after it find none.
    let allowed = [ErrorReason::InvalidOtp, ErrorReason::OtpSuspended, ErrorReason::Unauthenticated];
    assert!(reasons.iter().all(|r| allowed.contains(r)), "{reasons:?}");
    assert_eq!(app.count("SELECT failed_otp FROM otp_tokens").await, 5);
    assert_eq!(app.count("SELECT state = 'suspended' FROM otp_tokens").await, 1);
}

#[tokio::test]
async fn wrong_codes_during_activation_stop_it_too_and_lifting_returns_to_set_up() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    let token = app.provisioned_token(&session).await;
    for _ in 0..5 {
        app.submit_otp("/api/otp/activate", &session, &token.wrong_code(app.clock().now())).await;
    }
    assert_eq!(app.count("SELECT state = 'suspended' FROM otp_tokens").await, 1);
    // The guide: a stopped customer cannot log in, whatever the token was doing.
    assert_eq!(app.login("taro01", "kumo4821").await.status(), 403);
    let login_id = LoginId::parse("taro01").unwrap();
    let after =
        operator::lift_suspension(&app.state.db, app.clock(), &login_id, &netbank_server::audit::Actor::operator_cli())
            .await
            .unwrap();
    assert_eq!(after, netbank_api::identity::OtpState::Provisioned);
}

#[tokio::test]
async fn deactivation_with_a_code_destroys_the_token_and_login_needs_no_code_again() {
    let app = spawn_app().await;
    let (full, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    let wrong = app.submit_otp("/api/otp/deactivate", &full, &token.wrong_code(app.clock().now())).await;
    assert_eq!(error_reason(wrong).await, ErrorReason::InvalidOtp);
    let response = app.submit_otp("/api/otp/deactivate", &full, &token.code_at(app.clock().now())).await;
    assert_eq!(response.status(), 200);
    let full = crate::helpers::session_cookie(&response).expect("利用解除 re-issues the session");
    let status: Value = response.json().await.unwrap();
    assert_eq!(status["state"], "not_issued");
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens").await, 0, "the secret is gone with the row");
    let login: Value = app.login("taro01", "kumo4821").await.json().await.unwrap();
    assert_eq!(login["status"], "complete");
    // 利用解除 again: nothing to release.
    let again = app.submit_otp("/api/otp/deactivate", &full, &token.code_at(app.clock().now() + 30)).await;
    assert_eq!(error_reason(again).await, ErrorReason::OtpStateConflict);
}

#[tokio::test]
async fn operator_initialisation_returns_any_state_to_not_issued() {
    let app = spawn_app().await;
    let login_id = LoginId::parse("taro01").unwrap();
    let (full, _) = app.customer_with_active_token("taro01", "kumo4821").await;
    let pending = app.password_step("taro01", "kumo4821").await;
    operator::initialise(&app.state.db, app.clock(), &login_id, &netbank_server::audit::Actor::operator_cli())
        .await
        .unwrap();
    assert_eq!(app.get_with_session("/api/me", &full).await.status(), 401, "every session ends");
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
    let full = app.logged_in("taro01", "kumo4821").await;
    assert_eq!(app.otp_status(&full).await["state"], "not_issued");
    let refused = app.submit_otp("/api/login/otp", &pending, "123456").await;
    assert_eq!(error_reason(refused).await, ErrorReason::Unauthenticated);
    let shown = operator::show(&app.state.db, app.clock(), &login_id).await.unwrap();
    assert!(shown.contains("トークン未発行"), "{shown}");
    // From 発行済 as well; and on a customer without a token it is harmless.
    app.issue_software(&full, "taro@docomo.ne.jp", "1234").await;
    operator::initialise(&app.state.db, app.clock(), &login_id, &netbank_server::audit::Actor::operator_cli())
        .await
        .unwrap();
    operator::initialise(&app.state.db, app.clock(), &login_id, &netbank_server::audit::Actor::operator_cli())
        .await
        .unwrap();
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE event = 'otp_initialise'").await, 3);
}

#[tokio::test]
async fn every_step_of_the_life_cycle_is_in_the_audit_log() {
    let app = spawn_app().await;
    let (full, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    let pending = app.password_step("taro01", "kumo4821").await;
    let login = app.submit_otp("/api/login/otp", &pending, &token.code_at(app.clock().now())).await;
    assert_eq!(login.status(), 200);
    let _ = full;
    let full = crate::helpers::session_cookie(&login).unwrap();
    app.clock().advance(30);
    app.submit_otp("/api/otp/deactivate", &full, &token.code_at(app.clock().now())).await;
    let events: Vec<String> =
        sqlx::query_scalar("SELECT event || ':' || result FROM audit_log WHERE event LIKE 'otp%' OR event LIKE 'token%' OR detail = 'password+otp' ORDER BY id")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    assert_eq!(
        events,
        [
            "otp_issue:success",
            "token_provision:success",
            "otp_activate:success",
            "login:success",
            "otp_deactivate:success"
        ]
    );
}
