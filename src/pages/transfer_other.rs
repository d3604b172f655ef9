//! 振込 to another customer of the credit union: 入力 (BTF011: the payee by 店番・科目・口座番号
//! or from 登録振込先, the server answering the 受取人名; then the amount, 依頼人名 and 振込指定日
//! — now, or a 振込予約) → 確認
//! with the one-time password (BTF012) → 完了 (BTF013). Without a token in use, guidance to
//! start the one-time password instead of a form.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use netbank_api::banking::{Payee, PayeeLookupRequest, TransferDraft};
use netbank_api::client;
use netbank_api::display::account_text;
use netbank_api::identity::AccountKind;
use netbank_api::input::{AccountNumber, Amount, BranchCode, KanaName};

use crate::components::account_select::{account_key, AccountSelect};
use crate::components::execution_date::{ExecutionDate, Network};
use crate::components::form::NoticeBox;
use crate::components::form::{review_with, rule, Field, FormAlert, FormError, ReviewActions};
use crate::components::screen::Screen;
use crate::components::second_factor::SecondFactorRequired;
use crate::components::shell::{leave_for_lost_session, session_lost, Me};
use crate::pages::transfer_flow::{flow_step, quote_action, Step, TransferConfirm, TransferDone};
use crate::state::remembered;

/// What the tab keeps of this flow (sessionStorage), under this name.
const FORM: &str = "transfer-other";

#[component]
pub fn TransferOtherPage() -> impl IntoView {
    let me = expect_context::<Me>();
    // The server's rule: a token in use or a passkey.
    let otp_in_use = move || me.with(|me| me.factors().may_send_transfer().is_ok());
    view! {
        <Show when=otp_in_use fallback=|| view! { <SecondFactorRequired title="振込（入力）" id="BTF011" /> }>
            <TransferOtherFlow />
        </Show>
    }
}

