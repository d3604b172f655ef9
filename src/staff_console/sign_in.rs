//! STF001 職員ログイン (a passkey, nothing else) and STF002 初回登録 (the code `staff create`
//! printed, then the person's new passkey).

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client::{self, ClientError};
use netbank_api::staff::{Role, StaffEnrolmentFinish, StaffLoginFinish};

use crate::components::screen::Screen;
use crate::state::{go, Notice};
use crate::webauthn;

/// Where a person starts: the work their roles are for.
fn first_screen(roles: &[Role]) -> &'static str {
    if roles.contains(&Role::Teller) || roles.contains(&Role::Approver) {
        "/customers"
    } else if roles.contains(&Role::Auditor) {
        "/audit"
    } else {
        "/staff"
    }
}

fn passkey_error(failure: webauthn::PasskeyFailure) -> String {
    failure.message().to_owned()
}

#[component]
pub fn SignIn() -> impl IntoView {
    let notice = Notice::get().take();
    let message = RwSignal::new(None::<String>);
    let sign_in = Action::new_local(move |_: &()| async move {
        let attempt = async {
            let challenge = client::staff::login_options().await.map_err(|e| e.to_string())?;
            let credential = webauthn::get_assertion(&challenge.options, None).await.map_err(passkey_error)?;
            client::staff::login(StaffLoginFinish { ceremony: challenge.ceremony, credential })
                .await
                .map_err(|e: ClientError| e.to_string())
        };
        match attempt.await {
            Ok(me) => go(first_screen(&me.roles), false),
            Err(text) => message.set(Some(text)),
        }
    });
    view! {
        <Screen title="職員ログイン" id="STF001">
            {notice.map(|text| view! { <div class="info-box" role="status">{text}</div> })}
            <p>"職員用のパスキー（スマートフォン、パソコン、セキュリティキー）でログインします。パスワードは使いません。"</p>
            {move || message.get().map(|text| view! { <div class="error-box" role="alert">{text}</div> })}
            <div class="actions">
                <button type="button" class="button primary" disabled=move || sign_in.pending().get()
                    on:click=move |_| { sign_in.dispatch(()); }>"パスキーでログイン"</button>
                <A href="/enrol" attr:class="button secondary">"初回登録"</A>
            </div>
        </Screen>
    }
}

#[component]
pub fn Enrol() -> impl IntoView {
    let code = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let enrol = Action::new_local(move |code: &String| {
        let code = code.trim().to_owned();
        async move {
            let attempt = async {
                let challenge = client::staff::enrolment_options(code.clone()).await.map_err(|e| e.to_string())?;
                let credential = webauthn::create(&challenge.options).await.map_err(passkey_error)?;
                let finish = StaffEnrolmentFinish { code, ceremony: challenge.ceremony, credential };
                client::staff::enrol(finish).await.map_err(|e| e.to_string())
            };
            match attempt.await {
                Ok(()) => {
                    done.set(true);
                    message.set(None);
                }
                Err(text) => message.set(Some(text)),
            }
        }
    });
    view! {
        <Screen title="初回登録" id="STF002">
            <Show when=move || !done.get() fallback=|| view! {
                <div class="info-box" role="status">"パスキーを登録しました。「パスキーでログイン」からログインしてください。"</div>
                <div class="actions"><A href="/" attr:class="button primary">"ログインへ"</A></div>
            }.into_any()>
                <p>"管理者から受け取った登録コード（1回限り、24時間有効）を入力し、この端末またはセキュリティキーにパスキーを登録します。"</p>
                {move || message.get().map(|text| view! { <div class="error-box" role="alert">{text}</div> })}
                <form on:submit=move |ev| { ev.prevent_default(); enrol.dispatch(code.get_untracked()); }>
                    <div class="field">
                        <label for="field-code">"登録コード"</label>
                        <input id="field-code" name="code" autocomplete="one-time-code" spellcheck="false"
                            prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                    </div>
                    <div class="actions">
                        <button type="submit" class="button primary"
                            disabled=move || enrol.pending().get() || code.with(|c| c.trim().is_empty())>"パスキーを登録"</button>
                        <A href="/" attr:class="button secondary">"戻る"</A>
                    </div>
                </form>
            </Show>
        </Screen>
    }
}
