//! ペイジー, tried as the people who would break it: a thief with a session guessing 確認番号,
//! a payer who holds only someone else's bill number, a hundred submissions of one bill at
//! once, an overdue bill, the day's limit, a new authenticator, an approval carried over to
//! another bill, and the biller's CSV with broken lines.

use netbank_api::input::{AccountNumber, BillerNumber, BranchCode, Date, KanaName};
use netbank_api::payeasy::BillerKind;
use netbank_api::ErrorReason;
use netbank_server::audit::Actor;
use netbank_server::banking::jst_day;
use netbank_server::config::Policy;
use netbank_server::money::Yen;
use netbank_server::operator::payeasy::{self, BillerSpec};
use netbank_server::store::customers;
use serde_json::{json, Value};

use crate::banking_helpers::Holder;
use crate::helpers::{error_reason, join_all, spawn_app, spawn_app_with, test_policy, TestApp};

const CITY: &str = "11301";
const SHOP: &str = "58901";

/// ネットバンク市 (納付区分) and a mail-order company that charges 110円, each with a 収納口座.
async fn billers(app: &TestApp) {
    for (number, name, kana, kind, category, fee, account) in [
        (CITY, "ネットバンク市", "ネットバンクシ", BillerKind::Local, true, 0, "9100001"),
        (SHOP, "デモ通販株式会社", "デモツウハン", BillerKind::Company, false, 110, "9100002"),
    ] {
        let spec = BillerSpec {
            number: &BillerNumber::parse(number).unwrap(),
            name,
            kana: &KanaName::parse(kana).unwrap(),
            kind,
            needs_category: category,
            fee: Yen(fee),
            branch: &BranchCode::parse("001").unwrap(),
            account: &AccountNumber::parse(account).unwrap(),
        };
        payeasy::add_biller(&app.state.db, app.clock(), &spec, &Actor::operator_cli()).await.unwrap();
    }
}

/// The date `days` from the app's today, as the CSV writes it.
fn day_from_now(app: &TestApp, days: i64) -> String {
    Date::from_days(jst_day(app.clock().now()) + days).to_string()
}

/// Imports CSV lines (without the header); the report.
async fn import(app: &TestApp, lines: &[String]) -> payeasy::ImportReport {
    let text = format!("{}\n{}\n", payeasy::BILL_COLUMNS.join(","), lines.join("\n"));
    payeasy::import_bills(&app.state.db, app.clock(), &text, &Actor::operator_cli()).await.unwrap()
}

/// A city tax bill `number` (確認番号 1357, 納付区分 010) of `amount`, due in `days`.
fn tax_line(app: &TestApp, number: &str, amount: i64, days: i64) -> String {
    format!("{CITY},{number},1357,010,{amount},{},令和8年度 固定資産税 第3期", day_from_now(app, days))
}

fn shop_line(app: &TestApp, number: &str, amount: i64) -> String {
    format!("{SHOP},{number},4242,,{amount},{},ご注文番号 42 お買上代金", day_from_now(app, 30))
}

fn tax_query(from: &str, number: &str, confirmation: &str) -> Value {
    json!({ "from_account": from, "biller_number": CITY, "bill_number": number,
        "confirmation_number": confirmation, "category": "010" })
}

impl TestApp {
    async fn bill_quote(&self, session: &str, query: &Value) -> reqwest::Response {
        self.post("/api/payeasy/quote", query, Some(session)).await
    }

    async fn pay_bill(&self, session: &str, query: &Value, key: &str, otp: Option<String>) -> reqwest::Response {
        let mut body = query.clone();
        body["idempotency_key"] = json!(key);
        if let Some(otp) = otp {
            body["otp"] = json!(otp);
        }
        self.post("/api/payeasy/payments", &body, Some(session)).await
    }

    /// A new day's login with the password and the token's code (the old session ran out).
    pub(crate) async fn login_again(&self, holder: &mut Holder, login_id: &str) {
        let login = self.login(login_id, crate::otp_helpers::LOGIN_PASSWORD).await;
        let pending = crate::helpers::session_cookie(&login).unwrap();
        let code = self.fresh_code(holder);
        let full = self.submit_otp("/api/login/otp", &pending, &code).await;
        assert_eq!(full.status(), 200, "login with the code");
        holder.session = crate::helpers::session_cookie(&full).unwrap();
    }

