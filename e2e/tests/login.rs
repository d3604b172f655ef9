//! BLI001, 初回利用登録 and the logged-in shell, driven by their visible labels.

use netbank_e2e::{Browser, Product};

#[tokio::test]
async fn login_home_and_logout_and_the_back_button_shows_nothing_private() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    browser.client.goto(&product.url("/")).await?;
    browser.screen("BLI001").await?;
    browser.text_containing(".notice", "メールでパスワードの入力をお願いすることは絶対にありません").await?;
    assert!(!browser.scrolls_sideways().await?, "BLI001 fits a phone");
    browser.screenshot("bli001-login").await?;
    // At 360 px the login form comes before 初回利用登録; on a wide screen they stand side by side.
    let tops =
        "return ['member-title', 'newcomer-title'].map(id => document.getElementById(id).getBoundingClientRect().top);";
    let phone = browser.client.execute(tops, vec![]).await?;
    assert!(phone[0].as_f64() < phone[1].as_f64(), "the form first on a phone: {phone}");
    browser.show_as_desktop(1280, 900).await?;
    let wide = browser.client.execute(tops, vec![]).await?;
    assert_eq!(wide[0], wide[1], "side by side on a wide screen: {wide}");
    browser.show_as_phone().await?;

    // Instant feedback from the shared input rules: the button waits for valid input.
    browser.fill("ログインID", "demo 01").await?;
    browser.text_containing("#field-login_id-error", "半角英数字").await?;
    assert!(!browser.control("ログイン").await?.is_enabled().await?);
    browser.fill("ログインID", "demo01").await?;
    browser.fill("ログインパスワード", "wrong1").await?;
    browser.press("ログイン").await?;
    browser.text_containing("[role=alert]", "ログインIDまたはログインパスワードが正しくありません").await?;

    browser.fill("ログインパスワード", "demo1234").await?;
    browser.press("ログイン").await?;
    browser.screen("BHM001").await?;
    browser.text_containing(".accounts", "1,250,000円").await?;
    browser.text_containing(".customer-name", "デモ 太郎 様").await?;
    assert!(!browser.scrolls_sideways().await?, "ホーム fits a phone");
    browser.screenshot("bhm001-home").await?;

    browser.press("ログアウト").await?;
    browser.screen("BLI001").await?;
    browser.text_containing("[role=status]", "ログアウトしました").await?;
    browser.client.back().await?;
    // Back at /home, the page finds no session: it shows nothing private and returns here,
    // saying so (the shell's notice; it may already be back when we look at the URL).
    browser.text_containing("[role=status]", "ログインしてください").await?;
    browser.screen("BLI001").await?;
    let body = browser.text_of("main").await?;
    assert!(!body.contains("1,250,000"), "after logout the back button showed: {body}");
    browser.close().await
}

