//! How a 確認 screen that moves money is confirmed: 「パスキーで承認」 where the customer has a
//! passkey, the token's current code where the bank accepts it, or both (the code below as
//! the fallback). The 振込 and ペイジー screens share it.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::input::OtpCode;
use netbank_api::ErrorReason;

use crate::components::form::{rule, submit_with, ConfirmActions, Field, FormError};
use crate::components::screen::Screen;

/// What the screen offers and the code as typed.
#[derive(Clone, Copy)]
pub struct SecondFactor {
    pub with_passkey: bool,
    pub with_code: bool,
    pub code: RwSignal<String>,
}

impl SecondFactor {
    pub fn new(with_passkey: bool, with_code: bool) -> Self {
        Self { with_passkey, with_code, code: RwSignal::new(String::new()) }
    }

    /// Nothing to submit with 確定 yet: the code is asked for and not (well) typed.
    pub fn invalid(self) -> Signal<bool> {
        Signal::derive(move || self.with_code && OtpCode::parse(&self.code.get()).is_err())
    }

    /// The code for the request, when one is asked for and well typed.
    pub fn otp(self) -> Option<String> {
        self.with_code.then(|| OtpCode::parse(&self.code.get_untracked()).ok().map(|c| c.expose().to_owned())).flatten()
    }

    /// The screen's first sentence: what to press or type to `what` (振込します, 払い込みます).
    pub fn instruction(self, what: &str) -> String {
        match (self.with_passkey, self.with_code) {
            (true, true) => format!("以下の内容で{what}。よろしければ「パスキーで承認」ボタンを押すか、ワンタイムパスワードを入力して「確定」ボタンを押してください。"),
            (true, false) => format!("以下の内容で{what}。よろしければ「パスキーで承認」ボタンを押してください。"),
            _ => format!("以下の内容で{what}。よろしければワンタイムパスワードを入力して、「確定」ボタンを押してください。"),
        }
    }
}

/// The passkey's button (calling `approve`) and the code's field, as offered.
#[component]
pub fn SecondFactorFields(
    factor: SecondFactor,
    #[prop(into)] pending: Signal<bool>,
    approve: Callback<()>,
    /// What the passkey approves: この振込, この払込.
    what: &'static str,
) -> impl IntoView {
    let code = factor.code;
    view! {
        {factor.with_passkey.then(|| view! {
            <div class="passkey-approval">
                <button type="button" class="button primary" disabled=move || pending.get()
                    on:click=move |_| approve.run(())>
                    {move || if pending.get() { "処理中…" } else { "パスキーで承認" }}
                </button>
                <p class="hint">{format!("登録済みのパスキー（指紋・顔認証・画面ロック）で、{what}を承認します。")}</p>
            </div>
        })}
        {factor.with_code.then(|| view! {
            {factor.with_passkey.then(|| view! { <p class="or">"ワンタイムパスワードで確定する場合"</p> })}
            <Field label="ワンタイムパスワード" name="otp" value=code check=rule(OtpCode::parse)
                inputmode="numeric" autocomplete="one-time-code" maxlength=OtpCode::SPEC.max_len hint=OtpCode::SPEC.hint />
            <p class="hint">"トークンに表示されている数字を入力してください。約30秒ごとに変わります。"</p>
        })}
    }
}

/// The 確認 screen's buttons under `SecondFactorFields`: 戻る and 確定 while a code may be
/// typed; 戻る alone where only the passkey's button confirms.
#[component]
pub fn SecondFactorActions(
    factor: SecondFactor,
    back: Callback<()>,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    match factor.with_code {
        true => view! { <ConfirmActions back invalid=factor.invalid() pending=pending /> }.into_any(),
        false => view! {
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| back.run(())>"戻る"</button>
            </div>
        }
        .into_any(),
    }
}

/// A confirmation that carries the code, or none when the passkey approves it.
pub trait CodeCarrying: Clone + Send + Sync + 'static {
    fn without_code(self) -> Self;
}

/// The 確認 form's submit (with the code typed) and the passkey button's callback (the same
/// request without a code: the action asks for the passkey's approval), from `request`.
pub fn confirm_handlers<R: CodeCarrying, O: Send + Sync + 'static>(
    factor: SecondFactor,
    submit: Action<R, O>,
    error: FormError,
    request: impl Fn() -> Option<R> + Send + Sync + 'static,
) -> (impl Fn(leptos::ev::SubmitEvent) + Copy + 'static, Callback<()>) {
    let request = StoredValue::new(request);
    let confirm = submit_with(factor.invalid(), submit, error, move || request.with_value(|r| r()));
    let approve = Callback::new(move |()| {
        if let Some(request) = request.with_value(|r| r()) {
            error.set(None);
            submit.dispatch(request.without_code());
        }
    });
    (confirm, approve)
}

/// The screen a customer without a token in use or a passkey gets instead of a form that
/// needs one: why, and the way to start the one-time password.
#[component]
pub fn SecondFactorRequired(title: &'static str, id: &'static str) -> impl IntoView {
    view! {
        <Screen title=title id=id>
            <div class="info-box otp-required" role="status">
                <p>{ErrorReason::OtpRequired.default_message()}</p>
                <A href="/otp" attr:class="button">"ワンタイムパスワードの手続きへ"</A>
            </div>
        </Screen>
    }
}
