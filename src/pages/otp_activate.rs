//! ワンタイムパスワード利用開始登録 (手順10–13).

use leptos::prelude::*;
use netbank_api::client;

use crate::pages::otp_code_flow::{CodeFlow, CodeFlowPage};

#[component]
pub fn OtpActivatePage() -> impl IntoView {
    let flow = CodeFlow {
        input_title: "ワンタイムパスワード利用開始登録",
        input_id: "BOT011",
        confirm_title: "ワンタイムパスワード利用開始登録（確認）",
        confirm_id: "BOT012",
        done_title: "ワンタイムパスワード利用開始（ソフトウェアトークン完了）",
        done_id: "BOT013",
        explanation: "トークンに表示されているワンタイムパスワードを入力してください。登録が完了すると、次回のログインからワンタイムパスワードの入力が必要になります。",
        done_message: "ワンタイムパスワードの利用開始登録が完了しました。次回のログインから、ログインパスワードのあとにワンタイムパスワードを入力してください。",
        submit: |otp| Box::pin(client::activate_otp(otp)),
    };
    view! { <CodeFlowPage flow /> }
}
