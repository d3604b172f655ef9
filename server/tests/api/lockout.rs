//! Locks without oracles: once a login is locked its answer no
//! longer depends on the password, unknown IDs lock alike, and a lock from someone else's
//! guesses locks the password, not the customer: open sessions go on and the passkey, an
//! authenticator of its own, still logs in. Password steps waiting for a code push no
//! session out.

use netbank_api::ErrorReason;
use serde_json::json;

use crate::helpers::{error_reason, spawn_app};
use crate::otp_helpers::LOGIN_PASSWORD;

#[tokio::test]
async fn a_locked_login_answers_the_same_whatever_the_password() {
    let app = spawn_app().await;
    app.registered_customer("taro01", LOGIN_PASSWORD).await;
    for _ in 0..5 {
        assert_eq!(error_reason(app.login("taro01", "wrong999").await).await, ErrorReason::InvalidCredentials);
    }
    assert_eq!(error_reason(app.login("taro01", "wrong999").await).await, ErrorReason::LoginLocked, "the sixth locks");
    // Guessing on tells nothing: the right password answers as the wrong ones do.
    for password in ["wrong111", LOGIN_PASSWORD, "wrong222"] {
        let response = app.login("taro01", password).await;
        assert_eq!(response.status(), 403);
        assert_eq!(error_reason(response).await, ErrorReason::LoginLocked);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'login' AND detail LIKE 'locked%'").await,
        3,
        "each audited"
    );
    // An ID nobody has locks after as many guesses, so "locked" does not say an ID exists.
    for _ in 0..5 {
        assert_eq!(error_reason(app.login("nobody01", "wrong999").await).await, ErrorReason::InvalidCredentials);
    }
    assert_eq!(error_reason(app.login("nobody01", "wrong999").await).await, ErrorReason::LoginLocked);
}

#[tokio::test]
async fn someone_elses_guesses_end_no_session_and_the_passkey_still_logs_in() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let mut phone = app.authenticator();
    let proof = app.otp_proof(taro.token.as_ref().unwrap());
    assert_eq!(app.register_passkey_with(&taro.session, &mut phone, "iPhone", proof).await.status(), 201);
    let session = app.logged_in_with_passkey(&mut phone).await;
    for _ in 0..6 {
        app.login("taro01", "wrong999").await;
    }
    assert_eq!(error_reason(app.login("taro01", LOGIN_PASSWORD).await).await, ErrorReason::LoginLocked);
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 200, "the customer's session goes on");
    let again = app.logged_in_with_passkey(&mut phone).await;
    assert_eq!(
        app.get_with_session("/api/me", &again).await.status(),
        200,
        "the passkey logs in through a password lock"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'login' AND detail LIKE '%password_locked'").await,
        1
    );
}

#[tokio::test]
async fn password_steps_waiting_for_their_code_push_no_session_out() {
    let app = spawn_app().await;
    let (session, _token) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    for _ in 0..12 {
        app.password_step("taro01", LOGIN_PASSWORD).await;
    }
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 200);
    assert_eq!(app.post("/api/logout", &json!({}), Some(&session)).await.status(), 204);
}
