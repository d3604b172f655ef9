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
