//! 振替 between the customer's own accounts: 入力 (BTF002) → 確認 (BTF003) → 完了 (BTF004).

use leptos::prelude::*;
use netbank_api::banking::TransferDraft;
use netbank_api::input::Amount;

use crate::components::account_select::{account_key, AccountSelect};
use crate::components::form::NoticeBox;
use crate::components::form::{review_with, rule, Field, FormAlert, FormError, ReviewActions};
use crate::components::screen::Screen;
use crate::components::shell::Me;
use crate::pages::transfer_flow::{flow_step, quote_action, Step, TransferConfirm, TransferDone};
use crate::state::remembered;

/// What the tab keeps of this flow (sessionStorage), under this name.
const FORM: &str = "transfer-own";

#[component]
pub fn TransferOwnPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let accounts = Signal::derive(move || me.with(|me| me.accounts.clone()));
    let first = |index: usize| accounts.get_untracked().get(index).map(account_key).unwrap_or_default();
    let from = remembered(FORM, "from", first(0));
    let to = remembered(FORM, "to", first(1));
    let amount = remembered(FORM, "amount", String::new());
    let (step, lost) = flow_step(FORM);
    let error = FormError::new();
    let destinations =
        Signal::derive(move || accounts.get().into_iter().filter(|a| account_key(a) != from.get()).collect::<Vec<_>>());
    // The destination follows the source when they would be the same.
    Effect::new(move |_| {
        if to.get() == from.get() || to.get().is_empty() {
            if let Some(other) = destinations.get().first() {
                to.set(account_key(other));
            }
        }
    });
    let draft = move || {
        let (branch, number) = to.get().split_once('-').map(|(b, n)| (b.to_owned(), n.to_owned())).unwrap_or_default();
        let kind = accounts
            .get()
            .iter()
            .find(|a| account_key(a) == to.get())
            .map(|a| a.kind)
            .unwrap_or(netbank_api::identity::AccountKind::Ordinary);
        TransferDraft {
            from_account: from.get(),
            to_branch_code: branch,
            to_kind: kind,
            to_account_number: number,
            amount: amount.get(),
            requester_name: String::new(),
            execution_date: String::new(),
        }
    };
    let invalid = Signal::derive(move || draft().check().is_err());
    let quote = quote_action(step, error);
    let review = review_with(invalid, error, move || {
        quote.dispatch(untrack(draft));
    });
    move || {
        match step.get() {
        Step::Input => view! {
            <Screen title="振替（入力）" id="BTF002">
                <NoticeBox message=lost.map(str::to_owned) />
                <Show when=move || { accounts.get().len() >= 2 }
                    fallback=|| view! { <div class="info-box">"振替には、ご本人名義の口座が2つ以上必要です。"</div> }>
                    <form on:submit=review novalidate=true>
                        <FormAlert error=error />
                        <AccountSelect label="お支払口座" name="from_account" value=from accounts=accounts with_balance=true />
                        <AccountSelect label="入金先口座" name="to_account_number" value=to accounts=destinations with_balance=true />
                        <Field label="金額（円）" name="amount" value=amount check=rule(Amount::parse)
                            inputmode="numeric" autocomplete="off" maxlength=Amount::SPEC.max_len hint=Amount::SPEC.hint />
                        <ReviewActions invalid=invalid back_to="/transfer" pending=quote.pending() />
                    </form>
                </Show>
            </Screen>
        }.into_any(),
        Step::Confirm(draft, quote) => view! { <TransferConfirm draft quote step error /> }.into_any(),
        Step::Done(receipt) => view! { <TransferDone receipt /> }.into_any(),
    }
    }
}