    /// Quotes and confirms with the holder's next code: the confirmation's answer.
    async fn quote_and_pay(&self, holder: &Holder, query: &Value) -> reqwest::Response {
        let quote = self.bill_quote(&holder.session, query).await;
        assert_eq!(quote.status(), 200, "quote");
        let key = quote.json::<Value>().await.unwrap()["idempotency_key"].as_str().unwrap().to_owned();
        let code = self.fresh_code(holder);
        self.pay_bill(&holder.session, query, &key, Some(code)).await
    }
}

fn key(i: usize) -> String {
    format!("{i:032x}")
}

#[tokio::test]
async fn a_city_tax_bill_is_paid_once_with_the_tokens_code_and_its_money_reaches_the_city() {
    let app = spawn_app().await;
    billers(&app).await;
    let report = import(&app, &[tax_line(&app, "2026300012345", 42_300, 30), shop_line(&app, "777", 12_980)]).await;
    assert_eq!((report.imported, report.refused.len()), (2, 0), "{report:?}");
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let id = customers::customer_by_login_id(&app.state.db, "taro01").await.unwrap().unwrap();
    customers::set_notice_address(&app.state.db, id, "taro01@notice.example", Some(0)).await.unwrap();

    // BPY002: the 収納機関番号 names the city and says what its bills carry.
    let biller: Value =
        app.get_with_session(&format!("/api/payeasy/billers/{CITY}"), &taro.session).await.json().await.unwrap();
    assert_eq!(
        (biller["name"].as_str(), biller["kind"].as_str(), biller["needs_category"].as_bool()),
        (Some("ネットバンク市"), Some("local"), Some(true))
    );
    let unknown = app.get_with_session("/api/payeasy/billers/99999", &taro.session).await;
    assert_eq!(error_reason(unknown).await, ErrorReason::BillerNotFound);

    let query = tax_query(&taro.ordinary, "2026300012345", "1357");
    let quote: Value = app.bill_quote(&taro.session, &query).await.json().await.unwrap();
    assert_eq!(quote["description"], "令和8年度 固定資産税 第3期");
    assert_eq!(
        (quote["amount"].as_i64(), quote["fee"].as_i64(), quote["balance_after"].as_i64()),
        (Some(42_300), Some(0), Some(57_700))
    );
    assert!(quote["due_date"].as_str().unwrap().ends_with('日'), "{quote}");
    // 確認 without a code moves nothing.
    let key = quote["idempotency_key"].as_str().unwrap();
    assert_eq!(error_reason(app.pay_bill(&taro.session, &query, key, None).await).await, ErrorReason::InvalidInput);
    let code = app.fresh_code(&taro);
    let paid = app.pay_bill(&taro.session, &query, key, Some(code.clone())).await;
    assert_eq!(paid.status(), 200);
    let receipt: Value = paid.json().await.unwrap();
    assert!(receipt["receipt_no"].as_str().unwrap().contains("-P"), "{receipt}");
    // The same confirmation again: the same receipt, nothing moves twice.
    let again: Value = app.pay_bill(&taro.session, &query, key, Some(code)).await.json().await.unwrap();
    assert_eq!(again["receipt_no"], receipt["receipt_no"]);
    assert_eq!(app.balance(&taro.ordinary).await, 57_700);
    assert_eq!(app.balance("001-9100001").await, 42_300);
    // Paid: a new confirmation of it is refused by name, before any code is asked.
    let twice = app.bill_quote(&taro.session, &query).await;
    assert_eq!((twice.status().as_u16(), error_reason(twice).await), (409, ErrorReason::BillAlreadyPaid));

    // The mail-order bill carries a fee to the bank.
    let shop = json!({ "from_account": taro.ordinary, "biller_number": SHOP, "bill_number": "777", "confirmation_number": "4242" });
    assert_eq!(app.quote_and_pay(&taro, &shop).await.status(), 200);
    assert_eq!(app.balance(&taro.ordinary).await, 57_700 - 12_980 - 110);

    // 払込照会, the notice (no 領収書), the statement's 摘要, the ledger, the day's settlement.
    let history: Value = app.get_with_session("/api/payeasy/payments", &taro.session).await.json().await.unwrap();
    let listed: Vec<&str> =
        history["payments"].as_array().unwrap().iter().map(|p| p["biller"]["name"].as_str().unwrap()).collect();
    assert_eq!(listed, ["デモ通販株式会社", "ネットバンク市"]);
    let notices = app
        .count("SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'taro01@notice.example' AND subject LIKE '%ペイジー払込受付のお知らせ%' AND body LIKE '%領収書は発行されません%' AND body NOT LIKE '%1357%'")
        .await;
    assert_eq!(notices, 2);
    let statement = app.statement(&taro.session, &taro.ordinary, "period=this_month").await;
    assert!(statement.to_string().contains("ペイジー ネットバンク市"), "{statement}");
    app.assert_ledger_holds().await;
    let settled = payeasy::settle(&app.state.db, Date::from_days(jst_day(app.clock().now()))).await.unwrap();
    assert!(settled.contains("11301  ネットバンク市  収納口座 001-9100001  1件  42,300円"), "{settled}");
    assert!(settled.contains("total  2件  55,280円"), "{settled}");
}

