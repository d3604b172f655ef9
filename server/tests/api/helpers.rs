use std::path::PathBuf;

use netbank_api::identity::AccountKind;
use netbank_api::input::{AccountNumber, BranchCode};
use netbank_api::{ErrorBody, ErrorReason, CSRF_HEADER};
use netbank_server::clock::Clock;
use netbank_server::config::{EnrolmentPolicy, Policy, Settings};
use netbank_server::operator::customers::{self, NewCustomer};
use netbank_server::startup::{Application, Spawned};
use netbank_server::state::AppState;
use serde_json::{json, Value};

/// A running server with its own database and a clock the test moves, gone when dropped.
pub struct TestApp {
    pub address: String,
    /// The staff console's listener (`http://127.0.0.1:<port>`).
    pub staff_address: Option<String>,
    pub client: reqwest::Client,
    pub state: AppState,
    /// Delivers the outbox when a test says so (no background delivery in API tests).
    pub mail: netbank_server::mail::sender::Sender,
    _server: Spawned,
    _data: tempfile::TempDir,
}

/// A customer opened by the operator, not yet registered.
#[derive(Clone)]
pub struct Newcomer {
    pub branch: String,
    pub account: String,
    pub temporary_password: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(None, test_policy()).await
}

/// The policy most tests run under: no per-address limit in the way, and customers registered
/// a moment ago may confirm a first second factor by 確認コード and pay anyone at once. The
/// 確認コード itself is still asked for every enrolment; `enrolment.rs` tests the bank's real
/// address age and waiting period (`Policy::default()`). A test's client keeps no cookies, so
/// each of its logins is a new device: `logins.rs` tests that notice.
pub fn test_policy() -> Policy {
    Policy {
        auth_requests_per_minute: 10_000,
        new_environment_notice: false,
        // Customers registered a moment ago would have every large 振込 to a new payee held;
        // `holds.rs` tests the bank's rules.
        transfer: netbank_server::transfer_policy::TransferPolicy {
            hold: None,
            ..netbank_server::transfer_policy::TransferPolicy::default()
        },
        enrolment: EnrolmentPolicy {
            address_age_days: 0,
            new_authenticator_hours: 0,
            mail_codes_per_day: 1000,
            ..EnrolmentPolicy::default()
        },
        ..Policy::default()
    }
}

pub async fn spawn_app_with(dist_dir: Option<PathBuf>, policy: Policy) -> TestApp {
    spawn_app_configured(|settings| {
        settings.dist_dir = dist_dir;
        settings.policy = policy;
    })
    .await
}

/// The tests in this process share one hashing pool, and the 100-way tests must not make
/// their neighbours' hashes "busy": a long queue. Called before anything in this process
/// hashes a password (a server's start, the demo seed): the pool is sized once, at its first
/// hash. The bounded queue is proven on its own pool (identity::password) and through the
/// binary (`edge.rs`).
pub fn hashing_for_tests() {
    netbank_server::identity::password::configure(netbank_server::identity::password::PoolSize {
        queue: 100_000,
        ..Default::default()
    });
}

/// A test server with whatever settings the test changes from the defaults.
pub async fn spawn_app_configured(configure: impl FnOnce(&mut Settings)) -> TestApp {
    hashing_for_tests();
    // RUST_LOG=… shows the server's log while debugging a test.
    if std::env::var_os("RUST_LOG").is_some() {
        netbank_server::telemetry::init(netbank_server::telemetry::LogFormat::Text);
    }
    let data = tempfile::tempdir().expect("temporary data directory");
    let mut settings = Settings::for_tests(data.path().to_owned(), None);
    settings.policy = test_policy();
    settings.clock = Clock::manual(1_800_000_000);
    settings.mail.background_delivery = false;
    settings.database_url = test_database();
    // The 100-way tests are a hundred clients on one loopback address.
    settings.edge.connections.max_per_client = 10_000;
    configure(&mut settings);
    let server = Application::build(settings).await.expect("the server starts").spawn();
    let (address, state, mail) = (server.address.clone(), server.state.clone(), server.mail.clone());
    let staff_address = server.staff_address.clone();
    // No cookie store: tests hand cookies over themselves, to see every rotation.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { address, staff_address, client, state, mail, _server: server, _data: data }
}

