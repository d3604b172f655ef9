//! BTF021 登録振込先の管理: the payees the customer kept, to 振込 again or to delete.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::banking::SavedPayee;
use netbank_api::client;

use crate::components::loaded::loaded;
use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost};

#[component]
pub fn PayeesPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let payees = LocalResource::new(move || {
        version.track();
        client::payees()
    });
    let leave = leave_for_lost_session();
    let message = RwSignal::new(None::<String>);
    let delete = Action::new_local(move |id: &i64| {
        let id = *id;
        async move {
            match client::delete_payee(id).await {
                Ok(()) => message.set(Some("登録振込先を削除しました。".into())),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => message.set(Some(failure.to_string())),
            }
            version.update(|v| *v += 1);
        }
    });
    let confirming = RwSignal::new(None::<i64>);
    let row = move |saved: SavedPayee| {
        let id = saved.id;
        let payee = saved.payee;
        let again = format!("/transfer/other?branch={}&number={}", payee.branch_code, payee.account_number);
        view! {
            <tr>
                <td data-label="店番">{payee.branch_code.clone()}</td>
                <td data-label="科目">{payee.kind.label()}</td>
                <td data-label="口座番号">{payee.account_number.clone()}</td>
                <td data-label="受取人名">{payee.name.clone()}</td>
                <td class="row-actions">
                    <A href=again attr:class="button secondary">"振込"</A>
                    <Show when=move || confirming.get() == Some(id)
                        fallback=move || view! {
                            <button type="button" class="button secondary" on:click=move |_| confirming.set(Some(id))>"削除"</button>
                        }>
                        <button type="button" class="button danger" disabled=move || delete.pending().get()
                            on:click=move |_| { confirming.set(None); delete.dispatch(id); }>"削除する"</button>
                        <button type="button" class="button secondary" on:click=move |_| confirming.set(None)>"やめる"</button>
                    </Show>
                </td>
            </tr>
        }
    };
    view! {
        <Screen title="登録振込先の管理" id="BTF021">
            {move || message.get().map(|text| view! { <div class="info-box" role="status">{text}</div> })}
            {loaded(payees, move |list| match list.payees.is_empty() {
                true => view! {
                    <p>"登録振込先はありません。振込の確認画面で「この振込先を登録振込先に登録する」を選ぶと登録されます。"</p>
                }.into_any(),
                false => view! {
                    <div class="table-scroll">
                        <table class="accounts payees">
                            <caption class="visually-hidden">"登録振込先"</caption>
                            <thead><tr><th scope="col">"店番"</th><th scope="col">"科目"</th><th scope="col">"口座番号"</th><th scope="col">"受取人名"</th><th scope="col">"操作"</th></tr></thead>
                            <tbody>{list.payees.into_iter().map(row).collect::<Vec<_>>()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            })}
            <div class="actions"><A href="/transfer" attr:class="button secondary">"振込・振替メニューへ"</A></div>
        </Screen>
    }
}