#[tokio::test]
async fn guessing_numbers_stops_payeasy_after_ten_a_day_and_the_sixth_stop_needs_the_branch() {
    let app = spawn_app().await;
    billers(&app).await;
    import(&app, &[tax_line(&app, "5000", 1_000, 60)]).await;
    let mut thief = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let right = tax_query(&thief.ordinary, "5000", "1357");
    let wrong = |guess: usize| tax_query(&thief.ordinary, "5000", &format!("{guess:04}"));

    // A hundred guesses at once: ten are looked at, the rest refused as stopped.
    let guesses: Vec<Value> = (0..100).map(|i| wrong(2000 + i)).collect();
    let answers = join_all(guesses.iter().map(|guess| app.bill_quote(&thief.session, guess)).collect()).await;
    let mut reasons = std::collections::BTreeMap::new();
    for answer in answers {
        *reasons.entry(format!("{:?}", error_reason(answer).await)).or_insert(0) += 1;
    }
    assert_eq!(reasons.get("BillNotFound"), Some(&10), "{reasons:?}");
    assert_eq!(reasons.get("PayeasyStopped"), Some(&90), "{reasons:?}");
    // Even the right numbers wait for tomorrow; a wrong 納付番号 and a wrong 確認番号 read alike.
    assert_eq!(error_reason(app.bill_quote(&thief.session, &right).await).await, ErrorReason::PayeasyStopped);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'payeasy_stop'").await, 1);

    // Five more days of ten wrong each: the sixth stop locks it until the branch.
    for day in 1..=5 {
        app.clock().advance(86_400);
        app.login_again(&mut thief, "taro01").await;
        assert_eq!(app.bill_quote(&thief.session, &right).await.status(), 200, "day {day}: the right numbers pass");
        for i in 0..10 {
            let answer = app.bill_quote(&thief.session, &tax_query(&thief.ordinary, &format!("9{i}"), "1357")).await;
            assert_eq!(error_reason(answer).await, ErrorReason::BillNotFound, "day {day}");
        }
        let stopped = app.bill_quote(&thief.session, &right).await;
        let expected = if day == 5 { ErrorReason::PayeasyLocked } else { ErrorReason::PayeasyStopped };
        assert_eq!(error_reason(stopped).await, expected, "day {day}");
    }
    app.clock().advance(7 * 86_400);
    app.login_again(&mut thief, "taro01").await;
    let locked = app.bill_quote(&thief.session, &right).await;
    assert_eq!((locked.status().as_u16(), error_reason(locked).await), (403, ErrorReason::PayeasyLocked));
    let customer = customers::customer_by_login_id(&app.state.db, "taro01").await.unwrap().unwrap();
    payeasy::resume(&app.state.db, app.clock(), customer, "本人確認書類と届出印で確認", &Actor::operator_cli())
        .await
        .unwrap();
    assert_eq!(app.bill_quote(&thief.session, &right).await.status(), 200);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'payeasy_resume'").await, 1);
}

