//! STF040 職員管理 (管理者): the branch's people and their roles, a new person (their
//! single-use registration code shown once, to hand over), a new code for a lost key, and
//! disabling someone (their sessions end at once). Never oneself.

use leptos::prelude::*;
use netbank_api::client;
use netbank_api::staff::{EnrolmentCode, NewStaffRequest, Role, StaffMember};

use crate::components::screen::Screen;
use crate::staff_console::shell::{failure_text, listed, Clerk};

#[derive(Clone)]
enum Change {
    Add(NewStaffRequest),
    NewCode(i64),
    Disable(i64),
}

#[component]
pub fn Colleagues() -> impl IntoView {
    let clerk = expect_context::<Clerk>();
    let version = RwSignal::new(0u32);
    let members = LocalResource::new(move || {
        version.track();
        client::staff::members()
    });
    let name = RwSignal::new(String::new());
    let chosen = Role::ALL.map(|role| (role, RwSignal::new(false)));
    let result = RwSignal::new(None::<Result<(String, Option<EnrolmentCode>), String>>);
    let change = Action::new_local(move |change: &Change| {
        let change = change.clone();
        async move {
            let done = match change {
                Change::Add(request) => {
                    let who = request.name.clone();
                    client::staff::add_member(request)
                        .await
                        .map(|code| (format!("{who} さんを登録しました。"), Some(code)))
                }
                Change::NewCode(id) => {
                    client::staff::new_code(id).await.map(|code| ("登録コードを再発行しました。".into(), Some(code)))
                }
                Change::Disable(id) => {
                    client::staff::disable_member(id).await.map(|()| ("無効にしました。".into(), None))
                }
            };
            if done.is_ok() {
                name.set(String::new());
                chosen.iter().for_each(|(_, on)| on.set(false));
            }
            result.set(Some(done.map_err(failure_text)));
            version.update(|v| *v += 1);
        }
    });
    let me = move || clerk.0.with(|me| me.as_ref().map(|me| me.id));
    let card = move |member: StaffMember| {
        let id = member.id;
        let roles = member.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("・");
        let mine = me() == Some(id);
        view! {
            <li class="card">
                <p><strong>{member.name.clone()}</strong>{format!("（{roles}）")}</p>
                <p class="small">{format!("{}　パスキー {}件", member.state, member.passkeys)}</p>
                <Show when=move || member.enabled && !mine>
                    <div class="actions">
                        <button type="button" class="button secondary" disabled=move || change.pending().get()
                            on:click=move |_| { change.dispatch(Change::NewCode(id)); }>"登録コード再発行"</button>
                        <button type="button" class="button danger" disabled=move || change.pending().get()
                            on:click=move |_| { change.dispatch(Change::Disable(id)); }>"無効にする"</button>
                    </div>
                </Show>
            </li>
        }
    };
    let add = move || {
        let roles = chosen.iter().filter(|(_, on)| on.get_untracked()).map(|(role, _)| *role).collect();
        change.dispatch(Change::Add(NewStaffRequest { name: name.get_untracked(), roles }));
    };
    view! {
        <Screen title="職員管理" id="STF040">
            {move || result.get().map(|done| match done {
                Ok((text, code)) => view! {
                    <div class="info-box" role="status">
                        <p>{text}</p>
                        {code.map(|code| view! {
                            <p class="enrolment-code">"登録コード："<strong>{code.code}</strong>{format!("（1回限り、{}まで）", code.expires_at)}</p>
                            <p class="small">"この画面でのみ表示します。ご本人に渡し、職員用コンソールの「初回登録」でパスキーを登録してもらってください。"</p>
                        })}
                    </div>
                }.into_any(),
                Err(text) => view! { <div class="error-box" role="alert">{text}</div> }.into_any(),
            })}
            <h2>"職員の登録"</h2>
            <form on:submit=move |ev| { ev.prevent_default(); add(); }>
                <div class="field">
                    <label for="field-name">"氏名"</label>
                    <input id="field-name" name="name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <fieldset class="field roles">
                    <legend>"役割"</legend>
                    {chosen.iter().map(|(role, on)| {
                        let on = *on;
                        let id = format!("role-{}", role.as_str());
                        let label_for = id.clone();
                        view! {
                            <label class="choice" for=label_for>
                                <input type="checkbox" id=id prop:checked=move || on.get() on:change=move |ev| on.set(event_target_checked(&ev)) />
                                {role.label()}
                            </label>
                        }
                    }).collect::<Vec<_>>()}
                </fieldset>
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || change.pending().get()>"登録して登録コードを発行"</button>
                </div>
            </form>
            <h2>"職員一覧"</h2>
            {listed(members, "職員はいません。", "members", card)}
        </Screen>
    }
}
