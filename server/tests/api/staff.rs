//! The staff console as an attacker tries it: a customer's session on the staff listener, a
//! staff cookie on the bank's API, a 窓口 approving, a proposer approving their own, an expired
//! or replayed proposal, a hundred racing approvals, a role reading what it may not.

use netbank_api::staff::{Role, Roles};
use netbank_api::{ErrorReason, CSRF_HEADER};
use netbank_server::staff::people;
use netbank_testkit::authenticator::SoftAuthenticator;
use serde_json::{json, Value};

use crate::helpers::{error_reason, join_all, spawn_app, TestApp};

/// A staff member signed in at the console: their cookie and key.
struct Clerk {
    cookie: String,
    key: SoftAuthenticator,
}

fn staff_url(app: &TestApp, path: &str) -> String {
    format!("{}{path}", app.staff_address.as_deref().expect("the console listens in tests"))
}

/// The console's origin: its port, named localhost (a passkey's domain).
fn staff_origin(app: &TestApp) -> String {
    let address = app.staff_address.as_deref().unwrap();
    format!("http://localhost:{}", address.rsplit(':').next().unwrap())
}

async fn staff_post(app: &TestApp, path: &str, body: &Value, cookie: Option<&str>) -> reqwest::Response {
    let mut request = app.client.post(staff_url(app, path)).header(CSRF_HEADER, "1").json(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("nb_staff={cookie}"));
    }
    request.send().await.unwrap()
}

async fn staff_get(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    app.client.get(staff_url(app, path)).header("cookie", format!("nb_staff={cookie}")).send().await.unwrap()
}

fn staff_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("nb_staff=").map(|rest| rest.split(';').next().unwrap().to_owned()))
        .filter(|v| !v.is_empty())
}

/// `staff create`, the enrolment at the console with the code, and a passkey login.
async fn clerk(app: &TestApp, name: &str, roles: &[Role]) -> Clerk {
    let roles = Roles::from_list(roles.to_vec()).unwrap();
    let enrolment = people::create(&app.state.db, app.clock(), name, &roles).await.unwrap();
    let mut key = SoftAuthenticator::new(&staff_origin(app));
    let options: Value = staff_post(app, "/staff-api/enrolment/options", &json!({ "code": enrolment.code }), None)
        .await
        .json()
        .await
        .unwrap();
    let credential = key.create(options["options"].as_str().unwrap());
    let enrolled = staff_post(
        app,
        "/staff-api/enrolment",
        &json!({ "code": enrolment.code, "ceremony": options["ceremony"], "credential": credential }),
        None,
    )
    .await;
    assert_eq!(enrolled.status(), 201, "{name} enrols");
    // The code is spent: a second registration with it is refused.
    let again = staff_post(app, "/staff-api/enrolment/options", &json!({ "code": enrolment.code }), None).await;
    assert_eq!(error_reason(again).await, ErrorReason::InvalidCredentials);
    let cookie = sign_in(app, &mut key).await.expect("the passkey signs in");
    Clerk { cookie, key }
}

async fn sign_in(app: &TestApp, key: &mut SoftAuthenticator) -> Option<String> {
    let options: Value = staff_post(app, "/staff-api/login/options", &json!({}), None).await.json().await.unwrap();
    let answer = key.get(options["options"].as_str().unwrap());
    let login =
        staff_post(app, "/staff-api/login", &json!({ "ceremony": options["ceremony"], "credential": answer }), None)
            .await;
    staff_cookie(&login)
}

/// A customer whose token five wrong codes stopped (停止中), as the guide's 依頼書 finds them.
async fn stopped_customer(app: &TestApp) -> i64 {
    let (_, token) = app.customer_with_active_token("taro01", "kumo4821").await;
    let pending = app.password_step("taro01", "kumo4821").await;
    let wrong = token.wrong_code(app.clock().now());
    for _ in 0..5 {
        app.submit_otp("/api/login/otp", &pending, &wrong).await;
    }
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens WHERE state = 'suspended'").await, 1);
    app.count("SELECT customer_id FROM credentials WHERE login_id = 'taro01'").await
}

fn today(app: &TestApp) -> String {
    let day = netbank_api::jst::day(app.clock().now());
    netbank_api::input::Date::from_days(day).to_string()
}

fn lift(app: &TestApp, customer: i64) -> Value {
    json!({
        "customer_id": customer,
        "action": { "kind": "lift_suspension" },
        "form_number": "A-0001",
        "form_date": today(app),
        "identity_check": "seal_and_document",
        "note": "",
    })
}

