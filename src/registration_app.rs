//! The registration bundle: 初回利用登録 (BLI002–BLI004), which a customer goes through once;
//! its own download, so the login bundle every visit fetches does not carry it.

use leptos::prelude::*;

use crate::components::frame::Frame;
use crate::pages::registration::RegistrationPage;
use crate::state::Notice;

#[component]
pub fn RegistrationApp() -> impl IntoView {
    Notice::provide();
    view! { <Frame><RegistrationPage /></Frame> }
}
