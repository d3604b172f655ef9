//! 他行振込 through the 全銀 network, tried as the people who would break it: a double click
//! and twenty submissions of one confirmation, a cancellation raced twenty ways and one of
//! someone else's 振込, names the network cannot carry, a bank that is this one, the cut-off
//! over a weekend and a holiday, a day's file exported twice and after a run that stopped
//! half-way, and the receiving bank's returns.

use netbank_api::input::{jis_x0201, Date};
use netbank_api::ErrorReason;
use netbank_server::audit::Actor;
use netbank_server::banking::jst_day;
use netbank_server::clock::Clock;
use netbank_server::operator::zengin::{self, RECORD_LEN};
use serde_json::{json, Value};

use crate::banking_helpers::Holder;
use crate::helpers::{error_reason, join_all, spawn_app, spawn_app_configured, test_policy, TestApp};
use netbank_server::config::Policy;

/// みずほ 東京営業部 普通 7654321.
fn to_mizuho(from: &str, payee: &str, amount: i64) -> Value {
    json!({ "from_account": from, "bank_code": "0001", "branch_code": "001", "kind": "ordinary",
        "account_number": "7654321", "payee_name": payee, "amount": amount.to_string() })
}

impl TestApp {
    async fn interbank_quote(&self, session: &str, body: &Value) -> reqwest::Response {
        self.post("/api/interbank/quote", body, Some(session)).await
    }

    async fn interbank_send(&self, session: &str, body: &Value, key: &str, otp: Option<String>) -> reqwest::Response {
        let mut body = body.clone();
        body["idempotency_key"] = json!(key);
        if let Some(otp) = otp {
            body["otp"] = json!(otp);
        }
        self.post("/api/interbank/transfers", &body, Some(session)).await
    }

    /// Quotes and confirms with the holder's next code: the receipt.
    async fn interbank(&self, holder: &Holder, body: &Value) -> Value {
        let quote = self.interbank_quote(&holder.session, body).await;
        assert_eq!(quote.status(), 200, "quote");
        let key = quote.json::<Value>().await.unwrap()["idempotency_key"].as_str().unwrap().to_owned();
        let code = self.fresh_code(holder);
        let sent = self.interbank_send(&holder.session, body, &key, Some(code)).await;
        assert_eq!(sent.status(), 200, "send");
        sent.json().await.unwrap()
    }

    async fn export(&self, day: i64, dir: &std::path::Path) -> zengin::ExportReport {
        zengin::export(&self.state.db, self.clock(), day, dir, &Actor::operator_cli()).await.unwrap()
    }

    fn today(&self) -> i64 {
        jst_day(self.clock().now())
    }
}

/// The records of a 全銀 file.
fn records(path: &std::path::Path) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(bytes.len() % RECORD_LEN, 0, "records of exactly {RECORD_LEN} bytes");
    bytes.chunks(RECORD_LEN).map(<[u8]>::to_vec).collect()
}

fn field(record: &[u8], range: std::ops::Range<usize>) -> String {
    String::from_utf8_lossy(&record[range]).into_owned()
}

