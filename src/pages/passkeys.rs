//! パスキー (各種お申込・手続き): BPK001 一覧 (names, 登録日時, 最終利用日時, 削除), BPK002 登録
//! (a name, and the login password again for a session that proved only it), BPK003 登録完了,
//! BPK004 削除 (approved with a passkey or the current one-time password).

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client;
use netbank_api::enrolment::Enrolment;
use netbank_api::input::{LoginPassword, OtpCode, PasskeyName};
use netbank_api::otp::Procedure;
use netbank_api::passkey::{PasskeyList, PasskeyRegistrationRequest, PasskeyRemovalRequest, PasskeySummary};

use crate::components::form::{rule, submit_with, Field, FormAlert, FormError, SubmitButton};
use crate::components::loaded::loaded;
use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost, Me};
use crate::components::step_up::{StepUpFields, StepUpInput};
use crate::webauthn::{self, PasskeyFailure};

const WHAT_A_PASSKEY_IS: &str = "パスキーは、スマートフォンやパソコンの指紋・顔認証・画面ロックでご本人を確認する認証方式です。パスキーは当組合のサイトでしか使えないため、偽サイト（フィッシングサイト）に入力させられて悪用されることがありません。";

/// BPK001.
#[component]
pub fn PasskeysPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let version = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        version.track();
        client::passkeys()
    });
    let removing = RwSignal::new(None::<PasskeySummary>);
    let removed = RwSignal::new(None::<String>);
    let on_removed = Callback::new(move |(name, count): (String, usize)| {
        removing.set(None);
        removed.set(Some(name));
        me.update(|me| me.passkeys = count as u32);
        version.update(|v| *v += 1);
    });
    view! {
        {move || match removing.get() {
            Some(passkey) => view! { <RemovePasskey passkey on_removed cancel=removing /> }.into_any(),
            None => view! {
                <Screen title="パスキー一覧" id="BPK001">
                    <p>{WHAT_A_PASSKEY_IS}</p>
                    {move || removed.get().map(|name| view! {
                        <p class="done-message" role="status">{format!("パスキー「{name}」を削除しました。ほかの端末のログインはすべて終了しました。")}</p>
                    })}
                    {loaded(list, move |list| view! { <PasskeyTable list removing /> })}
                    <div class="actions">
                        <A href="/passkeys/new" attr:class="button primary">"パスキーを登録する"</A>
                    </div>
                </Screen>
            }.into_any(),
        }}
    }
}

