//! BLI001 ログイン: the phishing notice, 初回利用登録 for newcomers, the login form with the
//! optional software keyboard, and passkeys: 「パスキーでログイン」 and, where the browser offers
//! it, a passkey among the login ID field's suggestions.

use leptos::prelude::*;
use netbank_api::client;
use netbank_api::identity::{LoginRequest, LoginResponse};
use netbank_api::input::{LoginId, LoginPassword};
use netbank_api::ErrorReason;

use crate::components::form::{rule, submit_with, Field, FormAlert, FormError, NoticeBox, SubmitButton};
use crate::components::screen::Screen;
use crate::components::software_keyboard::SoftwareKeyboard;
use crate::prerender::{after_start, before_start};
use crate::state::{go, now_ms, set_otp_deadline, set_otp_window_seconds, Notice};
use crate::webauthn;
use crate::INSTITUTION_NAME;

#[component]
pub fn LoginPage() -> impl IntoView {
    let notice = Notice::get();
    // From the page before (logged out, session ended): the browser's to know.
    let notice = after_start(None, move || notice.take());
    let waiting = before_start();
    let login_id = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let use_keyboard = RwSignal::new(false);
    let error = FormError::new();
    let request = move || LoginRequest { login_id: login_id.get(), password: password.get() };
    let invalid = Signal::derive(move || request().check().is_err());
    let submit = Action::new_local(move |request: &LoginRequest| {
        let request = request.clone();
        async move {
            match client::login(request).await {
                Ok(LoginResponse::Complete) => go("/home", false),
                Ok(LoginResponse::OtpRequired { expires_in_seconds }) => {
                    set_otp_deadline(Some(now_ms() + f64::from(expires_in_seconds) * 1000.0));
                    set_otp_window_seconds(expires_in_seconds);
                    go("/login/otp", true)
                }
                Err(failure) => {
                    password.set(String::new());
                    error.set(Some(failure));
                }
            }
        }
    });
    let on_submit = submit_with(invalid, submit, error, move || Some(untrack(request)));
    let (with_passkey, autofill) = passkey_login(error);
    view! {
        <Screen title="ログイン" id="BLI001">
            {move || view! { <NoticeBox message=notice.get() /> }}
            <div class="login-sections">
                // The returning customer, nearly every visit, comes first: on a phone the form
                // is what the screen opens with, and reading and tab order agree with it.
                <section class="subpanel" aria-labelledby="member-title">
                    <h2 id="member-title">"初回利用登録がお済みの方"</h2>
                    // POST: a press before any script has run never puts the password in the address.
                    <form on:submit=on_submit method="post" novalidate=true>
                        <FormAlert error=error />
                        <Field label="ログインID" name="login_id" value=login_id check=rule(LoginId::parse)
                            autocomplete="username webauthn" maxlength=LoginId::SPEC.max_len hint=LoginId::SPEC.hint />
                        <Field label="ログインパスワード" name="password" value=password check=rule(LoginPassword::parse)
                            input_type="password" autocomplete="current-password" maxlength=LoginPassword::SPEC.max_len
                            hint=LoginPassword::SPEC.hint readonly=use_keyboard />
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || use_keyboard.get()
                                on:change=move |ev| use_keyboard.set(event_target_checked(&ev)) />
                            "ソフトウェアキーボードを使用して入力する"
                        </label>
                        <Show when=move || use_keyboard.get()>
                            <SoftwareKeyboard value=password max_len=LoginPassword::SPEC.max_len />
                        </Show>
                        <SubmitButton label="ログイン" invalid=invalid pending=submit.pending() />
                    </form>
                    <Show when=move || !waiting.get() && webauthn::supported()>
                        <div class="passkey-login">
                            <p class="hint">"パスキーを登録済みの方は、ログインID・パスワードの入力は不要です。"</p>
                            <button type="button" class="button secondary" disabled=move || with_passkey.pending().get()
                                on:click=move |_| {
                                    autofill.with_value(|pending| pending.as_ref().map(web_sys::AbortController::abort));
                                    with_passkey.dispatch(false);
                                }>
                                {move || if with_passkey.pending().get() { "処理中…" } else { "パスキーでログイン" }}
                            </button>
                        </div>
                    </Show>
                </section>
                <section class="subpanel" aria-labelledby="newcomer-title">
                    <h2 id="newcomer-title">"初めてご利用になる方"</h2>
                    <p>"お取引店でお渡しした仮パスワードで、ログインIDとログインパスワードを登録してください。"</p>
                    <a class="button secondary" href="/registration">"初回利用登録"</a>
                </section>
            </div>
            // After the form: on a phone the form is what the screen opens with, and the notice
            // follows it, one scroll away.
            <aside class="notice" aria-labelledby="phishing-title">
                <h2 id="phishing-title">"不審なメールにご注意ください"</h2>
                <p>{format!("{INSTITUTION_NAME}を装ったメールや、心当たりのない電子メールにご注意ください。{INSTITUTION_NAME}では、メールでパスワードの入力をお願いすることは絶対にありません。そのような不審なメールには返信しないでください。")}</p>
            </aside>
        </Screen>
    }
}

/// The passkey path: the button's action and the autofill request's abort controller. The
/// autofill request waits until the customer picks a passkey among the login ID field's
/// suggestions; the button aborts it first (a browser runs one request at a time). When the
/// server refuses a picked passkey the customer is told; when only its challenge had run out
/// (the page stood open), the autofill asks again with a new one.
fn passkey_login(error: FormError) -> (Action<bool, ()>, StoredValue<Option<web_sys::AbortController>, LocalStorage>) {
    let autofill = StoredValue::new_local(None);
    let round = RwSignal::new(0u32);
    let attempt = move |conditional: bool| async move {
        let signal = if conditional {
            let Some(controller) = webauthn::abort_controller() else { return };
            let signal = controller.signal();
            autofill.set_value(Some(controller));
            Some(signal)
        } else {
            None
        };
        let asked = async {
            let challenge = client::passkey_login_options(conditional).await?;
            webauthn::answer(challenge, signal.as_ref()).await
        };
        let failure = match asked.await {
            Ok(answer) => match client::passkey_login(answer).await {
                Ok(_) => return go("/home", false),
                Err(failure) => failure,
            },
            // An autofill request ends quietly when the button or the page takes over.
            Err(_) if conditional => return,
            Err(failure) => failure,
        };
        // Offered again only when its challenge ran out (the page stood open): a passkey the
        // server refuses (removed from the account, say) would be refused again, and a
        // browser that answers at once would ask until the rate limit stopped it.
        let again = failure.reason() == Some(ErrorReason::PasskeyChallengeExpired);
        error.set(Some(failure));
        if again {
            round.update(|round| *round += 1);
        }
    };
    let button = Action::new_local(move |_: &bool| attempt(false));
    Effect::new(move |_| {
        round.track();
        leptos::task::spawn_local(async move {
            if webauthn::autofill_available().await {
                attempt(true).await;
            }
        });
    });
    (button, autofill)
}
