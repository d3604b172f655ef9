//! 出金停止: a 振込 the bank's rules catch waits for the branch with its amount reserved; the
//! branch releases it (the money moves once, however many press at once) or rejects it (the
//! reservation ends). Written as the thief who holds the password and a code.

use netbank_server::banking::holds::{self, Decider, HoldError};
use netbank_server::config::Policy;
use netbank_server::transfer_policy::{HoldRule, TransferPolicy};
use serde_json::{json, Value};

use crate::banking_helpers::{draft, Holder};
use crate::helpers::{join_all, spawn_app_with, test_policy, TestApp};

/// The bank's rules as the default has them: a new payee, 100,000円 or more, within 7 days.
fn holding() -> Policy {
    Policy { transfer: TransferPolicy { hold: Some(HoldRule::default()), ..test_policy().transfer }, ..test_policy() }
}

/// Taro (token in use, 1,000,000円) long settled, and Hanako (never paid); then, as the thief
/// with Taro's password and one code, the limit raised.
async fn settled_taro_and_hanako(app: &TestApp) -> (Holder, Holder) {
    let mut taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 1_000_000).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    // Weeks later, nothing new about Taro: a login with the password and a code.
    app.clock().advance(30 * 86_400);
    let login = app.login("taro01", crate::otp_helpers::LOGIN_PASSWORD).await;
    let pending = crate::helpers::session_cookie(&login).unwrap();
    let code = app.fresh_code(&taro);
    let full = app.submit_otp("/api/login/otp", &pending, &code).await;
    assert_eq!(full.status(), 200);
    taro.session = crate::helpers::session_cookie(&full).unwrap();
    (taro, hanako)
}

async fn raise_limit(app: &TestApp, taro: &Holder) {
    let code = app.fresh_code(taro);
    let raised =
        app.post("/api/transfer-limit", &json!({ "limit": "3000000", "otp": code }), Some(&taro.session)).await;
    assert_eq!(raised.status(), 200, "{}", raised.text().await.unwrap());
}

async fn send(app: &TestApp, taro: &Holder, to: &str, amount: i64) -> Value {
    let code = app.fresh_code(taro);
    let sent = app.quote_and_transfer(&taro.session, &draft(&taro.ordinary, to, "ordinary", amount), Some(code)).await;
    assert_eq!(sent.status(), 200, "transfer");
    sent.json().await.unwrap()
}

async fn held_of(app: &TestApp, account: &str) -> i64 {
    let (branch, number) = account.split_once('-').unwrap();
    app.count(&format!("SELECT held FROM accounts WHERE branch_code = '{branch}' AND number = '{number}'")).await
}

