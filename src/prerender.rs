//! BLI001 before its wasm has arrived: the build renders the login screen's HTML from these
//! same components (`ssr`, src/bin/prerender.rs) into the login bundle's page, so a phone on a
//! slow network shows the form and takes typing at once; the bundle then hydrates that HTML
//! (`hydrate`) instead of drawing it anew.
//!
//! Hydration adopts the page as the build wrote it, so until the app has started every
//! component must render exactly what the build did: what only the browser knows (a notice
//! from the last page, the text size chosen on an earlier visit, passkey support) is applied
//! just after, through [`after_start`]. What the customer did meanwhile is not lost: what was
//! typed or ticked is given back to the live form through its own input events, the focus
//! and cursor stay, and a press of ログイン (kept by the page's inline script) is made again.

use leptos::prelude::*;

/// Provided while the build renders BLI001 and while the browser hydrates it; false once
/// the app has started. Absent in every screen drawn by the browser alone.
#[derive(Clone, Copy)]
struct BeforeStart(RwSignal<bool>);

/// Whether this render must still equal the build's (tracked).
pub fn before_start() -> Signal<bool> {
    match use_context::<BeforeStart>() {
        Some(BeforeStart(waiting)) => waiting.into(),
        None => Signal::stored(false),
    }
}

/// A value the browser knows (`browser`) that the build could not: `rendered` until the app
/// has started (as the build rendered it), then the browser's. Without a prerendered page,
/// the browser's from the start.
pub fn after_start<T: Send + Sync + 'static>(rendered: T, browser: impl Fn() -> T + 'static) -> RwSignal<T> {
    if !before_start().get_untracked() {
        return RwSignal::new(browser());
    }
    let value = RwSignal::new(rendered);
    Effect::new(move |_| value.set(browser()));
    value
}

/// The login screen as the build renders it: the page's title and the body's HTML.
#[cfg(feature = "ssr")]
pub fn render_login() -> (String, String) {
    use leptos::tachys::view::RenderHtml;

    use crate::login_app::LoginApp;
    use netbank_api::bundles::LoginScreen;

    let owner = Owner::new();
    let body = owner.with(|| {
        provide_context(BeforeStart(RwSignal::new(true)));
        view! { <LoginApp screen=Some(LoginScreen::Login) /> }.to_html()
    });
    let title = crate::state::rendered_title().expect("BLI001 sets its title");
    (title, body)
}

/// Hydrates the build's BLI001 in `<body>`, then gives the live form what the customer did
/// before it started.
#[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
pub fn hydrate_login() {
    use leptos::wasm_bindgen::JsCast;
    use netbank_api::bundles::LoginScreen;

    use crate::login_app::LoginApp;

    let document = document();
    // A form pressed before the start was held as pressed (index.html): the app's again.
    if let Ok(held) = document.query_selector_all("form[inert]") {
        for form in (0..held.length()).filter_map(|i| held.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()) {
            form.set_inert(false);
        }
    }
    let typed = Typed::read();
    let waiting = RwSignal::new(true);
    leptos::mount::hydrate_body(move || {
        provide_context(BeforeStart(waiting));
        view! { <LoginApp screen=Some(LoginScreen::Login) /> }
    });
    typed.give_back();
    waiting.set(false);
    crate::login_app::mark_started();
    let pressed = document.query_selector("form[data-submitted]").ok().flatten();
    if let Some(form) = pressed.and_then(|form| form.dyn_into::<web_sys::HtmlFormElement>().ok()) {
        let _ = form.remove_attribute("data-submitted");
        let _ = form.request_submit();
    }
}

/// What the customer typed, ticked and where the cursor was before the app started.
#[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
struct Typed {
    inputs: Vec<(web_sys::HtmlInputElement, String, bool)>,
    focused: Option<(web_sys::HtmlElement, Option<u32>, Option<u32>)>,
}

#[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
impl Typed {
    fn read() -> Self {
        use leptos::wasm_bindgen::JsCast;

        let document = document();
        let inputs = document
            .query_selector_all("input")
            .map(|list| {
                (0..list.length())
                    .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .map(|input| {
                        let (value, checked) = (input.value(), input.checked());
                        (input, value, checked)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let focused =
            document.active_element().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()).map(|element| {
                let input = element.dyn_ref::<web_sys::HtmlInputElement>();
                let start = input.and_then(|i| i.selection_start().ok().flatten());
                let end = input.and_then(|i| i.selection_end().ok().flatten());
                (element, start, end)
            });
        Self { inputs, focused }
    }

    /// The app starts with the build's empty form (hydration sets each input to it, now or
    /// in its first effects): each input that holds something gets it back through the event
    /// the customer's own typing would have sent, so the form's state follows.
    fn give_back(self) {
        for (input, value, checked) in self.inputs {
            let event = if input.type_() == "checkbox" || input.type_() == "radio" {
                if !checked {
                    continue;
                }
                input.set_checked(true);
                "change"
            } else {
                if value.is_empty() {
                    continue;
                }
                input.set_value(&value);
                "input"
            };
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            if let Ok(event) = web_sys::Event::new_with_event_init_dict(event, &init) {
                let _ = input.dispatch_event(&event);
            }
        }
        // After the app's first effects (which set the inputs' values again), before the
        // next paint.
        if let Some((element, start, end)) = self.focused {
            request_animation_frame(move || {
                let _ = element.focus();
                if let (Some(input), Some(start), Some(end)) =
                    (leptos::wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlInputElement>(&element), start, end)
                {
                    let _ = input.set_selection_range(start, end);
                }
            });
        }
    }
}
