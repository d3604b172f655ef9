//! 前回ログイン日時 on ホーム, ログイン履歴, and ログイン中の端末 ending the session of another
//! browser, on a phone, by visible labels.

use netbank_e2e::{Browser, Product};

#[tokio::test]
async fn home_shows_the_login_before_and_the_customer_logs_another_browser_out() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let other = Browser::launch().await?;
    other.log_in(&product, "demo01", "demo1234").await?;
    let first = netbank_server::calendar::jst_datetime(product.clock().now());
    other.text_containing(".previous-login-at", "初めてのログイン").await?;
    product.clock().advance(120);

    let browser = Browser::launch().await?;
    browser.log_in(&product, "demo01", "demo1234").await?;
    browser.text_containing(".previous-login-at", &first).await?;
    browser.screenshot("bhm001-previous-login").await?;

    browser.press("ログイン履歴").await?;
    browser.screen("BPF002").await?;
    let history = browser.text_containing(".logins", "成功").await?;
    assert!(history.contains(&first), "{history}");
    assert!(history.contains("パスワード"), "{history}");
    browser.assert_fits("ログイン履歴").await?;
    browser.screenshot("bpf002-logins").await?;

    browser.press("ログイン中の端末").await?;
    browser.screen("BPF003").await?;
    browser.text_containing(".sessions", "ほかの端末").await?;
    browser.assert_fits("ログイン中の端末").await?;
    browser.screenshot("bpf003-sessions").await?;
    browser.press("この端末以外をすべてログアウト").await?;
    browser.text_containing("[role=status]", "1台の端末をログアウトしました").await?;
    browser.text_containing(".sessions", "この端末").await?;
    let listed = browser.text_of(".sessions").await?;
    assert!(!listed.contains("ほかの端末"), "{listed}");

    // The other browser's next step finds its session over and goes back to the login.
    other.client.goto(&product.url("/accounts")).await?;
    other.screen("BLI001").await?;
    // This one goes on.
    browser.press("ホームへ").await?;
    browser.screen("BHM001").await?;
    other.close().await?;
    browser.close().await
}
