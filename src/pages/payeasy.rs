//! 税金・各種料金の払込（ペイジー）: BPY001 お支払口座と収納機関番号 → BPY002 the numbers that
//! biller's 払込書 carries (納付番号 or お客様番号, 確認番号, 納付区分) → BPY003 払込内容の確認
//! with the one-time password or a passkey → BPY004 完了. Without a token in use or a passkey,
//! guidance instead of a form.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client::{self, ClientError};
use netbank_api::display::account_text;
use netbank_api::input::{BillCategory, BillConfirmation, BillNumber, BillerNumber};
use netbank_api::payeasy::{
    BillApprovalRequest, BillPaymentRequest, BillQuery, BillQuote, BillReceipt, Biller, NO_RECEIPT_NOTE,
};
use netbank_api::ErrorReason;

use crate::components::account_select::{account_key, account_label, AccountSelect};
use crate::components::flow::{flow_step, FlowStep, Stage};
use crate::components::form::{rule, submit_with, Field, FormAlert, FormError, NoticeBox, SubmitButton};
use crate::components::screen::Screen;
use crate::components::second_factor::SecondFactorRequired;
use crate::components::second_factor::{
    confirm_handlers, CodeCarrying, SecondFactor, SecondFactorActions, SecondFactorFields,
};
use crate::components::shell::{leave_for_lost_session, session_lost, Me};
use crate::state::{remembered, yen};
use crate::webauthn;

/// What the tab keeps of this flow (sessionStorage), under this name.
const FORM: &str = "payeasy";

/// Where a payment stands.
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Step {
    /// BPY001.
    Account,
    /// BPY002, for the biller the number named.
    Numbers(Biller),
    Confirm(BillQuery, BillQuote),
    Done(BillReceipt),
}

impl FlowStep for Step {
    fn input() -> Self {
        Self::Account
    }

    fn stage(&self) -> Stage {
        match self {
            Self::Account | Self::Numbers(_) => Stage::Input,
            Self::Confirm(..) => Stage::Confirm,
            Self::Done(_) => Stage::Done,
        }
    }

    /// Back from 確認 is the numbers' screen, as it was typed.
    fn back_to_input(&self) -> Self {
        match self {
            Self::Confirm(_, quote) => Self::Numbers(quote.biller.clone()),
            _ => Self::Account,
        }
    }
}

/// What the customer typed, kept across back and reload.
#[derive(Clone, Copy)]
struct Typed {
    from: RwSignal<String>,
    biller: RwSignal<String>,
    number: RwSignal<String>,
    confirmation: RwSignal<String>,
    category: RwSignal<String>,
}

impl Typed {
    fn query(self) -> BillQuery {
        BillQuery {
            from_account: self.from.get(),
            biller_number: self.biller.get(),
            bill_number: self.number.get(),
            confirmation_number: self.confirmation.get(),
            category: self.category.get(),
        }
    }
}

#[component]
pub fn PayeasyPage() -> impl IntoView {
    let me = expect_context::<Me>();
    // The server's rule: a token in use or a passkey, as for a 振込.
    let may_pay = move || me.with(|me| me.factors().may_send_transfer().is_ok());
    view! {
        <Show when=may_pay fallback=|| view! { <SecondFactorRequired title="税金・各種料金の払込" id="BPY001" /> }>
            <PayeasyFlow />
        </Show>
    }
}

#[component]
fn PayeasyFlow() -> impl IntoView {
    let me = expect_context::<Me>();
    let accounts = Signal::derive(move || me.with(|me| me.accounts.clone()));
    let field = |name, initial| remembered(FORM, name, initial);
    let typed = Typed {
        from: field("from", accounts.get_untracked().first().map(account_key).unwrap_or_default()),
        biller: field("biller", String::new()),
        number: field("number", String::new()),
        confirmation: field("confirmation", String::new()),
        category: field("category", String::new()),
    };
    let (step, lost) = flow_step::<Step>(FORM);
    let error = FormError::new();
    move || match step.get() {
        Step::Account => view! { <AccountAndBiller typed step error lost /> }.into_any(),
        Step::Numbers(biller) => view! { <BillNumbers typed biller step error /> }.into_any(),
        Step::Confirm(query, quote) => view! { <PayeasyConfirm query quote step error /> }.into_any(),
        Step::Done(receipt) => view! { <PayeasyDone receipt /> }.into_any(),
    }
}

