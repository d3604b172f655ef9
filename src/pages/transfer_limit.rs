//! BTF031 振込限度額の変更: 1日あたり and 1回あたり. Lowering takes effect at once; raising
//! needs the current one-time password and takes effect at 0:00 the next day (変更予定,
//! cancellable here).

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::banking::{TransferLimit, TransferLimitRequest};
use netbank_api::client::{self, ClientError};
use netbank_api::input::{LimitAmount, OtpCode};

use crate::components::form::{rule, submit_with, Field, FormAlert, FormError, SubmitButton};
use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost, Me};
use crate::state::yen;

/// Which limit a form changes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Daily,
    PerTransfer,
}

impl Which {
    fn label(self) -> &'static str {
        match self {
            Self::Daily => "1日あたり",
            Self::PerTransfer => "1回あたり",
        }
    }

    fn field_label(self) -> &'static str {
        match self {
            Self::Daily => "新しい1日あたりの振込限度額（円）",
            Self::PerTransfer => "新しい1回あたりの振込限度額（円）",
        }
    }

    /// The limit in force, for telling a raise from a lowering; `None`: no cap.
    fn now(self, limit: &TransferLimit) -> Option<i64> {
        match self {
            Self::Daily => Some(limit.limit),
            Self::PerTransfer => limit.per_transfer,
        }
    }

    async fn send(self, request: TransferLimitRequest) -> Result<TransferLimit, ClientError> {
        match self {
            Self::Daily => client::change_transfer_limit(request).await,
            Self::PerTransfer => client::change_per_transfer_limit(request).await,
        }
    }
}

#[component]
pub fn TransferLimitPage() -> impl IntoView {
    let current = RwSignal::new(None::<TransferLimit>);
    let leave = leave_for_lost_session();
    let loaded = LocalResource::new(client::transfer_limit);
    Effect::new(move |_| match loaded.get() {
        Some(Ok(limit)) => current.set(Some(limit)),
        Some(Err(failure)) if session_lost(&failure) => leave.run(failure),
        _ => {}
    });
    let done = RwSignal::new(None::<String>);
    let error = FormError::new();
    let cancel = Action::new_local(move |_: &()| async move {
        match client::cancel_transfer_limit().await {
            Ok(limit) => {
                done.set(Some("振込限度額の変更予定を取り消しました。".to_owned()));
                current.set(Some(limit));
            }
            Err(failure) if session_lost(&failure) => leave.run(failure),
            Err(failure) => error.set(Some(failure)),
        }
    });
    view! {
        <Screen title="振込限度額の変更" id="BTF031">
            {move || done.get().map(|text| view! { <p class="done-message" role="status">{text}</p> })}
            <FormAlert error=error />
            {move || current.get().map(|limit| view! {
                <dl class="facts stacked">
                    <dt>"1日あたりの振込限度額"</dt><dd class="daily-limit">{yen(limit.limit)}</dd>
                    <dt>"1回あたりの振込限度額"</dt>
                    <dd class="per-transfer-limit">{limit.per_transfer.map_or_else(|| "設定なし（1日あたりの限度額まで）".to_owned(), yen)}</dd>
                    <dt>"本日の振込額"</dt><dd>{yen(limit.used_today)}</dd>
                    <dt>"本日の振込可能額"</dt><dd class="remaining-today">{yen(limit.remaining)}</dd>
                    <dt>"設定できる上限"</dt><dd>{yen(limit.ceiling)}</dd>
                </dl>
                {limit.scheduled.map(|scheduled| {
                    let what = [
                        scheduled.daily.map(|d| format!("1日あたり {}", yen(d))),
                        scheduled.per_transfer.map(|p| format!("1回あたり {}", yen(p))),
                    ];
                    let what = what.into_iter().flatten().collect::<Vec<_>>().join("、");
                    view! {
                        <div class="info-box scheduled-limit">
                            <p>{format!("変更予定：{}から {}", scheduled.from, what)}</p>
                            <button type="button" class="button secondary" disabled=move || cancel.pending().get()
                                on:click=move |_| { cancel.dispatch(()); }>"変更予定を取り消す"</button>
                        </div>
                    }
                })}
            })}
            <h2>"1日あたりの振込限度額"</h2>
            <LimitForm which=Which::Daily current done />
            <h2>"1回あたりの振込限度額"</h2>
            <LimitForm which=Which::PerTransfer current done />
            <div class="actions">
                <A href="/transfer" attr:class="button secondary">"戻る"</A>
            </div>
        </Screen>
    }
}

