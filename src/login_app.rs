//! The login bundle: everything before a full session — BLI001, 初回利用登録 (BLI002–004)
//! and BLI023 — and nothing else, so the first visit downloads only this. One screen per
//! address and no router: the server sends this bundle for exactly these paths, and moving on
//! (to the bank after a login, between the login's own steps) is a page load.

use leptos::prelude::*;

use crate::components::frame::Frame;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFound;
use crate::pages::otp_login::OtpLoginPage;
use crate::pages::registration::RegistrationPage;
use crate::state::Notice;

/// The paths this bundle serves (the server's `spa` module sends `index.html` for them).
pub const PATHS: [&str; 3] = ["/", "/registration", "/login/otp"];

#[component]
pub fn LoginApp() -> impl IntoView {
    Notice::provide();
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    let screen = match path.trim_end_matches('/') {
        "" => view! { <LoginPage /> }.into_any(),
        "/registration" => view! { <RegistrationPage /> }.into_any(),
        "/login/otp" => view! { <OtpLoginPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    };
    view! { <Frame>{screen}</Frame> }
}
