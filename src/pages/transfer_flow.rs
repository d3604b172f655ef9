//! What 振替 and 振込 share after their input screens: 確認 (the server's quote: fee, balance
//! after, and for 振込 the one-time password) and 完了 (受付番号). The confirmation carries
//! the quote's idempotency key, so pressing 確定 twice, or again after a timeout, moves the
//! money once and shows the same 受付番号.
//!
//! Where a flow stands is in the URL and the tab's storage (`components::flow`).

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::banking::{
    TransferApprovalRequest, TransferDraft, TransferKind, TransferQuote, TransferReceipt, TransferRequest,
    TransferStatus,
};
use netbank_api::client::{self, ClientError};
use netbank_api::display::account_text;
use netbank_api::ErrorReason;

use crate::components::account_select::{account_key, account_label};
pub use crate::components::flow::flow_step;
use crate::components::flow::{FlowStep, Stage};
use crate::components::form::{submit_with, ConfirmActions, FormAlert, FormError};
use crate::components::screen::Screen;
use crate::components::second_factor::{SecondFactor, SecondFactorFields};
use crate::components::shell::{leave_for_lost_session, session_lost, Me};
use crate::state::yen;
use crate::webauthn;

/// Where a transfer stands.
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Step {
    Input,
    Confirm(TransferDraft, TransferQuote),
    Done(TransferReceipt),
}

impl FlowStep for Step {
    fn input() -> Self {
        Self::Input
    }

    fn stage(&self) -> Stage {
        match self {
            Self::Input => Stage::Input,
            Self::Confirm(..) => Stage::Confirm,
            Self::Done(_) => Stage::Done,
        }
    }
}

/// Refusals the customer fixes on the input screen (the amount, the payee), not here.
pub fn belongs_to_input(error: &ClientError) -> bool {
    matches!(
        error.reason(),
        Some(
            ErrorReason::InsufficientFunds
                | ErrorReason::DailyLimitExceeded
                | ErrorReason::PayeeNotFound
                | ErrorReason::IdempotencyConflict
                | ErrorReason::InvalidInput
        )
    ) && error.field() != Some("otp")
}

/// The input screen's 確認画面へ: the server's quote, then 確認; a refusal stays on the input.
pub fn quote_action(step: RwSignal<Step>, error: FormError) -> Action<TransferDraft, ()> {
    let leave = leave_for_lost_session();
    Action::new_local(move |draft: &TransferDraft| {
        let draft = draft.clone();
        async move {
            match client::quote_transfer(draft.clone()).await {
                Ok(quote) => step.set(Step::Confirm(draft, quote)),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => error.set(Some(failure)),
            }
        }
    })
}

fn payee_text(quote: &TransferQuote) -> String {
    account_text(&quote.to.branch_code, quote.to.kind, &quote.to.account_number)
}

/// 確認 (BTF003 for 振替, BTF012 for 振込).
#[component]
pub fn TransferConfirm(
    draft: TransferDraft,
    quote: TransferQuote,
    step: RwSignal<Step>,
    error: FormError,
) -> impl IntoView {
    let transfer = quote.kind == TransferKind::Transfer;
    // 振込: a passkey approves exactly this transfer; the code is the fallback unless the bank
    // requires the passkey of customers who have one.
    let factor = SecondFactor::new(transfer && quote.passkey_available, transfer && quote.otp_accepted);
    let (with_passkey, with_code, code) = (factor.with_passkey, factor.with_code, factor.code);
    let save_payee = RwSignal::new(false);
    let leave = leave_for_lost_session();
    let invalid = factor.invalid();
    let submit = Action::new_local(move |request: &TransferRequest| {
        let request = request.clone();
        async move {
            // Without a code, the passkey approves: its challenge is asked for now, for this
            // transfer's accounts, amount and key.
            let result = if request.otp.is_none() && with_passkey {
                approve(request).await
            } else {
                client::transfer(request).await
            };
            match result {
                Ok(receipt) => step.set(Step::Done(receipt)),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => {
                    if matches!(failure.reason(), Some(ErrorReason::InvalidOtp | ErrorReason::OtpAlreadyUsed)) {
                        code.set(String::new());
                    }
                    if belongs_to_input(&failure) {
                        step.set(Step::Input);
                    }
                    error.set(Some(failure));
                }
            }
        }
    });
    let request = {
        let (draft, key) = (draft.clone(), quote.idempotency_key.clone());
        move || {
            let request = TransferRequest {
                draft: draft.clone(),
                idempotency_key: key.clone(),
                otp: factor.otp(),
                passkey: None,
                save_payee: save_payee.get_untracked(),
            };
            Some(request)
        }
    };
    let request = StoredValue::new(request);
    let confirm = submit_with(invalid, submit, error, move || request.with_value(|r| r()));
    let approve_with_passkey = Callback::new(move |()| {
        if let Some(mut request) = request.with_value(|r| r()) {
            request.otp = None;
            error.set(None);
            submit.dispatch(request);
        }
    });
    let back = Callback::new(move |()| step.set(Step::Input));
    let booking = quote.execution_date.clone();
    let (title, id, after) = if transfer {
        ("振込内容の確認", "BTF012", "振込後残高")
    } else {
        ("振替内容の確認", "BTF003", "振替後残高")
    };
    view! {
        <Screen title=title id=id>
            <p>{match transfer {
                true if booking.is_some() => factor.instruction("振込を予約します"),
                true => factor.instruction("振込します"),
                false => "以下の内容で振替します。よろしければ「確定」ボタンを押してください。".to_owned(),
            }}</p>
            <dl class="facts transfer-review">
                <dt>"お支払口座"</dt><dd>{account_text(&quote.from.branch_code, quote.from.kind, &quote.from.number)}</dd>
                <dt>{if transfer { "振込先" } else { "入金先口座" }}</dt><dd>{payee_text(&quote)}</dd>
                <dt>"受取人名"</dt><dd class="payee-name">{quote.to.name.clone()}</dd>
                <dt>"金額"</dt><dd class="amount-review">{yen(quote.amount)}</dd>
                <dt>"手数料"</dt><dd class="fee-review">{yen(quote.fee)}</dd>
                {match booking {
                    Some(day) => view! {
                        <dt>"振込指定日"</dt><dd class="execution-date">{format!("{day}（振込予約：当日の朝に振り込みます）")}</dd>
                    }.into_any(),
                    None => view! { <dt>{after}</dt><dd class="balance-after">{yen(quote.balance_after)}</dd> }.into_any(),
                }}
                {transfer.then(|| view! { <dt>"依頼人名"</dt><dd>{quote.requester_name.clone()}</dd> })}
                {quote.limit_remaining.map(|remaining| view! { <dt>"本日の振込可能額"</dt><dd>{yen(remaining)}</dd> })}
            </dl>
            <form on:submit=confirm novalidate=true>
                <FormAlert error=error />
                <SecondFactorFields factor pending=submit.pending() approve=approve_with_passkey what="この振込" />
                {transfer.then(|| view! {
                    <label class="checkbox">
                        <input type="checkbox" name="save_payee" prop:checked=move || save_payee.get()
                            on:change=move |ev| save_payee.set(event_target_checked(&ev)) />
                        <span>"この振込先を登録振込先に登録する"</span>
                    </label>
                })}
                {if transfer && !with_code {
                    view! { <div class="actions"><button type="button" class="button secondary" on:click=move |_| back.run(())>"戻る"</button></div> }.into_any()
                } else {
                    view! { <ConfirmActions back invalid=invalid pending=submit.pending() /> }.into_any()
                }}
            </form>
        </Screen>
    }
}