#[component]
fn PasskeyTable(list: PasskeyList, removing: RwSignal<Option<PasskeySummary>>) -> impl IntoView {
    let policy = list.required_for;
    let required = match (policy.login, policy.transfer) {
        (true, true) => Some("ログインと振込"),
        (true, false) => Some("ログイン"),
        (false, true) => Some("振込"),
        (false, false) => None,
    };
    let guidance = required.map(|what| {
        view! {
            <p class="notice">{format!("当組合では、パスキーを登録されたお客様の{what}にはパスキーが必要です。パスキーを登録した端末をなくした場合は、お取引店へご連絡ください。")}</p>
        }
    });
    if list.passkeys.is_empty() {
        return view! { {guidance}<p class="empty-passkeys">"登録されているパスキーはありません。"</p> }.into_any();
    }
    let row = move |passkey: PasskeySummary| {
        let name = passkey.name.clone();
        let used = passkey.last_used_at.clone().unwrap_or_else(|| "未使用".to_owned());
        view! {
            <tr>
                <td data-label="名前" class="passkey-name">{name}{passkey.synced.then(|| view! { <span class="tag">"同期"</span> })}</td>
                <td data-label="登録日時">{passkey.created_at.clone()}</td>
                <td data-label="最終利用日時" class="passkey-used">{used}</td>
                <td class="row-actions">
                    <button type="button" class="button secondary" on:click=move |_| removing.set(Some(passkey.clone()))>"削除"</button>
                </td>
            </tr>
        }
    };
    view! {
        {guidance}
        <div class="table-scroll">
            <table class="accounts passkeys">
                <caption class="visually-hidden">"登録済みのパスキー"</caption>
                <thead><tr><th scope="col">"名前"</th><th scope="col">"登録日時"</th><th scope="col">"最終利用日時"</th><th scope="col">"操作"</th></tr></thead>
                <tbody>{list.passkeys.into_iter().map(row).collect::<Vec<_>>()}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// BPK004: approve the removal with a passkey, or with the current one-time password.
#[component]
fn RemovePasskey(
    passkey: PasskeySummary,
    on_removed: Callback<(String, usize)>,
    cancel: RwSignal<Option<PasskeySummary>>,
) -> impl IntoView {
    let me = expect_context::<Me>();
    let otp_in_use = me.with(|me| me.otp_state.allows(Procedure::Confirm));
    let code = RwSignal::new(String::new());
    let error = FormError::new();
    let leave = leave_for_lost_session();
    let (id, name) = (passkey.id, passkey.name.clone());
    let remove = Action::new_local(move |request: &PasskeyRemovalRequest| {
        let mut request = request.clone();
        let name = name.clone();
        async move {
            let result = async {
                if request.otp.is_none() {
                    let challenge = client::passkey_removal_options(id).await?;
                    request.passkey = Some(webauthn::answer(challenge, None).await?);
                }
                client::remove_passkey(id, request).await
            };
            match result.await {
                Ok(list) => on_removed.run((name, list.passkeys.len())),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => {
                    code.set(String::new());
                    error.set(Some(failure));
                }
            }
        }
    });
    let invalid = Signal::derive(move || OtpCode::parse(&code.get()).is_err());
    let with_code = submit_with(invalid, remove, error, move || {
        let otp = OtpCode::parse(&code.get_untracked()).ok()?;
        Some(PasskeyRemovalRequest { otp: Some(otp.expose().to_owned()), passkey: None })
    });
    view! {
        <Screen title="パスキーの削除" id="BPK004">
            <p>{format!("パスキー「{}」を削除します。削除すると、そのパスキーではログインや振込の承認ができなくなり、ほかの端末のログインはすべて終了します。", passkey.name)}</p>
            <FormAlert error=error />
            <div class="passkey-approval">
                <button type="button" class="button danger" disabled=move || remove.pending().get()
                    on:click=move |_| { error.set(None); remove.dispatch(PasskeyRemovalRequest::default()); }>
                    {move || if remove.pending().get() { "処理中…" } else { "パスキーで承認して削除" }}
                </button>
            </div>
            {otp_in_use.then(|| view! {
                <form on:submit=with_code novalidate=true>
                    <p>"パスキーを利用できない場合は、ワンタイムパスワードで削除できます。"</p>
                    <Field label="ワンタイムパスワード" name="otp" value=code check=rule(OtpCode::parse)
                        inputmode="numeric" autocomplete="one-time-code" maxlength=OtpCode::SPEC.max_len hint=OtpCode::SPEC.hint />
                    <SubmitButton label="ワンタイムパスワードで削除" invalid=invalid pending=remove.pending() />
                </form>
            })}
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| cancel.set(None)>"戻る"</button>
            </div>
        </Screen>
    }
}

/// BPK002, then BPK003.
#[component]
pub fn PasskeyRegisterPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // A session that proved only the password gives it again (the server says so in the list).
    let needs_password = LocalResource::new(client::passkeys);
    let asks_password = Signal::derive(move || {
        needs_password.get().and_then(|list| list.ok()).is_some_and(|list| list.registration_needs_password)
    });
    let error = FormError::new();
    let leave = leave_for_lost_session();
    let done = RwSignal::new(None::<PasskeySummary>);
    let step_up = StepUpInput::new(Enrolment::Passkey);
    let register = Action::new_local(move |(name, password): &(String, Option<String>)| {
        let (name, password) = (name.clone(), password.clone());
        async move {
            let result = async {
                let proof = step_up.proof().await?;
                let challenge = client::passkey_registration_options(password, proof).await?;
                let answer = webauthn::new_passkey(challenge).await?;
                client::register_passkey(PasskeyRegistrationRequest { answer, name }).await
            };
            match result.await {
                Ok(summary) => {
                    me.update(|me| me.passkeys += 1);
                    done.set(Some(summary));
                }
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => {
                    if failure.field() == Some("step_up") {
                        step_up.clear();
                    }
                    error.set(Some(failure))
                }
            }
        }
    });
    let step_up_invalid = step_up.invalid();
    let invalid = Signal::derive(move || {
        PasskeyName::parse(&name.get()).is_err()
            || (asks_password.get() && LoginPassword::parse(&password.get()).is_err())
            || step_up_invalid.get()
    });
    let on_submit = submit_with(invalid, register, error, move || {
        let password = asks_password.get_untracked().then(|| password.get_untracked());
        Some((name.get_untracked(), password))
    });
    let unsupported = !webauthn::supported();
    view! {
        {move || match done.get() {
            Some(summary) => view! {
                <Screen title="パスキー登録完了" id="BPK003">
                    <p class="done-message" role="status">{format!("パスキー「{}」を登録しました。", summary.name)}</p>
                    <p>"次回から、ログイン画面の「パスキーでログイン」でログインできます。振込の確認画面では「パスキーで承認」をご利用いただけます。登録のお知らせを通知先メールアドレスへお送りしました。"</p>
                    <div class="actions"><A href="/passkeys" attr:class="button primary">"パスキー一覧へ"</A></div>
                </Screen>
            }.into_any(),
            None => view! {
                <Screen title="パスキー登録" id="BPK002">
                    <p>{WHAT_A_PASSKEY_IS}</p>
                    {unsupported.then(|| view! { <div class="error-box" role="alert">{PasskeyFailure::Unavailable.message()}</div> })}
                    <form on:submit=on_submit novalidate=true>
                        <FormAlert error=error />
                        <Field label="パスキーの名前" name="name" value=name check=rule(PasskeyName::parse)
                            maxlength=PasskeyName::SPEC.max_len hint=PasskeyName::SPEC.hint />
                        <Show when=move || asks_password.get()>
                            <Field label="ログインパスワード" name="login_password" value=password
                                check=rule(|value: &str| LoginPassword::parse_field(value, "login_password"))
                                input_type="password" autocomplete="current-password" maxlength=LoginPassword::SPEC.max_len
                                hint="ご本人確認のため、ログインパスワードを入力してください。" />
                        </Show>
                        <StepUpFields input=step_up />
                        <p class="hint">"「登録」を押すと、端末の指紋・顔認証・画面ロックの確認が表示されます。"</p>
                        <SubmitButton label="登録" invalid=invalid pending=register.pending() />
                    </form>
                    <div class="actions"><A href="/passkeys" attr:class="button secondary">"戻る"</A></div>
                </Screen>
            }.into_any(),
        }}
    }
}
