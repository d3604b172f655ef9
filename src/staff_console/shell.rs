//! Around every signed-in console screen: who is signed in, in which roles, the menu their
//! roles may use, and ログアウト. A console left alone is signed out by the server after 15
//! minutes; any screen that finds no session returns to STF001.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;
use netbank_api::client::{self, ClientError};
use netbank_api::staff::{Role, StaffMe};
use netbank_api::ErrorReason;

use crate::state::{go, Notice};

/// The signed-in staff member, for the screens inside the shell.
#[derive(Clone, Copy)]
pub struct Clerk(pub RwSignal<Option<StaffMe>>);

impl Clerk {
    pub fn has(self, role: Role) -> bool {
        self.0.with(|me| me.as_ref().is_some_and(|me| me.roles.contains(&role)))
    }
}

/// Back to STF001 when the console's session is gone.
pub fn signed_out(error: &ClientError) -> bool {
    matches!(error.reason(), Some(ErrorReason::Unauthenticated | ErrorReason::SessionExpired))
}

pub fn leave_for_sign_in() {
    Notice::get().offer("ログインの有効期限が切れました。もう一度パスキーでログインしてください。");
    request_animation_frame(|| go("/", true));
}

/// A failure as a screen shows it (a lost session leaves for STF001).
pub fn failure_text(error: ClientError) -> String {
    if signed_out(&error) {
        leave_for_sign_in();
    }
    error.to_string()
}

/// A list as it arrives: 「読み込み中…」, the failure, `empty` when there is nothing, else one
/// card per item in a `<ul class="cards {class}">`.
pub fn listed<T, V>(
    resource: LocalResource<Result<Vec<T>, ClientError>>,
    empty: &'static str,
    class: &'static str,
    card: impl Fn(T) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"読み込み中…"</p> }>
            {move || resource.get().map(|list| match list {
                Ok(list) if list.is_empty() => view! { <p role="status">{empty}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class=format!("cards {class}")>{list.into_iter().map(card).collect::<Vec<_>>()}</ul>
                }.into_any(),
                Err(error) => view! { <div class="error-box" role="alert">{failure_text(error)}</div> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
pub fn StaffShell() -> impl IntoView {
    let location = use_location();
    let fetched = LocalResource::new(move || {
        location.pathname.track();
        client::staff::me()
    });
    let clerk = Clerk(RwSignal::new(None));
    provide_context(clerk);
    let failure = RwSignal::new(None::<String>);
    Effect::new(move |_| match fetched.get() {
        Some(Ok(me)) => clerk.0.set(Some(me)),
        Some(Err(error)) => failure.set(Some(failure_text(error))),
        None => {}
    });
    let logout = Action::new_local(move |_: &()| async move {
        let _ = client::staff::logout().await;
        crate::state::forget_all_forms();
        Notice::get().set("ログアウトしました。");
        go("/", false);
    });
    let waiting = move || match failure.get() {
        Some(message) => view! { <div class="error-box" role="alert">{message}</div> }.into_any(),
        None => view! { <p class="loading" role="status">"読み込み中…"</p> }.into_any(),
    };
    let roles = move || {
        clerk.0.with(|me| me.as_ref().map(|me| me.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("・")))
    };
    view! {
        <Show when=move || clerk.0.with(Option::is_some) fallback=waiting>
            <div class="shell">
                <div class="shell-bar">
                    <p class="customer-name staff-name">
                        {move || clerk.0.with(|me| me.as_ref().map(|me| me.name.clone()))}
                        <span class="staff-roles">{move || roles().map(|r| format!("（{r}）"))}</span>
                    </p>
                    <button type="button" class="button secondary logout"
                        disabled=move || logout.pending().get()
                        on:click=move |_| { logout.dispatch(()); }>"ログアウト"</button>
                </div>
                <nav class="menu open staff-menu" aria-label="メニュー">
                    <ul>
                        <Show when=move || clerk.has(Role::Teller) || clerk.has(Role::Approver)>
                            <li><A href="/customers">"お客様検索"</A></li>
                            <li><A href="/holds">"確認中の振込"</A></li>
                        </Show>
                        <Show when=move || clerk.has(Role::Approver)>
                            <li><A href="/approvals">"承認待ち"</A></li>
                        </Show>
                        <Show when=move || clerk.has(Role::Auditor)>
                            <li><A href="/audit">"監査ログ"</A></li>
                        </Show>
                        <Show when=move || clerk.has(Role::Admin)>
                            <li><A href="/staff">"職員管理"</A></li>
                        </Show>
                    </ul>
                </nav>
                <div class="shell-content"><Outlet /></div>
            </div>
        </Show>
    }
}