#[tokio::test]
async fn a_lift_proposed_by_one_person_happens_only_when_another_approves() {
    let app = spawn_app().await;
    let customer = stopped_customer(&app).await;
    let teller = clerk(&app, "窓口 一郎", &[Role::Teller]).await;
    let both = clerk(&app, "兼務 二郎", &[Role::Teller, Role::Approver]).await;
    let approver = clerk(&app, "役席 三郎", &[Role::Approver]).await;

    // The approver may not propose; the teller may.
    let by_approver = staff_post(&app, "/staff-api/proposals", &lift(&app, customer), Some(&approver.cookie)).await;
    assert_eq!(error_reason(by_approver).await, ErrorReason::NotPermitted);
    let mut stale = lift(&app, customer);
    stale["form_date"] = json!("2020-01-01");
    let refused = staff_post(&app, "/staff-api/proposals", &stale, Some(&teller.cookie)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::InvalidInput);
    let proposed = staff_post(&app, "/staff-api/proposals", &lift(&app, customer), Some(&both.cookie)).await;
    assert_eq!(proposed.status(), 201);
    let id = proposed.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    // A 窓口 cannot approve; the proposer cannot approve their own, though they are a 役席.
    let path = format!("/staff-api/proposals/{id}/approve");
    let by_teller = staff_post(&app, &path, &json!({}), Some(&teller.cookie)).await;
    assert_eq!(error_reason(by_teller).await, ErrorReason::NotPermitted);
    let own = staff_post(&app, &path, &json!({}), Some(&both.cookie)).await;
    assert_eq!(own.status(), 403);
    assert_eq!(error_reason(own).await, ErrorReason::OwnProposal);
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens WHERE state = 'suspended'").await, 1, "nothing happened");

    let approved = staff_post(&app, &path, &json!({ "reason": "依頼書と届出印を確認" }), Some(&approver.cookie)).await;
    assert_eq!(approved.status(), 200);
    let body: Value = approved.json().await.unwrap();
    assert_eq!(body["proposal"]["status"], "approved");
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens WHERE state = 'active'").await, 1);
    // Under the person, in their role, naming the proposal; the customer is told.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log WHERE event = 'otp_lift_suspension' AND staff_role = 'approver' AND proposal_id = {id}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM audit_log WHERE event = 'proposal_create' AND proposal_id = {id}"))
            .await,
        1
    );
    assert!(app.count("SELECT count(*) FROM mail_outbox WHERE subject LIKE '%停止解除%'").await >= 1);

    // A replay changes nothing.
    let replay = staff_post(&app, &path, &json!({}), Some(&approver.cookie)).await;
    assert_eq!(error_reason(replay).await, ErrorReason::ProposalClosed);
    // And the customer logs in with the token again.
    assert_eq!(app.login("taro01", "kumo4821").await.status(), 200);
}

#[tokio::test]
async fn each_listener_knows_only_its_own_cookie() {
    let app = spawn_app().await;
    app.registered_customer("hanako01", "sora7390").await;
    let customer_session = app.logged_in("hanako01", "sora7390").await;
    let admin = clerk(&app, "監査 花子", &[Role::Auditor, Role::Teller]).await;

    // A customer's session, under either cookie name, is nobody on the staff listener.
    for header in [format!("nb_session={customer_session}"), format!("nb_staff={customer_session}")] {
        let response = app.client.get(staff_url(&app, "/staff-api/me")).header("cookie", header).send().await.unwrap();
        assert_eq!(error_reason(response).await, ErrorReason::Unauthenticated);
    }
    // A staff cookie is nobody on the bank's API, under either name.
    for name in ["nb_staff", "nb_session"] {
        let response = app
            .client
            .get(app.url("/api/me"))
            .header("cookie", format!("{name}={}", admin.cookie))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{name}");
    }
    // The console's API is not on the customers' listener, nor the bank's on the console's.
    assert_eq!(app.get("/staff-api/me").await.status(), 404);
    let bank_on_staff = app.client.get(staff_url(&app, "/api/me")).send().await.unwrap();
    assert_eq!(bank_on_staff.status(), 404);
    // Without the console's CSRF proof a state change is refused.
    let forged = app
        .client
        .post(staff_url(&app, "/staff-api/logout"))
        .header("cookie", format!("nb_staff={}", admin.cookie))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(error_reason(forged).await, ErrorReason::CsrfRejected);
    assert_eq!(staff_get(&app, "/staff-api/me", &admin.cookie).await.status(), 200);
}

