//! The staff console bundle (`staff.html`, served only on the staff listener): the branch's
//! screens for a 依頼書 — sign-in with a passkey (STF001) and its first registration (STF002),
//! customer search (STF010) and page with the 依頼書 intake (STF011), the 役席's approvals
//! (STF020), the held 振込 (STF021), the audit search (STF030) and the 管理者's staff
//! accounts (STF040). Every rule is the
//! server's; the menu only hides what a role cannot do.

mod audit;
mod colleagues;
mod customer;
mod queue;
mod shell;
mod sign_in;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::text_size::TextSizeSwitcher;
use crate::pages::not_found::NotFound;

/// The console's frame: the institution and 「職員用」 in the header, no customer footer.
#[component]
fn ConsoleFrame(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"本文へ移動"</a>
        <header class="site-header staff-header">
            <a class="site-name" href="/customers" rel="external">
                <span class="institution">{crate::INSTITUTION_NAME}</span>
                <span class="service">"職員用コンソール"</span>
            </a>
            <TextSizeSwitcher />
        </header>
        <main class="page" id="main">{children()}</main>
    }
}

#[component]
pub fn StaffApp() -> impl IntoView {
    crate::state::Notice::provide();
    view! {
        <Router>
            <Routes fallback=|| view! { <ConsoleFrame><NotFound /></ConsoleFrame> }>
                <Route path=path!("/") view=|| view! { <ConsoleFrame><sign_in::SignIn /></ConsoleFrame> } />
                <Route path=path!("/enrol") view=|| view! { <ConsoleFrame><sign_in::Enrol /></ConsoleFrame> } />
                <ParentRoute path=path!("") view=|| view! { <ConsoleFrame><shell::StaffShell /></ConsoleFrame> }>
                    <Route path=path!("/customers") view=customer::Search />
                    <Route path=path!("/customers/:id") view=customer::CustomerPage />
                    <Route path=path!("/approvals") view=queue::Approvals />
                    <Route path=path!("/holds") view=queue::Holds />
                    <Route path=path!("/audit") view=audit::AuditSearch />
                    <Route path=path!("/staff") view=colleagues::Colleagues />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