#[tokio::test]
async fn a_thief_s_large_transfer_to_a_new_payee_after_a_limit_raise_is_held_not_paid() {
    let app = spawn_app_with(None, holding()).await;
    let (taro, hanako) = settled_taro_and_hanako(&app).await;
    raise_limit(&app, &taro).await;
    let receipt = send(&app, &taro, &hanako.ordinary, 400_000).await;
    assert_eq!(receipt["status"], "held", "{receipt}");
    let receipt_no = receipt["receipt_no"].as_str().unwrap().to_owned();
    assert!(receipt_no.contains("-K"), "{receipt_no}");
    // Nothing moved; the amount is reserved and cannot be spent another way.
    assert_eq!(app.balance(&hanako.ordinary).await, 0);
    assert_eq!(app.balance(&taro.ordinary).await, 1_000_000);
    assert_eq!(held_of(&app, &taro.ordinary).await, 400_000);
    let me: Value = app.get_with_session("/api/me", &taro.session).await.json().await.unwrap();
    assert_eq!(me["accounts"][0]["held"], 400_000);
    // The 確認 screen already says so.
    let quoted = app.quote(&taro.session, &draft(&taro.ordinary, &taro.savings, "savings", 700_000)).await;
    assert_eq!(crate::helpers::error_reason(quoted).await, netbank_api::ErrorReason::InsufficientFunds);
    let code = app.fresh_code(&taro);
    // And the execution, sent without the quote, too.
    let key = "fedcba9876543210fedcba9876543210";
    let drained =
        app.transfer(&taro.session, &draft(&taro.ordinary, &taro.savings, "savings", 700_000), key, Some(code)).await;
    assert_eq!(crate::helpers::error_reason(drained).await, netbank_api::ErrorReason::InsufficientFunds);
    // The rule that fired is on record; the customer is told; 振込照会 says 確認中.
    let rules = app
        .count("SELECT COUNT(*) FROM audit_log WHERE event = 'transfer_hold' AND detail LIKE '%limit_raised%'")
        .await;
    assert_eq!(rules, 1);
    let told = app.mailbox().await.into_iter().any(|m| m["subject"].as_str().unwrap().contains("確認中"));
    assert!(told);
    let history: Value = app.get_with_session("/api/transfers", &taro.session).await.json().await.unwrap();
    assert_eq!(history["transfers"][0]["receipt_no"], receipt_no.as_str());
    assert_eq!(history["transfers"][0]["status"], "held");
    app.assert_ledger_holds().await;

    // The same confirmation again answers the same receipt (and moves nothing).
    let queue = holds::queue(&app.state.db).await.unwrap();
    assert_eq!(queue.len(), 1);

    // The branch reaches the customer, who did not ask for it: rejected.
    holds::reject(
        &app.state.db,
        app.clock(),
        &receipt_no,
        Decider {
            actor: &netbank_server::audit::Actor::operator_cli(), reason: "本人に確認：心当たりなし"
        },
    )
    .await
    .unwrap();
    assert_eq!(held_of(&app, &taro.ordinary).await, 0);
    assert_eq!(app.balance(&hanako.ordinary).await, 0);
    let history: Value = app.get_with_session("/api/transfers", &taro.session).await.json().await.unwrap();
    assert_eq!(history["transfers"][0]["status"], "rejected");
    let again = holds::release(
        &app.state.db,
        app.clock(),
        &receipt_no,
        Decider { actor: &netbank_server::audit::Actor::operator_cli(), reason: "late" },
    )
    .await;
    assert!(matches!(again, Err(HoldError::AlreadyDecided(..))), "{again:?}");
    let limit: Value = app.get_with_session("/api/transfer-limit", &taro.session).await.json().await.unwrap();
    assert_eq!(limit["used_today"], 0, "the rejected amount is back in the day's limit");
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn a_small_transfer_a_known_payee_and_a_settled_customer_move_at_once() {
    let app = spawn_app_with(None, holding()).await;
    let (taro, hanako) = settled_taro_and_hanako(&app).await;
    // The login from a new device (the test keeps no cookies) is a change, but 99,999円 is
    // below the amount.
    assert_eq!(send(&app, &taro, &hanako.ordinary, 99_999).await["status"], "completed");
    // Paid first within the window, Hanako is still new: a large amount to her waits…
    assert_eq!(send(&app, &taro, &hanako.ordinary, 300_000).await["status"], "held");
    // …but once the window has passed she is a payee paid before, and it moves.
    app.clock().advance(8 * 86_400);
    let taro = Holder {
        session: app
            .logged_in_with_code("taro01", crate::otp_helpers::LOGIN_PASSWORD, taro.token.as_ref().unwrap())
            .await,
        ..taro
    };
    assert_eq!(send(&app, &taro, &hanako.ordinary, 300_000).await["status"], "completed");
    assert_eq!(app.balance(&hanako.ordinary).await, 399_999);
    // 振替 between the customer's own accounts is never held.
    let code = app.fresh_code(&taro);
    let own = app
        .quote_and_transfer(&taro.session, &draft(&taro.ordinary, &taro.savings, "savings", 200_000), Some(code))
        .await;
    assert_eq!(own.json::<Value>().await.unwrap()["status"], "completed");
}

#[tokio::test]
async fn a_hundred_releases_of_one_hold_move_the_money_once() {
    let app = spawn_app_with(None, holding()).await;
    let (taro, hanako) = settled_taro_and_hanako(&app).await;
    raise_limit(&app, &taro).await;
    let receipt = send(&app, &taro, &hanako.ordinary, 400_000).await;
    let receipt_no = receipt["receipt_no"].as_str().unwrap().to_owned();
    let releases = (0..100)
        .map(|_| {
            let (db, clock, receipt_no) = (app.state.db.clone(), app.clock().clone(), receipt_no.clone());
            tokio::spawn(async move {
                holds::release(
                    &db,
                    &clock,
                    &receipt_no,
                    Decider { actor: &netbank_server::audit::Actor::operator_cli(), reason: "本人確認済" },
                )
                .await
            })
        })
        .collect();
    let results: Vec<_> = join_all(releases).await.into_iter().map(|r| r.unwrap()).collect();
    let released = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(released, 1, "{results:?}");
    for refused in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(matches!(refused, HoldError::AlreadyDecided(..)), "{refused:?}");
    }
    assert_eq!(app.balance(&hanako.ordinary).await, 400_000);
    assert_eq!(app.balance(&taro.ordinary).await, 600_000);
    assert_eq!(held_of(&app, &taro.ordinary).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM transfers").await, 1);
    app.assert_ledger_holds().await;
    let history: Value = app.get_with_session("/api/transfers", &taro.session).await.json().await.unwrap();
    let listed = history["transfers"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "listed once, under the receipt the customer was given: {history}");
    assert_eq!(listed[0]["receipt_no"], receipt_no.as_str());
    assert_eq!(listed[0]["status"], "completed");
    let rejected = holds::reject(
        &app.state.db,
        app.clock(),
        &receipt_no,
        Decider { actor: &netbank_server::audit::Actor::operator_cli(), reason: "late" },
    )
    .await;
    assert!(matches!(rejected, Err(HoldError::AlreadyDecided(..))));
}

#[tokio::test]
async fn a_decision_needs_a_reason_and_a_hold_that_exists() {
    let app = spawn_app_with(None, holding()).await;
    let unknown = holds::release(
        &app.state.db,
        app.clock(),
        "20270101-K999999",
        Decider { actor: &netbank_server::audit::Actor::operator_cli(), reason: "x" },
    )
    .await;
    assert!(matches!(unknown, Err(HoldError::NotFound(_))));
    let not_a_receipt = holds::reject(
        &app.state.db,
        app.clock(),
        "20270101-0000001",
        Decider { actor: &netbank_server::audit::Actor::operator_cli(), reason: "x" },
    )
    .await;
    assert!(matches!(not_a_receipt, Err(HoldError::NotFound(_))));
    let no_reason = holds::reject(
        &app.state.db,
        app.clock(),
        "20270101-K000001",
        Decider { actor: &netbank_server::audit::Actor::operator_cli(), reason: "  " },
    )
    .await;
    assert!(matches!(no_reason, Err(HoldError::NoReason)));
}

#[tokio::test]
async fn at_night_one_transfer_is_capped_and_by_day_it_is_not() {
    use netbank_server::transfer_policy::NightLimit;
    let night = NightLimit { per_transfer: netbank_server::money::Yen(100_000), from_hour: 23, until_hour: 6 };
    let policy = Policy { transfer: TransferPolicy { night: Some(night), ..test_policy().transfer }, ..test_policy() };
    let app = spawn_app_with(None, policy).await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 1_000_000).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    // To 1:00 Japan time.
    let seconds_into_day = (app.clock().now() + 9 * 3600).rem_euclid(86_400);
    app.clock().advance((86_400 + 3600 - seconds_into_day) % 86_400);
    let session =
        app.logged_in_with_code("taro01", crate::otp_helpers::LOGIN_PASSWORD, taro.token.as_ref().unwrap()).await;
    let refused = app.quote(&session, &draft(&taro.ordinary, &hanako.ordinary, "ordinary", 150_000)).await;
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["reason"], "night_limit_exceeded", "{body}");
    assert!(body["message"].as_str().unwrap().contains("23時から6時まで"), "{body}");
    let small = app
        .quote_and_transfer(
            &session,
            &draft(&taro.ordinary, &hanako.ordinary, "ordinary", 100_000),
            Some(app.fresh_code(&taro)),
        )
        .await;
    assert_eq!(small.status(), 200);
    // 振替 between own accounts is not capped.
    let own = app.quote(&session, &draft(&taro.ordinary, &taro.savings, "savings", 300_000)).await;
    assert_eq!(own.status(), 200);
    // At 7:00 the same 振込 goes.
    app.clock().advance(6 * 3600);
    let session =
        app.logged_in_with_code("taro01", crate::otp_helpers::LOGIN_PASSWORD, taro.token.as_ref().unwrap()).await;
    let by_day = app
        .quote_and_transfer(
            &session,
            &draft(&taro.ordinary, &hanako.ordinary, "ordinary", 150_000),
            Some(app.fresh_code(&taro)),
        )
        .await;
    assert_eq!(by_day.status(), 200);
}

