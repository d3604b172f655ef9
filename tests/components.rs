//! The form pieces, the software keyboard, the countdown and the text size, in Chromium.
#![cfg(target_arch = "wasm32")]

mod support;

use leptos::prelude::*;
use netbank_api::input::{LoginId, OtpCode};
use netbank_web::components::countdown::{seconds_left, Countdown};
use netbank_web::components::form::{rule, Field, SubmitButton};
use netbank_web::components::software_keyboard::SoftwareKeyboard;
use netbank_web::components::text_size::TextSizeSwitcher;
use netbank_web::state::{now_ms, yen};
use support::{find, fire, mount, settle, type_into};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_field_explains_its_rule_while_typing_and_an_empty_one_when_left() {
    let value = RwSignal::new(String::new());
    let root =
        mount(move || view! { <Field label="ワンタイムパスワード" name="otp" value check=rule(OtpCode::parse) /> });
    let input: HtmlInputElement = find(&root, "input");
    let error: HtmlElement = find(&root, ".field-error");
    assert_eq!(error.text_content().unwrap(), "", "nothing said before the customer acts");
    assert_eq!(find::<HtmlElement>(&root, "label").text_content().unwrap(), "ワンタイムパスワード必須");

    type_into(&input, "12a");
    settle(20).await;
    assert!(error.text_content().unwrap().contains("半角数字"), "{}", root.inner_html());
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(input.get_attribute("aria-describedby").unwrap().contains("field-otp-error"));

    type_into(&input, "123 456");
    settle(20).await;
    assert_eq!(error.text_content().unwrap(), "");
    assert_eq!(value.get_untracked(), "123 456");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("false"));

    type_into(&input, "");
    fire(&input, "blur");
    settle(20).await;
    assert_eq!(error.text_content().unwrap(), "ワンタイムパスワードを入力してください。");
}

#[wasm_bindgen_test]
async fn the_submit_button_waits_for_valid_input_and_cannot_be_pressed_twice() {
    let login_id = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let invalid = Signal::derive(move || LoginId::parse(&login_id.get()).is_err());
    let root = mount(move || view! { <SubmitButton label="ログイン" invalid pending /> });
    let button: HtmlButtonElement = find(&root, "button");
    assert!(button.disabled());
    login_id.set("demo01".into());
    settle(20).await;
    assert!(!button.disabled());
    assert_eq!(button.text_content().unwrap(), "ログイン");
    pending.set(true);
    settle(20).await;
    assert!(button.disabled(), "in flight: no second submission");
    assert_eq!(button.text_content().unwrap(), "処理中…");
    assert_eq!(button.get_attribute("aria-busy").as_deref(), Some("true"));
}

fn key_order(root: &HtmlElement, row: &str) -> String {
    let keys = root.query_selector_all(&format!(".software-keyboard .{row} .key")).unwrap();
    (0..keys.length()).map(|i| keys.item(i).unwrap().text_content().unwrap()).collect()
}

fn press(root: &HtmlElement, label: &str) {
    let keys = root.query_selector_all(".software-keyboard button").unwrap();
    let key = (0..keys.length())
        .map(|i| keys.item(i).unwrap().unchecked_into::<HtmlElement>())
        .find(|k| k.text_content().unwrap() == label)
        .unwrap_or_else(|| panic!("no key {label}"));
    key.click();
}

#[wasm_bindgen_test]
async fn the_software_keyboard_types_deletes_and_clears_with_keys_shuffled_each_time() {
    let value = RwSignal::new(String::new());
    let root = mount(move || view! { <SoftwareKeyboard value max_len=4 /> });
    let other = mount(|| view! { <SoftwareKeyboard value=RwSignal::new(String::new()) max_len=12 /> });
    let mut digits: Vec<char> = key_order(&root, "digits").chars().collect();
    digits.sort();
    assert_eq!(digits.iter().collect::<String>(), "0123456789", "every digit once");
    assert_eq!(key_order(&root, "letters").len(), 26);
    assert_ne!(
        (key_order(&root, "digits"), key_order(&root, "letters")),
        (key_order(&other, "digits"), key_order(&other, "letters")),
        "two openings, two orders"
    );
    for key in ["d", "1", "x", "9", "7"] {
        press(&root, key);
    }
    settle(20).await;
    assert_eq!(value.get_untracked(), "d1x9", "no more than max_len");
    press(&root, "1文字削除");
    assert_eq!(value.get_untracked(), "d1x");
    press(&root, "英大文字");
    settle(20).await;
    press(&root, "A");
    assert_eq!(value.get_untracked(), "d1xA");
    press(&root, "クリア");
    assert_eq!(value.get_untracked(), "");
    // Everything a password may hold: symbols and the space too.
    assert_eq!(key_order(&root, "symbols").chars().count(), 32, "every printable ASCII symbol once");
    press(&root, "!");
    press(&root, "スペース");
    press(&root, "~");
    assert_eq!(value.get_untracked(), "! ~");
}

