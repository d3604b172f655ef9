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
    // BLI001's style sheet is in its page (no request before the first paint) and the
    // server's CSP lets exactly it apply: a refused `<style>` would leave the header unstyled.
    let styled = browser
        .client
        .execute(
            "return [document.querySelectorAll('link[rel=stylesheet]').length, document.querySelectorAll('style').length,
                     getComputedStyle(document.querySelector('.site-header')).backgroundColor];",
            vec![],
        )
        .await?;
    assert_eq!(styled, serde_json::json!([0, 1, "rgb(11, 79, 138)"]), "links, style elements, the header's colour");
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

/// The wasm files the current page has loaded, by name.
async fn loaded(browser: &Browser) -> anyhow::Result<String> {
    let names = browser
        .client
        .execute("return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('.wasm')).join(' ');", vec![])
        .await?;
    Ok(names.as_str().unwrap_or_default().to_owned())
}

/// The first visit to BLI001 downloads the login bundle and nothing else; the signed-in app
/// (ホーム; 口座情報; payments; settings) and the token app come with their own pages, and the
/// links move between the signed-in bundles as they move within one.
#[tokio::test]
async fn each_page_loads_only_its_own_bundle() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
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
        wasm.contains("netbank-bank") && !wasm.contains("netbank-login") && !wasm.contains("netbank-payments"),
        "a page load into the bank bundle: {wasm}"
    );
    // ホーム's 入出金明細: the accounts bundle, focus on its screen's heading; then 振込・振替 from
    // the menu opens the payments bundle's first screen.
    browser.press("入出金明細").await?;
    browser.settled("BAC001").await?;
    browser.assert_opened_at_heading("入出金明細 from ホーム").await?;
    let wasm = loaded(&browser).await?;
    assert!(wasm.contains("netbank-accounts") && !wasm.contains("netbank-bank"), "{wasm}");
    browser.open_menu().await?;
    browser.press("振込・振替").await?;
    browser.settled("BTF001").await?;
    browser.assert_opened_at_heading("振込・振替 from 入出金明細").await?;
    let wasm = loaded(&browser).await?;
    assert!(wasm.contains("netbank-payments") && !wasm.contains("netbank-accounts"), "{wasm}");
    // The menu's パスキー: the settings bundle.
    browser.open_menu().await?;
    browser.press("パスキー").await?;
    browser.settled("BPK001").await?;
    let wasm = loaded(&browser).await?;
    assert!(wasm.contains("netbank-settings") && !wasm.contains("netbank-payments"), "{wasm}");
    // Back returns to the page before, whichever bundle holds it; the menu's ホーム to the bank.
    browser.client.back().await?;
    browser.settled("BTF001").await?;
    browser.open_menu().await?;
    browser.press("ホーム").await?;
    browser.settled("BHM001").await?;
    assert!(loaded(&browser).await?.contains("netbank-bank"));
    let handoff = browser.client.execute("return sessionStorage.getItem('netbank.handoff');", vec![]).await?;
    assert!(handoff.is_null(), "the hand-over's note is read at the start: {handoff}");
    browser.client.goto(&product.url("/token")).await?;
    browser.screen("TKN001").await?;
    assert!(loaded(&browser).await?.contains("netbank-token"));
    browser.close().await
}

/// A build without one of the signed-in bundles' pages (the server then answers with the
/// bank's): the bank's page, loaded for the address it handed over, says not found instead of
/// loading itself for ever.
#[tokio::test]
async fn a_build_missing_a_bundle_says_not_found_instead_of_reloading() -> anyhow::Result<()> {
    let built = std::path::PathBuf::from(std::env::var_os("NETBANK_DIST").expect("NETBANK_DIST"));
    let partial = tempfile::tempdir()?;
    for entry in std::fs::read_dir(&built)? {
        let entry = entry?;
        if !entry.file_name().to_string_lossy().starts_with("payments.html") {
            std::fs::copy(entry.path(), partial.path().join(entry.file_name()))?;
        }
    }
    let product = Product::start_with(|settings| settings.dist_dir = Some(partial.path().to_owned())).await?;
    let browser = Browser::launch().await?;
    browser.log_in(&product, "demo01", "demo1234").await?;
    browser.press("振込・振替").await?;
    browser.text_containing("main h1", "ページが見つかりません").await?;
    let state = browser
        .client
        .execute("return [location.pathname, sessionStorage.getItem('netbank.handoff')];", vec![])
        .await?;
    assert_eq!(state[0], "/transfer");
    assert!(state[1].is_null(), "no hand-over pending: {state}");
    // Opened directly, with a query: the fallback's one reload keeps the address as it was.
    browser.client.goto(&product.url("/payeasy?from=home")).await?;
    browser.text_containing("main h1", "ページが見つかりません").await?;
    let state = browser
        .client
        .execute("return [location.pathname + location.search, sessionStorage.getItem('netbank.handoff')];", vec![])
        .await?;
    assert_eq!(state[0], "/payeasy?from=home");
    assert!(state[1].is_null(), "no hand-over pending: {state}");
    browser.close().await
}

/// The release build gives the imports between each wasm and its JS glue short names
/// (`scripts/minify-imports.mjs`): wasm-bindgen's hashed names cost the login bundle ~5 KB of
/// its first load. `each_page_loads_only_its_own_bundle` proves the renamed bundles still run.
#[test]
fn every_bundle_imports_from_its_glue_by_short_names() -> anyhow::Result<()> {
    let built = std::path::PathBuf::from(std::env::var_os("NETBANK_DIST").expect("NETBANK_DIST"));
    let mut bundles = 0;
    for entry in std::fs::read_dir(&built)? {
        let path = entry?.path();
        if !path.to_string_lossy().ends_with("_bg.wasm") {
            continue;
        }
        bundles += 1;
        let imports = wasm_imports(&std::fs::read(&path)?);
        assert!(imports.len() > 100, "{}: {} imports", path.display(), imports.len());
        for (module, name) in imports {
            assert!(module == "a" && name.len() <= 2, "{}: imports {module} {name}", path.display());
        }
    }
    assert!(bundles >= 7, "{bundles} bundles in {}", built.display());
    Ok(())
}

/// The (module, name) of each import in a wasm module's import section.
fn wasm_imports(wasm: &[u8]) -> Vec<(String, String)> {
    fn u32_at(wasm: &[u8], at: &mut usize) -> usize {
        let (mut value, mut shift) = (0, 0);
        loop {
            let byte = wasm[*at];
            *at += 1;
            value |= usize::from(byte & 0x7f) << shift;
            shift += 7;
            if byte < 0x80 {
                return value;
            }
        }
    }
    fn name_at(wasm: &[u8], at: &mut usize) -> String {
        let length = u32_at(wasm, at);
        *at += length;
        String::from_utf8_lossy(&wasm[*at - length..*at]).into_owned()
    }
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = u32_at(wasm, &mut at);
        if id == 2 {
            let count = u32_at(wasm, &mut at);
            return (0..count)
                .map(|_| {
                    let module = name_at(wasm, &mut at);
                    let name = name_at(wasm, &mut at);
                    assert_eq!(wasm[at], 0, "{module} {name} is a function");
                    at += 1;
                    u32_at(wasm, &mut at);
                    (module, name)
                })
                .collect();
        }
        at += size;
    }
    Vec::new()
}
