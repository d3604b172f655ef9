//! The login bundle: BLI001 and BLI023 — a login and nothing else, so the first visit
//! downloads only this (初回利用登録 is its own bundle, `registration_app`). One screen per
//! address and no router: the server sends this bundle for exactly these paths, and moving on
//! (to the bank after a login, between the login's own steps) is a page load.

use leptos::prelude::*;
use netbank_api::bundles::LoginScreen;

use crate::components::frame::Frame;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFound;
use crate::pages::otp_login::OtpLoginPage;
use crate::state::Notice;

/// The screen the address names (`None`: not one of this bundle's).
#[component]
pub fn LoginApp(screen: Option<LoginScreen>) -> impl IntoView {
    Notice::provide();
    let screen = match screen {
        Some(LoginScreen::Login) => view! { <LoginPage /> }.into_any(),
        Some(LoginScreen::OtpLogin) => view! { <OtpLoginPage /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    };
    view! { <Frame>{screen}</Frame> }
}

/// The bundle's start: BLI001 as the build rendered it into the page is hydrated; any other
/// screen (or a page without the build's render: `trunk serve`) is drawn.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    use netbank_api::bundles::login_screen;

    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    // The same table the server sends this bundle's pages by.
    let screen = login_screen(&path);
    let body = document().body().expect("a page has a body");
    let rendered = body.has_attribute("data-prerendered");
    #[cfg(feature = "hydrate")]
    if rendered && screen == Some(LoginScreen::Login) {
        return crate::prerender::hydrate_login();
    }
    if rendered {
        // Not this address's screen: the build's render goes before the screen is drawn.
        remove_rendered(&body);
    }
    crate::start(move || view! { <LoginApp screen=screen /> });
    mark_started();
}

/// Tells the page's inline script the app runs: presses are the app's now, and a failure it
/// took an error before the start for (a browser extension's, say) was none.
#[cfg(target_arch = "wasm32")]
pub fn mark_started() {
    let document = document();
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("data-started", "");
    }
    if let Some(message) = document.get_element_by_id("load-failed") {
        let _ = message.set_attribute("hidden", "");
        let _ = message.remove_attribute("role");
    }
}

/// Removes the build's render (everything but what the page itself holds: its scripts and
/// its <noscript>).
#[cfg(target_arch = "wasm32")]
fn remove_rendered(body: &web_sys::HtmlElement) {
    use wasm_bindgen::JsCast;

    let _ = body.remove_attribute("data-prerendered");
    let children = body.child_nodes();
    let nodes: Vec<web_sys::Node> = (0..children.length()).filter_map(|i| children.item(i)).collect();
    for node in nodes {
        let kept = node
            .dyn_ref::<web_sys::Element>()
            .is_some_and(|element| matches!(element.tag_name().as_str(), "SCRIPT" | "NOSCRIPT"));
        if !kept {
            let _ = body.remove_child(&node);
        }
    }
}
