//! 初回利用登録: prove who you are with what the branch gave you (BLI002), choose ログインID
//! and ログインパスワード (BLI003), done (BLI004).

use leptos::prelude::*;
use netbank_api::client;
use netbank_api::identity::{RegistrationRequest, RegistrationVerifyRequest};
use netbank_api::input::{AccountNumber, BranchCode, LoginId, NewPassword, NoticeAddress, TemporaryPassword};

use crate::components::form::{
    rule, same_as, submit_with, Check, Field, FormAlert, FormError, NoticeBox, SubmitButton,
};
use crate::components::screen::Screen;
use crate::state::{forget_form, remembered};

/// What the tab keeps of this flow (sessionStorage), under this name: never a password.
const FORM: &str = "registration";

/// BLI002 after a reload on BLI003: the 仮パスワード was not kept.
const TYPE_AGAIN: &str =
    "画面を再読み込みしたため、仮パスワードをもう一度入力してください。入力済みの店番・口座番号はそのままです。";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Step {
    Proof,
    Credentials,
    Done,
}

#[component]
pub fn RegistrationPage() -> impl IntoView {
    let step = remembered(FORM, "step", Step::Proof);
    let branch = remembered(FORM, "branch", String::new());
    let account = remembered(FORM, "account", String::new());
    let temporary = RwSignal::new(String::new());
    // BLI003 needs the 仮パスワード again to register, and it is never kept.
    // A finished registration is not shown again to the next visit of this tab.
    let again = (step.get_untracked() == Step::Credentials).then(|| TYPE_AGAIN.to_owned());
    step.set(Step::Proof);
    let again = StoredValue::new(again);
    Effect::new(move |_| {
        if step.get() == Step::Done {
            forget_form(FORM, &["step"]);
        }
    });
    let proof = move || RegistrationVerifyRequest {
        branch_code: branch.get_untracked(),
        account_number: account.get_untracked(),
        temporary_password: temporary.get_untracked(),
    };
    view! {
        {move || match step.get() {
            Step::Proof => view! { <ProofStep branch account temporary step proof again=again.write_value().take() /> }.into_any(),
            Step::Credentials => view! { <CredentialsStep step proof /> }.into_any(),
            Step::Done => view! {
                <Screen title="初回利用登録（完了）" id="BLI004">
                    <p class="done-message" role="status">"初回利用登録が完了しました。登録したログインIDとログインパスワードでログインしてください。"</p>
                    <a class="button" href="/">"ログイン画面へ"</a>
                </Screen>
            }.into_any(),
        }}
    }
}

