//! Adding an authenticator, tried as the thief would: with a copied session cookie
//! alone, with the password alone, with guesses at the 確認コード, in a hundred parallel
//! answers, with an address changed a moment ago; and what a new authenticator may not do yet.

use netbank_api::ErrorReason;
use netbank_server::config::{EnrolmentPolicy, Policy};
use netbank_server::money::Yen;
use serde_json::{json, Value};

use crate::banking_helpers::draft;
use crate::helpers::{error_reason, join_all, session_cookie, spawn_app, spawn_app_with, test_policy};
use crate::otp_helpers::LOGIN_PASSWORD;

const DAY: i64 = 86_400;

/// The bank's own settings: a notice address must be a week old, a new authenticator waits a day.
fn bank_policy() -> Policy {
    Policy { enrolment: EnrolmentPolicy { mail_codes_per_day: 1000, ..EnrolmentPolicy::default() }, ..test_policy() }
}

async fn refusal(response: reqwest::Response) -> (u16, ErrorReason, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, serde_json::from_value(body["reason"].clone()).unwrap(), body)
}

/// Attack 1: a session that proved password and code, copied: without the code again, no
/// passkey and no new token; the 確認コード is not offered to a customer who has a factor.
#[tokio::test]
async fn a_copied_session_cookie_cannot_enrol_a_passkey_or_a_token() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let stolen = taro.session.clone();
    let (status, reason, body) =
        refusal(app.post("/api/passkeys/registration/options", &json!({}), Some(&stolen)).await).await;
    assert_eq!((status, reason), (403, ErrorReason::StepUpRequired), "{body}");
    assert_eq!(body["field"], "step_up");
    // The 確認コード route is for customers with no second factor: asking for it, or
    // presenting one, is refused.
    let (status, reason, _) =
        refusal(app.post("/api/enrolment/mail-code", &json!({ "purpose": "passkey" }), Some(&stolen)).await).await;
    assert_eq!((status, reason), (403, ErrorReason::StepUpRequired));
    let guessed = json!({ "step_up": { "method": "mail_code", "code": "123456" } });
    let (status, reason, _) =
        refusal(app.post("/api/passkeys/registration/options", &guessed, Some(&stolen)).await).await;
    assert_eq!((status, reason), (403, ErrorReason::StepUpRequired));
    assert_eq!(app.count("SELECT COUNT(*) FROM passkey_ceremonies").await, 0, "no challenge handed out");
    // A wrong code is counted toward the token's stop like any other.
    let wrong =
        json!({ "step_up": { "method": "otp", "code": taro.token.as_ref().unwrap().wrong_code(app.clock().now()) } });
    assert_eq!(
        error_reason(app.post("/api/passkeys/registration/options", &wrong, Some(&stolen)).await).await,
        ErrorReason::InvalidOtp
    );
    assert_eq!(app.count("SELECT failed_otp FROM otp_tokens").await, 1);
    // The customer's own code, in the request, is what lets a passkey in.
    let status: Value = app.get_with_session("/api/enrolment", &stolen).await.json().await.unwrap();
    assert_eq!(status["methods"], json!(["otp"]));
    let proof = app.otp_proof(taro.token.as_ref().unwrap());
    let mut phone = app.authenticator();
    assert_eq!(app.register_passkey_with(&stolen, &mut phone, "iPhone", proof.clone()).await.status(), 201);
    // The same code a second time (a replay of the request) is refused.
    let (status, reason, _) =
        refusal(app.post("/api/passkeys/registration/options", &json!({ "step_up": proof }), Some(&stolen)).await)
            .await;
    assert_eq!((status, reason), (409, ErrorReason::OtpAlreadyUsed));
}