/// BLI001 comes in the first HTML (rendered by the build from the same components) and its
/// wasm hydrates it: on a network slow enough that the wasm is still on its way, the customer
/// types, keeps the cursor where it was and presses ログイン; once the app has started it has
/// the typed values, the focus and the press, and the login goes through.
#[tokio::test]
async fn bli001_takes_typing_and_a_press_before_its_wasm_has_arrived() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let first = reqwest::get(product.url("/")).await?.text().await?;
    assert!(first.contains("id=\"field-login_id\"") && first.contains("data-screen-id=\"BLI001\""), "{first}");
    assert!(first.contains("<title>ログイン | "), "the screen's title in the first HTML");
    // The bundle's other screens are drawn by the browser: no login form flashes before them.
    let registration = reqwest::get(product.url("/registration")).await?.text().await?;
    assert!(!registration.contains("field-login_id"), "{registration}");

    let browser = Browser::launch().await?;
    // On this origin, with nothing of the bundle in the browser's cache yet.
    browser.client.goto(&product.url("/favicon.svg")).await?;
    // A size chosen on an earlier visit applies before the app starts.
    browser.client.execute("localStorage.setItem('netbank.text-size', 'large');", vec![]).await?;
    // 20 KB/s: the HTML and the style sheet in a moment, the wasm seconds later.
    browser.throttle_network(Some(20_000.0)).await?;
    browser.client.execute("location.href = '/';", vec![]).await?;
    let login_id = browser.input("ログインID").await?;
    assert!(!browser.app_started().await?, "the network is slow enough to type before the wasm has run");
    let size =
        browser.client.execute("return document.documentElement.getAttribute('data-text-size');", vec![]).await?;
    assert_eq!(size, "large");
    login_id.send_keys("demo01").await?;
    browser.input("ログインパスワード").await?.send_keys("demo1234").await?;
    browser.screenshot("bli001-before-start").await?;
    browser.control("ログイン").await?.click().await?;
    assert!(!browser.app_started().await?, "pressed before the app started");
    // Held as pressed: what the app sends is what the customer pressed on, nothing typed after.
    let held = browser.client.execute("return document.querySelector('form').inert;", vec![]).await?;
    assert_eq!(held, true);
    browser.throttle_network(None).await?;
    // The press is made again once the app runs: ホーム, with no second press.
    browser.screen("BHM001").await?;
    browser.close().await?;

    // Without a press: what was typed, the focus and the cursor are the app's once it starts,
    // and so is the size chosen before (its button says so).
    let browser = Browser::launch().await?;
    // On this origin, with nothing of the bundle in the browser's cache yet.
    browser.client.goto(&product.url("/favicon.svg")).await?;
    browser.client.execute("localStorage.setItem('netbank.text-size', 'large');", vec![]).await?;
    browser.throttle_network(Some(20_000.0)).await?;
    browser.client.execute("location.href = '/';", vec![]).await?;
    browser.input("ログインID").await?.send_keys("demo 01").await?;
    let password = browser.input("ログインパスワード").await?;
    password.send_keys("secret7").await?;
    browser.client.execute("document.getElementById('field-password').setSelectionRange(2, 4);", vec![]).await?;
    // Another script's error before the start (an extension's) is not the app failing.
    browser.client.execute("setTimeout(() => { throw new Error('an extension'); }, 0);", vec![]).await?;
    browser.text_containing("#load-failed", "再読み込み").await?;
    assert!(!browser.app_started().await?, "typed before the wasm has run");
    browser.throttle_network(None).await?;
    for _ in 0..200 {
        if browser.app_started().await? {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // The login ID's rule speaks for what was typed before the app ran.
    browser.text_containing("#field-login_id-error", "半角英数字").await?;
    let state = browser
        .client
        .execute(
            "const p = document.getElementById('field-password');
             return [document.getElementById('field-login_id').value, p.value, document.activeElement.id,
                     p.selectionStart, p.selectionEnd];",
            vec![],
        )
        .await?;
    assert_eq!(state, serde_json::json!(["demo 01", "secret7", "field-password", 2, 4]));
    assert!(!browser.control("ログイン").await?.is_enabled().await?, "the app judges what was typed");
    let failed = browser.client.execute("return document.getElementById('load-failed').hidden;", vec![]).await?;
    assert_eq!(failed, true, "the app started: no failure shown");
    let pressed =
        browser.client.execute("return document.querySelector('[aria-pressed=true]').textContent;", vec![]).await?;
    assert_eq!(pressed, "大");
    browser.close().await
}

/// When the login bundle cannot start (its wasm never arrives), the customer is told to
/// reload instead of pressing a form that does nothing.
#[tokio::test]
async fn bli001_says_so_when_its_app_cannot_start() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    browser.block_urls(&["*_bg.wasm"]).await?;
    browser.client.goto(&product.url("/")).await?;
    browser.text_containing("#load-failed", "ページを再読み込みしてください").await?;
    assert!(browser.client.find(fantoccini::Locator::Css("#load-failed")).await?.is_displayed().await?);
    browser.screenshot("bli001-load-failed").await?;
    browser.close().await
}

