//! Choosing one of the customer's accounts (お支払口座, 入金先口座, 明細の口座): a labelled
//! `<select>` whose value is `店番-口座番号`.

use leptos::prelude::*;
use netbank_api::display::account_text;
use netbank_api::identity::Account;

use crate::state::yen;

/// `店番-口座番号`, how the API names an account.
pub fn account_key(account: &Account) -> String {
    format!("{}-{}", account.branch_code, account.number)
}

/// `001 普通 1234567`.
pub fn account_label(account: &Account) -> String {
    account_text(&account.branch_code, account.kind, &account.number)
}

#[component]
pub fn AccountSelect(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    #[prop(into)] accounts: Signal<Vec<Account>>,
    /// Show each account's balance beside it.
    #[prop(optional)]
    with_balance: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    // The balance goes under the list, not into each option: a select cannot wrap, and on a
    // phone at 特大 「001 普通 1234567（残高 1,250,000円）」 was cut off mid-figure.
    let balance = move || {
        with_balance
            .then(|| accounts.with(|list| list.iter().find(|a| account_key(a) == value.get()).map(|a| a.balance)))
            .flatten()
            .map(|balance| view! { <p class="hint account-balance">{format!("残高：{}", yen(balance))}</p> })
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                {move || accounts.get().into_iter().map(|account| {
                    let key = account_key(&account);
                    let selected = value.get_untracked() == key;
                    view! { <option value=key selected=selected>{account_label(&account)}</option> }
                }).collect::<Vec<_>>()}
            </select>
            {balance}
        </div>
    }
}
