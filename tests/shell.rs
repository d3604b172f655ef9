//! The app frame and the server status line, rendered by wasm in headless Chromium.
#![cfg(target_arch = "wasm32")]

mod support;

use leptos::prelude::*;
use netbank_api::client::ClientError;
use netbank_web::components::server_status::{HealthLine, HealthState, ServerStatus};
use netbank_web::{App, INSTITUTION_NAME};
use support::{mount, text_when_present};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn a_healthy_server_is_shown_with_its_version() {
    let root = mount(|| view! { <HealthLine state=HealthState::Healthy { version: "1.2.3".into() } /> });
    let line = root.query_selector("[role=status]").unwrap().expect("a status role");
    assert_eq!(line.text_content().unwrap(), "サーバー稼働中（バージョン 1.2.3）");
    assert!(line.class_list().contains("ok"));
    assert_eq!(line.get_attribute("aria-live").as_deref(), Some("polite"));
}

#[wasm_bindgen_test]
fn an_unreachable_server_is_explained_in_japanese() {
    let root = mount(|| view! { <HealthLine state=HealthState::Failed(ClientError::Unreachable) /> });
    let line = root.query_selector("[role=status]").unwrap().unwrap();
    assert!(line.class_list().contains("error"));
    assert!(line.text_content().unwrap().contains("サーバーに接続できません"));
}

#[wasm_bindgen_test]
fn a_database_outage_is_not_shown_as_healthy() {
    let state = HealthState::DatabaseDown { version: "1.0.0".into() };
    let root = mount(move || view! { <HealthLine state=state /> });
    let line = root.query_selector("[role=status]").unwrap().unwrap();
    assert!(line.class_list().contains("error"));
    assert!(line.text_content().unwrap().contains("データベースに接続できません"));
}

// The test runner's own server has no `/api/health`: it answers 404 without our JSON, so the
// real fetch through the typed client must end in the "unexpected answer" message.
#[wasm_bindgen_test]
async fn the_status_line_fetches_health_and_reports_a_foreign_answer() {
    let root = mount(|| view! { <ServerStatus /> });
    let text = text_when_present(&root, "[role=status].error").await;
    assert_eq!(text, "サーバーから予期しない応答がありました。");
}

#[wasm_bindgen_test]
async fn an_unknown_address_shows_the_not_found_page_inside_the_frame() {
    window().history().unwrap().push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/no-such-page")).unwrap();
    let root = mount(App);
    let heading = text_when_present(&root, "main h1").await;
    assert_eq!(heading, "ページが見つかりません");
    let header = root.query_selector(".site-header").unwrap().unwrap().text_content().unwrap();
    assert!(header.contains(INSTITUTION_NAME));
    window().history().unwrap().push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/")).unwrap();
}
