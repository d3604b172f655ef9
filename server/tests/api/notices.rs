//! Notices: every security event reaches the customer's 通知先メールアドレス through the
//! outbox, says what happened and when, and never carries a password, code or secret.

use netbank_api::input::{LoginId, NoticeAddress};
use netbank_api::ErrorReason;
use netbank_server::operator::customers::{self, CustomerRef};
use netbank_server::operator::otp as otp_operator;
use serde_json::{json, Value};

use crate::helpers::{error_reason, session_cookie, spawn_app, TestApp};
use crate::otp_helpers::{ACTIVATION_PASSWORD, LOGIN_PASSWORD};

/// Subjects of the mail to `address`, oldest first.
async fn subjects_to(app: &TestApp, address: &str) -> Vec<String> {
    let mut mails: Vec<Value> = app.mailbox().await.into_iter().filter(|m| m["to_address"] == address).collect();
    mails.reverse();
    mails.iter().map(|m| m["subject"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn every_event_of_the_life_cycle_is_told_and_no_notice_carries_a_secret() {
    let app = spawn_app().await;
    let address = "taro01@notice.example";
    // Registration, トークン発行, 利用開始.
    let (session, token) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    // A password change with its code.
    let code = token.code_at(app.clock().now());
    let body = json!({ "current_password": LOGIN_PASSWORD, "new_password": "newpass77", "otp": code });
    let changed = app.post("/api/password", &body, Some(&session)).await;
    assert_eq!(changed.status(), 200);
    let session = session_cookie(&changed).unwrap();
    app.clock().advance(30);
    // 利用解除, then a new token stopped by wrong codes, lifted, initialised.
    let released = app.submit_otp("/api/otp/deactivate", &session, &token.code_at(app.clock().now())).await;
    assert_eq!(released.status(), 200);
    let session = session_cookie(&released).unwrap();
    let token = app.provisioned_token_with(&session, "newpass77").await;
    let activated = app.submit_otp("/api/otp/activate", &session, &token.code_at(app.clock().now())).await;
    let session = session_cookie(&activated).unwrap();
    let wrong = token.wrong_code(app.clock().now());
    for _ in 0..5 {
        app.submit_otp("/api/otp/deactivate", &session, &wrong).await;
    }
    let login_id = LoginId::parse("taro01").unwrap();
    otp_operator::lift_suspension(&app.state.db, app.clock(), &login_id, &netbank_server::audit::Actor::operator_cli())
        .await
        .unwrap();
    otp_operator::initialise(&app.state.db, app.clock(), &login_id, &netbank_server::audit::Actor::operator_cli())
        .await
        .unwrap();
    // Six wrong passwords lock the login.
    for _ in 0..6 {
        app.login("taro01", "wrong999").await;
    }

    let subjects = subjects_to(&app, address).await;
    let expected = [
        "通知先メールアドレス登録",
        "確認コード",
        "トークン発行",
        "ワンタイムパスワード利用開始",
        "ログインパスワード変更",
        "ワンタイムパスワード利用解除",
        "確認コード",
        "トークン発行",
        "ワンタイムパスワード利用開始",
        "ワンタイムパスワード停止のお知らせ",
        "ワンタイムパスワード停止解除",
        "ワンタイムパスワード初期化",
        "ログイン停止",
    ];
    assert_eq!(subjects.len(), expected.len(), "{subjects:#?}");
    for (subject, want) in subjects.iter().zip(expected) {
        assert!(subject.contains(want), "{subject} should be about {want}");
    }
    let secret = netbank_api::totp::encode_secret(&token.secret);
    for mail in app.mailbox().await {
        // The token page's address carries the test server's port, whose digits are chance.
        let port = app.address.rsplit(':').next().unwrap();
        let body = mail["body"].as_str().unwrap().replace(&format!("localhost:{port}"), "");
        // A secret of digits only is looked for as a number of its own: the four digits of the
        // 利用開始パスワード turn up by chance inside a random ユーザID or 確認コード (one run in
        // a few hundred), and a leak would show them as a number anyway.
        let numbers: Vec<&str> = body.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).collect();
        for forbidden in [LOGIN_PASSWORD, "newpass77", ACTIVATION_PASSWORD, secret.as_str(), code.as_str()] {
            let carried = if forbidden.bytes().all(|b| b.is_ascii_digit()) {
                numbers.contains(&forbidden)
            } else {
                body.contains(forbidden)
            };
            assert!(!carried, "a mail carries {forbidden}: {body}");
        }
    }
    for mail in app.mailbox().await.into_iter().filter(|m| m["to_address"] == address) {
        let body = mail["body"].as_str().unwrap();
        assert!(body.contains("日時：") && body.contains("お取引店"), "{body}");
    }
}

#[tokio::test]
async fn registration_takes_the_notice_address_and_refuses_without_one() {
    let app = spawn_app().await;
    let newcomer = app.open_customer("山田 花子", "1234567").await;
    let mut body = json!({
        "branch_code": newcomer.branch, "account_number": newcomer.account,
        "temporary_password": newcomer.temporary_password, "login_id": "hanako01", "password": "hana2025",
    });
    let missing = app.post("/api/registration", &body, None).await;
    assert_eq!(missing.status(), 422);
    let missing: netbank_api::ErrorBody = missing.json().await.unwrap();
    assert_eq!(missing.field.as_deref(), Some("notice_address"));
    assert_eq!(app.count("SELECT count(*) FROM credentials").await, 0);
    body["notice_address"] = json!("Hanako@Example.JP");
    assert_eq!(app.post("/api/registration", &body, None).await.status(), 201);
    let session = app.logged_in("hanako01", "hana2025").await;
    let me: Value = app.get_with_session("/api/me", &session).await.json().await.unwrap();
    assert_eq!(me["notice_address"], "Hanako@example.jp");
    assert_eq!(subjects_to(&app, "Hanako@example.jp").await.len(), 1);
}

#[tokio::test]
async fn changing_the_notice_address_needs_the_password_and_the_code_and_tells_the_old_address() {
    let app = spawn_app().await;
    let (session, token) = app.customer_with_active_token("taro01", LOGIN_PASSWORD).await;
    let other = app.logged_in_with_code("taro01", LOGIN_PASSWORD, &token).await;
    app.clock().advance(30);
    let mut body = json!({ "notice_address": "thief@evil.example", "password": LOGIN_PASSWORD });
    let without_code = app.post("/api/notice-address", &body, Some(&session)).await;
    assert_eq!(without_code.status(), 422);
    body["otp"] = json!(token.code_at(app.clock().now()));
    body["password"] = json!("guess123");
    let wrong_password = app.post("/api/notice-address", &body, Some(&session)).await;
    assert_eq!(error_reason(wrong_password).await, ErrorReason::WrongCurrentPassword);
    assert_eq!(app.count("SELECT count(*) FROM customers WHERE notice_address = 'thief@evil.example'").await, 0);

    body["password"] = json!(LOGIN_PASSWORD);
    body["notice_address"] = json!("taro.new@example.jp");
    let changed = app.post("/api/notice-address", &body, Some(&session)).await;
    assert_eq!(changed.status(), 200);
    let rotated = session_cookie(&changed).unwrap();
    let me: Value = app.get_with_session("/api/me", &rotated).await.json().await.unwrap();
    assert_eq!(me["notice_address"], "taro.new@example.jp");
    assert_eq!(app.get_with_session("/api/me", &other).await.status(), 401, "other sessions end");
    let old = subjects_to(&app, "taro01@notice.example").await;
    assert!(old.last().unwrap().contains("通知先メールアドレス変更"), "{old:?}");
    let old_body = app
        .mailbox()
        .await
        .into_iter()
        .find(|m| m["to_address"] == "taro01@notice.example" && m["subject"].as_str().unwrap().contains("変更"))
        .unwrap();
    assert!(old_body["body"].as_str().unwrap().contains("ta***@example.jp"));
    assert_eq!(subjects_to(&app, "taro.new@example.jp").await.len(), 1);
}

#[tokio::test]
async fn an_address_the_branch_records_at_opening_is_told_and_replaced_at_registration() {
    let app = spawn_app().await;
    let customer = customers::NewCustomer {
        name: "山田 花子",
        branch: netbank_api::input::BranchCode::parse("001").unwrap(),
        account: netbank_api::input::AccountNumber::parse("1234567").unwrap(),
        kind: netbank_api::identity::AccountKind::Ordinary,
        balance: 0,
        notice_address: Some(NoticeAddress::parse("branch@example.jp").unwrap()),
        kana: None,
    };
    let opened = customers::create(&app.state.db, app.clock(), &app.state.policy, customer).await.unwrap();
    assert_eq!(subjects_to(&app, "branch@example.jp").await.len(), 1);
    let newcomer = crate::helpers::Newcomer {
        branch: "001".into(),
        account: "1234567".into(),
        temporary_password: opened.temporary_password,
    };
    assert_eq!(app.register(&newcomer, "hanako01", "hana2025").await.status(), 201);
    assert!(subjects_to(&app, "branch@example.jp").await.last().unwrap().contains("変更"));
    assert_eq!(subjects_to(&app, "hanako01@notice.example").await.len(), 1);
}

#[tokio::test]
async fn the_operator_registers_a_notice_address_and_both_addresses_are_told() {
    let app = spawn_app().await;
    app.registered_customer("taro01", LOGIN_PASSWORD).await;
    let login_id = LoginId::parse("taro01").unwrap();
    let address = NoticeAddress::parse("branch-set@example.jp").unwrap();
    customers::set_notice_address(
        &app.state.db,
        app.clock(),
        CustomerRef::LoginId(&login_id),
        &address,
        &netbank_server::audit::Actor::operator_cli(),
    )
    .await
    .unwrap();
    assert_eq!(subjects_to(&app, "branch-set@example.jp").await.len(), 1);
    assert!(subjects_to(&app, "taro01@notice.example").await.last().unwrap().contains("変更"));
}
