//! 他の金融機関あての振込: BTF051 金融機関の選択 (name, カナ or code, or a 頭文字's 行) →
//! BTF052 支店の選択 → BTF053 口座と金額 (受取人名 typed in カナ: another bank's names cannot
//! be looked up here) → BTF054 確認, with the fee and the day the money leaves, confirmed by
//! the one-time password or a passkey → BTF055 完了. Without a token in use or a passkey,
//! guidance instead of a form.

use leptos::prelude::*;
use leptos_router::components::A;
use netbank_api::client::{self, ClientError};
use netbank_api::display::account_text;
use netbank_api::identity::AccountKind;
use netbank_api::input::{AccountNumber, Amount, KanaName, ZenginName};
use netbank_api::interbank::{
    Bank, BankQuery, Branch, InterbankApprovalRequest, InterbankDraft, InterbankQuote, InterbankReceipt,
    InterbankRequest, InterbankStatus, INITIAL_ROWS,
};
use netbank_api::ErrorReason;

use crate::components::account_select::{account_key, AccountSelect};
use crate::components::execution_date::{ExecutionDate, Network};
use crate::components::flow::{flow_step, FlowStep, Stage};
use crate::components::form::{rule, submit_with, Field, FormAlert, FormError, NoticeBox, SubmitButton};
use crate::components::screen::Screen;
use crate::components::second_factor::{
    confirm_handlers, CodeCarrying, SecondFactor, SecondFactorActions, SecondFactorFields, SecondFactorRequired,
};
use crate::components::shell::{leave_for_lost_session, session_lost, Me};
use crate::state::{remembered, yen};
use crate::webauthn;

const FORM: &str = "interbank";

#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Step {
    Bank,
    Branch(Bank),
    Details(Bank, Branch),
    Confirm(InterbankDraft, InterbankQuote),
    Done(InterbankReceipt),
}

impl FlowStep for Step {
    fn input() -> Self {
        Self::Bank
    }

    fn stage(&self) -> Stage {
        match self {
            Self::Bank | Self::Branch(_) | Self::Details(..) => Stage::Input,
            Self::Confirm(..) => Stage::Confirm,
            Self::Done(_) => Stage::Done,
        }
    }

    /// Back from 確認 is the account and amount, as typed.
    fn back_to_input(&self) -> Self {
        match self {
            Self::Confirm(_, quote) => Self::Details(quote.bank.clone(), quote.branch.clone()),
            _ => Self::Bank,
        }
    }
}

#[derive(Clone, Copy)]
struct Typed {
    from: RwSignal<String>,
    kind: RwSignal<AccountKind>,
    number: RwSignal<String>,
    payee: RwSignal<String>,
    amount: RwSignal<String>,
    requester: RwSignal<String>,
    /// 振込指定日 `YYYY-MM-DD` of a 振込予約; empty for the earliest.
    date: RwSignal<String>,
}

impl Typed {
    fn draft(self, bank: &Bank, branch: &Branch) -> InterbankDraft {
        InterbankDraft {
            from_account: self.from.get(),
            bank_code: bank.code.clone(),
            branch_code: branch.code.clone(),
            kind: self.kind.get(),
            account_number: self.number.get(),
            payee_name: self.payee.get(),
            amount: self.amount.get(),
            requester_name: self.requester.get(),
            execution_date: self.date.get(),
        }
    }
}

#[component]
pub fn InterbankPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let may_send = move || me.with(|me| me.factors().may_send_transfer().is_ok());
    view! {
        <Show when=may_send fallback=|| view! { <SecondFactorRequired title="他の金融機関あての振込" id="BTF051" /> }>
            <InterbankFlow />
        </Show>
    }
}