#[tokio::test]
async fn a_transfer_to_another_bank_is_debited_into_clearing_and_its_days_file_carries_it_once() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;

    // BTF011: the bank by name, by 頭文字, by code; then its branch.
    let found: Value = app.get_with_session("/api/banks?q=みずほ", &taro.session).await.json().await.unwrap();
    assert_eq!(found["banks"][0]["code"], "0001", "{found}");
    let row: Value = app.get_with_session("/api/banks?initial=や", &taro.session).await.json().await.unwrap();
    assert!(row["banks"].as_array().unwrap().iter().any(|b| b["name"] == "ゆうちょ"), "{row}");
    let own: Value = app.get_with_session("/api/banks?q=2999", &taro.session).await.json().await.unwrap();
    assert!(own["banks"].as_array().unwrap().is_empty(), "this bank is 当組合あて, not 他行: {own}");
    let branches: Value =
        app.get_with_session("/api/banks/0001/branches?q=とうきょう", &taro.session).await.json().await.unwrap();
    assert!(branches["branches"].as_array().unwrap().iter().any(|b| b["code"] == "001"), "{branches}");

    // 確認: the fee by destination and the day it leaves (the test clock is a Friday 17:00).
    let body = to_mizuho(&taro.ordinary, "やまだ　はなこ", 10_000);
    let quote: Value = app.interbank_quote(&taro.session, &body).await.json().await.unwrap();
    assert_eq!(quote["payee_name"], "ﾔﾏﾀﾞ ﾊﾅｺ");
    assert_eq!((quote["fee"].as_i64(), quote["balance_after"].as_i64()), (Some(220), Some(89_780)));
    assert_eq!(quote["bank"]["name"], "みずほ");
    assert_eq!(quote["branch"]["name"], "東京営業部");
    assert_eq!(quote["execution_date"], "2027年1月18日（月）", "{quote}");
    assert_eq!(quote["next_business_day"], true);
    let big: Value =
        app.interbank_quote(&taro.session, &to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 30_000)).await.json().await.unwrap();
    assert_eq!(big["fee"], 330, "from 30,000円 the higher band");

    // 実行 without a code moves nothing; with it, once, however often it is sent.
    let key = quote["idempotency_key"].as_str().unwrap();
    let bare = app.interbank_send(&taro.session, &body, key, None).await;
    assert_eq!(error_reason(bare).await, ErrorReason::InvalidInput);
    let code = app.fresh_code(&taro);
    let sent: Value = app.interbank_send(&taro.session, &body, key, Some(code.clone())).await.json().await.unwrap();
    assert!(sent["receipt_no"].as_str().unwrap().contains("-Z"), "{sent}");
    assert_eq!((sent["status"].as_str(), sent["cancellable"].as_bool()), (Some("accepted"), Some(true)));
    let again: Value = app.interbank_send(&taro.session, &body, key, Some(code.clone())).await.json().await.unwrap();
    assert_eq!(again["receipt_no"], sent["receipt_no"]);
    // The same key for another amount is another confirmation: refused.
    let other = app.interbank_send(&taro.session, &to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 9_000), key, Some(code)).await;
    assert_eq!(error_reason(other).await, ErrorReason::IdempotencyConflict);
    assert_eq!(app.balance(&taro.ordinary).await, 89_780);
    assert_eq!(app.balance("999-9000001").await, 10_000, "the clearing account holds it until its file");
    app.assert_ledger_holds().await;
    let statement = app.statement(&taro.session, &taro.ordinary, "period=this_month").await;
    assert!(statement.to_string().contains("振込 みずほ ﾔﾏﾀﾞ ﾊﾅｺ"), "{statement}");

    // Today's file (Friday after the cut-off) does not carry it; Monday's does, once.
    let dir = tempfile::tempdir().unwrap();
    assert!(app.export(app.today(), dir.path()).await.files.is_empty());
    let monday = app.today() + 3;
    let report = app.export(monday, dir.path()).await;
    assert_eq!(report.files.len(), 1, "{}", report.text());
    let (path, count, total) = &report.files[0];
    assert_eq!((*count, *total), (1, 10_000));
    let records = records(path);
    assert_eq!(records.len(), 4, "header, one data record, trailer, end");
    assert_eq!(field(&records[0], 0..4), "1210");
    assert_eq!(field(&records[0], 54..58), "0118", "取組日 MMDD");
    assert_eq!(field(&records[1], 0..5), "20001");
    assert_eq!(field(&records[1], 20..23), "001");
    assert_eq!(field(&records[1], 42..50), "17654321");
    assert_eq!(&records[1][50..80], jis_x0201(&format!("{:<30}", "ﾔﾏﾀﾞ ﾊﾅｺ")).unwrap().as_slice());
    assert_eq!(field(&records[1], 80..90), "0000010000");
    assert_eq!(field(&records[2], 0..19), "8000001000000010000");
    assert_eq!(records[3][0], b'9');
    // Run again: nothing new is written, nothing moves twice.
    assert!(app.export(monday, dir.path()).await.files.is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    assert_eq!((app.balance("999-9000001").await, app.balance("999-9000002").await), (0, 10_000));
    app.assert_ledger_holds().await;
    // Sent: the customer can no longer cancel it.
    let receipt = sent["receipt_no"].as_str().unwrap();
    let late = app.post(&format!("/api/interbank/transfers/{receipt}/cancel"), &json!({}), Some(&taro.session)).await;
    assert_eq!((late.status().as_u16(), error_reason(late).await), (409, ErrorReason::TransferNotCancellable));
    let history: Value = app.get_with_session("/api/interbank/transfers", &taro.session).await.json().await.unwrap();
    assert_eq!(history["transfers"][0]["status"], "sent");
}

