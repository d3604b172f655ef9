//! ホーム: the customer's accounts and balances, and where their OTP stands.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::screen::Screen;
use crate::components::shell::Me;
use crate::state::yen;

#[component]
pub fn HomePage() -> impl IntoView {
    let me = expect_context::<Me>();
    let rows = move || {
        me.with(|me| {
            me.accounts
                .iter()
                .map(|account| {
                    view! {
                        <tr>
                            <td data-label="店番">{account.branch_code.clone()}</td>
                            <td data-label="科目">{account.kind.label()}</td>
                            <td data-label="口座番号">{account.number.clone()}</td>
                            <td data-label="残高" class="amount">
                                {yen(account.balance)}
                                {(account.held > 0).then(|| view! { <span class="held">{format!("（うち拘束中 {}）", yen(account.held))}</span> })}
                            </td>
                            <td><A href=format!("/accounts?account={}-{}", account.branch_code, account.number)>"明細"</A></td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Screen title="ホーム" id="BHM001">
            <p class="welcome">{move || me.with(|me| format!("ようこそ、{} 様", me.name))}</p>
            <p class="previous-login">
                "前回ログイン日時："
                <span class="previous-login-at">
                    {move || me.with(|me| me.previous_login_at.clone()).unwrap_or_else(|| "初めてのログインです".to_owned())}
                </span>
                " "<A href="/logins">"ログイン履歴"</A>
            </p>
            <h2>"口座一覧"</h2>
            <div class="table-scroll">
                <table class="accounts">
                    <caption class="visually-hidden">"ご利用口座と残高"</caption>
                    <thead><tr><th scope="col">"店番"</th><th scope="col">"科目"</th><th scope="col">"口座番号"</th><th scope="col">"残高"</th><th scope="col"><span class="visually-hidden">"入出金明細"</span></th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div class="actions">
                <A href="/transfer" attr:class="button">"振込・振替"</A>
                <A href="/accounts" attr:class="button secondary">"入出金明細"</A>
            </div>
            <h2>"ワンタイムパスワード"</h2>
            <p>
                "登録状況："<strong class="otp-state">{move || me.with(|me| me.otp_state.label())}</strong>
            </p>
            <A href="/otp">"ワンタイムパスワードの登録・解除"</A>
            <h2>"パスキー"</h2>
            {move || {
                let (count, required) = me.with(|me| (me.passkeys, me.passkeys_required.login || me.passkeys_required.transfer));
                match (count, required) {
                    (0, true) => view! {
                        <p class="notice passkey-invite">"偽サイトからお客様を守るため、パスキーの登録をお願いしています。パスキーは指紋・顔認証・画面ロックで確認するため、ワンタイムパスワードのように偽サイトに入力させられることがありません。"</p>
                    }.into_any(),
                    (0, false) => view! { <p>"パスキーを登録すると、指紋・顔認証・画面ロックでログインや振込の承認ができます。"</p> }.into_any(),
                    (count, _) => view! { <p class="passkey-count">{format!("登録済みのパスキー：{count}件")}</p> }.into_any(),
                }
            }}
            <A href="/passkeys">"パスキーの登録・削除"</A>
        </Screen>
    }
}
