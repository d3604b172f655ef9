//! The branch processes the guide's 「ワンタイムパスワード停止解除・初期化依頼書」 at the staff
//! console with two people, each on their own browser with their own passkey (Chromium's
//! virtual authenticators): the 窓口 registers with the code `staff create` printed, finds the
//! customer, takes the 依頼書 and proposes; the 役席 approves; the customer logs in with the
//! token again; the audit search finds both by name; the 管理者 adds a colleague. Every
//! console screen at 360 px in 標準, 大 and 特大.

use netbank_api::staff::{Role, Roles};
use netbank_e2e::{Browser, Product};
use netbank_server::operator::demo;
use netbank_server::staff::people;

const SIZES: [(&str, &str); 3] = [("標準", "standard"), ("大", "large"), ("特大", "largest")];

/// The screen fits a phone at every text size; its pictures are kept.
async fn fits_at_every_size(browser: &Browser, id: &str) -> anyhow::Result<()> {
    for (label, size) in SIZES {
        browser.press(label).await?;
        browser.settled(id).await?;
        browser.assert_fits(&format!("{id} at {size}")).await?;
        browser.screenshot(&format!("staff-{size}-{}", id.to_lowercase())).await?;
    }
    browser.press("標準").await
}

/// 初回登録 with the code, then 「パスキーでログイン」: ends on お客様検索 or 承認待ち's menu.
async fn enrol_and_sign_in(browser: &Browser, product: &Product, code: &str) -> anyhow::Result<()> {
    browser.client.goto(&product.staff_url("/")).await?;
    browser.screen("STF001").await?;
    browser.press("初回登録").await?;
    browser.screen("STF002").await?;
    browser.fill("登録コード", code).await?;
    browser.press("パスキーを登録").await?;
    browser.text_containing(".info-box", "パスキーを登録しました").await?;
    browser.press("ログインへ").await?;
    browser.screen("STF001").await?;
    browser.press("パスキーでログイン").await?;
    browser.settled("STF010").await
}

