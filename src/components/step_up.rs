//! The fresh proof an enrolment carries (BPK002's passkey, トークン発行): the token's current
//! code, one of the customer's passkeys, or — for a customer with neither — the 確認コード sent
//! to the notice address the bank has had for a while. Which are offered is the server's
//! answer, from `api`'s `Factors::step_up_methods`.

use leptos::prelude::*;
use netbank_api::client::{self, ClientError};
use netbank_api::enrolment::{Enrolment, EnrolmentStatus, MailCode, MailCodeRoute, MailCodeSent, StepUp, StepUpMethod};
use netbank_api::input::OtpCode;

use crate::components::form::{rule, Field, FormError};
use crate::components::shell::{leave_for_lost_session, session_lost};
use crate::webauthn;

/// The step-up's state on one screen.
#[derive(Clone, Copy)]
pub struct StepUpInput {
    purpose: Enrolment,
    status: LocalResource<Result<EnrolmentStatus, ClientError>>,
    /// The one-time password or the 確認コード, as typed.
    code: RwSignal<String>,
    /// Chosen over the code where both are offered.
    with_passkey: RwSignal<bool>,
    sent: RwSignal<Option<MailCodeSent>>,
}

impl StepUpInput {
    pub fn new(purpose: Enrolment) -> Self {
        Self {
            purpose,
            status: LocalResource::new(client::enrolment_status),
            code: RwSignal::new(String::new()),
            with_passkey: RwSignal::new(false),
            sent: RwSignal::new(None),
        }
    }

    fn methods(&self) -> Vec<StepUpMethod> {
        self.status.get().and_then(|status| status.ok()).map(|status| status.methods).unwrap_or_default()
    }

    /// The proof this screen will give.
    fn method(&self) -> Option<StepUpMethod> {
        let methods = self.methods();
        let passkey = methods.contains(&StepUpMethod::Passkey);
        if passkey && (self.with_passkey.get() || !methods.contains(&StepUpMethod::Otp)) {
            return Some(StepUpMethod::Passkey);
        }
        methods.first().copied()
    }

    /// Nothing to submit yet: no proof offered, or the code not (well) typed.
    pub fn invalid(self) -> Signal<bool> {
        Signal::derive(move || match self.method() {
            None => true,
            Some(StepUpMethod::Passkey) => false,
            Some(StepUpMethod::Otp) => OtpCode::parse(&self.code.get()).is_err(),
            Some(StepUpMethod::MailCode) => MailCode::parse(&self.code.get()).is_err(),
        })
    }

    /// The proof for the request; a passkey is asked for its answer now.
    pub async fn proof(self) -> Result<StepUp, ClientError> {
        let code = self.code.get_untracked();
        match untrack(|| self.method()) {
            Some(StepUpMethod::Otp) => Ok(StepUp::Otp { code }),
            Some(StepUpMethod::MailCode) => Ok(StepUp::MailCode { code }),
            Some(StepUpMethod::Passkey) => {
                let challenge = client::enrolment_approval(self.purpose).await?;
                Ok(StepUp::Passkey { answer: webauthn::answer(challenge, None).await? })
            }
            None => Err(ClientError::Api(netbank_api::ErrorBody::new(netbank_api::ErrorReason::StepUpRequired))),
        }
    }

    /// A refused proof is typed again: the field empties (a code is used once).
    pub fn clear(self) {
        self.code.set(String::new());
    }
}

