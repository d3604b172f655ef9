//! BTF041 振込照会: the customer's 振込 and 振替 of the last 90 days with their 受付番号 and
//! where each stands — 完了, 確認中 (the bank checks it; the amount is reserved), 取消, and
//! 振込予約: 予約中 (取消 until the day before), 予約取消, 不成立.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::banking::{TransferReceipt, TransferStatus};
use netbank_api::client;
use netbank_api::display::account_text;

use crate::components::form::{FormAlert, FormError};
use crate::components::loaded::loaded;
use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost};
use crate::state::yen;

#[component]
pub fn TransferHistoryPage() -> impl IntoView {
    let history = LocalResource::new(client::transfers);
    let error = FormError::new();
    let done = RwSignal::new(None::<String>);
    let leave = leave_for_lost_session();
    let cancel = Action::new_local(move |receipt_no: &String| {
        let receipt_no = receipt_no.clone();
        async move {
            match client::cancel_transfer_booking(&receipt_no).await {
                Ok(receipt) => {
                    done.set(Some(format!(
                        "受付番号 {} の{}予約を取り消しました。",
                        receipt.receipt_no,
                        receipt.kind.label()
                    )));
                    history.refetch();
                }
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let row = move |receipt: TransferReceipt| {
        let status = receipt.status;
        let receipt_no = receipt.receipt_no.clone();
        let when = receipt.execution_date.clone().unwrap_or_else(|| "即時".to_owned());
        view! {
            <tr class:held=status == TransferStatus::Held class:booked=status == TransferStatus::Booked>
                <td data-label="受付番号">{receipt.receipt_no.clone()}</td>
                <td data-label="受付日時">{receipt.accepted_at.clone()}</td>
                <td data-label="振込日">{when}</td>
                <td data-label="種類">{receipt.kind.label()}</td>
                <td data-label="振込先">{format!("{} {}", account_text(&receipt.to.branch_code, receipt.to.kind, &receipt.to.account_number), receipt.to.name)}</td>
                <td data-label="金額" class="amount">{yen(receipt.amount)}</td>
                <td data-label="手数料" class="amount">{yen(receipt.fee)}</td>
                <td data-label="状況" class="transfer-status">{status.label()}</td>
                <td data-label="取消">
                    {receipt.cancellable.then(|| view! {
                        <button type="button" class="button secondary cancel" disabled=move || cancel.pending().get()
                            on:click=move |_| { error.set(None); done.set(None); cancel.dispatch(receipt_no.clone()); }>"予約取消"</button>
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <Screen title="振込照会" id="BTF041">
            <p>"過去90日間の振込・振替と、振込予約です。「確認中」の振込は、不正利用防止のため当組合で内容を確認しており、確認が済むまで金額をお支払口座に拘束しています。「予約中」の振込は、指定日の前日まで取り消せます。"</p>
            <FormAlert error=error />
            {move || done.get().map(|message| view! { <p class="done-message" role="status">{message}</p> })}
            {loaded(history, move |history| match history.transfers.is_empty() {
                true => view! { <p>"過去90日間の振込・振替はありません。"</p> }.into_any(),
                false => view! {
                    <div class="table-scroll">
                        <table class="accounts transfers">
                            <caption class="visually-hidden">"振込照会"</caption>
                            <thead><tr><th scope="col">"受付番号"</th><th scope="col">"受付日時"</th><th scope="col">"振込日"</th><th scope="col">"種類"</th><th scope="col">"振込先"</th><th scope="col">"金額"</th><th scope="col">"手数料"</th><th scope="col">"状況"</th><th scope="col">"取消"</th></tr></thead>
                            <tbody>{history.transfers.into_iter().map(row).collect::<Vec<_>>()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            })}
            <div class="actions"><A href="/transfer" attr:class="button secondary">"振込・振替メニューへ"</A></div>
        </Screen>
    }
}
