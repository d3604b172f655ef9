use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::frame::Frame;
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
use crate::state::Notice;

/// The bank bundle: the signed-in application. Its pages share one `ParentRoute` whose shell
/// checks the session before showing anything and stays mounted while the customer moves
/// between them. BLI001 and the rest of the login are the login bundle's (`login_app`), the
/// token app its own bundle's (`token_app`): reaching them is a page load.
#[component]
pub fn App() -> impl IntoView {
    Notice::provide();
    view! {
        <Router>
            <Routes fallback=|| view! { <Frame><NotFound /></Frame> }>
                <ParentRoute path=path!("") view=|| view! { <Frame><Shell /></Frame> }>
                    <Route path=path!("/home") view=HomePage />
                    <Route path=path!("/accounts") view=AccountsPage />
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
                    <Route path=path!("/otp") view=OtpMenuPage />
                    <Route path=path!("/otp/issue") view=OtpIssuePage />
                    <Route path=path!("/otp/activate") view=OtpActivatePage />
                    <Route path=path!("/otp/deactivate") view=OtpDeactivatePage />
                    <Route path=path!("/passkeys") view=PasskeysPage />
                    <Route path=path!("/passkeys/new") view=PasskeyRegisterPage />
                    <Route path=path!("/profile") view=ProfilePage />
                    <Route path=path!("/logins") view=LoginsPage />
                    <Route path=path!("/sessions") view=SessionsPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
