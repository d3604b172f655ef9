//! Hostile input on every endpoint: control characters, very long strings, SQL and HTML
//! metacharacters, Unicode look-alikes. Refused with a 4xx error body or normalised, never a
//! 5xx, never a change.

use netbank_api::identity::AccountKind;
use netbank_api::input::{AccountNumber, BranchCode};
use netbank_api::ErrorBody;
use netbank_server::operator::customers::{self, NewCustomer};
use serde_json::{json, Value};

use crate::helpers::{join_all, spawn_app};

const NASTY: &[&str] = &[
    "' OR '1'='1' --",
    "\"; DROP TABLE customers; --",
    "<script>alert(1)</script>",
    "\u{0}\u{1}\u{7f}",
    "abc\r\ndef",
    "１２３４５６",     // full-width digits
    "١٢٣٤٥٦",           // Arabic-Indic digits
    "𝟏𝟐𝟑𝟒𝟓𝟔",           // mathematical digits
    "dеmo01",           // Cyrillic е
    "\u{202e}10omed",   // right-to-left override
    "\u{fe0f}\u{200b}", // invisible characters
    "",
];

fn long() -> String {
    "9".repeat(8_000)
}

/// Every POST endpoint with every string field set to `value`.
fn bodies(value: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("/api/login", json!({ "login_id": value, "password": value })),
        (
            "/api/registration/verify",
            json!({ "branch_code": value, "account_number": value, "temporary_password": value }),
        ),
        (
            "/api/registration",
            json!({ "branch_code": value, "account_number": value, "temporary_password": value, "login_id": value, "password": value, "notice_address": value }),
        ),
        ("/api/login/otp", json!({ "otp": value })),
        ("/api/token/provision", json!({ "service_id": value, "user_id": value, "activation_password": value })),
        (
            "/api/otp/issue",
            json!({ "method": "software_token", "mail_address": value, "activation_password": value, "login_password": value }),
        ),
        ("/api/notice-address", json!({ "notice_address": value, "password": value, "otp": value })),
        ("/api/otp/activate", json!({ "otp": value })),
        ("/api/otp/deactivate", json!({ "otp": value })),
        ("/api/password", json!({ "current_password": value, "new_password": value, "otp": value })),
    ]
}

async fn snapshot(app: &crate::helpers::TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["customers", "credentials", "sessions", "otp_tokens", "mail_outbox", "temporary_passwords"] {
        counts.push(app.count(&format!("SELECT count(*) FROM {table}")).await);
    }
    counts.push(app.count("SELECT CAST(coalesce(sum(failed_attempts), 0) AS BIGINT) FROM credentials").await);
    counts
}

#[tokio::test]
async fn nasty_strings_in_every_field_are_refused_cleanly_and_change_nothing() {
    let app = spawn_app().await;
    let (session, _) = app.customer_with_active_token("taro01", "kumo4821").await;
    let before = snapshot(&app).await;
    let mut tried = 0;
    let long = long();
    for value in NASTY.iter().copied().chain([long.as_str()]) {
        for (path, body) in bodies(value) {
            let response = app.post(path, &body, Some(&session)).await;
            tried += 1;
            let status = response.status().as_u16();
            assert!((400..500).contains(&status), "{path} with {value:?}: {status}");
            let error: ErrorBody = response.json().await.unwrap_or_else(|e| panic!("{path}: not an error body: {e}"));
            assert!(!error.message.is_empty());
        }
    }
    // Wrong logins are counted (that is a change the rules want), nothing else is.
    let after = snapshot(&app).await;
    assert_eq!(before[..6], after[..6], "tables unchanged after {tried} requests");
    // Malformed codes are not guesses; a well-formed one (full-width digits, normalised) is,
    // once, at 利用解除 (the only endpoint here that checks a code against this token).
    let well_formed = NASTY.iter().filter(|v| netbank_api::input::OtpCode::parse(v).is_ok()).count() as i64;
    assert_eq!(well_formed, 1);
    assert_eq!(app.count("SELECT failed_otp FROM otp_tokens").await, well_formed);
}

