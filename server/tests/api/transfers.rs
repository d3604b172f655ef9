//! 振込・振替 as an attacker and a clumsy customer would try them: overdrawing in parallel,
//! confirming twice, replaying a confirmation for another amount, guessing codes, sending
//! without a token, taking from someone else's account, passing the day's limit.

use netbank_api::ErrorReason;
use netbank_server::money::Yen;
use serde_json::{json, Value};

use crate::banking_helpers::draft;
use crate::helpers::{error_reason, join_all, spawn_app, spawn_app_configured};

#[tokio::test]
async fn a_transfer_between_own_accounts_needs_no_code_and_both_statements_show_it() {
    let app = spawn_app().await;
    let taro = app.account_holder("taro01", "ヤマダ タロウ", 100_000).await;
    let body = draft(&taro.ordinary, &taro.savings, "savings", 30_000);
    let quote: Value = app.quote(&taro.session, &body).await.json().await.unwrap();
    assert_eq!(
        (quote["kind"].as_str(), quote["fee"].as_i64(), quote["balance_after"].as_i64()),
        (Some("own_transfer"), Some(0), Some(70_000))
    );
    assert_eq!(quote["otp_required"], false);
    assert_eq!(quote["to"]["name"], "ヤマダ\u{3000}タロウ");

    let response = app.transfer(&taro.session, &body, quote["idempotency_key"].as_str().unwrap(), None).await;
    assert_eq!(response.status(), 200);
    let receipt: Value = response.json().await.unwrap();
    assert!(receipt["receipt_no"].as_str().unwrap().starts_with("20270115-"), "{receipt}");
    assert_eq!((app.balance(&taro.ordinary).await, app.balance(&taro.savings).await), (70_000, 30_000));

    let out = app.statement(&taro.session, &taro.ordinary, "period=this_month").await;
    assert_eq!(out["entries"][0]["description"], "振替");
    assert_eq!(
        (out["entries"][0]["withdrawal"].as_i64(), out["entries"][0]["balance"].as_i64()),
        (Some(30_000), Some(70_000))
    );
    let into = app.statement(&taro.session, &taro.savings, "period=this_month").await;
    assert_eq!(
        (into["entries"][0]["deposit"].as_i64(), into["entries"][0]["balance"].as_i64()),
        (Some(30_000), Some(30_000))
    );
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn a_hundred_parallel_transfers_from_an_account_that_covers_ten_move_exactly_ten() {
    let app = spawn_app().await;
    let taro = app.account_holder("taro01", "ヤマダ タロウ", 100_000).await;
    let body = draft(&taro.ordinary, &taro.savings, "savings", 10_000);
    let keys: Vec<String> = (0..100).map(|i| format!("{i:032x}")).collect();
    let answers = join_all(keys.iter().map(|key| app.transfer(&taro.session, &body, key, None)).collect()).await;
    let mut done = 0;
    for answer in answers {
        match answer.status().as_u16() {
            200 => done += 1,
            _ => assert_eq!(error_reason(answer).await, ErrorReason::InsufficientFunds),
        }
    }
    assert_eq!(done, 10, "exactly the ten the balance covers");
    assert_eq!((app.balance(&taro.ordinary).await, app.balance(&taro.savings).await), (0, 100_000));
    assert_eq!(app.count("SELECT COUNT(*) FROM transfers").await, 10);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn a_transfer_to_another_customer_is_refused_without_a_token_in_use() {
    let app = spawn_app().await;
    let taro = app.account_holder("taro01", "ヤマダ タロウ", 100_000).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let body = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 1_000);
    assert_eq!(error_reason(app.quote(&taro.session, &body).await).await, ErrorReason::OtpRequired);
    let key = "0123456789abcdef0123456789abcdef";
    let response = app.transfer(&taro.session, &body, key, Some("123456".into())).await;
    assert_eq!(response.status(), 403);
    assert_eq!(error_reason(response).await, ErrorReason::OtpRequired);
    let (branch, number) = hanako.ordinary_parts();
    let lookup = json!({ "branch_code": branch, "kind": "ordinary", "account_number": number });
    assert_eq!(
        error_reason(app.post("/api/payees/lookup", &lookup, Some(&taro.session)).await).await,
        ErrorReason::OtpRequired
    );
    assert_eq!(app.balance(&taro.ordinary).await, 100_000);
}

#[tokio::test]
async fn a_transfer_to_another_customer_is_confirmed_with_a_code_sends_a_notice_and_keeps_the_payee() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let (branch, number) = hanako.ordinary_parts();
    let lookup = json!({ "branch_code": branch, "kind": "ordinary", "account_number": number });
    let payee: Value = app.post("/api/payees/lookup", &lookup, Some(&taro.session)).await.json().await.unwrap();
    assert_eq!((payee["name"].as_str(), payee["own"].as_bool()), (Some("ヤマダ\u{3000}ハナコ"), Some(false)));

    let body = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 12_345);
    let quote: Value = app.quote(&taro.session, &body).await.json().await.unwrap();
    assert_eq!((quote["otp_required"].as_bool(), quote["limit_remaining"].as_i64()), (Some(true), Some(500_000)));
    let key = quote["idempotency_key"].as_str().unwrap();
    // Without the code: refused, naming the field; nothing moved.
    let response = app.transfer(&taro.session, &body, key, None).await;
    assert_eq!(response.status(), 422);
    let mut with_payee = body.clone();
    with_payee["save_payee"] = json!(true);
    let response = app.transfer(&taro.session, &with_payee, key, Some(app.fresh_code(&taro))).await;
    assert_eq!(response.status(), 200);
    let receipt: Value = response.json().await.unwrap();
    assert_eq!(
        (receipt["kind"].as_str(), receipt["to"]["name"].as_str()),
        (Some("transfer"), Some("ヤマダ\u{3000}ハナコ"))
    );
    assert_eq!((app.balance(&taro.ordinary).await, app.balance(&hanako.ordinary).await), (87_655, 12_345));

    let theirs = app.statement(&hanako.session, &hanako.ordinary, "period=last_week").await;
    assert_eq!(theirs["entries"][0]["description"], "振込 ヤマダ\u{3000}タロウ");
    let mine = app.statement(&taro.session, &taro.ordinary, "period=last_week").await;
    assert_eq!(mine["entries"][0]["description"], "振込 ヤマダ\u{3000}ハナコ");

    let payees: Value = app.get_with_session("/api/payees", &taro.session).await.json().await.unwrap();
    assert_eq!(payees["payees"][0]["account_number"], number);
    let notice = app.delivered_mail_to("taro01@notice.example").await;
    let text = notice["body"].as_str().unwrap();
    assert!(text.contains(receipt["receipt_no"].as_str().unwrap()) && text.contains("12,345円"), "{text}");
    assert!(!text.contains(number), "the payee's account number is masked: {text}");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'transfer' AND result = 'success'").await, 1);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn a_hundred_parallel_submissions_of_one_confirmation_move_money_once_under_one_receipt() {
    let app = spawn_app().await;
    let (taro, hanako, body, key) = app.confirming_a_transfer(1_000).await;
    let key = key.as_str();
    let code = app.fresh_code(&taro);
    let answers =
        join_all((0..100).map(|_| app.transfer(&taro.session, &body, key, Some(code.clone()))).collect()).await;
    let mut receipts = std::collections::BTreeSet::new();
    for answer in answers {
        assert_eq!(answer.status(), 200, "every retry answers as the first did");
        let receipt: Value = answer.json().await.unwrap();
        receipts.insert(receipt["receipt_no"].as_str().unwrap().to_owned());
    }
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM transfers").await, 1);
    assert_eq!(app.balance(&hanako.ordinary).await, 1_000);

    // Later, a retry after a timeout (the code long used) still gets the receipt…
    app.clock().advance(300);
    let again: Value = app.transfer(&taro.session, &body, key, Some(code)).await.json().await.unwrap();
    assert_eq!(again["receipt_no"].as_str(), receipts.first().map(String::as_str));
    // …and the same confirmation replayed for another amount or payee moves nothing.
    let more = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 90_000);
    let response = app.transfer(&taro.session, &more, key, Some(app.fresh_code(&taro))).await;
    assert_eq!(response.status(), 409);
    assert_eq!(error_reason(response).await, ErrorReason::IdempotencyConflict);
    let elsewhere = draft(&taro.ordinary, &taro.savings, "savings", 1_000);
    assert_eq!(
        error_reason(app.transfer(&taro.session, &elsewhere, key, None).await).await,
        ErrorReason::IdempotencyConflict
    );
    assert_eq!(app.balance(&taro.ordinary).await, 99_000);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn wrong_codes_on_a_transfer_count_toward_the_stop_like_login_codes() {
    let app = spawn_app().await;
    let (taro, hanako, body, key) = app.confirming_a_transfer(1_000).await;
    let key = key.as_str();
    let token = taro.token.clone().unwrap();
    for _ in 0..4 {
        let response = app.transfer(&taro.session, &body, key, Some(token.wrong_code(app.clock().now()))).await;
        assert_eq!(error_reason(response).await, ErrorReason::InvalidOtp);
    }
    let fifth = app.transfer(&taro.session, &body, key, Some(token.wrong_code(app.clock().now()))).await;
    assert_eq!(error_reason(fifth).await, ErrorReason::OtpSuspended);
    // The stop ended the session: the right code cannot finish what the guesses started.
    let response = app.transfer(&taro.session, &body, key, Some(app.fresh_code(&taro))).await;
    assert_eq!(response.status(), 401);
    assert_eq!(app.balance(&hanako.ordinary).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM transfers").await, 0);
}

#[tokio::test]
async fn an_unknown_payee_is_said_only_after_a_valid_code_and_lookups_are_counted() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let nobody = draft(&taro.ordinary, "009-9999999", "ordinary", 1_000);
    let key = "00000000000000000000000000000001";
    // A guessed code answers about the code, not about the account.
    let token = taro.token.clone().unwrap();
    let response = app.transfer(&taro.session, &nobody, key, Some(token.wrong_code(app.clock().now()))).await;
    assert_eq!(error_reason(response).await, ErrorReason::InvalidOtp);
    let response = app.transfer(&taro.session, &nobody, key, Some(app.fresh_code(&taro))).await;
    assert_eq!(error_reason(response).await, ErrorReason::PayeeNotFound);

    // Lookups of other people's accounts stop at the hourly allowance (30 by default).
    let lookup =
        |number: u32| json!({ "branch_code": "009", "kind": "ordinary", "account_number": format!("{number:07}") });
    for number in 0..30 {
        let response = app.post("/api/payees/lookup", &lookup(number), Some(&taro.session)).await;
        assert_eq!(error_reason(response).await, ErrorReason::PayeeNotFound);
    }
    let response = app.post("/api/payees/lookup", &lookup(31), Some(&taro.session)).await;
    assert_eq!(response.status(), 429);
    // The quote asks the same question and is counted the same way.
    assert_eq!(app.quote(&taro.session, &nobody).await.status(), 429);
    // The customer's own accounts stay free to name.
    let (branch, number) = taro.savings.split_once('-').unwrap();
    let own = json!({ "branch_code": branch, "kind": "savings", "account_number": number });
    assert_eq!(app.post("/api/payees/lookup", &own, Some(&taro.session)).await.status(), 200);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'payee_lookup'").await, 30);
}

