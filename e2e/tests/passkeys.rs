//! Passkeys in Chromium at 360 px with its virtual authenticator (a platform authenticator
//! that verifies the user): register one from the menu, log out, log in with it alone, send
//! a 振込 approved with it, delete it (at the largest text size), and see that it no longer
//! logs in.

use netbank_e2e::{Browser, Product};

#[tokio::test]
async fn register_a_passkey_log_in_with_it_approve_a_transfer_and_delete_it() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let (secret, params) = product.demo_token().await?;
    product.register_hanako().await?;
    let browser = Browser::launch().await?;
    let authenticator = browser.add_virtual_authenticator().await?;
    browser.pin_clock(product.clock().now()).await?;

    // Logged in with the password and the code: a session that may register a passkey.
    browser.log_in_demo_with_code(&product, &params.code_at(&secret, product.clock().now())).await?;

    browser.press("パスキー").await?;
    browser.screen("BPK001").await?;
    browser.text_containing(".empty-passkeys", "登録されているパスキーはありません").await?;
    browser.press("パスキーを登録する").await?;
    browser.screen("BPK002").await?;
    browser.fill("パスキーの名前", "このパソコン").await?;
    // Adding an authenticator is a step-up: the token's current code, in this request.
    product.clock().advance(30);
    browser.fill("ワンタイムパスワード", &params.code_at(&secret, product.clock().now())).await?;
    assert!(!browser.scrolls_sideways().await?, "BPK002 fits a phone");
    browser.screenshot("bpk002-passkey-register").await?;
    browser.press("登録").await?;
    browser.screen("BPK003").await?;
    browser.text_containing(".done-message", "このパソコン").await?;
    browser.screenshot("bpk003-passkey-registered").await?;
    assert_eq!(browser.passkeys_held(&authenticator).await?, 1);
    browser.press("パスキー一覧へ").await?;
    browser.screen("BPK001").await?;
    browser.text_containing(".passkeys", "このパソコン").await?;
    assert!(!browser.scrolls_sideways().await?, "BPK001 fits a phone (its table scrolls inside)");
    browser.screenshot("bpk001-passkeys").await?;

    // Back on BLI001 the browser offers the passkey in the login ID field's suggestions; the
    // virtual authenticator takes the offer as a customer picking it would: logged in with
    // no login ID, password or code.
    browser.press("ログアウト").await?;
    browser.screen("BHM001").await?;
    browser.text_containing(".passkey-count", "1件").await?;

    // A browser without that autofill: the 「パスキーでログイン」 button.
    browser.without_passkey_autofill().await?;
    browser.press("ログアウト").await?;
    browser.screen("BLI001").await?;
    assert!(!browser.scrolls_sideways().await?, "BLI001 fits a phone");
    browser.screenshot("bli001-with-passkey").await?;
    browser.press("パスキーでログイン").await?;
    browser.screen("BHM001").await?;

    // A 振込 approved with the passkey: the approval covers this payee and amount only.
    browser.press("振込・振替").await?;
    browser.press("振込").await?;
    browser.transfer_to_hanako("5000").await?;
    browser.press("確認画面へ").await?;
    browser.screen("BTF012").await?;
    browser.text_containing(".amount-review", "5,000円").await?;
    assert!(!browser.scrolls_sideways().await?, "BTF012 fits a phone");
    browser.screenshot("btf012-approve-with-passkey").await?;
    browser.press("パスキーで承認").await?;
    browser.receipt_on("BTF013").await?;

    // The largest text size still fits a phone on the passkey screens.
    browser.press("特大").await?;
    browser.press("パスキー").await?;
    browser.screen("BPK001").await?;
    assert!(!browser.scrolls_sideways().await?, "BPK001 at the largest text size");
    browser.screenshot("bpk001-passkeys-largest-text").await?;
    browser.press("パスキーを登録する").await?;
    browser.screen("BPK002").await?;
    browser.fill("パスキーの名前", "予備のスマートフォン").await?;
    assert!(!browser.scrolls_sideways().await?, "BPK002 at the largest text size");
    browser.screenshot("bpk002-passkey-register-largest-text").await?;

    // Delete it with its own approval; other sessions end, this one goes on.
    browser.press("パスキー").await?;
    browser.screen("BPK001").await?;
    browser.press("削除").await?;
    browser.screen("BPK004").await?;
    assert!(!browser.scrolls_sideways().await?, "BPK004 at the largest text size");
    browser.screenshot("bpk004-passkey-remove-largest-text").await?;
    browser.press("パスキーで承認して削除").await?;
    browser.screen("BPK001").await?;
    browser.text_containing(".done-message", "このパソコン").await?;
    browser.text_containing(".empty-passkeys", "登録されているパスキーはありません").await?;

    // The device still holds the key, but the bank no longer knows it.
    browser.press("ログアウト").await?;
    browser.screen("BLI001").await?;
    browser.press("パスキーでログイン").await?;
    browser.text_containing("[role=alert]", "パスキーによる認証ができませんでした").await?;
    browser.close().await
}
