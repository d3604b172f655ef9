//! 振込指定日: now (or a 他行振込's earliest day) or a business day up to 30 days ahead — a
//! 振込予約 — as the server's calendar lists them, for 振込 within the credit union and to
//! other banks alike.

use leptos::prelude::*;
use netbank_api::client::{self, ClientError};
use netbank_api::interbank::BookableDates;

/// Whose calendar: a 振込 within the credit union is made at once or booked from tomorrow; a
/// 他行振込 leaves on its earliest business day or is booked after it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Network {
    OwnBank,
    OtherBanks,
}

#[component]
pub fn ExecutionDate(date: RwSignal<String>, network: Network) -> impl IntoView {
    let dates = LocalResource::new(move || async move {
        let listed: Result<BookableDates, ClientError> = match network {
            Network::OwnBank => client::transfer_dates().await,
            Network::OtherBanks => client::interbank_dates().await,
        };
        listed
    });
    let first = move |dates: &BookableDates| match network {
        Network::OwnBank => "今すぐ振り込む".to_owned(),
        Network::OtherBanks => format!("最短（{}）", dates.earliest),
    };
    let hint = match network {
        Network::OwnBank => "後日を選ぶと振込予約になります。指定日の朝に振り込み、前日まで振込照会から取り消せます。",
        Network::OtherBanks => "後日を選ぶと振込予約になります。振込指定日の朝に引き落とし、前日まで取り消せます。",
    };
    view! {
        <div class="field">
            <label for="field-execution_date">"振込指定日"</label>
            <select id="field-execution_date" name="execution_date" on:change=move |ev| date.set(event_target_value(&ev))>
                {move || dates.get().and_then(Result::ok).map(|dates| {
                    let earliest = first(&dates);
                    view! {
                        <option value="" selected=move || date.get().is_empty()>{earliest}</option>
                        {dates.dates.into_iter().map(|d| {
                            let value = d.date.clone();
                            view! { <option value=d.date selected=move || date.get() == value>{format!("予約：{}", d.label)}</option> }
                        }).collect::<Vec<_>>()}
                    }
                })}
            </select>
            <p class="hint">{hint}</p>
        </div>
    }
}