/// The engine the suite runs on: `NETBANK_TEST_DATABASE=postgres` gives each test its own
/// database in a throwaway PostgreSQL cluster; otherwise (`sqlite`) each test's data directory
/// holds its SQLite file. `./x test` runs the suite once per engine.
pub fn test_database() -> Option<String> {
    match std::env::var("NETBANK_TEST_DATABASE").as_deref() {
        Ok("postgres") => {
            Some(netbank_testkit::postgres::PgCluster::shared().new_database().expect("a fresh database"))
        }
        Ok("sqlite") | Err(_) => None,
        Ok(other) => panic!("NETBANK_TEST_DATABASE is sqlite or postgres, not {other:?}"),
    }
}

/// Whether this pass of the suite is the one on `engine` (`sqlite` or `postgres`): a test of
/// one engine's own tools (a SQLite backup, a PostgreSQL restart) runs in that pass only, and
/// says so when skipped.
pub fn runs_on(engine: &str) -> bool {
    let pass = std::env::var("NETBANK_TEST_DATABASE").unwrap_or_else(|_| "sqlite".to_owned());
    if pass != engine {
        println!("skipped here: this test runs in the {engine} pass of the suite");
    }
    pass == engine
}

impl TestApp {
    /// Where Prometheus scrapes this server, when the test turned metrics on.
    pub fn metrics_address(&self) -> Option<&str> {
        self._server.metrics_address.as_deref()
    }

    /// The server's data directory (its SQLite file, unless on PostgreSQL).
    pub fn data_dir(&self) -> &std::path::Path {
        self._data.path()
    }

    /// Stops this server and starts another on the same data directory and clock, with the
    /// settings `configure` gives (a restart with other keys, say); the start's error if it
    /// refuses.
    pub async fn restart(mut self, configure: impl FnOnce(&mut Settings)) -> anyhow::Result<TestApp> {
        self._server.stop().await?;
        let mut settings = Settings::for_tests(self._data.path().to_owned(), None);
        settings.database_url =
            Some(self.state.db.connect_options().database_url.to_string()).filter(|url| url.starts_with("postgres"));
        settings.policy = (*self.state.policy).clone();
        settings.clock = self.state.clock.clone();
        settings.mail.background_delivery = false;
        settings.edge.connections.max_per_client = 10_000;
        configure(&mut settings);
        let server = Application::build(settings).await?.spawn();
        let (address, state, mail) = (server.address.clone(), server.state.clone(), server.mail.clone());
        let staff_address = server.staff_address.clone();
        Ok(TestApp { address, staff_address, client: self.client, state, mail, _server: server, _data: self._data })
    }
}

/// The session ID a response hands out, if it sets one.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    let set_cookies = response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok());
    netbank_server::identity::session::issued_session_id(set_cookies).map(str::to_owned)
}

pub async fn error_reason(response: reqwest::Response) -> ErrorReason {
    response.json::<ErrorBody>().await.expect("an error body").reason
}