#[wasm_bindgen_test]
async fn the_countdown_counts_down_and_calls_time_exactly_once() {
    assert_eq!(seconds_left(10_000.0, 0.0), 10);
    assert_eq!(seconds_left(10_000.0, 9_001.0), 1);
    assert_eq!(seconds_left(10_000.0, 12_000.0), 0);
    let expired = RwSignal::new(0);
    let deadline = now_ms() + 1_500.0;
    let root =
        mount(move || view! { <Countdown deadline_ms=deadline on_expire=move |_| expired.update(|n| *n += 1) /> });
    let seconds: HtmlElement = find(&root, ".seconds");
    assert_eq!(seconds.text_content().unwrap(), "2");
    settle(2_200).await;
    assert_eq!(seconds.text_content().unwrap(), "0");
    settle(600).await;
    assert_eq!(expired.get_untracked(), 1);
    assert!(find::<HtmlElement>(&root, ".countdown").class_list().contains("urgent"));
}

#[wasm_bindgen_test]
async fn the_text_size_applies_to_the_whole_page_and_is_remembered() {
    let html = document().document_element().unwrap();
    let root = mount(|| view! { <TextSizeSwitcher /> });
    let buttons = root.query_selector_all("button").unwrap();
    let button = |i| buttons.item(i).unwrap().unchecked_into::<HtmlElement>();
    button(2).click();
    settle(20).await;
    assert_eq!(html.get_attribute("data-text-size").as_deref(), Some("largest"));
    assert_eq!(button(2).get_attribute("aria-pressed").as_deref(), Some("true"));
    // A later visit starts with the same size.
    let again = mount(|| view! { <TextSizeSwitcher /> });
    settle(20).await;
    let pressed = again.query_selector("[aria-pressed=true]").unwrap().unwrap().text_content().unwrap();
    assert_eq!(pressed, "特大");
    button(0).click();
    settle(20).await;
    assert_eq!(html.get_attribute("data-text-size").as_deref(), Some("standard"));
}

#[wasm_bindgen_test]
fn yen_amounts_are_grouped_by_thousands() {
    assert_eq!(yen(0), "0円");
    assert_eq!(yen(999), "999円");
    assert_eq!(yen(1_250_000), "1,250,000円");
    assert_eq!(yen(-1_000), "-1,000円");
}

#[wasm_bindgen_test]
async fn the_account_picker_names_accounts_by_branch_and_number_and_follows_the_choice() {
    use netbank_api::identity::{Account, AccountKind};
    use netbank_web::components::account_select::AccountSelect;
    let account = |number: &str, kind, balance| Account {
        kind,
        branch_code: "001".into(),
        number: number.into(),
        balance,
        holder_kana: None,
        held: 0,
    };
    let accounts = Signal::derive(move || {
        vec![account("1234567", AccountKind::Ordinary, 1_250_000), account("2345678", AccountKind::Savings, 0)]
    });
    let value = RwSignal::new("001-1234567".to_owned());
    let root = mount(
        move || view! { <AccountSelect label="お支払口座" name="from_account" value accounts with_balance=true /> },
    );
    let select: web_sys::HtmlSelectElement = find(&root, "select");
    assert_eq!(select.value(), "001-1234567");
    let options = root.query_selector_all("option").unwrap();
    assert_eq!(options.item(0).unwrap().text_content().unwrap(), "001 普通 1234567");
    // The chosen account's balance under the list (an option cannot wrap on a phone).
    let balance = || root.query_selector(".account-balance").unwrap().unwrap().text_content().unwrap();
    assert_eq!(balance(), "残高：1,250,000円");
    select.set_value("001-2345678");
    fire(&select, "change");
    settle(20).await;
    assert_eq!(value.get_untracked(), "001-2345678");
    assert_eq!(balance(), "残高：0円");
    let label: HtmlElement = find(&root, "label");
    assert_eq!(label.get_attribute("for").as_deref(), Some("field-from_account"));
}
