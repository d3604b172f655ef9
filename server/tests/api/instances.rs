//! Two server processes on one PostgreSQL database, as a bank runs them for failover: what
//! one instance starts the other finishes, races over both still have exactly one winner,
//! and killing one (SIGKILL, mid-burst) loses nothing it acknowledged while the other serves
//! on and delivers the dead one's mail once its lease runs out.

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use netbank_api::totp::TotpParams;
use netbank_testkit::postgres::PgCluster;
use netbank_testkit::ServerProcess;
use serde_json::{json, Value};

use crate::helpers::join_all;

const BINARY: &str = env!("CARGO_BIN_EXE_netbank-server");

struct Instance {
    server: ServerProcess,
    client: reqwest::Client,
}

impl Instance {
    async fn start(data: &Path, url: &str, key: &str, extra: &[&str]) -> Self {
        let args = [
            &[
                "--database-url",
                url,
                "--mode",
                "development",
                "--otp-key",
                key,
                "--auth-requests-per-minute",
                "100000",
                "--sessions-per-customer",
                "500",
                "--hash-queue",
                "1000",
                "--mail-lease-seconds",
                "2",
                // Real clocks here: two steps ahead lets the test use three fresh codes at once.
                "--otp-drift-steps",
                "2",
            ][..],
            extra,
        ]
        .concat();
        let server = ServerProcess::start(Path::new(BINARY), data, &args, None).await.expect("an instance starts");
        Self { server, client: reqwest::Client::new() }
    }

    async fn post(&self, path: &str, body: Value, cookie: Option<&str>) -> reqwest::Response {
        self.try_post(path, body, cookie).await.unwrap()
    }

    /// An error when the instance is gone.
    async fn try_post(&self, path: &str, body: Value, cookie: Option<&str>) -> reqwest::Result<reqwest::Response> {
        let mut request =
            self.client.post(format!("{}{path}", self.server.base)).header(netbank_api::CSRF_HEADER, "1").json(&body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await
    }
}

/// Requests shared out over the two instances in turn.
fn alternate<'a>(i: usize, first: &'a Instance, second: &'a Instance) -> &'a Instance {
    if i.is_multiple_of(2) {
        first
    } else {
        second
    }
}

fn cookie_of(response: &reqwest::Response) -> String {
    let set = response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok());
    let id = netbank_server::identity::session::issued_session_id(set).expect("a session cookie");
    format!("{}={id}", netbank_server::identity::session::COOKIE_NAME)
}

