use leptos::prelude::*;

use crate::components::server_status::ServerStatus;
use crate::components::text_size::TextSizeSwitcher;
use crate::INSTITUTION_NAME;

/// The frame around every banking screen: header with the institution's name and the text
/// size, the page, and a footer with the server's status.
#[component]
pub fn Frame(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"本文へ移動"</a>
        <header class="site-header">
            <a class="site-name" href="/" rel="external">
                <span class="institution">{INSTITUTION_NAME}</span>
                <span class="service">"インターネットバンキング"</span>
            </a>
            <TextSizeSwitcher />
        </header>
        <main class="page" id="main">{children()}</main>
        <footer class="site-footer">
            <ServerStatus />
            <p class="copyright">{format!("© {INSTITUTION_NAME}")}</p>
        </footer>
    }
}
