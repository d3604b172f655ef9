//! BPY005 払込照会: the customer's ペイジー of the last 90 days with their 受付番号.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client;
use netbank_api::payeasy::{BillReceipt, NO_RECEIPT_NOTE};

use crate::components::loaded::loaded;
use crate::components::screen::Screen;
use crate::state::yen;

fn row(receipt: BillReceipt) -> impl IntoView {
    view! {
        <tr>
            <td data-label="受付番号">{receipt.receipt_no}</td>
            <td data-label="受付日時">{receipt.accepted_at}</td>
            <td data-label="収納機関">{format!("{} {}", receipt.biller.number, receipt.biller.name)}</td>
            <td data-label="納付内容">{receipt.description}</td>
            <td data-label="金額" class="amount">{yen(receipt.amount)}</td>
            <td data-label="手数料" class="amount">{yen(receipt.fee)}</td>
        </tr>
    }
}

#[component]
pub fn PayeasyHistoryPage() -> impl IntoView {
    let history = LocalResource::new(client::bill_payments);
    view! {
        <Screen title="払込照会" id="BPY005">
            <p>"過去90日間のペイジーでの払込です。"{NO_RECEIPT_NOTE}</p>
            {loaded(history, |history| match history.payments.is_empty() {
                true => view! { <p>"過去90日間の払込はありません。"</p> }.into_any(),
                false => view! {
                    <div class="table-scroll">
                        <table class="accounts transfers payments">
                            <caption class="visually-hidden">"払込照会"</caption>
                            <thead><tr><th scope="col">"受付番号"</th><th scope="col">"受付日時"</th><th scope="col">"収納機関"</th><th scope="col">"納付内容"</th><th scope="col">"金額"</th><th scope="col">"手数料"</th></tr></thead>
                            <tbody>{history.payments.into_iter().map(row).collect::<Vec<_>>()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            })}
            <div class="actions"><A href="/payeasy" attr:class="button secondary">"税金・各種料金の払込へ"</A></div>
        </Screen>
    }
}
