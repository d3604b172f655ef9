//! 税金・各種料金の払込（ペイジー） in Chromium at 360 px, by the screens' visible labels: the
//! menu's sixth item, a seeded tax bill paid with the token's code (back and reload keep what
//! was typed), each screen at 標準, 大 and 特大, 払込照会, and a second payment of the same
//! bill refused by name.

use netbank_e2e::{Browser, Product};
use netbank_server::operator::demo::DEMO_BILLS;

#[tokio::test]
async fn a_seeded_tax_bill_is_paid_with_the_tokens_code_and_listed_in_payment_history() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let (secret, params) = product.demo_token().await?;
    let code_now = || params.code_at(&secret, product.clock().now());
    let browser = Browser::launch().await?;
    browser.pin_clock(product.clock().now()).await?;
    browser.log_in_demo_with_code(&product, &code_now()).await?;
    let tax = &DEMO_BILLS[0];

    // The menu has the guide's six items; ペイジー is the fourth.
    browser.open_menu().await?;
    let items = browser
        .client
        .execute("return Array.from(document.querySelectorAll('.menu > ul > li')).map(li => (li.querySelector('a, .menu-group') || li).textContent.trim());", vec![])
        .await?;
    let items: Vec<&str> = items.as_array().map(|l| l.iter().filter_map(|v| v.as_str()).collect()).unwrap_or_default();
    assert_eq!(
        items,
        [
            "ホーム",
            "口座情報",
            "振込・振替",
            "税金・各種料金の払込（ペイジー）",
            "各種お申込・手続き",
            "お客様情報の変更"
        ]
    );
    browser.press("税金・各種料金の払込（ペイジー）").await?;
    browser.screen("BPY001").await?;
    browser.fits_at_every_size("BPY001").await?;
    // An unknown 収納機関番号 is said so, on the same screen.
    browser.fill("収納機関番号", "99999").await?;
    browser.press("次へ").await?;
    browser.text_containing(".field-error", "収納機関番号の収納機関はありません").await?;
    browser.fill("収納機関番号", tax.biller).await?;
    browser.press("次へ").await?;

    browser.screen("BPY002").await?;
    browser.assert_opened_at_heading("BPY002").await?;
    browser.text_containing(".biller-name", tax.name).await?;
    browser.fill("納付番号", tax.number).await?;
    browser.fill("確認番号", "000000").await?;
    browser.fill("納付区分", tax.category.unwrap_or_default()).await?;
    browser.fits_at_every_size("BPY002").await?;
    // A wrong 確認番号 is refused and counted; the screen keeps what was typed.
    browser.press("確認画面へ").await?;
    browser
        .text_containing(".field-error", "納付番号（お客様番号）・確認番号・納付区分のいずれかが正しくありません")
        .await?;
    browser.fill("確認番号", tax.confirmation).await?;
    browser.press("確認画面へ").await?;

    browser.screen("BPY003").await?;
    browser.assert_opened_at_heading("BPY003").await?;
    browser.text_containing(".bill-description", tax.description).await?;
    browser.text_containing(".amount-review", "58,000円").await?;
    assert!(!browser.control("確定").await?.is_enabled().await?, "not without the code");
    // Back on 確認 returns to the numbers as typed; a reload on 確認 stays on 確認.
    browser.client.back().await?;
    browser.screen("BPY002").await?;
    assert_eq!(browser.input("納付番号").await?.prop("value").await?.as_deref(), Some(tax.number));
    browser.press("確認画面へ").await?;
    browser.screen("BPY003").await?;
    browser.client.refresh().await?;
    browser.screen("BPY003").await?;
    browser.fits_at_every_size("BPY003").await?;
    product.clock().advance(30);
    browser.pin_clock(product.clock().now()).await?;
    browser.fill("ワンタイムパスワード", &code_now()).await?;
    browser.press("確定").await?;

    let receipt = browser.receipt_on("BPY004").await?;
    assert!(receipt.contains("-P"), "{receipt}");
    browser.assert_opened_at_heading("BPY004").await?;
    browser.text_containing(".no-receipt", "領収書は発行されません").await?;
    browser.fits_at_every_size("BPY004").await?;
    browser.client.refresh().await?;
    assert_eq!(browser.receipt_on("BPY004").await?, receipt);

    browser.press("払込照会").await?;
    browser.screen("BPY005").await?;
    browser.text_containing("table.payments tbody tr", &receipt).await?;
    browser.fits_at_every_size("BPY005").await?;

    // The same 払込書 again: refused by name before any code is asked.
    browser.press("税金・各種料金の払込へ").await?;
    browser.screen("BPY001").await?;
    browser.fill("収納機関番号", tax.biller).await?;
    browser.press("次へ").await?;
    browser.screen("BPY002").await?;
    browser.fill("納付番号", tax.number).await?;
    browser.fill("確認番号", tax.confirmation).await?;
    browser.fill("納付区分", tax.category.unwrap_or_default()).await?;
    browser.press("確認画面へ").await?;
    browser.text_containing("[role=alert]", "すでに払込済みです").await?;

    // The 明細 shows it; the notice says there is no 領収書.
    browser.press("口座情報").await?;
    browser.screen("BAC001").await?;
    browser.text_containing(".statement tbody tr", "ペイジー 国税庁").await?;
    browser.close().await
}
