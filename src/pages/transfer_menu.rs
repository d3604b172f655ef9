//! BTF001 振込・振替: what can be done, and how much may still be sent today.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client;

use crate::components::screen::Screen;
use crate::components::shell::Me;
use crate::state::yen;

#[component]
pub fn TransferMenuPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let limit = LocalResource::new(client::transfer_limit);
    // The server's rule: a token in use or a passkey.
    let otp_in_use = move || me.with(|me| me.factors().may_send_transfer().is_ok());
    view! {
        <Screen title="振込・振替" id="BTF001">
            <ul class="menu-list">
                <li>
                    <A href="/transfer/own" attr:class="button">"振替"</A>
                    <p class="hint">"ご本人名義の口座の間で資金を移します（手数料無料・ワンタイムパスワード不要）。"</p>
                </li>
                <li>
                    <A href="/transfer/other" attr:class="button">"振込"</A>
                    <p class="hint">"当組合の他のお客さまの口座へ振り込みます（ワンタイムパスワードまたはパスキーが必要です）。"</p>
                </li>
                <li>
                    <A href="/transfer/interbank" attr:class="button">"振込（他の金融機関あて）"</A>
                    <p class="hint">"銀行・信用金庫・信用組合など他の金融機関の口座へ振り込みます。15時以降と休業日のお受付は翌営業日のお取扱いです。"</p>
                </li>
                <li><A href="/transfer/history" attr:class="button secondary">"振込照会"</A></li>
                <li><A href="/transfer/interbank/history" attr:class="button secondary">"他行振込照会"</A></li>
                <li><A href="/transfer/payees" attr:class="button secondary">"登録振込先の管理"</A></li>
                <li><A href="/transfer/limit" attr:class="button secondary">"振込限度額の変更"</A></li>
            </ul>
            <Show when=move || !otp_in_use()>
                <div class="info-box otp-required">
                    "振込には、ワンタイムパスワードまたはパスキーのご利用が必要です。"
                    <A href="/otp">"ワンタイムパスワードの利用開始はこちら"</A>
                </div>
            </Show>
            <Suspense fallback=|| ()>
                {move || limit.get().and_then(Result::ok).map(|limit| view! {
                    <dl class="facts">
                        <dt>"1日あたりの振込限度額"</dt><dd class="daily-limit">{yen(limit.limit)}</dd>
                        <dt>"本日の振込可能額"</dt><dd class="remaining-today">{yen(limit.remaining)}</dd>
                    </dl>
                })}
            </Suspense>
        </Screen>
    }
}
