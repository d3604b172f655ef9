//! 凍結: a frozen customer — or a thief in their session — moves no money and changes no
//! credential, whichever endpoint is tried; balances stay visible; the customer is told.

use netbank_api::input::LoginId;
use netbank_api::ErrorReason;
use netbank_server::operator::customers;
use serde_json::{json, Value};

use crate::banking_helpers::draft;
use crate::helpers::{error_reason, spawn_app};
use crate::otp_helpers::LOGIN_PASSWORD;

#[tokio::test]
async fn a_frozen_customer_moves_nothing_and_changes_nothing_until_unfrozen() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let login_id = LoginId::parse("taro01").unwrap();
    customers::set_frozen(
        &app.state.db,
        app.clock(),
        &login_id,
        true,
        "警察からの依頼",
        &netbank_server::audit::Actor::operator_cli(),
    )
    .await
    .unwrap();

    let to_hanako = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 1_000);
    let to_savings = draft(&taro.ordinary, &taro.savings, "savings", 1_000);
    let code = app.fresh_code(&taro);
    let mut confirmation = to_hanako.clone();
    confirmation["idempotency_key"] = json!("0123456789abcdef0123456789abcdef");
    confirmation["otp"] = json!(code);
    let attempts: Vec<(&str, Value)> = vec![
        ("/api/transfers/quote", to_hanako.clone()),
        ("/api/transfers", confirmation),
        ("/api/transfers/quote", to_savings.clone()),
        ("/api/password", json!({ "current_password": LOGIN_PASSWORD, "new_password": "newpass77", "otp": code })),
        (
            "/api/notice-address",
            json!({ "notice_address": "thief@example.jp", "password": LOGIN_PASSWORD, "otp": code }),
        ),
        ("/api/transfer-limit", json!({ "limit": "100000" })),
        ("/api/otp/deactivate", json!({ "otp": code })),
        ("/api/passkeys/registration/options", json!({ "step_up": { "method": "otp", "code": code } })),
        ("/api/enrolment/mail-code", json!({ "purpose": "passkey" })),
    ];
    for (path, body) in attempts {
        let refused = app.post(path, &body, Some(&taro.session)).await;
        assert_eq!(error_reason(refused).await, ErrorReason::AccountFrozen, "{path}");
    }
    let deleted = app
        .client
        .delete(app.url("/api/payees/1"))
        .header(netbank_api::CSRF_HEADER, "1")
        .header("cookie", format!("{}={}", app.cookie_name(), taro.session))
        .send()
        .await
        .unwrap();
    assert_eq!(error_reason(deleted).await, ErrorReason::AccountFrozen);
    assert_eq!(app.balance(&taro.ordinary).await, 100_000);
    assert_eq!(app.balance(&hanako.ordinary).await, 0);
    // Reading goes on, and so does ending the session.
    assert_eq!(app.get_with_session("/api/me", &taro.session).await.status(), 200);
    assert_eq!(app.get_with_session("/api/transfers", &taro.session).await.status(), 200);
    let others = app.post("/api/sessions/logout-others", &json!(null), Some(&taro.session)).await;
    assert_eq!(others.status(), 200);
    let told = app.mailbox().await.into_iter().any(|m| m["subject"].as_str().unwrap().contains("凍結"));
    assert!(told);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'customer_freeze' AND detail LIKE '%警察%'").await,
        1
    );

    // Freezing twice, or without a reason, is refused; unfreezing lets money move again.
    assert!(customers::set_frozen(
        &app.state.db,
        app.clock(),
        &login_id,
        true,
        "again",
        &netbank_server::audit::Actor::operator_cli()
    )
    .await
    .is_err());
    assert!(customers::set_frozen(
        &app.state.db,
        app.clock(),
        &login_id,
        false,
        " ",
        &netbank_server::audit::Actor::operator_cli()
    )
    .await
    .is_err());
    customers::set_frozen(
        &app.state.db,
        app.clock(),
        &login_id,
        false,
        "本人確認済",
        &netbank_server::audit::Actor::operator_cli(),
    )
    .await
    .unwrap();
    let code = app.fresh_code(&taro);
    let sent = app.quote_and_transfer(&taro.session, &to_hanako, Some(code)).await;
    assert_eq!(sent.status(), 200);
    assert_eq!(app.balance(&hanako.ordinary).await, 1_000);
}

#[tokio::test]
async fn a_flagged_payee_takes_only_the_payer_s_own_name() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let exchange = app.account_holder("coin01", "カ）コインコウカンジョ", 0).await;
    let (branch, number) = exchange.ordinary_parts();
    let (branch, number) = (
        netbank_api::input::BranchCode::parse(branch).unwrap(),
        netbank_api::input::AccountNumber::parse(number).unwrap(),
    );
    netbank_server::operator::payee_flags::set(&app.state.db, app.clock(), &branch, &number, true, "暗号資産交換業者")
        .await
        .unwrap();
    // The fraudster's usual trick: the payer's name changed to the victim-facing one.
    let mut renamed = draft(&taro.ordinary, &exchange.ordinary, "ordinary", 10_000);
    renamed["requester_name"] = json!("サトウ ハナコ");
    let quoted = app.quote(&taro.session, &renamed).await;
    assert_eq!(error_reason(quoted).await, ErrorReason::RequesterNameLocked);
    // Confirming it anyway spends the code and moves nothing.
    let mut confirmation = renamed.clone();
    confirmation["idempotency_key"] = json!("0123456789abcdef0123456789abcdef");
    confirmation["otp"] = json!(app.fresh_code(&taro));
    let refused = app.post("/api/transfers", &confirmation, Some(&taro.session)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::RequesterNameLocked);
    assert_eq!(app.balance(&exchange.ordinary).await, 0);
    // The holder's own name (the account's カナ) goes through.
    let own = draft(&taro.ordinary, &exchange.ordinary, "ordinary", 10_000);
    let sent = app.quote_and_transfer(&taro.session, &own, Some(app.fresh_code(&taro))).await;
    assert_eq!(sent.status(), 200);
    assert_eq!(app.balance(&exchange.ordinary).await, 10_000);
    // An unflagged payee still takes a changed name.
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let mut other = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 1_000);
    other["requester_name"] = json!("ヤマダ シヨウテン");
    assert_eq!(app.quote_and_transfer(&taro.session, &other, Some(app.fresh_code(&taro))).await.status(), 200);
    let flagged = app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'payee_flag_add'").await;
    assert_eq!(flagged, 1);
}