#[tokio::test]
async fn someone_elses_account_can_be_neither_the_source_nor_read() {
    let app = spawn_app().await;
    let taro = app.account_holder("taro01", "ヤマダ タロウ", 100_000).await;
    let mallory = app.account_holder("mal01", "マロリー", 0).await;
    let body = draft(&taro.ordinary, &mallory.ordinary, "ordinary", 1_000);
    let response = app.quote(&mallory.session, &body).await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>().await.unwrap()["field"], "from_account");
    let response = app.transfer(&mallory.session, &body, "00000000000000000000000000000002", None).await;
    assert_eq!(response.json::<Value>().await.unwrap()["field"], "from_account");
    for path in ["statement?period=this_month", "statement/csv?period=this_month"] {
        let response = app.get_with_session(&format!("/api/accounts/{}/{path}", taro.ordinary), &mallory.session).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    let response = app.get(&format!("/api/accounts/{}/statement", taro.ordinary)).await;
    assert_eq!(response.status(), 401);
    assert_eq!(app.balance(&taro.ordinary).await, 100_000);
}

#[tokio::test]
async fn the_daily_limit_refuses_the_transfer_that_would_pass_it_and_raising_it_needs_a_code() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 2_000_000).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let send = |amount: i64| draft(&taro.ordinary, &hanako.ordinary, "ordinary", amount);
    assert_eq!(app.quote_and_transfer(&taro.session, &send(400_000), Some(app.fresh_code(&taro))).await.status(), 200);
    let response = app.quote(&taro.session, &send(100_001)).await;
    assert_eq!(error_reason(response).await, ErrorReason::DailyLimitExceeded);
    let limit: Value = app.get_with_session("/api/transfer-limit", &taro.session).await.json().await.unwrap();
    assert_eq!(
        (limit["limit"].as_i64(), limit["used_today"].as_i64(), limit["remaining"].as_i64()),
        (Some(500_000), Some(400_000), Some(100_000))
    );

    // Lowering needs nothing; raising without a code is refused and changes nothing.
    let lower = app.post("/api/transfer-limit", &json!({ "limit": "300000" }), Some(&taro.session)).await;
    assert_eq!(lower.status(), 200);
    let raise = app.post("/api/transfer-limit", &json!({ "limit": "1000000" }), Some(&taro.session)).await;
    assert_eq!(raise.status(), 422);
    let limit: Value = app.get_with_session("/api/transfer-limit", &taro.session).await.json().await.unwrap();
    assert_eq!((limit["limit"].as_i64(), limit["remaining"].as_i64()), (Some(300_000), Some(0)));
    let raise = app
        .post("/api/transfer-limit", &json!({ "limit": "1000000", "otp": app.fresh_code(&taro) }), Some(&taro.session))
        .await;
    assert_eq!(raise.status(), 200);
    // A raise waits for 0:00 (Japan time): whoever raised it cannot use it before the
    // customer has seen the mail about it.
    let raised: Value = raise.json().await.unwrap();
    assert_eq!(raised["limit"], 300_000, "{raised}");
    assert_eq!(raised["scheduled"]["daily"], 1_000_000, "{raised}");
    assert!(raised["scheduled"]["from"].as_str().unwrap().ends_with("00:00"), "{raised}");
    let response = app.quote(&taro.session, &send(100_000)).await;
    assert_eq!(error_reason(response).await, ErrorReason::DailyLimitExceeded);
    let above = app
        .post("/api/transfer-limit", &json!({ "limit": "20000000", "otp": app.fresh_code(&taro) }), Some(&taro.session))
        .await;
    assert_eq!(above.json::<Value>().await.unwrap()["field"], "limit");

    // The next day (Japan time) starts from nothing, under the raised limit.
    app.clock().advance(86_400);
    let session = app.logged_in_with_code("taro01", "kumo4821", taro.token.as_ref().unwrap()).await;
    let limit: Value = app.get_with_session("/api/transfer-limit", &session).await.json().await.unwrap();
    assert_eq!(limit["used_today"].as_i64(), Some(0));
    assert_eq!(limit["limit"].as_i64(), Some(1_000_000));
    assert!(limit["scheduled"].is_null());
    assert_eq!(app.quote_and_transfer(&session, &send(600_000), Some(app.fresh_code(&taro))).await.status(), 200);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn the_days_limit_holds_for_a_hundred_parallel_reservations() {
    // A customer holds one fresh code per 30 seconds, so parallel 振込 of one customer cannot
    // all reach the reservation through the API; the reservation itself is raced here, each
    // in its own transaction as the transfer makes it.
    let app = spawn_app().await;
    let taro = app.account_holder("taro01", "ヤマダ タロウ", 0).await;
    let customer_id = netbank_server::ids::CustomerId(
        app.count("SELECT customer_id FROM credentials WHERE login_id = 'taro01'").await,
    );
    drop(taro);
    let db = app.state.db.clone();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut tx = netbank_server::db::begin_write(&db).await.unwrap();
                let done = netbank_server::store::day_totals::reserve(
                    &mut tx,
                    netbank_server::store::day_totals::DayTotals::Transfers,
                    customer_id,
                    20_000,
                    Yen(60_000),
                    Yen(500_000),
                )
                .await
                .unwrap();
                tx.commit().await.unwrap();
                done
            })
        })
        .collect();
    let mut reserved = 0;
    for task in tasks {
        reserved += i64::from(task.await.unwrap());
    }
    assert_eq!(reserved, 8, "8 × 60,000円 fit in 500,000円");
    assert_eq!(app.count("SELECT amount FROM transfer_day_totals").await, 480_000);
}