#[component]
fn InterbankFlow() -> impl IntoView {
    let me = expect_context::<Me>();
    let accounts = Signal::derive(move || me.with(|me| me.accounts.clone()));
    let field = |name, initial| remembered(FORM, name, initial);
    let typed = Typed {
        from: field("from", accounts.get_untracked().first().map(account_key).unwrap_or_default()),
        kind: remembered(FORM, "kind", AccountKind::Ordinary),
        number: field("number", String::new()),
        payee: field("payee", String::new()),
        amount: field("amount", String::new()),
        requester: field("requester", String::new()),
        date: field("date", String::new()),
    };
    let (step, lost) = flow_step::<Step>(FORM);
    let error = FormError::new();
    move || match step.get() {
        Step::Bank => view! { <ChooseBank step error lost /> }.into_any(),
        Step::Branch(bank) => view! { <ChooseBranch bank step error /> }.into_any(),
        Step::Details(bank, branch) => view! { <Details typed bank branch step error /> }.into_any(),
        Step::Confirm(draft, quote) => view! { <InterbankConfirm draft quote step error /> }.into_any(),
        Step::Done(receipt) => view! { <InterbankDone receipt /> }.into_any(),
    }
}

/// A search box and the 頭文字 rows: what to look for.
#[component]
fn Search(label: &'static str, text: RwSignal<String>, query: RwSignal<BankQuery>) -> impl IntoView {
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = text.get_untracked();
        if !q.trim().is_empty() {
            query.set(BankQuery { q: Some(q), initial: None });
        }
    };
    view! {
        <form class="bank-search" on:submit=search novalidate=true>
            <Field label=label name="q" value=text check=rule(|_: &str| Ok::<(), String>(())) autocomplete="off" maxlength=30 optional=true
                hint="名称・カナの一部、またはコード" />
            <div class="actions"><button type="submit" class="button secondary">"検索"</button></div>
        </form>
        <fieldset class="initials">
            <legend>"頭文字から探す"</legend>
            {INITIAL_ROWS.iter().map(|(row, _)| {
                let row = *row;
                view! {
                    <button type="button" class="button secondary initial"
                        on:click=move |_| query.set(BankQuery { q: None, initial: Some(row.to_owned()) })>{row}</button>
                }
            }).collect::<Vec<_>>()}
        </fieldset>
    }
}

/// BTF051 金融機関の選択.
#[component]
fn ChooseBank(step: RwSignal<Step>, error: FormError, lost: Option<&'static str>) -> impl IntoView {
    let text = remembered(FORM, "bank-search", String::new());
    let query = RwSignal::new(BankQuery::default());
    let found = LocalResource::new(move || {
        let query = query.get();
        async move {
            match query.q.is_some() || query.initial.is_some() {
                true => Some(client::banks(&query).await),
                false => None,
            }
        }
    });
    let pick = move |bank: Bank| {
        error.set(None);
        step.set(Step::Branch(bank));
    };
    view! {
        <Screen title="振込先金融機関の選択" id="BTF051">
            <NoticeBox message=lost.map(str::to_owned) />
            <p>"他の金融機関（銀行・信用金庫・信用組合・労働金庫・農協など）の口座へ振り込みます。当組合の口座へは"<A href="/transfer/other">"当組合あての振込"</A>"からお手続きください。"</p>
            <Search label="金融機関名" text query />
            <Results found=Signal::derive(move || found.get().flatten().map(|r| r.map(|l| (l.banks, l.more)))) pick />
            <div class="actions"><A href="/transfer" attr:class="button secondary">"戻る"</A></div>
        </Screen>
    }
}

/// A search's answer: what it found and whether there was more; `None` before any search.
type Found<T> = Option<Result<(Vec<T>, bool), ClientError>>;

/// The banks or branches found, each a button.
#[component]
fn Results<T, F>(found: Signal<Found<T>>, pick: F) -> impl IntoView
where
    T: Named + Clone + Send + Sync + 'static,
    F: Fn(T) + Copy + Send + Sync + 'static,
{
    move || {
        match found.get() {
        None => ().into_any(),
        Some(Err(failure)) => view! { <p class="alert" role="alert">{failure.to_string()}</p> }.into_any(),
        Some(Ok((items, _))) if items.is_empty() => {
            view! { <p class="hint" role="status">"該当するものがありません。名称やカナを変えて検索してください。"</p> }.into_any()
        }
        Some(Ok((items, more))) => view! {
            <ul class="search-results" role="list">
                {items.into_iter().map(|item| {
                    let label = item.label();
                    let chosen = item.clone();
                    view! { <li><button type="button" class="button secondary result" on:click=move |_| pick(chosen.clone())>{label}</button></li> }
                }).collect::<Vec<_>>()}
            </ul>
            {more.then(|| view! { <p class="hint">"ほかにも該当があります。名称を詳しく入力してください。"</p> })}
        }
        .into_any(),
    }
    }
}

