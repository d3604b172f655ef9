//! ソフトウェアキーボード: an on-screen keyboard for the password, so a key logger on the
//! device sees clicks, not keys. The key order is shuffled each time it opens.

use leptos::prelude::*;

const LETTERS: &str = "abcdefghijklmnopqrstuvwxyz";
const DIGITS: &str = "0123456789";
/// Every printable ASCII symbol: a password may hold any of them (api's `NewPassword`).
const SYMBOLS: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// Fisher–Yates with the browser's random numbers (the order only has to be unpredictable
/// to an onlooker, not secret).
pub fn shuffled(keys: &str) -> Vec<char> {
    let mut keys: Vec<char> = keys.chars().collect();
    for i in (1..keys.len()).rev() {
        let j = (js_sys::Math::random() * (i + 1) as f64) as usize;
        keys.swap(i, j.min(i));
    }
    keys
}

#[component]
pub fn SoftwareKeyboard(
    /// The password being typed.
    value: RwSignal<String>,
    max_len: usize,
) -> impl IntoView {
    // One shuffle per opening: this component is mounted when the checkbox is ticked.
    let digits = shuffled(DIGITS);
    let letters = shuffled(LETTERS);
    let symbols = shuffled(SYMBOLS);
    let upper = RwSignal::new(false);
    let press = move |c: char| {
        value.update(|v| {
            if v.chars().count() < max_len {
                v.push(if upper.get_untracked() { c.to_ascii_uppercase() } else { c });
            }
        })
    };
    let key = move |c: char| {
        view! {
            <button type="button" class="key" on:click=move |_| press(c)>
                {move || if upper.get() { c.to_ascii_uppercase().to_string() } else { c.to_string() }}
            </button>
        }
    };
    view! {
        <div class="software-keyboard" role="group" aria-label="ソフトウェアキーボード">
            <div class="keys digits">{digits.into_iter().map(key).collect_view()}</div>
            <div class="keys letters">{letters.into_iter().map(key).collect_view()}</div>
            <div class="keys symbols">{symbols.into_iter().map(key).collect_view()}</div>
            <div class="keys controls">
                <button type="button" class="key wide" on:click=move |_| press(' ')>"スペース"</button>
                <button type="button" class="key wide" aria-pressed=move || upper.get().to_string()
                    on:click=move |_| upper.update(|u| *u = !*u)>"英大文字"</button>
                <button type="button" class="key wide" on:click=move |_| value.update(|v| { v.pop(); })>
                    "1文字削除"
                </button>
                <button type="button" class="key wide" on:click=move |_| value.set(String::new())>"クリア"</button>
            </div>
        </div>
    }
}