#[tokio::test]
async fn fees_come_from_the_configured_table_and_are_their_own_line_to_income() {
    let app = spawn_app_configured(|settings| {
        settings.policy.transfer.fees = "same_branch=110/220,other_branch=330/440".parse().unwrap();
    })
    .await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 50_000).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let body = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 30_000);
    let quote: Value = app.quote(&taro.session, &body).await.json().await.unwrap();
    assert_eq!((quote["fee"].as_i64(), quote["balance_after"].as_i64()), (Some(220), Some(19_780)));
    assert_eq!(app.quote_and_transfer(&taro.session, &body, Some(app.fresh_code(&taro))).await.status(), 200);
    let mine = app.statement(&taro.session, &taro.ordinary, "period=this_month").await;
    assert_eq!(mine["entries"][0]["description"], "振込手数料");
    assert_eq!(
        (mine["entries"][0]["withdrawal"].as_i64(), mine["entries"][0]["balance"].as_i64()),
        (Some(220), Some(19_780))
    );
    assert_eq!(
        app.count("SELECT CAST(SUM(amount) AS BIGINT) FROM journal_lines WHERE house_account = 'fee_income'").await,
        220
    );
    // The fee counts toward what the balance must cover: 19,780円 cannot send 19,780円 and its fee.
    let all = draft(&taro.ordinary, &hanako.ordinary, "ordinary", 19_780);
    assert_eq!(error_reason(app.quote(&taro.session, &all).await).await, ErrorReason::InsufficientFunds);
    // 振替 is free.
    let own = app
        .quote(&taro.session, &draft(&taro.ordinary, &taro.savings, "savings", 10_000))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(own["fee"].as_i64(), Some(0));
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn bad_input_is_refused_by_field_and_changes_nothing() {
    let app = spawn_app().await;
    let taro = app.account_holder("taro01", "ヤマダ タロウ", 10_000).await;
    let mut body = draft(&taro.ordinary, &taro.savings, "savings", 1);
    for (field, value) in [("amount", "0"), ("amount", "1.5"), ("to_account_number", "12"), ("requester_name", "Taro")]
    {
        let mut bad = body.clone();
        bad[field] = json!(value);
        let response = app.quote(&taro.session, &bad).await;
        assert_eq!(response.status(), 422, "{field}={value}");
        assert_eq!(response.json::<Value>().await.unwrap()["field"], field);
    }
    body["to_kind"] = json!("ordinary");
    assert_eq!(
        error_reason(app.quote(&taro.session, &body).await).await,
        ErrorReason::OtpRequired,
        "a wrong 科目 is another account"
    );
    let same = draft(&taro.ordinary, &taro.ordinary, "ordinary", 1);
    assert_eq!(app.quote(&taro.session, &same).await.json::<Value>().await.unwrap()["field"], "to_account_number");
    let response =
        app.transfer(&taro.session, &draft(&taro.ordinary, &taro.savings, "savings", 1), "not-a-key", None).await;
    assert_eq!(response.json::<Value>().await.unwrap()["field"], "idempotency_key");
    assert_eq!(app.count("SELECT COUNT(*) FROM journal_entries").await, 1, "only the opening entry");
}