#[component]
fn TransferOtherFlow() -> impl IntoView {
    let me = expect_context::<Me>();
    let accounts = Signal::derive(move || me.with(|me| me.accounts.clone()));
    let query = use_query_map();
    let field = |name, initial| remembered(FORM, name, initial);
    let from = field("from", accounts.get_untracked().first().map(account_key).unwrap_or_default());
    let branch = field("branch", String::new());
    let kind = remembered(FORM, "kind", AccountKind::Ordinary);
    let number = field("number", String::new());
    let payee = remembered(FORM, "payee", None::<Payee>);
    let amount = field("amount", String::new());
    let requester = field("requester", String::new());
    let date = field("date", String::new());
    // 登録振込先's 振込 names the payee in the address.
    if let (Some(b), Some(n)) = query.with_untracked(|q| (q.get("branch"), q.get("number"))) {
        branch.set(b);
        number.set(n);
    }
    let (step, lost) = flow_step(FORM);
    let error = FormError::new();
    let leave = leave_for_lost_session();
    let saved = LocalResource::new(client::payees);

    // 依頼人名 starts as the source account's holder and follows it until the customer edits it.
    let edited = remembered(FORM, "requester-edited", false);
    Effect::new(move |_| {
        let holder = accounts.get().into_iter().find(|a| account_key(a) == from.get()).and_then(|a| a.holder_kana);
        if !edited.get_untracked() {
            requester.set(holder.unwrap_or_default());
        }
    });
    // A changed account number is another payee: the name must be asked again.
    Effect::new(move |_| {
        let (b, k, n) = (branch.get(), kind.get(), number.get());
        if payee
            .with_untracked(|p| p.as_ref().is_some_and(|p| p.branch_code != b || p.kind != k || p.account_number != n))
        {
            payee.set(None);
        }
    });
    let lookup_request =
        move || PayeeLookupRequest { branch_code: branch.get(), kind: kind.get(), account_number: number.get() };
    let lookup_invalid = Signal::derive(move || lookup_request().check().is_err());
    let lookup = Action::new_local(move |request: &PayeeLookupRequest| {
        let request = request.clone();
        async move {
            match client::lookup_payee(request).await {
                Ok(found) => {
                    error.set(None);
                    payee.set(Some(found));
                }
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let draft = move || TransferDraft {
        from_account: from.get(),
        to_branch_code: branch.get(),
        to_kind: kind.get(),
        to_account_number: number.get(),
        amount: amount.get(),
        requester_name: requester.get(),
        execution_date: date.get(),
    };
    let invalid = Signal::derive(move || payee.with(Option::is_none) || draft().check().is_err());
    let quote = quote_action(step, error);
    let review = review_with(invalid, error, move || {
        quote.dispatch(untrack(draft));
    });
    let pick = move |chosen: Payee| {
        branch.set(chosen.branch_code.clone());
        kind.set(chosen.kind);
        number.set(chosen.account_number.clone());
        payee.set(Some(chosen));
    };
    let saved_list = move || {
        saved.get().and_then(Result::ok).filter(|list| !list.payees.is_empty()).map(|list| view! {
            <fieldset class="saved-payees">
                <legend>"登録振込先から選ぶ"</legend>
                <ul>
                    {list.payees.into_iter().map(|saved| {
                        let chosen = saved.payee.clone();
                        view! {
                            <li>
                                <button type="button" class="button secondary" on:click=move |_| pick(chosen.clone())>
                                    {format!("{} {}", account_text(&saved.payee.branch_code, saved.payee.kind, &saved.payee.account_number), saved.payee.name)}
                                </button>
                            </li>
                        }
                    }).collect::<Vec<_>>()}
                </ul>
            </fieldset>
        })
    };
    move || {
        match step.get() {
        Step::Input => view! {
            <Screen title="振込（入力）" id="BTF011">
                <NoticeBox message=lost.map(str::to_owned) />
                <form on:submit=review novalidate=true>
                    <FormAlert error=error />
                    {saved_list}
                    <fieldset class="payee">
                        <legend>"振込先"</legend>
                        <Field label="店番" name="to_branch_code" value=branch check=rule(BranchCode::parse)
                            inputmode="numeric" autocomplete="off" maxlength=BranchCode::SPEC.max_len hint=BranchCode::SPEC.hint />
                        <div class="field">
                            <label for="field-to_kind">"科目"</label>
                            <select id="field-to_kind" name="to_kind" on:change=move |ev| {
                                if let Some(chosen) = AccountKind::from_db(&event_target_value(&ev)) {
                                    kind.set(chosen);
                                }
                            }>
                                {AccountKind::ALL.into_iter().map(|k| view! {
                                    <option value=k.as_str() selected=move || kind.get() == k>{k.label()}</option>
                                }).collect::<Vec<_>>()}
                            </select>
                        </div>
                        <Field label="口座番号" name="to_account_number" value=number check=rule(AccountNumber::parse)
                            inputmode="numeric" autocomplete="off" maxlength=AccountNumber::SPEC.max_len hint=AccountNumber::SPEC.hint />
                        <button type="button" class="button secondary" disabled=move || lookup_invalid.get() || lookup.pending().get()
                            on:click=move |_| { error.set(None); lookup.dispatch(untrack(lookup_request)); }>
                            "受取人を確認"
                        </button>
                        <p class="hint" hidden=move || !lookup_invalid.get()>"店番と口座番号を入力すると押せます。"</p>
                        {move || payee.get().map(|p| view! {
                            <dl class="facts"><dt>"受取人名"</dt><dd class="payee-name">{p.name}</dd></dl>
                        })}
                    </fieldset>
                    <Show when=move || payee.with(Option::is_some)>
                        <AccountSelect label="お支払口座" name="from_account" value=from accounts=accounts with_balance=true />
                        <Field label="金額（円）" name="amount" value=amount check=rule(Amount::parse)
                            inputmode="numeric" autocomplete="off" maxlength=Amount::SPEC.max_len hint=Amount::SPEC.hint />
                        <div on:input=move |_| edited.set(true)>
                            <Field label="依頼人名" name="requester_name" value=requester check=rule(KanaName::parse)
                                autocomplete="off" maxlength=KanaName::SPEC.max_len hint=KanaName::SPEC.hint />
                        </div>
                        <ExecutionDate date network=Network::OwnBank />
                    </Show>
                    <ReviewActions invalid=invalid back_to="/transfer" pending=quote.pending() />
                </form>
            </Screen>
        }.into_any(),
        Step::Confirm(draft, quote) => view! { <TransferConfirm draft quote step error /> }.into_any(),
        Step::Done(receipt) => view! { <TransferDone receipt /> }.into_any(),
    }
    }
}
