//! The whole guide, as a customer and the branch live it, in Chromium against the built
//! product: 初回利用登録 → login → トークン発行 → the mail → the token app → 利用開始 → login
//! with the code → five wrong codes → 停止中 → the operator's 停止解除 through the CLI →
//! login → 利用解除 → login without a code. A screenshot per step in e2e-artifacts/guide-*.

use std::path::PathBuf;

use fantoccini::Locator;
use netbank_e2e::{Browser, Product};

struct Guide {
    product: Product,
    browser: Browser,
    step: u32,
    /// Screenshots are `<prefix>-NN-<step>.png`.
    prefix: &'static str,
}

impl Guide {
    async fn shot(&mut self, name: &str) -> anyhow::Result<()> {
        self.step += 1;
        self.browser.screenshot(&format!("{}-{:02}-{name}", self.prefix, self.step)).await?;
        Ok(())
    }

    async fn log_in(&self) -> anyhow::Result<()> {
        let b = &self.browser;
        b.client.goto(&self.product.url("/")).await?;
        b.screen("BLI001").await?;
        b.fill("ログインID", "hanako01").await?;
        b.fill("ログインパスワード", "hana2026").await?;
        b.press("ログイン").await
    }

    /// Moves the server's and the phone's clocks to the next 30-second step together, then
    /// reads the token app's code there (a step not yet used, so unlike `used`).
    async fn fresh_code(&self, used: &str) -> anyhow::Result<String> {
        let clock = self.product.clock();
        clock.advance(30);
        let b = &self.browser;
        b.pin_clock(clock.now()).await?;
        b.client.goto(&self.product.url("/token/codes")).await?;
        b.screen("TKN003").await?;
        let code = b.text_of(".token-code").await?.replace(' ', "");
        anyhow::ensure!(code.len() == 6 && code != used, "the token showed {code} after {used}");
        Ok(code)
    }
}

fn operator(data_dir: &std::path::Path, args: &[&str]) -> anyhow::Result<String> {
    let binary = std::env::var_os("NETBANK_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/debug/netbank-server"));
    let output =
        std::process::Command::new(&binary).arg("--data-dir").arg(data_dir).args(args).output().map_err(|e| {
            anyhow::anyhow!("running {} (built by `cargo build -p netbank-server`): {e}", binary.display())
        })?;
    anyhow::ensure!(output.status.success(), "operator CLI failed: {}", String::from_utf8_lossy(&output.stderr));
    Ok(String::from_utf8(output.stdout)?)
}

#[tokio::test]
async fn the_guide_from_first_registration_to_release() -> anyhow::Result<()> {
    let product = Product::start().await?;
    walk(product, Browser::launch().await?, "guide").await
}

/// The same guide through nginx terminating TLS (`deploy/nginx-netbank.conf`), the server
/// behind it with `--tls` and the proxy trusted: what a bank deploys.
#[tokio::test]
async fn the_guide_through_a_tls_reverse_proxy() -> anyhow::Result<()> {
    let (product, proxy) = Product::start_behind_proxy(|_| {}).await?;
    let browser = Browser::launch_with(&["--ignore-certificate-errors"]).await?;
    walk(product, browser, "guide-tls").await?;
    let log = proxy.access_log();
    assert!(log.contains("POST /api/otp/activate"), "the guide went through nginx: {log}");
    Ok(())
}

