//! STF030 監査ログ: the audit log searched by customer, event, staff member, dates and client
//! address, newest first, a page at a time, and the same search as CSV.

use leptos::prelude::*;
use netbank_api::client;
use netbank_api::staff::AuditLine;

use crate::components::screen::Screen;
use crate::staff_console::shell::failure_text;
use crate::state::remembered;

#[component]
pub fn AuditSearch() -> impl IntoView {
    let form = "staff-audit";
    let fields: [(&'static str, &'static str, RwSignal<String>); 6] = [
        ("customer", "お客様番号", remembered(form, "customer", String::new())),
        ("event", "事象（例：otp_lift_suspension）", remembered(form, "event", String::new())),
        ("staff", "職員名", remembered(form, "staff", String::new())),
        ("from", "期間（開始日）", remembered(form, "from", String::new())),
        ("to", "期間（終了日）", remembered(form, "to", String::new())),
        ("client", "接続元アドレス", remembered(form, "client", String::new())),
    ];
    let query = move || fields.iter().map(|(name, _, value)| (*name, value.get_untracked())).collect::<Vec<_>>();
    let lines = RwSignal::new(Vec::<AuditLine>::new());
    let next = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<String>);
    let searched = RwSignal::new(false);
    let search = Action::new_local(move |before: &Option<i64>| {
        let mut query = query();
        let before = *before;
        if let Some(before) = before {
            query.push(("before", before.to_string()));
        }
        async move {
            match client::staff::audit(&query).await {
                Ok(page) => {
                    error.set(None);
                    searched.set(true);
                    next.set(page.next_before);
                    lines.update(|lines| {
                        if before.is_none() {
                            lines.clear();
                        }
                        lines.extend(page.lines);
                    });
                }
                Err(failure) => error.set(Some(failure_text(failure))),
            }
        }
    });
    let csv_url = RwSignal::new(client::staff::audit_csv_url(&[]));
    Effect::new(move |_| {
        fields.iter().for_each(|(_, _, value)| value.track());
        csv_url.set(client::staff::audit_csv_url(&query()));
    });
    view! {
        <Screen title="監査ログ" id="STF030">
            <form on:submit=move |ev| { ev.prevent_default(); search.dispatch(None); }>
                {fields.iter().map(|(name, label, value)| {
                    let value = *value;
                    let kind = if *name == "from" || *name == "to" { "date" } else { "text" };
                    view! {
                        <div class="field">
                            <label for=format!("field-{name}")>{*label}</label>
                            <input id=format!("field-{name}") name=*name type=kind prop:value=move || value.get()
                                on:input=move |ev| value.set(event_target_value(&ev)) />
                        </div>
                    }
                }).collect::<Vec<_>>()}
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || search.pending().get()>"検索"</button>
                    <a class="button secondary" href=move || csv_url.get() download="audit.csv">"CSVで保存"</a>
                </div>
            </form>
            {move || error.get().map(|text| view! { <div class="error-box" role="alert">{text}</div> })}
            <Show when=move || searched.get() && lines.with(Vec::is_empty)>
                <p role="status">"該当する記録はありません。"</p>
            </Show>
            <ul class="cards audit-lines">
                <For each=move || lines.get() key=|line| line.id let:line>
                    <li class="card small">
                        <p><strong>{format!("{} {}", line.at, line.event)}</strong>{format!("（{}）", line.result)}</p>
                        <p>{[
                            line.customer_id.map(|id| format!("お客様番号 {id}")),
                            line.staff.clone().map(|s| format!("職員 {s}{}", line.staff_role.clone().map(|r| format!("（{r}）")).unwrap_or_default())),
                            line.proposal_id.map(|id| format!("起案番号 {id}")),
                            line.client_addr.clone().map(|c| format!("接続元 {c}")),
                        ].into_iter().flatten().collect::<Vec<_>>().join(" / ")}</p>
                        {line.detail.clone().map(|d| view! { <p class="audit-detail">{d}</p> })}
                    </li>
                </For>
            </ul>
            <Show when=move || next.get().is_some()>
                <div class="actions">
                    <button type="button" class="button secondary" disabled=move || search.pending().get()
                        on:click=move |_| { search.dispatch(next.get_untracked()); }>"さらに表示"</button>
                </div>
            </Show>
        </Screen>
    }
}