#[tokio::test]
async fn names_are_carried_as_the_network_writes_them_and_no_other_bank_is_invented() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    for (typed, carried) in
        [("ｶ)ﾈｯﾄﾊﾞﾝｸ", "ｶ)ﾈﾂﾄﾊﾞﾝｸ"), ("カ）ネットバンク", "ｶ)ﾈﾂﾄﾊﾞﾝｸ"), ("ｓｕｚｕｋｉ ｊｉｒｏ", "SUZUKI JIRO")]
    {
        let quote: Value =
            app.interbank_quote(&taro.session, &to_mizuho(&taro.ordinary, typed, 1_000)).await.json().await.unwrap();
        assert_eq!(quote["payee_name"], carried, "{typed}");
    }
    let kanji = app.interbank_quote(&taro.session, &to_mizuho(&taro.ordinary, "山田 花子", 1_000)).await;
    let body: Value = kanji.json().await.unwrap();
    assert_eq!((body["reason"].as_str(), body["field"].as_str()), (Some("invalid_input"), Some("payee_name")));
    let mut unknown_bank = to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ", 1_000);
    unknown_bank["bank_code"] = json!("0002");
    assert_eq!(error_reason(app.interbank_quote(&taro.session, &unknown_bank).await).await, ErrorReason::BankNotFound);
    unknown_bank["bank_code"] = json!(netbank_api::INSTITUTION_BANK_CODE);
    let ours = app.interbank_quote(&taro.session, &unknown_bank).await;
    assert_eq!(error_reason(ours).await, ErrorReason::BankNotFound, "this bank's 振込 are 当組合あて");
    let mut unknown_branch = to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ", 1_000);
    unknown_branch["branch_code"] = json!("998");
    assert_eq!(
        error_reason(app.interbank_quote(&taro.session, &unknown_branch).await).await,
        ErrorReason::BranchNotFound
    );
    // Without a token or passkey there is no 他行振込 at all; nothing moved.
    let bare = app.account_holder("jiro01", "ヤマダ ジロウ", 100_000).await;
    let refused = app.interbank_quote(&bare.session, &to_mizuho(&bare.ordinary, "ﾔﾏﾀﾞ", 1_000)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::OtpRequired);
    assert_eq!(app.count("SELECT COUNT(*) FROM interbank_transfers").await, 0);
}

