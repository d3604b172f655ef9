//! BOT001 ワンタイムパスワード申請内容選択: the 登録状況 and only the 手続き it allows.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use netbank_api::client;
use netbank_api::identity::OtpState;
use netbank_api::otp::{OtpStatus, Procedure, TokenMethod};

use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost};

pub const SUSPENDED_GUIDANCE: &str = "ワンタイムパスワードを所定の回数以上誤って入力したため、ワンタイムパスワードを停止しています。お手数ですが「ワンタイムパスワード停止解除・初期化依頼書」をお取引店へご提出ください。";

#[component]
pub fn OtpMenuPage() -> impl IntoView {
    let status = LocalResource::new(client::otp_status);
    let leave = leave_for_lost_session();
    view! {
        <Screen title="ワンタイムパスワード申請内容選択" id="BOT001">
            <Suspense fallback=|| view! { <p class="loading" role="status">"読み込み中…"</p> }>
                {move || status.get().map(|result| match result {
                    Ok(status) => view! { <Choices status /> }.into_any(),
                    Err(error) => {
                        if session_lost(&error) {
                            leave.run(error.clone());
                        }
                        view! { <div class="error-box" role="alert">{error.to_string()}</div> }.into_any()
                    }
                })}
            </Suspense>
        </Screen>
    }
}

#[component]
fn Choices(status: OtpStatus) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |path: &'static str| {
        let navigate = navigate.clone();
        move |_| navigate(path, NavigateOptions::default())
    };
    let state = status.state;
    let details = (status.user_id.is_some() && matches!(state, OtpState::Issued | OtpState::Provisioned)).then(|| {
        let app = match status.method {
            Some(TokenMethod::AuthenticatorApp) => "認証アプリ",
            _ => "ソフトウェアトークン",
        };
        view! {
            <dl class="facts">
                <dt>"トークンの種類"</dt><dd>{app}</dd>
                <dt>"サービスID"</dt><dd>{status.service_id.clone()}</dd>
                <dt>"ユーザID"</dt><dd>{status.user_id.clone()}</dd>
            </dl>
        }
    });
    let next_step = match state {
        OtpState::Issued => Some("メールに記載のURLからトークンアプリを開き、初期設定（サービスID・ユーザID・利用開始パスワード）を行ってください。メールが届かない場合は、受信設定を確認のうえ、もう一度トークン発行を行ってください。"),
        OtpState::Provisioned => Some("トークンの設定が済みました。「ワンタイムパスワード利用開始」から、トークンに表示されているワンタイムパスワードを登録してください。"),
        OtpState::Active => Some("ワンタイムパスワードをご利用中です。機種変更の前には必ず利用解除を行ってください。"),
        _ => None,
    };
    view! {
        <p class="otp-status">"登録状況："<strong data-testid="otp-state">{state.label()}</strong></p>
        {details}
        {next_step.map(|text| view! { <p class="guidance">{text}</p> })}
        {(state == OtpState::Suspended).then(|| view! {
            <div class="notice" role="alert"><h2>"ワンタイムパスワード停止中"</h2><p>{SUSPENDED_GUIDANCE}</p></div>
        })}
        <div class="choices">
            {[(Procedure::Issue, "/otp/issue", "トークン発行"),
              (Procedure::Activate, "/otp/activate", "ワンタイムパスワード利用開始"),
              (Procedure::Deactivate, "/otp/deactivate", "ワンタイムパスワード利用解除")]
                .into_iter()
                .map(|(procedure, path, label)| {
                    // A disabled button says why beside it (Tab skips it, so it must be read).
                    let why = state.why_not(procedure);
                    view! {
                        <div class="choice">
                            <button type="button" class="button" disabled=why.is_some() on:click=go(path)>{label}</button>
                            {why.map(|text| view! { <p class="hint why-disabled">{text}</p> })}
                        </div>
                    }
                })
                .collect::<Vec<_>>()}
        </div>
    }
}
