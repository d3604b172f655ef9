//! 利用開始登録 and 利用解除 have one shape: enter the code the token shows, review, confirm,
//! done. This is that shape; the two pages give it their words and their request.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client::ClientError;
use netbank_api::input::OtpCode;
use netbank_api::otp::OtpStatus;
use netbank_api::ErrorReason;

use crate::components::form::{
    review_with, rule, submit_with, ConfirmActions, Field, FormAlert, FormError, ReviewActions,
};
use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost};

pub type Submit = fn(String) -> Pin<Box<dyn Future<Output = Result<OtpStatus, ClientError>>>>;

/// The words and the request of one flow.
pub struct CodeFlow {
    pub input_title: &'static str,
    pub input_id: &'static str,
    pub confirm_title: &'static str,
    pub confirm_id: &'static str,
    pub done_title: &'static str,
    pub done_id: &'static str,
    pub explanation: &'static str,
    pub done_message: &'static str,
    pub submit: Submit,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Input,
    Confirm,
    Done,
}

#[component]
pub fn CodeFlowPage(flow: CodeFlow) -> impl IntoView {
    let flow = StoredValue::new(flow);
    let step = RwSignal::new(Step::Input);
    let code = RwSignal::new(String::new());
    let error = FormError::new();
    let leave = leave_for_lost_session();
    let invalid = Signal::derive(move || OtpCode::parse(&code.get()).is_err());
    let submit = Action::new_local(move |otp: &String| {
        let request = (flow.with_value(|f| f.submit))(otp.clone());
        async move {
            match request.await {
                Ok(_) => step.set(Step::Done),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => {
                    // A wrong or used code is typed again; anything else is read where it is.
                    if matches!(failure.reason(), Some(ErrorReason::InvalidOtp | ErrorReason::OtpAlreadyUsed)) {
                        code.set(String::new());
                    }
                    step.set(Step::Input);
                    error.set(Some(failure));
                }
            }
        }
    });
    let review = review_with(invalid, error, move || step.set(Step::Confirm));
    let back = Callback::new(move |()| step.set(Step::Input));
    let confirm = submit_with(invalid, submit, error, move || {
        OtpCode::parse(&code.get_untracked()).ok().map(|c| c.expose().to_owned())
    });
    move || {
        let f = flow.with_value(|f| {
            (
                f.input_title,
                f.input_id,
                f.confirm_title,
                f.confirm_id,
                f.done_title,
                f.done_id,
                f.explanation,
                f.done_message,
            )
        });
        match step.get() {
            Step::Input => view! {
                <Screen title=f.0 id=f.1>
                    <p>{f.6}</p>
                    <form on:submit=review novalidate=true>
                        <FormAlert error=error />
                        <Field label="ワンタイムパスワード" name="otp" value=code check=rule(OtpCode::parse)
                            inputmode="numeric" autocomplete="one-time-code" maxlength=OtpCode::SPEC.max_len hint=OtpCode::SPEC.hint />
                        <ReviewActions invalid=invalid />
                    </form>
                </Screen>
            }.into_any(),
            Step::Confirm => view! {
                <Screen title=f.2 id=f.3>
                    <p>"以下の内容でよろしければ「確定」ボタンを押してください。"</p>
                    <dl class="facts"><dt>"ワンタイムパスワード"</dt><dd class="otp-review">{move || code.get()}</dd></dl>
                    <p class="hint">"ワンタイムパスワードは約30秒ごとに変わります。表示が変わった場合は「戻る」から入力し直してください。"</p>
                    <form on:submit=confirm>
                        <ConfirmActions back invalid=Signal::derive(|| false) pending=submit.pending() />
                    </form>
                </Screen>
            }.into_any(),
            Step::Done => view! {
                <Screen title=f.4 id=f.5>
                    <p class="done-message" role="status">{f.7}</p>
                    <A href="/otp" attr:class="button">"ワンタイムパスワード申請内容選択へ"</A>
                </Screen>
            }.into_any(),
        }
    }
}
