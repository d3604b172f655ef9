//! BAC001 口座情報（入出金明細照会）: an account's entries in a period, newest first, a page at
//! a time, and the period as a CSV file.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use netbank_api::banking::{Statement, StatementEntry, StatementPeriod, StatementQuery};
use netbank_api::client;
use netbank_api::display::japanese_date;

use crate::components::account_select::{account_key, account_label, AccountSelect};
use crate::components::form::FormError;
use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost, Me};
use crate::state::{jst_today, yen};

#[component]
pub fn AccountsPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let accounts = Signal::derive(move || me.with(|me| me.accounts.clone()));
    let chosen = use_query_map().with_untracked(|q| q.get("account"));
    let account =
        RwSignal::new(chosen.or_else(|| accounts.get_untracked().first().map(account_key)).unwrap_or_default());
    let (year, month, day) = jst_today();
    let opening = StatementQuery::opening(year, month, day);
    let period = RwSignal::new(opening.period);
    let from = RwSignal::new(opening.from.clone().unwrap_or_default());
    let to = RwSignal::new(opening.to.clone().unwrap_or_default());
    // What the table shows: changed by 照会 and the page buttons, not by every keystroke.
    let shown = RwSignal::new((account.get_untracked(), opening));
    let error = FormError::new();
    let leave = leave_for_lost_session();
    let statement = LocalResource::new(move || {
        let (account, query) = shown.get();
        async move { client::statement(&account, &query).await }
    });
    let result = RwSignal::new(None::<Statement>);
    Effect::new(move |_| match statement.get() {
        Some(Ok(found)) => {
            error.set(None);
            if from.get_untracked().is_empty() {
                from.set(found.from.clone());
                to.set(found.to.clone());
            }
            result.set(Some(found));
        }
        Some(Err(failure)) if session_lost(&failure) => leave.run(failure),
        Some(Err(failure)) => error.set(Some(failure)),
        None => {}
    });
    let query = move || {
        let custom = period.get_untracked() == StatementPeriod::Custom;
        StatementQuery {
            period: period.get_untracked(),
            from: custom.then(|| from.get_untracked()),
            to: custom.then(|| to.get_untracked()),
            ..StatementQuery::default()
        }
    };
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        shown.set((account.get_untracked(), query()));
    };
    // A page is reached from the one beside it, by the cursor the server gave for that way.
    let go_to = move |page: u32, before: Option<String>, after: Option<String>| {
        let (account, mut query) = shown.get_untracked();
        query.page = Some(page);
        query.before = before;
        query.after = after;
        shown.set((account, query));
    };
    let csv = move || {
        let (account, query) = shown.get();
        client::statement_csv_url(&account, &query)
    };
    let row = |entry: StatementEntry| {
        view! {
            <tr>
                <td data-label="取引日">{japanese_date(&entry.date)}</td>
                <td data-label="摘要">{entry.description}</td>
                <td data-label="お支払金額" class="amount">{entry.withdrawal.map(yen)}</td>
                <td data-label="お預り金額" class="amount">{entry.deposit.map(yen)}</td>
                <td data-label="残高" class="amount">{yen(entry.balance)}</td>
            </tr>
        }
    };
    let failure = move || error.0.get().map(|e| view! { <div class="error-box" role="alert">{e.to_string()}</div> });
    view! {
        <Screen title="入出金明細照会" id="BAC001">
            <form class="statement-query" on:submit=search novalidate=true>
                <AccountSelect label="口座" name="account" value=account accounts=accounts with_balance=true />
                <fieldset class="methods periods">
                    <legend>"照会期間"</legend>
                    {StatementPeriod::ALL.into_iter().map(|p| view! {
                        <label class="radio">
                            <input type="radio" name="period" prop:checked=move || period.get() == p on:change=move |_| period.set(p) />
                            <span>{p.label()}</span>
                        </label>
                    }).collect::<Vec<_>>()}
                    <Show when=move || period.get() == StatementPeriod::Custom>
                        <div class="date-range">
                            <label>"開始日"<input type="date" name="from" prop:value=move || from.get()
                                min=move || result.with(|r| r.as_ref().map(|r| r.earliest.clone()))
                                max=move || result.with(|r| r.as_ref().map(|r| r.latest.clone()))
                                on:input=move |ev| from.set(event_target_value(&ev)) /></label>
                            <label>"終了日"<input type="date" name="to" prop:value=move || to.get()
                                min=move || result.with(|r| r.as_ref().map(|r| r.earliest.clone()))
                                max=move || result.with(|r| r.as_ref().map(|r| r.latest.clone()))
                                on:input=move |ev| to.set(event_target_value(&ev)) /></label>
                            <p class="hint">"13か月前の月初から本日までの範囲で指定できます。"</p>
                        </div>
                    </Show>
                </fieldset>
                <div class="actions"><button type="submit" class="button primary">"照会"</button></div>
            </form>
            {failure}
            {move || result.get().map(|statement| {
                let page = statement.page;
                let (newer, older) = (statement.newer.clone(), statement.older.clone());
                let (first, last) = (newer.is_none(), older.is_none());
                let count = match statement.total_is_more {
                    true => format!("{}件以上", statement.total),
                    false => format!("全{}件", statement.total),
                };
                let heading = format!("{}　{} 〜 {}（{count}）", account_label(&statement.account), japanese_date(&statement.from), japanese_date(&statement.to));
                view! {
                    <h2 class="statement-heading">{heading}</h2>
                    <p>"現在の残高："<strong class="balance">{yen(statement.account.balance)}</strong></p>
                    {if statement.entries.is_empty() {
                        view! { <p class="empty">"この期間のお取引はありません。"</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-scroll">
                                <table class="accounts statement">
                                    <caption class="visually-hidden">"入出金明細（新しい順）"</caption>
                                    <thead><tr>
                                        <th scope="col">"取引日"</th><th scope="col">"摘要"</th>
                                        <th scope="col" class="amount">"お支払金額"</th><th scope="col" class="amount">"お預り金額"</th>
                                        <th scope="col" class="amount">"残高"</th>
                                    </tr></thead>
                                    <tbody>{statement.entries.into_iter().map(row).collect::<Vec<_>>()}</tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    <nav class="pager" aria-label="ページ">
                        <button type="button" class="button secondary" disabled=first
                            on:click=move |_| go_to(page.saturating_sub(1).max(1), None, newer.clone())>"前のページ"</button>
                        <span>{format!("{page}ページ目")}</span>
                        <button type="button" class="button secondary" disabled=last
                            on:click=move |_| go_to(page + 1, older.clone(), None)>"次のページ"</button>
                    </nav>
                }
            })}
            <p><a class="button secondary csv" href=csv download="">"CSVダウンロード"</a></p>
            <p class="hint">"CSVファイルは照会期間のすべてのお取引を古い順に記載します（Excelで開けます）。"</p>
        </Screen>
    }
}