#[tokio::test]
async fn the_console_logs_out_after_fifteen_idle_minutes_and_a_disabled_person_at_once() {
    let app = spawn_app().await;
    let mut teller = clerk(&app, "窓口 四郎", &[Role::Teller]).await;
    app.clock().advance(14 * 60);
    assert_eq!(staff_get(&app, "/staff-api/me", &teller.cookie).await.status(), 200);
    app.clock().advance(15 * 60 + 1);
    assert_eq!(
        error_reason(staff_get(&app, "/staff-api/me", &teller.cookie).await).await,
        ErrorReason::Unauthenticated
    );
    let again = sign_in(&app, &mut teller.key).await.unwrap();
    people::disable(&app.state.db, app.clock(), "窓口 四郎").await.unwrap();
    assert_eq!(error_reason(staff_get(&app, "/staff-api/me", &again).await).await, ErrorReason::Unauthenticated);
    assert!(sign_in(&app, &mut teller.key).await.is_none(), "a disabled person's passkey signs nobody in");
}

#[tokio::test]
async fn a_proposal_left_past_its_business_day_cannot_be_approved() {
    let app = spawn_app().await;
    let customer = stopped_customer(&app).await;
    let teller = clerk(&app, "窓口 五郎", &[Role::Teller]).await;
    let approver = clerk(&app, "役席 六郎", &[Role::Approver]).await;
    let proposed = staff_post(&app, "/staff-api/proposals", &lift(&app, customer), Some(&teller.cookie)).await;
    let id = proposed.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.clock().advance(86_400);
    let approver_cookie = {
        let mut key = approver.key;
        sign_in(&app, &mut key).await.unwrap()
    };
    let late =
        staff_post(&app, &format!("/staff-api/proposals/{id}/approve"), &json!({}), Some(&approver_cookie)).await;
    assert_eq!(error_reason(late).await, ErrorReason::ProposalClosed);
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens WHERE state = 'suspended'").await, 1);
    let queue: Value = staff_get(&app, "/staff-api/proposals", &approver_cookie).await.json().await.unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 0, "an expired proposal leaves the queue");
}

#[tokio::test]
async fn a_hundred_racing_approvals_of_one_large_deposit_pay_it_in_once() {
    let app = spawn_app().await;
    let newcomer = app.open_customer("入金 花子", "7700001").await;
    let customer = app.count(&format!("SELECT customer_id FROM accounts WHERE number = '{}'", newcomer.account)).await;
    let account = app.count(&format!("SELECT id FROM accounts WHERE number = '{}'", newcomer.account)).await;
    let before = app.count(&format!("SELECT balance FROM accounts WHERE id = {account}")).await;
    let teller = clerk(&app, "窓口 七郎", &[Role::Teller]).await;
    let first = clerk(&app, "役席 八郎", &[Role::Approver]).await;
    let second = clerk(&app, "役席 九郎", &[Role::Approver]).await;

    // Small amounts need no second person; large ones may not be paid in alone.
    let small = json!({ "account_id": account, "amount": 5_000, "description": "窓口入金" });
    let path = format!("/staff-api/customers/{customer}/deposits");
    assert_eq!(staff_post(&app, &path, &small, Some(&teller.cookie)).await.status(), 200);
    let large = json!({ "account_id": account, "amount": 2_000_000, "description": "窓口入金" });
    let alone = staff_post(&app, &path, &large, Some(&teller.cookie)).await;
    assert_eq!(error_reason(alone).await, ErrorReason::InvalidInput);

    let mut proposal = lift(&app, customer);
    proposal["action"] =
        json!({ "kind": "deposit", "account_id": account, "amount": 2_000_000, "description": "窓口入金" });
    let proposed = staff_post(&app, "/staff-api/proposals", &proposal, Some(&teller.cookie)).await;
    assert_eq!(proposed.status(), 201);
    let id = proposed.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let approve = format!("/staff-api/proposals/{id}/approve");
    let races = (0..100).map(|i| {
        let cookie = if i % 2 == 0 { first.cookie.clone() } else { second.cookie.clone() };
        let (app, approve) = (&app, approve.clone());
        async move { staff_post(app, &approve, &json!({}), Some(&cookie)).await.status().as_u16() }
    });
    let statuses = join_all(races.collect()).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    let after = app.count(&format!("SELECT balance FROM accounts WHERE id = {account}")).await;
    assert_eq!(after - before, 2_005_000);
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM audit_log WHERE event = 'deposit' AND proposal_id = {id}")).await,
        1
    );
}