trait Named {
    fn label(&self) -> String;
}

impl Named for Bank {
    fn label(&self) -> String {
        format!("{}（{}）", self.name, self.code)
    }
}

impl Named for Branch {
    fn label(&self) -> String {
        format!("{}（{}）", self.name, self.code)
    }
}

/// BTF052 支店の選択.
#[component]
fn ChooseBranch(bank: Bank, step: RwSignal<Step>, error: FormError) -> impl IntoView {
    let text = remembered(FORM, "branch-search", String::new());
    let query = RwSignal::new(BankQuery::default());
    let code = bank.code.clone();
    let found = LocalResource::new(move || {
        let (query, code) = (query.get(), code.clone());
        async move {
            match query.q.is_some() || query.initial.is_some() {
                true => Some(client::branches(&code, &query).await),
                false => None,
            }
        }
    });
    let chosen_bank = bank.clone();
    let pick = move |branch: Branch| {
        error.set(None);
        step.set(Step::Details(chosen_bank.clone(), branch));
    };
    let pick = StoredValue::new(pick);
    let pick = move |branch: Branch| pick.with_value(|p| p(branch));
    view! {
        <Screen title="振込先支店の選択" id="BTF052">
            <dl class="facts"><dt>"金融機関"</dt><dd class="bank-name">{bank.label()}</dd></dl>
            <Search label="支店名" text query />
            <Results found=Signal::derive(move || found.get().flatten().map(|r| r.map(|l| (l.branches, l.more)))) pick />
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| step.set(Step::Bank)>"金融機関を選び直す"</button>
            </div>
        </Screen>
    }
}