/// 完了 (BTF004 for 振替, BTF013 for 振込).
#[component]
pub fn TransferDone(receipt: TransferReceipt) -> impl IntoView {
    let transfer = receipt.kind == TransferKind::Transfer;
    let held = receipt.status == TransferStatus::Held;
    let (title, id) = if transfer { ("振込完了", "BTF013") } else { ("振替完了", "BTF004") };
    let statement = format!("/accounts?account={}", receipt.from_account);
    // The receipt names the account by its key (`001-1234567`); the screen writes it in full.
    let me = expect_context::<Me>();
    let from = me
        .with(|me| me.accounts.iter().find(|a| account_key(a) == receipt.from_account).map(account_label))
        .unwrap_or_else(|| receipt.from_account.clone());
    view! {
        <Screen title=title id=id>
            <p class="done-message" role="status">{match receipt.status {
                TransferStatus::Booked => format!("{}予約を受け付けました。指定日の朝に{}します。前日までは振込照会から取り消せます。", receipt.kind.label(), receipt.kind.label()),
                _ => format!("{}を受け付けました。", receipt.kind.label()),
            }}</p>
            <Show when=move || held>
                <div class="notice transfer-held" role="status">
                    "不正利用防止のため、この振込は当組合で内容を確認しています（確認中）。確認が済むまで振込金額と手数料をお支払口座に拘束し、確認後に振込を実行してメールでお知らせします。当組合からお電話でご依頼内容を確認することがあります。"
                </div>
            </Show>
            <dl class="facts">
                <dt>"受付番号"</dt><dd class="receipt-no">{receipt.receipt_no.clone()}</dd>
                <dt>"受付日時"</dt><dd>{receipt.accepted_at.clone()}</dd>
                <dt>"お支払口座"</dt><dd class="from-account">{from}</dd>
                <dt>{if transfer { "振込先" } else { "入金先口座" }}</dt>
                <dd>{format!("{} {}", account_text(&receipt.to.branch_code, receipt.to.kind, &receipt.to.account_number), receipt.to.name)}</dd>
                <dt>"金額"</dt><dd>{yen(receipt.amount)}</dd>
                <dt>"手数料"</dt><dd>{yen(receipt.fee)}</dd>
                {receipt.execution_date.clone().map(|day| view! { <dt>"振込指定日"</dt><dd class="execution-date">{day}</dd> })}
                <dt>"状況"</dt><dd class="transfer-status">{receipt.status.label()}</dd>
            </dl>
            <p class="hint">"受付番号はお問い合わせの際に必要です。"</p>
            <div class="actions">
                <A href=statement attr:class="button secondary">"入出金明細を見る"</A>
                <A href="/transfer/history" attr:class="button secondary">"振込照会"</A>
                <A href="/transfer" attr:class="button">"振込・振替メニューへ"</A>
            </div>
        </Screen>
    }
}

/// The 確認 screen's 「パスキーで承認」: a challenge for this transfer, the customer's passkey,
/// then the confirmation carrying the approval.
async fn approve(mut request: TransferRequest) -> Result<TransferReceipt, ClientError> {
    let ask =
        TransferApprovalRequest { draft: request.draft.clone(), idempotency_key: request.idempotency_key.clone() };
    let challenge = client::transfer_approval(ask).await?;
    request.passkey = Some(webauthn::answer(challenge, None).await?);
    client::transfer(request).await
}
