//! The built SPA, served by the real server, renders in Chromium and shows what the server says.

use netbank_e2e::{Browser, Product};

#[tokio::test]
async fn the_page_shows_the_frame_and_the_servers_health_rendered_by_wasm() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    browser.client.goto(&product.url("/")).await?;

    let status = browser.text_of("[data-testid=server-status].ok").await?;
    assert!(status.starts_with("サーバー稼働中（バージョン "), "status line says: {status}");
    let header = browser.text_of(".site-header").await?;
    assert!(header.contains("ネットバンク信用組合"), "header says: {header}");
    browser.screenshot("shell-top").await?;
    browser.close().await
}

#[tokio::test]
async fn a_client_route_that_does_not_exist_shows_the_not_found_page() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    browser.client.goto(&product.url("/no/such/page")).await?;

    assert_eq!(browser.text_of("main h1").await?, "ページが見つかりません");
    browser.close().await
}
