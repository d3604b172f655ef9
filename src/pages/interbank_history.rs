//! BTF056 他行振込照会: the customer's 他行振込 of the last 90 days, where each stands, and 取消
//! of one not yet sent to the receiving bank.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client;
use netbank_api::interbank::InterbankReceipt;

use crate::components::form::{FormAlert, FormError};
use crate::components::loaded::loaded;
use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost};
use crate::state::yen;

#[component]
pub fn InterbankHistoryPage() -> impl IntoView {
    let history = LocalResource::new(client::interbank_transfers);
    let error = FormError::new();
    let done = RwSignal::new(None::<String>);
    let leave = leave_for_lost_session();
    let cancel = Action::new_local(move |receipt_no: &String| {
        let receipt_no = receipt_no.clone();
        async move {
            match client::cancel_interbank(&receipt_no).await {
                Ok(receipt) => {
                    done.set(Some(format!(
                        "受付番号 {} の振込を取り消しました。金額と手数料をお支払口座へお戻ししました。",
                        receipt.receipt_no
                    )));
                    history.refetch();
                }
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let row = move |receipt: InterbankReceipt| {
        let receipt_no = receipt.receipt_no.clone();
        let status = match &receipt.return_reason {
            Some(reason) => format!("{}（{reason}）", receipt.status.label()),
            None => receipt.status.label().to_owned(),
        };
        view! {
            <tr>
                <td data-label="受付番号">{receipt.receipt_no.clone()}</td>
                <td data-label="振込指定日">{receipt.execution_date.clone()}</td>
                <td data-label="振込先">{format!("{} {} {} {}", receipt.bank.name, receipt.branch.name, receipt.kind.label(), receipt.account_number)}</td>
                <td data-label="受取人名">{receipt.payee_name.clone()}</td>
                <td data-label="金額" class="amount">{yen(receipt.amount)}</td>
                <td data-label="状況" class="status">{status}</td>
                <td data-label="取消">
                    {receipt.cancellable.then(|| view! {
                        <button type="button" class="button secondary cancel" disabled=move || cancel.pending().get()
                            on:click=move |_| { error.set(None); cancel.dispatch(receipt_no.clone()); }>"取消"</button>
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <Screen title="他行振込照会" id="BTF056">
            <p>"過去90日間の、他の金融機関あての振込です。振込先の金融機関へ送信する前（受付済）の振込は取り消せます。"</p>
            <FormAlert error=error />
            {move || done.get().map(|message| view! { <p class="done-message" role="status">{message}</p> })}
            {loaded(history, move |history| match history.transfers.is_empty() {
                true => view! { <p>"過去90日間の他行振込はありません。"</p> }.into_any(),
                false => view! {
                    <div class="table-scroll">
                        <table class="accounts transfers interbank">
                            <caption class="visually-hidden">"他行振込照会"</caption>
                            <thead><tr><th scope="col">"受付番号"</th><th scope="col">"振込指定日"</th><th scope="col">"振込先"</th><th scope="col">"受取人名"</th><th scope="col">"金額"</th><th scope="col">"状況"</th><th scope="col">"取消"</th></tr></thead>
                            <tbody>{history.transfers.into_iter().map(row).collect::<Vec<_>>()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            })}
            <div class="actions"><A href="/transfer/interbank" attr:class="button secondary">"他の金融機関あての振込へ"</A></div>
        </Screen>
    }
}
