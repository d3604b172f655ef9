use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::frame::Frame;
use crate::pages::{not_found::NotFound, top::Top};

/// The whole application: the router inside the app frame.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Frame>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Top />
                </Routes>
            </Frame>
        </Router>
    }
}