#[tokio::test]
async fn first_time_registration_then_login_with_the_chosen_credentials() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    browser.client.goto(&product.url("/")).await?;
    browser.press("初回利用登録").await?;
    browser.screen("BLI002").await?;
    browser.fill("店番", "００１").await?;
    browser.fill("口座番号", "7654321").await?;
    browser.fill("仮パスワード", "kari2345").await?;
    browser.press("次へ").await?;
    browser.screen("BLI003").await?;
    browser.fill("ログインID", "hanako01").await?;
    // A reload keeps what was typed but the 仮パスワード, which is asked again; 戻る returns.
    browser.client.refresh().await?;
    browser.screen("BLI002").await?;
    browser.text_containing("[role=status]", "仮パスワードをもう一度入力してください").await?;
    assert_eq!(browser.input("口座番号").await?.prop("value").await?.as_deref(), Some("7654321"));
    assert_eq!(browser.input("仮パスワード").await?.prop("value").await?.as_deref(), Some(""));
    browser.fill("仮パスワード", "kari2345").await?;
    browser.press("次へ").await?;
    browser.screen("BLI003").await?;
    assert_eq!(browser.input("ログインID").await?.prop("value").await?.as_deref(), Some("hanako01"));
    browser.press("戻る").await?;
    browser.screen("BLI002").await?;
    browser.press("次へ").await?;
    browser.screen("BLI003").await?;
    browser.fill("ログインパスワード", "hana2026").await?;
    browser.fill("ログインパスワード（確認用）", "hana2027").await?;
    browser.text_containing("#field-password_confirmation-error", "一致しません").await?;
    browser.fill("ログインパスワード（確認用）", "hana2026").await?;
    browser.fill("通知先メールアドレス", "hanako@example.jp").await?;
    browser.fill("通知先メールアドレス（確認用）", "hanako@exampel.jp").await?;
    browser.text_containing("#field-notice_address_confirmation-error", "一致しません").await?;
    assert!(!browser.control("登録する").await?.is_enabled().await?);
    browser.fill("通知先メールアドレス（確認用）", "hanako@example.jp").await?;
    assert!(!browser.scrolls_sideways().await?, "BLI003 fits a phone");
    browser.screenshot("bli003-registration").await?;
    browser.press("登録する").await?;
    browser.screen("BLI004").await?;
    browser.press("ログイン画面へ").await?;
    browser.fill("ログインID", "hanako01").await?;
    browser.fill("ログインパスワード", "hana2026").await?;
    browser.press("ログイン").await?;
    browser.text_containing(".customer-name", "デモ 花子 様").await?;

    // お客様情報の変更: the address from BLI003, changed with the login password.
    browser.press("お客様情報の変更").await?;
    browser.screen("BPF001").await?;
    browser.text_containing(".current-notice-address", "hanako@example.jp").await?;
    browser.fill("新しい通知先メールアドレス", "hanako.new@example.jp").await?;
    browser.fill("新しい通知先メールアドレス（確認用）", "hanako.new@example.jp").await?;
    browser.fill("ログインパスワード", "wrong777").await?;
    browser.press("通知先メールアドレスを変更する").await?;
    browser.text_containing("#field-password-error", "ログインパスワードが正しくありません").await?;
    browser.fill("ログインパスワード", "hana2026").await?;
    browser.press("通知先メールアドレスを変更する").await?;
    browser.text_containing(".current-notice-address", "hanako.new@example.jp").await?;
    browser.text_containing("[role=status]", "通知先メールアドレスを変更しました").await?;
    assert!(!browser.scrolls_sideways().await?, "BPF001 fits a phone");
    browser.screenshot("bpf001-profile").await?;
    // The session was re-issued by the change and still works.
    browser.press("ホーム").await?;
    browser.screen("BHM001").await?;
    browser.client.goto(&product.url("/dev/mailbox")).await?;
    let mailbox = browser.text_of("main").await?;
    assert!(
        mailbox.contains("hanako.new@example.jp") && mailbox.contains("通知先メールアドレス登録のお知らせ"),
        "{mailbox}"
    );
    assert!(
        mailbox.contains("通知先メールアドレス変更のお知らせ") && mailbox.contains("ha***@example.jp"),
        "{mailbox}"
    );
    browser.close().await
}