#[component]
fn ProofStep(
    branch: RwSignal<String>,
    account: RwSignal<String>,
    temporary: RwSignal<String>,
    step: RwSignal<Step>,
    proof: impl Fn() -> RegistrationVerifyRequest + Copy + Send + Sync + 'static,
    again: Option<String>,
) -> impl IntoView {
    let error = FormError::new();
    let invalid = Signal::derive(move || {
        let typed = RegistrationVerifyRequest {
            branch_code: branch.get(),
            account_number: account.get(),
            temporary_password: temporary.get(),
        };
        typed.check().is_err()
    });
    let submit = Action::new_local(move |request: &RegistrationVerifyRequest| {
        let request = request.clone();
        async move {
            match client::registration_verify(request).await {
                Ok(_) => step.set(Step::Credentials),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = submit_with(invalid, submit, error, move || Some(proof()));
    view! {
        <Screen title="初回利用登録（お客様の確認）" id="BLI002">
            <NoticeBox message=again />
            <p>"お取引店でお渡しした「仮パスワード」と、ご利用口座の店番・口座番号を入力してください。"</p>
            <form on:submit=on_submit novalidate=true>
                <FormAlert error=error />
                <Field label="店番" name="branch_code" value=branch check=rule(BranchCode::parse)
                    inputmode="numeric" maxlength=BranchCode::SPEC.max_len hint=BranchCode::SPEC.hint />
                <Field label="口座番号" name="account_number" value=account check=rule(AccountNumber::parse)
                    inputmode="numeric" maxlength=AccountNumber::SPEC.max_len hint=AccountNumber::SPEC.hint />
                <Field label="仮パスワード" name="temporary_password" value=temporary check=rule(TemporaryPassword::parse)
                    input_type="password" autocomplete="off" maxlength=TemporaryPassword::SPEC.max_len hint=TemporaryPassword::SPEC.hint />
                <div class="actions">
                    <a class="button secondary" href="/">"戻る"</a>
                    <SubmitButton label="次へ" invalid=invalid pending=submit.pending() />
                </div>
            </form>
        </Screen>
    }
}

#[component]
fn CredentialsStep(
    step: RwSignal<Step>,
    proof: impl Fn() -> RegistrationVerifyRequest + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let login_id = remembered(FORM, "login_id", String::new());
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let notice = remembered(FORM, "notice_address", String::new());
    let notice_again = remembered(FORM, "notice_address_again", String::new());
    let same_notice = same_as(
        notice,
        "確認のため、通知先メールアドレスをもう一度入力してください。",
        "通知先メールアドレスと確認用の入力が一致しません。",
    );
    let error = FormError::new();
    let same_password: Check = Callback::new(move |value: String| {
        if value.is_empty() {
            Err("確認のため、ログインパスワードをもう一度入力してください。".to_owned())
        } else if value != password.get() {
            Err("ログインパスワードと確認用の入力が一致しません。".to_owned())
        } else {
            Ok(())
        }
    });
    // The rule, and never the login ID inside it (the same `api` rule the server applies).
    let password_rule: Check = Callback::new(move |value: String| {
        let chosen = NewPassword::parse_field(&value, "password").map_err(|e| e.message.to_owned())?;
        chosen.check_login_id(&login_id.get(), "password").map_err(|e| e.message.to_owned())
    });
    let request = move || {
        let proof = proof();
        RegistrationRequest {
            branch_code: proof.branch_code,
            account_number: proof.account_number,
            temporary_password: proof.temporary_password,
            login_id: login_id.get(),
            password: password.get(),
            notice_address: notice.get(),
        }
    };
    let invalid = Signal::derive(move || {
        request().check().is_err()
            || same_password.run(confirmation.get()).is_err()
            || same_notice.run(notice_again.get()).is_err()
    });
    let submit = Action::new_local(move |request: &RegistrationRequest| {
        let request = request.clone();
        async move {
            match client::register(request).await {
                Ok(()) => step.set(Step::Done),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = submit_with(invalid, submit, error, move || Some(untrack(request)));
    view! {
        <Screen title="初回利用登録（ログインID・パスワードの登録）" id="BLI003">
            <p>"今後のログインに使うログインIDとログインパスワードを決めて入力してください。"</p>
            <form on:submit=on_submit novalidate=true>
                <FormAlert error=error />
                <Field label="ログインID" name="login_id" value=login_id check=rule(LoginId::parse)
                    autocomplete="username" maxlength=LoginId::SPEC.max_len hint=LoginId::SPEC.hint />
                <Field label="ログインパスワード" name="password" value=password check=password_rule
                    input_type="password" autocomplete="new-password" maxlength=NewPassword::SPEC.max_len hint=NewPassword::SPEC.hint />
                <Field label="ログインパスワード（確認用）" name="password_confirmation" value=confirmation
                    check=same_password input_type="password" autocomplete="new-password" maxlength=NewPassword::SPEC.max_len />
                <Field label="通知先メールアドレス" name="notice_address" value=notice check=rule(NoticeAddress::parse)
                    input_type="email" autocomplete="email" maxlength=NoticeAddress::SPEC.max_len
                    hint="ログインパスワードの変更やワンタイムパスワードのお手続きなど、大切なお知らせをお送りします。" />
                <Field label="通知先メールアドレス（確認用）" name="notice_address_confirmation" value=notice_again
                    check=same_notice input_type="email" autocomplete="off" maxlength=NoticeAddress::SPEC.max_len />
                <div class="actions">
                    <button type="button" class="button secondary" on:click=move |_| step.set(Step::Proof)>"戻る"</button>
                    <SubmitButton label="登録する" invalid=invalid pending=submit.pending() />
                </div>
            </form>
        </Screen>
    }
}
