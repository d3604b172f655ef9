//! Nothing tells a guesser which IDs and accounts exist: an unknown login and a wrong
//! password answer alike, both lock after as many guesses, and so do the 仮パスワード checks
//! of 初回利用登録.

use serde_json::{json, Value};

use crate::helpers::spawn_app;

async fn answer(response: reqwest::Response) -> (u16, Value) {
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_locked_login_and_an_unknown_one_lock_alike_and_then_ignore_the_password() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    // Every guess answers exactly like the unknown ID's: five as wrong, the sixth as locked.
    for attempt in 1..=6 {
        let unknown = answer(app.login("nosuch01", "wrong999").await).await;
        assert_eq!(answer(app.login("taro01", "wrong999").await).await, unknown, "attempt {attempt}");
    }
    assert_eq!(app.count("SELECT locked_at IS NOT NULL FROM credentials").await, 1);
    // Locked, the answer no longer depends on the password: the right one learns nothing.
    let wrong = answer(app.login("taro01", "other777").await).await;
    assert_eq!(wrong.1["reason"], "login_locked");
    assert_eq!(answer(app.login("taro01", "taro2025").await).await, wrong);
    assert_eq!(answer(app.login("nosuch01", "taro2025").await).await, wrong);
    assert_eq!(app.count("SELECT count(*) FROM mail_outbox WHERE subject LIKE '%ログイン停止%'").await, 1);
}

#[tokio::test]
async fn registration_proofs_answer_alike_for_unknown_voided_used_and_wrong() {
    let app = spawn_app().await;
    let proof = |account: &str, temporary: &str| json!({ "branch_code": "001", "account_number": account, "temporary_password": temporary });
    let unknown = answer(app.post("/api/registration/verify", &proof("7777777", "abcd2345"), None).await).await;
    assert_eq!(unknown.1["reason"], "registration_mismatch");
    // A live 仮パスワード, guessed wrong.
    app.open_customer("山田 花子", "1234567").await;
    assert_eq!(answer(app.post("/api/registration/verify", &proof("1234567", "abcd2345"), None).await).await, unknown);
    // Voided by five wrong guesses: the sixth guess answers as before.
    for _ in 0..5 {
        app.post("/api/registration/verify", &proof("1234567", "abcd2345"), None).await;
    }
    assert_eq!(answer(app.post("/api/registration/verify", &proof("1234567", "zzzz9999"), None).await).await, unknown);
    // Used: the customer registered; a guess answers as before.
    let registered = app.open_customer("山田 太郎", "2345678").await;
    assert_eq!(app.register(&registered, "taro01", "taro2025").await.status(), 201);
    assert_eq!(answer(app.post("/api/registration/verify", &proof("2345678", "abcd2345"), None).await).await, unknown);
}