/// Attack 2: the password alone (no token, no passkey) binds nothing: not a passkey, not an
/// authenticator app, and the 確認コード goes to the notice address, never to the thief.
#[tokio::test]
async fn the_password_alone_enrols_nothing() {
    let app = spawn_app().await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 50_000).await;
    let passkey = json!({ "login_password": LOGIN_PASSWORD });
    let (status, reason, body) =
        refusal(app.post("/api/passkeys/registration/options", &passkey, Some(&hanako.session)).await).await;
    assert_eq!((status, reason), (403, ErrorReason::StepUpRequired));
    assert!(body["message"].as_str().unwrap().contains("確認コード"), "{body}");
    let app_token = json!({ "method": "authenticator_app", "login_password": LOGIN_PASSWORD });
    let (status, reason, _) = refusal(app.post("/api/otp/issue", &app_token, Some(&hanako.session)).await).await;
    assert_eq!((status, reason), (403, ErrorReason::StepUpRequired));
    assert_eq!(app.count("SELECT COUNT(*) FROM otp_tokens").await, 0);
    let status: Value = app.get_with_session("/api/enrolment", &hanako.session).await.json().await.unwrap();
    assert_eq!(status["methods"], json!(["mail_code"]));
    assert_eq!(status["mail_code"]["state"], "ready");
    assert_eq!(status["mail_code"]["address"], "h***@notice.example");
    // The code goes to the notice address on file, in a mail of its own with no link.
    let sent: Value = app
        .post("/api/enrolment/mail-code", &json!({ "purpose": "token" }), Some(&hanako.session))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent["sent_to"], "h***@notice.example");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'hana01@notice.example' AND subject LIKE '%確認コード%' AND body NOT LIKE '%http%'").await,
        1
    );
    // A code for a token does not register a passkey.
    let code = app.last_mail_code().await;
    let for_passkey = json!({ "login_password": LOGIN_PASSWORD, "step_up": { "method": "mail_code", "code": code } });
    let (status, reason, _) =
        refusal(app.post("/api/passkeys/registration/options", &for_passkey, Some(&hanako.session)).await).await;
    assert_eq!((status, reason), (401, ErrorReason::InvalidMailCode));
    let with_code = json!({ "method": "authenticator_app", "login_password": LOGIN_PASSWORD, "step_up": { "method": "mail_code", "code": code } });
    assert_eq!(app.post("/api/otp/issue", &with_code, Some(&hanako.session)).await.status(), 200);
    assert_eq!(app.count("SELECT COUNT(*) FROM enrolment_codes").await, 0, "used once");
    assert_eq!(
        error_reason(app.post("/api/otp/issue", &with_code, Some(&hanako.session)).await).await,
        ErrorReason::InvalidMailCode
    );
}

/// Guesses at the 確認コード are counted: five wrong ones void it, the right one then too; it
/// runs out after ten minutes.
#[tokio::test]
async fn wrong_or_late_mail_codes_are_refused_and_five_void_the_code() {
    let app = spawn_app().await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let code = app.mail_code(&hanako.session, "token").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let body = |code: &str| json!({ "method": "authenticator_app", "login_password": LOGIN_PASSWORD, "step_up": { "method": "mail_code", "code": code } });
    for _ in 0..5 {
        assert_eq!(
            error_reason(app.post("/api/otp/issue", &body(wrong), Some(&hanako.session)).await).await,
            ErrorReason::InvalidMailCode
        );
    }
    assert_eq!(
        error_reason(app.post("/api/otp/issue", &body(&code), Some(&hanako.session)).await).await,
        ErrorReason::InvalidMailCode
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE detail = 'wrong_mail_code'").await, 6);
    let late = app.mail_code(&hanako.session, "token").await;
    app.clock().advance(601);
    let session = app.logged_in("hana01", LOGIN_PASSWORD).await;
    assert_eq!(
        error_reason(app.post("/api/otp/issue", &body(&late), Some(&session)).await).await,
        ErrorReason::InvalidMailCode
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM otp_tokens").await, 0);
}

/// A hundred requests carrying the same right 確認コード at once: exactly one passkey
/// challenge is handed out.
#[tokio::test]
async fn a_hundred_answers_with_one_mail_code_use_it_once() {
    let app = spawn_app().await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let code = app.mail_code(&hanako.session, "passkey").await;
    let body = json!({ "login_password": LOGIN_PASSWORD, "step_up": { "method": "mail_code", "code": code } });
    let sends =
        (0..100).map(|_| app.post("/api/passkeys/registration/options", &body, Some(&hanako.session))).collect();
    let statuses: Vec<u16> = join_all(sends).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 401).count(), 99, "{statuses:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM passkey_ceremonies").await, 1);
}

