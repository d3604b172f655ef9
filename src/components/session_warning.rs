//! The warning a minute before the session ends for want of a request: the seconds left and
//! 「延長する」 (one request), so what the customer was typing is not taken by surprise. When
//! the time is over, the page asks the server once more (another tab may have kept the
//! session alive) and leaves for the login only when the server says it ended. What was
//! typed into a 振込 or 振替 stays in the tab (`state::remembered`) for after the login.

use std::time::Duration;

use leptos::prelude::*;
use netbank_api::client;
use netbank_api::identity::SessionClock;

use crate::components::shell::{leave_for_lost_session, session_lost, Me};
use crate::state::now_ms;

/// How late after the computed end the page asks: the server counts from when it read the
/// request, a little after the page sent it, and must have ended the session by then.
const GRACE_MS: f64 = 2_000.0;

#[component]
pub fn SessionWarning() -> impl IntoView {
    let me = expect_context::<Me>();
    // The limits as the last answer gave them, and when that answer came.
    let clock = Memo::new(move |_| me.with(|me| me.session));
    let answered_at = RwSignal::new(now_ms());
    Effect::new(move |_| {
        clock.track();
        answered_at.set(now_ms());
    });
    let now = RwSignal::new(now_ms());
    if let Ok(handle) = set_interval_with_handle(move || now.set(now_ms()), Duration::from_millis(500)) {
        on_cleanup(move || handle.clear());
    }
    let elapsed = move || now.get() - answered_at.get();
    let since_use = move || now.get() - client::last_session_use_ms().max(answered_at.get());
    let left = Memo::new(move |_| {
        let clock = clock.get();
        if clock.idle_seconds == 0 {
            u32::MAX
        } else {
            clock.left(elapsed(), since_use())
        }
    });
    let leave = leave_for_lost_session();
    let extend = Action::new_local(move |_: &()| async move {
        match client::me().await {
            Ok(answer) => me.update(|current| current.session = answer.session),
            Err(failure) if session_lost(&failure) => leave.run(failure),
            Err(_) => {}
        }
    });
    // Past the end: one question to the server, which either ends the visit or (another tab
    // kept the session) starts the count again.
    let asked = StoredValue::new(false);
    Effect::new(move |_| {
        if left.get() > 0 {
            asked.set_value(false);
            return;
        }
        let overdue = since_use() > f64::from(clock.get().idle_seconds) * 1000.0 + GRACE_MS
            || elapsed() > f64::from(clock.get().remaining_seconds) * 1000.0 + GRACE_MS;
        if overdue && !asked.get_value() && !extend.pending().get_untracked() {
            asked.set_value(true);
            extend.dispatch(());
        }
    });
    let shown = move || left.get() <= SessionClock::WARNING_SECONDS;
    let can_extend = move || clock.get().can_extend(elapsed());
    let button = NodeRef::<leptos::html::Button>::new();
    // The dialog takes focus when it opens, so a keyboard or screen reader meets it at once.
    Effect::new(move |_| {
        if let Some(button) = button.get() {
            let _ = button.focus();
        }
    });
    view! {
        <Show when=shown>
            <div class="session-warning" role="alertdialog" aria-modal="true"
                aria-labelledby="session-warning-title" aria-describedby="session-warning-text">
                <div class="session-warning-box">
                    <h2 id="session-warning-title">"まもなくログアウトします"</h2>
                    <p id="session-warning-text">
                        {move || format!("一定時間操作がないため、あと{}秒で自動的にログアウトします。", left.get())}
                        {move || if can_extend() {
                            "続けてご利用になる場合は「延長する」を押してください。入力中の内容はそのまま残ります。"
                        } else {
                            "ログインから一定時間が経過したため、延長はできません。入力中の内容は、再度ログインした後も残ります。"
                        }}
                    </p>
                    <Show when=can_extend>
                        <button type="button" class="button primary" node_ref=button
                            disabled=move || extend.pending().get() on:click=move |_| { extend.dispatch(()); }>
                            {move || if extend.pending().get() { "処理中…" } else { "延長する" }}
                        </button>
                    </Show>
                </div>
            </div>
        </Show>
    }
}