#[tokio::test]
async fn a_bill_number_alone_pays_nothing_and_says_nothing_of_whether_the_bill_exists() {
    let app = spawn_app().await;
    billers(&app).await;
    import(&app, &[tax_line(&app, "2026300012345", 42_300, 30)]).await;
    let stranger = app.account_holder_with_token("hana01", "ヤマダ ハナコ", 100_000).await;
    let code = app.fresh_code(&stranger);
    // Straight to 確定 with the number from someone's 払込書 and a guessed 確認番号.
    let guessed = app
        .pay_bill(&stranger.session, &tax_query(&stranger.ordinary, "2026300012345", "0000"), &key(1), Some(code))
        .await;
    let guessed_body: Value = guessed.json().await.unwrap();
    let made_up = app.bill_quote(&stranger.session, &tax_query(&stranger.ordinary, "9999999999999", "0000")).await;
    let made_up_body: Value = made_up.json().await.unwrap();
    assert_eq!(guessed_body, made_up_body, "a real bill with a wrong 確認番号 reads as no bill at all");
    assert_eq!(guessed_body["reason"], "bill_not_found");
    // The 納付区分 counts too.
    let mut wrong_category = tax_query(&stranger.ordinary, "2026300012345", "1357");
    wrong_category["category"] = json!("011");
    assert_eq!(error_reason(app.bill_quote(&stranger.session, &wrong_category).await).await, ErrorReason::BillNotFound);
    assert_eq!(app.balance(&stranger.ordinary).await, 100_000);
    assert_eq!(app.count("SELECT COUNT(*) FROM bills WHERE status = 'paid'").await, 0);
    // Without a token or passkey there is no ペイジー at all.
    let bare = app.account_holder("jiro01", "ヤマダ ジロウ", 100_000).await;
    let refused = app.bill_quote(&bare.session, &tax_query(&bare.ordinary, "2026300012345", "1357")).await;
    assert_eq!(error_reason(refused).await, ErrorReason::OtpRequired);
}

#[tokio::test]
async fn one_bill_confirmed_a_hundred_ways_at_once_is_paid_once() {
    // Setting up twenty-five tokens moves the clock on by minutes: sessions last the while.
    let policy = Policy { session_idle_seconds: 4 * 3600, session_absolute_seconds: 8 * 3600, ..test_policy() };
    let app = spawn_app_with(None, policy).await;
    billers(&app).await;
    import(&app, &[tax_line(&app, "424242", 10_000, 30)]).await;
    // Twenty-five payers who all hold the 払込書, four confirmations each, every one with the
    // payer's current code: twenty-five reach the money at once.
    let mut payers = Vec::new();
    for i in 0..25 {
        payers.push(app.account_holder_with_token(&format!("payer{i:02}"), "ヤマダ タロウ", 50_000).await);
    }
    let mut requests = Vec::new();
    for (p, payer) in payers.iter().enumerate() {
        let query = tax_query(&payer.ordinary, "424242", "1357");
        let code = payer.token.as_ref().unwrap().code_at(app.clock().now() + 30);
        for k in 0..4 {
            requests.push((payer.session.clone(), query.clone(), key(p * 4 + k), code.clone()));
        }
    }
    app.clock().advance(30);
    let answers = join_all(
        requests
            .iter()
            .map(|(session, query, key, code)| app.pay_bill(session, query, key, Some(code.clone())))
            .collect(),
    )
    .await;
    let mut statuses = std::collections::BTreeMap::new();
    for answer in answers {
        let status = answer.status().as_u16();
        let reason = if status == 200 { "paid".to_owned() } else { format!("{:?}", error_reason(answer).await) };
        *statuses.entry(reason).or_insert(0) += 1;
    }
    assert_eq!(statuses.get("paid"), Some(&1), "{statuses:?}");
    // Every other answer says why by name: none waited out the pool or lost its session.
    assert!(
        statuses.keys().all(|k| ["paid", "BillAlreadyPaid", "OtpAlreadyUsed"].contains(&k.as_str())),
        "{statuses:?}"
    );
    println!("payeasy: one bill confirmed 100 ways by 25 payers: {statuses:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM payeasy_payments").await, 1);
    assert_eq!(app.balance("001-9100001").await, 10_000);
    let paid_out = app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM accounts WHERE balance = 40000").await;
    assert_eq!(paid_out, 1, "one payer's account was debited");
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn an_overdue_bill_and_a_payment_past_the_days_limit_are_refused_and_change_nothing() {
    let policy = Policy {
        transfer: netbank_server::transfer_policy::TransferPolicy {
            payeasy_daily_limit: Yen(50_000),
            ..test_policy().transfer
        },
        ..test_policy()
    };
    let app = spawn_app_with(None, policy).await;
    billers(&app).await;
    import(&app, &[tax_line(&app, "1", 30_000, 0), tax_line(&app, "2", 30_000, 0)]).await;
    let mut taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 200_000).await;
    assert_eq!(app.quote_and_pay(&taro, &tax_query(&taro.ordinary, "1", "1357")).await.status(), 200);
    let over = app.bill_quote(&taro.session, &tax_query(&taro.ordinary, "2", "1357")).await;
    assert_eq!(error_reason(over).await, ErrorReason::PayeasyLimitExceeded);
    // Straight to 確定 past the limit: the code is spent, the money stays.
    let code = app.fresh_code(&taro);
    let forced = app.pay_bill(&taro.session, &tax_query(&taro.ordinary, "2", "1357"), &key(9), Some(code)).await;
    assert_eq!(error_reason(forced).await, ErrorReason::PayeasyLimitExceeded);
    assert_eq!(app.balance(&taro.ordinary).await, 170_000);
    assert_eq!(app.count("SELECT COUNT(*) FROM bills WHERE status = 'paid'").await, 1);
    // The 振込 limit is apart: 振込 of the day are not used up by ペイジー.
    let limit: Value = app.get_with_session("/api/transfer-limit", &taro.session).await.json().await.unwrap();
    assert_eq!(limit["used_today"], 0);
    // The next day the bill is overdue… no: due today counts as in time, tomorrow it is late.
    app.clock().advance(86_400);
    app.login_again(&mut taro, "taro01").await;
    let late = app.bill_quote(&taro.session, &tax_query(&taro.ordinary, "2", "1357")).await;
    assert_eq!(error_reason(late).await, ErrorReason::BillOverdue);
}

