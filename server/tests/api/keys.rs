//! Two development instances on one database, each with the OTP key it made itself: a token
//! issued on one used on the other is answered with the reason that names the problem
//! (`otp_key_unavailable`, 503), never `internal`, and changes nothing; the other instance's
//! next start refuses, naming the key it lacks.

use netbank_api::ErrorReason;
use serde_json::Value;

use crate::helpers::{error_reason, spawn_app, spawn_app_configured};
use crate::otp_helpers::LOGIN_PASSWORD;

#[tokio::test]
async fn a_secret_sealed_under_another_instances_key_is_named_never_internal() {
    let first = spawn_app().await;
    let url = first.state.db.connect_options().database_url.to_string();
    let clock = first.state.clock.clone();
    let second = spawn_app_configured(|settings| {
        settings.database_url = Some(url.clone());
        settings.clock = clock;
    })
    .await;
    let own_key = first.state.secrets.current_key_id().to_owned();
    assert_ne!(own_key, second.state.secrets.current_key_id(), "each made its own key, with its own id");

    first.registered_customer("keys01", LOGIN_PASSWORD).await;
    let session = first.logged_in("keys01", LOGIN_PASSWORD).await;
    let token = first.provisioned_token(&session).await;

    // The same customer on the other instance: 利用開始 needs the secret the first sealed.
    let elsewhere = second.logged_in("keys01", LOGIN_PASSWORD).await;
    let response = second.submit_otp("/api/otp/activate", &elsewhere, &token.code_at(second.clock().now())).await;
    assert_eq!(response.status(), 503);
    assert_eq!(error_reason(response).await, ErrorReason::OtpKeyUnavailable);
    let status: Value = first.otp_status(&session).await;
    assert_ne!(status["state"], "active", "nothing changed: {status}");
    // On the instance that has the key, the same code works.
    let response = first.submit_otp("/api/otp/activate", &session, &token.code_at(first.clock().now())).await;
    assert_eq!(response.status(), 200);

    // Restarted, the other instance refuses to start and says which key it lacks.
    let error = match second.restart(|settings| settings.database_url = Some(url)).await {
        Ok(_) => panic!("an instance without the key must not start"),
        Err(error) => format!("{error:#}"),
    };
    assert!(error.contains(&own_key) && error.contains("not configured"), "{error}");
}