#[tokio::test]
async fn a_deposit_proposed_for_one_customer_cannot_pay_into_anothers_account() {
    let app = spawn_app().await;
    let mine = app.open_customer("自分 太郎", "7700002").await;
    let other = app.open_customer("他人 次郎", "7700003").await;
    let customer = app.count(&format!("SELECT customer_id FROM accounts WHERE number = '{}'", mine.account)).await;
    let theirs = app.count(&format!("SELECT id FROM accounts WHERE number = '{}'", other.account)).await;
    let teller = clerk(&app, "窓口 十郎", &[Role::Teller]).await;
    let mut proposal = lift(&app, customer);
    proposal["action"] =
        json!({ "kind": "deposit", "account_id": theirs, "amount": 3_000_000, "description": "窓口入金" });
    let refused = staff_post(&app, "/staff-api/proposals", &proposal, Some(&teller.cookie)).await;
    assert_eq!(error_reason(refused).await, ErrorReason::InvalidInput);
    assert_eq!(app.count("SELECT count(*) FROM proposals").await, 0);
}

#[tokio::test]
async fn only_the_auditor_searches_and_exports_the_log_and_the_export_is_inert() {
    let app = spawn_app().await;
    let teller = clerk(&app, "=HYPERLINK(\"x\")", &[Role::Teller]).await;
    let auditor = clerk(&app, "監査 礼子", &[Role::Auditor]).await;
    assert_eq!(
        error_reason(staff_get(&app, "/staff-api/audit", &teller.cookie).await).await,
        ErrorReason::NotPermitted
    );
    assert_eq!(
        error_reason(staff_get(&app, "/staff-api/audit.csv", &teller.cookie).await).await,
        ErrorReason::NotPermitted
    );
    let page: Value =
        staff_get(&app, "/staff-api/audit?event=staff_login", &auditor.cookie).await.json().await.unwrap();
    let names: Vec<&str> = page["lines"].as_array().unwrap().iter().filter_map(|l| l["staff"].as_str()).collect();
    assert!(names.contains(&"監査 礼子") && names.contains(&"=HYPERLINK(\"x\")"), "{names:?}");
    let by_person: Value =
        staff_get(&app, "/staff-api/audit?staff=%E7%9B%A3%E6%9F%BB%20%E7%A4%BC%E5%AD%90", &auditor.cookie)
            .await
            .json()
            .await
            .unwrap();
    assert!(by_person["lines"].as_array().unwrap().iter().all(|l| l["staff"] == "監査 礼子"));
    let csv = staff_get(&app, "/staff-api/audit.csv", &auditor.cookie).await.text().await.unwrap();
    assert!(csv.contains("'=HYPERLINK"), "a name a spreadsheet would run stays text: {csv}");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE event = 'audit_export'").await, 1);
}