#[component]
fn LimitForm(which: Which, current: RwSignal<Option<TransferLimit>>, done: RwSignal<Option<String>>) -> impl IntoView {
    let me = expect_context::<Me>();
    let leave = leave_for_lost_session();
    let wanted = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let error = FormError::new();
    let raising = move || {
        let now = current.with(|c| c.as_ref().map(|c| which.now(c)));
        match (LimitAmount::parse(&wanted.get()), now) {
            (Ok(wanted), Some(Some(now))) => wanted.yen() > now,
            _ => false,
        }
    };
    // The shared rule for a raise: the code of a token in use.
    let otp_in_use = move || me.with(|me| me.factors().may_raise_limit());
    let invalid = Signal::derive(move || {
        LimitAmount::parse(&wanted.get()).is_err()
            || (raising() && (!otp_in_use() || OtpCode::parse(&code.get()).is_err()))
    });
    let submit = Action::new_local(move |request: &TransferLimitRequest| {
        let request = request.clone();
        async move {
            match which.send(request).await {
                Ok(limit) => {
                    let scheduled = limit.scheduled.as_ref().and_then(|s| {
                        let value = match which {
                            Which::Daily => s.daily,
                            Which::PerTransfer => s.per_transfer,
                        };
                        value.map(|value| (value, s.from.clone()))
                    });
                    done.set(Some(match scheduled {
                        Some((value, from)) => format!(
                            "{}の振込限度額を{}に引き上げるお手続きを受け付けました。{from}から適用します（それまでは現在の限度額のままです）。",
                            which.label(),
                            yen(value)
                        ),
                        None => format!("{}の振込限度額を変更しました。", which.label()),
                    }));
                    current.set(Some(limit));
                    wanted.set(String::new());
                    code.set(String::new());
                }
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => {
                    code.set(String::new());
                    error.set(Some(failure));
                }
            }
        }
    });
    let send = submit_with(invalid, submit, error, move || {
        done.set(None);
        let otp =
            raising().then(|| OtpCode::parse(&code.get_untracked()).ok().map(|c| c.expose().to_owned())).flatten();
        Some(TransferLimitRequest { limit: wanted.get_untracked(), otp })
    });
    let scope = match which {
        Which::Daily => "daily",
        Which::PerTransfer => "per-transfer",
    };
    view! {
        <form on:submit=send novalidate=true aria-label=format!("{}の振込限度額の変更", which.label())>
            <FormAlert error=error />
            <Field label=which.field_label() name="limit" value=wanted check=rule(LimitAmount::parse) scope=scope
                inputmode="numeric" autocomplete="off" maxlength=LimitAmount::SPEC.max_len hint=LimitAmount::SPEC.hint />
            <Show when=raising>
                <Show when=otp_in_use fallback=|| view! {
                    <div class="info-box otp-required">"限度額の引き上げには、ワンタイムパスワードのご利用が必要です。"<A href="/otp">"ワンタイムパスワードの手続きへ"</A></div>
                }>
                    <p class="hint">"限度額を引き上げるには、ワンタイムパスワードを入力してください。引き上げは翌日0時から適用されます（引き下げはすぐに適用されます）。"</p>
                    <Field label="ワンタイムパスワード" name="otp" value=code check=rule(OtpCode::parse) scope=scope
                        inputmode="numeric" autocomplete="one-time-code" maxlength=OtpCode::SPEC.max_len hint=OtpCode::SPEC.hint />
                </Show>
            </Show>
            <div class="actions">
                <SubmitButton label="変更する" invalid=invalid pending=submit.pending() />
            </div>
        </form>
    }
}