async fn walk(product: Product, browser: Browser, prefix: &'static str) -> anyhow::Result<()> {
    // The server's clock is manual and the page's is pinned to it: the guide moves time on
    // both instead of waiting for the next code.
    browser.pin_clock(product.clock().now()).await?;
    let mut guide = Guide { product, browser, step: 0, prefix };
    let b = &guide.browser;

    // 初回利用登録 with what the branch handed over.
    b.client.goto(&guide.product.url("/")).await?;
    b.press("初回利用登録").await?;
    b.screen("BLI002").await?;
    b.fill("店番", "001").await?;
    b.fill("口座番号", "7654321").await?;
    b.fill("仮パスワード", "kari2345").await?;
    guide.shot("registration-proof").await?;
    let b = &guide.browser;
    b.press("次へ").await?;
    b.fill("ログインID", "hanako01").await?;
    b.fill("ログインパスワード", "hana2026").await?;
    b.fill("ログインパスワード（確認用）", "hana2026").await?;
    b.fill("通知先メールアドレス", "hanako.notice@example.jp").await?;
    b.fill("通知先メールアドレス（確認用）", "hanako.notice@example.jp").await?;
    b.press("登録する").await?;
    b.screen("BLI004").await?;
    guide.shot("registration-done").await?;

    // Login, then 各種お申込・手続き → ワンタイムパスワード → トークン発行 (手順3–6).
    guide.log_in().await?;
    let b = &guide.browser;
    b.screen("BHM001").await?;
    guide.shot("home").await?;
    let b = &guide.browser;
    b.press("ワンタイムパスワード").await?;
    b.text_containing("[data-testid=otp-state]", "トークン未発行").await?;
    guide.shot("otp-menu-not-issued").await?;
    let b = &guide.browser;
    b.press("トークン発行").await?;
    b.fill("携帯電話メールアドレス", "hanako@docomo.ne.jp").await?;
    b.fill("携帯電話メールアドレス（確認用）", "hanako@docomo.ne.jp").await?;
    b.fill("利用開始パスワード", "13579").await?;
    b.fill("利用開始パスワード（確認用）", "13579").await?;
    guide.shot("issue-input").await?;
    let b = &guide.browser;
    b.press("確認画面へ").await?;
    b.screen("BOT004").await?;
    b.fill("ログインパスワード", "hana2026").await?;
    // Her first second factor: the 確認コード sent to the notice address she registered.
    guide.product.enter_mail_code(b).await?;
    guide.shot("issue-confirm").await?;
    let b = &guide.browser;
    b.press("確定").await?;
    b.screen("BOT002").await?;
    let service_id = b.text_of(".service-id").await?;
    let user_id = b.text_of(".user-id").await?;
    guide.shot("issue-done").await?;

    // 手順7: the mail, and its URL.
    let b = &guide.browser;
    b.client.goto(&guide.product.url("/dev/mailbox")).await?;
    let mail = b.client.find(Locator::XPath("//article[.//dd[@class='to' and text()='hanako@docomo.ne.jp']]")).await?;
    let body = mail.find(Locator::Css(".body")).await?.text().await?;
    assert!(body.contains(&format!("ユーザID：{user_id}")) && body.contains(&format!("サービスID：{service_id}")));
    assert!(!body.contains("13579"), "the mail never carries the activation password");
    guide.shot("mail").await?;
    let b = &guide.browser;
    mail.find(Locator::Css("a")).await?.click().await?;

    // 手順8–9: the token app's 初期設定, and the code it shows.
    b.screen("TKN001").await?;
    guide.shot("token-landing").await?;
    let b = &guide.browser;
    b.press("初期設定をする").await?;
    b.fill("サービスID", &service_id).await?;
    b.fill("ユーザID", &user_id).await?;
    b.fill("利用開始パスワード", "13579").await?;
    guide.shot("token-setup").await?;
    let b = &guide.browser;
    b.press("送信").await?;
    b.screen("TKN003").await?;
    let code = b.text_of(".token-code").await?.replace(' ', "");
    guide.shot("token-code").await?;

    // 手順10–13: 利用開始登録 with that code.
    let b = &guide.browser;
    b.client.goto(&guide.product.url("/otp")).await?;
    b.text_containing("[data-testid=otp-state]", "アプリ設定済").await?;
    b.press("ワンタイムパスワード利用開始").await?;
    b.fill("ワンタイムパスワード", &code).await?;
    guide.shot("activate-input").await?;
    let b = &guide.browser;
    b.press("確認画面へ").await?;
    b.press("確定").await?;
    b.screen("BOT013").await?;
    guide.shot("activate-done").await?;
    let b = &guide.browser;
    b.press("ログアウト").await?;
    b.screen("BLI001").await?;

    // The notice of 利用開始 reached the notice address chosen at BLI003.
    b.client.goto(&guide.product.url("/dev/mailbox")).await?;
    let notice = b
        .client
        .find(Locator::XPath(
            "//article[.//dd[@class='to' and text()='hanako.notice@example.jp'] and contains(., '利用開始のお知らせ')]",
        ))
        .await?;
    let body = notice.find(Locator::Css(".body")).await?.text().await?;
    assert!(body.contains("日時：") && body.contains("お取引店"), "{body}");
    assert!(!body.contains(&code), "a notice never carries a code");
    guide.shot("notice-mail").await?;
    let b = &guide.browser;
    b.client.goto(&guide.product.url("/")).await?;
    b.screen("BLI001").await?;

    // Login now asks for the code (BLI023).
    let code = guide.fresh_code(&code).await?;
    guide.log_in().await?;
    let b = &guide.browser;
    b.screen("BLI023").await?;
    b.fill("ワンタイムパスワード", &code).await?;
    guide.shot("login-otp").await?;
    let b = &guide.browser;
    b.press("次へ").await?;
    b.screen("BHM001").await?;
    b.press("ログアウト").await?;
    b.screen("BLI001").await?;

    // Five wrong codes in a row: 停止中, and the paper form.
    guide.log_in().await?;
    let b = &guide.browser;
    b.screen("BLI023").await?;
    for attempt in 1..=5 {
        b.fill("ワンタイムパスワード", "000000").await?;
        b.press("次へ").await?;
        if attempt < 5 {
            b.text_containing("[role=alert]", "ワンタイムパスワードが正しくありません").await?;
        }
    }
    b.screen("BLI001").await?;
    b.text_containing("[role=status]", "ワンタイムパスワード停止解除・初期化依頼書").await?;
    guide.shot("suspended").await?;
    let b = &guide.browser;
    b.fill("ログインID", "hanako01").await?;
    b.fill("ログインパスワード", "hana2026").await?;
    b.press("ログイン").await?;
    b.text_containing("[role=alert]", "停止しています").await?;

    // The branch receives the form: 停止解除 with the operator CLI.
    let shown = operator(guide.product.data_dir(), &["otp", "show", "--login-id", "hanako01"])?;
    assert!(shown.contains("停止中"), "{shown}");
    let lifted = operator(
        guide.product.data_dir(),
        &["otp", "lift-suspension", "--login-id", "hanako01", "--break-glass", "--reason", "停止解除依頼書"],
    )?;
    assert!(lifted.contains("利用中"), "{lifted}");

    // Login works again, with a code.
    let code = guide.fresh_code(&code).await?;
    guide.log_in().await?;
    let b = &guide.browser;
    b.screen("BLI023").await?;
    b.fill("ワンタイムパスワード", &code).await?;
    b.press("次へ").await?;
    b.screen("BHM001").await?;
    guide.shot("login-after-lift").await?;

    // 利用解除 (before changing phones), confirmed with a current code.
    let code = guide.fresh_code(&code).await?;
    let b = &guide.browser;
    b.client.goto(&guide.product.url("/otp")).await?;
    b.text_containing("[data-testid=otp-state]", "利用中").await?;
    b.press("ワンタイムパスワード利用解除").await?;
    b.fill("ワンタイムパスワード", &code).await?;
    b.press("確認画面へ").await?;
    b.press("確定").await?;
    b.screen("BOT023").await?;
    guide.shot("release-done").await?;
    let b = &guide.browser;
    b.press("ログアウト").await?;

    // And the login no longer asks for a code.
    guide.log_in().await?;
    guide.browser.screen("BHM001").await?;
    guide.shot("login-without-otp").await?;
    guide.browser.close().await
}