/// BTF053: the paying account, the payee's account, 受取人名, 金額, 依頼人名.
#[component]
fn Details(typed: Typed, bank: Bank, branch: Branch, step: RwSignal<Step>, error: FormError) -> impl IntoView {
    let me = expect_context::<Me>();
    let accounts = Signal::derive(move || me.with(|me| me.accounts.clone()));
    let leave = leave_for_lost_session();
    let quote = Action::new_local(move |draft: &InterbankDraft| {
        let draft = draft.clone();
        async move {
            match client::quote_interbank(draft.clone()).await {
                Ok(quote) => step.set(Step::Confirm(draft, quote)),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let chosen = StoredValue::new((bank.clone(), branch.clone()));
    let draft = move || chosen.with_value(|(b, s)| typed.draft(b, s));
    let invalid = Signal::derive(move || draft().check().is_err());
    let review = submit_with(invalid, quote, error, move || Some(untrack(draft)));
    let back_bank = bank.clone();
    view! {
        <Screen title="振込（口座と金額の入力）" id="BTF053">
            <dl class="facts">
                <dt>"金融機関"</dt><dd class="bank-name">{bank.label()}</dd>
                <dt>"支店"</dt><dd class="branch-name">{branch.label()}</dd>
            </dl>
            <form on:submit=review novalidate=true>
                <FormAlert error=error />
                <AccountSelect label="お支払口座" name="from_account" value=typed.from accounts=accounts with_balance=true />
                <div class="field">
                    <label for="field-kind">"科目"</label>
                    <select id="field-kind" name="kind" on:change=move |ev| {
                        if let Some(chosen) = AccountKind::from_db(&event_target_value(&ev)) {
                            typed.kind.set(chosen);
                        }
                    }>
                        {AccountKind::ALL.into_iter().map(|k| view! {
                            <option value=k.as_str() selected=move || typed.kind.get() == k>{k.label()}</option>
                        }).collect::<Vec<_>>()}
                    </select>
                </div>
                <Field label="口座番号" name="account_number" value=typed.number check=rule(AccountNumber::parse)
                    inputmode="numeric" autocomplete="off" maxlength=AccountNumber::SPEC.max_len hint=AccountNumber::SPEC.hint />
                <Field label="受取人名（カナ）" name="payee_name" value=typed.payee check=rule(ZenginName::parse)
                    autocomplete="off" maxlength=ZenginName::SPEC.max_len hint=ZenginName::SPEC.hint />
                <p class="hint">"ひらがな・全角カナで入力できます（小さい「ャ」「ッ」などは大きい文字で送られます）。受取人名が口座名義と違うと、振込できずに返却されることがあります。"</p>
                <Field label="金額（円）" name="amount" value=typed.amount check=rule(Amount::parse)
                    inputmode="numeric" autocomplete="off" maxlength=Amount::SPEC.max_len hint=Amount::SPEC.hint />
                <ExecutionDate date=typed.date network=Network::OtherBanks />
                <Field label="依頼人名（カナ・空欄で口座名義）" name="requester_name" value=typed.requester optional=true
                    check=rule(|s: &str| if s.trim().is_empty() { Ok(()) } else { KanaName::parse(s).map(|_| ()) })
                    autocomplete="off" maxlength=KanaName::SPEC.max_len hint=KanaName::SPEC.hint />
                <div class="actions">
                    <button type="button" class="button secondary" on:click=move |_| step.set(Step::Branch(back_bank.clone()))>"戻る"</button>
                    <SubmitButton label="確認画面へ" invalid=invalid pending=quote.pending() />
                </div>
            </form>
        </Screen>
    }
}

/// Refusals the customer fixes on the input screen, not on 確認.
fn belongs_to_input(error: &ClientError) -> bool {
    matches!(
        error.reason(),
        Some(
            ErrorReason::InsufficientFunds
                | ErrorReason::DailyLimitExceeded
                | ErrorReason::PerTransferLimitExceeded
                | ErrorReason::NightLimitExceeded
                | ErrorReason::IdempotencyConflict
                | ErrorReason::BranchNotFound
                | ErrorReason::InvalidInput
        )
    ) && error.field() != Some("otp")
}

/// BTF054 振込内容の確認.
#[component]
fn InterbankConfirm(
    draft: InterbankDraft,
    quote: InterbankQuote,
    step: RwSignal<Step>,
    error: FormError,
) -> impl IntoView {
    let factor = SecondFactor::new(quote.passkey_available, quote.otp_accepted);
    let leave = leave_for_lost_session();
    let (bank, branch) = (quote.bank.clone(), quote.branch.clone());
    let submit = Action::new_local(move |request: &InterbankRequest| {
        let request = request.clone();
        let (bank, branch) = (bank.clone(), branch.clone());
        async move {
            let result = if request.otp.is_none() && factor.with_passkey {
                approve(request).await
            } else {
                client::send_interbank(request).await
            };
            match result {
                Ok(receipt) => step.set(Step::Done(receipt)),
                Err(failure) if session_lost(&failure) => leave.run(failure),
                Err(failure) => {
                    if matches!(failure.reason(), Some(ErrorReason::InvalidOtp | ErrorReason::OtpAlreadyUsed)) {
                        factor.code.set(String::new());
                    }
                    if belongs_to_input(&failure) {
                        step.set(Step::Details(bank, branch));
                    }
                    error.set(Some(failure));
                }
            }
        }
    });
    let request = {
        let (draft, key) = (draft.clone(), quote.idempotency_key.clone());
        move || {
            Some(InterbankRequest {
                draft: draft.clone(),
                idempotency_key: key.clone(),
                otp: factor.otp(),
                passkey: None,
            })
        }
    };
    let (confirm, approve_with_passkey) = confirm_handlers(factor, submit, error, request);
    let back = {
        let (bank, branch) = (quote.bank.clone(), quote.branch.clone());
        Callback::new(move |()| step.set(Step::Details(bank.clone(), branch.clone())))
    };
    let when = match (quote.booking, quote.next_business_day) {
        (true, _) => format!("{}（振込予約：当日の朝、お支払口座から引き落とします）", quote.execution_date),
        (false, true) => format!("{}（本日の受付時間を過ぎたため、翌営業日のお取扱いです）", quote.execution_date),
        (false, false) => format!("{}（本日）", quote.execution_date),
    };
    view! {
        <Screen title="振込内容の確認" id="BTF054">
            <p>{factor.instruction("振り込みます")}</p>
            <dl class="facts interbank-review">
                <dt>"お支払口座"</dt><dd>{account_text(&quote.from.branch_code, quote.from.kind, &quote.from.number)}</dd>
                <dt>"振込先"</dt><dd class="payee-account">{format!("{} {} {} {}", quote.bank.name, quote.branch.name, quote.kind.label(), quote.account_number)}</dd>
                <dt>"受取人名"</dt><dd class="payee-name">{quote.payee_name.clone()}</dd>
                <dt>"金額"</dt><dd class="amount-review">{yen(quote.amount)}</dd>
                <dt>"振込手数料"</dt><dd class="fee-review">{yen(quote.fee)}</dd>
                <dt>"振込指定日"</dt><dd class="execution-date">{when}</dd>
                <dt>"振込後残高"</dt><dd class="balance-after">{yen(quote.balance_after)}</dd>
                <dt>"依頼人名"</dt><dd>{quote.requester_name.clone()}</dd>
                <dt>"本日の振込可能額"</dt><dd>{yen(quote.limit_remaining)}</dd>
            </dl>
            <form on:submit=confirm novalidate=true>
                <FormAlert error=error />
                <SecondFactorFields factor pending=submit.pending() approve=approve_with_passkey what="この振込" />
                <SecondFactorActions factor back pending=submit.pending() />
            </form>
        </Screen>
    }
}

/// BTF055 振込受付完了.
#[component]
fn InterbankDone(receipt: InterbankReceipt) -> impl IntoView {
    let statement = format!("/accounts?account={}", receipt.from_account);
    view! {
        <Screen title="振込受付完了" id="BTF055">
            <p class="done-message" role="status">{if receipt.booked { "振込予約を受け付けました。" } else { "振込を受け付けました。" }}</p>
            {(receipt.status == InterbankStatus::Held).then(|| view! {
                <div class="notice transfer-held" role="status">
                    "不正利用防止のため、この振込は当組合で内容を確認しています（確認中）。確認が済むまで振込先の金融機関へは送信せず、確認後に送信してメールでお知らせします。当組合からお電話でご依頼内容を確認することがあります。"
                </div>
            })}
            <dl class="facts">
                <dt>"受付番号"</dt><dd class="receipt-no">{receipt.receipt_no.clone()}</dd>
                <dt>"受付日時"</dt><dd>{receipt.accepted_at.clone()}</dd>
                <dt>"振込指定日"</dt><dd class="execution-date">{receipt.execution_date.clone()}</dd>
                <dt>"振込先"</dt><dd>{format!("{} {} {} {}", receipt.bank.name, receipt.branch.name, receipt.kind.label(), receipt.account_number)}</dd>
                <dt>"受取人名"</dt><dd>{receipt.payee_name.clone()}</dd>
                <dt>"金額"</dt><dd>{yen(receipt.amount)}</dd>
                <dt>"振込手数料"</dt><dd>{yen(receipt.fee)}</dd>
                <dt>"状況"</dt><dd class="status">{receipt.status.label()}</dd>
            </dl>
            <p class="hint">"振込先の金融機関へ送信するまでは、他行振込照会から取り消せます。"</p>
            <div class="actions">
                <A href=statement attr:class="button secondary">"入出金明細を見る"</A>
                <A href="/transfer/interbank/history" attr:class="button secondary">"他行振込照会"</A>
                <A href="/home" attr:class="button">"ホームへ"</A>
            </div>
        </Screen>
    }
}

/// 「パスキーで承認」: a challenge for this 振込, the customer's passkey, then the
/// confirmation carrying the approval.
async fn approve(mut request: InterbankRequest) -> Result<InterbankReceipt, ClientError> {
    let ask =
        InterbankApprovalRequest { draft: request.draft.clone(), idempotency_key: request.idempotency_key.clone() };
    let challenge = client::interbank_approval(ask).await?;
    request.passkey = Some(webauthn::answer(challenge, None).await?);
    client::send_interbank(request).await
}

impl CodeCarrying for InterbankRequest {
    fn without_code(self) -> Self {
        Self { otp: None, ..self }
    }
}
