//! The way from the embedded SQLite to PostgreSQL: `netbank-server db copy` moves every row,
//! and the server started on the copy serves the same customers, OTP secrets included.

use base64::Engine;
use netbank_server::ids::{AccountId, CustomerId};
use netbank_server::money::Yen;
use netbank_server::store::copy::row_counts;
use netbank_testkit::postgres::PgCluster;

use crate::helpers::spawn_app_configured;

fn copy(from: &str, to: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_netbank-server"))
        .args(["db", "copy", "--from", from, "--to", to])
        .output()
        .unwrap()
}

#[tokio::test]
async fn a_sqlite_database_copied_to_postgresql_keeps_every_row_and_its_otp_secrets() {
    let key = base64::engine::general_purpose::STANDARD.encode([3u8; 32]);
    let app = spawn_app_configured(|settings| {
        settings.database_url = None;
        settings.otp_key = Some(key.clone());
    })
    .await;
    let (_, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    app.registered_customer("hana01", "kumo4821").await;
    // Money moved, so the ledger's tables have rows too: a 振込 kept as a 登録振込先.
    let payer = app.account_holder_with_token("payer01", "シハライ ニン", 10_000).await;
    let payee = app.account_holder("payee01", "ウケトリ ニン", 0).await;
    let mut body = crate::banking_helpers::draft(&payer.ordinary, &payee.ordinary, "ordinary", 1_000);
    body["save_payee"] = serde_json::json!(true);
    assert_eq!(app.quote_and_transfer(&payer.session, &body, Some(app.fresh_code(&payer))).await.status(), 200);
    // A ペイジー bill paid: the biller, its bills, the payment, its day and the guard have rows.
    let spec = netbank_server::operator::payeasy::BillerSpec {
        number: &netbank_api::input::BillerNumber::parse("53001").unwrap(),
        name: "日本放送協会",
        kana: &netbank_api::input::KanaName::parse("ニツポンホウソウキヨウカイ").unwrap(),
        kind: netbank_api::payeasy::BillerKind::Company,
        needs_category: false,
        fee: Yen(0),
        branch: &netbank_api::input::BranchCode::parse("001").unwrap(),
        account: &netbank_api::input::AccountNumber::parse("9000003").unwrap(),
    };
    let actor = netbank_server::audit::Actor::operator_cli();
    netbank_server::operator::payeasy::add_biller(&app.state.db, app.clock(), &spec, &actor).await.unwrap();
    let due = netbank_api::input::Date::from_days(netbank_server::banking::jst_day(app.clock().now()) + 30);
    let csv = format!("53001,70012345678,9876,,1000,{due},放送受信料\n");
    netbank_server::operator::payeasy::import_bills(&app.state.db, app.clock(), &csv, &actor).await.unwrap();
    let bill = serde_json::json!({ "from_account": payer.ordinary, "biller_number": "53001",
        "bill_number": "70012345678", "confirmation_number": "9876" });
    let quote: serde_json::Value =
        app.post("/api/payeasy/quote", &bill, Some(&payer.session)).await.json().await.unwrap();
    let mut pay = bill.clone();
    pay["idempotency_key"] = quote["idempotency_key"].clone();
    pay["otp"] = serde_json::json!(app.fresh_code(&payer));
    assert_eq!(app.post("/api/payeasy/payments", &pay, Some(&payer.session)).await.status(), 200);
    // A 他行振込 sent in its day's 全銀 file.
    let other_bank = serde_json::json!({ "from_account": payer.ordinary, "bank_code": "0001", "branch_code": "001",
        "kind": "ordinary", "account_number": "7654321", "payee_name": "ｳｹﾄﾘ ﾆﾝ", "amount": "1000" });
    let quote: serde_json::Value =
        app.post("/api/interbank/quote", &other_bank, Some(&payer.session)).await.json().await.unwrap();
    let mut send = other_bank.clone();
    send["idempotency_key"] = quote["idempotency_key"].clone();
    send["otp"] = serde_json::json!(app.fresh_code(&payer));
    assert_eq!(app.post("/api/interbank/transfers", &send, Some(&payer.session)).await.status(), 200);
    let files = tempfile::tempdir().unwrap();
    let day = netbank_server::banking::jst_day(app.clock().now()) + 7;
    netbank_server::operator::zengin::export(&app.state.db, app.clock(), day, files.path(), &actor).await.unwrap();
    // A 振込予約 waiting for its day.
    let mut booking = crate::banking_helpers::draft(&payer.ordinary, &payee.ordinary, "ordinary", 500);
    booking["execution_date"] = serde_json::json!(netbank_api::input::Date::from_days(day).to_string());
    let booked = app.quote_and_transfer(&payer.session, &booking, Some(app.fresh_code(&payer))).await;
    assert_eq!(booked.status(), 200);
    // A 振込 held for the branch.
    let id_of =
        |number: &str| format!("SELECT id FROM accounts WHERE number = '{}'", number.split_once('-').unwrap().1);
    let held = netbank_server::store::holds::NewHold {
        customer_id: CustomerId(app.count("SELECT customer_id FROM credentials WHERE login_id = 'payer01'").await),
        idempotency_key: "0123456789abcdef0123456789abcdef",
        from_account_id: AccountId(app.count(&id_of(&payer.ordinary)).await),
        to_account_id: AccountId(app.count(&id_of(&payee.ordinary)).await),
        amount: Yen(2_000),
        fee: Yen(0),
        requester_name: "シハライ ニン",
        payee_name: "ウケトリ ニン",
        rules: "limit_raised",
        day: 20_000,
    };
    netbank_server::store::holds::insert(&app.state.db, held, app.clock().now()).await.unwrap();
    // An account flagged by the branch.
    let flagged = AccountId(app.count(&id_of(&payee.ordinary)).await);
    netbank_server::store::payee_flags::add(&app.state.db, flagged, "暗号資産交換業者", app.clock().now())
        .await
        .unwrap();
    // A passkey, and a login challenge not yet answered.
    let mut phone = app.authenticator();
    let proof = app.otp_proof(payer.token.as_ref().unwrap());
    assert_eq!(app.register_passkey_with(&payer.session, &mut phone, "iPhone", proof).await.status(), 201);
    app.login_challenge().await;
    // The branch's console: a person, their key, a challenge, a session, a proposal.
    let roles = netbank_api::staff::Roles::parse("teller").unwrap();
    let clerk = netbank_server::staff::people::create(&app.state.db, app.clock(), "窓口 複写", &roles).await.unwrap();
    let now = app.clock().now();
    use netbank_server::store::{proposals, staff};
    staff::insert_passkey(&app.state.db, clerk.staff_id, b"credential", "{}", 0, now).await.unwrap();
    staff::insert_ceremony(&app.state.db, b"ceremony", "login", None, "{}", now + 300).await.unwrap();
    staff::insert_session(&app.state.db, b"session", clerk.staff_id, now).await.unwrap();
    let proposal = proposals::NewProposal {
        customer_id: netbank_server::ids::CustomerId(1),
        kind: "unlock_login",
        action: r#"{"kind":"unlock_login"}"#,
        form_number: "A-1",
        form_date: "2026-12-03",
        identity_check: "seal",
        note: None,
        proposed_by: clerk.staff_id,
        expires_at: now + 3600,
    };
    proposals::insert(&app.state.db, proposal, now).await.unwrap();
    let before = row_counts(&app.state.db).await.unwrap();
    assert!(
        before
            .iter()
            .all(|(table, n)| *n > 0 || ["temporary_passwords", "throttles", "enrolment_codes"].contains(table)),
        "{before:?}"
    );

    let sqlite = format!("sqlite://{}", app.data_dir().join(netbank_server::config::DATABASE_FILE).display());
    let postgres = PgCluster::shared().new_database().unwrap();
    let output = copy(&sqlite, &postgres);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(printed.contains("otp_tokens: 2 rows"), "{printed}");

    // Copying again would mix two banks: refused, nothing written.
    let again = copy(&sqlite, &postgres);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty database"));

    let app = app
        .restart(|settings| {
            settings.database_url = Some(postgres.clone());
            settings.otp_key = Some(key.clone());
        })
        .await
        .unwrap();
    assert_eq!(row_counts(&app.state.db).await.unwrap(), before, "every row arrived");
    // The secret still decrypts: a login with the code the token shows.
    app.logged_in_with_code("taro01", "kumo4821", &token).await;
    app.logged_in("hana01", "kumo4821").await;
    // New rows number on from the copied ones.
    let mails = app.count("SELECT COUNT(*) FROM mail_outbox").await;
    app.registered_customer("jiro01", "kumo4821").await;
    assert!(app.count("SELECT COUNT(*) FROM mail_outbox").await > mails);
    // The ledger numbers on too, and still balances.
    let own = crate::banking_helpers::draft(&payer.ordinary, &payer.savings, "savings", 500);
    let session = app.logged_in_with_code("payer01", "kumo4821", payer.token.as_ref().unwrap()).await;
    assert_eq!(app.quote_and_transfer(&session, &own, None).await.status(), 200);
    app.assert_ledger_holds().await;
}
