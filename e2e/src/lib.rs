//! Drives the built product in headless Chromium: the real server (in this process, fresh
//! database, free port) serving the Trunk build named by `NETBANK_DIST`, and Chromium through
//! Debian's ChromeDriver.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use netbank_api::otp::ProvisionedToken;
use netbank_api::totp::{decode_secret, TotpParams};
use netbank_server::clock::Clock;
use netbank_server::config::Settings;
use netbank_server::operator::demo;
use netbank_server::startup::{Application, Spawned};
use netbank_server::state::AppState;
use tokio::process::{Child, Command};

pub mod proxy;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The product running for one test.
pub struct Product {
    pub base_url: String,
    server: Spawned,
    /// The server's database and clock: the clock starts at the real time and only moves
    /// when the test moves it (so a test can step past a used OTP step at once).
    pub state: AppState,
    _data: tempfile::TempDir,
}

impl Product {
    /// Starts the server on a free port with a fresh database, serving the built SPA.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(|_| {}).await
    }

    /// Like `start`, with settings changed first; the demo customers are seeded.
    pub async fn start_with(configure: impl FnOnce(&mut Settings)) -> anyhow::Result<Self> {
        let dist = std::env::var_os("NETBANK_DIST")
            .map(PathBuf::from)
            .context("NETBANK_DIST must name the Trunk build to test (`./x test` builds and sets it)")?;
        if !dist.join("index.html").is_file() {
            bail!("{} has no index.html: build the SPA first (`./x spa --release`)", dist.display());
        }
        let data = tempfile::tempdir()?;
        let mut settings = Settings::for_tests(data.path().to_owned(), Some(dist));
        settings.clock = Clock::manual(Clock::System.now());
        settings.policy.auth_requests_per_minute = 10_000;
        // The journeys pay デモ 花子 right after a token starts; the waiting period after a new
        // authenticator has its own test (`waiting_period`), which sets it back.
        settings.policy.enrolment.new_authenticator_hours = 0;
        // デモ 花子 registers during the guide and proves her first token by 確認コード at once;
        // the API tests hold the bank's address age (`enrolment.rs`).
        settings.policy.enrolment.address_age_days = 0;
        configure(&mut settings);
        let server = Application::build(settings).await?.spawn();
        let state = server.state.clone();
        demo::seed(&state.db, &state.clock, state.deployment.mode).await?;
        // The address customers use: on loopback `localhost`, which a browser accepts as a
        // passkey's domain (an IP address it does not).
        let base_url = state.relying_party.origin();
        Ok(Self { base_url, server, state, _data: data })
    }

    /// Stops the server (connections closed, port shut): the browser is offline from here.
    pub async fn stop_server(&mut self) -> anyhow::Result<()> {
        self.server.stop().await
    }

    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// An API client logged in as `login_id` (cookies kept), for what a test does outside the
    /// browser.
    pub async fn api_client(&self, login_id: &str, password: &str) -> anyhow::Result<reqwest::Client> {
        let client = reqwest::Client::builder().cookie_store(true).build()?;
        self.post(&client, "/api/login", serde_json::json!({ "login_id": login_id, "password": password }))
            .await?
            .error_for_status()?;
        Ok(client)
    }

    /// A POST as the SPA sends it.
    pub async fn post(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::Result<reqwest::Response> {
        client.post(self.url(path)).header(netbank_api::CSRF_HEADER, "1").json(&body).send().await
    }

    /// トークン発行 of a software token for the client's customer (BOT004 asks for the login
    /// password again): (サービスID, ユーザID).
    pub async fn issue_software_token(
        &self,
        client: &reqwest::Client,
        login_password: &str,
        activation_password: &str,
    ) -> anyhow::Result<(String, String)> {
        let step_up = self.mail_code_proof(client, "token").await?;
        let body = serde_json::json!({
            "method": "software_token", "mail_address": "taro@docomo.ne.jp", "activation_password": activation_password,
            "login_password": login_password, "step_up": step_up,
        });
        let issued: serde_json::Value =
            self.post(client, "/api/otp/issue", body).await?.error_for_status()?.json().await?;
        let field = |name: &str| issued[name].as_str().map(str::to_owned).ok_or_else(|| anyhow::anyhow!("no {name}"));
        Ok((field("service_id")?, field("user_id")?))
    }

    /// BOT004 or BPK002 for a customer with no second factor: 「確認コードを送信」, then the code
    /// from the mail typed in.
    pub async fn enter_mail_code(&self, browser: &Browser) -> anyhow::Result<()> {
        browser.press("確認コードを送信").await?;
        browser.text_containing(".step-up .done-message", "確認コードを送信しました").await?;
        browser.fill("確認コード", &self.last_mail_code().await?).await
    }

    /// The 確認コード of the client's customer (no second factor yet), asked for and read from
    /// the outbox as the customer reads their notice mail: the step-up of an enrolment.
    pub async fn mail_code_proof(&self, client: &reqwest::Client, purpose: &str) -> anyhow::Result<serde_json::Value> {
        self.post(client, "/api/enrolment/mail-code", serde_json::json!({ "purpose": purpose }))
            .await?
            .error_for_status()?;
        Ok(serde_json::json!({ "method": "mail_code", "code": self.last_mail_code().await? }))
    }

    /// The code in the newest 確認コード mail, read from the development mailbox as the
    /// customer reads their notice address.
    pub async fn last_mail_code(&self) -> anyhow::Result<String> {
        self.server.mail.deliver_now().await?;
        // The server's own address: the mailbox is development's, never behind the proxy.
        let mailbox = format!("{}/api/dev/mailbox", self.server.address);
        let mails: Vec<serde_json::Value> = reqwest::get(mailbox).await?.error_for_status()?.json().await?;
        let body = mails
            .iter()
            .filter(|mail| mail["subject"].as_str().is_some_and(|subject| subject.ends_with("確認コードのお知らせ")))
            .find_map(|mail| mail["body"].as_str())
            .context("a 確認コード mail in the mailbox (newest first)")?;
        let code = body.split("確認コード：").nth(1).and_then(|rest| rest.get(..6)).context("the code line")?;
        Ok(code.to_owned())
    }

    /// demo01 with a token in use, set up through the API (its screens have their own
    /// tests): the token's secret and parameters; the clock is left on a fresh step.
    pub async fn demo_token(&self) -> anyhow::Result<(Vec<u8>, TotpParams)> {
        let client = self.api_client(demo::LOGIN_ID, demo::PASSWORD).await?;
        let (service_id, user_id) = self.issue_software_token(&client, demo::PASSWORD, "1234").await?;
        let body = serde_json::json!({ "service_id": service_id, "user_id": user_id, "activation_password": "1234" });
        let token: ProvisionedToken =
            self.post(&reqwest::Client::new(), "/api/token/provision", body).await?.json().await?;
        let (secret, params) = (decode_secret(&token.secret).context("base32 secret")?, TotpParams::default());
        let code = params.code_at(&secret, self.clock().now());
        self.post(&client, "/api/otp/activate", serde_json::json!({ "otp": code })).await?.error_for_status()?;
        self.clock().advance(30);
        Ok((secret, params))
    }

    /// デモ 花子 registers (what the branch gave her is printed by the demo).
    pub async fn register_hanako(&self) -> anyhow::Result<()> {
        let body = serde_json::json!({
            "branch_code": demo::NEW_BRANCH, "account_number": demo::NEW_ACCOUNT, "temporary_password": demo::NEW_TEMPORARY_PASSWORD,
            "login_id": "hanako01", "password": "hana2025", "notice_address": "hanako@notice.example",
        });
        self.post(&reqwest::Client::new(), "/api/registration", body).await?.error_for_status()?;
        Ok(())
    }

    /// The server's data directory (database, development key), for the operator CLI.
    pub fn data_dir(&self) -> &std::path::Path {
        self._data.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// The staff console's address for `path` (its own listener; on loopback named
    /// `localhost`, the origin its passkeys belong to).
    pub fn staff_url(&self, path: &str) -> String {
        let address = self.server.staff_address.as_deref().expect("the console listens in tests");
        format!("http://localhost:{}{path}", address.rsplit(':').next().unwrap_or_default())
    }

    /// The server's own `127.0.0.1:<port>` (behind a proxy, `base_url` is the proxy's).
    pub fn server_addr(&self) -> String {
        self.server.address.trim_start_matches("http://").to_owned()
    }

    /// Starts the product behind nginx terminating TLS, as a bank runs it: the server with
    /// `--tls`, the proxy trusted, its public URL the proxy's; `base_url` is the proxy's.
    pub async fn start_behind_proxy(configure: impl FnOnce(&mut Settings)) -> anyhow::Result<(Self, proxy::Proxy)> {
        let port = proxy::Proxy::reserve_port()?;
        let mut product = Self::start_with(|settings| {
            settings.policy.tls = true;
            settings.edge.trusted_proxies = "127.0.0.1".parse().expect("an address");
            settings.public_url = Some(format!("https://127.0.0.1:{port}"));
            configure(settings);
        })
        .await?;
        let proxy = proxy::Proxy::start(port, &product.server_addr()).await?;
        product.base_url = proxy.base_url.clone();
        Ok((product, proxy))
    }
}

/// One Chrome DevTools Protocol method, through ChromeDriver's extension endpoint.
#[derive(Debug)]
struct Cdp {
    method: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// The width of the phone every test's page is shown on, in CSS pixels.
pub const PHONE_WIDTH: u32 = 360;

/// A headless Chromium session; ChromeDriver is stopped when this is dropped.
pub struct Browser {
    pub client: Client,
    _driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Opens BLI001 and sends `login_id` and `password`.
    async fn enter_password(&self, product: &Product, login_id: &str, password: &str) -> anyhow::Result<()> {
        self.client.goto(&product.url("/")).await?;
        self.fill("ログインID", login_id).await?;
        self.fill("ログインパスワード", password).await?;
        self.press("ログイン").await
    }

    /// BLI001 with the password alone (a customer without a token in use): ends on ホーム.
    pub async fn log_in(&self, product: &Product, login_id: &str, password: &str) -> anyhow::Result<()> {
        self.enter_password(product, login_id, password).await?;
        self.screen("BHM001").await
    }

    /// BLI001 then BLI023 as demo01, with `code` from the token: ends on ホーム.
    pub async fn log_in_demo_with_code(&self, product: &Product, code: &str) -> anyhow::Result<()> {
        self.enter_password(product, demo::LOGIN_ID, demo::PASSWORD).await?;
        self.screen("BLI023").await?;
        self.fill("ワンタイムパスワード", code).await?;
        self.press("次へ").await?;
        self.screen("BHM001").await
    }

    pub async fn launch() -> anyhow::Result<Self> {
        Self::launch_with(&[]).await
    }

    /// With Chromium flags beyond the usual headless ones (`--ignore-certificate-errors` for
    /// the proxy's certificate made at test time).
    pub async fn launch_with(extra_args: &[&str]) -> anyhow::Result<Self> {
        let port = free_port()?;
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {CHROMEDRIVER} (install: ./x setup)"))?;
        wait_for_port(([127, 0, 0, 1], port).into()).await?;

        let profile = tempfile::tempdir()?;
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=360,800",
        ]
        .iter()
        .chain(extra_args)
        .map(|arg| (*arg).to_owned())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), serde_json::json!({ "binary": CHROMIUM, "args": args }));
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("connecting to ChromeDriver")?;
        // Headless Chromium keeps a window at least 500 px wide whatever `--window-size`
        // says; the page is shown as a 360 px phone shows it (overlay scrollbars, no desktop
        // minimum) by the DevTools protocol, for this tab and every page it loads.
        let browser = Self { client, _driver: driver, _profile: profile };
        browser.show_as_phone().await?;
        Ok(browser)
    }

    /// Shows the page as a 360 × 800 phone (how every test starts).
    pub async fn show_as_phone(&self) -> anyhow::Result<()> {
        self.show_as(PHONE_WIDTH, 800, true).await
    }

    /// Shows the page as a desktop browser's window of this size.
    pub async fn show_as_desktop(&self, width: u32, height: u32) -> anyhow::Result<()> {
        self.show_as(width, height, false).await
    }

    async fn show_as(&self, width: u32, height: u32, mobile: bool) -> anyhow::Result<()> {
        let metrics = serde_json::json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile });
        self.client.issue_cmd(Cdp { method: "Emulation.setDeviceMetricsOverride", params: metrics }).await?;
        Ok(())
    }

    /// The 受付番号 on a completion screen (BTF004 振替, BTF013 振込).
    pub async fn receipt_on(&self, screen: &str) -> anyhow::Result<String> {
        self.screen(screen).await?;
        let receipt = self.text_of(".receipt-no").await?;
        anyhow::ensure!(receipt.len() > 8, "{screen} shows a 受付番号: {receipt:?}");
        Ok(receipt)
    }

    /// Waits (up to 20 s) for an element to appear and returns its visible text.
    pub async fn text_of(&self, css: &str) -> anyhow::Result<String> {
        let element = self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for `{css}`"))?;
        Ok(element.text().await?)
    }

    /// The input whose `<label>` starts with `label` (the text before its 必須 badge).
    pub async fn input(&self, label: &str) -> anyhow::Result<Element> {
        let xpath = format!("//input[@id=//label[normalize-space(text()[1])='{label}']/@for]");
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(&xpath))
            .await
            .with_context(|| format!("waiting for the field labelled `{label}`"))
    }

    /// Picks, in the `<select>` labelled `label`, the option whose text contains `option`.
    pub async fn choose(&self, label: &str, option: &str) -> anyhow::Result<()> {
        let xpath =
            format!("//select[@id=//label[normalize-space(text()[1])='{label}']/@for]/option[contains(., '{option}')]");
        let element = self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(&xpath))
            .await
            .with_context(|| format!("waiting for `{option}` in the list labelled `{label}`"))?;
        element.click().await?;
        Ok(())
    }

    /// On BTF011: デモ 花子's account as the payee (her 受取人名 confirmed by the server) and
    /// `amount` yen.
    pub async fn transfer_to_hanako(&self, amount: &str) -> anyhow::Result<()> {
        self.screen("BTF011").await?;
        self.fill("店番", demo::NEW_BRANCH).await?;
        self.fill("口座番号", demo::NEW_ACCOUNT).await?;
        self.press("受取人を確認").await?;
        self.text_containing(".payee-name", "デモ\u{3000}ハナコ").await?;
        self.fill("金額（円）", amount).await
    }

    /// Gives the browser a platform authenticator, as a phone's or a PC's: it keeps
    /// discoverable passkeys, verifies the user (as a fingerprint would) and answers without a
    /// dialog (the DevTools WebAuthn domain).
    pub async fn add_virtual_authenticator(&self) -> anyhow::Result<String> {
        self.client
            .issue_cmd(Cdp { method: "WebAuthn.enable", params: serde_json::json!({ "enableUI": false }) })
            .await?;
        let options = serde_json::json!({ "options": {
            "protocol": "ctap2", "ctap2Version": "ctap2_1", "transport": "internal", "hasResidentKey": true,
            "hasUserVerification": true, "isUserVerified": true, "automaticPresenceSimulation": true,
        }});
        let added = self.client.issue_cmd(Cdp { method: "WebAuthn.addVirtualAuthenticator", params: options }).await?;
        added["authenticatorId"].as_str().map(str::to_owned).context("an authenticator id")
    }

    /// From the next page on, the browser says it has no passkey autofill (conditional
    /// mediation), as older ones do: BLI001 then offers only its button.
    pub async fn without_passkey_autofill(&self) -> anyhow::Result<()> {
        let script = "PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);";
        let on_load =
            Cdp { method: "Page.addScriptToEvaluateOnNewDocument", params: serde_json::json!({ "source": script }) };
        self.client.issue_cmd(on_load).await?;
        Ok(())
    }

    /// How many passkeys the virtual authenticator holds.
    pub async fn passkeys_held(&self, authenticator: &str) -> anyhow::Result<usize> {
        let params = serde_json::json!({ "authenticatorId": authenticator });
        let held = self.client.issue_cmd(Cdp { method: "WebAuthn.getCredentials", params }).await?;
        Ok(held["credentials"].as_array().map_or(0, Vec::len))
    }

    /// Slows the page's CPU by `rate` (4: a mid-range phone, as Lighthouse takes it), through
    /// the DevTools protocol, for this page and the ones it loads.
    pub async fn throttle_cpu(&self, rate: f64) -> anyhow::Result<()> {
        let throttle = Cdp { method: "Emulation.setCPUThrottlingRate", params: serde_json::json!({ "rate": rate }) };
        self.client.issue_cmd(throttle).await?;
        Ok(())
    }

    /// Slows every download of the page to `bytes_per_second` (a phone on a poor network),
    /// through the DevTools protocol; `None` lifts it.
    pub async fn throttle_network(&self, bytes_per_second: Option<f64>) -> anyhow::Result<()> {
        self.client.issue_cmd(Cdp { method: "Network.enable", params: serde_json::json!({}) }).await?;
        let rate = bytes_per_second.unwrap_or(-1.0);
        let conditions = serde_json::json!({
            "offline": false, "latency": 0, "downloadThroughput": rate, "uploadThroughput": rate,
        });
        self.client.issue_cmd(Cdp { method: "Network.emulateNetworkConditions", params: conditions }).await?;
        Ok(())
    }

    /// Makes every request whose URL matches one of `patterns` (`*` as a wildcard) fail, as a
    /// network that drops them would.
    pub async fn block_urls(&self, patterns: &[&str]) -> anyhow::Result<()> {
        self.client.issue_cmd(Cdp { method: "Network.enable", params: serde_json::json!({}) }).await?;
        let block = Cdp { method: "Network.setBlockedURLs", params: serde_json::json!({ "urls": patterns }) };
        self.client.issue_cmd(block).await?;
        Ok(())
    }

    /// Whether the page's app has started (the login bundle marks `<html>` when it has).
    pub async fn app_started(&self) -> anyhow::Result<bool> {
        let started =
            self.client.execute("return document.documentElement.hasAttribute('data-started');", vec![]).await?;
        Ok(started.as_bool().unwrap_or(false))
    }

    /// Runs `script` in every page this tab loads from now on, before the page's own scripts.
    pub async fn on_every_page(&self, script: &str) -> anyhow::Result<()> {
        let on_load =
            Cdp { method: "Page.addScriptToEvaluateOnNewDocument", params: serde_json::json!({ "source": script }) };
        self.client.issue_cmd(on_load).await?;
        Ok(())
    }

    /// Stops the page's clock at `unix_seconds` (`Date.now`), in this page and every page
    /// loaded after: with the server's manual clock at the same moment, a test moves both
    /// instead of waiting for real time (the token app's next code, say).
    pub async fn pin_clock(&self, unix_seconds: i64) -> anyhow::Result<()> {
        let script = format!("Date.now = () => {};", unix_seconds * 1000);
        self.on_every_page(&script).await?;
        self.client.execute(&script, vec![]).await?;
        Ok(())
    }

    /// Types into the field labelled `label`, replacing what was there.
    pub async fn fill(&self, label: &str, value: &str) -> anyhow::Result<()> {
        let input = self.input(label).await?;
        input.clear().await?;
        input.send_keys(value).await?;
        Ok(())
    }

    /// The button or link whose visible text is `text`, as shown on screen. On a phone the
    /// menu's entries are behind 「メニュー」: a customer opens it first, and so does this.
    pub async fn control(&self, text: &str) -> anyhow::Result<Element> {
        let xpath = format!("//button[normalize-space(.)='{text}'] | //a[normalize-space(.)='{text}']");
        for round in 0..200 {
            let found = self.client.find_all(Locator::XPath(&xpath)).await.unwrap_or_default();
            for element in &found {
                if element.is_displayed().await.unwrap_or(false) {
                    return Ok(element.clone());
                }
            }
            if !found.is_empty() && round % 10 == 2 {
                self.open_menu().await?;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("waiting for the button `{text}`: none shown")
    }

    /// Opens the phone's folded menu when there is one and it is closed.
    pub async fn open_menu(&self) -> anyhow::Result<()> {
        let toggle = "//button[@aria-controls='menu'][@aria-expanded='false']";
        if let Ok(button) = self.client.find(Locator::XPath(toggle)).await {
            if button.is_displayed().await.unwrap_or(false) {
                button.click().await?;
            }
        }
        Ok(())
    }

    /// Clicks the button or link labelled `text` once it can be clicked.
    pub async fn press(&self, text: &str) -> anyhow::Result<()> {
        let control = self.control(text).await?;
        for _ in 0..100 {
            if control.is_enabled().await? {
                return Ok(control.click().await?);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("`{text}` stayed disabled")
    }

    /// Waits until the screen `id` is shown and has finished loading (no 「読み込み中…」 left).
    pub async fn settled(&self, id: &str) -> anyhow::Result<()> {
        self.screen(id).await?;
        for _ in 0..100 {
            let loading = self.client.execute("return document.querySelectorAll('.loading').length;", vec![]).await?;
            if loading.as_u64() == Some(0) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{id} kept loading")
    }

    /// Waits until the screen with this 画面ID is shown, through the page loads that may come
    /// first (ChromeDriver ends a wait that a navigation interrupts).
    pub async fn screen(&self, id: &str) -> anyhow::Result<()> {
        let css = format!("[data-screen-id={id}]");
        for _ in 0..5 {
            match self.text_of(&css).await {
                Err(error) if format!("{error:?}").contains("aborted by navigation") => continue,
                done => return done.map(|_| ()),
            }
        }
        self.text_of(&css).await.map(|_| ())
    }

    /// Waits until the element matching `css` contains `needle`; returns its text.
    pub async fn text_containing(&self, css: &str, needle: &str) -> anyhow::Result<String> {
        let mut last = String::new();
        for _ in 0..200 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                last = element.text().await.unwrap_or_default();
                if last.contains(needle) {
                    return Ok(last);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("`{css}` never contained `{needle}`; last text: {last}")
    }

    /// True when the page is wider than the window (horizontal scrolling).
    pub async fn scrolls_sideways(&self) -> anyhow::Result<bool> {
        let wider = self
            .client
            .execute("return document.documentElement.scrollWidth > document.documentElement.clientWidth;", vec![])
            .await?;
        Ok(wider.as_bool().unwrap_or(true))
    }

    /// Elements whose content is wider than their box and cut or hidden in a scroll area
    /// (overflow not visible): a figure clipped inside a card, which `scrolls_sideways` does
    /// not see. Form controls are left out (a long value scrolls inside its field by design),
    /// and so are the one-pixel boxes that hide text for screen readers only.
    pub async fn clipped(&self) -> anyhow::Result<Vec<String>> {
        let script = "return Array.from(document.body.querySelectorAll('*'))
            .filter(e => !['INPUT', 'SELECT', 'TEXTAREA', 'OPTION'].includes(e.tagName))
            .filter(e => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/\\s+/).join('.') : '')
                + ' (' + e.scrollWidth + ' in ' + e.clientWidth + ')');";
        let found = self.client.execute(script, vec![]).await?;
        Ok(found
            .as_array()
            .map(|list| list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default())
    }

    /// A screen that replaced another opened at its top with focus on its heading.
    pub async fn assert_opened_at_heading(&self, what: &str) -> anyhow::Result<()> {
        let script = "return [document.activeElement && document.activeElement.id, window.scrollY];";
        let state = self.client.execute(script, vec![]).await?;
        anyhow::ensure!(state[0] == "screen-title", "{what}: focus on {:?}, not the heading", state[0]);
        anyhow::ensure!(state[1].as_f64() == Some(0.0), "{what}: opened {} px down", state[1]);
        Ok(())
    }

    /// The screen fits a phone: nothing scrolls sideways and nothing is clipped.
    pub async fn assert_fits(&self, what: &str) -> anyhow::Result<()> {
        anyhow::ensure!(!self.scrolls_sideways().await?, "{what} scrolls sideways");
        let clipped = self.clipped().await?;
        anyhow::ensure!(clipped.is_empty(), "{what} clips: {clipped:?}");
        Ok(())
    }

    /// The screen fits a phone at 標準, 大 and 特大 (a picture of each kept as
    /// `phone-<size>-<id>`); back to 標準 after.
    pub async fn fits_at_every_size(&self, id: &str) -> anyhow::Result<()> {
        for (label, size) in [("標準", "standard"), ("大", "large"), ("特大", "largest")] {
            self.press(label).await?;
            self.assert_fits(&format!("{id} at {size}")).await?;
            self.screenshot(&format!("phone-{size}-{}", id.to_lowercase())).await?;
        }
        self.press("標準").await
    }

    /// Saves a PNG of the page under `e2e-artifacts/` in the repository, for people to look at.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../e2e-artifacts");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    pub async fn close(self) -> anyhow::Result<()> {
        self.client.close().await?;
        Ok(())
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

async fn wait_for_port(addr: SocketAddr) -> anyhow::Result<()> {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("ChromeDriver did not listen on {addr} within 10 s")
}
