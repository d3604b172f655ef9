//! STF010 お客様検索 and STF011 お客様情報: what the branch knows of the customer, and the
//! 依頼書 a 窓口 takes at the counter — its kind, number, date and how identity was checked —
//! proposed for a 役席's approval. What is typed stays for the tab (back and reload keep it).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use netbank_api::client;
use netbank_api::staff::{
    kind_label, CounterDeposit, IdentityCheck, ProposalAction, ProposalView, ProposeRequest, Role, StaffCustomer,
    ACTION_KINDS,
};

use crate::components::screen::Screen;
use crate::staff_console::shell::{failure_text, Clerk};
use crate::state::{remembered, yen};

#[component]
pub fn Search() -> impl IntoView {
    let query = remembered("staff-search", "q", String::new());
    let submitted = RwSignal::new(query.get_untracked());
    let hits = LocalResource::new(move || {
        let q = submitted.get();
        async move {
            match q.trim().is_empty() {
                true => Ok(None),
                false => client::staff::search(&q).await.map(Some),
            }
        }
    });
    view! {
        <Screen title="お客様検索" id="STF010">
            <form role="search" on:submit=move |ev| { ev.prevent_default(); submitted.set(query.get_untracked()); }>
                <div class="field">
                    <label for="field-q">"店番-口座番号、口座番号、ログインID、または口座名義（カタカナ）"</label>
                    <input id="field-q" name="q" type="search" spellcheck="false"
                        prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
                </div>
                <div class="actions"><button type="submit" class="button primary">"検索"</button></div>
            </form>
            <Suspense fallback=|| view! { <p class="loading" role="status">"検索中…"</p> }>
                {move || hits.get().map(|result| match result {
                    Ok(None) => ().into_any(),
                    Ok(Some(list)) if list.is_empty() => view! { <p role="status">"該当するお客様はいません。"</p> }.into_any(),
                    Ok(Some(list)) => view! {
                        <ul class="cards hits">
                            {list.into_iter().map(|hit| view! {
                                <li class="card">
                                    <A href=format!("/customers/{}", hit.id)>{format!("{} 様", hit.name)}</A>
                                    <dl class="facts stacked small">
                                        <dt>"口座名義"</dt><dd>{hit.kana.unwrap_or_default()}</dd>
                                        <dt>"ログインID"</dt><dd>{hit.login_id.unwrap_or_else(|| "（未登録）".into())}</dd>
                                        <dt>"口座"</dt><dd>{hit.accounts.join("、")}</dd>
                                    </dl>
                                </li>
                            }).collect::<Vec<_>>()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <div class="error-box" role="alert">{failure_text(error)}</div> }.into_any(),
                })}
            </Suspense>
        </Screen>
    }
}

/// One proposal's line, on the customer's page and in the 役席's queue.
pub fn proposal_card(proposal: &ProposalView) -> impl IntoView {
    view! {
        <dl class="facts stacked small proposal">
            <dt>"起案番号"</dt><dd>{proposal.id}</dd>
            <dt>"依頼内容"</dt><dd class="proposal-kind">{proposal.action_label.clone()}</dd>
            <dt>"詳細"</dt><dd>{proposal.summary.clone()}</dd>
            <dt>"依頼書"</dt><dd>{format!("{}（{}）", proposal.form_number, proposal.form_date)}</dd>
            <dt>"本人確認"</dt><dd>{proposal.identity_check.label()}</dd>
            <dt>"起案者"</dt><dd>{format!("{}（{}）", proposal.proposed_by, proposal.proposed_at)}</dd>
            <dt>"状態"</dt><dd class="proposal-status">{proposal.status.label()}</dd>
            {proposal.decided_by.clone().map(|by| view! { <dt>"処理者"</dt><dd>{by}</dd> })}
        </dl>
    }
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let version = RwSignal::new(0u32);
    let customer = LocalResource::new(move || {
        version.track();
        client::staff::customer(id())
    });
    let clerk = expect_context::<Clerk>();
    // Outside the part that reloads after a proposal, so its answer stays on screen.
    let message = RwSignal::new(None::<(bool, String)>);
    view! {
        <Screen title="お客様情報" id="STF011">
            <Suspense fallback=|| view! { <p class="loading" role="status">"読み込み中…"</p> }>
                {move || customer.get().map(|result| match result {
                    Ok(customer) => view! {
                        <Facts customer=customer.clone() />
                        <Show when=move || clerk.has(Role::Teller)>
                            <Intake customer=customer.clone() version=version message=message />
                        </Show>
                    }.into_any(),
                    Err(error) => view! { <div class="error-box" role="alert">{failure_text(error)}</div> }.into_any(),
                })}
            </Suspense>
            <div class="actions"><A href="/customers" attr:class="button secondary">"検索へ戻る"</A></div>
        </Screen>
    }
}

#[component]
fn Facts(customer: StaffCustomer) -> impl IntoView {
    view! {
        <h2 class="customer-title">{format!("{} 様", customer.name)}</h2>
        <dl class="facts stacked">
            <dt>"お客様番号"</dt><dd>{customer.id}</dd>
            <dt>"口座名義"</dt><dd>{customer.kana.clone().unwrap_or_default()}</dd>
            <dt>"ログインID"</dt><dd>{customer.login_id.clone().unwrap_or_else(|| "（未登録）".into())}</dd>
            <dt>"ログイン"</dt><dd class="login-state">{if customer.login_locked { "ロック中" } else { "利用可" }}</dd>
            <dt>"ワンタイムパスワード"</dt><dd class="otp-state">{customer.otp_state.clone()}</dd>
            <dt>"パスキー"</dt><dd>{if customer.passkeys.is_empty() { "なし".to_owned() } else { customer.passkeys.join("、") }}</dd>
            <dt>"ログイン中の端末"</dt><dd>{format!("{}台", customer.live_sessions)}</dd>
            <dt>"通知先メールアドレス"</dt><dd>{customer.notice_address.clone().unwrap_or_else(|| "（未登録）".into())}</dd>
            <dt>"凍結"</dt><dd>{customer.frozen.clone().map(|why| format!("凍結中（{why}）")).unwrap_or_else(|| "なし".into())}</dd>
        </dl>
        <h2>"口座"</h2>
        <ul class="cards">
            {customer.accounts.iter().map(|a| view! {
                <li class="card">
                    <p><strong>{a.text.clone()}</strong></p>
                    <p>{format!("残高 {}", yen(a.balance))}{(a.held != 0).then(|| format!("（うち拘束中 {}）", yen(a.held)))}</p>
                </li>
            }).collect::<Vec<_>>()}
        </ul>
        <h2>"起案"</h2>
        {if customer.proposals.is_empty() {
            view! { <p>"起案はありません。"</p> }.into_any()
        } else {
            view! { <ul class="cards">{customer.proposals.iter().map(|p| view! { <li class="card">{proposal_card(p)}</li> }).collect::<Vec<_>>()}</ul> }.into_any()
        }}
        <h2>"最近の記録"</h2>
        <ul class="cards audit-lines">
            {customer.recent_audit.iter().take(10).map(|line| view! {
                <li class="card small">
                    {format!("{} {} {}{}", line.at, line.event, line.result,
                        line.staff.as_ref().map(|s| format!("（{s}）")).unwrap_or_default())}
                </li>
            }).collect::<Vec<_>>()}
        </ul>
    }
}

/// Today in Japan as `YYYY-MM-DD` (the 依頼書's date defaults to it).
fn today() -> String {
    let (y, m, d) = crate::state::jst_today();
    format!("{y:04}-{m:02}-{d:02}")
}

#[component]
fn Intake(customer: StaffCustomer, version: RwSignal<u32>, message: RwSignal<Option<(bool, String)>>) -> impl IntoView {
    let form = "staff-intake";
    let kind = remembered(form, "kind", "lift_suspension".to_owned());
    let form_number = remembered(form, "form_number", String::new());
    let form_date = remembered(form, "form_date", today());
    let identity = remembered(form, "identity", "seal_and_document".to_owned());
    let address = remembered(form, "address", String::new());
    let account = remembered(form, "account", customer.accounts.first().map(|a| a.id).unwrap_or(0));
    let amount = remembered(form, "amount", String::new());
    let description = remembered(form, "description", "窓口入金".to_owned());
    let receipt = remembered(form, "receipt", String::new());
    let reason = remembered(form, "reason", String::new());
    let note = remembered(form, "note", String::new());
    let customer_id = customer.id;
    let action = move || -> ProposalAction {
        let amount = amount.get_untracked().replace([',', '円'], "").trim().parse::<i64>().unwrap_or(0);
        let (receipt, reason) = (receipt.get_untracked(), reason.get_untracked());
        match kind.get_untracked().as_str() {
            "initialise_otp" => ProposalAction::InitialiseOtp,
            "unlock_login" => ProposalAction::UnlockLogin,
            "remove_passkeys" => ProposalAction::RemovePasskeys,
            "reissue_temporary_password" => ProposalAction::ReissueTemporaryPassword,
            "set_notice_address" => ProposalAction::SetNoticeAddress { address: address.get_untracked() },
            "deposit" => ProposalAction::Deposit {
                account_id: account.get_untracked(),
                amount,
                description: description.get_untracked(),
            },
            "release_hold" => ProposalAction::ReleaseHold { receipt, reason },
            "reject_hold" => ProposalAction::RejectHold { receipt, reason },
            "freeze" => ProposalAction::Freeze { reason },
            "unfreeze" => ProposalAction::Unfreeze { reason },
            _ => ProposalAction::LiftSuspension,
        }
    };
    let propose = Action::new_local(move |_: &()| {
        let request = ProposeRequest {
            customer_id,
            action: action(),
            form_number: form_number.get_untracked(),
            form_date: form_date.get_untracked(),
            identity_check: IdentityCheck::parse(&identity.get_untracked()).unwrap_or(IdentityCheck::SealAndDocument),
            note: note.get_untracked(),
        };
        async move {
            match client::staff::propose(request).await {
                Ok(proposal) => {
                    crate::state::forget_form(form, &[]);
                    form_number.set(String::new());
                    message.set(Some((
                        true,
                        format!("起案しました（起案番号 {}）。役席の承認をお待ちください。", proposal.id),
                    )));
                    version.update(|v| *v += 1);
                }
                Err(error) => message.set(Some((false, failure_text(error)))),
            }
        }
    });
    let deposit = Action::new_local(move |_: &()| {
        let amount = amount.get_untracked().replace([',', '円'], "").trim().parse::<i64>().unwrap_or(0);
        let request =
            CounterDeposit { account_id: account.get_untracked(), amount, description: description.get_untracked() };
        async move {
            match client::staff::deposit(customer_id, request).await {
                Ok(done) => {
                    message.set(Some((true, format!("入金しました。残高 {}", yen(done.balance)))));
                    version.update(|v| *v += 1);
                }
                Err(error) => message.set(Some((false, failure_text(error)))),
            }
        }
    });
    let shows = move |kinds: &'static [&'static str]| move || kinds.contains(&kind.get().as_str());
    let text_field = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=format!("field-{id}")>{label}</label>
                <input id=format!("field-{id}") name=id prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    let accounts = customer.accounts.clone();
    view! {
        <h2 id="intake">"依頼書の受付"</h2>
        <form class="intake" on:submit=move |ev| { ev.prevent_default(); propose.dispatch(()); }>
            <div class="field">
                <label for="field-kind">"依頼内容"</label>
                <select id="field-kind" name="kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                    {ACTION_KINDS.iter().map(|k| view! { <option value=*k>{kind_label(k)}</option> }).collect::<Vec<_>>()}
                </select>
            </div>
            <Show when=shows(&["set_notice_address"])>{text_field("address", "通知先メールアドレス", address)}</Show>
            <Show when=shows(&["deposit"])>
                <div class="field">
                    <label for="field-account">"入金口座"</label>
                    <select id="field-account" name="account" on:change=move |ev| account.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {accounts.iter().map(|a| view! { <option value=a.id.to_string() selected=a.id == account.get_untracked()>{a.text.clone()}</option> }).collect::<Vec<_>>()}
                    </select>
                </div>
                {text_field("amount", "金額（円）", amount)}
                {text_field("description", "摘要", description)}
            </Show>
            <Show when=shows(&["release_hold", "reject_hold"])>{text_field("receipt", "受付番号", receipt)}</Show>
            <Show when=shows(&["release_hold", "reject_hold", "freeze", "unfreeze"])>{text_field("reason", "理由", reason)}</Show>
            {text_field("form_number", "依頼書番号", form_number)}
            <div class="field">
                <label for="field-form_date">"依頼書の日付"</label>
                <input id="field-form_date" name="form_date" type="date" prop:value=move || form_date.get()
                    on:input=move |ev| form_date.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="field-identity">"本人確認"</label>
                <select id="field-identity" name="identity" prop:value=move || identity.get() on:change=move |ev| identity.set(event_target_value(&ev))>
                    {IdentityCheck::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect::<Vec<_>>()}
                </select>
            </div>
            {text_field("note", "備考（任意）", note)}
            // Beside the button that was pressed: on a phone the top of the page is far away.
            {move || message.get().map(|(ok, text)| match ok {
                true => view! { <div class="info-box" role="status">{text}</div> }.into_any(),
                false => view! { <div class="error-box" role="alert">{text}</div> }.into_any(),
            })}
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || propose.pending().get()>"起案する"</button>
                <Show when=shows(&["deposit"])>
                    <button type="button" class="button secondary" disabled=move || deposit.pending().get()
                        on:click=move |_| { deposit.dispatch(()); }>"承認不要の金額を入金する"</button>
                </Show>
            </div>
        </form>
    }
}
