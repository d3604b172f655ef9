//! BPF001 お客様情報の変更: the 通知先メールアドレス (where every security notice goes) and the
//! ログインパスワード. Both are confirmed with the login password, and with a one-time
//! password while the token is 利用中, so a stolen session cannot silence the notices or
//! take over the login.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client;
use netbank_api::identity::{ChangeNoticeAddressRequest, ChangePasswordRequest};
use netbank_api::input::{LoginPassword, NewPassword, NoticeAddress, OtpCode};
use netbank_api::otp::Procedure;

use crate::components::form::{rule, same_as, submit_with, Check, Field, FormAlert, FormError, SubmitButton};
use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost, Me};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = expect_context::<Me>();
    let otp_in_use = Signal::derive(move || me.with(|me| me.otp_state.allows(Procedure::Confirm)));
    // A form that succeeded is mounted anew: empty fields, not yet touched, no errors.
    let notice_done = RwSignal::new(0u32);
    let password_done = RwSignal::new(0u32);
    view! {
        <Screen title="お客様情報の変更" id="BPF001">
            <p>"変更後は、ほかの端末でのログインはすべて終了します。"</p>
            <ul class="links">
                <li><A href="/logins">"ログイン履歴"</A></li>
                <li><A href="/sessions">"ログイン中の端末"</A></li>
            </ul>
            <h2>"通知先メールアドレス"</h2>
            <dl class="facts">
                <dt>"現在の通知先メールアドレス"</dt>
                <dd class="current-notice-address">
                    {move || me.with(|me| me.notice_address.clone()).unwrap_or_else(|| "未登録".to_owned())}
                </dd>
            </dl>
            <p class="done-message" role="status" hidden=move || notice_done.get() == 0>
                "通知先メールアドレスを変更しました。変更前のメールアドレスにもお知らせしました。"
            </p>
            {move || { notice_done.get(); view! { <NoticeAddressForm otp_in_use me done=notice_done /> } }}
            <h2>"ログインパスワードの変更"</h2>
            <p class="done-message" role="status" hidden=move || password_done.get() == 0>"ログインパスワードを変更しました。"</p>
            {move || { password_done.get(); view! { <PasswordForm otp_in_use done=password_done /> } }}
        </Screen>
    }
}

/// The one-time password field, shown while the token is 利用中.
fn otp_field(otp_in_use: Signal<bool>, code: RwSignal<String>, scope: &'static str) -> impl IntoView {
    view! {
        <Show when=move || otp_in_use.get()>
            <Field label="ワンタイムパスワード" name="otp" value=code check=rule(OtpCode::parse) scope=scope
                inputmode="numeric" autocomplete="one-time-code" maxlength=OtpCode::SPEC.max_len hint=OtpCode::SPEC.hint />
        </Show>
    }
}

/// While the token is 利用中 a change needs a code (the server decides; the form knows).
fn code_missing(otp_in_use: Signal<bool>, code: RwSignal<String>) -> bool {
    otp_in_use.get() && OtpCode::parse(&code.get()).is_err()
}

fn login_password_rule(value: &str) -> Result<LoginPassword, netbank_api::input::InputError> {
    LoginPassword::parse_field(value, "password")
}

#[component]
fn NoticeAddressForm(otp_in_use: Signal<bool>, me: Me, done: RwSignal<u32>) -> impl IntoView {
    let new_address = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let error = FormError::new();
    let leave = leave_for_lost_session();
    let same = same_as(
        new_address,
        "確認のため、通知先メールアドレスをもう一度入力してください。",
        "通知先メールアドレスと確認用の入力が一致しません。",
    );
    let request = move || ChangeNoticeAddressRequest {
        notice_address: new_address.get(),
        password: password.get(),
        otp: otp_in_use.get().then(|| code.get()),
    };
    let invalid = Signal::derive(move || {
        request().check().is_err() || same.run(again.get()).is_err() || code_missing(otp_in_use, code)
    });
    let submit = Action::new_local(move |request: &ChangeNoticeAddressRequest| {
        let request = request.clone();
        async move {
            // A refused form keeps what was typed, so the field can say what was wrong.
            match client::change_notice_address(request).await {
                Ok(changed) => {
                    me.update(|me| me.notice_address = Some(changed.notice_address));
                    done.update(|n| *n += 1);
                }
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = submit_with(invalid, submit, error, move || Some(untrack(request)));
    view! {
        <form on:submit=on_submit novalidate=true aria-label="通知先メールアドレスの変更">
            <FormAlert error=error />
            <Field label="新しい通知先メールアドレス" name="notice_address" value=new_address check=rule(NoticeAddress::parse)
                input_type="email" autocomplete="email" maxlength=NoticeAddress::SPEC.max_len />
            <Field label="新しい通知先メールアドレス（確認用）" name="notice_address_confirmation" value=again
                check=same input_type="email" autocomplete="off" maxlength=NoticeAddress::SPEC.max_len />
            <Field label="ログインパスワード" name="password" value=password check=rule(login_password_rule)
                input_type="password" autocomplete="current-password" maxlength=LoginPassword::SPEC.max_len />
            {otp_field(otp_in_use, code, "notice")}
            <SubmitButton label="通知先メールアドレスを変更する" invalid=invalid pending=submit.pending() />
        </form>
    }
}

#[component]
fn PasswordForm(otp_in_use: Signal<bool>, done: RwSignal<u32>) -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let error = FormError::new();
    let leave = leave_for_lost_session();
    let same = same_as(
        new,
        "確認のため、新しいログインパスワードをもう一度入力してください。",
        "新しいログインパスワードと確認用の入力が一致しません。",
    );
    let current_rule = |v: &str| LoginPassword::parse_field(v, "current_password");
    let request = move || ChangePasswordRequest {
        current_password: current.get(),
        new_password: new.get(),
        otp: otp_in_use.get().then(|| code.get()),
    };
    let me = expect_context::<Me>();
    let login_id = move || me.with(|me| me.login_id.clone());
    let invalid = Signal::derive(move || {
        request().check_for(&login_id()).is_err() || same.run(again.get()).is_err() || code_missing(otp_in_use, code)
    });
    let new_rule: Check = Callback::new(move |value: String| {
        let chosen = NewPassword::parse(&value).map_err(|e| e.message.to_owned())?;
        chosen.check_login_id(&login_id(), "new_password").map_err(|e| e.message.to_owned())
    });
    let submit = Action::new_local(move |request: &ChangePasswordRequest| {
        let request = request.clone();
        async move {
            match client::change_password(request).await {
                Ok(_) => done.update(|n| *n += 1),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = submit_with(invalid, submit, error, move || Some(untrack(request)));
    view! {
        <form on:submit=on_submit novalidate=true aria-label="ログインパスワードの変更">
            <FormAlert error=error />
            <Field label="現在のログインパスワード" name="current_password" value=current check=rule(current_rule)
                input_type="password" autocomplete="current-password" maxlength=LoginPassword::SPEC.max_len />
            <Field label="新しいログインパスワード" name="new_password" value=new check=new_rule
                input_type="password" autocomplete="new-password" maxlength=NewPassword::SPEC.max_len hint=NewPassword::SPEC.hint />
            <Field label="新しいログインパスワード（確認用）" name="new_password_confirmation" value=again
                check=same input_type="password" autocomplete="new-password" maxlength=NewPassword::SPEC.max_len />
            {otp_field(otp_in_use, code, "password")}
            <SubmitButton label="ログインパスワードを変更する" invalid=invalid pending=submit.pending() />
        </form>
    }
}