/// The step-up section of an enrolment's confirmation screen.
#[component]
pub fn StepUpFields(input: StepUpInput) -> impl IntoView {
    let error = use_context::<FormError>();
    let leave = leave_for_lost_session();
    let send = Action::new_local(move |purpose: &Enrolment| {
        let purpose = *purpose;
        async move {
            match client::send_mail_code(purpose).await {
                Ok(sent) => input.sent.set(Some(sent)),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => {
                    if let Some(error) = error {
                        error.set(Some(failure));
                    }
                }
            }
        }
    });
    let code_field = move |label: &'static str, check, hint: &'static str| {
        view! {
            <Field label name="step_up" value=input.code check inputmode="numeric" autocomplete="one-time-code"
                maxlength=OtpCode::SPEC.max_len hint />
        }
    };
    move || {
        let Some(status) = input.status.get() else {
            return view! { <p class="hint">"ご本人確認の方法を確認しています…"</p> }.into_any();
        };
        let status = match status {
            Ok(status) => status,
            Err(failure) => {
                return view! { <div class="error-box" role="alert">{failure.to_string()}</div> }.into_any()
            }
        };
        let both = status.methods.contains(&StepUpMethod::Otp) && status.methods.contains(&StepUpMethod::Passkey);
        let switch = both.then(|| {
            view! {
                <button type="button" class="button secondary" on:click=move |_| input.with_passkey.update(|p| *p = !*p)>
                    {move || if input.with_passkey.get() { "ワンタイムパスワードで確認する" } else { "パスキーで確認する" }}
                </button>
            }
        });
        let body = match input.method() {
            Some(StepUpMethod::Otp) => view! {
                <p>"ご本人確認のため、お使いのトークンに表示されている現在のワンタイムパスワードを入力してください。"</p>
                {code_field("ワンタイムパスワード", rule(|v: &str| OtpCode::parse(v)), OtpCode::SPEC.hint)}
            }
            .into_any(),
            Some(StepUpMethod::Passkey) => view! {
                <p>"ご本人確認のため、「確定」を押すと登録済みのパスキー（指紋・顔認証・画面ロック）で確認します。"</p>
            }
            .into_any(),
            Some(StepUpMethod::MailCode) => mail_code_view(input, status.mail_code, send, code_field).into_any(),
            None => view! {
                <div class="error-box" role="alert">{netbank_api::ErrorReason::OtpSuspended.default_message()}</div>
            }
            .into_any(),
        };
        view! { <section class="step-up" aria-label="ご本人確認">{body}{switch}</section> }.into_any()
    }
}

/// A customer with no second factor yet: the 確認コード to the long-registered address, or why
/// it cannot be sent.
fn mail_code_view<F, V>(
    input: StepUpInput,
    route: Option<MailCodeRoute>,
    send: Action<Enrolment, ()>,
    code_field: F,
) -> impl IntoView
where
    F: Fn(&'static str, crate::components::form::Check, &'static str) -> V,
    V: IntoView,
{
    match route {
        Some(MailCodeRoute::Ready { address }) => view! {
            <p>{format!("はじめての認証方式の登録のため、お届けの通知先メールアドレス（{address}）に確認コードをお送りします。メールに記載の確認コードを入力してください。")}</p>
            <button type="button" class="button secondary" disabled=move || send.pending().get()
                on:click=move |_| { send.dispatch(input.purpose); }>
                {move || if input.sent.get().is_some() { "確認コードを再送信" } else { "確認コードを送信" }}
            </button>
            {move || input.sent.get().map(|sent| view! {
                <p class="done-message" role="status">{format!("{}に確認コードを送信しました（有効期限{}分）。", sent.sent_to, sent.expires_in_seconds / 60)}</p>
            })}
            {code_field("確認コード", rule(|v: &str| MailCode::parse(v)), MailCode::SPEC.hint)}
        }
        .into_any(),
        Some(MailCodeRoute::AddressTooNew { usable_from }) => view! {
            <div class="error-box" role="alert">{format!("通知先メールアドレスの登録・変更から間もないため、確認コードをお送りできません。{usable_from}以降にお手続きいただくか、お取引店でお手続きください。")}</div>
        }
        .into_any(),
        _ => view! {
            <div class="error-box" role="alert">{netbank_api::ErrorReason::MailCodeUnavailable.default_message()}</div>
        }
        .into_any(),
    }
}
