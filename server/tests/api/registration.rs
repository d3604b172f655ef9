use netbank_api::ErrorReason;
use serde_json::json;

use crate::helpers::{error_reason, spawn_app};

#[tokio::test]
async fn a_newcomer_verifies_registers_and_then_logs_in() {
    let app = spawn_app().await;
    let newcomer = app.open_customer("山田 花子", "1234567").await;
    let proof = json!({
        "branch_code": "001", "account_number": "1234567",
        "temporary_password": newcomer.temporary_password,
    });
    let verified = app.post("/api/registration/verify", &proof, None).await;
    assert_eq!(verified.status(), 200);

    assert_eq!(app.register(&newcomer, "hanako01", "hana2025").await.status(), 201);
    assert_eq!(app.login("hanako01", "hana2025").await.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE event = 'registration' AND result = 'success'").await,
        1
    );
}

#[tokio::test]
async fn full_width_account_digits_are_accepted_as_typed_on_a_phone() {
    let app = spawn_app().await;
    let newcomer = app.open_customer("山田 花子", "1234567").await;
    let proof = json!({
        "branch_code": "００１", "account_number": "１２３ ４５６７",
        "temporary_password": newcomer.temporary_password,
    });
    assert_eq!(app.post("/api/registration/verify", &proof, None).await.status(), 200);
}

#[tokio::test]
async fn the_temporary_password_works_once() {
    let app = spawn_app().await;
    let newcomer = app.open_customer("山田 花子", "1234567").await;
    assert_eq!(app.register(&newcomer, "hanako01", "hana2025").await.status(), 201);
    let again = app.register(&newcomer, "hanako02", "hana2026").await;
    assert_eq!(again.status(), 409);
    assert_eq!(error_reason(again).await, ErrorReason::AlreadyRegistered);
    assert_eq!(app.count("SELECT count(*) FROM credentials").await, 1);
}

#[tokio::test]
async fn a_wrong_temporary_password_is_refused_without_saying_which_field_was_wrong() {
    let app = spawn_app().await;
    let mut newcomer = app.open_customer("山田 花子", "1234567").await;
    newcomer.temporary_password = "wrong123".into();
    let response = app.register(&newcomer, "hanako01", "hana2025").await;
    assert_eq!(response.status(), 401);
    assert_eq!(error_reason(response).await, ErrorReason::RegistrationMismatch);

    newcomer.account = "7777777".into();
    let unknown = app.register(&newcomer, "hanako01", "hana2025").await;
    assert_eq!(error_reason(unknown).await, ErrorReason::RegistrationMismatch);
    assert_eq!(app.count("SELECT count(*) FROM credentials").await, 0);
}

#[tokio::test]
async fn five_wrong_temporary_passwords_void_it() {
    let app = spawn_app().await;
    let newcomer = app.open_customer("山田 花子", "1234567").await;
    let wrong = json!({ "branch_code": "001", "account_number": "1234567", "temporary_password": "wrong123" });
    for _ in 0..5 {
        assert_eq!(app.post("/api/registration/verify", &wrong, None).await.status(), 401);
    }
    let response = app.register(&newcomer, "hanako01", "hana2025").await;
    assert_eq!(response.status(), 403);
    assert_eq!(error_reason(response).await, ErrorReason::TemporaryPasswordUnusable);
}

#[tokio::test]
async fn an_expired_temporary_password_is_refused() {
    let app = spawn_app().await;
    let newcomer = app.open_customer("山田 花子", "1234567").await;
    app.clock().advance(31 * 86_400);
    let response = app.register(&newcomer, "hanako01", "hana2025").await;
    assert_eq!(error_reason(response).await, ErrorReason::TemporaryPasswordUnusable);
}

#[tokio::test]
async fn a_taken_login_id_is_refused_regardless_of_case_and_the_temporary_password_survives() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let newcomer = app.open_customer("山田 花子", "1234567").await;
    let response = app.register(&newcomer, "TARO01", "hana2025").await;
    assert_eq!(response.status(), 409);
    assert_eq!(error_reason(response).await, ErrorReason::LoginIdTaken);
    assert_eq!(app.register(&newcomer, "hanako01", "hana2025").await.status(), 201);
}

/// Attack 11: one 仮パスワード must not list which login IDs exist. A taken ID is told only
/// after the 仮パスワード is verified, and each counts against it like a wrong guess.
#[tokio::test]
async fn asking_after_taken_login_ids_spends_the_temporary_password() {
    let app = spawn_app().await;
    for taken in ["taro01", "jiro01", "saburo01", "shiro01", "goro01"] {
        app.registered_customer(taken, "taro2025").await;
    }
    let newcomer = app.open_customer("山田 花子", "1234567").await;
    let stranger = crate::helpers::Newcomer { temporary_password: "zzzz9999".into(), ..newcomer.clone() };
    assert_eq!(
        error_reason(app.register(&stranger, "taro01", "hana2025").await).await,
        ErrorReason::RegistrationMismatch,
        "not told without the 仮パスワード"
    );
    for taken in ["taro01", "jiro01", "saburo01", "shiro01"] {
        assert_eq!(error_reason(app.register(&newcomer, taken, "hana2025").await).await, ErrorReason::LoginIdTaken);
    }
    // Five counted (the wrong guess and four taken IDs): the 仮パスワード is void.
    assert_eq!(
        error_reason(app.register(&newcomer, "goro01", "hana2025").await).await,
        ErrorReason::TemporaryPasswordUnusable
    );
    assert_eq!(
        error_reason(app.register(&newcomer, "hanako01", "hana2025").await).await,
        ErrorReason::TemporaryPasswordUnusable
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE detail = 'login_id_taken'").await, 4);
}

#[tokio::test]
async fn a_weak_or_full_width_choice_is_refused_by_field_and_changes_nothing() {
    let app = spawn_app().await;
    let newcomer = app.open_customer("山田 花子", "1234567").await;
    for (login_id, password, field) in [
        ("ｈａｎａｋｏ", "hana2025", "login_id"),
        ("hanako01", "hanako", "password"),
        ("hanako01", "12345678", "password"),
        ("toolongloginid", "hana2025", "login_id"),
    ] {
        let response = app.register(&newcomer, login_id, password).await;
        assert_eq!(response.status(), 422, "{login_id} {password}");
        let body: netbank_api::ErrorBody = response.json().await.unwrap();
        assert_eq!(body.field.as_deref(), Some(field));
    }
    assert_eq!(app.count("SELECT count(*) FROM credentials").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM temporary_passwords WHERE used_at IS NULL").await, 1);
}
