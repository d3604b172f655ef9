use netbank_api::otp::ProvisionedToken;
use netbank_api::ErrorReason;
use serde_json::Value;

use crate::helpers::{error_reason, spawn_app, TestApp};
use crate::otp_helpers::ACTIVATION_PASSWORD;

async fn issued(app: &TestApp) -> (String, String) {
    app.registered_customer("taro01", "pass1234").await;
    let session = app.logged_in("taro01", "pass1234").await;
    let issued: Value = app.issue_software(&session, "taro@docomo.ne.jp", ACTIVATION_PASSWORD).await.json().await.unwrap();
    (session, issued["user_id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_token_app_is_set_up_once_with_the_totp_parameters_and_a_160_bit_secret() {
    let app = spawn_app().await;
    let (session, user_id) = issued(&app).await;
    let response = app.provision("1001 0001", &user_id, "４３２１").await;
    assert_eq!(response.status(), 200);
    let token: ProvisionedToken = response.json().await.unwrap();
    assert_eq!(token.user_id, user_id);
    assert_eq!((token.digits, token.period), (6, 30));
    assert_eq!(token.server_time, app.clock().now());
    assert_eq!(netbank_api::totp::decode_secret(&token.secret).unwrap().len(), 20);
    assert_eq!(token.issuer, netbank_api::INSTITUTION_NAME);
    assert_eq!(app.otp_status(&session).await["state"], "provisioned");

    let again = app.provision("10010001", &user_id, ACTIVATION_PASSWORD).await;
    assert_eq!(again.status(), 409);
    assert_eq!(error_reason(again).await, ErrorReason::AlreadyProvisioned);
    let wrong_after = app.provision("10010001", &user_id, "9999").await;
    assert_eq!(error_reason(wrong_after).await, ErrorReason::ProvisioningMismatch);
}

#[tokio::test]
async fn wrong_ids_are_one_answer_and_five_wrong_passwords_void_the_issuance() {
    let app = spawn_app().await;
    let (session, user_id) = issued(&app).await;
    let other_user = if user_id.ends_with('0') { format!("{}1", &user_id[..10]) } else { format!("{}0", &user_id[..10]) };
    for (service, user) in [("10010002", user_id.as_str()), ("10010001", other_user.as_str())] {
        let response = app.provision(service, user, ACTIVATION_PASSWORD).await;
        assert_eq!(response.status(), 401);
        assert_eq!(error_reason(response).await, ErrorReason::ProvisioningMismatch);
    }
    for attempt in 1..=4 {
        let response = app.provision("10010001", &user_id, "0000").await;
        assert_eq!(error_reason(response).await, ErrorReason::ProvisioningMismatch, "attempt {attempt}");
    }
    let fifth = app.provision("10010001", &user_id, "0000").await;
    assert_eq!(fifth.status(), 403);
    assert_eq!(error_reason(fifth).await, ErrorReason::IssuanceUnusable);
    let right = app.provision("10010001", &user_id, ACTIVATION_PASSWORD).await;
    assert_eq!(error_reason(right).await, ErrorReason::IssuanceUnusable);
    assert_eq!(app.otp_status(&session).await["state"], "not_issued");
    // Issuing again starts afresh.
    let token = app.provisioned_token(&session).await;
    assert_ne!(token.user_id, user_id);
}

#[tokio::test]
async fn an_issuance_not_set_up_within_seven_days_lapses() {
    let app = spawn_app().await;
    let (session, user_id) = issued(&app).await;
    app.clock().advance(7 * 86_400);
    let response = app.provision("10010001", &user_id, ACTIVATION_PASSWORD).await;
    assert_eq!(error_reason(response).await, ErrorReason::IssuanceUnusable);
    let _ = session; // long expired; a new login sees the lapsed issuance as none
    let session = app.logged_in("taro01", "pass1234").await;
    assert_eq!(app.otp_status(&session).await["state"], "not_issued");
}

#[tokio::test]
async fn malformed_setup_values_are_refused_by_field() {
    let app = spawn_app().await;
    for (service, user, password, field) in [
        ("1001000", "12345678901", "1234", "service_id"),
        ("10010001", "1234567890", "1234", "user_id"),
        ("10010001", "12345678901", "12", "activation_password"),
        ("10010001", "1234567890１", "1234", "user_id"),
    ] {
        let response = app.provision(service, user, password).await;
        if field == "user_id" && user.ends_with('１') {
            // Full-width digits are normalised: this one is well-formed and merely unknown.
            assert_eq!(error_reason(response).await, ErrorReason::ProvisioningMismatch);
            continue;
        }
        assert_eq!(response.status(), 422);
        let body: netbank_api::ErrorBody = response.json().await.unwrap();
        assert_eq!(body.field.as_deref(), Some(field));
    }
}