#[tokio::test]
async fn paying_a_new_payee_one_yen_first_or_in_small_pieces_does_not_escape_the_hold() {
    let app = spawn_app_with(None, holding()).await;
    let (taro, hanako) = settled_taro_and_hanako(&app).await;
    // The thief's trick (found attacking the running product): 1円 first, so the payee is
    // "paid before", then the large amount.
    assert_eq!(send(&app, &taro, &hanako.ordinary, 1).await["status"], "completed");
    assert_eq!(send(&app, &taro, &hanako.ordinary, 200_000).await["status"], "held");
    // Or pieces below the amount, to another new payee: the window's total counts.
    let other = app.account_holder("jiro01", "ヤマダ ジロウ", 0).await;
    // Completed 振込 to new payees add up in the window: 1 + 99,998 stays below 100,000円…
    assert_eq!(send(&app, &taro, &other.ordinary, 99_998).await["status"], "completed");
    // …and the next yen to any new payee reaches it.
    assert_eq!(send(&app, &taro, &other.ordinary, 1).await["status"], "held");
    app.assert_ledger_holds().await;
}

/// A thief who sends 他行 first cannot then send the rest 自行 under the threshold's nose:
/// one window counts both ways the money leaves (the attack a review found: 69,000円 他行,
/// then 95,000円 自行, neither held).
#[tokio::test]
async fn money_sent_to_other_banks_counts_toward_the_hold_of_a_domestic_one() {
    let app = spawn_app_with(None, holding()).await;
    let (taro, hanako) = settled_taro_and_hanako(&app).await;
    raise_limit(&app, &taro).await;
    let other_bank = json!({ "from_account": taro.ordinary, "bank_code": "0001", "branch_code": "001",
        "kind": "ordinary", "account_number": "7654321", "payee_name": "ｳｹﾄﾘ", "amount": "69000" });
    let quote: Value = app.post("/api/interbank/quote", &other_bank, Some(&taro.session)).await.json().await.unwrap();
    let mut send_other = other_bank.clone();
    send_other["idempotency_key"] = quote["idempotency_key"].clone();
    send_other["otp"] = json!(app.fresh_code(&taro));
    assert_eq!(app.post("/api/interbank/transfers", &send_other, Some(&taro.session)).await.status(), 200);
    let receipt = send(&app, &taro, &hanako.ordinary, 95_000).await;
    assert_eq!(receipt["status"], "held", "{receipt}");
    assert_eq!(app.balance(&hanako.ordinary).await, 0);
}

