//! The second factor cannot be bypassed: each test is a request sequence an attacker holding
//! the password or a session cookie would try, asserted refused.

use netbank_api::input::LoginId;
use netbank_api::ErrorReason;
use netbank_server::identity::session::{self, Level, Stage};
use netbank_server::operator::otp as otp_operator;
use serde_json::{json, Value};

use crate::helpers::{error_reason, session_cookie, spawn_app, TestApp};
use crate::otp_helpers::LOGIN_PASSWORD;

#[tokio::test]
async fn a_session_opened_before_otp_activation_dies_with_it() {
    let app = spawn_app().await;
    app.registered_customer("taro01", LOGIN_PASSWORD).await;
    // The thief logs in with the stolen password while the customer has no token yet…
    let thief = app.logged_in("taro01", LOGIN_PASSWORD).await;
    // …then the customer sets up and activates a token in their own browser.
    let customer = app.logged_in("taro01", LOGIN_PASSWORD).await;
    let token = app.provisioned_token(&customer).await;
    let activated = app.submit_otp("/api/otp/activate", &customer, &token.code_at(app.clock().now())).await;
    assert_eq!(activated.status(), 200);
    let reissued = session_cookie(&activated).expect("利用開始 re-issues the customer's session");
    assert_ne!(reissued, customer);

    let me = app.get_with_session("/api/me", &thief).await;
    assert_eq!(me.status(), 401, "the thief's password-only session must end");
    let change = json!({ "current_password": LOGIN_PASSWORD, "new_password": "mine9999" });
    let response = app.post("/api/password", &change, Some(&thief)).await;
    assert_eq!(response.status(), 401, "and cannot buy a fresh session by changing the password");
    assert!(session_cookie(&response).is_none());
    assert_eq!(app.get_with_session("/api/me", &customer).await.status(), 401, "the old ID is retired");
    assert_eq!(app.get_with_session("/api/me", &reissued).await.status(), 200);
    let revoked = app
        .count("SELECT count(*) FROM audit_log WHERE event = 'session_revoke' AND detail LIKE 'cause=otp_activate%'")
        .await;
    assert_eq!(revoked, 1);
}

#[tokio::test]
async fn a_password_only_session_is_refused_while_a_token_is_in_use_however_it_survived() {
    let app = spawn_app().await;
    let (_, _) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    let value = password_only_session(&app).await;
    let response = app.get_with_session("/api/me", &value).await;
    assert_eq!(response.status(), 401);
    assert_eq!(error_reason(response).await, ErrorReason::SessionExpired);
}

/// The same with the token stopped (使用停止): the customer must restore it at the branch,
/// and a session that proved only the password is no way around that.
#[tokio::test]
async fn a_password_only_session_is_refused_while_the_token_is_stopped() {
    let app = spawn_app().await;
    let (customer, _) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    app.stop_token_leaving_sessions("taro01").await;
    let thief = password_only_session(&app).await;
    for path in ["/api/me", "/api/otp", "/api/transfers", "/api/sessions"] {
        let response = app.get_with_session(path, &thief).await;
        assert_eq!(response.status(), 401, "{path}");
    }
    // The customer's own session, which proved a code, still reads (and is told the token
    // is stopped).
    let me: Value = app.get_with_session("/api/me", &customer).await.json().await.unwrap();
    assert_eq!(me["otp_state"], "suspended");
}

/// A session that proved only the password for the one customer, made behind the
/// transitions' back (as one left from before the rule would be): its ID.
async fn password_only_session(app: &TestApp) -> String {
    let customer_id: netbank_server::ids::CustomerId =
        sqlx::query_scalar("SELECT customer_id FROM credentials").fetch_one(&app.state.db).await.unwrap();
    let now = app.clock().now();
    let mut connection = app.state.db.acquire().await.unwrap();
    let opening = session::Opening { customer_id, stage: Stage::Full, level: Level::Password, login_at: now };
    let token = session::create(&mut connection, &app.state.policy, opening, "", now).await.unwrap();
    let cookie = token.cookie(&app.state.policy);
    session::issued_session_id([cookie.to_str().unwrap()]).unwrap().to_owned()
}