#[tokio::test]
async fn a_new_authenticator_waits_for_a_biller_never_paid_and_an_approval_pays_only_its_bill() {
    let policy = Policy {
        enrolment: netbank_server::config::EnrolmentPolicy { new_authenticator_hours: 24, ..test_policy().enrolment },
        ..test_policy()
    };
    let app = spawn_app_with(None, policy).await;
    billers(&app).await;
    import(&app, &[tax_line(&app, "1", 1_000, 30), tax_line(&app, "2", 2_000, 30)]).await;
    let mut taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let waiting = app.bill_quote(&taro.session, &tax_query(&taro.ordinary, "1", "1357")).await;
    assert_eq!(error_reason(waiting).await, ErrorReason::NewAuthenticatorWaiting);
    app.clock().advance(25 * 3600);
    app.login_again(&mut taro, "taro01").await;
    // A passkey now (the token's code proves it), then a new day's wait has passed too.
    let mut authenticator = app.authenticator();
    let proof = app.otp_proof(taro.token.as_ref().unwrap());
    assert_eq!(app.register_passkey_with(&taro.session, &mut authenticator, "phone", proof).await.status(), 201);
    app.clock().advance(25 * 3600);
    app.login_again(&mut taro, "taro01").await;
    let first = tax_query(&taro.ordinary, "1", "1357");
    let mut ask = first.clone();
    ask["idempotency_key"] = json!(key(1));
    let challenge: Value = app.post("/api/payeasy/approval", &ask, Some(&taro.session)).await.json().await.unwrap();
    let credential = authenticator.get(challenge["options"].as_str().unwrap());
    let answer = json!({ "ceremony": challenge["ceremony"], "credential": credential });
    // Carried over to the other bill: refused, and the approval is spent.
    let mut other = tax_query(&taro.ordinary, "2", "1357");
    other["idempotency_key"] = json!(key(1));
    other["passkey"] = answer.clone();
    let refused = app.post("/api/payeasy/payments", &other, Some(&taro.session)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::PasskeyRefused);
    ask["passkey"] = answer;
    let spent = app.post("/api/payeasy/payments", &ask, Some(&taro.session)).await;
    assert!(matches!(error_reason(spent).await, ErrorReason::PasskeyRefused | ErrorReason::PasskeyChallengeExpired));
    assert_eq!(app.count("SELECT COUNT(*) FROM payeasy_payments").await, 0);
    // A fresh approval of the first bill pays it.
    let mut fresh = first.clone();
    fresh["idempotency_key"] = json!(key(2));
    let challenge: Value = app.post("/api/payeasy/approval", &fresh, Some(&taro.session)).await.json().await.unwrap();
    let credential = authenticator.get(challenge["options"].as_str().unwrap());
    fresh["passkey"] = json!({ "ceremony": challenge["ceremony"], "credential": credential });
    let paid = app.post("/api/payeasy/payments", &fresh, Some(&taro.session)).await;
    assert_eq!(paid.status(), 200);
    assert_eq!(app.balance(&taro.ordinary).await, 99_000);
}