#[tokio::test]
async fn after_the_cut_off_a_transfer_leaves_the_next_business_day_over_a_weekend_and_a_holiday() {
    // Friday 2026-11-20, 14:00 in Japan; Monday the 23rd is 勤労感謝の日.
    let app = spawn_app_configured(|settings| settings.clock = Clock::manual(1_795_150_800)).await;
    let mut taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let friday = app.today();
    assert_eq!(Date::from_days(friday).to_string(), "2026-11-20");
    let before = app.interbank(&taro, &to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 1_000)).await;
    assert_eq!(before["execution_date"], "2026年11月20日（金）");
    app.clock().advance(2 * 3600);
    app.login_again(&mut taro, "taro01").await;
    let after = app.interbank(&taro, &to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 2_000)).await;
    assert_eq!(after["execution_date"], "2026年11月24日（火）");
    // Friday's file carries Friday's only; Tuesday's the other.
    let dir = tempfile::tempdir().unwrap();
    let friday_file = app.export(friday, dir.path()).await;
    assert_eq!(friday_file.files.iter().map(|f| (f.1, f.2)).collect::<Vec<_>>(), [(1, 1_000)]);
    let tuesday = app.export(friday + 4, dir.path()).await;
    assert_eq!(tuesday.files.iter().map(|f| (f.1, f.2)).collect::<Vec<_>>(), [(1, 2_000)]);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn a_transfer_not_yet_sent_is_cancelled_once_and_no_one_else_can_cancel_it() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let thief = app.account_holder_with_token("hana01", "ヤマダ ハナコ", 100_000).await;
    let sent = app.interbank(&taro, &to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 40_000)).await;
    assert_eq!(app.balance(&taro.ordinary).await, 100_000 - 40_000 - 330);
    let limit: Value = app.get_with_session("/api/transfer-limit", &taro.session).await.json().await.unwrap();
    let used = limit["used_today"].as_i64().unwrap();
    assert_eq!(used, 40_330);
    let path = format!("/api/interbank/transfers/{}/cancel", sent["receipt_no"].as_str().unwrap());
    // Another customer's 受付番号 reads as none.
    let stranger = app.post(&path, &json!({}), Some(&thief.session)).await;
    assert_eq!((stranger.status().as_u16(), error_reason(stranger).await), (404, ErrorReason::NotFound));
    // Twenty cancellations at once: one gives the money back.
    let empty = json!({});
    let answers = join_all((0..20).map(|_| app.post(&path, &empty, Some(&taro.session))).collect()).await;
    let mut statuses = std::collections::BTreeMap::new();
    for answer in answers {
        *statuses.entry(answer.status().as_u16()).or_insert(0) += 1;
    }
    assert_eq!(statuses.get(&200), Some(&1), "{statuses:?}");
    assert_eq!(statuses.get(&409), Some(&19), "{statuses:?}");
    assert_eq!(app.balance(&taro.ordinary).await, 100_000, "amount and fee back");
    let limit: Value = app.get_with_session("/api/transfer-limit", &taro.session).await.json().await.unwrap();
    assert_eq!(limit["used_today"], 0, "the day's 振込 given back");
    // Cancelled: nothing for the file.
    let dir = tempfile::tempdir().unwrap();
    assert!(app.export(app.today() + 30, dir.path()).await.files.is_empty());
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'interbank_cancel'").await, 1);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn an_export_that_stopped_half_way_is_finished_by_the_next_run_and_returns_give_the_amount_back() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let id = netbank_server::store::customers::customer_by_login_id(&app.state.db, "taro01").await.unwrap().unwrap();
    netbank_server::store::customers::set_notice_address(&app.state.db, id, "taro01@notice.example", Some(0))
        .await
        .unwrap();
    let first = app.interbank(&taro, &to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 5_000)).await;
    let second = app.interbank(&taro, &to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ｼﾞﾛｳ", 7_000)).await;
    // A run claimed the day's instructions and stopped before writing its file.
    let monday = app.today() + 3;
    let mut tx = app.state.db.begin().await.unwrap();
    netbank_server::store::interbank::claim_export(&mut tx, monday, app.clock().now()).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    // Claimed is no longer cancellable; the clearing account still holds it.
    let receipt = first["receipt_no"].as_str().unwrap();
    let cancel = app.post(&format!("/api/interbank/transfers/{receipt}/cancel"), &json!({}), Some(&taro.session)).await;
    assert_eq!(error_reason(cancel).await, ErrorReason::TransferNotCancellable);
    app.assert_ledger_holds().await;
    // The next run writes that file, settles it once, and claims nothing twice.
    let dir = tempfile::tempdir().unwrap();
    let report = app.export(monday, dir.path()).await;
    assert_eq!(report.files.iter().map(|f| (f.1, f.2)).collect::<Vec<_>>(), [(2, 12_000)]);
    assert!(app.export(monday, dir.path()).await.files.is_empty());
    assert_eq!((app.balance("999-9000001").await, app.balance("999-9000002").await), (0, 12_000));

    // The receiving bank returns one: 該当口座なし.
    let returns = format!("{receipt},1\n{},7\nnot-a-receipt,1\n", second["receipt_no"].as_str().unwrap());
    let report = zengin::import_returns(&app.state.db, app.clock(), &returns, &Actor::operator_cli()).await.unwrap();
    assert_eq!((report.returned.len(), report.refused.len()), (1, 2), "{}", report.text());
    assert_eq!(app.balance(&taro.ordinary).await, 100_000 - 5_000 - 7_000 - 2 * 220 + 5_000, "the amount, not the fee");
    let again = zengin::import_returns(&app.state.db, app.clock(), &format!("{receipt},1\n"), &Actor::operator_cli())
        .await
        .unwrap();
    assert_eq!((again.returned.len(), again.already.len()), (0, 1));
    assert_eq!(app.balance(&taro.ordinary).await, 100_000 - 7_000 - 2 * 220);
    let notices = app
        .count("SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'taro01@notice.example' AND subject LIKE '%振込不能のお知らせ%' AND body LIKE '%該当口座なし%'")
        .await;
    assert_eq!(notices, 1);
    let history: Value = app.get_with_session("/api/interbank/transfers", &taro.session).await.json().await.unwrap();
    let returned = history["transfers"].as_array().unwrap().iter().find(|t| t["receipt_no"] == receipt).unwrap();
    assert_eq!(
        (returned["status"].as_str(), returned["return_reason"].as_str()),
        (Some("returned"), Some("該当口座なし"))
    );
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn one_confirmation_sent_twenty_times_at_once_moves_the_money_once() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let body = to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 10_000);
    let quote: Value = app.interbank_quote(&taro.session, &body).await.json().await.unwrap();
    let key = quote["idempotency_key"].as_str().unwrap().to_owned();
    let code = app.fresh_code(&taro);
    let answers =
        join_all((0..20).map(|_| app.interbank_send(&taro.session, &body, &key, Some(code.clone()))).collect()).await;
    let mut receipts = std::collections::BTreeSet::new();
    for answer in answers {
        assert_eq!(answer.status(), 200);
        receipts.insert(answer.json::<Value>().await.unwrap()["receipt_no"].as_str().unwrap().to_owned());
    }
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM interbank_transfers").await, 1);
    assert_eq!(app.balance(&taro.ordinary).await, 100_000 - 10_000 - 220);
    app.assert_ledger_holds().await;
}

