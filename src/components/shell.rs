//! The logged-in frame: who is logged in, the menu of what works, and logout. It asks the
//! server for the customer first, so a page never shows private data without a live session
//! (also after logout, when the back button brings a page back).

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;
use netbank_api::client::{self, ClientError};
use netbank_api::identity::MeResponse;
use netbank_api::ErrorReason;

use crate::components::session_warning::SessionWarning;
pub use crate::state::leave_to_login;
use crate::state::{forget_all_forms, forms_belong_to, go, Notice};

/// The customer of the current session, for the pages inside the shell. Reactive: the shell
/// asks the server again on every navigation, so a page never shows the 登録状況 or the
/// balances as they were before the customer's last step.
#[derive(Clone, Copy)]
pub struct Me(RwSignal<Option<MeResponse>>);

impl Me {
    /// Reads the customer (tracked). Pages inside the shell only exist once there is one.
    pub fn with<R: Default>(self, read: impl FnOnce(&MeResponse) -> R) -> R {
        self.0.with(|me| me.as_ref().map(read).unwrap_or_default())
    }

    /// Applies a change the server has just confirmed, before the next navigation asks again.
    pub fn update(self, change: impl FnOnce(&mut MeResponse)) {
        self.0.update(|me| {
            if let Some(me) = me {
                change(me);
            }
        });
    }
}

/// For pages inside the shell, whose requests run beside the shell's own check: when several
/// find the session gone, the customer reads that it expired rather than the bare "log in"
/// of the requests that only found the first one's deletion.
pub fn leave_for_lost_session() -> Callback<ClientError> {
    let notice = Notice::get();
    let leave = leave_to_login();
    Callback::new(move |error: ClientError| {
        if error.reason() == Some(ErrorReason::SessionExpired) {
            notice.set(error.to_string());
        }
        leave.run(error.to_string());
    })
}

/// Whether an error means the session is gone (and the page should go to the login): the
/// shared rule, `ErrorReason::ends_session`.
pub fn session_lost(error: &ClientError) -> bool {
    error.reason().is_some_and(ErrorReason::ends_session)
}

/// The shell around every private page (the `ParentRoute`'s view): mounted once per visit,
/// the page in its `Outlet`.
#[component]
pub fn Shell() -> impl IntoView {
    let location = use_location();
    // Again on every navigation; the shell itself stays mounted.
    let fetched = LocalResource::new(move || {
        location.pathname.track();
        client::me()
    });
    let me = Me(RwSignal::new(None));
    provide_context(me);
    let failure = RwSignal::new(None::<String>);
    let leave = leave_for_lost_session();
    Effect::new(move |_| match fetched.get() {
        Some(Ok(customer)) => {
            failure.set(None);
            forms_belong_to(&customer.login_id);
            me.0.set(Some(customer));
        }
        Some(Err(error)) if session_lost(&error) => leave.run(error),
        Some(Err(error)) => failure.set(Some(error.to_string())),
        None => {}
    });
    let menu_open = RwSignal::new(false);
    // A chosen page closes the menu.
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    let notice = Notice::get();
    let logout = Action::new_local(move |_: &()| {
        async move {
            // Whatever the server says, the customer leaves: the cookie is cleared either way.
            let _ = client::logout().await;
            forget_all_forms();
            notice.set("ログアウトしました。");
            // Pushed, not replaced: "back" then returns to a private page, which finds no
            // session and comes straight back here. A page load: BLI001 is the login bundle's.
            go("/", false);
        }
    });
    let waiting = move || match failure.get() {
        Some(message) => view! { <div class="error-box" role="alert">{message}</div> }.into_any(),
        None => view! { <p class="loading" role="status">"読み込み中…"</p> }.into_any(),
    };
    view! {
        <Show when=move || me.0.with(Option::is_some) fallback=waiting>
            <div class="shell">
                <div class="shell-bar">
                    <p class="customer-name">{move || me.with(|m| format!("{} 様", m.name))}</p>
                    // On a phone the menu folds behind this button, so a screen's own content
                    // starts in the first view; on a wide screen the menu is always there.
                    <button type="button" class="button secondary menu-toggle" aria-controls="menu"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| menu_open.update(|open| *open = !*open)>
                        {move || if menu_open.get() { "閉じる" } else { "メニュー" }}
                    </button>
                    <button type="button" class="button secondary logout"
                        disabled=move || logout.pending().get()
                        on:click=move |_| { logout.dispatch(()); }>
                        "ログアウト"
                    </button>
                </div>
                <nav class="menu" id="menu" aria-label="メニュー" class:open=move || menu_open.get()>
                    <ul>
                        <li><A href="/home">"ホーム"</A></li>
                        <li><A href="/accounts">"口座情報"</A></li>
                        <li><A href="/transfer">"振込・振替"</A></li>
                        <li><A href="/payeasy" attr:class="two-lines">
                            <span class="menu-part">"税金・各種料金の払込"</span><span class="menu-part">"（ペイジー）"</span>
                        </A></li>
                        <li>
                            <span class="menu-group">"各種お申込・手続き"</span>
                            <ul>
                                <li><A href="/otp">"ワンタイムパスワード"</A></li>
                                <li><A href="/passkeys">"パスキー"</A></li>
                            </ul>
                        </li>
                        <li><A href="/profile">"お客様情報の変更"</A></li>
                    </ul>
                </nav>
                <div class="shell-content"><Outlet /></div>
                <SessionWarning />
            </div>
        </Show>
    }
}
