//! トークン発行: 情報の入力 (BOT003, 手順4) → 入力内容確認 (BOT004, 手順5) → 完了 (BOT002,
//! 手順6). The customer may choose a standard authenticator app instead of the token app.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client;
use netbank_api::enrolment::Enrolment;
use netbank_api::input::{ActivationPassword, LoginPassword, MailAddress};
use netbank_api::otp::{IssueTokenRequest, TokenIssued, TokenMethod};

use crate::components::form::{
    review_with, rule, same_as, submit_with, ConfirmActions, Field, FormAlert, FormError, ReviewActions,
};
use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost};
use crate::components::step_up::{StepUpFields, StepUpInput};

#[derive(Clone, PartialEq)]
enum Step {
    Input,
    Confirm,
    Done(TokenIssued),
}

#[component]
pub fn OtpIssuePage() -> impl IntoView {
    let step = RwSignal::new(Step::Input);
    let method = RwSignal::new(TokenMethod::SoftwareToken);
    let mail = RwSignal::new(String::new());
    let mail_again = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password_again = RwSignal::new(String::new());
    let login_password = RwSignal::new(String::new());
    let error = FormError::new();
    let step_up = StepUpInput::new(Enrolment::Token);
    let leave = leave_for_lost_session();
    let same_mail = same_as(
        mail,
        "確認のため、メールアドレスをもう一度入力してください。",
        "メールアドレスと確認用の入力が一致しません。",
    );
    let same_password = same_as(
        password,
        "確認のため、利用開始パスワードをもう一度入力してください。",
        "利用開始パスワードと確認用の入力が一致しません。",
    );
    let request = move || {
        let software = method.get() == TokenMethod::SoftwareToken;
        IssueTokenRequest {
            method: method.get(),
            login_password: login_password.get(),
            mail_address: software.then(|| mail.get()),
            activation_password: software.then(|| password.get()),
            step_up: None,
        }
    };
    let confirmations_differ = move || {
        method.get() == TokenMethod::SoftwareToken
            && (same_mail.run(mail_again.get()).is_err() || same_password.run(password_again.get()).is_err())
    };
    // BOT003 asks for everything but the login password, which BOT004 asks for.
    let invalid = Signal::derive(move || {
        let refused = request().check().err().unwrap_or_default();
        refused.iter().any(|e| e.field != "login_password") || confirmations_differ()
    });
    let login_password_rule = |v: &str| LoginPassword::parse_field(v, "login_password");
    let step_up_invalid = step_up.invalid();
    let confirm_invalid =
        Signal::derive(move || request().check().is_err() || confirmations_differ() || step_up_invalid.get());
    let submit = Action::new_local(move |request: &IssueTokenRequest| {
        let mut request = request.clone();
        async move {
            let issued = async {
                request.step_up = Some(step_up.proof().await?);
                client::issue_token(request).await
            };
            match issued.await {
                Ok(issued) => step.set(Step::Done(issued)),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => {
                    // A wrong login password or proof is corrected here, where its field says
                    // what was wrong; anything else is fixed on the input screen.
                    match failure.field() {
                        Some("step_up") => step_up.clear(),
                        Some("login_password") => {}
                        _ => step.set(Step::Input),
                    }
                    error.set(Some(failure));
                }
            }
        }
    });
    let review = review_with(invalid, error, move || step.set(Step::Confirm));
    let back = Callback::new(move |()| step.set(Step::Input));
    let confirm = submit_with(confirm_invalid, submit, error, move || Some(untrack(request)));
    let method_choice = move |value: TokenMethod, label: &'static str, note: &'static str| {
        view! {
            <label class="radio">
                <input type="radio" name="method" prop:checked=move || method.get() == value
                    on:change=move |_| method.set(value) />
                <span>{label}<small class="hint">{note}</small></span>
            </label>
        }
    };
    move || {
        match step.get() {
        Step::Input => view! {
            <Screen title="トークン発行情報の入力" id="BOT003">
                <form on:submit=review novalidate=true>
                    <FormAlert error=error />
                    <fieldset class="methods">
                        <legend>"トークンの種類"</legend>
                        {method_choice(TokenMethod::SoftwareToken, "ソフトウェアトークン（専用アプリ）", "携帯電話メールアドレスに、トークンアプリのURLをお送りします。")}
                        {method_choice(TokenMethod::AuthenticatorApp, "認証アプリ（Google Authenticator など）", "この画面の次に表示するQRコードを、お手持ちの認証アプリで読み取ります。")}
                    </fieldset>
                    <Show when=move || method.get() == TokenMethod::SoftwareToken>
                        <Field label="携帯電話メールアドレス" name="mail_address" value=mail check=rule(MailAddress::parse)
                            input_type="email" autocomplete="email" maxlength=MailAddress::SPEC.max_len />
                        <Field label="携帯電話メールアドレス（確認用）" name="mail_address_confirmation" value=mail_again
                            check=same_mail input_type="email" autocomplete="off" maxlength=MailAddress::SPEC.max_len />
                        <p class="hint">"利用開始パスワードは、トークンアプリの初期設定で入力します（メールには記載されません）。"</p>
                        <Field label="利用開始パスワード" name="activation_password" value=password
                            check=rule(ActivationPassword::parse) input_type="password" inputmode="numeric"
                            autocomplete="new-password" maxlength=ActivationPassword::SPEC.max_len hint=ActivationPassword::SPEC.hint />
                        <Field label="利用開始パスワード（確認用）" name="activation_password_confirmation" value=password_again
                            check=same_password input_type="password" inputmode="numeric" autocomplete="new-password" maxlength=ActivationPassword::SPEC.max_len />
                    </Show>
                    <ReviewActions invalid=invalid />
                </form>
            </Screen>
        }.into_any(),
        Step::Confirm => view! {
            <Screen title="トークン発行情報の入力内容確認" id="BOT004">
                <p>"以下の内容でトークンを発行します。よろしければ「確定」ボタンを押してください。"</p>
                <dl class="facts">
                    <dt>"トークンの種類"</dt>
                    <dd>{move || if method.get() == TokenMethod::SoftwareToken { "ソフトウェアトークン（専用アプリ）" } else { "認証アプリ" }}</dd>
                    <Show when=move || method.get() == TokenMethod::SoftwareToken>
                        <dt>"携帯電話メールアドレス"</dt><dd class="mail-review">{move || mail.get().trim().to_owned()}</dd>
                        <dt>"利用開始パスワード"</dt><dd>{move || "●".repeat(password.get().chars().count())}</dd>
                    </Show>
                </dl>
                <form on:submit=confirm novalidate=true>
                    <FormAlert error=error />
                    <p>"ご本人確認のため、ログインパスワードを入力してください。"</p>
                    <Field label="ログインパスワード" name="login_password" value=login_password
                        check=rule(login_password_rule) input_type="password" autocomplete="current-password" maxlength=LoginPassword::SPEC.max_len />
                    <StepUpFields input=step_up />
                    <ConfirmActions back invalid=confirm_invalid pending=submit.pending() />
                </form>
            </Screen>
        }.into_any(),
        Step::Done(issued) => view! { <Issued issued /> }.into_any(),
    }
    }
}

