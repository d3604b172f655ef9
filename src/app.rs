use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::frame::Frame;
use crate::components::shell::Shell;
use crate::pages::home::HomePage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFound;
use crate::pages::otp_activate::OtpActivatePage;
use crate::pages::otp_deactivate::OtpDeactivatePage;
use crate::pages::otp_issue::OtpIssuePage;
use crate::pages::otp_login::OtpLoginPage;
use crate::pages::otp_menu::OtpMenuPage;
use crate::pages::registration::RegistrationPage;
use crate::state::Notice;

/// The whole application: the router inside the app frame. Pages after login sit in the
/// shell, which checks the session before showing anything.
#[component]
pub fn App() -> impl IntoView {
    Notice::provide();
    view! {
        <Router>
            <Frame>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=LoginPage />
                    <Route path=path!("/registration") view=RegistrationPage />
                    <Route path=path!("/login/otp") view=OtpLoginPage />
                    <Route path=path!("/home") view=|| view! { <Shell><HomePage /></Shell> } />
                    <Route path=path!("/otp") view=|| view! { <Shell><OtpMenuPage /></Shell> } />
                    <Route path=path!("/otp/issue") view=|| view! { <Shell><OtpIssuePage /></Shell> } />
                    <Route path=path!("/otp/activate") view=|| view! { <Shell><OtpActivatePage /></Shell> } />
                    <Route path=path!("/otp/deactivate") view=|| view! { <Shell><OtpDeactivatePage /></Shell> } />
                </Routes>
            </Frame>
        </Router>
    }
}