fn operator(url: &str, data: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new(BINARY)
        .arg("--data-dir")
        .arg(data)
        .args(["--database-url", url])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgresql_database_behave_as_one_bank() {
    let cluster = PgCluster::shared();
    let url = cluster.new_database().unwrap();
    let key = base64::engine::general_purpose::STANDARD.encode([5u8; 32]);
    let (data_a, data_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // A's mail goes to a relay that accepts connections and never answers: every mail A
    // claims is still in its hands when it dies, and only B can deliver it, after the lease.
    let tarpit = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = format!("smtp://{}", tarpit.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((connection, _)) = tarpit.accept().await {
            held.push(connection);
        }
    });
    let a = Instance::start(data_a.path(), &url, &key, &["--demo", "--smtp-url", &relay]).await;
    let b = Instance::start(data_b.path(), &url, &key, &[]).await;

    // demo01 binds an authenticator app on A and activates it on B.
    let login = a.post("/api/login", json!({ "login_id": "demo01", "password": "demo1234" }), None).await;
    assert_eq!(login.status(), 200);
    let session = cookie_of(&login);
    // The 確認コード goes to the demo customer's long-registered notice address; read here from
    // the shared outbox.
    assert_eq!(a.post("/api/enrolment/mail-code", json!({ "purpose": "token" }), Some(&session)).await.status(), 200);
    let reader = netbank_server::db::connect(
        netbank_server::db::Location::Url(&url),
        netbank_server::db::Durability::PowerLoss,
        1,
    )
    .await
    .unwrap();
    let mail: String = sqlx::query_scalar(
        "SELECT body FROM mail_outbox WHERE subject LIKE '%確認コードのお知らせ' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&reader)
    .await
    .unwrap();
    let code = &mail.split("確認コード：").nth(1).unwrap()[..6];
    let body = json!({ "method": "authenticator_app", "login_password": "demo1234", "step_up": { "method": "mail_code", "code": code } });
    let issued: Value = a.post("/api/otp/issue", body, Some(&session)).await.json().await.unwrap();
    let secret = netbank_api::totp::decode_secret(issued["authenticator"]["secret"].as_str().unwrap()).unwrap();
    let t0 = netbank_server::clock::Clock::System.now();
    let code = |t: i64| TotpParams::default().code_at(&secret, t);
    let activated = b.post("/api/otp/activate", json!({ "otp": code(t0) }), Some(&session)).await;
    assert_eq!(activated.status(), 200, "利用開始 on the other instance");

    // The password step on A, the code on B.
    let step = a.post("/api/login", json!({ "login_id": "demo01", "password": "demo1234" }), None).await;
    let pending = cookie_of(&step);
    let full = b.post("/api/login/otp", json!({ "otp": code(t0 + 30) }), Some(&pending)).await;
    assert_eq!(full.status(), 200, "the pending login lives in the database, not the instance");

    // A hundred password steps spread over both, then one valid code submitted to all of
    // them at once, half through each instance: exactly one login.
    let steps = join_all(
        (0..100)
            .map(|i| {
                let instance = alternate(i, &a, &b);
                instance.post("/api/login", json!({ "login_id": "demo01", "password": "demo1234" }), None)
            })
            .collect(),
    )
    .await;
    let pendings: Vec<String> = steps.iter().map(cookie_of).collect();
    let next = code(t0 + 60);
    let submissions = join_all(
        pendings
            .iter()
            .enumerate()
            .map(|(i, pending)| {
                let instance = alternate(i, &b, &a);
                instance.post("/api/login/otp", json!({ "otp": next }), Some(pending))
            })
            .collect(),
    )
    .await;
    let statuses: Vec<u16> = submissions.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");

    // The waiting demo customer registers, then a hundred wrong passwords over both
    // instances: exactly the lockout threshold is counted.
    let registration = json!({
        "branch_code": "001", "account_number": "7654321", "temporary_password": "kari2345",
        "login_id": "multi02", "password": "pass2026", "notice_address": "multi02@notice.example",
    });
    assert_eq!(b.post("/api/registration", registration, None).await.status(), 201);
    let wrong = join_all(
        (0..100)
            .map(|i| {
                let instance = alternate(i, &a, &b);
                instance.post("/api/login", json!({ "login_id": "multi02", "password": "wrongpass1" }), None)
            })
            .collect(),
    )
    .await;
    assert!(wrong.iter().all(|r| [401, 403].contains(&r.status().as_u16())));
    let shown = operator(&url, data_a.path(), &["customer", "show", "--login-id", "multi02"]);
    assert!(shown.contains("LOCKED"), "{shown}");
    // The test's own look at the shared database.
    let db = netbank_server::db::connect(
        netbank_server::db::Location::Url(&url),
        netbank_server::db::Durability::PowerLoss,
        2,
    )
    .await
    .unwrap();
    let counted: i64 = sqlx::query_scalar("SELECT failed_attempts FROM credentials WHERE login_key = 'multi02'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(counted, 6, "the threshold, not one more, across both instances");

    // One customer's per-customer limit (10 password-change attempts an hour) holds however
    // the attempts are spread over the instances.
    let printed = operator(
        &url,
        data_a.path(),
        &["customer", "create", "--name", "上限 試験", "--branch", "003", "--account", "0000001"],
    );
    let temporary =
        printed.lines().find_map(|l| l.strip_prefix("仮パスワード: ")).unwrap().split(' ').next().unwrap().to_owned();
    let registration = json!({
        "branch_code": "003", "account_number": "0000001", "temporary_password": temporary,
        "login_id": "limit03", "password": "pass2026", "notice_address": "limit03@notice.example",
    });
    assert_eq!(a.post("/api/registration", registration, None).await.status(), 201);
    let session =
        cookie_of(&a.post("/api/login", json!({ "login_id": "limit03", "password": "pass2026" }), None).await);
    let changes = join_all(
        (0..30)
            .map(|i| {
                let instance = alternate(i, &a, &b);
                let body = json!({ "current_password": "wrongpass1", "new_password": "newpass123" });
                instance.post("/api/password", body, Some(&session))
            })
            .collect(),
    )
    .await;
    // Past the limit an attempt is 429; once the wrong passwords have locked the login and
    // ended the session, a late one is 401 `unauthenticated` before the limit is asked. What
    // reached the password check is the rest: never more than the limit, however they raced.
    let mut reasons = Vec::new();
    for change in changes {
        reasons.push(change.json::<Value>().await.unwrap()["reason"].as_str().unwrap_or("none").to_owned());
    }
    let checked = reasons.iter().filter(|r| *r != "rate_limited" && *r != "unauthenticated").count();
    assert!((1..=10).contains(&checked), "{reasons:?}");

    // A burst of registrations over both; A is killed in the middle of it.
    let mut newcomers = Vec::new();
    for i in 0..30 {
        let printed = operator(
            &url,
            data_a.path(),
            &[
                "customer",
                "create",
                "--name",
                "障害 試験",
                "--branch",
                "002",
                "--account",
                &format!("{:07}", 4_000_000 + i),
            ],
        );
        let temporary = printed
            .lines()
            .find_map(|l| l.strip_prefix("仮パスワード: "))
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .to_owned();
        newcomers.push((format!("{:07}", 4_000_000 + i), temporary));
    }
    let burst = join_all(
        newcomers
            .iter()
            .enumerate()
            .map(|(i, (account, temporary))| {
                let instance = alternate(i, &a, &b);
                let body = json!({
                    "branch_code": "002", "account_number": account, "temporary_password": temporary,
                    "login_id": format!("burst{i:02}"), "password": "pass2026",
                    "notice_address": format!("burst{i:02}@notice.example"),
                });
                async move {
                    // Sent over the burst rather than all at once, so the kill lands mid-way.
                    tokio::time::sleep(Duration::from_millis(15 * i as u64)).await;
                    instance.try_post("/api/registration", body, None).await.ok().map(|r| r.status().as_u16())
                }
            })
            .collect(),
    );
    let victim = a.server.child.id() as i32;
    let killer = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        // SAFETY: a signal to the child process this test started.
        unsafe { libc::kill(victim, libc::SIGKILL) };
    };
    let (answers, ()) = tokio::join!(burst, killer);
    let acknowledged: Vec<usize> =
        answers.iter().enumerate().filter(|(_, r)| **r == Some(201)).map(|(i, _)| i).collect();
    assert!(answers.iter().any(Option::is_none), "A died mid-burst: {answers:?}");
    assert!(acknowledged.len() >= 15, "B's half and A's early ones: {answers:?}");
    for i in &acknowledged {
        let shown = operator(&url, data_b.path(), &["customer", "show", "--login-id", &format!("burst{i:02}")]);
        assert!(shown.contains(&format!("burst{i:02}")), "acknowledged registration {i} is there: {shown}");
    }
    // B serves on…
    let still = b.post("/api/login", json!({ "login_id": "multi02", "password": "pass2026" }), None).await;
    assert_eq!(still.status(), 403, "locked above, and B says so");
    // …and delivers every mail, the dead instance's claimed ones after their lease.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let pending = operator(&url, data_b.path(), &["mail", "list", "--pending", "--limit", "1000"]);
        if pending.trim().is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "mail still pending after 30 s: {pending}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let taken_over: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent' AND attempts >= 2")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(taken_over >= 1, "a mail A had claimed was delivered by B once A's lease ran out");
    db.close().await;
}

/// Money over two instances: 100 parallel 振替 from an account that covers exactly ten, shared
/// out over both, move exactly ten; one confirmation sent 40 times over both moves once; the
/// trial balance holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transfers_over_two_instances_neither_overdraw_nor_move_twice() {
    let url = PgCluster::shared().new_database().unwrap();
    let key = base64::engine::general_purpose::STANDARD.encode([6u8; 32]);
    let (data_a, data_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Instance::start(data_a.path(), &url, &key, &["--demo"]).await;
    let b = Instance::start(data_b.path(), &url, &key, &[]).await;
    let session = cookie_of(&a.post("/api/login", json!({ "login_id": "demo01", "password": "demo1234" }), None).await);
    let me: Value = a
        .client
        .get(format!("{}/api/me", a.server.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let balance = me["accounts"][0]["balance"].as_i64().unwrap();
    // Ten of these fit and an eleventh does not: balance = 10 × amount + less than amount.
    let amount = balance / 10;
    let body = |key: usize| {
        json!({ "from_account": "001-1234567", "to_branch_code": "001", "to_kind": "savings", "to_account_number": "2345678",
            "amount": amount.to_string(), "idempotency_key": format!("{key:032x}") })
    };
    let answers =
        join_all((0..100).map(|i| alternate(i, &a, &b).post("/api/transfers", body(i), Some(&session))).collect())
            .await;
    let mut done = 0;
    for answer in answers {
        match answer.status().as_u16() {
            200 => done += 1,
            status => {
                let refusal: Value = answer.json().await.unwrap();
                assert_eq!((status, refusal["reason"].as_str()), (422, Some("insufficient_funds")));
            }
        }
    }
    assert_eq!(done, 10);

    // Put some back, then one confirmation sent 40 times over both instances.
    let back = json!({ "from_account": "001-2345678", "to_branch_code": "001", "to_kind": "ordinary", "to_account_number": "1234567",
        "amount": "1000", "idempotency_key": format!("{:032x}", 1_000) });
    let answers =
        join_all((0..40).map(|i| alternate(i, &a, &b).post("/api/transfers", back.clone(), Some(&session))).collect())
            .await;
    let mut receipts = std::collections::BTreeSet::new();
    for answer in answers {
        assert_eq!(answer.status(), 200);
        receipts.insert(answer.json::<Value>().await.unwrap()["receipt_no"].as_str().unwrap().to_owned());
    }
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    let printed = operator(&url, data_a.path(), &["ledger", "check"]);
    assert!(printed.contains("OK:"), "{printed}");
    let me: Value = b
        .client
        .get(format!("{}/api/me", b.server.base))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["accounts"][0]["balance"].as_i64(), Some(balance - 10 * amount + 1000));
}
