//! BPF002 ログイン履歴: the customer's last 20 logins and refused attempts — when, how and on
//! what — and how many attempts failed since the login before this one, so a login the
//! customer did not make, or someone guessing, is seen.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client;
use netbank_api::logins::LoginEntry;

use crate::components::loaded::loaded;
use crate::components::screen::Screen;

#[component]
pub fn LoginsPage() -> impl IntoView {
    let history = LocalResource::new(client::logins);
    let row = |entry: LoginEntry| {
        let result = if entry.succeeded { "成功" } else { "失敗" };
        view! {
            <tr class:failed=!entry.succeeded>
                <td data-label="日時">{entry.at}</td>
                <td data-label="ログイン方法">{entry.method.label()}</td>
                <td data-label="ご利用環境">{entry.environment}</td>
                <td data-label="結果">{result}</td>
            </tr>
        }
    };
    view! {
        <Screen title="ログイン履歴" id="BPF002">
            <p>"最近のログインとログインの失敗を、新しい順に20件まで表示します。お心当たりのないログインがあれば、「ログイン中の端末」でほかの端末をログアウトし、ログインパスワードを変更のうえ、お取引店へご連絡ください。"</p>
            {loaded(history, move |history| {
                let failed = history.failed_since_previous_login;
                view! {
                    <Show when=move || failed != 0>
                        <div class="notice failed-logins" role="status">
                            {format!("前回のログイン以降、ログインの失敗が{failed}回ありました。")}
                        </div>
                    </Show>
                    <div class="table-scroll">
                        <table class="accounts logins">
                            <caption class="visually-hidden">"ログイン履歴"</caption>
                            <thead><tr><th scope="col">"日時"</th><th scope="col">"ログイン方法"</th><th scope="col">"ご利用環境"</th><th scope="col">"結果"</th></tr></thead>
                            <tbody>{history.entries.into_iter().map(row).collect::<Vec<_>>()}</tbody>
                        </table>
                    </div>
                }
            })}
            <div class="actions">
                <A href="/sessions" attr:class="button secondary">"ログイン中の端末"</A>
                <A href="/home" attr:class="button secondary">"ホームへ"</A>
            </div>
        </Screen>
    }
}
