//! The demo software token (steps 7–9) from the issuance mail's URL: setup, the code and its
//! step switch, persistence, deletion, the clock warning; and a production build without it.

use std::time::Duration;

use fantoccini::Locator;
use netbank_e2e::{Browser, Product};
use serde_json::{json, Value};

/// demo01 issues a software token through the API; returns (サービスID, ユーザID) and the
/// logged-in client, to use the code later.
async fn issue(product: &Product) -> anyhow::Result<(String, String, reqwest::Client)> {
    let client = product.api_client("demo01", "demo1234").await?;
    let (service_id, user_id) = product.issue_software_token(&client, "demo1234", "2468").await?;
    Ok((service_id, user_id, client))
}

async fn set_up(browser: &Browser, service_id: &str, user_id: &str, password: &str) -> anyhow::Result<()> {
    browser.screen("TKN002").await?;
    browser.fill("サービスID", service_id).await?;
    browser.fill("ユーザID", user_id).await?;
    browser.fill("利用開始パスワード", password).await?;
    browser.press("送信").await
}

/// The code shown for the first token, digits only.
async fn shown_code(browser: &Browser) -> anyhow::Result<String> {
    Ok(browser.text_of(".token-code").await?.replace(' ', ""))
}

#[tokio::test]
async fn from_the_mail_to_a_working_code_that_survives_reloads_until_deleted() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let (service_id, user_id, bank) = issue(&product).await?;
    let browser = Browser::launch().await?;

    // 手順7: the mail in the development mailbox, and its link.
    browser.client.goto(&product.url("/dev/mailbox")).await?;
    let link = browser.client.find(Locator::Css("article.mail a")).await?;
    assert_eq!(link.text().await?, product.url("/token"));
    link.click().await?;
    browser.screen("TKN001").await?;
    browser.text_containing("main", "対応端末").await?;
    browser.screenshot("tkn001-landing").await?;
    browser.press("初期設定をする").await?;

    // Wrong password first: a clear refusal, nothing stored.
    set_up(&browser, &service_id, &user_id, "1111").await?;
    browser.text_containing("[role=alert]", "サービスID・ユーザID・利用開始パスワードのいずれかが正しくないか").await?;
    set_up(&browser, &service_id, &user_id, "2468").await?;
    browser.screen("TKN003").await?;
    let code = shown_code(&browser).await?;
    assert_eq!(code.len(), 6, "{code}");
    assert!(browser.text_of(".token-code").await?.contains(' '), "grouped as 123 456");
    browser.text_containing(".token-label", "ネットバンク信用組合").await?;
    browser.screenshot("tkn003-code").await?;

    // The code is the bank's: 利用開始登録 accepts it.
    let activated = product.post(&bank, "/api/otp/activate", json!({ "otp": code })).await?;
    assert_eq!(activated.status(), 200, "the displayed code activates the token");

    // A second device can't take the same issuance.
    browser.client.goto(&product.url("/token/setup")).await?;
    set_up(&browser, &service_id, &user_id, "2468").await?;
    browser.text_containing("[role=alert]", "設定済み").await?;

    browser.client.goto(&product.url("/token/codes")).await?;
    browser.client.refresh().await?;
    browser.screen("TKN003").await?;
    assert_eq!(browser.client.find_all(Locator::Css(".token-card")).await?.len(), 1, "kept across reloads");

    browser.press("削除").await?;
    browser.text_containing("[role=alertdialog]", "削除しますか").await?;
    browser.press("キャンセル").await?;
    assert_eq!(browser.client.find_all(Locator::Css(".token-card")).await?.len(), 1);
    browser.press("削除").await?;
    browser.press("削除する").await?;
    browser.text_containing("main", "この端末にはトークンが設定されていません").await?;
    browser.client.refresh().await?;
    browser.text_containing("main", "この端末にはトークンが設定されていません").await?;
    browser.close().await
}

#[tokio::test]
async fn the_code_switches_at_the_step_boundary_and_a_wrong_clock_is_pointed_out() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let (service_id, user_id, _) = issue(&product).await?;
    let browser = Browser::launch().await?;
    browser.client.goto(&product.url("/token/setup")).await?;
    set_up(&browser, &service_id, &user_id, "2468").await?;
    browser.screen("TKN003").await?;
    assert!(browser.client.find_all(Locator::Css(".clock-warning")).await?.is_empty(), "the clock is right");

    // The device clock, moved to 1.5 s before the next step (the page reads Date.now).
    browser
        .client
        .execute(
            "const real = Date.now.bind(Date); const now = real();
             const target = (Math.floor(now / 30000) + 1) * 30000 - 1500;
             const shift = target - now; Date.now = () => real() + shift; return shift;",
            vec![],
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let before = shown_code(&browser).await?;
    let seconds = browser.text_of(".token-seconds").await?;
    assert!(seconds == "あと1秒" || seconds == "あと2秒", "{seconds}");
    // Well past the boundary (a busy machine may run the page's timer late).
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let after = shown_code(&browser).await?;
    assert_ne!(before, after, "a new code at the boundary");
    let seconds = browser.text_of(".token-seconds").await?;
    assert!(["あと30秒", "あと29秒", "あと28秒"].contains(&seconds.as_str()), "{seconds}");

    // 60 s fast: the page, opened again, says so.
    browser.client.execute("const real = Date.now; Date.now = () => real() + 60000;", vec![]).await?;
    browser.client.find(Locator::Css(".site-name")).await?.click().await?;
    browser.press("ワンタイムパスワードを表示する").await?;
    browser.text_containing(".clock-warning", "進んでいます").await?;
    browser.screenshot("tkn003-clock-warning").await?;
    browser.close().await
}

