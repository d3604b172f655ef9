//! The token's face: each stored token's current code, large and grouped, the seconds left
//! in its step, a copy button, and removal with confirmation. Codes change exactly at the
//! step boundary: the page wakes at each whole second of the device clock.

use std::time::Duration;

use leptos::prelude::*;
use netbank_api::client;

use crate::components::screen::Screen;
use crate::state::now_ms;
use crate::token::clock_check::ClockCheck;
use crate::token::store::{self, grouped, StoredToken};

/// The device clock, re-read at every whole second.
fn ticking_clock() -> ReadSignal<f64> {
    let (now, set_now) = signal(now_ms());
    let handle = StoredValue::new(None::<TimeoutHandle>);
    fn schedule(set_now: WriteSignal<f64>, handle: StoredValue<Option<TimeoutHandle>>) {
        let wait = 1000.0 - now_ms().rem_euclid(1000.0) + 5.0;
        let next = set_timeout_with_handle(
            move || {
                set_now.set(now_ms());
                schedule(set_now, handle);
            },
            Duration::from_millis(wait as u64),
        );
        // The owner may be gone by now (the page was left): then stop.
        let _ = handle.try_set_value(next.ok());
    }
    schedule(set_now, handle);
    on_cleanup(move || {
        if let Some(Some(h)) = handle.try_get_value() {
            h.clear();
        }
    });
    now
}

#[component]
pub fn TokenCodes() -> impl IntoView {
    let tokens = RwSignal::new(store::load());
    let now = ticking_clock();
    let server = LocalResource::new(client::health);
    view! {
        <Screen title="ワンタイムパスワード" id="TKN003">
            <Suspense fallback=|| ()>
                {move || server.get().and_then(|r| r.ok()).map(|health| view! { <ClockCheck server_time=health.server_time /> })}
            </Suspense>
            <Show when=move || !tokens.get().is_empty() fallback=|| view! {
                <p>"この端末にはトークンが設定されていません。"</p>
                <a class="button" href="/token/setup">"初期設定をする"</a>
            }>
                <ul class="token-list">
                    <For each=move || tokens.get() key=|t| (t.service_id.clone(), t.user_id.clone()) let:token>
                        <TokenCard token now tokens />
                    </For>
                </ul>
                <a class="button secondary" href="/token/setup">"トークンを追加する"</a>
            </Show>
        </Screen>
    }
}

#[component]
fn TokenCard(token: StoredToken, now: ReadSignal<f64>, tokens: RwSignal<Vec<StoredToken>>) -> impl IntoView {
    let params = token.params();
    // A memo: the clock ticks every second, the text changes only with the step.
    let code = {
        let token = token.clone();
        Memo::new(move |_| token.code_at(now.get()).map(|c| grouped(&c)))
    };
    let left = move || params.millis_left(now.get() as i64).div_ceil(1000);
    let period = params.period;
    let copied = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let copy = move |_| {
        if let (Some(code), Some(window)) = (code.get_untracked(), web_sys::window()) {
            let _ = window.navigator().clipboard().write_text(&code.replace(' ', ""));
            copied.set(true);
            set_timeout(
                move || {
                    let _ = copied.try_set(false);
                },
                Duration::from_secs(2),
            );
        }
    };
    let (service_id, user_id) = (token.service_id.clone(), token.user_id.clone());
    let delete = move |_| {
        store::remove(&service_id, &user_id);
        tokens.set(store::load());
    };
    let label_id = format!("token-{}-{}", token.service_id, token.user_id);
    let labelled_by = label_id.clone();
    view! {
        <li class="token-card" aria-labelledby=labelled_by>
            <h2 id=label_id class="token-label">{token.label.clone()}</h2>
            <p class="token-code" aria-live="polite" aria-atomic="true">
                {move || code.get().unwrap_or_else(|| "表示できません".to_owned())}
            </p>
            <div class="token-time">
                <progress max=period value=left aria-label="次のワンタイムパスワードまでの時間"></progress>
                <span class="token-seconds">{move || format!("あと{}秒", left())}</span>
            </div>
            <dl class="facts small">
                <dt>"サービスID"</dt><dd>{token.service_id.clone()}</dd>
                <dt>"ユーザID"</dt><dd>{token.user_id.clone()}</dd>
            </dl>
            <div class="actions">
                <button type="button" class="button" on:click=copy>"コピー"</button>
                <span class="copied" role="status">{move || copied.get().then_some("コピーしました")}</span>
                <button type="button" class="button secondary" on:click=move |_| confirming.set(true)>"削除"</button>
            </div>
            <Show when=move || confirming.get()>
                <div class="confirm" role="alertdialog" aria-label="トークンの削除">
                    <p>"このトークンを削除しますか？ 削除すると、このトークンのワンタイムパスワードは表示できなくなります。利用解除の前に削除した場合は、お取引店での初期化が必要です。"</p>
                    <div class="actions">
                        <button type="button" class="button danger" on:click=delete.clone()>"削除する"</button>
                        <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>"キャンセル"</button>
                    </div>
                </div>
            </Show>
        </li>
    }
}
