use netbank_api::ErrorReason;
use serde_json::{json, Value};

use crate::helpers::{error_reason, session_cookie, spawn_app};

#[tokio::test]
async fn changing_the_password_rotates_the_session_and_retires_the_old_password() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let other_device = app.logged_in("taro01", "taro2025").await;
    let session = app.logged_in("taro01", "taro2025").await;
    let body = json!({ "current_password": "taro2025", "new_password": "newpass77" });
    let response = app.post("/api/password", &body, Some(&session)).await;
    assert_eq!(response.status(), 200);
    let rotated = session_cookie(&response).unwrap();
    assert_ne!(rotated, session);
    assert_eq!(app.get_with_session("/api/me", &rotated).await.status(), 200);
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 401);
    assert_eq!(app.get_with_session("/api/me", &other_device).await.status(), 401);
    assert_eq!(app.login("taro01", "taro2025").await.status(), 401);
    assert_eq!(app.login("taro01", "newpass77").await.status(), 200);
}

#[tokio::test]
async fn a_wrong_current_password_or_an_unchanged_one_is_refused() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let session = app.logged_in("taro01", "taro2025").await;
    let wrong = json!({ "current_password": "nottaro1", "new_password": "newpass77" });
    let response = app.post("/api/password", &wrong, Some(&session)).await;
    assert_eq!(error_reason(response).await, ErrorReason::WrongCurrentPassword);
    let same = json!({ "current_password": "taro2025", "new_password": "taro2025" });
    let response = app.post("/api/password", &same, Some(&session)).await;
    assert_eq!(error_reason(response).await, ErrorReason::PasswordUnchanged);
    let weak = json!({ "current_password": "taro2025", "new_password": "abc" });
    assert_eq!(app.post("/api/password", &weak, Some(&session)).await.status(), 422);
    assert_eq!(app.login("taro01", "taro2025").await.status(), 200);
}

/// Attack 5: weak passwords (NIST SP 800-63B). The login ID itself, common and breached
/// passwords and short ones are refused by field; a long passphrase with spaces and symbols
/// is welcome; a password chosen under the old rule still logs in.
#[tokio::test]
async fn weak_passwords_are_refused_and_passphrases_welcome() {
    let app = spawn_app().await;
    let newcomer = app.open_customer("山田 花子", "7654321").await;
    for (password, why) in
        [("abc123x", "the login ID (and short)"), ("abc123xy9", "contains the login ID"), ("password1", "common")]
    {
        let refused = app.register(&newcomer, "abc123x", password).await;
        assert_eq!(refused.status(), 422, "{why}");
        assert_eq!(refused.json::<Value>().await.unwrap()["field"], "password", "{why}");
    }
    assert_eq!(app.count("SELECT failed_attempts FROM temporary_passwords").await, 0, "a bad choice spends no attempt");
    assert_eq!(app.register(&newcomer, "abc123x", "Kumo no ue 4821!").await.status(), 201);

    let session = app.logged_in("abc123x", "Kumo no ue 4821!").await;
    for (weak, why) in
        [("password1", "common"), ("qwerty123", "common"), ("a1a1a1", "short"), ("ABC123Xyz9", "the login ID")]
    {
        let body = json!({ "current_password": "Kumo no ue 4821!", "new_password": weak });
        let refused = app.post("/api/password", &body, Some(&session)).await;
        assert_eq!(refused.status(), 422, "{weak}: {why}");
        assert_eq!(refused.json::<Value>().await.unwrap()["field"], "new_password", "{weak}");
    }
    let passphrase = json!({ "current_password": "Kumo no ue 4821!", "new_password": "the 20 char phrase!!" });
    assert_eq!(app.post("/api/password", &passphrase, Some(&session)).await.status(), 200);
    assert_eq!(app.login("abc123x", "the 20 char phrase!!").await.status(), 200);
}