/// The 確認コード goes only to an address the bank has had for a week; changing it with the
/// password alone starts the week again and tells the old address.
#[tokio::test]
async fn the_mail_code_waits_for_an_address_the_bank_has_had_for_a_week() {
    let app = spawn_app_with(None, bank_policy()).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let status: Value = app.get_with_session("/api/enrolment", &hanako.session).await.json().await.unwrap();
    assert_eq!(status["mail_code"]["state"], "address_too_new", "{status}");
    let (status, reason, body) =
        refusal(app.post("/api/enrolment/mail-code", &json!({ "purpose": "token" }), Some(&hanako.session)).await)
            .await;
    assert_eq!((status, reason), (403, ErrorReason::MailCodeUnavailable));
    assert!(body["message"].as_str().unwrap().contains("以降"), "{body}");
    app.clock().advance(7 * DAY);
    let session = app.logged_in("hana01", LOGIN_PASSWORD).await;
    assert_eq!(
        app.post("/api/enrolment/mail-code", &json!({ "purpose": "token" }), Some(&session)).await.status(),
        200
    );
    // A thief with the password points the notice address at themselves: its week starts again.
    let change = json!({ "notice_address": "thief@evil.example", "password": LOGIN_PASSWORD });
    let changed = app.post("/api/notice-address", &change, Some(&session)).await;
    assert_eq!(changed.status(), 200);
    let session = session_cookie(&changed).unwrap();
    let (_, reason, _) =
        refusal(app.post("/api/enrolment/mail-code", &json!({ "purpose": "token" }), Some(&session)).await).await;
    assert_eq!(reason, ErrorReason::MailCodeUnavailable);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'hana01@notice.example' AND subject LIKE '%変更%'"
        )
        .await,
        1
    );
}

/// A new authenticator waits a day before it pays someone new or raises the limit; 振替 and
/// payees paid before go on. The customer is told until when.
#[tokio::test]
async fn a_new_authenticator_waits_a_day_before_paying_someone_new() {
    let waiting = EnrolmentPolicy { address_age_days: 0, mail_codes_per_day: 1000, ..EnrolmentPolicy::default() };
    let app = spawn_app_with(None, Policy { enrolment: waiting, ..test_policy() }).await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let jiro = app.account_holder("jiro01", "ヤマダ ジロウ", 0).await;
    let to_hanako = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 1_000);
    let quote = app.quote(&taro.session, &to_hanako).await;
    let (status, reason, body) = refusal(quote).await;
    assert_eq!((status, reason), (403, ErrorReason::NewAuthenticatorWaiting));
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("24時間") && message.contains("以降"), "{message}");
    // The confirmation itself is refused too, before the code is looked at.
    let refused =
        app.transfer(&taro.session, &to_hanako, "0123456789abcdef0123456789abcdef", Some(app.fresh_code(&taro))).await;
    assert_eq!(error_reason(refused).await, ErrorReason::NewAuthenticatorWaiting);
    let raise = json!({ "limit": "1000000", "otp": app.fresh_code(&taro) });
    assert_eq!(
        error_reason(app.post("/api/transfer-limit", &raise, Some(&taro.session)).await).await,
        ErrorReason::NewAuthenticatorWaiting
    );
    // 振替 between his own accounts goes on.
    let own = draft(&taro.ordinary, &taro.savings, "savings", 1_000);
    assert_eq!(app.quote_and_transfer(&taro.session, &own, None).await.status(), 200);
    let status: Value = app.get_with_session("/api/enrolment", &taro.session).await.json().await.unwrap();
    assert!(status["new_payees_from"].is_string(), "{status}");
    // A day on, Hanako is paid; a passkey added then keeps Jiro waiting, not Hanako.
    app.clock().advance(DAY);
    let token = taro.token.clone().unwrap();
    let session = app.logged_in_with_code("taro01", LOGIN_PASSWORD, &token).await;
    let taro = crate::banking_helpers::Holder { session, ..taro };
    assert_eq!(app.quote_and_transfer(&taro.session, &to_hanako, Some(app.fresh_code(&taro))).await.status(), 200);
    let mut phone = app.authenticator();
    let proof = app.otp_proof(&token);
    assert_eq!(app.register_passkey_with(&taro.session, &mut phone, "iPhone", proof).await.status(), 201);
    assert_eq!(app.quote_and_transfer(&taro.session, &to_hanako, Some(app.fresh_code(&taro))).await.status(), 200);
    let to_jiro = draft(&taro.ordinary, &jiro.ordinary, "ordinary", 1_000);
    assert_eq!(error_reason(app.quote(&taro.session, &to_jiro).await).await, ErrorReason::NewAuthenticatorWaiting);
    app.deliver_mail().await;
    let notice =
        app.mailbox().await.into_iter().find(|m| m["subject"].as_str().unwrap().contains("パスキー登録")).unwrap();
    assert!(
        notice["body"].as_str().unwrap().contains("初めての振込先への振込と振込限度額の引き上げはできません"),
        "{notice}"
    );
}

