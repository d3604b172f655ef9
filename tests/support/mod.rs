//! Mounting components into the test page and waiting for them to settle.
//!
//! Each test binary includes this module and uses a part of it.
#![allow(dead_code)]

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// Mounts `view` into a fresh container appended to the body and returns the container.
pub fn mount<F, N>(view: F) -> HtmlElement
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    leptos::mount::mount_to(container.clone(), view).forget();
    container
}

/// Waits (up to 10 s) until `selector` matches inside `root`, and returns its text.
pub async fn text_when_present(root: &HtmlElement, selector: &str) -> String {
    for _ in 0..200 {
        if let Some(found) = root.query_selector(selector).unwrap() {
            return found.text_content().unwrap_or_default();
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    panic!("`{selector}` never appeared; the DOM is: {}", root.inner_html());
}

/// Types `value` into the input as a person would: sets it and fires a bubbling `input`.
pub fn type_into(input: &web_sys::HtmlInputElement, value: &str) {
    input.set_value(value);
    fire(input, "input");
}

/// Fires a bubbling event of `kind` at `target`.
pub fn fire(target: &web_sys::EventTarget, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

/// The element matching `selector` inside `root`, as the type asked for.
pub fn find<T: JsCast>(root: &HtmlElement, selector: &str) -> T {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no `{selector}` in {}", root.inner_html()))
        .unchecked_into()
}

/// Lets the reactive system and the DOM settle.
pub async fn settle(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}