#[tokio::test]
async fn wrong_shapes_and_types_get_error_bodies() {
    let app = spawn_app().await;
    let cases: Vec<(&str, &str, &str)> = vec![
        ("application/json", "{", "malformed_request"),
        ("application/json", "[]", "malformed_request"),
        ("application/json", "{\"otp\": 123456}", "malformed_request"),
        ("application/json", "{\"otp\": null}", "malformed_request"),
        ("application/json", "\"just a string\"", "malformed_request"),
        ("text/plain", "{\"otp\": \"123456\"}", "malformed_request"),
        ("application/x-www-form-urlencoded", "otp=123456", "malformed_request"),
    ];
    for path in ["/api/login/otp", "/api/token/provision", "/api/login"] {
        for (content_type, body, reason) in &cases {
            let response = app
                .client
                .post(app.url(path))
                .header(netbank_api::CSRF_HEADER, "1")
                .header("content-type", *content_type)
                .body(body.to_string())
                .send()
                .await
                .unwrap();
            assert!(response.status().is_client_error(), "{path} {content_type} {body}: {}", response.status());
            let error: Value = response.json().await.unwrap();
            assert_eq!(error["reason"], *reason, "{path} {content_type} {body}");
        }
    }
    let oversized = app.post("/api/token/provision", &json!({ "service_id": "1".repeat(20_000) }), None).await;
    assert_eq!(oversized.status(), 413);
}

#[tokio::test]
async fn full_width_and_spaced_codes_are_normalised_to_the_digits_they_show() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    let token = app.provisioned_token(&session).await;
    let code = token.code_at(app.clock().now());
    let full_width: String = code.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap()).collect();
    let spaced = format!("{}　{}", &full_width[..9], &full_width[9..]);
    let response = app.submit_otp("/api/otp/activate", &session, &spaced).await;
    assert_eq!(response.status(), 200, "{spaced}");
}

#[tokio::test]
async fn metacharacters_are_stored_and_answered_as_plain_text() {
    let app = spawn_app().await;
    let name = "<script>alert('x')</script> '; DROP TABLE customers; --";
    let customer = NewCustomer {
        name,
        branch: BranchCode::parse("009").unwrap(),
        account: AccountNumber::parse("0000001").unwrap(),
        kind: AccountKind::Ordinary,
        balance: 1,
        notice_address: None,
        kana: None,
    };
    let notice = customers::create(&app.state.db, app.clock(), &app.state.policy, customer).await.unwrap();
    let registered = app
        .post(
            "/api/registration",
            &json!({ "branch_code": "009", "account_number": "0000001", "temporary_password": notice.temporary_password, "login_id": "meta01", "password": "kumo4821", "notice_address": "meta01@notice.example" }),
            None,
        )
        .await;
    assert_eq!(registered.status(), 201);
    let session = app.logged_in("meta01", "kumo4821").await;
    let me: Value = app.get_with_session("/api/me", &session).await.json().await.unwrap();
    assert_eq!(me["name"], name);
    // The bank's own 他行振込 accounts are customers without a login; beside them, this one.
    let customers = "SELECT count(*) FROM customers WHERE id NOT IN
        (SELECT a.customer_id FROM zengin_house h JOIN accounts a ON a.id = h.account_id)";
    assert_eq!(app.count(customers).await, 1, "the table is still there");
}

#[tokio::test]
async fn a_hundred_parallel_submissions_of_one_valid_code_give_exactly_one_success() {
    let app = spawn_app().await;
    let (session, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    let code = token.code_at(app.clock().now());
    let responses = join_all((0..100).map(|_| app.submit_otp("/api/otp/deactivate", &session, &code)).collect()).await;
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    // The winner ends every other session of the customer, so late arrivals find none (401).
    assert!(statuses.iter().all(|s| [200, 409, 401].contains(s)), "{statuses:?}");
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens").await, 0);
}

#[tokio::test]
async fn a_hundred_parallel_wrong_passwords_lock_at_exactly_the_threshold() {
    let app = spawn_app().await;
    app.registered_customer("taro01", "kumo4821").await;
    let responses = join_all((0..100).map(|_| app.login("taro01", "wrong999")).collect()).await;
    assert!(responses.iter().all(|r| [401, 403].contains(&r.status().as_u16())));
    assert_eq!(app.count("SELECT failed_attempts FROM credentials").await, 6);
    assert_eq!(app.count("SELECT locked_at IS NOT NULL FROM credentials").await, 1);
}