/// Attack 7: a code accepted for a 振込 that is then refused (funds) stays spent; the fee
/// counts toward the day's limit.
#[tokio::test]
async fn a_refused_transfer_still_spends_its_code_and_fees_count_toward_the_limit() {
    let mut policy = test_policy();
    policy.transfer.fees = "same_branch=100/100,other_branch=100/100".parse().unwrap();
    policy.transfer.default_daily_limit = Yen(10_000);
    let app = spawn_app_with(None, policy).await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    // The fee makes 10,000円 exceed the limit of 10,000円.
    let all_of_it = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 10_000);
    assert_eq!(error_reason(app.quote(&taro.session, &all_of_it).await).await, ErrorReason::DailyLimitExceeded);
    let body = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 5_000);
    let quote: Value = app.quote(&taro.session, &body).await.json().await.unwrap();
    let key = quote["idempotency_key"].as_str().unwrap().to_owned();
    // The money leaves the account between the 確認 screen and 確定.
    let own = draft(&taro.ordinary, &taro.savings, "savings", 96_000);
    assert_eq!(app.quote_and_transfer(&taro.session, &own, None).await.status(), 200);
    let code = app.fresh_code(&taro);
    assert_eq!(
        error_reason(app.transfer(&taro.session, &body, &key, Some(code.clone())).await).await,
        ErrorReason::InsufficientFunds
    );
    let back = draft(&taro.savings, &taro.ordinary, "ordinary", 96_000);
    assert_eq!(app.quote_and_transfer(&taro.session, &back, None).await.status(), 200);
    let again = app.transfer(&taro.session, &body, &key, Some(code)).await;
    assert_eq!(error_reason(again).await, ErrorReason::OtpAlreadyUsed, "the refused 振込 spent the code");
    assert_eq!(app.quote_and_transfer(&taro.session, &body, Some(app.fresh_code(&taro))).await.status(), 200);
    let limit: Value = app.get_with_session("/api/transfer-limit", &taro.session).await.json().await.unwrap();
    assert_eq!(limit["remaining"], 10_000 - 5_000 - 100, "{limit}");
}

/// A thief with the password and one phished code points the notice address at themselves,
/// has the token stopped and the branch initialise it: the address is new again, so the
/// 確認コード route stays shut to it.
#[tokio::test]
async fn an_address_changed_with_a_phished_code_is_new_again_after_the_branch_initialises_the_token() {
    let app = spawn_app_with(None, bank_policy()).await;
    app.registered_customer("taro01", LOGIN_PASSWORD).await;
    app.clock().advance(7 * DAY);
    let session = app.logged_in("taro01", LOGIN_PASSWORD).await;
    let token = app.provisioned_token(&session).await;
    let activated = app.submit_otp("/api/otp/activate", &session, &token.code_at(app.clock().now())).await;
    let session = session_cookie(&activated).unwrap();
    app.clock().advance(30);
    let change = json!({ "notice_address": "thief@evil.example", "password": LOGIN_PASSWORD, "otp": token.code_at(app.clock().now()) });
    assert_eq!(app.post("/api/notice-address", &change, Some(&session)).await.status(), 200);
    let login_id = netbank_api::input::LoginId::parse("taro01").unwrap();
    netbank_server::operator::otp::initialise(
        &app.state.db,
        app.clock(),
        &login_id,
        &netbank_server::audit::Actor::operator_cli(),
    )
    .await
    .unwrap();
    let thief = app.logged_in("taro01", LOGIN_PASSWORD).await;
    let status: Value = app.get_with_session("/api/enrolment", &thief).await.json().await.unwrap();
    assert_eq!(status["mail_code"]["state"], "address_too_new", "{status}");
    let (_, reason, _) =
        refusal(app.post("/api/enrolment/mail-code", &json!({ "purpose": "passkey" }), Some(&thief)).await).await;
    assert_eq!(reason, ErrorReason::MailCodeUnavailable);
}

/// 確認コード requests racing a change of the notice address: every code goes to the address
/// that was old enough when it was written, never to the new one.
#[tokio::test]
async fn mail_codes_racing_an_address_change_never_reach_the_new_address() {
    let app = spawn_app_with(None, bank_policy()).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    app.clock().advance(7 * DAY);
    let session = app.logged_in("hana01", LOGIN_PASSWORD).await;
    let change = json!({ "notice_address": "thief@evil.example", "password": LOGIN_PASSWORD });
    let ask = json!({ "purpose": "passkey" });
    let mut requests: Vec<_> = (0..30).map(|_| app.post("/api/enrolment/mail-code", &ask, Some(&session))).collect();
    requests.insert(15, app.post("/api/notice-address", &change, Some(&session)));
    let answers: Vec<u16> = join_all(requests).await.iter().map(|r| r.status().as_u16()).collect();
    assert!(answers.iter().all(|s| [200, 401, 403].contains(s)), "{answers:?}");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'thief@evil.example' AND subject LIKE '%確認コード%'"
        )
        .await,
        0
    );
    let _ = hanako;
}