/// BPY001: the paying account and the 収納機関番号.
#[component]
fn AccountAndBiller(typed: Typed, step: RwSignal<Step>, error: FormError, lost: Option<&'static str>) -> impl IntoView {
    let me = expect_context::<Me>();
    let accounts = Signal::derive(move || me.with(|me| me.accounts.clone()));
    let leave = leave_for_lost_session();
    let find = Action::new_local(move |number: &BillerNumber| {
        let number = number.clone();
        async move {
            match client::payeasy_biller(&number).await {
                Ok(biller) => {
                    // Another biller's numbers would not fit this one's bill.
                    if typed.biller.get_untracked() != biller.number {
                        typed.biller.set(biller.number.clone());
                    }
                    step.set(Step::Numbers(biller));
                }
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let invalid = Signal::derive(move || BillerNumber::parse(&typed.biller.get()).is_err());
    let next = submit_with(invalid, find, error, move || BillerNumber::parse(&typed.biller.get_untracked()).ok());
    view! {
        <Screen title="税金・各種料金の払込" id="BPY001">
            <NoticeBox message=lost.map(str::to_owned) />
            <p>"「Pay-easy（ペイジー）」マークのある払込書（納付書）や、収納機関のホームページ等に表示された番号で、税金・公共料金等を払い込みます。"</p>
            <form on:submit=next novalidate=true>
                <FormAlert error=error />
                <AccountSelect label="お支払口座" name="from_account" value=typed.from accounts=accounts with_balance=true />
                <Field label="収納機関番号" name="biller_number" value=typed.biller check=rule(BillerNumber::parse)
                    inputmode="numeric" autocomplete="off" maxlength=BillerNumber::SPEC.max_len hint=BillerNumber::SPEC.hint />
                <div class="actions">
                    <A href="/home" attr:class="button secondary">"戻る"</A>
                    <SubmitButton label="次へ" invalid=invalid pending=find.pending() />
                </div>
            </form>
            <p><A href="/payeasy/history">"払込照会（過去90日間の払込）"</A></p>
        </Screen>
    }
}

/// BPY002: the numbers the biller's bills carry.
#[component]
fn BillNumbers(typed: Typed, biller: Biller, step: RwSignal<Step>, error: FormError) -> impl IntoView {
    let leave = leave_for_lost_session();
    let needs_category = biller.needs_category;
    let quote = Action::new_local(move |query: &BillQuery| {
        let query = query.clone();
        async move {
            match client::quote_bill(query.clone()).await {
                Ok(quote) => step.set(Step::Confirm(query, quote)),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let invalid = Signal::derive(move || {
        let category = typed.category.get();
        let category_fine = match needs_category {
            true => BillCategory::parse(&category).is_ok(),
            false => true,
        };
        typed.query().check().is_err() || !category_fine
    });
    let review = submit_with(invalid, quote, error, move || {
        let mut query = untrack(|| typed.query());
        if !needs_category {
            query.category = String::new();
        }
        Some(query)
    });
    let number_label = biller.kind.number_label();
    let back = move |_| {
        error.set(None);
        step.set(Step::Account);
    };
    view! {
        <Screen title="払込（番号の入力）" id="BPY002">
            <p>{format!("払込書（納付書）に記載の{number_label}・確認番号{}を入力してください。", if needs_category { "・納付区分" } else { "" })}</p>
            <dl class="facts">
                <dt>"収納機関番号"</dt><dd>{biller.number.clone()}</dd>
                <dt>"収納機関名"</dt><dd class="biller-name">{biller.name.clone()}</dd>
                <dt>"区分"</dt><dd>{biller.kind.label()}</dd>
            </dl>
            <form on:submit=review novalidate=true>
                <FormAlert error=error />
                <Field label=number_label name="bill_number" value=typed.number check=rule(BillNumber::parse)
                    inputmode="numeric" autocomplete="off" maxlength=BillNumber::SPEC.max_len hint=BillNumber::SPEC.hint />
                <Field label="確認番号" name="confirmation_number" value=typed.confirmation check=rule(BillConfirmation::parse)
                    inputmode="numeric" autocomplete="off" maxlength=BillConfirmation::SPEC.max_len hint=BillConfirmation::SPEC.hint />
                {needs_category.then(|| view! {
                    <Field label="納付区分" name="category" value=typed.category check=rule(BillCategory::parse)
                        inputmode="numeric" autocomplete="off" maxlength=BillCategory::SPEC.max_len hint=BillCategory::SPEC.hint />
                })}
                <p class="hint">"番号を所定の回数以上誤ると、その日はペイジーをご利用いただけなくなります。"</p>
                <div class="actions">
                    <button type="button" class="button secondary" on:click=back>"戻る"</button>
                    <SubmitButton label="確認画面へ" invalid=invalid pending=quote.pending() />
                </div>
            </form>
        </Screen>
    }
}

/// Refusals the customer fixes on the numbers' screen, not on 確認.
fn belongs_to_numbers(error: &ClientError) -> bool {
    matches!(
        error.reason(),
        Some(
            ErrorReason::BillNotFound
                | ErrorReason::BillAlreadyPaid
                | ErrorReason::BillOverdue
                | ErrorReason::PayeasyLimitExceeded
                | ErrorReason::InsufficientFunds
                | ErrorReason::IdempotencyConflict
                | ErrorReason::InvalidInput
        )
    ) && error.field() != Some("otp")
}

/// BPY003 払込内容の確認.
#[component]
fn PayeasyConfirm(query: BillQuery, quote: BillQuote, step: RwSignal<Step>, error: FormError) -> impl IntoView {
    let factor = SecondFactor::new(quote.passkey_available, quote.otp_accepted);
    let leave = leave_for_lost_session();
    let biller = quote.biller.clone();
    let submit = Action::new_local(move |request: &BillPaymentRequest| {
        let request = request.clone();
        let biller = biller.clone();
        async move {
            // Without a code, the passkey approves: its challenge is asked for now, for this
            // bill's numbers and this confirmation's key.
            let result = if request.otp.is_none() && factor.with_passkey {
                approve(request).await
            } else {
                client::pay_bill(request).await
            };
            match result {
                Ok(receipt) => step.set(Step::Done(receipt)),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => {
                    if matches!(failure.reason(), Some(ErrorReason::InvalidOtp | ErrorReason::OtpAlreadyUsed)) {
                        factor.code.set(String::new());
                    }
                    if belongs_to_numbers(&failure) {
                        step.set(Step::Numbers(biller));
                    }
                    error.set(Some(failure));
                }
            }
        }
    });
    let request = {
        let (query, key) = (query.clone(), quote.idempotency_key.clone());
        move || {
            Some(BillPaymentRequest {
                query: query.clone(),
                idempotency_key: key.clone(),
                otp: factor.otp(),
                passkey: None,
            })
        }
    };
    let (confirm, approve_with_passkey) = confirm_handlers(factor, submit, error, request);
    let back = {
        let biller = quote.biller.clone();
        Callback::new(move |()| step.set(Step::Numbers(biller.clone())))
    };
    let number_label = quote.biller.kind.number_label();
    view! {
        <Screen title="払込内容の確認" id="BPY003">
            <p>{factor.instruction("払い込みます")}</p>
            <dl class="facts payeasy-review">
                <dt>"お支払口座"</dt><dd>{account_text(&quote.from.branch_code, quote.from.kind, &quote.from.number)}</dd>
                <dt>"収納機関"</dt><dd class="biller-name">{format!("{} {}", quote.biller.number, quote.biller.name)}</dd>
                <dt>{number_label}</dt><dd>{query.bill_number.clone()}</dd>
                <dt>"納付内容"</dt><dd class="bill-description">{quote.description.clone()}</dd>
                <dt>"金額"</dt><dd class="amount-review">{yen(quote.amount)}</dd>
                <dt>"納付期限"</dt><dd>{quote.due_date.clone()}</dd>
                <dt>"払込手数料"</dt><dd class="fee-review">{yen(quote.fee)}</dd>
                <dt>"払込後残高"</dt><dd class="balance-after">{yen(quote.balance_after)}</dd>
                <dt>"本日の払込可能額"</dt><dd>{yen(quote.limit_remaining)}</dd>
            </dl>
            <form on:submit=confirm novalidate=true>
                <FormAlert error=error />
                <SecondFactorFields factor pending=submit.pending() approve=approve_with_passkey what="この払込" />
                <SecondFactorActions factor back pending=submit.pending() />
            </form>
        </Screen>
    }
}

/// BPY004 払込完了.
#[component]
fn PayeasyDone(receipt: BillReceipt) -> impl IntoView {
    let me = expect_context::<Me>();
    let from = me
        .with(|me| me.accounts.iter().find(|a| account_key(a) == receipt.from_account).map(account_label))
        .unwrap_or_else(|| receipt.from_account.clone());
    let statement = format!("/accounts?account={}", receipt.from_account);
    view! {
        <Screen title="払込完了" id="BPY004">
            <p class="done-message" role="status">"払込を受け付けました。"</p>
            <dl class="facts">
                <dt>"受付番号"</dt><dd class="receipt-no">{receipt.receipt_no.clone()}</dd>
                <dt>"受付日時"</dt><dd>{receipt.accepted_at.clone()}</dd>
                <dt>"お支払口座"</dt><dd class="from-account">{from}</dd>
                <dt>"収納機関"</dt><dd>{format!("{} {}", receipt.biller.number, receipt.biller.name)}</dd>
                <dt>{receipt.biller.kind.number_label()}</dt><dd>{receipt.bill_number.clone()}</dd>
                <dt>"納付内容"</dt><dd>{receipt.description.clone()}</dd>
                <dt>"金額"</dt><dd>{yen(receipt.amount)}</dd>
                <dt>"払込手数料"</dt><dd>{yen(receipt.fee)}</dd>
            </dl>
            <p class="notice no-receipt">{NO_RECEIPT_NOTE}</p>
            <div class="actions">
                <A href=statement attr:class="button secondary">"入出金明細を見る"</A>
                <A href="/payeasy/history" attr:class="button secondary">"払込照会"</A>
                <A href="/home" attr:class="button">"ホームへ"</A>
            </div>
        </Screen>
    }
}

/// 「パスキーで承認」: a challenge for this payment, the customer's passkey, then the
/// confirmation carrying the approval.
async fn approve(mut request: BillPaymentRequest) -> Result<BillReceipt, ClientError> {
    let ask = BillApprovalRequest { query: request.query.clone(), idempotency_key: request.idempotency_key.clone() };
    let challenge = client::bill_approval(ask).await?;
    request.passkey = Some(webauthn::answer(challenge, None).await?);
    client::pay_bill(request).await
}

impl CodeCarrying for BillPaymentRequest {
    fn without_code(self) -> Self {
        Self { otp: None, ..self }
    }
}
