//! 振込予約 within the credit union, tried as the people who would break it: dates the calendar
//! does not allow, one confirmation replayed for another day, twenty scheduler runs of two
//! instances racing over one booking, a booking the balance cannot cover, cancels on the day,
//! twice and of someone else's booking, and a thief's session without the code.

use netbank_api::input::Date;
use netbank_api::ErrorReason;
use netbank_server::banking::interbank::scheduler::run_due;
use netbank_server::banking::jst_day;
use serde_json::{json, Value};

use crate::banking_helpers::{draft, Holder};
use crate::helpers::{error_reason, join_all, spawn_app, TestApp};

/// `draft` for a 振込予約 on `date`.
fn booking(from: &str, to: &str, amount: i64, date: &str) -> Value {
    let mut body = draft(from, to, "ordinary", amount);
    body["execution_date"] = json!(date);
    body
}

impl TestApp {
    /// Quotes and confirms `body` with the holder's next code: the receipt.
    async fn book(&self, holder: &Holder, body: &Value) -> Value {
        let code = self.fresh_code(holder);
        let booked = self.quote_and_transfer(&holder.session, body, Some(code)).await;
        assert_eq!(booked.status(), 200, "book");
        booked.json().await.unwrap()
    }

    async fn cancel_booking(&self, holder: &Holder, receipt: &Value) -> reqwest::Response {
        let path = format!("/api/transfers/{}/cancel", receipt["receipt_no"].as_str().unwrap());
        self.post(&path, &json!({}), Some(&holder.session)).await
    }

    async fn history(&self, holder: &Holder) -> Vec<Value> {
        let listed: Value = self.get_with_session("/api/transfers", &holder.session).await.json().await.unwrap();
        listed["transfers"].as_array().unwrap().clone()
    }

    async fn bookings_in(&self, status: &str) -> i64 {
        self.count(&format!("SELECT COUNT(*) FROM transfer_bookings WHERE status = '{status}'")).await
    }
}