impl TestApp {
    /// Where customers reach this server: on loopback it is named `localhost` (a passkey's
    /// domain must be a name), which mail links and passkeys use.
    pub fn public_url(&self) -> String {
        self.state.relying_party.origin()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The session cookie's name on this server (`__Host-` prefixed over TLS).
    pub fn cookie_name(&self) -> &'static str {
        netbank_server::identity::session::cookie_name(&self.state.policy)
    }

    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// One delivery pass over the outbox, as the background sender would make; how many
    /// mails went out.
    pub async fn deliver_mail(&self) -> usize {
        self.mail.deliver_now().await.expect("the outbox is readable")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    pub async fn get_with_session(&self, path: &str, session: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("cookie", format!("{}={session}", self.cookie_name()))
            .send()
            .await
            .expect("request sent")
    }

    /// A POST as the SPA sends it: JSON with the anti-CSRF header, and the session if given.
    pub async fn post(&self, path: &str, body: &Value, session: Option<&str>) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).header(CSRF_HEADER, "1").json(body);
        if let Some(session) = session {
            request = request.header("cookie", format!("{}={session}", self.cookie_name()));
        }
        request.send().await.expect("request sent")
    }

    pub async fn login(&self, login_id: &str, password: &str) -> reqwest::Response {
        self.post("/api/login", &json!({ "login_id": login_id, "password": password }), None).await
    }

    /// Logs in and returns the session ID; panics unless the login succeeds.
    pub async fn logged_in(&self, login_id: &str, password: &str) -> String {
        let response = self.login(login_id, password).await;
        assert_eq!(response.status(), 200, "login of {login_id}");
        session_cookie(&response).expect("a session cookie")
    }

    pub async fn open_customer(&self, name: &str, account: &str) -> Newcomer {
        let customer = NewCustomer {
            name,
            branch: BranchCode::parse("001").unwrap(),
            account: AccountNumber::parse(account).unwrap(),
            kind: AccountKind::Ordinary,
            balance: 50_000,
            notice_address: None,
            kana: None,
        };
        let notice = customers::create(&self.state.db, self.clock(), &self.state.policy, customer)
            .await
            .expect("customer created");
        Newcomer { branch: "001".into(), account: account.into(), temporary_password: notice.temporary_password }
    }

    pub async fn register(&self, newcomer: &Newcomer, login_id: &str, password: &str) -> reqwest::Response {
        let body = json!({
            "branch_code": newcomer.branch,
            "account_number": newcomer.account,
            "temporary_password": newcomer.temporary_password,
            "login_id": login_id,
            "password": password,
            "notice_address": notice_address_of(login_id),
        });
        self.post("/api/registration", &body, None).await
    }

    /// Asks for a 確認コード for `purpose` ("token" or "passkey") and reads it from the mail in
    /// the outbox, as the customer would from their notice address.
    pub async fn mail_code(&self, session: &str, purpose: &str) -> String {
        let response = self.post("/api/enrolment/mail-code", &json!({ "purpose": purpose }), Some(session)).await;
        assert_eq!(response.status(), 200, "確認コード sent: {}", response.text().await.unwrap_or_default());
        self.last_mail_code().await
    }

    /// The code in the newest 確認コード mail.
    pub async fn last_mail_code(&self) -> String {
        use sqlx::Row;
        let row = sqlx::query(
            "SELECT body FROM mail_outbox WHERE subject LIKE '%確認コードのお知らせ' ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(&self.state.db)
        .await
        .expect("a 確認コード mail");
        let body: String = row.get(0);
        body.split("確認コード：").nth(1).expect("the code line")[..6].to_owned()
    }

    /// A fresh 確認コード where this session's customer is offered one (no second factor yet);
    /// `None` otherwise (no session, a factor to use instead), so the request goes without and
    /// meets whatever refusal comes first.
    pub async fn mail_code_if_offered(&self, session: &str, purpose: &str) -> Option<Value> {
        let status = self.get_with_session("/api/enrolment", session).await;
        if status.status() != 200 {
            return None;
        }
        let status: Value = status.json().await.unwrap();
        if status["methods"] != json!(["mail_code"]) || status["mail_code"]["state"] != "ready" {
            return None;
        }
        Some(self.mail_code_proof(session, purpose).await)
    }

    /// The step-up proof of a customer with no second factor: a fresh 確認コード.
    pub async fn mail_code_proof(&self, session: &str, purpose: &str) -> Value {
        json!({ "method": "mail_code", "code": self.mail_code(session, purpose).await })
    }

    /// A registered customer with the given credentials.
    pub async fn registered_customer(&self, login_id: &str, password: &str) {
        let account = format!("{:07}", rand_account());
        let newcomer = self.open_customer("テスト 顧客", &account).await;
        assert_eq!(self.register(&newcomer, login_id, password).await.status(), 201);
    }

    /// The one value `sql` selects, as a number: a yes/no is 1 or 0 (SQLite answers a
    /// comparison with an integer, PostgreSQL with a boolean).
    pub async fn count(&self, sql: &str) -> i64 {
        use sqlx::Row;
        let row = sqlx::query(sql).fetch_one(&self.state.db).await.unwrap();
        row.try_get::<i64, _>(0).or_else(|_| row.try_get::<bool, _>(0).map(i64::from)).unwrap()
    }
}

/// The 通知先メールアドレス test customers register with.
pub fn notice_address_of(login_id: &str) -> String {
    format!("{}@notice.example", login_id.to_ascii_lowercase())
}

pub fn rand_account() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1_000_000);
    NEXT.fetch_add(1, Ordering::SeqCst)
}

/// Polls every future together (all requests in flight before any answer is read), without
/// the futures crate.
pub async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}
