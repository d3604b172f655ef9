//! 口座情報 and 振込・振替 in Chromium at 360 px, by the screens' visible labels: a 振込 to the
//! second demo customer confirmed with the token's code, both customers' 明細, the CSV; a 振替
//! between own accounts; the guidance for a 振込 without a token.

use netbank_e2e::{Browser, Product};
use netbank_server::operator::demo;

/// The CSV link's file as the browser downloads it: its first three bytes (the BOM), `|`, the text.
async fn csv_of_the_page(browser: &Browser) -> anyhow::Result<String> {
    let script = "const done = arguments[arguments.length - 1];
        fetch(document.querySelector('a.csv').href).then(r => r.arrayBuffer()).then(b => {
            const bytes = new Uint8Array(b);
            done(Array.from(bytes.slice(0, 3)).join(',') + '|' + new TextDecoder().decode(b));
        }, e => done('ERROR ' + e));";
    Ok(browser.client.execute_async(script, vec![]).await?.as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn a_transfer_to_the_second_demo_customer_confirmed_with_the_code_shows_in_both_statements() -> anyhow::Result<()>
{
    let product = Product::start().await?;
    let (secret, params) = product.demo_token().await?;
    product.register_hanako().await?;
    let code_now = || params.code_at(&secret, product.clock().now());
    let browser = Browser::launch().await?;
    browser.pin_clock(product.clock().now()).await?;

    browser.log_in_demo_with_code(&product, &code_now()).await?;

    browser.press("振込・振替").await?;
    browser.screen("BTF001").await?;
    browser.screenshot("btf001-menu").await?;
    browser.press("振込").await?;
    browser.transfer_to_hanako("12345").await?;
    assert_eq!(browser.input("依頼人名").await?.prop("value").await?.as_deref(), Some("デモ\u{3000}タロウ"));
    assert!(!browser.scrolls_sideways().await?, "BTF011 fits a phone");
    browser.screenshot("btf011-transfer-input").await?;
    browser.press("確認画面へ").await?;

    browser.screen("BTF012").await?;
    // BTF011 is long on a phone: its 確認 opens at the top, focus on the heading.
    browser.assert_opened_at_heading("BTF012").await?;
    browser.text_containing(".amount-review", "12,345円").await?;
    browser.text_containing(".fee-review", "0円").await?;
    assert!(!browser.control("確定").await?.is_enabled().await?, "not without the code");
    // Back on 確認 returns to 入力 as it was typed; a reload on 確認 stays on 確認.
    browser.client.back().await?;
    browser.screen("BTF011").await?;
    assert_eq!(browser.input("金額（円）").await?.prop("value").await?.as_deref(), Some("12345"));
    browser.text_containing(".payee-name", "デモ\u{3000}ハナコ").await?;
    browser.press("確認画面へ").await?;
    browser.screen("BTF012").await?;
    browser.client.refresh().await?;
    browser.screen("BTF012").await?;
    browser.text_containing(".amount-review", "12,345円").await?;
    product.clock().advance(30);
    browser.pin_clock(product.clock().now()).await?;
    browser.fill("ワンタイムパスワード", &code_now()).await?;
    browser.client.find(fantoccini::Locator::Css("input[name=save_payee]")).await?.click().await?;
    assert!(!browser.scrolls_sideways().await?, "BTF012 fits a phone");
    browser.screenshot("btf012-transfer-confirm").await?;
    browser.press("確定").await?;

    let receipt = browser.receipt_on("BTF013").await?;
    browser.assert_opened_at_heading("BTF013").await?;
    browser.text_containing(".from-account", "001 普通 1234567").await?;
    browser.screenshot("btf013-transfer-done").await?;
    // A reload on 完了 shows the same receipt; back from 完了 starts a new, empty 振込.
    browser.client.refresh().await?;
    assert_eq!(browser.receipt_on("BTF013").await?, receipt);
    browser.client.back().await?;
    browser.screen("BTF011").await?;
    assert_eq!(browser.input("口座番号").await?.prop("value").await?.as_deref(), Some(""));

    browser.press("口座情報").await?;
    browser.screen("BAC001").await?;
    let first = browser.text_containing(".statement tbody tr", "振込 デモ").await?;
    assert!(first.contains("12,345円"), "{first}");
    assert!(!browser.scrolls_sideways().await?, "BAC001 fits a phone (its table scrolls inside)");
    browser.screenshot("bac001-statement").await?;
    let csv = csv_of_the_page(&browser).await?;
    assert!(csv.starts_with("239,187,191|取引日,摘要,お支払金額,お預り金額,残高"), "UTF-8 with a BOM for Excel: {csv}");
    assert!(csv.contains(",振込 デモ\u{3000}ハナコ,12345,,"), "{csv}");

    // 登録振込先 keeps her for next time.
    browser.press("振込・振替").await?;
    browser.press("登録振込先の管理").await?;
    browser.screen("BTF021").await?;
    browser.text_containing(".payees", "デモ\u{3000}ハナコ").await?;
    browser.assert_fits("BTF021").await?;
    browser.screenshot("btf021-payees").await?;

    // 花子 sees the money arrive.
    browser.press("ログアウト").await?;
    browser.fill("ログインID", "hanako01").await?;
    browser.fill("ログインパスワード", "hana2025").await?;
    browser.press("ログイン").await?;
    browser.screen("BHM001").await?;
    browser.press("口座情報").await?;
    browser.screen("BAC001").await?;
    let arrived = browser.text_containing(".statement tbody tr", "振込 デモ\u{3000}タロウ").await?;
    assert!(arrived.contains("12,345円"), "{arrived}");
    browser.close().await
}

#[tokio::test]
async fn a_transfer_between_own_accounts_and_a_transfer_without_a_token() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    browser.log_in(&product, demo::LOGIN_ID, demo::PASSWORD).await?;
    browser.press("振込・振替").await?;
    browser.screen("BTF001").await?;
    browser.text_containing(".otp-required", "ご利用が必要").await?;

    browser.press("振込").await?;
    browser.screen("BTF011").await?;
    browser.text_containing(".otp-required", "トークン発行と利用開始").await?;
    browser.screenshot("btf011-needs-otp").await?;

    // The largest text size still fits a phone on the money screens.
    browser.press("特大").await?;
    browser.press("振込・振替").await?;
    browser.press("振替").await?;
    browser.screen("BTF002").await?;
    browser.choose("入金先口座", "2345678").await?;
    browser.fill("金額（円）", "50,000").await?;
    assert!(!browser.scrolls_sideways().await?, "BTF002 at the largest text size");
    browser.screenshot("btf002-own-transfer-largest-text").await?;
    browser.press("確認画面へ").await?;
    browser.screen("BTF003").await?;
    assert!(!browser.scrolls_sideways().await?, "BTF003 at the largest text size");
    browser.text_containing(".amount-review", "50,000円").await?;
    browser.press("確定").await?;
    browser.receipt_on("BTF004").await?;
    browser.press("入出金明細を見る").await?;
    browser.screen("BAC001").await?;
    browser.text_containing(".statement tbody tr", "振替").await?;
    assert!(!browser.scrolls_sideways().await?, "BAC001 at the largest text size (the table scrolls inside)");
    browser.screenshot("bac001-statement-largest-text").await?;
    // The savings account shows it too; 前月 has the demo's history.
    browser.choose("口座", "2345678").await?;
    browser.press("照会").await?;
    let arrived = browser.text_containing(".statement tbody tr", "50,000円").await?;
    assert!(arrived.contains("振替"), "{arrived}");
    browser.close().await
}

/// A token that started a moment ago cannot pay someone new for a day: the 振込
/// screen says until when, and a 振替 between the customer's own accounts goes on.
#[tokio::test]
async fn a_new_token_waits_a_day_before_paying_someone_new_and_the_screen_says_until_when() -> anyhow::Result<()> {
    let product = Product::start_with(|settings| settings.policy.enrolment.new_authenticator_hours = 24).await?;
    let (secret, params) = product.demo_token().await?;
    product.register_hanako().await?;
    let browser = Browser::launch().await?;
    browser.pin_clock(product.clock().now()).await?;
    browser.log_in_demo_with_code(&product, &params.code_at(&secret, product.clock().now())).await?;

    browser.press("振込・振替").await?;
    browser.press("振込").await?;
    browser.transfer_to_hanako("5000").await?;
    browser.press("確認画面へ").await?;
    browser
        .text_containing(
            "[role=alert]",
            "初めての振込先への振込、初めての収納機関へのペイジーでの払込と振込限度額の引き上げはできません",
        )
        .await?;
    browser.text_containing("[role=alert]", "以降にご利用ください").await?;
    browser.screen("BTF011").await?;
    assert!(!browser.scrolls_sideways().await?, "the refusal fits a phone");
    // The form is longer than a phone's screen: the refusal is brought into view.
    let seen = browser
        .client
        .execute("const r = document.querySelector('[role=alert]:not([hidden])').getBoundingClientRect(); return r.top >= -1 && r.bottom <= innerHeight + 1;", vec![])
        .await?;
    assert_eq!(seen, serde_json::json!(true), "the refusal is on screen (to a pixel's rounding)");
    browser.screenshot("btf011-new-authenticator-waiting").await?;
    Ok(())
}

/// 入出金明細 pages: 41 entries are three pages, and 次のページ and
/// 前のページ move between them; the 41st entry is reachable on screen.
#[tokio::test]
async fn the_statement_pages_through_forty_one_entries() -> anyhow::Result<()> {
    use netbank_api::input::{AccountNumber, Amount, BranchCode};
    let product = Product::start().await?;
    product.register_hanako().await?;
    let (branch, number) = (BranchCode::parse(demo::NEW_BRANCH)?, AccountNumber::parse(demo::NEW_ACCOUNT)?);
    for n in 1..=41 {
        let words = format!("窓口入金{n:02}");
        netbank_server::operator::accounts::deposit(
            &product.state.db,
            product.clock(),
            &branch,
            &number,
            Amount::parse("100")?,
            &words,
            &netbank_server::audit::Actor::operator_cli(),
        )
        .await?;
    }
    let browser = Browser::launch().await?;
    browser.pin_clock(product.clock().now()).await?;
    browser.log_in(&product, "hanako01", "hana2025").await?;
    browser.press("口座情報").await?;
    browser.screen("BAC001").await?;
    // Her account may hold the demo's history too: at least 41 entries, 20 a page.
    let heading = browser.text_of(".statement-heading").await?;
    let total: u32 = heading
        .rsplit_once("（全")
        .and_then(|(_, rest)| rest.strip_suffix("件）"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(total >= 41, "{heading}");
    let pages = total.div_ceil(20);
    browser.text_containing(".pager", "1ページ目").await?;
    browser.text_containing(".statement tbody tr", "窓口入金41").await?;
    assert!(!browser.control("前のページ").await?.is_enabled().await?);
    let mut seen_first_deposit = false;
    for page in 2..=pages {
        browser.press("次のページ").await?;
        browser.text_containing(".pager", &format!("{page}ページ目")).await?;
        let rows = browser.text_of(".statement tbody").await?;
        seen_first_deposit |= rows.contains("窓口入金01");
    }
    assert!(seen_first_deposit, "the 41st entry back is reachable on screen");
    assert!(!browser.control("次のページ").await?.is_enabled().await?, "the last page");
    browser.assert_fits("BAC001").await?;
    browser.screenshot("bac001-last-page").await?;
    // Every figure of the 明細 and ホーム on screen at the largest text size too.
    browser.press("特大").await?;
    browser.assert_fits("BAC001 at 特大").await?;
    browser.screenshot("bac001-largest-text").await?;
    browser.press("前のページ").await?;
    browser.text_containing(".pager", &format!("{}ページ目", pages - 1)).await?;
    browser.press("ホーム").await?;
    browser.screen("BHM001").await?;
    browser.assert_fits("BHM001 at 特大").await?;
    browser.screenshot("bhm001-largest-text").await?;
    browser.close().await
}

#[tokio::test]
async fn a_transfer_booked_for_a_later_day_is_listed_as_booked_and_cancelled_the_day_before() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let (secret, params) = product.demo_token().await?;
    product.register_hanako().await?;
    let code_now = || params.code_at(&secret, product.clock().now());
    let browser = Browser::launch().await?;
    browser.pin_clock(product.clock().now()).await?;
    browser.log_in_demo_with_code(&product, &code_now()).await?;

    browser.press("振込・振替").await?;
    browser.screen("BTF001").await?;
    browser.press("振込").await?;
    browser.transfer_to_hanako("8000").await?;
    browser.choose("振込指定日", "予約：").await?;
    browser.fits_at_every_size("BTF011").await?;
    browser.press("確認画面へ").await?;

    browser.screen("BTF012").await?;
    browser.assert_opened_at_heading("BTF012").await?;
    browser.text_containing(".execution-date", "振込予約").await?;
    // Back on 確認 returns to 入力 with the day chosen; 確認 again says the same day.
    let day = browser.text_of(".execution-date").await?;
    browser.client.back().await?;
    browser.screen("BTF011").await?;
    let chosen = browser.client.find(fantoccini::Locator::Css("#field-execution_date")).await?.prop("value").await?;
    assert!(chosen.is_some_and(|date| date.len() == 10), "the day is kept");
    browser.press("確認画面へ").await?;
    browser.screen("BTF012").await?;
    assert_eq!(browser.text_of(".execution-date").await?, day);
    browser.fits_at_every_size("BTF012").await?;
    product.clock().advance(30);
    browser.pin_clock(product.clock().now()).await?;
    browser.fill("ワンタイムパスワード", &code_now()).await?;
    browser.press("確定").await?;

    let receipt = browser.receipt_on("BTF013").await?;
    assert!(receipt.contains("-Y"), "{receipt}");
    browser.assert_opened_at_heading("BTF013").await?;
    browser.text_containing(".done-message", "振込予約を受け付けました").await?;
    browser.text_containing(".transfer-status", "予約中").await?;
    browser.fits_at_every_size("BTF013").await?;

    // 振込照会 lists it as 予約中 until 予約取消 takes it back.
    browser.press("振込照会").await?;
    browser.screen("BTF041").await?;
    browser.text_containing("table.transfers tbody tr.booked", &receipt).await?;
    browser.fits_at_every_size("BTF041").await?;
    browser.press("予約取消").await?;
    browser.text_containing(".done-message", &receipt).await?;
    browser.text_containing("table.transfers tbody tr .transfer-status", "予約取消").await?;
    browser.close().await
}
