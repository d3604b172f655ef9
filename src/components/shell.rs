//! The logged-in frame: who is logged in, the menu of what works, and logout. It asks the
//! server for the customer first, so a page never shows private data without a live session
//! (also after logout, when the back button brings a page back).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use netbank_api::client::{self, ClientError};
use netbank_api::identity::MeResponse;
use netbank_api::ErrorReason;

use crate::state::Notice;

/// The customer of the current session, for the pages inside the shell.
#[derive(Clone)]
pub struct Me(pub MeResponse);

/// Made where the router's context is at hand (a component's body); called later, also from
/// async code: sends the customer to BLI001 with `message`.
pub fn leave_to_login() -> Callback<String> {
    let notice = Notice::get();
    let navigate = use_navigate();
    Callback::new(move |message: String| {
        notice.set(message);
        let navigate = navigate.clone();
        // Not in the middle of rendering: after this frame.
        request_animation_frame(move || navigate("/", NavigateOptions { replace: true, ..Default::default() }));
    })
}

/// Whether an error means the session is gone (and the page should go to the login). The
/// code that stops the OTP and the password that locks the login end every session too.
pub fn session_lost(error: &ClientError) -> bool {
    matches!(
        error.reason(),
        Some(ErrorReason::Unauthenticated | ErrorReason::SessionExpired | ErrorReason::OtpSuspended | ErrorReason::LoginLocked)
    )
}

#[component]
pub fn Shell(children: ChildrenFn) -> impl IntoView {
    let me = LocalResource::new(client::me);
    let navigate = use_navigate();
    let notice = Notice::get();
    let children = StoredValue::new(children);
    let leave = leave_to_login();
    let logout = Action::new_local(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            // Whatever the server says, the customer leaves: the cookie is cleared either way.
            let _ = client::logout().await;
            notice.set("ログアウトしました。");
            // Pushed, not replaced: "back" then returns to a private page, which finds no
            // session and comes straight back here.
            navigate("/", NavigateOptions::default());
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"読み込み中…"</p> }>
            {move || me.get().map(|result| match result {
                Ok(customer) => {
                    provide_context(Me(customer.clone()));
                    view! {
                        <div class="shell">
                            <div class="shell-bar">
                                <p class="customer-name">{format!("{} 様", customer.name)}</p>
                                <button type="button" class="button secondary logout"
                                    disabled=move || logout.pending().get()
                                    on:click=move |_| { logout.dispatch(()); }>
                                    "ログアウト"
                                </button>
                            </div>
                            <nav class="menu" aria-label="メニュー">
                                <ul>
                                    <li><A href="/home">"ホーム"</A></li>
                                    <li>
                                        <span class="menu-group">"各種お申込・手続き"</span>
                                        <ul><li><A href="/otp">"ワンタイムパスワード"</A></li></ul>
                                    </li>
                                    <li><A href="/profile">"お客様情報の変更"</A></li>
                                </ul>
                            </nav>
                            <div class="shell-content">{children.with_value(|c| c())}</div>
                        </div>
                    }
                    .into_any()
                }
                Err(error) => {
                    if session_lost(&error) {
                        leave.run(error.to_string());
                    }
                    view! { <div class="error-box" role="alert">{error.to_string()}</div> }.into_any()
                }
            })}
        </Suspense>
    }
}
