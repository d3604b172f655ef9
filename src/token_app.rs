//! The token bundle: the demo token app under `/token` (its own manifest and service-worker
//! scope), built only with the `token` feature and left out of the production build.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::frame::Frame;
use crate::pages::not_found::NotFound;
use crate::token::{codes::TokenCodes, frame::TokenFrame, landing::TokenLanding, setup::TokenSetup};

#[component]
pub fn TokenApp() -> impl IntoView {
    crate::state::Notice::provide();
    crate::token::make_installable();
    view! {
        <Router>
            <Routes fallback=|| view! { <Frame><NotFound /></Frame> }>
                <Route path=path!("/token") view=|| view! { <TokenFrame><TokenLanding /></TokenFrame> } />
                <Route path=path!("/token/setup") view=|| view! { <TokenFrame><TokenSetup /></TokenFrame> } />
                <Route path=path!("/token/codes") view=|| view! { <TokenFrame><TokenCodes /></TokenFrame> } />
            </Routes>
        </Router>
    }
}
