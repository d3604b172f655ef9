use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;
use netbank_api::bundles::{bundle_for, Bundle};

use crate::components::frame::Frame;
use crate::components::screen::continues_from_another_page;
use crate::components::shell::Shell;
use crate::pages::accounts::AccountsPage;
use crate::pages::home::HomePage;
use crate::pages::interbank::InterbankPage;
use crate::pages::interbank_history::InterbankHistoryPage;
use crate::pages::logins::LoginsPage;
use crate::pages::not_found::NotFound;
use crate::pages::otp_activate::OtpActivatePage;
use crate::pages::otp_deactivate::OtpDeactivatePage;
use crate::pages::otp_issue::OtpIssuePage;
use crate::pages::otp_menu::OtpMenuPage;
use crate::pages::passkeys::{PasskeyRegisterPage, PasskeysPage};
use crate::pages::payeasy::PayeasyPage;
use crate::pages::payeasy_history::PayeasyHistoryPage;
use crate::pages::payees::PayeesPage;
use crate::pages::profile::ProfilePage;
use crate::pages::sessions::SessionsPage;
use crate::pages::transfer_history::TransferHistoryPage;
use crate::pages::transfer_limit::TransferLimitPage;
use crate::pages::transfer_menu::TransferMenuPage;
use crate::pages::transfer_other::TransferOtherPage;
use crate::pages::transfer_own::TransferOwnPage;
use crate::state::{go, session_get, session_set, Notice};

/// The signed-in application, split in four bundles (`api::bundles`) so that a visit
/// downloads its everyday screens only: each is a `Router` whose pages share one `ParentRoute`
/// whose shell checks the session before showing anything and stays mounted while the customer
/// moves between that bundle's pages. An address another bundle holds (a menu link, say) is
/// handed over with a page load. BLI001 and the rest of the login are the login bundle's
/// (`login_app`), the token app its own bundle's (`token_app`).
macro_rules! signed_in_app {
    ($bundle:expr, $($route:tt)*) => {{
        Notice::provide();
        let arrived_for = take_handoff();
        if arrived_for.is_some() {
            continues_from_another_page();
        }
        hand_over_links($bundle);
        view! {
            <Router>
                <Routes fallback=move || view! { <Frame><Elsewhere this=$bundle arrived_for=arrived_for.clone() /></Frame> }>
                    <ParentRoute path=path!("") view=|| view! { <Frame><Shell /></Frame> }>
                        $($route)*
                    </ParentRoute>
                </Routes>
            </Router>
        }
    }};
}

/// The bank bundle: ホーム, where every visit starts, and the answer to any address no bundle
/// holds.
#[component]
pub fn App() -> impl IntoView {
    signed_in_app!(Bundle::Bank,
        <Route path=path!("/home") view=HomePage />
    )
}

/// The accounts bundle: 口座情報 (入出金明細 and its CSV).
#[component]
pub fn AccountsApp() -> impl IntoView {
    signed_in_app!(Bundle::Accounts,
        <Route path=path!("/accounts") view=AccountsPage />
    )
}

/// The payments bundle: 振込・振替 with their 照会 and settings, and ペイジー.
#[component]
pub fn PaymentsApp() -> impl IntoView {
    signed_in_app!(Bundle::Payments,
        <Route path=path!("/transfer") view=TransferMenuPage />
        <Route path=path!("/transfer/own") view=TransferOwnPage />
        <Route path=path!("/transfer/other") view=TransferOtherPage />
        <Route path=path!("/transfer/payees") view=PayeesPage />
        <Route path=path!("/transfer/limit") view=TransferLimitPage />
        <Route path=path!("/transfer/history") view=TransferHistoryPage />
        <Route path=path!("/transfer/interbank") view=InterbankPage />
        <Route path=path!("/transfer/interbank/history") view=InterbankHistoryPage />
        <Route path=path!("/payeasy") view=PayeasyPage />
        <Route path=path!("/payeasy/history") view=PayeasyHistoryPage />
    )
}

/// The settings bundle: 各種お申込・手続き and the customer's own records.
#[component]
pub fn SettingsApp() -> impl IntoView {
    signed_in_app!(Bundle::Settings,
        <Route path=path!("/otp") view=OtpMenuPage />
        <Route path=path!("/otp/issue") view=OtpIssuePage />
        <Route path=path!("/otp/activate") view=OtpActivatePage />
        <Route path=path!("/otp/deactivate") view=OtpDeactivatePage />
        <Route path=path!("/passkeys") view=PasskeysPage />
        <Route path=path!("/passkeys/new") view=PasskeyRegisterPage />
        <Route path=path!("/profile") view=ProfilePage />
        <Route path=path!("/logins") view=LoginsPage />
        <Route path=path!("/sessions") view=SessionsPage />
    )
}

/// Where a bundle that hands an address over notes it, for the page it loads.
const HANDOFF_KEY: &str = "netbank.handoff";

/// The address this page was loaded for by a hand-over from another bundle, if it was: kept
/// in the tab across the page load, read once at the start.
fn take_handoff() -> Option<String> {
    let address = session_get(HANDOFF_KEY);
    session_set(HANDOFF_KEY, None);
    address
}

/// The address a hand-over notes and loads: the path and the query (`query` without its `?`;
/// the router's location gives it so).
fn handoff_address(path: &str, query: &str) -> String {
    match query.trim_start_matches('?') {
        "" => path.to_owned(),
        query => format!("{path}?{query}"),
    }
}

/// A plain click on a link into another signed-in bundle becomes the browser's own page load
/// (the address pushed, the page before kept in the history), taken before the router would
/// take it for one of its own pages: it is seen on the window's way down, the router's on the
/// way up.
fn hand_over_links(this: Bundle) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |event: web_sys::MouseEvent| {
        let modified = event.meta_key() || event.alt_key() || event.ctrl_key() || event.shift_key();
        if event.default_prevented() || event.button() != 0 || modified {
            return;
        }
        let anchor = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
            .and_then(|element| element.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        let Some(anchor) = anchor else { return };
        let origin = web_sys::window().and_then(|window| window.location().origin().ok());
        let owner = bundle_for(&anchor.pathname());
        if origin.as_deref() != Some(anchor.origin().as_str())
            || !anchor.target().is_empty()
            || anchor.has_attribute("download")
            || !owner.is_signed_in()
            || owner == this
        {
            return;
        }
        event.prevent_default();
        session_set(HANDOFF_KEY, Some(&handoff_address(&anchor.pathname(), &anchor.search())));
        go(&anchor.href(), false);
    });
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
    }
    // For the page's life, as the router's own listener.
    on_click.forget();
}

/// An address this bundle has no page for: another signed-in bundle's, reached some other way
/// than a link (loaded once the router has put it in the address bar), or none (ページが見つ
/// かりません). A page that was itself loaded for this address and still does not hold it (a
/// build missing that bundle's page, which the server answers with the bank's) says not found
/// rather than loading itself again.
#[component]
fn Elsewhere(this: Bundle, arrived_for: Option<String>) -> impl IntoView {
    let location = use_location();
    let path = location.pathname.get_untracked();
    let address = handoff_address(&path, &location.search.get_untracked());
    let owner = bundle_for(&path);
    if !owner.is_signed_in() || owner == this || arrived_for.as_deref() == Some(address.as_str()) {
        return view! { <NotFound /> }.into_any();
    }
    session_set(HANDOFF_KEY, Some(&address));
    // The router puts the address in the history once this view is drawn.
    request_animation_frame(move || go(&address, true));
    view! { <p class="loading" role="status">"読み込み中…"</p> }.into_any()
}
