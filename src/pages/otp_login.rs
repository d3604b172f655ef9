//! BLI023 ログイン（ワンタイムパスワード認証）: the code within a minute of the password.

use leptos::prelude::*;
use netbank_api::client::{self, ClientError};
use netbank_api::input::OtpCode;
use netbank_api::ErrorReason;

use crate::components::countdown::Countdown;
use crate::components::form::{rule, submit_with, Field, FormAlert, FormError, SubmitButton};
use crate::components::screen::Screen;
use crate::state::{go, leave_to_login, otp_deadline, otp_window_seconds, set_otp_deadline};

/// Why the login stopped when the window for the code ran out, naming the server's window.
pub fn expired_message() -> String {
    netbank_api::display::otp_login_expired(otp_window_seconds())
}

#[component]
pub fn OtpLoginPage() -> impl IntoView {
    let leave = leave_to_login();
    let Some(deadline) = otp_deadline() else {
        leave.run("ログインIDとログインパスワードを入力してください。".to_owned());
        return ().into_any();
    };
    let code = RwSignal::new(String::new());
    let error = FormError::new();
    let invalid = Signal::derive(move || OtpCode::parse(&code.get()).is_err());
    let expire = Callback::new(move |_| {
        set_otp_deadline(None);
        leave.run(expired_message());
    });
    let submit = Action::new_local(move |otp: &String| {
        let otp = otp.clone();
        async move {
            match client::login_otp(otp).await {
                Ok(_) => {
                    set_otp_deadline(None);
                    go("/home", true);
                }
                Err(failure) => leave_or_show(failure, error, code, leave),
            }
        }
    });
    let cancel = Action::new_local(move |_: &()| async move {
        let _ = client::logout().await;
        set_otp_deadline(None);
        leave.run("ログインを中止しました。".to_owned());
    });
    let on_submit = submit_with(invalid, submit, error, move || Some(code.get_untracked()));
    view! {
        <Screen title="ログイン（ワンタイムパスワード認証）" id="BLI023">
            <p>{format!("トークン（ワンタイムパスワードアプリ）に表示されているワンタイムパスワードを{}以内に入力し、「次へ」ボタンを押してください。", netbank_api::display::duration_ja(otp_window_seconds()))}</p>
            <Countdown deadline_ms=deadline on_expire=expire />
            <form on:submit=on_submit novalidate=true>
                <FormAlert error=error />
                <Field label="ワンタイムパスワード" name="otp" value=code check=rule(OtpCode::parse)
                    inputmode="numeric" autocomplete="one-time-code" maxlength=OtpCode::SPEC.max_len hint=OtpCode::SPEC.hint />
                <div class="actions">
                    <button type="button" class="button secondary" disabled=move || cancel.pending().get()
                        on:click=move |_| { cancel.dispatch(()); }>"中止する"</button>
                    <SubmitButton label="次へ" invalid=invalid pending=submit.pending() />
                </div>
            </form>
        </Screen>
    }
    .into_any()
}

/// A refusal that ends the login goes back to BLI001 saying why; a wrong code stays here.
fn leave_or_show(failure: ClientError, error: FormError, code: RwSignal<String>, leave: Callback<String>) {
    match failure.reason() {
        Some(
            ErrorReason::OtpLoginExpired
            | ErrorReason::OtpSuspended
            | ErrorReason::Unauthenticated
            | ErrorReason::SessionExpired,
        ) => {
            set_otp_deadline(None);
            let message = if failure.reason() == Some(ErrorReason::Unauthenticated) {
                expired_message()
            } else {
                failure.to_string()
            };
            leave.run(message);
        }
        _ => {
            code.set(String::new());
            error.set(Some(failure));
        }
    }
}