#[tokio::test]
async fn two_people_lift_a_stopped_token_from_the_written_request() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let (secret, params) = product.demo_token().await?;
    let now = product.clock().now();

    // デモ 太郎 mistypes the code five times: 停止中.
    let customer = reqwest::Client::builder().cookie_store(true).build()?;
    let login = serde_json::json!({ "login_id": demo::LOGIN_ID, "password": demo::PASSWORD });
    product.post(&customer, "/api/login", login).await?.error_for_status()?;
    let right = params.code_at(&secret, now);
    let wrong: String = right.chars().map(|c| if c == '9' { '0' } else { char::from(c as u8 + 1) }).collect();
    for _ in 0..5 {
        product.post(&customer, "/api/login/otp", serde_json::json!({ "otp": wrong })).await?;
    }
    let state: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM otp_tokens WHERE state = 'suspended'")
        .fetch_one(&product.state.db)
        .await?;
    assert_eq!(state, 1, "the token is stopped");

    // The branch's two people, made by the 管理者 at the command line.
    let teller = people::create(
        &product.state.db,
        product.clock(),
        "窓口 花子",
        &Roles::parse("teller").map_err(anyhow::Error::msg)?,
    )
    .await?;
    let roles = Roles::from_list(vec![Role::Approver, Role::Auditor]).expect("roles");
    let admin = people::create(
        &product.state.db,
        product.clock(),
        "管理 三子",
        &Roles::parse("admin").map_err(anyhow::Error::msg)?,
    )
    .await?;
    let approver = people::create(&product.state.db, product.clock(), "役席 次郎", &roles).await?;

    // The 窓口 at their terminal.
    let counter = Browser::launch().await?;
    counter.add_virtual_authenticator().await?;
    counter.pin_clock(now).await?;
    enrol_and_sign_in(&counter, &product, &teller.code).await?;
    counter.fill("店番-口座番号、口座番号、ログインID、または口座名義（カタカナ）", demo::LOGIN_ID).await?;
    counter.press("検索").await?;
    let hit = counter.text_containing(".hits", "様").await?;
    let name = hit.lines().next().unwrap_or_default().to_owned();
    fits_at_every_size(&counter, "STF010").await?;
    counter.press(&name).await?;
    counter.settled("STF011").await?;
    counter.text_containing(".otp-state", "停止").await?;
    counter.choose("依頼内容", "ワンタイムパスワード停止解除").await?;
    counter.fill("依頼書番号", "A-2026-0001").await?;
    counter.choose("本人確認", "届出印および本人確認書類").await?;
    fits_at_every_size(&counter, "STF011").await?;
    // A reload keeps what was typed.
    counter.client.refresh().await?;
    counter.settled("STF011").await?;
    assert_eq!(counter.input("依頼書番号").await?.prop("value").await?.as_deref(), Some("A-2026-0001"));
    counter.press("起案する").await?;
    counter.text_containing(".info-box", "起案しました").await?;
    counter.screenshot("staff-stf011-proposed").await?;
    // The 窓口 has no approvals to make: the menu does not offer them.
    assert!(counter.client.find(fantoccini::Locator::LinkText("承認待ち")).await.is_err());

    // The 役席 at another terminal, with their own key.
    let desk = Browser::launch().await?;
    desk.add_virtual_authenticator().await?;
    desk.pin_clock(now).await?;
    desk.client.goto(&product.staff_url("/")).await?;
    desk.screen("STF001").await?;
    desk.press("初回登録").await?;
    desk.fill("登録コード", &approver.code).await?;
    desk.press("パスキーを登録").await?;
    desk.press("ログインへ").await?;
    desk.press("パスキーでログイン").await?;
    desk.screen("STF010").await?;
    desk.press("承認待ち").await?;
    desk.settled("STF020").await?;
    desk.text_containing(".approvals", "A-2026-0001").await?;
    desk.text_containing(".approvals", "窓口 花子").await?;
    fits_at_every_size(&desk, "STF020").await?;
    desk.fill("理由（否認のときは必須）", "届出印と運転免許証を確認").await?;
    desk.press("承認").await?;
    desk.text_containing(".info-box", "停止を解除しました").await?;
    desk.screenshot("staff-stf020-approved").await?;

    // The customer logs in with the token again (their own browser).
    product.clock().advance(30);
    let own = Browser::launch().await?;
    own.pin_clock(product.clock().now()).await?;
    own.log_in_demo_with_code(&product, &params.code_at(&secret, product.clock().now())).await?;

    // The audit search finds both people by name.
    desk.press("監査ログ").await?;
    desk.settled("STF030").await?;
    for (person, event) in [("窓口 花子", "proposal_create"), ("役席 次郎", "proposal_approve")] {
        desk.fill("職員名", person).await?;
        desk.press("検索").await?;
        desk.text_containing(".audit-lines", event).await?;
    }
    desk.text_containing(".audit-lines", "役席 次郎").await?;
    fits_at_every_size(&desk, "STF030").await?;
    desk.press("確認中の振込").await?;
    desk.settled("STF021").await?;
    fits_at_every_size(&desk, "STF021").await?;

    // The 管理者 (who neither proposes nor approves) adds a colleague at their own terminal:
    // the registration code is shown once, to hand over.
    own.add_virtual_authenticator().await?;
    own.client.goto(&product.staff_url("/enrol")).await?;
    own.screen("STF002").await?;
    own.fill("登録コード", &admin.code).await?;
    own.press("パスキーを登録").await?;
    own.press("ログインへ").await?;
    own.press("パスキーでログイン").await?;
    own.settled("STF040").await?;
    own.text_containing(".members", "窓口 花子").await?;
    own.fill("氏名", "窓口 三郎").await?;
    own.client.find(fantoccini::Locator::Id("role-teller")).await?.click().await?;
    own.press("登録して登録コードを発行").await?;
    own.text_containing(".enrolment-code", "登録コード").await?;
    own.text_containing(".members", "窓口 三郎").await?;
    fits_at_every_size(&own, "STF040").await?;

    // The console's page is not on the customers' site.
    counter.client.goto(&product.url("/staff.html")).await?;
    let body = counter.client.source().await?;
    assert!(!body.contains("netbank-staff"), "the customer site does not hand out the console");
    for browser in [counter, desk, own] {
        browser.close().await?;
    }
    Ok(())
}