#[tokio::test]
async fn changing_the_password_back_and_forth_never_extends_the_absolute_limit() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kumo4821").await;
    let mut session = app.logged_in("taro01", "kumo4821").await;
    let passwords = ["kumo4821", "other567"];
    // Every 9 minutes (inside the idle limit) the password is changed: each change
    // re-issues the session, and none may restart the 60 minutes.
    for round in 0..6 {
        app.clock().advance(9 * 60);
        let (from, to) = (passwords[round % 2], passwords[(round + 1) % 2]);
        let response =
            app.post("/api/password", &json!({ "current_password": from, "new_password": to }), Some(&session)).await;
        assert_eq!(response.status(), 200, "round {round}");
        session = session_cookie(&response).unwrap();
    }
    // 54 minutes after the login.
    app.clock().advance(5 * 60);
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 200);
    app.clock().advance(2 * 60);
    let response = app.get_with_session("/api/me", &session).await;
    assert_eq!(response.status(), 401, "61 minutes after the login the session is over");
    assert_eq!(error_reason(response).await, ErrorReason::SessionExpired);
}

#[tokio::test]
async fn with_a_token_in_use_a_password_change_needs_a_current_code() {
    let app = spawn_app().await;
    let (session, token) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    let without = app
        .post(
            "/api/password",
            &json!({ "current_password": LOGIN_PASSWORD, "new_password": "stolen77" }),
            Some(&session),
        )
        .await;
    assert_eq!(without.status(), 422);
    let body: netbank_api::ErrorBody = without.json().await.unwrap();
    assert_eq!((body.reason, body.field.as_deref()), (ErrorReason::InvalidInput, Some("otp")));

    let wrong_code = token.wrong_code(app.clock().now());
    let body = json!({ "current_password": LOGIN_PASSWORD, "new_password": "stolen77", "otp": wrong_code });
    let wrong = app.post("/api/password", &body, Some(&session)).await;
    assert_eq!(error_reason(wrong).await, ErrorReason::InvalidOtp);
    assert_eq!(app.count("SELECT failed_otp FROM otp_tokens").await, 1, "a wrong code counts toward 停止");
    assert_eq!(app.login("taro01", "stolen77").await.status(), 401, "nothing changed");

    let body = json!({ "current_password": LOGIN_PASSWORD, "new_password": "newpass77", "otp": token.code_at(app.clock().now()) });
    let right = app.post("/api/password", &body, Some(&session)).await;
    assert_eq!(right.status(), 200);
    let rotated = session_cookie(&right).unwrap();
    assert_eq!(app.get_with_session("/api/me", &rotated).await.status(), 200, "the session proved a code");
    let login: Value = app.login("taro01", "newpass77").await.json().await.unwrap();
    assert_eq!(login["status"], "otp_required");
}

#[tokio::test]
async fn a_stolen_session_cannot_bind_its_own_token_without_the_password() {
    let app = spawn_app().await;
    app.registered_customer("taro01", LOGIN_PASSWORD).await;
    let session = app.logged_in("taro01", LOGIN_PASSWORD).await;
    let mut body = json!({ "method": "authenticator_app" });
    let missing = app.post("/api/otp/issue", &body, Some(&session)).await;
    assert_eq!(missing.status(), 422);
    let missing: netbank_api::ErrorBody = missing.json().await.unwrap();
    assert_eq!(missing.field.as_deref(), Some("login_password"));
    body["login_password"] = json!("guess123");
    let wrong = app.post("/api/otp/issue", &body, Some(&session)).await;
    assert_eq!(wrong.status(), 401);
    let wrong: netbank_api::ErrorBody = wrong.json().await.unwrap();
    assert_eq!((wrong.reason, wrong.field.as_deref()), (ErrorReason::WrongCurrentPassword, Some("login_password")));
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens").await, 0);
    assert_eq!(app.count("SELECT failed_attempts FROM credentials").await, 1, "counted toward the lockout");
    // Guessing on: the sixth wrong password locks the login and ends the thief's session.
    for _ in 0..4 {
        app.post("/api/otp/issue", &body, Some(&session)).await;
    }
    let locked = app.post("/api/otp/issue", &body, Some(&session)).await;
    assert_eq!(error_reason(locked).await, ErrorReason::LoginLocked);
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 401);
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens").await, 0);
}

