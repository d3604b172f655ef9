//! 他の金融機関あての振込 in Chromium at 360 px, by the screens' visible labels: the bank found
//! by search, its branch, the payee's name typed in ひらがな and carried in 半角カナ, 確認 with
//! the fee and the day it leaves (back and reload keep what was typed), 完了 with the token's
//! code, and 他行振込照会 where the 振込 not yet sent is cancelled — each screen at 標準, 大 and
//! 特大; then a 振込予約 for a later business day, booked and cancelled.

use netbank_e2e::{Browser, Product};

/// BTF051 → BTF053: みずほ by name, its 東京営業部 by カナ; each screen checked when `check`.
async fn mizuho_tokyo(browser: &Browser, check: bool) -> anyhow::Result<()> {
    for (id, field, typed, found) in
        [("BTF051", "金融機関名", "みずほ", "みずほ（0001）"), ("BTF052", "支店名", "とうきよう", "東京営業部（001）")]
    {
        browser.screen(id).await?;
        if check {
            browser.assert_opened_at_heading(id).await?;
        }
        browser.fill(field, typed).await?;
        browser.press("検索").await?;
        browser.text_containing(".search-results", found).await?;
        if check {
            browser.fits_at_every_size(id).await?;
        }
        browser.press(found).await?;
    }
    browser.screen("BTF053").await
}

#[tokio::test]
async fn a_transfer_to_another_bank_found_by_search_is_sent_then_cancelled() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let (secret, params) = product.demo_token().await?;
    let code_now = || params.code_at(&secret, product.clock().now());
    let browser = Browser::launch().await?;
    browser.pin_clock(product.clock().now()).await?;
    browser.log_in_demo_with_code(&product, &code_now()).await?;

    browser.press("振込・振替").await?;
    browser.screen("BTF001").await?;
    browser.press("振込（他の金融機関あて）").await?;
    mizuho_tokyo(&browser, true).await?;
    browser.assert_opened_at_heading("BTF053").await?;
    browser.fill("口座番号", "7654321").await?;
    // A name the network cannot carry is said so as soon as the field is left.
    browser.fill("受取人名（カナ）", "山田").await?;
    browser.fill("金額（円）", "12000").await?;
    browser.text_containing("#field-payee_name-error", "漢字").await?;
    browser.fill("受取人名（カナ）", "やまだ　はなこ").await?;
    browser.fits_at_every_size("BTF053").await?;
    browser.press("確認画面へ").await?;

    browser.screen("BTF054").await?;
    browser.assert_opened_at_heading("BTF054").await?;
    browser.text_containing(".payee-name", "ﾔﾏﾀﾞ ﾊﾅｺ").await?;
    browser.text_containing(".payee-account", "みずほ 東京営業部 普通 7654321").await?;
    browser.text_containing(".fee-review", "220円").await?;
    browser.text_containing(".execution-date", "年").await?;
    // Back on 確認 returns to the input as typed; a reload on 確認 stays on 確認.
    browser.client.back().await?;
    browser.screen("BTF053").await?;
    assert_eq!(browser.input("金額（円）").await?.prop("value").await?.as_deref(), Some("12000"));
    browser.press("確認画面へ").await?;
    browser.screen("BTF054").await?;
    browser.client.refresh().await?;
    browser.screen("BTF054").await?;
    browser.fits_at_every_size("BTF054").await?;
    product.clock().advance(30);
    browser.pin_clock(product.clock().now()).await?;
    browser.fill("ワンタイムパスワード", &code_now()).await?;
    browser.press("確定").await?;

    let receipt = browser.receipt_on("BTF055").await?;
    assert!(receipt.contains("-Z"), "{receipt}");
    browser.assert_opened_at_heading("BTF055").await?;
    browser.text_containing(".status", "受付済").await?;
    browser.fits_at_every_size("BTF055").await?;

    browser.press("他行振込照会").await?;
    browser.screen("BTF056").await?;
    browser.text_containing("table.interbank tbody tr", &receipt).await?;
    browser.fits_at_every_size("BTF056").await?;
    browser.press("取消").await?;
    browser.text_containing(".done-message", "取り消しました").await?;
    browser.text_containing("table.interbank tbody tr .status", "取消済").await?;

    // A 振込予約 for a later business day: booked, listed as 予約中, cancelled the day before.
    browser.press("他の金融機関あての振込へ").await?;
    mizuho_tokyo(&browser, false).await?;
    browser.fill("口座番号", "7654321").await?;
    browser.fill("受取人名（カナ）", "ﾔﾏﾀﾞ ﾊﾅｺ").await?;
    browser.fill("金額（円）", "5000").await?;
    browser.choose("振込指定日", "予約：").await?;
    browser.press("確認画面へ").await?;
    browser.screen("BTF054").await?;
    browser.text_containing(".execution-date", "振込予約").await?;
    product.clock().advance(30);
    browser.pin_clock(product.clock().now()).await?;
    browser.fill("ワンタイムパスワード", &code_now()).await?;
    browser.press("確定").await?;
    let booking = browser.receipt_on("BTF055").await?;
    browser.text_containing(".done-message", "振込予約を受け付けました").await?;
    browser.text_containing(".status", "予約中").await?;
    browser.press("他行振込照会").await?;
    browser.screen("BTF056").await?;
    browser.text_containing("table.interbank tbody tr .status", "予約中").await?;
    browser.press("取消").await?;
    browser.text_containing(".done-message", &booking).await?;

    // The 明細 shows the 振込 and its 取消.
    browser.press("口座情報").await?;
    browser.screen("BAC001").await?;
    browser.text_containing(".statement tbody", "振込取消").await?;
    browser.close().await
}
