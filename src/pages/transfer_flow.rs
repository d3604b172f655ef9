//! What 振替 and 振込 share after their input screens: 確認 (the server's quote: fee, balance
//! after, and for 振込 the one-time password) and 完了 (受付番号). The confirmation carries
//! the quote's idempotency key, so pressing 確定 twice, or again after a timeout, moves the
//! money once and shows the same 受付番号.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::banking::{TransferApprovalRequest, TransferDraft, TransferKind, TransferQuote, TransferReceipt, TransferRequest};
use netbank_api::client::{self, ClientError};
use netbank_api::input::OtpCode;
use netbank_api::ErrorReason;

use crate::components::form::{rule, submit_with, ConfirmActions, Field, FormAlert, FormError};
use crate::components::screen::Screen;
use crate::components::shell::{leave_for_lost_session, session_lost};
use crate::state::yen;
use crate::webauthn;

/// Where a transfer stands.
#[derive(Clone, PartialEq)]
pub enum Step {
    Input,
    Confirm(TransferDraft, TransferQuote),
    Done(TransferReceipt),
}

/// Refusals the customer fixes on the input screen (the amount, the payee), not here.
pub fn belongs_to_input(error: &ClientError) -> bool {
    matches!(
        error.reason(),
        Some(ErrorReason::InsufficientFunds | ErrorReason::DailyLimitExceeded | ErrorReason::PayeeNotFound | ErrorReason::IdempotencyConflict | ErrorReason::InvalidInput)
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
    format!("{} {} {}", quote.to.branch_code, quote.to.kind.label(), quote.to.account_number)
}

/// 確認 (BTF003 for 振替, BTF012 for 振込).
#[component]
pub fn TransferConfirm(draft: TransferDraft, quote: TransferQuote, step: RwSignal<Step>, error: FormError) -> impl IntoView {
    let transfer = quote.kind == TransferKind::Transfer;
    // 振込: a passkey approves exactly this transfer; the code is the fallback unless the bank
    // requires the passkey of customers who have one.
    let with_passkey = transfer && quote.passkey_available;
    let with_code = transfer && quote.otp_accepted;
    let code = RwSignal::new(String::new());
    let save_payee = RwSignal::new(false);
    let leave = leave_for_lost_session();
    let invalid = Signal::derive(move || with_code && OtpCode::parse(&code.get()).is_err());
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
            let otp = with_code.then(|| OtpCode::parse(&code.get_untracked()).ok().map(|c| c.expose().to_owned())).flatten();
            let request = TransferRequest {
                draft: draft.clone(),
                idempotency_key: key.clone(),
                otp,
                passkey: None,
                save_payee: save_payee.get_untracked(),
            };
            Some(request)
        }
    };
    let request = StoredValue::new(request);
    let confirm = submit_with(invalid, submit, error, move || request.with_value(|r| r()));
    let approve_with_passkey = move |_| {
        if let Some(mut request) = request.with_value(|r| r()) {
            request.otp = None;
            error.set(None);
            submit.dispatch(request);
        }
    };
    let back = Callback::new(move |()| step.set(Step::Input));
    let (title, id, after) = if transfer { ("振込内容の確認", "BTF012", "振込後残高") } else { ("振替内容の確認", "BTF003", "振替後残高") };
    view! {
        <Screen title=title id=id>
            <p>{match (with_passkey, with_code) {
                (true, true) => "以下の内容で振込します。よろしければ「パスキーで承認」ボタンを押すか、ワンタイムパスワードを入力して「確定」ボタンを押してください。".to_owned(),
                (true, false) => "以下の内容で振込します。よろしければ「パスキーで承認」ボタンを押してください。".to_owned(),
                _ => format!("以下の内容で{}します。よろしければ{}「確定」ボタンを押してください。", quote.kind.label(),
                    if transfer { "ワンタイムパスワードを入力して、" } else { "" }),
            }}</p>
            <dl class="facts transfer-review">
                <dt>"お支払口座"</dt><dd>{format!("{} {} {}", quote.from.branch_code, quote.from.kind.label(), quote.from.number)}</dd>
                <dt>{if transfer { "振込先" } else { "入金先口座" }}</dt><dd>{payee_text(&quote)}</dd>
                <dt>"受取人名"</dt><dd class="payee-name">{quote.to.name.clone()}</dd>
                <dt>"金額"</dt><dd class="amount-review">{yen(quote.amount)}</dd>
                <dt>"手数料"</dt><dd class="fee-review">{yen(quote.fee)}</dd>
                <dt>{after}</dt><dd class="balance-after">{yen(quote.balance_after)}</dd>
                {transfer.then(|| view! { <dt>"依頼人名"</dt><dd>{quote.requester_name.clone()}</dd> })}
                {quote.limit_remaining.map(|remaining| view! { <dt>"本日の振込可能額"</dt><dd>{yen(remaining)}</dd> })}
            </dl>
            <form on:submit=confirm novalidate=true>
                <FormAlert error=error />
                {with_passkey.then(|| view! {
                    <div class="passkey-approval">
                        <button type="button" class="button primary" disabled=move || submit.pending().get()
                            on:click=approve_with_passkey>
                            {move || if submit.pending().get() { "処理中…" } else { "パスキーで承認" }}
                        </button>
                        <p class="hint">"登録済みのパスキー（指紋・顔認証・画面ロック）で、この振込を承認します。"</p>
                    </div>
                })}
                {with_code.then(|| view! {
                    {with_passkey.then(|| view! { <p class="or">"ワンタイムパスワードで確定する場合"</p> })}
                    <Field label="ワンタイムパスワード" name="otp" value=code check=rule(OtpCode::parse)
                        inputmode="numeric" autocomplete="one-time-code" maxlength=OtpCode::SPEC.max_len hint=OtpCode::SPEC.hint />
                    <p class="hint">"トークンに表示されている数字を入力してください。約30秒ごとに変わります。"</p>
                })}
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
    let (title, id) = if transfer { ("振込完了", "BTF013") } else { ("振替完了", "BTF004") };
    let statement = format!("/accounts?account={}", receipt.from_account);
    view! {
        <Screen title=title id=id>
            <p class="done-message" role="status">{format!("{}を受け付けました。", receipt.kind.label())}</p>
            <dl class="facts">
                <dt>"受付番号"</dt><dd class="receipt-no">{receipt.receipt_no.clone()}</dd>
                <dt>"受付日時"</dt><dd>{receipt.accepted_at.clone()}</dd>
                <dt>"お支払口座"</dt><dd>{receipt.from_account.clone()}</dd>
                <dt>{if transfer { "振込先" } else { "入金先口座" }}</dt>
                <dd>{format!("{} {} {} {}", receipt.to.branch_code, receipt.to.kind.label(), receipt.to.account_number, receipt.to.name)}</dd>
                <dt>"金額"</dt><dd>{yen(receipt.amount)}</dd>
                <dt>"手数料"</dt><dd>{yen(receipt.fee)}</dd>
            </dl>
            <p class="hint">"受付番号はお問い合わせの際に必要です。"</p>
            <div class="actions">
                <A href=statement attr:class="button secondary">"入出金明細を見る"</A>
                <A href="/transfer" attr:class="button">"振込・振替メニューへ"</A>
            </div>
        </Screen>
    }
}

/// The 確認 screen's 「パスキーで承認」: a challenge for this transfer, the customer's passkey,
/// then the confirmation carrying the approval.
async fn approve(mut request: TransferRequest) -> Result<TransferReceipt, ClientError> {
    let ask = TransferApprovalRequest { draft: request.draft.clone(), idempotency_key: request.idempotency_key.clone() };
    let challenge = client::transfer_approval(ask).await?;
    request.passkey = Some(webauthn::answer(challenge, None).await?);
    client::transfer(request).await
}
