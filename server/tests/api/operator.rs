use netbank_api::input::{AccountNumber, BranchCode};
use netbank_server::operator::{customers, demo};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_reissued_temporary_password_replaces_a_voided_one() {
    let app = spawn_app().await;
    let mut newcomer = app.open_customer("山田 花子", "1234567").await;
    let wrong = json!({ "branch_code": "001", "account_number": "1234567", "temporary_password": "wrong123" });
    for _ in 0..5 {
        app.post("/api/registration/verify", &wrong, None).await;
    }
    let notice = customers::reissue_temporary_password(
        &app.state.db,
        app.clock(),
        &app.state.policy,
        &BranchCode::parse("001").unwrap(),
        &AccountNumber::parse("1234567").unwrap(),
        &netbank_server::audit::Actor::operator_cli(),
    )
    .await
    .unwrap();
    newcomer.temporary_password = notice.temporary_password;
    assert_eq!(app.register(&newcomer, "hanako01", "hana2025").await.status(), 201);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE event = 'temporary_password_reissue'").await, 1);
}

#[tokio::test]
async fn the_demo_credentials_printed_by_the_server_work_even_after_misuse() {
    let app = spawn_app().await;
    demo::seed(&app.state.db, app.clock(), netbank_server::config::Mode::Development).await.unwrap();
    for _ in 0..6 {
        app.login(demo::LOGIN_ID, "wrong999").await;
    }
    demo::seed(&app.state.db, app.clock(), netbank_server::config::Mode::Development).await.unwrap();
    assert_eq!(app.login(demo::LOGIN_ID, demo::PASSWORD).await.status(), 200);
    let proof = json!({
        "branch_code": demo::NEW_BRANCH, "account_number": demo::NEW_ACCOUNT,
        "temporary_password": demo::NEW_TEMPORARY_PASSWORD,
    });
    assert_eq!(app.post("/api/registration/verify", &proof, None).await.status(), 200);
    assert!(demo::credentials_text().contains(demo::PASSWORD));
}

/// `./x run` and the e2e tests seed while the server's sweeper and mail sender write. The
/// seed reads before it writes: it must wait its turn as a writer, not fail with "database
/// is locked" because another connection committed after its first read (CI saw this).
#[tokio::test]
async fn the_demo_seed_waits_for_writers_running_beside_it() {
    let app = spawn_app().await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (state, stop) = (app.state.clone(), stop.clone());
        tokio::spawn(async move {
            let mut rounds = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                netbank_server::sweeper::sweep(&state).await.unwrap();
                sqlx::query("INSERT INTO throttles (key, window_start, count) VALUES ('seed-race', 0, 1) ON CONFLICT (key) DO UPDATE SET count = throttles.count + 1")
                    .execute(&state.db)
                    .await
                    .unwrap();
                rounds += 1;
                tokio::task::yield_now().await;
            }
            rounds
        })
    };
    for _ in 0..5 {
        demo::seed(&app.state.db, app.clock(), netbank_server::config::Mode::Development).await.unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(writer.await.unwrap() > 0, "the other writer never ran beside the seed");
    assert_eq!(app.login(demo::LOGIN_ID, demo::PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn the_audit_log_cannot_be_rewritten() {
    let app = spawn_app().await;
    app.login("nosuchid", "wrong999").await;
    let update = sqlx::query("UPDATE audit_log SET result = 'success'").execute(&app.state.db).await;
    assert!(update.is_err());
    let delete = sqlx::query("DELETE FROM audit_log").execute(&app.state.db).await;
    assert!(delete.is_err());
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE event = 'login' AND result = 'refused'").await, 1);
}

/// The branch's side of the ledger through the binary: 窓口入金 credits the account with its
/// line against cash, a bad amount writes nothing, and `ledger check` notices a balance that
/// was changed behind the ledger's back.
#[tokio::test]
async fn a_branch_deposit_is_a_ledger_entry_and_the_trial_balance_catches_a_forged_balance() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_netbank-server"))
            .args(["--data-dir", data.path().to_str().unwrap()])
            .args(args)
            .output()
            .unwrap()
    };
    let created = run(&[
        "customer",
        "create",
        "--name",
        "窓口 太郎",
        "--kana",
        "まどぐち たろう",
        "--branch",
        "005",
        "--account",
        "0000042",
        "--balance",
        "1000",
    ]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let deposit = run(&["account", "deposit", "--branch", "005", "--account", "0000042", "--amount", "25,000"]);
    assert!(deposit.status.success(), "{}", String::from_utf8_lossy(&deposit.stderr));
    assert!(String::from_utf8_lossy(&deposit.stdout).contains("balance 26000"));
    for bad in [["--amount", "0"], ["--amount", "-5"]] {
        let refused = run(&["account", "deposit", "--branch", "005", "--account", "0000042", bad[0], bad[1]]);
        assert!(!refused.status.success(), "{bad:?}");
    }
    let unknown = run(&["account", "deposit", "--branch", "005", "--account", "0000043", "--amount", "1"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account 005-0000043"));
    let check = run(&["ledger", "check"]);
    let printed = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(check.status.success() && printed.contains("OK:") && printed.contains("house cash: -26000"), "{printed}");

    let db = netbank_server::db::open(&data.path().join(netbank_server::config::DATABASE_FILE)).await.unwrap();
    sqlx::query("UPDATE accounts SET balance = balance + 1000000").execute(&db).await.unwrap();
    db.close().await;
    let check = run(&["ledger", "check"]);
    let printed = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(!check.status.success(), "{printed}");
    assert!(printed.contains("MISMATCH 005-0000042: balance 1026000 vs lines 26000"), "{printed}");
}

#[tokio::test]
async fn the_demo_customers_have_months_of_history_that_balances_and_is_not_written_twice() {
    let app = spawn_app().await;
    demo::seed(&app.state.db, app.clock(), netbank_server::config::Mode::Development).await.unwrap();
    let entries = app.count("SELECT COUNT(*) FROM journal_entries").await;
    assert!(entries > 25, "{entries} entries");
    demo::seed(&app.state.db, app.clock(), netbank_server::config::Mode::Development).await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM journal_entries").await, entries, "seeding again adds no history");
    let session = app.logged_in(demo::LOGIN_ID, demo::PASSWORD).await;
    // The history ends at the balances the demo has always shown.
    assert_eq!(
        (app.balance("001-1234567").await, app.balance("001-2345678").await, app.balance("001-7654321").await),
        (1_250_000, 300_000, 80_000)
    );
    let last_month = app.statement(&session, "001-1234567", "period=last_month").await;
    assert!(last_month["total"].as_u64().unwrap() >= 5, "{last_month}");
    // To the last page of 13 months, by 次のページ's cursor.
    let period = "period=custom&from=2026-02-01&to=2027-01-15";
    let mut oldest = app.statement(&session, "001-1234567", period).await;
    while let Some(older) = oldest["older"].as_str().map(str::to_owned) {
        oldest = app.statement(&session, "001-1234567", &format!("{period}&before={older}")).await;
    }
    let last = oldest["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["description"], "口座開設");
    app.assert_ledger_holds().await;
}
