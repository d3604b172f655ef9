//! The login bundle: everything before a full session — BLI001, 初回利用登録 (BLI002–004)
//! and BLI023 — and nothing else, so the first visit downloads only this. One screen per
//! address and no router: the server sends this bundle for exactly these paths, and moving on
//! (to the bank after a login, between the login's own steps) is a page load.

use leptos::prelude::*;
use netbank_api::bundles::{login_screen, LoginScreen};

use crate::components::frame::Frame;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFound;
use crate::pages::otp_login::OtpLoginPage;
use crate::pages::registration::RegistrationPage;
use crate::state::Notice;

#[component]
pub fn LoginApp() -> impl IntoView {
    Notice::provide();
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    // The same table the server sends this bundle's page by.
    let screen = match login_screen(&path) {
        Some(LoginScreen::Login) => view! { <LoginPage /> }.into_any(),
        Some(LoginScreen::Registration) => view! { <RegistrationPage /> }.into_any(),
        Some(LoginScreen::OtpLogin) => view! { <OtpLoginPage /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    };
    view! { <Frame>{screen}</Frame> }
}