/// A test server whose sessions last hours (a hundred codes move the clock on by an hour),
/// and the server binary on its database: a command to run as another process beside it.
async fn app_beside_its_binary() -> (TestApp, impl Fn() -> std::process::Command) {
    let mut place = None;
    let app = spawn_app_configured(|settings| {
        settings.policy =
            Policy { session_idle_seconds: 4 * 3600, session_absolute_seconds: 8 * 3600, ..test_policy() };
        place = Some((settings.data_dir.clone(), settings.database_url.clone()));
    })
    .await;
    let (data_dir, database_url) = place.unwrap();
    let binary = move || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_netbank-server"));
        command.arg("--data-dir").arg(&data_dir);
        if let Some(url) = &database_url {
            command.args(["--database-url", url]);
        }
        command
    };
    (app, binary)
}

#[tokio::test]
async fn an_export_killed_at_any_moment_sends_each_transfer_once_and_loses_none() {
    const TRANSFERS: usize = 120;
    let (app, binary) = app_beside_its_binary().await;
    let mut payers = Vec::new();
    for p in 0..4 {
        payers.push(app.account_holder_with_token(&format!("payer{p}"), "ヤマダ タロウ", 1_000_000).await);
    }
    let mut sent = 0;
    for i in 0..TRANSFERS {
        let payer = &payers[i % 4];
        app.interbank(payer, &to_mizuho(&payer.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 1_000 + i as i64)).await;
        sent += 1_000 + i as i64;
    }
    let day = app.today() + 7;
    let files = tempfile::tempdir().unwrap();
    let export = || {
        let mut command = binary();
        command.args(["zengin", "export", "--date", &Date::from_days(day).to_string(), "--dir"]);
        command.arg(files.path()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        command
    };
    // Kill runs earlier and later until one finishes by itself.
    let mut killed = 0;
    for delay_ms in (0..400).step_by(2) {
        let mut child = export().spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_some() {
            break;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        killed += 1;
    }
    let finished = export().output().unwrap();
    assert!(finished.status.success(), "{}", String::from_utf8_lossy(&finished.stderr));
    // Every instruction is in exactly one whole file, and every file's trailer adds up.
    let mut carried = std::collections::BTreeMap::new();
    let mut total = 0;
    for entry in std::fs::read_dir(files.path()).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(path.extension().and_then(|e| e.to_str()), Some("txt"), "no partial file left: {path:?}");
        let records = records(&path);
        let data: Vec<&Vec<u8>> = records.iter().filter(|r| r[0] == b'2').collect();
        let amounts: i64 = data.iter().map(|r| field(r, 80..90).parse::<i64>().unwrap()).sum();
        let trailer = records.iter().find(|r| r[0] == b'8').unwrap();
        assert_eq!(field(trailer, 1..7).parse::<usize>().unwrap(), data.len());
        assert_eq!(field(trailer, 7..19).parse::<i64>().unwrap(), amounts);
        for record in data {
            *carried.entry(field(record, 91..101)).or_insert(0) += 1;
        }
        total += amounts;
    }
    assert_eq!(carried.len(), TRANSFERS, "every instruction carried");
    assert!(carried.values().all(|n| *n == 1), "none twice");
    assert_eq!(total, sent);
    assert_eq!(app.count("SELECT COUNT(*) FROM zengin_exports WHERE written_at IS NULL").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM interbank_transfers WHERE status = 'sent'").await, TRANSFERS as i64);
    assert_eq!((app.balance("999-9000001").await, app.balance("999-9000002").await), (0, sent));
    app.assert_ledger_holds().await;
    println!("zengin export: {killed} runs killed, {TRANSFERS} transfers each sent once");
}

#[tokio::test]
async fn the_banks_own_clearing_accounts_are_no_ones_payee_and_take_no_deposit() {
    let app = spawn_app().await;
    let thief = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    for number in ["9000001", "9000002"] {
        let lookup = json!({ "branch_code": "999", "kind": "ordinary", "account_number": number });
        let looked = app.post("/api/payees/lookup", &lookup, Some(&thief.session)).await;
        assert_eq!(error_reason(looked).await, ErrorReason::PayeeNotFound, "{number}");
        let body = crate::banking_helpers::draft(&thief.ordinary, &format!("999-{number}"), "ordinary", 1);
        let sent = app.transfer(&thief.session, &body, &format!("{:032x}", 7), Some(app.fresh_code(&thief))).await;
        assert_eq!(error_reason(sent).await, ErrorReason::PayeeNotFound, "{number}");
        let deposit = netbank_server::operator::accounts::deposit(
            &app.state.db,
            app.clock(),
            &netbank_api::input::BranchCode::parse("999").unwrap(),
            &netbank_api::input::AccountNumber::parse(number).unwrap(),
            netbank_api::input::Amount::parse("1").unwrap(),
            "窓口入金",
            &Actor::operator_cli(),
        )
        .await;
        assert!(deposit.is_err(), "{number}");
    }
    assert_eq!(app.balance(&thief.ordinary).await, 100_000);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn nothing_leaves_a_frozen_customers_account_for_another_bank() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    app.interbank(&taro, &to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 30_000)).await;
    // The police ask overnight; the branch freezes the customer before the morning's file.
    let id = netbank_server::store::customers::customer_by_login_id(&app.state.db, "taro01").await.unwrap().unwrap();
    netbank_server::store::customers::freeze(&app.state.db, id, "警察からの依頼", app.clock().now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    assert!(app.export(app.today() + 3, dir.path()).await.files.is_empty(), "a frozen customer's 振込 waits");
    assert_eq!(app.balance("999-9000001").await, 30_000, "in the clearing account");
    app.assert_ledger_holds().await;
    // Lifted, it leaves with the next file.
    netbank_server::store::customers::unfreeze(&app.state.db, id).await.unwrap();
    let report = app.export(app.today() + 3, dir.path()).await;
    assert_eq!(report.files.iter().map(|f| (f.1, f.2)).collect::<Vec<_>>(), [(1, 30_000)]);
}

#[tokio::test]
async fn a_bank_search_reads_wildcards_as_text() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    for q in ["%25", "_", "%5C"] {
        let found: Value =
            app.get_with_session(&format!("/api/banks?q={q}"), &taro.session).await.json().await.unwrap();
        assert!(found["banks"].as_array().unwrap().is_empty(), "{q}: {found}");
    }
    let row: Value = app.get_with_session("/api/banks?initial=あ", &taro.session).await.json().await.unwrap();
    assert!(row["banks"].as_array().unwrap().iter().all(|b| b["code"] != netbank_api::INSTITUTION_BANK_CODE));
}

#[tokio::test]
async fn a_booked_transfer_moves_on_its_morning_once_however_many_runs_race() {
    let app = spawn_app().await;
    let taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    // The clock is a Friday after the cut-off: the earliest day is Monday; book Wednesday.
    let dates: Value = app.get_with_session("/api/interbank/dates", &taro.session).await.json().await.unwrap();
    assert_eq!(dates["earliest"], "2027年1月18日（月）", "{dates}");
    let listed: Vec<&str> = dates["dates"].as_array().unwrap().iter().map(|d| d["date"].as_str().unwrap()).collect();
    assert_eq!(listed.first(), Some(&"2027-01-19"));
    assert!(!listed.contains(&"2027-01-23"), "a Saturday is no business day");
    assert!(listed.iter().all(|d| *d <= "2027-02-14"), "30 days ahead at most");
    let mut body = to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 40_000);
    for (bad, why) in [("2027-01-23", "a Saturday"), ("2027-03-01", "beyond 30 days"), ("2027-01-14", "the past")] {
        body["execution_date"] = json!(bad);
        let refused = app.interbank_quote(&taro.session, &body).await;
        let refused: Value = refused.json().await.unwrap();
        assert_eq!(refused["field"], "execution_date", "{why}: {refused}");
    }
    body["execution_date"] = json!("2027-01-20");
    let booked = app.interbank(&taro, &body).await;
    assert_eq!((booked["status"].as_str(), booked["booked"].as_bool()), (Some("booked"), Some(true)));
    assert_eq!(booked["execution_date"], "2027年1月20日（水）");
    // Nothing moved; the day's limit is untouched; nothing goes in a file.
    assert_eq!(app.balance(&taro.ordinary).await, 100_000);
    let dir = tempfile::tempdir().unwrap();
    assert!(app.export(app.today() + 5, dir.path()).await.files.is_empty());
    app.assert_ledger_holds().await;

    // Wednesday morning: twenty runs (two instances' worth) race; it is debited once.
    app.clock().advance(5 * 86_400 - 8 * 3600);
    assert_eq!(Date::from_days(app.today()).to_string(), "2027-01-20");
    let runs = join_all(
        (0..20)
            .map(|i| {
                let holder = if i % 2 == 0 { "instance-a" } else { "instance-b" };
                netbank_server::banking::interbank::scheduler::run_due(&app.state, holder)
            })
            .collect(),
    )
    .await;
    let executed: usize = runs.into_iter().map(|run| run.unwrap().executed).sum();
    assert!(executed <= 1, "{executed}");
    assert_eq!(app.count("SELECT COUNT(*) FROM interbank_transfers WHERE status = 'accepted'").await, 1);
    assert_eq!(app.balance(&taro.ordinary).await, 100_000 - 40_000 - 330);
    assert_eq!(app.balance("999-9000001").await, 40_000);
    let report = app.export(app.today(), dir.path()).await;
    assert_eq!(report.files.iter().map(|f| (f.1, f.2)).collect::<Vec<_>>(), [(1, 40_000)]);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn a_booking_the_balance_cannot_cover_is_refused_with_a_notice_and_one_is_cancelled_the_day_before() {
    let app = spawn_app().await;
    let mut taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let id = netbank_server::store::customers::customer_by_login_id(&app.state.db, "taro01").await.unwrap().unwrap();
    netbank_server::store::customers::set_notice_address(&app.state.db, id, "taro01@notice.example", Some(0))
        .await
        .unwrap();
    let mut big = to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 90_000);
    big["execution_date"] = json!("2027-01-19");
    let big = app.interbank(&taro, &big).await;
    let mut small = to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ｼﾞﾛｳ", 1_000);
    small["execution_date"] = json!("2027-01-19");
    let small = app.interbank(&taro, &small).await;
    // Meanwhile the money leaves another way: 20,000円 at once.
    app.interbank(&taro, &to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ｻﾌﾞﾛｳ", 20_000)).await;
    // Monday, the day before: the small one is cancelled; nothing moves back (nothing moved).
    app.clock().advance(3 * 86_400 - 9 * 3600);
    app.login_again(&mut taro, "taro01").await;
    let path = format!("/api/interbank/transfers/{}/cancel", small["receipt_no"].as_str().unwrap());
    let cancelled: Value = app.post(&path, &json!({}), Some(&taro.session)).await.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    let balance = app.balance(&taro.ordinary).await;
    assert_eq!(balance, 100_000 - 20_000 - 220);
    // Tuesday: the big one cannot be covered; it is refused, with a notice, and nothing moves.
    app.clock().advance(86_400);
    let run = netbank_server::banking::interbank::scheduler::run_due(&app.state, "instance-a").await.unwrap();
    assert_eq!(run.executed, 0);
    assert_eq!(app.balance(&taro.ordinary).await, balance);
    let status = app
        .count(&format!(
            "SELECT COUNT(*) FROM interbank_transfers WHERE status = 'refused' AND id = {}",
            netbank_server::banking::interbank::id_of(big["receipt_no"].as_str().unwrap()).unwrap()
        ))
        .await;
    assert_eq!(status, 1);
    let told = app
        .count("SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'taro01@notice.example' AND subject LIKE '%振込予約不成立%' AND body LIKE '%残高が不足%'")
        .await;
    assert_eq!(told, 1);
    // A booking on its day is no longer the customer's to cancel (it has been carried out or refused).
    app.login_again(&mut taro, "taro01").await;
    let late = app
        .post(
            &format!("/api/interbank/transfers/{}/cancel", big["receipt_no"].as_str().unwrap()),
            &json!({}),
            Some(&taro.session),
        )
        .await;
    assert_eq!(error_reason(late).await, ErrorReason::TransferNotCancellable);
    app.assert_ledger_holds().await;
}

#[tokio::test]
async fn a_server_killed_while_it_carries_out_bookings_carries_each_out_once() {
    const BOOKINGS: usize = 60;
    let (app, binary) = app_beside_its_binary().await;
    let payers = [
        app.account_holder_with_token("payer0", "ヤマダ タロウ", 1_000_000).await,
        app.account_holder_with_token("payer1", "ヤマダ ジロウ", 1_000_000).await,
    ];
    let hanako = app.account_holder("hana01", "ヤマダ ハナコ", 0).await;
    let (mut booked, mut booked_within) = (0, 0);
    for i in 0..BOOKINGS {
        let payer = &payers[i % 2];
        let mut body = to_mizuho(&payer.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 1_000 + i as i64);
        body["execution_date"] = json!("2027-01-20");
        assert_eq!(app.interbank(payer, &body).await["status"], "booked");
        booked += 1_000 + i as i64;
        // And as many 振込予約 within the credit union, to Hanako.
        let mut body = crate::banking_helpers::draft(&payer.ordinary, &hanako.ordinary, "ordinary", 500 + i as i64);
        body["execution_date"] = json!("2027-01-20");
        let code = app.fresh_code(payer);
        let within = app.quote_and_transfer(&payer.session, &body, Some(code)).await;
        assert_eq!(within.json::<Value>().await.unwrap()["status"], "booked");
        booked_within += 500 + i as i64;
    }
    // A server on the real clock finds them due today (its scheduler's first run is at start).
    let today = jst_day(Clock::System.now());
    for table in ["interbank_transfers", "transfer_bookings"] {
        sqlx::query(&format!("UPDATE {table} SET execution_day = {today}")).execute(&app.state.db).await.unwrap();
    }
    // A killed holder's lease runs out after two minutes; here it has run out at each start.
    let lease_ran_out = || sqlx::query("UPDATE scheduler_leases SET until = 0").execute(&app.state.db);
    let serve = || {
        let mut command = binary();
        command.args(["serve", "--mode", "development", "--addr", "127.0.0.1:0"]);
        command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        command
    };
    let remaining = || {
        app.count(
            "SELECT (SELECT COUNT(*) FROM interbank_transfers WHERE status = 'booked')
                + (SELECT COUNT(*) FROM transfer_bookings WHERE status = 'booked')",
        )
    };
    let mut killed = 0;
    for delay_ms in (0..600).step_by(12) {
        if remaining().await == 0 {
            break;
        }
        lease_ran_out().await.unwrap();
        let mut child = serve().spawn().unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        killed += 1;
    }
    // Whatever is left, a server that is not killed carries out.
    if remaining().await > 0 {
        lease_ran_out().await.unwrap();
        let mut child = serve().spawn().unwrap();
        for _ in 0..600 {
            if remaining().await == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        child.kill().unwrap();
        child.wait().unwrap();
    }
    assert_eq!(remaining().await, 0);
    let accepted = "SELECT COUNT(DISTINCT entry_id) FROM interbank_transfers WHERE status = 'accepted'";
    assert_eq!(app.count(accepted).await, BOOKINGS as i64, "each carried out, each with its own entry");
    assert_eq!(app.balance("999-9000001").await, booked, "the clearing account holds each once");
    let made = "SELECT COUNT(DISTINCT transfer_id) FROM transfer_bookings WHERE status = 'executed'";
    assert_eq!(app.count(made).await, BOOKINGS as i64, "each made, each with its own 振込");
    assert_eq!(app.count("SELECT COUNT(*) FROM transfers").await, BOOKINGS as i64, "and no other");
    assert_eq!(app.balance(&hanako.ordinary).await, booked_within, "Hanako paid each once");
    let left = app.balance(&payers[0].ordinary).await + app.balance(&payers[1].ordinary).await;
    let fees: i64 = (0..BOOKINGS).map(|_| 220).sum();
    assert_eq!(left, 2_000_000 - booked - booked_within - fees, "each debited once");
    app.assert_ledger_holds().await;
    println!("bookings: {killed} servers killed, {} bookings each carried out once", 2 * BOOKINGS);
}

#[tokio::test]
async fn a_carried_out_booking_cancelled_gives_back_the_limit_of_the_day_it_used() {
    let app = spawn_app().await;
    let mut taro = app.account_holder_with_token("taro01", "ヤマダ タロウ", 100_000).await;
    let mut body = to_mizuho(&taro.ordinary, "ﾔﾏﾀﾞ ﾊﾅｺ", 40_000);
    body["execution_date"] = json!("2027-01-20");
    let booked = app.interbank(&taro, &body).await;
    app.clock().advance(5 * 86_400 - 8 * 3600);
    let run = netbank_server::banking::interbank::scheduler::run_due(&app.state, "instance-a").await.unwrap();
    assert_eq!((run.executed, run.failed), (1, 0));
    app.login_again(&mut taro, "taro01").await;
    let limit: Value = app.get_with_session("/api/transfer-limit", &taro.session).await.json().await.unwrap();
    assert_eq!(limit["used_today"], 40_330, "it used the limit of its own day");
    let path = format!("/api/interbank/transfers/{}/cancel", booked["receipt_no"].as_str().unwrap());
    assert_eq!(app.post(&path, &json!({}), Some(&taro.session)).await.status(), 200);
    let limit: Value = app.get_with_session("/api/transfer-limit", &taro.session).await.json().await.unwrap();
    assert_eq!(limit["used_today"], 0, "and gave it back on cancelling");
    assert_eq!(app.balance(&taro.ordinary).await, 100_000);
    app.assert_ledger_holds().await;
}
