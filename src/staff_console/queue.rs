//! STF020 承認待ち (the 役席's queue: approve or reject what another person proposed; a
//! proposal of one's own is refused by the server, and the screen says so) and STF021 確認中の
//! 振込 (the risk holds, each opening its customer's page to propose the release or the
//! rejection).

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client;
use netbank_api::staff::{DecisionRequest, DecisionResponse, ProposalView};

use crate::components::screen::Screen;
use crate::staff_console::customer::proposal_card;
use crate::staff_console::shell::{failure_text, listed};
use crate::state::yen;

#[derive(Clone)]
enum Decision {
    Approve(i64, String),
    Reject(i64, String),
}

#[component]
pub fn Approvals() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let queue = LocalResource::new(move || {
        version.track();
        client::staff::queue()
    });
    let result = RwSignal::new(None::<Result<DecisionResponse, String>>);
    let decide = Action::new_local(move |decision: &Decision| {
        let decision = decision.clone();
        async move {
            let answer = match decision {
                Decision::Approve(id, reason) => client::staff::approve(id, DecisionRequest { reason }).await,
                Decision::Reject(id, reason) => client::staff::reject(id, DecisionRequest { reason }).await,
            };
            result.set(Some(answer.map_err(failure_text)));
            version.update(|v| *v += 1);
        }
    });
    let card = move |proposal: ProposalView| {
        let reason = RwSignal::new(String::new());
        let id = proposal.id;
        let field = format!("reason-{id}");
        view! {
            <li class="card">
                <p><A href=format!("/customers/{}", proposal.customer_id)>{format!("{} 様", proposal.customer_name)}</A></p>
                {proposal_card(&proposal)}
                {(!proposal.note.is_empty()).then(|| view! { <p class="small">{format!("備考：{}", proposal.note)}</p> })}
                <div class="field">
                    <label for=field.clone()>"理由（否認のときは必須）"</label>
                    <input id=field name="reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </div>
                <div class="actions">
                    <button type="button" class="button primary" disabled=move || decide.pending().get()
                        on:click=move |_| { decide.dispatch(Decision::Approve(id, reason.get_untracked())); }>"承認"</button>
                    <button type="button" class="button danger" disabled=move || decide.pending().get()
                        on:click=move |_| { decide.dispatch(Decision::Reject(id, reason.get_untracked())); }>"否認"</button>
                </div>
            </li>
        }
    };
    view! {
        <Screen title="承認待ち" id="STF020">
            <p>"窓口が依頼書から起案した手続きです。依頼書と本人確認の内容を確かめて承認してください。承認した時点で手続きが実行され、お客様に通知されます。ご自身の起案は承認できません。"</p>
            {move || result.get().map(|answer| match answer {
                Ok(done) => view! {
                    <div class="info-box" role="status">
                        <p>{format!("起案番号 {}：{}", done.proposal.id, done.outcome)}</p>
                        {done.temporary_password.map(|password| view! {
                            <p class="temporary-password">"仮パスワード："<strong>{password}</strong>"（この画面でのみ表示します。お客様にお渡しください。）"</p>
                        })}
                    </div>
                }.into_any(),
                Err(text) => view! { <div class="error-box" role="alert">{text}</div> }.into_any(),
            })}
            {listed(queue, "承認待ちの起案はありません。", "approvals", card)}
        </Screen>
    }
}

#[component]
pub fn Holds() -> impl IntoView {
    let holds = LocalResource::new(client::staff::holds);
    view! {
        <Screen title="確認中の振込" id="STF021">
            <p>"不正送金の疑いで保留している振込です。お客様に確認のうえ、お客様のページで「確認中の振込の実行」または「取消」を起案してください。"</p>
            {listed(holds, "確認中の振込はありません。", "held", |held| view! {
                <li class="card">
                    <dl class="facts stacked small">
                        <dt>"受付番号"</dt><dd>{held.receipt}</dd>
                        <dt>"お客様"</dt><dd><A href=format!("/customers/{}", held.customer_id)>{format!("{} 様", held.customer_name)}</A></dd>
                        <dt>"受付日時"</dt><dd>{held.at}</dd>
                        <dt>"支払口座"</dt><dd>{held.from}</dd>
                        <dt>"振込先"</dt><dd>{held.to}</dd>
                        <dt>"金額"</dt><dd>{format!("{}（手数料 {}）", yen(held.amount), yen(held.fee))}</dd>
                        <dt>"理由"</dt><dd>{held.rules}</dd>
                    </dl>
                </li>
            })}
        </Screen>
    }
}
