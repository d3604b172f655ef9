//! BPF003 ログイン中の端末: where the customer is logged in now, and a way to end any session
//! but this one — one at a time, or all of them at once after a login they do not recognise.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client;
use netbank_api::logins::LiveSession;

use crate::components::loaded::loaded;
use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost};

/// What the customer asked to end.
#[derive(Clone)]
enum Ending {
    One(String),
    Others,
}

#[component]
pub fn SessionsPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let sessions = LocalResource::new(move || {
        version.track();
        client::sessions()
    });
    let leave = leave_for_lost_session();
    let message = RwSignal::new(None::<String>);
    let end = Action::new_local(move |ending: &Ending| {
        let ending = ending.clone();
        async move {
            let ended = match ending {
                Ending::One(id) => client::logout_session(&id).await,
                Ending::Others => client::logout_other_sessions().await,
            };
            match ended {
                Ok(ended) => message.set(Some(format!("{}台の端末をログアウトしました。", ended.ended))),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => message.set(Some(failure.to_string())),
            }
            version.update(|v| *v += 1);
        }
    });
    let card = move |session: LiveSession| {
        let id = session.id.clone();
        let name = if session.current { "この端末" } else { "ほかの端末" };
        view! {
            <li class="session" class:current=session.current>
                <p class="session-name"><strong>{name}</strong></p>
                <dl class="facts stacked">
                    <dt>"ご利用環境"</dt><dd class="session-environment">{session.environment}</dd>
                    <dt>"ログイン日時"</dt><dd>{session.login_at}</dd>
                    <dt>"最終利用日時"</dt><dd>{session.last_used_at}</dd>
                </dl>
                <Show when=move || !session.current>
                    {
                        let id = id.clone();
                        view! {
                            <button type="button" class="button secondary" disabled=move || end.pending().get()
                                on:click=move |_| { end.dispatch(Ending::One(id.clone())); }>"この端末をログアウト"</button>
                        }
                    }
                </Show>
            </li>
        }
    };
    view! {
        <Screen title="ログイン中の端末" id="BPF003">
            <p>"現在ログインしている端末です。お心当たりのない端末があれば、ログアウトしたうえでログインパスワードを変更してください。"</p>
            {move || message.get().map(|text| view! { <div class="info-box" role="status">{text}</div> })}
            {loaded(sessions, move |list| {
                let others = list.sessions.iter().filter(|s| !s.current).count();
                view! {
                    <ul class="sessions">{list.sessions.into_iter().map(card).collect::<Vec<_>>()}</ul>
                    <Show when=move || others != 0 fallback=|| view! { <p>"ほかにログイン中の端末はありません。"</p> }>
                        <div class="actions">
                            <button type="button" class="button danger" disabled=move || end.pending().get()
                                on:click=move |_| { end.dispatch(Ending::Others); }>"この端末以外をすべてログアウト"</button>
                        </div>
                    </Show>
                }
            })}
            <div class="actions">
                <A href="/logins" attr:class="button secondary">"ログイン履歴"</A>
                <A href="/home" attr:class="button secondary">"ホームへ"</A>
            </div>
        </Screen>
    }
}
