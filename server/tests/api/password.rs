use netbank_api::ErrorReason;
use serde_json::json;

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