#[tokio::test]
async fn reissuing_over_a_pending_token_asks_for_the_password_and_tells_the_customer() {
    let app = spawn_app().await;
    app.registered_customer("taro01", LOGIN_PASSWORD).await;
    let session = app.logged_in("taro01", LOGIN_PASSWORD).await;
    app.provisioned_token(&session).await;
    let mut body = json!({ "method": "authenticator_app", "login_password": "guess123" });
    assert_eq!(app.post("/api/otp/issue", &body, Some(&session)).await.status(), 401);
    assert_eq!(app.count("SELECT method = 'software_token' FROM otp_tokens").await, 1, "the pending token stays");
    body["login_password"] = json!(LOGIN_PASSWORD);
    body["step_up"] = app.mail_code_proof(&session, "token").await;
    assert_eq!(app.post("/api/otp/issue", &body, Some(&session)).await.status(), 200);
    let notices = app.count("SELECT count(*) FROM mail_outbox WHERE to_address = 'taro01@notice.example' AND subject LIKE '%トークン発行%'").await;
    assert_eq!(notices, 2, "both issuances were told to the notice address");
}

#[tokio::test]
async fn deactivation_ends_every_other_session_and_the_caller_continues_at_the_otp_level() {
    let app = spawn_app().await;
    let (session, token) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    let pending = app.password_step("taro01", LOGIN_PASSWORD).await;
    let response = app.submit_otp("/api/otp/deactivate", &session, &token.code_at(app.clock().now())).await;
    assert_eq!(response.status(), 200);
    let reissued = session_cookie(&response).unwrap();
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 401);
    assert_eq!(app.get_with_session("/api/me", &reissued).await.status(), 200);
    app.clock().advance(30);
    let late = app.submit_otp("/api/login/otp", &pending, &token.code_at(app.clock().now())).await;
    assert_eq!(late.status(), 401, "a login waiting for the released token's code is over");
}

#[tokio::test]
async fn the_code_that_stops_the_token_ends_every_session_of_the_customer() {
    let app = spawn_app().await;
    let (session, token) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    let pending = app.password_step("taro01", LOGIN_PASSWORD).await;
    let wrong = token.wrong_code(app.clock().now());
    for _ in 0..4 {
        assert_eq!(
            error_reason(app.submit_otp("/api/otp/deactivate", &session, &wrong).await).await,
            ErrorReason::InvalidOtp
        );
    }
    let fifth = app.submit_otp("/api/otp/deactivate", &session, &wrong).await;
    assert_eq!(error_reason(fifth).await, ErrorReason::OtpSuspended);
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 401);
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0, "the pending login {pending} too");
    let stopped =
        app.count("SELECT count(*) FROM mail_outbox WHERE subject LIKE '%ワンタイムパスワード停止のお知らせ%'").await;
    assert_eq!(stopped, 1);
}

#[tokio::test]
async fn the_operators_initialisation_ends_every_session_and_tells_the_customer() {
    let app = spawn_app().await;
    let (session, _) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    otp_operator::initialise(
        &app.state.db,
        app.clock(),
        &LoginId::parse("taro01").unwrap(),
        &netbank_server::audit::Actor::operator_cli(),
    )
    .await
    .unwrap();
    assert_eq!(app.get_with_session("/api/me", &session).await.status(), 401);
    let told = app.count("SELECT count(*) FROM mail_outbox WHERE subject LIKE '%初期化%'").await;
    assert_eq!(told, 1);
}