#[tokio::test]
async fn a_guess_whose_clock_was_read_before_midnight_counts_against_the_new_day() {
    let app = spawn_app().await;
    billers(&app).await;
    import(&app, &[tax_line(&app, "5000", 1_000, 60)]).await;
    let mut thief = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let from = thief.ordinary.clone();
    let guess = |i: usize| tax_query(&from, &format!("7{i}"), "1357");
    for i in 0..10 {
        assert_eq!(error_reason(app.bill_quote(&thief.session, &guess(i)).await).await, ErrorReason::BillNotFound);
    }
    // Past midnight: five wrong of the new day's ten.
    app.clock().advance(86_400);
    app.login_again(&mut thief, "taro01").await;
    for i in 10..15 {
        assert_eq!(error_reason(app.bill_quote(&thief.session, &guess(i)).await).await, ErrorReason::BillNotFound);
    }
    // Requests stamped with the old day (read before midnight, written after) do not bring it
    // back with a fresh count: they are the new day's sixth to tenth, then it stops.
    app.clock().advance(-60);
    let mut late = Vec::new();
    for i in 15..25 {
        late.push(error_reason(app.bill_quote(&thief.session, &guess(i)).await).await);
    }
    assert_eq!(late.iter().filter(|r| **r == ErrorReason::BillNotFound).count(), 5, "{late:?}");
    assert!(late[5..].iter().all(|r| *r == ErrorReason::PayeasyStopped), "{late:?}");
    app.clock().advance(60);
    assert_eq!(error_reason(app.bill_quote(&thief.session, &guess(99)).await).await, ErrorReason::PayeasyStopped);
    assert_eq!(app.count("SELECT stops FROM payeasy_guards").await, 2);
}

#[tokio::test]
async fn a_used_key_answers_only_with_every_number_of_its_bill_and_import_refuses_what_cannot_be_paid() {
    let app = spawn_app().await;
    billers(&app).await;
    let report = import(
        &app,
        &[
            tax_line(&app, "1", 1_000, 30),
            tax_line(&app, "2", 1_000, -1),
            format!("{SHOP},3,4242,010,500,{},注文", day_from_now(&app, 30)),
            format!("{CITY},4,1357,,500,{},固定資産税", day_from_now(&app, 30)),
        ],
    )
    .await;
    assert_eq!(report.imported, 1, "{report:?}");
    let why = report.refused.join("\n");
    assert!(
        why.contains("line 3: due_date") && why.contains("line 4: category") && why.contains("line 5: category"),
        "{why}"
    );
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let query = tax_query(&taro.ordinary, "1", "1357");
    let code = app.fresh_code(&taro);
    assert_eq!(app.pay_bill(&taro.session, &query, &key(7), Some(code)).await.status(), 200);
    // The same key with a wrong 確認番号 or 納付区分 is not that confirmation.
    let mut wrong = tax_query(&taro.ordinary, "1", "0000");
    assert_eq!(
        error_reason(app.pay_bill(&taro.session, &wrong, &key(7), None).await).await,
        ErrorReason::IdempotencyConflict
    );
    wrong = tax_query(&taro.ordinary, "1", "1357");
    wrong["category"] = json!("011");
    assert_eq!(
        error_reason(app.pay_bill(&taro.session, &wrong, &key(7), None).await).await,
        ErrorReason::IdempotencyConflict
    );
    assert_eq!(app.pay_bill(&taro.session, &query, &key(7), None).await.status(), 200, "the same confirmation again");
}