#[tokio::test]
async fn the_token_pages_are_installable() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    browser.client.goto(&product.url("/token")).await?;
    browser.screen("TKN001").await?;
    let manifest = browser.client.find(Locator::Css("link[rel=manifest]")).await?;
    assert_eq!(manifest.attr("href").await?.as_deref(), Some("/token.webmanifest"));
    let manifest: Value = reqwest::get(product.url("/token.webmanifest")).await?.json().await?;
    assert_eq!(manifest["start_url"], "/token/codes");
    assert_eq!(manifest["display"], "standalone");
    // The service worker takes control of the token pages.
    let mut scope = Value::Null;
    for _ in 0..50 {
        scope = browser
            .client
            .execute_async(
                "const done = arguments[0]; navigator.serviceWorker.getRegistration('/token')
                   .then(r => done(r && r.active ? r.scope : null), () => done(null));",
                vec![],
            )
            .await?;
        if scope.is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(scope.as_str(), Some(product.url("/token").as_str()));
    browser.close().await
}

#[tokio::test]
async fn a_production_build_has_no_token_app() -> anyhow::Result<()> {
    let Some(production) = std::env::var_os("NETBANK_DIST_PRODUCTION") else {
        anyhow::bail!("NETBANK_DIST_PRODUCTION must name the production build (`./x spa --production`)");
    };
    let production = std::path::PathBuf::from(production);
    let demo = std::path::PathBuf::from(std::env::var_os("NETBANK_DIST").expect("NETBANK_DIST"));
    // Every bundle's wasm, one after the other.
    let wasm_of = |dir: &std::path::Path| -> anyhow::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "wasm") {
                bytes.extend(std::fs::read(path)?);
            }
        }
        anyhow::ensure!(!bytes.is_empty(), "no wasm in {}", dir.display());
        Ok(bytes)
    };
    let contains = |haystack: &[u8], needle: &str| haystack.windows(needle.len()).any(|w| w == needle.as_bytes());
    // The token's storage key and its screen ID: in the demo build, absent from production.
    for marker in ["netbank.tokens", "TKN003"] {
        assert!(contains(&wasm_of(&demo)?, marker), "{marker} in the demo build");
        assert!(!contains(&wasm_of(&production)?, marker), "{marker} must not be in the production build");
    }
    assert!(!production.join("token-sw.js").exists() && !production.join("token.webmanifest").exists());
    assert!(!production.join("token.html").exists() && demo.join("token.html").exists(), "the token bundle's page");

    let product = Product::start_with(|settings| settings.dist_dir = Some(production)).await?;
    let browser = Browser::launch().await?;
    browser.client.goto(&product.url("/token")).await?;
    assert_eq!(browser.text_of("main h1").await?, "ページが見つかりません");
    browser.client.goto(&product.url("/")).await?;
    browser.screen("BLI001").await?;
    browser.close().await
}

#[tokio::test]
async fn once_set_up_the_token_shows_codes_with_the_server_gone() -> anyhow::Result<()> {
    let mut product = Product::start().await?;
    let (service_id, user_id, _) = issue(&product).await?;
    let browser = Browser::launch().await?;
    browser.client.goto(&product.url("/token/setup")).await?;
    set_up(&browser, &service_id, &user_id, "2468").await?;
    browser.screen("TKN003").await?;
    // Wait for the service worker, then load the page once under its control.
    for _ in 0..50 {
        let controlled = browser.client.execute("return !!navigator.serviceWorker.controller;", vec![]).await?;
        if controlled.as_bool() == Some(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser.client.refresh().await?;
    browser.screen("TKN003").await?;

    product.stop_server().await?;
    assert!(reqwest::get(product.url("/token/codes")).await.is_err(), "the server is gone");
    browser.client.refresh().await?;
    browser.screen("TKN003").await?;
    assert_eq!(shown_code(&browser).await?.len(), 6);
    browser.screenshot("tkn003-offline").await?;
    browser.close().await
}
