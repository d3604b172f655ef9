//! ログイン履歴, ログイン中の端末 and the notice of a login from a new environment: what the
//! customer sees of their logins, and what someone holding another customer's session or
//! only a session of their own cannot do with it.

use netbank_api::CSRF_HEADER;
use serde_json::{json, Value};

use crate::helpers::{error_reason, session_cookie, spawn_app, spawn_app_with, test_policy, TestApp};

const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// A password login from a browser: its session and the Set-Cookie values it was given.
async fn login_from(
    app: &TestApp,
    login_id: &str,
    password: &str,
    agent: &str,
    device: Option<&str>,
) -> (reqwest::Response, Vec<String>) {
    let mut request = app
        .client
        .post(app.url("/api/login"))
        .header(CSRF_HEADER, "1")
        .header("user-agent", agent)
        .json(&json!({ "login_id": login_id, "password": password }));
    if let Some(device) = device {
        request = request.header("cookie", device);
    }
    let response = request.send().await.unwrap();
    let cookies = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    (response, cookies)
}

/// The `name=value` of the device cookie among `cookies`.
fn device_cookie(cookies: &[String]) -> Option<String> {
    cookies.iter().find(|c| c.starts_with("nb_device=")).map(|c| c.split(';').next().unwrap().to_owned())
}