#[tokio::test]
async fn the_cli_refuses_two_person_actions_on_a_production_bank_without_breaking_glass() {
    let app = spawn_app().await;
    if app.state.db.connect_options().database_url.scheme() != "sqlite" {
        return; // The CLI opens the data directory's SQLite file; the rule is the same on both.
    }
    app.registered_customer("jiro01", "kaze5512").await;
    // The bank as a production server left it: the mode is the database's, not the caller's.
    sqlx::query("UPDATE deployment SET mode = 'production'").execute(&app.state.db).await.unwrap();
    let data = app.data_dir().to_str().unwrap().to_owned();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_netbank-server"))
            .args(["--data-dir", &data])
            .args(args)
            // Whoever runs it cannot declare the bank a development one.
            .env("NETBANK_MODE", "development")
            .output()
            .unwrap()
    };
    let refused = run(&["customer", "unlock", "--login-id", "jiro01"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--break-glass"));
    let no_reason = run(&["customer", "unlock", "--login-id", "jiro01", "--break-glass"]);
    assert!(!no_reason.status.success());
    let glass = run(&["customer", "unlock", "--login-id", "jiro01", "--break-glass", "--reason", "障害対応"]);
    assert!(glass.status.success(), "{}", String::from_utf8_lossy(&glass.stderr));
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE event = 'break_glass'").await, 1);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE event = 'login_unlock' AND client_addr = 'operator-cli break-glass'"
        )
        .await,
        1
    );

    // Counter deposits: split into pieces, the day's total still needs a second person.
    let (branch, number): (String, String) = sqlx::query_as(
        "SELECT a.branch_code, a.number FROM accounts a JOIN credentials k ON k.customer_id = a.customer_id
         WHERE k.login_id = 'jiro01'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let deposit =
        |amount: &str| run(&["account", "deposit", "--branch", &branch, "--account", &number, "--amount", amount]);
    assert!(deposit("600000").status.success());
    let second = deposit("600000");
    assert!(!second.status.success(), "1,200,000円 in one day is not one person's");
    assert!(String::from_utf8_lossy(&second.stderr).contains("--break-glass"));

    // People: the first 管理者 is the CLI's; after that, the console's.
    let first = run(&["staff", "create", "--name", "最初 管理", "--role", "admin"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let another = run(&["staff", "create", "--name", "偽 役席", "--role", "approver"]);
    assert!(!another.status.success(), "a second person from the CLI needs --break-glass");
    let code = run(&["staff", "new-code", "--name", "最初 管理"]);
    assert!(!code.status.success(), "a new key for someone needs --break-glass");
    let disable = run(&["staff", "disable", "--name", "最初 管理"]);
    assert!(!disable.status.success(), "disabling the 管理者 would reopen the CLI's bootstrap");
    let mixed =
        run(&["staff", "create", "--name", "兼務 管理", "--role", "admin,approver", "--break-glass", "--reason", "x"]);
    assert!(!mixed.status.success(), "the account maker does not approve");
    // Money in at account opening counts like a counter deposit.
    let rich = run(&[
        "customer",
        "create",
        "--name",
        "開設 太郎",
        "--branch",
        "009",
        "--account",
        "0000009",
        "--balance",
        "5000000",
    ]);
    assert!(!rich.status.success(), "{}", String::from_utf8_lossy(&rich.stdout));

    // A production bank's database neither takes the demo customers nor starts in development.
    let seeded = run(&["seed-demo", "--mode", "development"]);
    assert!(!seeded.status.success());
    assert!(String::from_utf8_lossy(&seeded.stderr).contains("production bank"));
    let restarted = app.restart(|_| {}).await;
    assert!(restarted.is_err(), "a development server refused on a production bank's database");
}

#[tokio::test]
async fn small_counter_deposits_add_up_to_the_amount_one_person_may_take_in_a_day() {
    let app = spawn_app().await;
    let newcomer = app.open_customer("分割 入金", "7700004").await;
    let customer = app.count(&format!("SELECT customer_id FROM accounts WHERE number = '{}'", newcomer.account)).await;
    let account = app.count(&format!("SELECT id FROM accounts WHERE number = '{}'", newcomer.account)).await;
    let teller = clerk(&app, "窓口 分割", &[Role::Teller]).await;
    let path = format!("/staff-api/customers/{customer}/deposits");
    let piece = json!({ "account_id": account, "amount": 400_000, "description": "窓口入金" });
    assert_eq!(staff_post(&app, &path, &piece, Some(&teller.cookie)).await.status(), 200);
    assert_eq!(staff_post(&app, &path, &piece, Some(&teller.cookie)).await.status(), 200);
    let third = staff_post(&app, &path, &piece, Some(&teller.cookie)).await;
    assert_eq!(error_reason(third).await, ErrorReason::InvalidInput, "1,200,000円 in a day needs a second person");
    // Ten racing pieces of 100,000円 on top of 800,000円: two fit, whatever the order.
    let small = json!({ "account_id": account, "amount": 100_000, "description": "窓口入金" });
    let races = (0..10).map(|_| {
        let (app, path, small, cookie) = (&app, path.clone(), small.clone(), teller.cookie.clone());
        async move { staff_post(app, &path, &small, Some(&cookie)).await.status().as_u16() }
    });
    let statuses = join_all(races.collect()).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 2, "{statuses:?}");
    // The next business day the allowance is whole again.
    app.clock().advance(86_400);
    let teller = Clerk { cookie: sign_in(&app, &mut { teller.key }).await.unwrap(), key: SoftAuthenticator::new("x") };
    assert_eq!(staff_post(&app, &path, &piece, Some(&teller.cookie)).await.status(), 200);
}

#[tokio::test]
async fn the_administrator_makes_people_at_the_console_but_never_disables_themselves() {
    let app = spawn_app().await;
    let admin = clerk(&app, "管理 一郎", &[Role::Admin]).await;
    let teller = clerk(&app, "窓口 二郎", &[Role::Teller]).await;
    assert_eq!(
        error_reason(staff_get(&app, "/staff-api/staff", &teller.cookie).await).await,
        ErrorReason::NotPermitted
    );
    let made = staff_post(
        &app,
        "/staff-api/staff",
        &json!({ "name": "役席 新人", "roles": ["approver"] }),
        Some(&teller.cookie),
    )
    .await;
    assert_eq!(error_reason(made).await, ErrorReason::NotPermitted);

    let made = staff_post(
        &app,
        "/staff-api/staff",
        &json!({ "name": "役席 新人", "roles": ["approver"] }),
        Some(&admin.cookie),
    )
    .await;
    assert_eq!(made.status(), 201);
    let code: Value = made.json().await.unwrap();
    let mut key = SoftAuthenticator::new(&staff_origin(&app));
    let options: Value = staff_post(&app, "/staff-api/enrolment/options", &json!({ "code": code["code"] }), None)
        .await
        .json()
        .await
        .unwrap();
    let credential = key.create(options["options"].as_str().unwrap());
    let body = json!({ "code": code["code"], "ceremony": options["ceremony"], "credential": credential });
    assert_eq!(staff_post(&app, "/staff-api/enrolment", &body, None).await.status(), 201);
    let newcomer = sign_in(&app, &mut key).await.expect("the new person signs in");
    let list: Value = staff_get(&app, "/staff-api/staff", &admin.cookie).await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert!(
        app.count("SELECT count(*) FROM audit_log WHERE event = 'staff_create' AND staff_role = 'admin'").await >= 1
    );

    let duplicate =
        staff_post(&app, "/staff-api/staff", &json!({ "name": "役席 新人", "roles": ["teller"] }), Some(&admin.cookie))
            .await;
    assert_eq!(error_reason(duplicate).await, ErrorReason::InvalidInput);
    let no_role =
        staff_post(&app, "/staff-api/staff", &json!({ "name": "無役", "roles": [] }), Some(&admin.cookie)).await;
    assert_eq!(error_reason(no_role).await, ErrorReason::InvalidInput);
    let me = admin_id(&app, "管理 一郎").await;
    let myself = staff_post(&app, &format!("/staff-api/staff/{me}/disable"), &json!({}), Some(&admin.cookie)).await;
    assert_eq!(error_reason(myself).await, ErrorReason::InvalidInput);
    let them = admin_id(&app, "役席 新人").await;
    assert_eq!(
        staff_post(&app, &format!("/staff-api/staff/{them}/disable"), &json!({}), Some(&admin.cookie)).await.status(),
        204
    );
    assert_eq!(error_reason(staff_get(&app, "/staff-api/me", &newcomer).await).await, ErrorReason::Unauthenticated);
}

async fn admin_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM staff WHERE name = $1").bind(name).fetch_one(&app.state.db).await.unwrap()
}

