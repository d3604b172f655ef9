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

/// The first visit to BLI001 downloads the login bundle and nothing else; the signed-in app
/// and the token app come with their own pages.
#[tokio::test]
async fn each_page_loads_only_its_own_bundle() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    let loaded = |browser: &Browser| {
        let client = browser.client.clone();
        async move {
            let names = client
                .execute("return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('.wasm')).join(' ');", vec![])
                .await?;
            anyhow::Ok(names.as_str().unwrap_or_default().to_owned())
        }
    };
    browser.client.goto(&product.url("/")).await?;
    browser.screen("BLI001").await?;
    let wasm = loaded(&browser).await?;
    assert!(
        wasm.contains("netbank-login") && !wasm.contains("netbank-bank") && !wasm.contains("netbank-token"),
        "{wasm}"
    );
    browser.fill("ログインID", "demo01").await?;
    browser.fill("ログインパスワード", "demo1234").await?;
    browser.press("ログイン").await?;
    browser.screen("BHM001").await?;
    let wasm = loaded(&browser).await?;
    assert!(
        wasm.contains("netbank-bank") && !wasm.contains("netbank-login"),
        "a page load into the bank bundle: {wasm}"
    );
    browser.client.goto(&product.url("/token")).await?;
    browser.screen("TKN001").await?;
    assert!(loaded(&browser).await?.contains("netbank-token"));
    browser.close().await
}