async fn history(app: &TestApp, session: &str) -> Value {
    let response = app.get_with_session("/api/logins", session).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn sessions(app: &TestApp, session: &str) -> Value {
    let response = app.get_with_session("/api/sessions", session).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn logins_and_refused_guesses_are_in_the_history_and_home_shows_the_one_before() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kuma7neko").await;
    let (first, _) = login_from(&app, "taro01", "kuma7neko", ANDROID, None).await;
    assert_eq!(first.status(), 200);
    let first_session = session_cookie(&first).unwrap();
    let me: Value = app.get_with_session("/api/me", &first_session).await.json().await.unwrap();
    assert!(me["previous_login_at"].is_null(), "the first login has none before it: {me}");

    app.clock().advance(3600);
    for _ in 0..2 {
        let (wrong, _) = login_from(&app, "taro01", "wrong9999", IPHONE, None).await;
        assert_eq!(wrong.status(), 401);
    }
    app.clock().advance(60);
    let (second, _) = login_from(&app, "taro01", "kuma7neko", IPHONE, None).await;
    let session = session_cookie(&second).unwrap();

    let me: Value = app.get_with_session("/api/me", &session).await.json().await.unwrap();
    let first_at = netbank_server::calendar::jst_datetime(1_800_000_000);
    assert_eq!(me["previous_login_at"], first_at.as_str(), "前回ログイン日時 is the first login");
    let seen = history(&app, &session).await;
    assert_eq!(seen["failed_since_previous_login"], 2);
    let entries = seen["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0]["succeeded"], true);
    assert_eq!(entries[0]["method"], "password");
    assert_eq!(entries[0]["environment"], "Mobile Safari / iOS");
    assert_eq!(entries[1]["succeeded"], false);
    assert_eq!(entries[3]["environment"], "Chrome Mobile / Android");
    assert_eq!(entries[3]["at"], first_at.as_str());
    // Nothing of what was typed is kept.
    let kept = app.count("SELECT COUNT(*) FROM login_history WHERE environment LIKE '%wrong9999%'").await;
    assert_eq!(kept, 0);
}

#[tokio::test]
async fn an_unknown_login_id_leaves_no_history_anywhere() {
    let app = spawn_app().await;
    let (refused, _) = login_from(&app, "nobody01", "kuma7neko", ANDROID, None).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(app.count("SELECT COUNT(*) FROM login_history").await, 0);
}

#[tokio::test]
async fn the_customer_ends_a_session_they_do_not_recognise_and_the_rest_with_one_press() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kuma7neko").await;
    let (phone, _) = login_from(&app, "taro01", "kuma7neko", ANDROID, None).await;
    let phone = session_cookie(&phone).unwrap();
    let (thief, _) = login_from(&app, "taro01", "kuma7neko", IPHONE, None).await;
    let thief = session_cookie(&thief).unwrap();
    let (laptop, _) = login_from(&app, "taro01", "kuma7neko", "curl/8.5.0", None).await;
    let laptop = session_cookie(&laptop).unwrap();

    let listed = sessions(&app, &phone).await;
    let listed = listed["sessions"].as_array().unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0]["current"], true, "this one first");
    assert_eq!(listed[0]["environment"], "Chrome Mobile / Android");
    let thief_id = listed.iter().find(|s| s["environment"] == "Mobile Safari / iOS").unwrap()["id"].as_str().unwrap();
    let own_id = listed[0]["id"].as_str().unwrap();

    // This session is ended by ログアウト, not from the list.
    let own = app.post(&format!("/api/sessions/{own_id}/logout"), &json!(null), Some(&phone)).await;
    assert_eq!(error_reason(own).await, netbank_api::ErrorReason::NotFound);
    let ended = app.post(&format!("/api/sessions/{thief_id}/logout"), &json!(null), Some(&phone)).await;
    assert_eq!(ended.status(), 200);
    assert_eq!(ended.json::<Value>().await.unwrap()["ended"], 1);
    assert_eq!(app.get_with_session("/api/me", &thief).await.status(), 401, "the thief's session is over");
    assert_eq!(app.get_with_session("/api/me", &laptop).await.status(), 200);

    let rest = app.post("/api/sessions/logout-others", &json!(null), Some(&phone)).await;
    assert_eq!(rest.json::<Value>().await.unwrap()["ended"], 1);
    assert_eq!(app.get_with_session("/api/me", &laptop).await.status(), 401);
    assert_eq!(app.get_with_session("/api/me", &phone).await.status(), 200, "this one goes on");
    let audited =
        app.count("SELECT COUNT(*) FROM audit_log WHERE event IN ('session_logout', 'session_logout_others')").await;
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn another_customer_s_session_cannot_be_seen_or_ended_by_its_id() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kuma7neko").await;
    app.registered_customer("hanako01", "sora3umi8").await;
    let (taro, _) = login_from(&app, "taro01", "kuma7neko", ANDROID, None).await;
    let taro = session_cookie(&taro).unwrap();
    let (hanako, _) = login_from(&app, "hanako01", "sora3umi8", IPHONE, None).await;
    let hanako = session_cookie(&hanako).unwrap();
    let taro_id = sessions(&app, &taro).await["sessions"][0]["id"].as_str().unwrap().to_owned();

    // Hanako's list is hers alone; Taro's session's id is nothing to her.
    let hers = sessions(&app, &hanako).await;
    assert_eq!(hers["sessions"].as_array().unwrap().len(), 1);
    let refused = app.post(&format!("/api/sessions/{taro_id}/logout"), &json!(null), Some(&hanako)).await;
    assert_eq!(error_reason(refused).await, netbank_api::ErrorReason::NotFound);
    let others = app.post("/api/sessions/logout-others", &json!(null), Some(&hanako)).await;
    assert_eq!(others.json::<Value>().await.unwrap()["ended"], 0);
    assert_eq!(app.get_with_session("/api/me", &taro).await.status(), 200, "Taro's session goes on");
    // Without a session nothing is listed or ended; without the anti-CSRF header nothing ends.
    assert_eq!(app.get("/api/sessions").await.status(), 401);
    assert_eq!(app.get("/api/logins").await.status(), 401);
    let forged = app
        .client
        .post(app.url("/api/sessions/logout-others"))
        .header("cookie", format!("{}={taro}", app.cookie_name()))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}

