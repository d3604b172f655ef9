//! The seconds left to enter the code (BLI023's one minute), counting down live and telling
//! the screen when time is up.

use std::time::Duration;

use leptos::prelude::*;

use crate::state::now_ms;

pub fn seconds_left(deadline_ms: f64, now_ms: f64) -> u32 {
    ((deadline_ms - now_ms) / 1000.0).ceil().max(0.0) as u32
}

#[component]
pub fn Countdown(deadline_ms: f64, #[prop(into)] on_expire: Callback<()>) -> impl IntoView {
    let left = RwSignal::new(seconds_left(deadline_ms, now_ms()));
    let expired = StoredValue::new(false);
    let tick = move || {
        let now_left = seconds_left(deadline_ms, now_ms());
        left.set(now_left);
        if now_left == 0 && !expired.get_value() {
            expired.set_value(true);
            on_expire.run(());
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, Duration::from_millis(250)) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <p class="countdown" class:urgent=move || left.get() <= 10>
            "入力期限まで残り "
            <span class="seconds" aria-hidden="true">{move || left.get()}</span>
            <span aria-hidden="true">" 秒"</span>
            // Announced every ten seconds, not every second.
            <span class="visually-hidden" aria-live="polite">
                {move || { let l = left.get(); l.is_multiple_of(10).then(|| format!("残り{l}秒")) }}
            </span>
        </p>
    }
}
