//! The page the issuance mail links to (the guide's download page): what the app is, where
//! it runs, and the way in.

use leptos::prelude::*;

use crate::components::screen::Screen;
use crate::token::store;

#[component]
pub fn TokenLanding() -> impl IntoView {
    let has_tokens = !store::load().is_empty();
    view! {
        <Screen title="ワンタイムパスワードアプリ" id="TKN001">
            <h2>"アプリケーション概要"</h2>
            <p>"ログインやお手続きのときに入力する、30秒ごとに変わるワンタイムパスワードを表示するアプリです。インストールは不要で、ブラウザーで動きます。ホーム画面に追加すると、通信できない場所でも表示できます。"</p>
            <h2>"対応端末"</h2>
            <ul>
                <li>"スマートフォン：iPhone（iOS 16以降のSafari）、Android（Chrome）"</li>
                <li>"パソコン：Chrome、Edge、Firefox、Safari の最新版"</li>
            </ul>
            <p class="hint">"端末の時刻が正しくないと、正しいワンタイムパスワードが表示されません。時刻は自動設定にしてください。"</p>
            <div class="actions">
                {has_tokens.then(|| view! { <a class="button" href="/token/codes">"ワンタイムパスワードを表示する"</a> })}
                <a class=if has_tokens { "button secondary" } else { "button" } href="/token/setup">"初期設定をする"</a>
            </div>
        </Screen>
    }
}