#[tokio::test]
async fn the_software_keyboard_types_the_password_by_clicks() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    browser.client.goto(&product.url("/")).await?;
    browser.fill("ログインID", "demo01").await?;
    browser
        .client
        .find(fantoccini::Locator::XPath("//label[contains(., 'ソフトウェアキーボード')]/input"))
        .await?
        .click()
        .await?;
    browser.text_of(".software-keyboard").await?;
    let password = browser.input("ログインパスワード").await?;
    assert!(password.attr("readonly").await?.is_some(), "typed by the keyboard only");
    browser.screenshot("bli001-software-keyboard").await?;
    for key in "demo1234".chars() {
        let xpath = format!("//div[contains(@class,'software-keyboard')]//button[normalize-space(.)='{key}']");
        browser.client.find(fantoccini::Locator::XPath(&xpath)).await?.click().await?;
    }
    browser.press("ログイン").await?;
    browser.screen("BHM001").await?;
    browser.close().await
}

#[tokio::test]
async fn the_chosen_text_size_applies_everywhere_and_is_remembered() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    browser.client.goto(&product.url("/")).await?;
    browser.press("特大").await?;
    let size = |b: &Browser| {
        let client = b.client.clone();
        async move { client.execute("return document.documentElement.dataset.textSize;", vec![]).await }
    };
    assert_eq!(size(&browser).await?, "largest");
    browser.screenshot("bli001-text-largest").await?;
    assert!(!browser.scrolls_sideways().await?, "the largest text still fits a phone");
    browser.client.refresh().await?;
    browser.screen("BLI001").await?;
    assert_eq!(size(&browser).await?, "largest");
    browser.press("標準").await?;
    assert_eq!(size(&browser).await?, "standard");
    browser.close().await
}

#[tokio::test]
async fn an_expired_session_returns_to_the_login_saying_why() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    browser.log_in(&product, "demo01", "demo1234").await?;
    product.clock().advance(11 * 60);
    browser.press("ワンタイムパスワード").await?;
    browser.screen("BLI001").await?;
    browser.text_containing("[role=status]", "一定時間操作がなかったため").await?;
    browser.close().await
}

#[tokio::test]
async fn the_session_warns_a_minute_before_it_ends_and_what_was_typed_outlives_it() -> anyhow::Result<()> {
    let product = Product::start().await?;
    let browser = Browser::launch().await?;
    // The page's clock and the server's move together, by hand.
    browser.pin_clock(product.clock().now()).await?;
    browser.log_in(&product, "demo01", "demo1234").await?;
    browser.press("振込・振替").await?;
    browser.press("振替").await?;
    browser.screen("BTF002").await?;
    browser.fill("金額（円）", "5000").await?;

    // Nine minutes and ten seconds without a request: of ten minutes, less the five seconds
    // the server's idle timer may lag, forty-five seconds are left.
    product.clock().advance(9 * 60 + 10);
    browser.pin_clock(product.clock().now()).await?;
    let warning = browser.text_containing("[role=alertdialog]", "まもなくログアウトします").await?;
    assert!(warning.contains("あと45秒"), "{warning}");
    browser.screenshot("session-warning").await?;
    browser.press("延長する").await?;
    for _ in 0..50 {
        if browser.client.find_all(fantoccini::Locator::Css("[role=alertdialog]")).await?.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(browser.client.find_all(fantoccini::Locator::Css("[role=alertdialog]")).await?.is_empty(), "extended");
    // Extended by one request: the server still has the session nine minutes later.
    product.clock().advance(9 * 60);
    browser.pin_clock(product.clock().now()).await?;
    browser.press("延長する").await?;
    browser.screen("BTF002").await?;

    // Then left alone past the end: the page asks the server once, which ended it.
    product.clock().advance(10 * 60 + 5);
    browser.pin_clock(product.clock().now()).await?;
    browser.screen("BLI001").await?;
    browser.text_containing("[role=status]", "一定時間操作がなかったため").await?;
    // After the next login the 振替 is as it was typed.
    browser.log_in(&product, "demo01", "demo1234").await?;
    browser.client.goto(&product.url("/transfer/own")).await?;
    browser.screen("BTF002").await?;
    assert_eq!(browser.input("金額（円）").await?.prop("value").await?.as_deref(), Some("5000"));
    browser.close().await
}