#[tokio::test]
async fn a_booked_transfer_moves_on_its_morning_once_however_many_runs_race() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    // Friday evening: the first bookable day is Monday; weekends and holidays are not listed.
    let dates: Value = app.get_with_session("/api/transfers/dates", &taro.session).await.json().await.unwrap();
    let listed: Vec<&str> = dates["dates"].as_array().unwrap().iter().map(|d| d["date"].as_str().unwrap()).collect();
    assert_eq!(listed.first(), Some(&"2027-01-18"), "{dates}");
    assert!(!listed.contains(&"2027-01-23"), "a Saturday is no business day");
    assert!(listed.iter().all(|d| *d <= "2027-02-14"), "30 days ahead at most");
    for (bad, why) in
        [("2027-01-16", "a Saturday"), ("2027-01-15", "today"), ("2027-03-01", "beyond 30 days"), ("2027-1-20", "")]
    {
        let refused = app.quote(&taro.session, &booking(&taro.ordinary, &hanako.ordinary, 40_000, bad)).await;
        let refused: Value = refused.json().await.unwrap();
        assert_eq!(refused["field"], "execution_date", "{why}: {refused}");
    }
    let body = booking(&taro.ordinary, &hanako.ordinary, 40_000, "2027-01-20");
    let quote: Value = app.quote(&taro.session, &body).await.json().await.unwrap();
    assert_eq!(quote["execution_date"], "2027年1月20日（水）");
    assert!(quote["limit_remaining"].is_null(), "the limit is that of its day: {quote}");
    let code = app.fresh_code(&taro);
    let key = quote["idempotency_key"].as_str().unwrap();
    let booked: Value = app.transfer(&taro.session, &body, key, Some(code.clone())).await.json().await.unwrap();
    assert_eq!((booked["status"].as_str(), booked["cancellable"].as_bool()), (Some("booked"), Some(true)));
    assert!(booked["receipt_no"].as_str().unwrap().contains("-Y"), "{booked}");
    // The same confirmation again answers the same; moved to another day it is refused.
    let again: Value = app.transfer(&taro.session, &body, key, Some(code.clone())).await.json().await.unwrap();
    assert_eq!(again["receipt_no"], booked["receipt_no"]);
    let moved = booking(&taro.ordinary, &hanako.ordinary, 40_000, "2027-01-21");
    let moved = app.transfer(&taro.session, &moved, key, Some(code)).await;
    assert_eq!(error_reason(moved).await, ErrorReason::IdempotencyConflict);
    // Nothing moved; 振込照会 lists it as 予約中.
    assert_eq!(app.balance(&taro.ordinary).await, 100_000);
    let history = app.history(&taro).await;
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0]["status"].as_str(), history[0]["execution_date"].as_str()),
        (Some("booked"), Some("2027年1月20日（水）"))
    );

    // Wednesday morning: twenty runs (two instances' worth) race; it is paid once.
    app.clock().advance(5 * 86_400 - 8 * 3600);
    let today = jst_day(app.clock().now());
    assert_eq!(Date::from_days(today).to_string(), "2027-01-20");
    let runs =
        join_all((0..20).map(|i| run_due(&app.state, if i % 2 == 0 { "instance-a" } else { "instance-b" })).collect())
            .await;
    let executed: usize = runs.into_iter().map(|run| run.unwrap().executed).sum();
    assert_eq!(executed, 1);
    assert_eq!(app.bookings_in("executed").await, 1);
    assert_eq!(app.balance(&taro.ordinary).await, 100_000 - 40_000);
    assert_eq!(app.balance(&hanako.ordinary).await, 40_000);
    // It counts toward the limit of the day it moved, not the day it was booked.
    let counted = "SELECT amount FROM transfer_day_totals WHERE day = ";
    assert_eq!(app.count(&format!("{counted}{today}")).await, 40_000);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM transfer_day_totals WHERE day <> {today}")).await, 0);
    // Listed once, under the number it was booked with, as done.
    let mut taro = taro;
    app.login_again(&mut taro, "taro01").await;
    let history = app.history(&taro).await;
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!((&history[0]["receipt_no"], history[0]["status"].as_str()), (&booked["receipt_no"], Some("completed")));
    assert_eq!(history[0]["cancellable"], false);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn a_booking_the_balance_cannot_cover_is_refused_and_one_is_cancelled_only_until_the_day_before() {
    let app = spawn_app().await;
    let mut taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let mut hanako = app.account_holder_with_token("hana01", "ヤマダ ハナコ", 0).await;
    let id = netbank_server::store::customers::customer_by_login_id(&app.state.db, "taro01").await.unwrap().unwrap();
    netbank_server::store::customers::set_notice_address(&app.state.db, id, "taro01@notice.example", Some(0))
        .await
        .unwrap();
    let big = app.book(&taro, &booking(&taro.ordinary, &hanako.ordinary, 90_000, "2027-01-19")).await;
    let small = app.book(&taro, &booking(&taro.ordinary, &hanako.ordinary, 1_000, "2027-01-19")).await;
    // Meanwhile the money leaves another way.
    let code = app.fresh_code(&taro);
    let now = app
        .quote_and_transfer(&taro.session, &draft(&taro.ordinary, &hanako.ordinary, "ordinary", 20_000), Some(code))
        .await;
    assert_eq!(now.status(), 200);
    // Monday, the day before: Hanako cannot cancel Taro's booking (it reads as none); Taro can,
    // once.
    app.clock().advance(3 * 86_400 - 9 * 3600);
    app.login_again(&mut taro, "taro01").await;
    app.login_again(&mut hanako, "hana01").await;
    assert_eq!(error_reason(app.cancel_booking(&hanako, &small).await).await, ErrorReason::NotFound);
    let cancelled: Value = app.cancel_booking(&taro, &small).await.json().await.unwrap();
    assert_eq!((cancelled["status"].as_str(), cancelled["cancellable"].as_bool()), (Some("cancelled"), Some(false)));
    let twice = app.cancel_booking(&taro, &small).await;
    assert_eq!(error_reason(twice).await, ErrorReason::TransferNotCancellable);
    let told =
        "SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'taro01@notice.example' AND subject LIKE '%振込予約取消%'";
    assert_eq!(app.count(told).await, 1);
    // Tuesday: on its day a booking is no longer the customer's to cancel.
    app.clock().advance(86_400);
    app.login_again(&mut taro, "taro01").await;
    let late = app.cancel_booking(&taro, &big).await;
    assert_eq!(error_reason(late).await, ErrorReason::TransferNotCancellable);
    // The balance cannot cover it: refused, with a notice; nothing moves.
    let balance = app.balance(&taro.ordinary).await;
    assert_eq!(balance, 80_000);
    let run = run_due(&app.state, "instance-a").await.unwrap();
    assert_eq!((run.executed, run.refused), (0, 1));
    assert_eq!(app.balance(&taro.ordinary).await, balance);
    assert_eq!(app.balance(&hanako.ordinary).await, 20_000);
    let told = "SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'taro01@notice.example' AND subject LIKE '%振込予約不成立%' AND body LIKE '%残高が不足%'";
    assert_eq!(app.count(told).await, 1);
    let history = app.history(&taro).await;
    let statuses: Vec<&str> = history.iter().map(|t| t["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["completed", "cancelled", "refused"], "newest first");
    // A second run finds nothing left to do.
    assert_eq!(run_due(&app.state, "instance-a").await.unwrap().refused, 0);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn a_stolen_session_books_nothing_without_the_code_and_a_lowered_cap_holds_on_the_day() {
    let app = spawn_app().await;
    let mut taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let thief = app.account_holder("mule01", "ヤマダ ジロウ", 0).await;
    let body = booking(&taro.ordinary, &thief.ordinary, 50_000, "2027-01-18");
    // The copied cookie, no code: refused, nothing booked.
    let quote: Value = app.quote(&taro.session, &body).await.json().await.unwrap();
    let key = quote["idempotency_key"].as_str().unwrap();
    let without = app.transfer(&taro.session, &body, key, None).await;
    assert_ne!(without.status(), 200);
    let wrong = app.transfer(&taro.session, &body, key, Some("000000".into())).await;
    assert_ne!(wrong.status(), 200);
    assert_eq!(app.count("SELECT COUNT(*) FROM transfer_bookings").await, 0);
    // A booking made, then the customer lowers the cap on one 振込 below it: on its day the cap
    // as it stands then holds, and the booking is refused.
    let booked = app.book(&taro, &body).await;
    assert_eq!(booked["status"], "booked");
    let code = app.fresh_code(&taro);
    let lowered = app
        .post("/api/transfer-limit/per-transfer", &json!({ "limit": "10000", "otp": code }), Some(&taro.session))
        .await;
    assert_eq!(lowered.status(), 200, "{}", lowered.text().await.unwrap());
    app.clock().advance(3 * 86_400 - 9 * 3600);
    let run = run_due(&app.state, "instance-a").await.unwrap();
    assert_eq!((run.executed, run.refused), (0, 1));
    assert_eq!(app.balance(&thief.ordinary).await, 0);
    app.login_again(&mut taro, "taro01").await;
    // And a booking above the cap, or above the whole limit of its day, is refused when it is
    // made, not on its day — within 当組合 and to another bank alike.
    let over = app.quote(&taro.session, &booking(&taro.ordinary, &thief.ordinary, 20_000, "2027-01-20")).await;
    assert_eq!(error_reason(over).await, ErrorReason::PerTransferLimitExceeded);
    // A raise of the cap takes effect from 0:00 tomorrow: a booking for a later day may use it.
    let code = app.fresh_code(&taro);
    let body = json!({ "limit": "5000000", "otp": code });
    let lifted = app.post("/api/transfer-limit/per-transfer", &body, Some(&taro.session)).await;
    assert_eq!(lifted.status(), 200, "{}", lifted.text().await.unwrap());
    let lifted: Value = lifted.json().await.unwrap();
    assert_eq!(lifted["per_transfer"], 10_000, "not before tomorrow: {lifted}");
    let within = app.quote(&taro.session, &booking(&taro.ordinary, &thief.ordinary, 20_000, "2027-01-20")).await;
    assert_eq!(within.status(), 200, "the raise is in force on the booking's day");
    let day_limit = lifted["limit"].as_i64().unwrap();
    let above = booking(&taro.ordinary, &thief.ordinary, day_limit + 1, "2027-01-20");
    assert_eq!(error_reason(app.quote(&taro.session, &above).await).await, ErrorReason::DailyLimitExceeded);
    let other_bank = json!({ "from_account": taro.ordinary, "bank_code": "0001", "branch_code": "001",
        "kind": "ordinary", "account_number": "7654321", "payee_name": "ﾔﾏﾀﾞ ｼﾞﾛｳ",
        "amount": day_limit.to_string(), "execution_date": "2027-01-20" });
    let above = app.post("/api/interbank/quote", &other_bank, Some(&taro.session)).await;
    assert_eq!(error_reason(above).await, ErrorReason::DailyLimitExceeded, "the fee counts too");
}

#[tokio::test]
async fn one_key_makes_one_payment_whether_it_names_a_day_or_not() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    // A 振替 needs no code: forty submissions of one key race, half of them naming a day.
    let now = draft(&taro.ordinary, &taro.savings, "savings", 1_000);
    let later = {
        let mut body = now.clone();
        body["execution_date"] = json!("2027-01-20");
        body
    };
    let key = "0123456789abcdef0123456789abcdef";
    let answers = join_all(
        (0..40).map(|i| app.transfer(&taro.session, if i % 2 == 0 { &now } else { &later }, key, None)).collect(),
    )
    .await;
    let made = app.count("SELECT (SELECT COUNT(*) FROM transfers) + (SELECT COUNT(*) FROM transfer_bookings)").await;
    assert_eq!(made, 1, "one payment under one key");
    let mut receipts: Vec<String> = Vec::new();
    for answer in answers {
        if answer.status() == 200 {
            receipts.push(answer.json::<Value>().await.unwrap()["receipt_no"].as_str().unwrap().to_owned());
        } else {
            assert_eq!(error_reason(answer).await, ErrorReason::IdempotencyConflict);
        }
    }
    receipts.dedup();
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    // The same, one after the other: a key that moved money at once books nothing.
    let booked = app.count("SELECT COUNT(*) FROM transfer_bookings").await;
    let key = "fedcba9876543210fedcba9876543210";
    assert_eq!(app.transfer(&taro.session, &now, key, None).await.status(), 200);
    assert_eq!(
        error_reason(app.transfer(&taro.session, &later, key, None).await).await,
        ErrorReason::IdempotencyConflict
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM transfer_bookings").await, booked);
    app.assert_ledger_holds().await;
}