#[tokio::test]
async fn a_thief_s_booking_to_a_new_payee_is_held_on_its_day_not_paid() {
    let app = spawn_app_with(None, holding()).await;
    let (mut taro, hanako) = settled_taro_and_hanako(&app).await;
    raise_limit(&app, &taro).await;
    // Booked for Tuesday, as a thief would, to pass the rules of the day it was made on.
    let mut body = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 400_000);
    let day = netbank_api::input::Date::from_days(netbank_server::banking::jst_day(app.clock().now()) + 2).to_string();
    body["execution_date"] = json!(day);
    let code = app.fresh_code(&taro);
    let booked: Value = app.quote_and_transfer(&taro.session, &body, Some(code)).await.json().await.unwrap();
    assert_eq!(booked["status"], "booked", "{booked}");
    app.clock().advance(2 * 86_400);
    let run = netbank_server::banking::interbank::scheduler::run_due(&app.state, "instance-a").await.unwrap();
    assert_eq!(run.executed, 1);
    // On its day the rules caught it: held for the branch, the amount reserved, nothing paid.
    assert_eq!(app.balance(&hanako.ordinary).await, 0);
    assert_eq!(held_of(&app, &taro.ordinary).await, 400_000);
    assert_eq!(netbank_server::store::holds::waiting(&app.state.db).await.unwrap().len(), 1);
    app.login_again(&mut taro, "taro01").await;
    let listed: Value = app.get_with_session("/api/transfers", &taro.session).await.json().await.unwrap();
    let listed = listed["transfers"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!((&listed[0]["receipt_no"], listed[0]["status"].as_str()), (&booked["receipt_no"], Some("held")));
    app.assert_ledger_holds().await;
}