#[tokio::test]
async fn a_login_from_a_device_not_seen_for_90_days_is_mailed_and_a_known_one_is_not() {
    let app =
        spawn_app_with(None, netbank_server::config::Policy { new_environment_notice: true, ..test_policy() }).await;
    app.registered_customer("taro01", "kuma7neko").await;
    let notices = || async {
        app.mailbox()
            .await
            .into_iter()
            .filter(|m| m["subject"].as_str().unwrap().contains("新しい環境からのログイン"))
            .collect::<Vec<Value>>()
    };
    // The first login of all: nothing to compare with.
    let (first, cookies) = login_from(&app, "taro01", "kuma7neko", ANDROID, None).await;
    assert_eq!(first.status(), 200);
    let phone = device_cookie(&cookies).expect("a device cookie");
    assert!(cookies.iter().any(|c| c.starts_with("nb_device=") && c.contains("HttpOnly")), "{cookies:?}");
    assert!(notices().await.is_empty());
    // The same phone again: known, no mail, no new cookie.
    let (again, cookies) = login_from(&app, "taro01", "kuma7neko", ANDROID, Some(&phone)).await;
    assert_eq!(again.status(), 200);
    assert!(device_cookie(&cookies).is_none());
    assert!(notices().await.is_empty());
    // Another browser: told, with the environment and what to do.
    login_from(&app, "taro01", "kuma7neko", IPHONE, None).await;
    let told = notices().await;
    assert_eq!(told.len(), 1);
    let body = told[0]["body"].as_str().unwrap();
    assert!(body.contains("Mobile Safari / iOS") && body.contains("ログイン中の端末"), "{body}");
    assert!(!body.contains("kuma7neko"));
    // The phone after 91 days away is new again.
    app.clock().advance(91 * 86_400);
    login_from(&app, "taro01", "kuma7neko", ANDROID, Some(&phone)).await;
    assert_eq!(notices().await.len(), 2);
    // A made-up device cookie is only a new device.
    let (made_up, _) =
        login_from(&app, "taro01", "kuma7neko", ANDROID, Some("nb_device=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
            .await;
    assert_eq!(made_up.status(), 200);
    assert_eq!(notices().await.len(), 3);
    // The phone's cookie copied into another browser is another device.
    let (copied, _) = login_from(&app, "taro01", "kuma7neko", IPHONE, Some(&phone)).await;
    assert_eq!(copied.status(), 200);
    assert_eq!(notices().await.len(), 4);
}

/// A thief with the password writes the User-Agent: what they write must not reach the
/// customer as the bank's words (ログイン履歴, ログイン中の端末, the notice mail), and a
/// header of hundreds of KB is read only at its head.
#[tokio::test]
async fn a_thief_s_user_agent_puts_no_text_of_theirs_in_the_history_or_the_bank_s_mail() {
    let app =
        spawn_app_with(None, netbank_server::config::Policy { new_environment_notice: true, ..test_policy() }).await;
    app.registered_customer("taro01", "kuma7neko").await;
    login_from(&app, "taro01", "kuma7neko", ANDROID, None).await;
    let phishing =
        "SECURITY NOTICE: call 0120-000-000 now or verify at https://netbank-verify.example/login/1 CFNetwork";
    let (thief, _) = login_from(&app, "taro01", "kuma7neko", phishing, None).await;
    assert_eq!(thief.status(), 200);
    let session = session_cookie(&thief).unwrap();
    // Without the password, a refused guess is in the history all the same.
    let (guess, _) = login_from(&app, "taro01", "wrong9999", "Call your bank now/1 CFNetwork", None).await;
    assert_eq!(guess.status(), 401);
    // Scanned in full, this took some rules over a second before the password was checked.
    let long = format!("Mozilla{}", " x".repeat(200_000));
    let (padded, _) = login_from(&app, "taro01", "wrong9999", &long, None).await;
    assert_eq!(padded.status(), 401);

    let seen = history(&app, &session).await;
    let listed = sessions(&app, &session).await;
    let mails = app.mailbox().await;
    for text in [seen.to_string(), listed.to_string(), serde_json::to_string(&mails).unwrap()] {
        for planted in ["SECURITY", "0120", "netbank-verify", "Call your bank"] {
            assert!(!text.contains(planted), "{planted} in {text}");
        }
    }
    let entries = seen["entries"].as_array().unwrap();
    // Newest first: the long header, the guess, the thief's login, the customer's phone.
    let shown: Vec<&str> = entries.iter().map(|e| e["environment"].as_str().unwrap()).collect();
    assert_eq!(shown, ["不明な環境", "不明な環境", "不明な環境", "Chrome Mobile / Android"], "{seen}");
}
