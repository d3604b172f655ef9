//! 出金停止 seen by the customer: a large 振込 to a payee never paid, days after 利用開始, is
//! held; 完了 says 確認中, ホーム shows the amount 拘束中, 振込照会 lists it; the branch
//! releases it and 振込照会 says 完了.

use netbank_e2e::{Browser, Product};
use netbank_server::banking::holds::{self, Decider};

#[tokio::test]
async fn a_held_transfer_is_shown_as_such_until_the_branch_releases_it() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let (secret, params) = product.demo_token().await?;
    product.register_hanako().await?;
    let code_now = || params.code_at(&secret, product.clock().now());
    let browser = Browser::launch().await?;
    browser.pin_clock(product.clock().now()).await?;
    browser.log_in_demo_with_code(&product, &code_now()).await?;

    browser.press("振込・振替").await?;
    browser.press("振込").await?;
    browser.transfer_to_hanako("150000").await?;
    browser.press("確認画面へ").await?;
    browser.screen("BTF012").await?;
    product.clock().advance(30);
    browser.pin_clock(product.clock().now()).await?;
    browser.fill("ワンタイムパスワード", &code_now()).await?;
    browser.press("確定").await?;
    let receipt = browser.receipt_on("BTF013").await?;
    assert!(receipt.contains("-K"), "{receipt}");
    browser.text_containing(".transfer-held", "確認中").await?;
    browser.text_containing(".transfer-status", "確認中").await?;
    browser.assert_fits("BTF013").await?;
    browser.screenshot("btf013-transfer-held").await?;

    browser.press("振込照会").await?;
    browser.screen("BTF041").await?;
    let row = browser.text_containing(".transfers", &receipt).await?;
    assert!(row.contains("確認中") && row.contains("150,000円"), "{row}");
    browser.assert_fits("BTF041").await?;
    browser.screenshot("btf041-transfer-history").await?;
    browser.press("ホーム").await?;
    browser.text_containing(".accounts .held", "うち拘束中 150,000円").await?;

    holds::release(
        &product.state.db,
        product.clock(),
        &receipt,
        Decider { actor: &netbank_server::audit::Actor::operator_cli(), reason: "本人確認済" },
    )
    .await?;
    browser.press("振込・振替").await?;
    browser.press("振込照会").await?;
    browser.screen("BTF041").await?;
    let row = browser.text_containing(".transfers", "完了").await?;
    assert!(row.contains(&receipt), "{row}");
    browser.close().await
}
