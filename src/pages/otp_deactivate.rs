//! ワンタイムパスワード利用解除 (section 3): needed before changing phones.

use leptos::prelude::*;
use netbank_api::client;

use crate::pages::otp_code_flow::{CodeFlow, CodeFlowPage};

#[component]
pub fn OtpDeactivatePage() -> impl IntoView {
    let flow = CodeFlow {
        input_title: "ワンタイムパスワード利用解除登録",
        input_id: "BOT021",
        confirm_title: "ワンタイムパスワード利用解除登録（確認）",
        confirm_id: "BOT022",
        done_title: "ワンタイムパスワード利用解除（完了）",
        done_id: "BOT023",
        explanation: "利用解除すると、ログイン時にワンタイムパスワードは不要になり、現在のトークンは使えなくなります。確認のため、トークンに表示されているワンタイムパスワードを入力してください。",
        done_message: "ワンタイムパスワードの利用解除が完了しました。トークンアプリに登録した情報は削除してください。新しい端末でご利用になる場合は、あらためてトークン発行を行ってください。",
        submit: |otp| Box::pin(client::deactivate_otp(otp)),
    };
    view! { <CodeFlowPage flow /> }
}
