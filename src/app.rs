use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::frame::Frame;
use crate::components::shell::Shell;
use crate::pages::accounts::AccountsPage;
use crate::pages::home::HomePage;
use crate::pages::payees::PayeesPage;
use crate::pages::transfer_limit::TransferLimitPage;
use crate::pages::transfer_menu::TransferMenuPage;
use crate::pages::transfer_other::TransferOtherPage;
use crate::pages::transfer_own::TransferOwnPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFound;
use crate::pages::otp_activate::OtpActivatePage;
use crate::pages::otp_deactivate::OtpDeactivatePage;
use crate::pages::otp_issue::OtpIssuePage;
use crate::pages::otp_login::OtpLoginPage;
use crate::pages::otp_menu::OtpMenuPage;
use crate::pages::profile::ProfilePage;
use crate::pages::registration::RegistrationPage;
use crate::state::Notice;

/// The whole application. Banking pages sit in the frame; the private ones share one
/// `ParentRoute` whose shell checks the session before showing anything and stays mounted
/// while the customer moves between them. The token app has its own frame.
#[component]
pub fn App() -> impl IntoView {
    Notice::provide();
    view! {
        <Router>
            <Routes fallback=|| view! { <Frame><NotFound /></Frame> }>
                <Route path=path!("/") view=|| view! { <Frame><LoginPage /></Frame> } />
                <Route path=path!("/registration") view=|| view! { <Frame><RegistrationPage /></Frame> } />
                <Route path=path!("/login/otp") view=|| view! { <Frame><OtpLoginPage /></Frame> } />
                <ParentRoute path=path!("") view=|| view! { <Frame><Shell /></Frame> }>
                    <Route path=path!("/home") view=HomePage />
                    <Route path=path!("/accounts") view=AccountsPage />
                    <Route path=path!("/transfer") view=TransferMenuPage />
                    <Route path=path!("/transfer/own") view=TransferOwnPage />
                    <Route path=path!("/transfer/other") view=TransferOtherPage />
                    <Route path=path!("/transfer/payees") view=PayeesPage />
                    <Route path=path!("/transfer/limit") view=TransferLimitPage />
                    <Route path=path!("/otp") view=OtpMenuPage />
                    <Route path=path!("/otp/issue") view=OtpIssuePage />
                    <Route path=path!("/otp/activate") view=OtpActivatePage />
                    <Route path=path!("/otp/deactivate") view=OtpDeactivatePage />
                    <Route path=path!("/profile") view=ProfilePage />
                </ParentRoute>
                <TokenRoutes />
            </Routes>
        </Router>
    }
}

#[cfg(feature = "token")]
#[component(transparent)]
fn TokenRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use crate::token::{codes::TokenCodes, frame::TokenFrame, landing::TokenLanding, setup::TokenSetup};
    let page = |view: fn() -> AnyView| move || {
        crate::token::make_installable();
        view! { <TokenFrame>{view()}</TokenFrame> }
    };
    let routes = view! {
        <Route path=path!("/token") view=page(|| view! { <TokenLanding /> }.into_any()) />
        <Route path=path!("/token/setup") view=page(|| view! { <TokenSetup /> }.into_any()) />
        <Route path=path!("/token/codes") view=page(|| view! { <TokenCodes /> }.into_any()) />
    }
    .into_inner();
    erased(routes)
}

#[cfg(not(feature = "token"))]
#[component(transparent)]
fn TokenRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    // A production build has no token app: /token is an unknown page like any other.
    erased(view! { <Route path=path!("/token/*any") view=|| view! { <Frame><NotFound /></Frame> } /> }.into_inner())
}

/// With `--cfg erase_components` (the SPA's build, for size) a route component returns the
/// type-erased route; otherwise the routes as they are.
#[cfg(erase_components)]
fn erased(routes: impl leptos_router::MatchNestedRoutes + Send + Clone + 'static) -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    routes.into_any_nested_route()
}

#[cfg(not(erase_components))]
fn erased<R: leptos_router::MatchNestedRoutes + Clone>(routes: R) -> R {
    routes
}
