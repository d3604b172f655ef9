//! Every screen on a 360 px phone at each 文字サイズ (標準, 大, 特大): nothing scrolls sideways,
//! no element clips its text, and the screen's own content starts in the first view. A
//! screenshot of each is kept in `e2e-artifacts/` (`phone-<size>-<画面ID>.png`); `./x
//! screenshots` copies the README's from there into `docs/screenshots/`.

use netbank_e2e::{Browser, Product, PHONE_WIDTH};

/// The bank's screens a customer with a token in use reaches from the menu, by address.
const BANK_SCREENS: [(&str, &str); 18] = [
    ("/home", "BHM001"),
    ("/accounts", "BAC001"),
    ("/transfer", "BTF001"),
    ("/transfer/own", "BTF002"),
    ("/transfer/other", "BTF011"),
    ("/transfer/payees", "BTF021"),
    ("/transfer/limit", "BTF031"),
    ("/transfer/history", "BTF041"),
    ("/transfer/interbank", "BTF051"),
    ("/transfer/interbank/history", "BTF056"),
    ("/payeasy", "BPY001"),
    ("/payeasy/history", "BPY005"),
    ("/otp", "BOT001"),
    ("/passkeys", "BPK001"),
    ("/passkeys/new", "BPK002"),
    ("/profile", "BPF001"),
    ("/logins", "BPF002"),
    ("/sessions", "BPF003"),
];

const SIZES: [(&str, &str); 3] = [("標準", "standard"), ("大", "large"), ("特大", "largest")];

/// The screen's heading is within the first view of the phone (not pushed down by chrome).
async fn heading_in_first_view(browser: &Browser, what: &str) -> anyhow::Result<()> {
    let top = browser
        .client
        .execute("return document.getElementById('screen-title').getBoundingClientRect().top + window.scrollY;", vec![])
        .await?;
    let top = top.as_f64().unwrap_or(f64::MAX);
    anyhow::ensure!(top < 300.0, "{what}: the heading starts {top} px down");
    Ok(())
}

/// Checks the screen as it is, and keeps its picture.
async fn check(browser: &Browser, size: &str, id: &str) -> anyhow::Result<()> {
    let what = format!("{id} at {size}");
    let width = browser.client.execute("return window.innerWidth;", vec![]).await?;
    anyhow::ensure!(width.as_u64() == Some(u64::from(PHONE_WIDTH)), "{what}: shown {width} px wide, not as a phone");
    browser.screenshot(&format!("phone-{size}-{}", id.to_lowercase())).await?;
    browser.assert_fits(&what).await?;
    heading_in_first_view(browser, &what).await
}

#[tokio::test]
async fn every_screen_fits_a_phone_at_every_text_size() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let (secret, params) = product.demo_token().await?;
    product.register_hanako().await?;
    let browser = Browser::launch().await?;
    browser.pin_clock(product.clock().now()).await?;

    // Before the login: BLI001 and 初回利用登録.
    for (label, size) in SIZES {
        browser.client.goto(&product.url("/")).await?;
        browser.settled("BLI001").await?;
        browser.press(label).await?;
        check(&browser, size, "BLI001").await?;
        // The login form comes first on a phone; the phishing notice follows it.
        let order = browser
            .client
            .execute("return document.querySelector('#member-title').getBoundingClientRect().top < document.querySelector('#phishing-title').getBoundingClientRect().top;", vec![])
            .await?;
        assert_eq!(order.as_bool(), Some(true), "BLI001 at {size}: the form before the notice");
        browser.client.goto(&product.url("/registration")).await?;
        browser.settled("BLI002").await?;
        check(&browser, size, "BLI002").await?;
    }
    browser.press("標準").await?;
    browser.log_in_demo_with_code(&product, &params.code_at(&secret, product.clock().now())).await?;

    for (label, size) in SIZES {
        browser.press(label).await?;
        for (path, id) in BANK_SCREENS {
            browser.client.goto(&product.url(path)).await?;
            browser.settled(id).await?;
            check(&browser, size, id).await?;
        }
        // 振込's 確認. The 入力 typed at the first size is still there at the others (the tab
        // keeps it through page loads), and a reload on 確認 stays on 確認.
        browser.client.goto(&product.url("/transfer/other")).await?;
        if size == "standard" {
            browser.transfer_to_hanako("12345").await?;
        }
        browser.settled("BTF011").await?;
        browser.press("確認画面へ").await?;
        browser.settled("BTF012").await?;
        browser.client.refresh().await?;
        browser.settled("BTF012").await?;
        browser.text_containing(".amount-review", "12,345円").await?;
        check(&browser, size, "BTF012").await?;
        // The menu folds behind 「メニュー」 on a phone, and opens as a list that fits.
        browser.open_menu().await?;
        browser.control("お客様情報の変更").await?;
        browser.assert_fits(&format!("the open menu at {size}")).await?;
        browser.screenshot(&format!("phone-{size}-menu")).await?;
    }

    // On a wide screen the menu is always shown, every entry on one line (the group's two
    // included), and there is no 「メニュー」 button.
    browser.press("標準").await?;
    browser.show_as_desktop(1280, 900).await?;
    browser.client.goto(&product.url("/home")).await?;
    browser.settled("BHM001").await?;
    let bottoms = browser
        .client
        .execute("return Array.from(document.querySelectorAll('.menu a')).map(a => Math.round(a.getBoundingClientRect().bottom));", vec![])
        .await?;
    let bottoms: Vec<i64> =
        bottoms.as_array().map(|list| list.iter().filter_map(|v| v.as_i64()).collect()).unwrap_or_default();
    assert_eq!(bottoms.len(), 7, "{bottoms:?}");
    assert!(bottoms.iter().all(|b| (b - bottoms[0]).abs() <= 1), "menu entries on one line: {bottoms:?}");
    let toggle = browser
        .client
        .execute("return getComputedStyle(document.querySelector('.menu-toggle')).display;", vec![])
        .await?;
    assert_eq!(toggle, "none");
    browser.screenshot("desktop-bhm001").await?;
    browser.close().await
}
