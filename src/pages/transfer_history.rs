//! BTF041 振込照会: the customer's 振込 and 振替 of the last 90 days with their 受付番号 and
//! where each stands — 完了, 確認中 (the bank checks it; the amount is reserved), 取消.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::banking::{TransferReceipt, TransferStatus};
use netbank_api::client;
use netbank_api::display::account_text;

use crate::components::loaded::loaded;
use crate::components::screen::Screen;
use crate::state::yen;

fn row(receipt: TransferReceipt) -> impl IntoView {
    let status = receipt.status;
    view! {
        <tr class:held=status == TransferStatus::Held>
            <td data-label="受付番号">{receipt.receipt_no}</td>
            <td data-label="受付日時">{receipt.accepted_at}</td>
            <td data-label="種類">{receipt.kind.label()}</td>
            <td data-label="振込先">{format!("{} {}", account_text(&receipt.to.branch_code, receipt.to.kind, &receipt.to.account_number), receipt.to.name)}</td>
            <td data-label="金額" class="amount">{yen(receipt.amount)}</td>
            <td data-label="手数料" class="amount">{yen(receipt.fee)}</td>
            <td data-label="状況" class="transfer-status">{status.label()}</td>
        </tr>
    }
}

#[component]
pub fn TransferHistoryPage() -> impl IntoView {
    let history = LocalResource::new(client::transfers);
    view! {
        <Screen title="振込照会" id="BTF041">
            <p>"過去90日間の振込・振替です。「確認中」の振込は、不正利用防止のため当組合で内容を確認しており、確認が済むまで金額をお支払口座に拘束しています。"</p>
            {loaded(history, |history| match history.transfers.is_empty() {
                true => view! { <p>"過去90日間の振込・振替はありません。"</p> }.into_any(),
                false => view! {
                    <div class="table-scroll">
                        <table class="accounts transfers">
                            <caption class="visually-hidden">"振込照会"</caption>
                            <thead><tr><th scope="col">"受付番号"</th><th scope="col">"受付日時"</th><th scope="col">"種類"</th><th scope="col">"振込先"</th><th scope="col">"金額"</th><th scope="col">"手数料"</th><th scope="col">"状況"</th></tr></thead>
                            <tbody>{history.transfers.into_iter().map(row).collect::<Vec<_>>()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            })}
            <div class="actions"><A href="/transfer" attr:class="button secondary">"振込・振替メニューへ"</A></div>
        </Screen>
    }
}