#[tokio::test]
async fn a_rejection_keeps_a_short_reason_and_a_refused_decision_is_recorded() {
    let app = spawn_app().await;
    let customer = stopped_customer(&app).await;
    let both = clerk(&app, "兼務 理由", &[Role::Teller, Role::Approver]).await;
    let other = clerk(&app, "役席 理由", &[Role::Approver]).await;
    let proposed = staff_post(&app, "/staff-api/proposals", &lift(&app, customer), Some(&both.cookie)).await;
    let id = proposed.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = format!("/staff-api/proposals/{id}/reject");
    let own = staff_post(&app, &path, &json!({ "reason": "自分で否認" }), Some(&both.cookie)).await;
    assert_eq!(error_reason(own).await, ErrorReason::OwnProposal);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE event = 'proposal_reject' AND result = 'refused'").await,
        1
    );
    let long = staff_post(&app, &path, &json!({ "reason": "長".repeat(201) }), Some(&other.cookie)).await;
    assert_eq!(error_reason(long).await, ErrorReason::InvalidInput);
    assert_eq!(
        staff_post(&app, &path, &json!({ "reason": "依頼書の印影が相違" }), Some(&other.cookie)).await.status(),
        200
    );
    assert_eq!(app.count("SELECT count(*) FROM otp_tokens WHERE state = 'suspended'").await, 1, "nothing happened");
}