#[tokio::test]
async fn a_cap_on_one_transfer_is_lowered_at_once_and_raised_from_the_next_day() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 500_000).await;
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let send = |amount: i64| draft(&taro.ordinary, &hanako.ordinary, "ordinary", amount);
    // Setting a cap where there was none makes less possible: at once, no code.
    let set = app.post("/api/transfer-limit/per-transfer", &json!({ "limit": "50000" }), Some(&taro.session)).await;
    assert_eq!(set.status(), 200);
    assert_eq!(set.json::<Value>().await.unwrap()["per_transfer"], 50_000);
    let refused = app.quote(&taro.session, &send(50_001)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PerTransferLimitExceeded);
    assert_eq!(app.quote_and_transfer(&taro.session, &send(50_000), Some(app.fresh_code(&taro))).await.status(), 200);
    // A thief with the session cannot lift it without the code, and with it not before 0:00.
    let lifted = app.post("/api/transfer-limit/per-transfer", &json!({ "limit": "300000" }), Some(&taro.session)).await;
    assert_eq!(lifted.status(), 422, "a raise needs the code");
    let body = json!({ "limit": "300000", "otp": app.fresh_code(&taro) });
    let raised: Value =
        app.post("/api/transfer-limit/per-transfer", &body, Some(&taro.session)).await.json().await.unwrap();
    assert_eq!(
        (raised["per_transfer"].as_i64(), raised["scheduled"]["per_transfer"].as_i64()),
        (Some(50_000), Some(300_000))
    );
    let refused = app.quote(&taro.session, &send(100_000)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PerTransferLimitExceeded);
    // A confirmation sent without the quote is refused too, its code spent.
    let mut confirmation = send(100_000);
    confirmation["idempotency_key"] = json!("0123456789abcdef0123456789abcdef");
    confirmation["otp"] = json!(app.fresh_code(&taro));
    let refused = app.post("/api/transfers", &confirmation, Some(&taro.session)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PerTransferLimitExceeded);
    assert_eq!(app.balance(&hanako.ordinary).await, 50_000);
    // The next day the raise is in force.
    app.clock().advance(86_400);
    let session = app.logged_in_with_code("taro01", "kumo4821", taro.token.as_ref().unwrap()).await;
    let limit: Value = app.get_with_session("/api/transfer-limit", &session).await.json().await.unwrap();
    assert_eq!(limit["per_transfer"], 300_000, "{limit}");
    assert!(limit["scheduled"].is_null());
    let sent = app.quote_and_transfer(&session, &send(100_000), Some(app.fresh_code(&taro))).await;
    assert_eq!(sent.status(), 200);
}
