//! SIGKILL in the middle of a burst of registrations, token issuances and OTP submissions,
//! of 振替, and of passkey registrations and logins: after a restart every acknowledged write
//! is there, nothing is half-written, a pending login does not outlive its limit, and mail
//! left unsent goes out.

use std::time::Duration;

use netbank_api::identity::AccountKind;
use netbank_api::input::{AccountNumber, BranchCode};
use netbank_api::otp::ProvisionedToken;
use netbank_api::passkey::PasskeyChallenge;
use netbank_api::totp::{decode_secret, TotpParams};
use netbank_server::clock::Clock;
use netbank_server::config::{Policy, DATABASE_FILE};
use netbank_server::operator::{customers, demo};
use netbank_testkit::authenticator::SoftAuthenticator;
use netbank_testkit::ServerProcess;
use serde_json::{json, Value};

const KEY: &str = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";
const NEWCOMERS: usize = 40;

/// The server binary on `data`, with the OTP key and no rate limit in the way.
async fn start(data: &std::path::Path, extra: &[&str]) -> ServerProcess {
    // Customers registered a moment ago may confirm a first second factor by 確認コード.
    let args = [
        &[
            "--otp-key",
            KEY,
            "--auth-requests-per-minute",
            "100000",
            "--enrolment-address-age-days",
            "0",
            "--max-connections-per-client",
            "10000",
        ],
        extra,
    ]
    .concat();
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_netbank-server"));
    ServerProcess::start(binary, data, &args, None).await.expect("the server binary starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}

async fn post(client: &reqwest::Client, base: &str, path: &str, body: Value) -> reqwest::Result<reqwest::Response> {
    client.post(format!("{base}{path}")).header(netbank_api::CSRF_HEADER, "1").json(&body).send().await
}

/// Customers the branch opened on a new database at `data`: the demo customers and `count`
/// newcomers (branch 002, accounts 3000000…) with their 仮パスワード.
async fn open_newcomers(data: &std::path::Path, count: usize) -> Vec<String> {
    let db = netbank_server::db::open(&data.join(DATABASE_FILE)).await.unwrap();
    crate::helpers::hashing_for_tests();
    demo::seed(&db, &Clock::System, netbank_server::config::Mode::Development).await.unwrap();
    let mut temporaries = Vec::new();
    for i in 0..count {
        let customer = customers::NewCustomer {
            name: "障害 試験",
            branch: BranchCode::parse("002").unwrap(),
            account: AccountNumber::parse(&format!("{:07}", 3_000_000 + i)).unwrap(),
            kind: AccountKind::Ordinary,
            balance: 1000,
            notice_address: None,
            kana: None,
        };
        temporaries.push(
            customers::create(&db, &Clock::System, &Policy::default(), customer).await.unwrap().temporary_password,
        );
    }
    db.close().await;
    temporaries
}

/// 初回利用登録 of newcomer `i` as `fault{i:02}` / kumo4821: acknowledged or not.
async fn register_newcomer(client: &reqwest::Client, base: &str, i: usize, temporary: &str) -> bool {
    let login_id = format!("fault{i:02}");
    let body = json!({ "branch_code": "002", "account_number": format!("{:07}", 3_000_000 + i),
        "temporary_password": temporary, "login_id": login_id, "password": "kumo4821",
        "notice_address": format!("{login_id}@notice.example") });
    matches!(post(client, base, "/api/registration", body).await, Ok(r) if r.status() == 201)
}

/// The step-up of an enrolment for `client`'s customer (no second factor yet): a 確認コード
/// asked for and read from the outbox in `reader` (the server's database) by its `address`.
async fn mail_code_proof(
    client: &reqwest::Client,
    base: &str,
    reader: &sqlx::AnyPool,
    purpose: &str,
    address: &str,
) -> Option<Value> {
    let sent = post(client, base, "/api/enrolment/mail-code", json!({ "purpose": purpose })).await.ok()?;
    if sent.status() != 200 {
        return None;
    }
    let body: String = sqlx::query_scalar(
        "SELECT body FROM mail_outbox WHERE to_address = $1 AND subject LIKE '%確認コードのお知らせ' ORDER BY id DESC LIMIT 1",
    )
    .bind(address)
    .fetch_one(reader)
    .await
    .ok()?;
    let code = body.split("確認コード：").nth(1)?.get(..6)?.to_owned();
    Some(json!({ "method": "mail_code", "code": code }))
}

/// The one number `sql` selects, from the database the server left behind.
async fn count(db: &sqlx::AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql).fetch_one(db).await.unwrap()
}

/// SQLite finds its file whole: no torn page, no index out of step with its table.
async fn assert_intact(db: &sqlx::AnyPool) {
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(db).await.unwrap();
    assert_eq!(integrity, "ok");
}

#[tokio::test]
async fn acknowledged_writes_survive_sigkill_and_nothing_is_half_written() {
    let data = tempfile::tempdir().unwrap();
    let temporaries = open_newcomers(data.path(), NEWCOMERS).await;

    // Production mode without SMTP: mail waits in the outbox.
    let mut server = start(data.path(), &["--mode", "production", "--insecure-http"]).await;
    let base = server.base.clone();
    let reader = netbank_server::db::open(&data.path().join(DATABASE_FILE)).await.unwrap();
    let demo_client = client();
    post(&demo_client, &base, "/api/login", json!({ "login_id": "demo01", "password": "demo1234" })).await.unwrap();
    let proof =
        mail_code_proof(&demo_client, &base, &reader, "token", demo::NOTICE_ADDRESS).await.expect("a 確認コード");
    let issued: Value = post(
        &demo_client,
        &base,
        "/api/otp/issue",
        json!({ "method": "software_token", "mail_address": "demo@docomo.ne.jp", "activation_password": "1234",
            "login_password": "demo1234", "step_up": proof }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let token: ProvisionedToken = post(
        &client(),
        &base,
        "/api/token/provision",
        json!({ "service_id": issued["service_id"], "user_id": issued["user_id"], "activation_password": "1234" }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let secret = decode_secret(&token.secret).unwrap();
    let code = TotpParams::default().code_at(&secret, Clock::System.now());
    assert_eq!(post(&demo_client, &base, "/api/otp/activate", json!({ "otp": code })).await.unwrap().status(), 200);
    // A login waiting for its code when the server dies.
    let pending_client = client();
    let pending: Value =
        post(&pending_client, &base, "/api/login", json!({ "login_id": "demo01", "password": "demo1234" }))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(pending["status"], "otp_required");

    // The burst: registrations, each then issuing a token (mail), and wrong OTPs.
    let mut tasks = tokio::task::JoinSet::new();
    let (acks, mut acked) = tokio::sync::mpsc::unbounded_channel::<()>();
    for (i, temporary) in temporaries.iter().enumerate() {
        let (base, temporary, acks, reader) = (base.clone(), temporary.clone(), acks.clone(), reader.clone());
        tasks.spawn(async move {
            let client = client();
            let login_id = format!("fault{i:02}");
            let registered = register_newcomer(&client, &base, i, &temporary).await;
            if registered {
                let _ = acks.send(());
            }
            let mut issued = false;
            if registered {
                let _ =
                    post(&client, &base, "/api/login", json!({ "login_id": login_id, "password": "kumo4821" })).await;
                let address = format!("{login_id}@notice.example");
                if let Some(proof) = mail_code_proof(&client, &base, &reader, "token", &address).await {
                    let body = json!({ "method": "software_token", "mail_address": format!("{login_id}@docomo.ne.jp"),
                        "activation_password": "1234", "login_password": "kumo4821", "step_up": proof });
                    issued = matches!(post(&client, &base, "/api/otp/issue", body).await, Ok(r) if r.status() == 200);
                }
            }
            (login_id, registered, issued)
        });
    }
    for _ in 0..3 {
        let client = demo_client.clone();
        let base = base.clone();
        tasks.spawn(async move {
            let _ = post(&client, &base, "/api/otp/deactivate", json!({ "otp": "000000" })).await;
            ("wrong-otp".to_owned(), false, false)
        });
    }
    // Kill once a quarter of the registrations are acknowledged: the rest are in flight.
    for _ in 0..NEWCOMERS / 4 {
        tokio::time::timeout(Duration::from_secs(30), acked.recv()).await.expect("registrations go through");
    }
    // SIGKILL: no shutdown, no flush.
    server.kill().unwrap();

    let mut acknowledged = Vec::new();
    let mut issued_ack = Vec::new();
    while let Some(result) = tasks.join_next().await {
        let (login_id, registered, issued) = result.unwrap();
        if registered {
            acknowledged.push(login_id.clone());
        }
        if issued {
            issued_ack.push(login_id);
        }
    }

    // Restart as the bank would, in production (a production bank's database never starts in
    // development), now with a real SMTP server: it delivers what waited; a short login limit.
    let smtp = crate::smtp::SmtpServer::start().await;
    let (smtp_url, smtp_ca) = (smtp.url(crate::smtp::PASSWORD), smtp.ca());
    let restart = ["--mode", "production", "--insecure-http", "--otp-login-seconds", "2", "--smtp-url", &smtp_url];
    let server = start(data.path(), &[&restart[..], &["--smtp-ca-file", smtp_ca.to_str().unwrap()]].concat()).await;
    let db = netbank_server::db::open(&data.path().join(DATABASE_FILE)).await.unwrap();
    for login_id in &acknowledged {
        let found: i64 = sqlx::query_scalar("SELECT count(*) FROM credentials WHERE login_id = $1")
            .bind(login_id)
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(found, 1, "{login_id} was acknowledged and must be there");
    }
    // A 仮パスワード is used exactly when the credentials it bought exist.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM temporary_passwords t LEFT JOIN credentials c USING (customer_id)
                      WHERE (t.used_at IS NOT NULL) != (c.customer_id IS NOT NULL)"
        )
        .await,
        0
    );
    // Every software token has its mail; no token without its customer.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM otp_tokens o WHERE method = 'software_token'
                      AND NOT EXISTS (SELECT 1 FROM mail_outbox m WHERE m.customer_id = o.customer_id)"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM otp_tokens o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL"
        )
        .await,
        0
    );
    for login_id in &issued_ack {
        let found: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM otp_tokens o JOIN credentials c USING (customer_id) WHERE c.login_id = $1 AND o.state = 'issued'")
            .bind(login_id).fetch_one(&db).await.unwrap();
        assert_eq!(found, 1, "{login_id}'s acknowledged issuance");
    }
    // Wrong-code counts agree with the state.
    assert_eq!(count(&db, "SELECT count(*) FROM otp_tokens WHERE (state = 'suspended') != (failed_otp >= 5)").await, 0);
    assert_intact(&db).await;

    // The pending login from before the kill is over once its (now 2 s) limit has passed.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let late = post(&pending_client, &server.base, "/api/login/otp", json!({ "otp": code })).await.unwrap();
    let reason: Value = late.json().await.unwrap();
    // Found expired, or already swept by the restarted server's first sweep: either way over.
    assert!(
        ["otp_login_expired", "unauthenticated"].contains(&reason["reason"].as_str().unwrap_or_default()),
        "{reason}"
    );

    // Mail that waited in the outbox is delivered after the restart.
    let mut pending_mail = -1;
    for _ in 0..100 {
        pending_mail = count(&db, "SELECT count(*) FROM mail_outbox WHERE status = 'pending'").await;
        if pending_mail == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(pending_mail, 0);
    assert!(count(&db, "SELECT count(*) FROM mail_outbox WHERE status = 'sent'").await > issued_ack.len() as i64);
    assert!(smtp.delivered().len() > issued_ack.len(), "the waiting mail reached the SMTP server");
    println!(
        "faults: {} registrations acknowledged of {NEWCOMERS}, {} issuances acknowledged, all present after SIGKILL",
        acknowledged.len(),
        issued_ack.len()
    );
    let mut server = server;
    server.kill().unwrap();
}

/// Money in flight when the server dies: every 振替 the customer saw 完了 for is in both
/// accounts' 明細 after the restart, its confirmation retried answers the same 受付番号, and
/// the trial balance holds.
#[tokio::test]
async fn acknowledged_transfers_survive_sigkill_and_the_ledger_balances() {
    const TRANSFERS: usize = 120;
    let data = tempfile::tempdir().unwrap();
    {
        let db = netbank_server::db::open(&data.path().join(DATABASE_FILE)).await.unwrap();
        crate::helpers::hashing_for_tests();
        demo::seed(&db, &Clock::System, netbank_server::config::Mode::Development).await.unwrap();
        db.close().await;
    }
    let mut server = start(data.path(), &["--mode", "development"]).await;
    let base = server.base.clone();
    let demo_client = client();
    let login =
        post(&demo_client, &base, "/api/login", json!({ "login_id": "demo01", "password": "demo1234" })).await.unwrap();
    assert_eq!(login.status(), 200);
    let body = |key: usize| {
        json!({ "from_account": "001-1234567", "to_branch_code": "001", "to_kind": "savings", "to_account_number": "2345678",
            "amount": "1000", "idempotency_key": format!("{key:032x}") })
    };

    let mut tasks = tokio::task::JoinSet::new();
    let (acks, mut acked) = tokio::sync::mpsc::unbounded_channel::<()>();
    for key in 0..TRANSFERS {
        let (client, base, acks, body) = (demo_client.clone(), base.clone(), acks.clone(), body(key));
        tasks.spawn(async move {
            let receipt = match post(&client, &base, "/api/transfers", body).await {
                Ok(response) if response.status() == 200 => response.json::<Value>().await.ok(),
                _ => None,
            };
            if receipt.is_some() {
                let _ = acks.send(());
            }
            (key, receipt.map(|r| r["receipt_no"].as_str().unwrap().to_owned()))
        });
    }
    for _ in 0..TRANSFERS / 4 {
        tokio::time::timeout(Duration::from_secs(30), acked.recv()).await.expect("transfers go through");
    }
    server.kill().unwrap();
    let mut acknowledged = Vec::new();
    while let Some(result) = tasks.join_next().await {
        if let (key, Some(receipt)) = result.unwrap() {
            acknowledged.push((key, receipt));
        }
    }

    let server = start(data.path(), &["--mode", "development"]).await;
    let client = client();
    post(&client, &server.base, "/api/login", json!({ "login_id": "demo01", "password": "demo1234" })).await.unwrap();
    // Each acknowledged confirmation, sent again, answers with its receipt and moves nothing more.
    for (key, receipt) in &acknowledged {
        let again: Value =
            post(&client, &server.base, "/api/transfers", body(*key)).await.unwrap().json().await.unwrap();
        assert_eq!(again["receipt_no"].as_str(), Some(receipt.as_str()), "transfer {key}");
    }
    let db = netbank_server::db::open(&data.path().join(DATABASE_FILE)).await.unwrap();
    let moved = count(&db, "SELECT COUNT(*) FROM transfers").await;
    assert!(moved as usize >= acknowledged.len() && moved as usize <= TRANSFERS);
    // Both 明細 show every transfer: a line on each side.
    for account in ["001-1234567", "001-2345678"] {
        let statement: Value = client
            .get(format!("{}/api/accounts/{account}/statement?period=last_week", server.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let lines = statement["entries"].as_array().unwrap().len() as i64;
        let total = statement["total"].as_i64().unwrap();
        // The demo's history ends twelve days back: this week holds exactly the burst.
        assert!(lines > 0 && total == moved, "{account}: {total} lines for {moved} transfers");
    }
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_netbank-server"))
        .args(["--data-dir", data.path().to_str().unwrap(), "ledger", "check"])
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    println!(
        "faults: {} transfers acknowledged of {TRANSFERS}, {moved} committed, all present after SIGKILL",
        acknowledged.len()
    );
    let mut server = server;
    server.kill().unwrap();
}

/// Passkeys registered and used when the server dies: every registration the customer saw
/// 登録完了 for is there with its notice and audit record, every acknowledged login left its
/// counter (so a copy of that answer stays refused), no passkey exists without its notice,
/// and each acknowledged passkey logs in after the restart.
#[tokio::test]
async fn acknowledged_passkeys_and_their_counters_survive_sigkill() {
    const HOLDERS: usize = 24;
    let data = tempfile::tempdir().unwrap();
    let temporaries = open_newcomers(data.path(), HOLDERS).await;
    let mut server = start(data.path(), &["--mode", "development"]).await;
    let base = server.base.clone();
    // The server names its loopback origin `localhost`: the browser's page is there.
    let origin = base.replace("127.0.0.1", "localhost");
    let mut ready = Vec::new();
    for (i, temporary) in temporaries.iter().enumerate() {
        let client = client();
        assert!(register_newcomer(&client, &base, i, temporary).await);
        let login =
            post(&client, &base, "/api/login", json!({ "login_id": format!("fault{i:02}"), "password": "kumo4821" }));
        assert_eq!(login.await.unwrap().status(), 200);
        ready.push(client);
    }

    let reader = netbank_server::db::open(&data.path().join(DATABASE_FILE)).await.unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    let (acks, mut acked) = tokio::sync::mpsc::unbounded_channel::<()>();
    for (i, client) in ready.into_iter().enumerate() {
        let (base, origin, acks, reader) = (base.clone(), origin.clone(), acks.clone(), reader.clone());
        tasks.spawn(async move {
            let mut phone = SoftAuthenticator::new(&origin);
            let answer = |response: reqwest::Result<reqwest::Response>| async move {
                match response {
                    Ok(r) if r.status() == 200 => r.json::<PasskeyChallenge>().await.ok(),
                    _ => None,
                }
            };
            // BPK002 (no token: the login password again and a 確認コード), then 「パスキーでログイン」.
            let address = format!("fault{i:02}@notice.example");
            let Some(proof) = mail_code_proof(&client, &base, &reader, "passkey", &address).await else { return (i, phone, false, None) };
            let options = post(&client, &base, "/api/passkeys/registration/options", json!({ "login_password": "kumo4821", "step_up": proof }));
            let Some(challenge) = answer(options.await).await else { return (i, phone, false, None) };
            let body = json!({ "ceremony": challenge.ceremony, "credential": phone.create(&challenge.options), "name": "スマホ" });
            let registered = matches!(post(&client, &base, "/api/passkeys", body).await, Ok(r) if r.status() == 201);
            if !registered {
                return (i, phone, false, None);
            }
            let _ = acks.send(());
            let Some(challenge) = answer(post(&client, &base, "/api/passkeys/login/options", json!({})).await).await else {
                return (i, phone, true, None);
            };
            let body = json!({ "ceremony": challenge.ceremony, "credential": phone.get(&challenge.options) });
            let logged_in = matches!(post(&client, &base, "/api/passkeys/login", body).await, Ok(r) if r.status() == 200);
            let counter = phone.credentials[0].counter;
            (i, phone, true, logged_in.then_some(counter))
        });
    }
    for _ in 0..HOLDERS / 4 {
        tokio::time::timeout(Duration::from_secs(30), acked.recv()).await.expect("registrations go through");
    }
    server.kill().unwrap();
    let mut outcomes = Vec::new();
    while let Some(result) = tasks.join_next().await {
        outcomes.push(result.unwrap());
    }

    let mut server = start(data.path(), &["--mode", "development"]).await;
    let db = netbank_server::db::open(&data.path().join(DATABASE_FILE)).await.unwrap();
    let (mut registered, mut used) = (0, 0);
    for (i, mut phone, acknowledged, login_counter) in outcomes {
        let stored: Option<(Vec<u8>, i64, Option<i64>)> = sqlx::query_as(
            "SELECT p.credential_id, p.sign_count, p.last_used_at FROM passkeys p JOIN credentials c USING (customer_id)
             WHERE c.login_id = $1",
        )
        .bind(format!("fault{i:02}"))
        .fetch_optional(&db)
        .await
        .unwrap();
        if !acknowledged {
            continue;
        }
        registered += 1;
        let (credential_id, sign_count, last_used_at) =
            stored.unwrap_or_else(|| panic!("fault{i:02}'s acknowledged passkey"));
        assert_eq!(credential_id, phone.credentials[0].id);
        if let Some(counter) = login_counter {
            used += 1;
            assert_eq!(
                (sign_count, last_used_at.is_some()),
                (i64::from(counter), true),
                "fault{i:02}'s acknowledged login"
            );
        }
        // The passkey still logs in, its counter carrying on from what was kept (the server
        // came back on another port: another origin, the same RP ID).
        phone.origin = server.base.replace("127.0.0.1", "localhost");
        let fresh = client();
        let challenge: PasskeyChallenge =
            post(&fresh, &server.base, "/api/passkeys/login/options", json!({})).await.unwrap().json().await.unwrap();
        let body = json!({ "ceremony": challenge.ceremony, "credential": phone.get(&challenge.options) });
        assert_eq!(
            post(&fresh, &server.base, "/api/passkeys/login", body).await.unwrap().status(),
            200,
            "fault{i:02} after the restart"
        );
    }
    // A passkey exists exactly with its notice mail and its audit record.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM passkeys p WHERE NOT EXISTS (SELECT 1 FROM mail_outbox m
                      WHERE m.customer_id = p.customer_id AND m.subject LIKE '%パスキー登録のお知らせ')"
        )
        .await,
        0
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM mail_outbox WHERE subject LIKE '%パスキー登録のお知らせ'").await,
        count(&db, "SELECT count(*) FROM passkeys").await
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM audit_log WHERE event = 'passkey_register' AND result = 'success'").await,
        count(&db, "SELECT count(*) FROM passkeys").await
    );
    assert_intact(&db).await;
    println!("faults: {registered} passkey registrations and {used} passkey logins acknowledged of {HOLDERS}, all kept after SIGKILL");
    server.kill().unwrap();
}

/// The branch's decisions when the deciding process dies: every release the operator saw
/// succeed is released with its 振込 made, every other hold is either released whole or still
/// held with its amount reserved, and the trial balance holds.
#[tokio::test]
async fn acknowledged_releases_survive_sigkill_and_no_hold_is_half_decided() {
    use netbank_server::ids::{AccountId, CustomerId};
    use netbank_server::money::Yen;
    use netbank_server::store::{accounts, holds};
    const HOLDS: usize = 30;
    let data = tempfile::tempdir().unwrap();
    let db = netbank_server::db::open(&data.path().join(DATABASE_FILE)).await.unwrap();
    crate::helpers::hashing_for_tests();
    demo::seed(&db, &Clock::System, netbank_server::config::Mode::Development).await.unwrap();
    let id = |sql: &'static str| {
        let db = db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&db).await.unwrap() }
    };
    let taro = CustomerId(id("SELECT customer_id FROM credentials WHERE login_id = 'demo01'").await);
    let from = AccountId(id("SELECT id FROM accounts WHERE branch_code = '001' AND number = '1234567'").await);
    let to = AccountId(id("SELECT id FROM accounts WHERE branch_code = '001' AND number = '7654321'").await);
    let mut receipts = Vec::new();
    for n in 0..HOLDS {
        let mut tx = netbank_server::db::begin_write(&db).await.unwrap();
        assert!(accounts::hold(&mut *tx, from, Yen(1_000)).await.unwrap());
        let key = format!("{n:032x}");
        let hold = holds::NewHold {
            customer_id: taro,
            idempotency_key: &key,
            from_account_id: from,
            to_account_id: to,
            amount: Yen(1_000),
            fee: Yen(0),
            requester_name: "デモ　タロウ",
            payee_name: "デモ　ハナコ",
            rules: "new_customer",
            day: 20_000,
        };
        let hold_id = holds::insert(&mut *tx, hold, 1_800_000_000).await.unwrap();
        tx.commit().await.unwrap();
        receipts.push(netbank_server::banking::transfer::hold_receipt_no(hold_id, 1_800_000_000));
    }
    db.close().await;

    // The operator releases them all at once; the processes die a third of the way through.
    let mut running: Vec<(String, std::process::Child)> = receipts
        .iter()
        .map(|receipt| {
            let child = std::process::Command::new(env!("CARGO_BIN_EXE_netbank-server"))
                .args(["--data-dir", data.path().to_str().unwrap(), "transfer", "review", "release", receipt])
                .args(["--reason", "本人確認済", "--break-glass"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            (receipt.clone(), child)
        })
        .collect();
    let mut acknowledged = Vec::new();
    while acknowledged.len() < HOLDS / 3 && !running.is_empty() {
        running.retain_mut(|(receipt, child)| match child.try_wait().unwrap() {
            Some(status) => {
                if status.success() {
                    acknowledged.push(receipt.clone());
                }
                false
            }
            None => true,
        });
        std::thread::sleep(Duration::from_millis(5));
    }
    for (_, child) in &mut running {
        let _ = child.kill();
        let _ = child.wait();
    }

    let db = netbank_server::db::open(&data.path().join(DATABASE_FILE)).await.unwrap();
    let mut still_held = 0;
    for receipt in &receipts {
        let hold_id = netbank_server::banking::transfer::hold_id_of(receipt).unwrap();
        let hold = holds::by_id(&db, hold_id).await.unwrap().unwrap();
        let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM transfers WHERE idempotency_key = $1")
            .bind(&hold.idempotency_key)
            .fetch_one(&db)
            .await
            .unwrap();
        match hold.status {
            holds::HoldStatus::Released => assert_eq!(made, 1, "{receipt} released without its 振込"),
            holds::HoldStatus::Held => {
                assert_eq!(made, 0, "{receipt} made but still held");
                assert!(!acknowledged.contains(receipt), "{receipt} acknowledged but lost");
                still_held += 1;
            }
            holds::HoldStatus::Rejected => panic!("{receipt} was never rejected"),
        }
    }
    let held: i64 =
        sqlx::query_scalar("SELECT held FROM accounts WHERE id = $1").bind(from).fetch_one(&db).await.unwrap();
    assert_eq!(held, still_held * 1_000, "the reservation is exactly what is still held");
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_netbank-server"))
        .args(["--data-dir", data.path().to_str().unwrap(), "ledger", "check"])
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    println!(
        "faults: {} releases acknowledged of {HOLDS}, {} still held after SIGKILL, none half-decided",
        acknowledged.len(),
        still_held
    );
}

/// ペイジー payments approved by passkeys when the server dies: every payment the customer saw
/// 完了 for is there (its confirmation sent again answers with the same 受付番号), a bill is
/// paid exactly when a payment names it, the city's 収納口座 holds exactly what was paid, and
/// the ledger balances.
#[tokio::test]
async fn acknowledged_bill_payments_survive_sigkill_and_no_bill_is_half_paid() {
    const PAYERS: usize = 10;
    const BILLS: usize = 8;
    let data = tempfile::tempdir().unwrap();
    let temporaries = open_newcomers(data.path(), PAYERS).await;
    {
        let db = netbank_server::db::open(&data.path().join(DATABASE_FILE)).await.unwrap();
        // Money for the bills (the newcomers open with 1,000円), and each payer's own bills at
        // the demo city (納付区分 010).
        for i in 0..PAYERS {
            let account = AccountNumber::parse(&format!("{:07}", 3_000_000 + i)).unwrap();
            let (branch, actor) = (BranchCode::parse("002").unwrap(), netbank_server::audit::Actor::operator_cli());
            let amount = netbank_api::input::Amount::parse("1000000").unwrap();
            netbank_server::operator::accounts::deposit(
                &db,
                &Clock::System,
                &branch,
                &account,
                amount,
                "窓口入金",
                &actor,
            )
            .await
            .unwrap();
        }
        let due = netbank_api::input::Date::from_days(netbank_server::banking::jst_day(Clock::System.now()) + 30);
        let lines: Vec<String> = (0..PAYERS * BILLS)
            .map(|n| format!("11301,{},1357,010,{},{due},令和8年度 固定資産税 第{n}号", 800_000 + n, 1_000 + n))
            .collect();
        let csv = format!("{}\n", lines.join("\n"));
        let actor = netbank_server::audit::Actor::operator_cli();
        let report = netbank_server::operator::payeasy::import_bills(&db, &Clock::System, &csv, &actor).await.unwrap();
        assert_eq!(report.imported, PAYERS * BILLS, "{report:?}");
        db.close().await;
    }
    let extra = ["--mode", "development", "--new-authenticator-hours", "0"];
    let mut server = start(data.path(), &extra).await;
    let base = server.base.clone();
    let origin = base.replace("127.0.0.1", "localhost");
    let reader = netbank_server::db::open(&data.path().join(DATABASE_FILE)).await.unwrap();
    let bill = |i: usize, b: usize, key: &str| {
        json!({ "from_account": format!("002-{:07}", 3_000_000 + i), "biller_number": "11301",
            "bill_number": (800_000 + i * BILLS + b).to_string(), "confirmation_number": "1357", "category": "010",
            "idempotency_key": key })
    };
    // Each payer: 初回利用登録, a passkey (by 確認コード), then its bills one after another.
    let mut payers = Vec::new();
    for (i, temporary) in temporaries.iter().enumerate() {
        let client = client();
        assert!(register_newcomer(&client, &base, i, temporary).await);
        let login =
            post(&client, &base, "/api/login", json!({ "login_id": format!("fault{i:02}"), "password": "kumo4821" }));
        assert_eq!(login.await.unwrap().status(), 200);
        let mut phone = SoftAuthenticator::new(&origin);
        let address = format!("fault{i:02}@notice.example");
        let proof = mail_code_proof(&client, &base, &reader, "passkey", &address).await.expect("a 確認コード");
        let options = post(
            &client,
            &base,
            "/api/passkeys/registration/options",
            json!({ "login_password": "kumo4821", "step_up": proof }),
        );
        let challenge: PasskeyChallenge = options.await.unwrap().json().await.unwrap();
        let body =
            json!({ "ceremony": challenge.ceremony, "credential": phone.create(&challenge.options), "name": "スマホ" });
        assert_eq!(post(&client, &base, "/api/passkeys", body).await.unwrap().status(), 201);
        payers.push((client, phone));
    }

    let mut tasks = tokio::task::JoinSet::new();
    let (acks, mut acked) = tokio::sync::mpsc::unbounded_channel::<()>();
    for (i, (client, mut phone)) in payers.into_iter().enumerate() {
        let (base, acks) = (base.clone(), acks.clone());
        tasks.spawn(async move {
            let mut receipts = Vec::new();
            for b in 0..BILLS {
                let key = format!("{:032x}", i * BILLS + b);
                let Ok(asked) = post(&client, &base, "/api/payeasy/approval", bill(i, b, &key)).await else { break };
                let Ok(challenge) = asked.json::<PasskeyChallenge>().await else { break };
                let mut body = bill(i, b, &key);
                body["passkey"] =
                    json!({ "ceremony": challenge.ceremony, "credential": phone.get(&challenge.options) });
                let receipt = match post(&client, &base, "/api/payeasy/payments", body).await {
                    Ok(response) if response.status() == 200 => response.json::<Value>().await.ok(),
                    _ => None,
                };
                let Some(receipt) = receipt else { break };
                let _ = acks.send(());
                receipts.push((b, key, receipt["receipt_no"].as_str().unwrap().to_owned()));
            }
            (i, client, receipts)
        });
    }
    for _ in 0..PAYERS * BILLS / 3 {
        tokio::time::timeout(Duration::from_secs(60), acked.recv()).await.expect("payments go through");
    }
    server.kill().unwrap();
    let mut outcomes = Vec::new();
    while let Some(result) = tasks.join_next().await {
        outcomes.push(result.unwrap());
    }

    let mut server = start(data.path(), &extra).await;
    let db = netbank_server::db::open(&data.path().join(DATABASE_FILE)).await.unwrap();
    let mut acknowledged = 0;
    for (i, _, receipts) in &outcomes {
        let client = client();
        let login = post(
            &client,
            &server.base,
            "/api/login",
            json!({ "login_id": format!("fault{i:02}"), "password": "kumo4821" }),
        );
        assert_eq!(login.await.unwrap().status(), 200);
        for (b, key, receipt) in receipts {
            // The confirmation sent again (no proof: it was spent) answers as it did.
            let again: Value = post(&client, &server.base, "/api/payeasy/payments", bill(*i, *b, key))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(again["receipt_no"].as_str(), Some(receipt.as_str()), "payer {i} bill {b}: {again}");
            acknowledged += 1;
        }
    }
    let payments = count(&db, "SELECT COUNT(*) FROM payeasy_payments").await;
    let paid = count(&db, "SELECT COUNT(*) FROM bills WHERE status = 'paid'").await;
    assert_eq!(paid, payments, "a bill is paid exactly when a payment names it");
    assert!(payments >= acknowledged as i64, "{payments} payments for {acknowledged} acknowledged");
    let unnamed = count(
        &db,
        "SELECT COUNT(*) FROM bills b WHERE b.status = 'paid' AND NOT EXISTS (SELECT 1 FROM payeasy_payments p WHERE p.bill_id = b.id)",
    )
    .await;
    assert_eq!(unnamed, 0);
    let collected =
        count(&db, "SELECT a.balance FROM accounts a JOIN billers r ON r.account_id = a.id WHERE r.number = '11301'")
            .await;
    let owed = count(&db, "SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM payeasy_payments p JOIN billers r ON r.id = p.biller_id WHERE r.number = '11301'").await;
    assert_eq!(collected, owed, "the city's 収納口座 holds what was paid");
    assert_intact(&db).await;
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_netbank-server"))
        .args(["--data-dir", data.path().to_str().unwrap(), "ledger", "check"])
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    println!(
        "faults: {acknowledged} ペイジー payments acknowledged of {}, {payments} committed, all present after SIGKILL",
        PAYERS * BILLS
    );
    server.kill().unwrap();
}
