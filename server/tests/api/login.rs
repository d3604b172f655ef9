use std::time::{Duration, Instant};

use netbank_api::identity::LoginResponse;
use netbank_api::ErrorReason;

use crate::helpers::{error_reason, join_all, session_cookie, spawn_app};

#[tokio::test]
async fn a_correct_password_logs_in_and_sets_a_session_cookie() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let response = app.login("taro01", "taro2025").await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(session_cookie(&response).is_some());
    assert_eq!(response.json::<LoginResponse>().await.unwrap(), LoginResponse::Complete);
}

#[tokio::test]
async fn six_wrong_passwords_in_a_row_lock_the_login_until_the_operator_unlocks_it() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    for attempt in 1..=5 {
        let response = app.login("taro01", "wrong999").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
        assert_eq!(error_reason(response).await, ErrorReason::InvalidCredentials);
    }
    // The guess that locks says so, as every later one does, right or wrong (lockout.rs).
    let sixth = app.login("taro01", "wrong999").await;
    assert_eq!(sixth.status(), 403);
    assert_eq!(error_reason(sixth).await, ErrorReason::LoginLocked);

    let correct = app.login("taro01", "taro2025").await;
    assert_eq!(correct.status(), 403);
    assert_eq!(error_reason(correct).await, ErrorReason::LoginLocked);

    let login_id = netbank_api::input::LoginId::parse("taro01").unwrap();
    netbank_server::operator::customers::unlock(
        &app.state.db,
        app.clock(),
        &login_id,
        &netbank_server::audit::Actor::operator_cli(),
    )
    .await
    .unwrap();
    assert_eq!(app.login("taro01", "taro2025").await.status(), 200);
}

#[tokio::test]
async fn a_success_resets_the_wrong_password_count() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    for _ in 0..5 {
        app.login("taro01", "wrong999").await;
    }
    app.logged_in("taro01", "taro2025").await;
    for _ in 0..5 {
        assert_eq!(app.login("taro01", "wrong999").await.status(), 401);
    }
}

#[tokio::test]
async fn parallel_wrong_passwords_lock_at_exactly_the_threshold() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let attempts = (0..20).map(|_| app.login("taro01", "wrong999"));
    let statuses: Vec<u16> = futures_statuses(attempts).await;
    assert!(statuses.iter().all(|s| *s == 401 || *s == 403), "{statuses:?}");
    assert_eq!(app.count("SELECT failed_attempts FROM credentials").await, 6);
    assert_eq!(app.count("SELECT locked_at IS NOT NULL FROM credentials").await, 1);
}

async fn futures_statuses(
    requests: impl Iterator<Item = impl std::future::Future<Output = reqwest::Response>>,
) -> Vec<u16> {
    let handles: Vec<_> = requests.map(|request| async move { request.await.status().as_u16() }).collect();
    let mut statuses = Vec::new();
    for status in join_all(handles).await {
        statuses.push(status);
    }
    statuses
}

#[tokio::test]
async fn an_unknown_id_and_a_wrong_password_look_the_same_in_body_and_time() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    let mut unknown_total = Duration::ZERO;
    let mut wrong_total = Duration::ZERO;
    let mut bodies = Vec::new();
    // Interleaved, and few enough to stay under the lockout.
    for _ in 0..4 {
        let started = Instant::now();
        let unknown = app.login("nosuchid", "wrong999").await;
        unknown_total += started.elapsed();
        let started = Instant::now();
        let wrong = app.login("taro01", "wrong999").await;
        wrong_total += started.elapsed();
        assert_eq!(unknown.status(), wrong.status());
        bodies.push((unknown.text().await.unwrap(), wrong.text().await.unwrap()));
    }
    for (unknown, wrong) in bodies {
        assert_eq!(unknown, wrong);
    }
    let ratio = unknown_total.as_secs_f64() / wrong_total.as_secs_f64();
    assert!((0.5..2.0).contains(&ratio), "unknown {unknown_total:?} vs wrong {wrong_total:?}");
}

#[tokio::test]
async fn malformed_ids_are_refused_by_field_without_touching_any_account() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "taro2025").await;
    for (login_id, field) in [("ｔａｒｏ０１", "login_id"), ("taro01'--", "login_id"), ("", "login_id")] {
        let response = app.login(login_id, "taro2025").await;
        assert_eq!(response.status(), 422);
        let body: netbank_api::ErrorBody = response.json().await.unwrap();
        assert_eq!(body.field.as_deref(), Some(field));
    }
    // A space is a password character now (passphrases); a full-width one is not.
    let response = app.login("taro01", "taro\u{3000}2025").await;
    assert_eq!(response.status(), 422);
    assert_eq!(app.count("SELECT failed_attempts FROM credentials").await, 0);
}