/// Taro's 他行振込 of `amount` to みずほ, confirmed with his next code: the receipt.
async fn send_other_bank(app: &TestApp, taro: &Holder, amount: i64, payee: &str) -> Value {
    let body = json!({ "from_account": taro.ordinary, "bank_code": "0001", "branch_code": "001",
        "kind": "ordinary", "account_number": "7654321", "payee_name": payee, "amount": amount.to_string() });
    let quote: Value = app.post("/api/interbank/quote", &body, Some(&taro.session)).await.json().await.unwrap();
    let mut send = body.clone();
    send["idempotency_key"] = quote["idempotency_key"].clone();
    send["otp"] = json!(app.fresh_code(taro));
    let sent = app.post("/api/interbank/transfers", &send, Some(&taro.session)).await;
    assert_eq!(sent.status(), 200);
    sent.json().await.unwrap()
}

#[tokio::test]
async fn a_thief_s_transfer_to_another_bank_waits_out_of_every_file_until_the_branch_decides() {
    use netbank_server::operator::{holds as review, zengin};
    let app = spawn_app_with(None, holding()).await;
    let (taro, _) = settled_taro_and_hanako(&app).await;
    raise_limit(&app, &taro).await;
    let actor = netbank_server::audit::Actor::operator_cli();
    let first = send_other_bank(&app, &taro, 400_000, "ﾔﾏﾀﾞ ｼﾞﾛｳ").await;
    let second = send_other_bank(&app, &taro, 90_000, "ﾔﾏﾀﾞ ｻﾌﾞﾛｳ").await;
    for receipt in [&first, &second] {
        assert_eq!((receipt["status"].as_str(), receipt["cancellable"].as_bool()), (Some("held"), Some(true)));
    }
    // Debited into the clearing account as any other, but no 全銀 file takes them.
    assert_eq!(app.balance(&taro.ordinary).await, 1_000_000 - 490_000 - 2 * 330);
    let files = tempfile::tempdir().unwrap();
    let day = netbank_server::banking::jst_day(app.clock().now()) + 7;
    let export = zengin::export(&app.state.db, app.clock(), day, files.path(), &actor).await.unwrap();
    assert!(export.files.is_empty(), "{export:?}");
    assert_eq!(netbank_server::store::interbank::in_review(&app.state.db).await.unwrap().len(), 2);
    let told = app.mailbox().await.into_iter().filter(|m| m["subject"].as_str().unwrap().contains("確認中")).count();
    assert_eq!(told, 2);
    // The branch releases the first (once: twenty at once decide it once) and rejects the second.
    let first_no = first["receipt_no"].as_str().unwrap();
    let releases = join_all(
        (0..20).map(|_| review::release(&app.state.db, app.clock(), first_no, "本人に電話で確認済", &actor)).collect(),
    )
    .await;
    assert_eq!(releases.iter().filter(|r| r.is_ok()).count(), 1, "{releases:?}");
    let second_no = second["receipt_no"].as_str().unwrap();
    review::reject(&app.state.db, app.clock(), second_no, "本人に確認：心当たりなし", &actor).await.unwrap();
    assert!(
        review::release(&app.state.db, app.clock(), second_no, "やはり実行", &actor).await.is_err(),
        "decided once"
    );
    // The released one goes out in the next file; the rejected one's money came back.
    assert_eq!(app.balance(&taro.ordinary).await, 1_000_000 - 400_000 - 330);
    let export = zengin::export(&app.state.db, app.clock(), day, files.path(), &actor).await.unwrap();
    assert_eq!(export.files.iter().map(|f| (f.1, f.2)).collect::<Vec<_>>(), [(1, 400_000)]);
    let listed: Value = app.get_with_session("/api/interbank/transfers", &taro.session).await.json().await.unwrap();
    let statuses: Vec<&str> =
        listed["transfers"].as_array().unwrap().iter().map(|t| t["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["cancelled", "sent"]);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn a_thief_s_booking_for_a_day_past_the_window_is_still_held_on_that_day() {
    let app = spawn_app_with(None, holding()).await;
    let (taro, hanako) = settled_taro_and_hanako(&app).await;
    raise_limit(&app, &taro).await;
    // The rules' window is seven days; the thief names a business day after it.
    let today = netbank_server::banking::jst_day(app.clock().now());
    let day = (today + 8..today + 30).find(|d| netbank_server::calendar::is_business_day(*d)).unwrap();
    let mut body = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 400_000);
    body["execution_date"] = json!(netbank_api::input::Date::from_days(day).to_string());
    let code = app.fresh_code(&taro);
    let booked: Value = app.quote_and_transfer(&taro.session, &body, Some(code)).await.json().await.unwrap();
    assert_eq!(booked["status"], "booked", "{booked}");
    app.clock().advance((day - today) * 86_400);
    let run = netbank_server::banking::interbank::scheduler::run_due(&app.state, "instance-a").await.unwrap();
    assert_eq!(run.executed, 1);
    // Past the window, the rules it met when booked still hold it for the branch.
    assert_eq!(app.balance(&hanako.ordinary).await, 0);
    assert_eq!(held_of(&app, &taro.ordinary).await, 400_000);
    let waiting = netbank_server::store::holds::waiting(&app.state.db).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].rules.contains("limit_raised"), "{}", waiting[0].rules);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn bookings_in_pieces_below_the_amount_add_up_like_one_sum() {
    let app = spawn_app_with(None, holding()).await;
    let (taro, hanako) = settled_taro_and_hanako(&app).await;
    raise_limit(&app, &taro).await;
    // Two pieces of 60,000円 booked for a day past the window: the second makes 100,000円.
    let today = netbank_server::banking::jst_day(app.clock().now());
    let day = (today + 8..today + 30).find(|d| netbank_server::calendar::is_business_day(*d)).unwrap();
    let mut piece = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 60_000);
    piece["execution_date"] = json!(netbank_api::input::Date::from_days(day).to_string());
    for _ in 0..2 {
        let code = app.fresh_code(&taro);
        let booked: Value = app.quote_and_transfer(&taro.session, &piece, Some(code)).await.json().await.unwrap();
        assert_eq!(booked["status"], "booked", "{booked}");
    }
    // And a third piece at once, after them: held now, as the bookings count.
    let now = send(&app, &taro, &hanako.ordinary, 60_000).await;
    assert_eq!(now["status"], "held", "{now}");
    app.clock().advance((day - today) * 86_400);
    let run = netbank_server::banking::interbank::scheduler::run_due(&app.state, "instance-a").await.unwrap();
    assert_eq!(run.executed, 2);
    // On the day the first piece is paid and the second, which made the sum, is held.
    assert_eq!(app.balance(&hanako.ordinary).await, 60_000);
    assert_eq!(netbank_server::store::holds::waiting(&app.state.db).await.unwrap().len(), 2);
    app.assert_ledger_holds().await;
}