/// BOT002 トークン発行（ソフトウェアトークン発行完了）, or the authenticator app's QR code.
#[component]
fn Issued(issued: TokenIssued) -> impl IntoView {
    let software = issued.method == TokenMethod::SoftwareToken;
    let qr = issued.authenticator.clone().map(|setup| {
        let source = web_sys::window()
            .and_then(|w| w.btoa(&setup.qr_svg).ok())
            .map(|b64| format!("data:image/svg+xml;base64,{b64}"))
            .unwrap_or_default();
        view! {
            <div class="authenticator">
                <p>"お手持ちの認証アプリでQRコードを読み取ってください。読み取れない場合は、下の設定キーを入力してください。この画面を閉じると、QRコードは二度と表示されません。"</p>
                <img class="qr" src=source alt="認証アプリ設定用のQRコード" width="240" height="240" />
                <dl class="facts"><dt>"設定キー"</dt><dd class="secret"><code>{setup.secret}</code></dd></dl>
                <p><a href=setup.otpauth_uri>"この端末の認証アプリで開く"</a></p>
            </div>
        }
    });
    view! {
        <Screen title=if software { "トークン発行（ソフトウェアトークン発行完了）" } else { "トークン発行（認証アプリ設定）" } id="BOT002">
            {if software {
                view! {
                    <p class="done-message" role="status">"トークン発行を受け付けました。携帯電話メールアドレスにトークン発行用のメールが送信されます。"</p>
                    <p>"メールの案内に従い、ワンタイムパスワードの設定のお手続きをお願いします。"</p>
                }.into_any()
            } else {
                view! { <p class="done-message" role="status">"トークン発行を受け付けました。"</p> }.into_any()
            }}
            <dl class="facts">
                {issued.mail_address.clone().map(|address| view! { <dt>"送付先メールアドレス"</dt><dd class="sent-to">{address}</dd> })}
                <dt>"サービスID"</dt><dd class="service-id">{issued.service_id.clone()}</dd>
                <dt>"ユーザID"</dt><dd class="user-id">{issued.user_id.clone()}</dd>
            </dl>
            {software.then(|| view! { <p class="hint">"※サービスID・ユーザIDはトークンアプリの初期設定で使用します。"</p> })}
            {qr}
            <A href="/otp" attr:class="button">"ワンタイムパスワード申請内容選択へ"</A>
        </Screen>
    }
}
