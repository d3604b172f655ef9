use netbank_api::ErrorReason;
use serde_json::{json, Value};

use crate::helpers::{error_reason, spawn_app};
use crate::otp_helpers::ACTIVATION_PASSWORD;

#[tokio::test]
async fn issuance_answers_bot002_and_mails_the_token_app_url_without_the_password() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    assert_eq!(app.otp_status(&session).await["state"], "not_issued");

    let response = app.issue_software(&session, "Taro@DoCoMo.ne.jp", "１２３４５").await;
    assert_eq!(response.status(), 200);
    let issued: Value = response.json().await.unwrap();
    assert_eq!(issued["state"], "issued");
    assert_eq!(issued["mail_address"], "Taro@docomo.ne.jp");
    assert_eq!(issued["service_id"], "10010001");
    let user_id = issued["user_id"].as_str().unwrap().to_owned();
    assert_eq!(user_id.len(), 11);
    assert_eq!(issued["pending_until"], app.clock().now() + 7 * 86_400);
    assert!(issued.get("authenticator").is_none());

    let status = app.otp_status(&session).await;
    assert_eq!(status["state"], "issued");
    assert_eq!(status["user_id"], user_id.as_str());
    let me: Value = app.get_with_session("/api/me", &session).await.json().await.unwrap();
    assert_eq!(me["otp_state"], "issued");

    let mail = app.delivered_mail_to("Taro@docomo.ne.jp").await;
    assert_eq!(mail["transport"], "dev_mailbox");
    let body = mail["body"].as_str().unwrap();
    assert!(mail["subject"].as_str().unwrap().contains("トークン発行"));
    assert!(body.contains(&format!("{}/token", app.public_url())), "{body}");
    assert!(body.contains("サービスID：10010001"));
    assert!(body.contains(&format!("ユーザID：{user_id}")));
    assert!(!body.contains("12345"), "the activation password must not be mailed");

    // The activation password is stored hashed only.
    let stored: String =
        sqlx::query_scalar("SELECT activation_hash FROM otp_tokens").fetch_one(&app.state.db).await.unwrap();
    assert!(stored.starts_with("$argon2id$"));
}

#[tokio::test]
async fn bad_issuance_input_is_refused_per_field_and_writes_nothing() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    for (mail, password, field) in [
        ("taro", "1234", "mail_address"),
        ("ｔａｒｏ@docomo.ne.jp", "1234", "mail_address"),
        ("taro@docomo.ne.jp", "123", "activation_password"),
        ("taro@docomo.ne.jp", "12ab", "activation_password"),
        ("taro@docomo.ne.jp", "", "activation_password"),
    ] {
        let response = app.issue_software(&session, mail, password).await;
        assert_eq!(response.status(), 422, "{mail} {password}");
        let body: netbank_api::ErrorBody = response.json().await.unwrap();
        assert_eq!(body.reason, ErrorReason::InvalidInput);
        assert_eq!(body.field.as_deref(), Some(field));
    }
    let missing = app.post("/api/otp/issue", &json!({ "method": "software_token" }), Some(&session)).await;
    assert_eq!(missing.status(), 422);
    let unknown = app.post("/api/otp/issue", &json!({ "method": "sms" }), Some(&session)).await;
    assert_eq!(error_reason(unknown).await, ErrorReason::MalformedRequest);
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM mail_outbox WHERE subject LIKE '%トークン発行%'").await, 0);
}

#[tokio::test]
async fn issuance_needs_a_full_session() {
    let app = spawn_app().await;
    let response = app.issue_software("no-such-session", "taro@docomo.ne.jp", "1234").await;
    assert_eq!(error_reason(response).await, ErrorReason::Unauthenticated);
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens").await, 0);
}

#[tokio::test]
async fn issuing_again_before_activation_replaces_the_pending_token() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    let first: Value = app.issue_software(&session, "old@docomo.ne.jp", "1111").await.json().await.unwrap();
    let token = app.provisioned_token(&session).await; // issues again, with ACTIVATION_PASSWORD
    assert_ne!(token.user_id, first["user_id"].as_str().unwrap());
    assert_eq!(app.otp_status(&session).await["state"], "provisioned");

    let old = app.provision("10010001", first["user_id"].as_str().unwrap(), "1111").await;
    assert_eq!(error_reason(old).await, ErrorReason::ProvisioningMismatch);
    // Issuing once more, even after the app was set up, replaces that token too.
    let third: Value = app.issue_software(&session, "new@docomo.ne.jp", "2222").await.json().await.unwrap();
    assert_eq!(third["state"], "issued");
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens WHERE secret_ciphertext IS NULL").await, 1);
    let issuance_mails = "SELECT count(*) FROM mail_outbox WHERE to_address LIKE '%@docomo.ne.jp'";
    assert_eq!(app.count(issuance_mails).await, 3);
}

#[tokio::test]
async fn a_token_in_use_cannot_be_issued_over() {
    let app = spawn_app().await;
    let (session, _token) = app.customer_with_active_token("taro01", "kumo4821").await;
    let response = app.issue_software(&session, "taro@docomo.ne.jp", ACTIVATION_PASSWORD).await;
    assert_eq!(response.status(), 409);
    assert_eq!(error_reason(response).await, ErrorReason::OtpStateConflict);
    assert_eq!(app.otp_status(&session).await["state"], "active");
}

#[tokio::test]
async fn an_authenticator_app_gets_a_qr_code_once_and_activates_with_its_codes() {
    let app = spawn_app().await;
    app.registered_customer("hanako", "kumo4821").await;
    let session = app.logged_in("hanako", "kumo4821").await;
    let body = json!({ "method": "authenticator_app", "login_password": "kumo4821", "step_up": app.mail_code_proof(&session, "token").await });
    let response = app.post("/api/otp/issue", &body, Some(&session)).await;
    assert_eq!(response.status(), 200);
    let issued: Value = response.json().await.unwrap();
    assert_eq!(issued["state"], "provisioned");
    assert!(issued.get("mail_address").is_none());
    let setup = &issued["authenticator"];
    let uri = setup["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(":hanako?secret="));
    assert!(
        setup["qr_svg"].as_str().unwrap().starts_with("<?xml") || setup["qr_svg"].as_str().unwrap().contains("<svg")
    );
    assert_eq!(app.count("SELECT count(*) FROM mail_outbox WHERE subject LIKE '%トークン発行のお知らせ%' AND to_address NOT LIKE '%notice.example'").await, 0);

    // The secret is what the app scanned; the server shows it nowhere else.
    let secret = netbank_api::totp::decode_secret(setup["secret"].as_str().unwrap()).unwrap();
    assert_eq!(secret.len(), 20);
    let status = app.otp_status(&session).await;
    assert!(!status.to_string().contains(setup["secret"].as_str().unwrap()));
    let code = netbank_api::totp::TotpParams::default().code_at(&secret, app.clock().now());
    let activated = app.submit_otp("/api/otp/activate", &session, &code).await;
    assert_eq!(activated.status(), 200);
    let session = crate::helpers::session_cookie(&activated).expect("利用開始 re-issues the session");
    assert_eq!(app.otp_status(&session).await["state"], "active");
    let stored: Vec<u8> =
        sqlx::query_scalar("SELECT secret_ciphertext FROM otp_tokens").fetch_one(&app.state.db).await.unwrap();
    assert!(!stored.windows(20).any(|w| w == secret.as_slice()), "secrets are encrypted at rest");
}
