//! The typed client the SPA calls the server with (same origin, JSON over fetch).

use js_sys::{Promise, JSON};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::banking::{
    Payee, PayeeList, PayeeLookupRequest, Statement, StatementQuery, TransferApprovalRequest, TransferDraft,
    TransferLimit, TransferLimitRequest, TransferQuote, TransferReceipt, TransferRequest,
};
use crate::identity::{
    ChangeNoticeAddressRequest, ChangePasswordRequest, LoginRequest, LoginResponse, MeResponse, NoticeAddressChanged,
    PasswordChanged, RegistrationRequest, RegistrationVerified, RegistrationVerifyRequest,
};
use crate::otp::{IssueTokenRequest, OtpRequest, OtpStatus, ProvisionRequest, ProvisionedToken, TokenIssued};
use crate::passkey::{
    PasskeyAnswer, PasskeyChallenge, PasskeyList, PasskeyLoginOptionsRequest, PasskeyRegistrationOptionsRequest,
    PasskeyRegistrationRequest, PasskeyRemovalRequest, PasskeySummary,
};
use crate::{ErrorBody, ErrorReason, HealthResponse, CSRF_HEADER};

/// What can go wrong calling the API, in terms a screen can show.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error body.
    #[error("{}", .0.message)]
    Api(ErrorBody),
    /// The request never got an answer: the server is down or the network is gone.
    #[error("サーバーに接続できません。通信環境をご確認のうえ、再度お試しください。")]
    Unreachable,
    /// An answer came that is not what the contract says.
    #[error("サーバーから予期しない応答がありました。")]
    UnexpectedResponse,
}

impl ClientError {
    pub fn reason(&self) -> Option<ErrorReason> {
        match self {
            Self::Api(body) => Some(body.reason),
            _ => None,
        }
    }

    /// The request field the server's refusal names, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Api(body) => body.field.as_deref(),
            _ => None,
        }
    }
}

/// Waits for a promise of the browser's.
async fn settle<T: JsCast>(promise: Promise) -> Result<T, ClientError> {
    JsFuture::from(promise)
        .await
        .map_err(|_| ClientError::Unreachable)?
        .dyn_into()
        .map_err(|_| ClientError::UnexpectedResponse)
}

/// The body parsed by the browser's JSON and read into `T` (no JSON parser in the wasm).
async fn body<T: DeserializeOwned>(response: &Response) -> Result<T, ClientError> {
    let promise = response.json().map_err(|_| ClientError::UnexpectedResponse)?;
    let value = JsFuture::from(promise).await.map_err(|_| ClientError::UnexpectedResponse)?;
    serde_wasm_bindgen::from_value(value).map_err(|_| ClientError::UnexpectedResponse)
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    if response.ok() {
        return body(&response).await;
    }
    match body::<ErrorBody>(&response).await {
        Ok(error) => Err(ClientError::Api(error)),
        // A proxy in front of a stopped server answers 502/504 with no JSON.
        Err(_) if matches!(response.status(), 502..=504) => Err(ClientError::Unreachable),
        Err(_) => Err(ClientError::UnexpectedResponse),
    }
}

/// One request to this origin; state-changing ones carry the anti-CSRF header the server
/// requires, and `body` as JSON (stringified by the browser).
async fn send(method: &str, path: &str, body: Option<&JsValue>) -> Result<Response, ClientError> {
    let unexpected = |_| ClientError::UnexpectedResponse;
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().map_err(unexpected)?;
    if method != "GET" {
        headers.set(CSRF_HEADER, "1").map_err(unexpected)?;
    }
    if let Some(body) = body {
        headers.set("content-type", "application/json").map_err(unexpected)?;
        init.set_body(&JSON::stringify(body).map_err(unexpected)?.into());
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(path, &init).map_err(unexpected)?;
    let window = web_sys::window().ok_or(ClientError::Unreachable)?;
    let sent_at = js_sys::Date::now();
    let response: Response = settle(window.fetch_with_request(&request)).await?;
    // The server restarts a session's idle count on each request it reads the session for;
    // the time of sending is never later than that.
    if path != "/api/health" {
        LAST_SESSION_USE.with(|last| last.set(last.get().max(sent_at)));
    }
    Ok(response)
}

thread_local! {
    static LAST_SESSION_USE: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// When this page last sent the server a request that keeps a session alive (ms since the
/// epoch; 0 before the first): the session warning counts the idle time from it.
pub fn last_session_use_ms() -> f64 {
    LAST_SESSION_USE.with(std::cell::Cell::get)
}

/// `GET /api/health`. A 503 still carries a health body: the server is up, its database is not.
pub async fn health() -> Result<HealthResponse, ClientError> {
    let response = send("GET", "/api/health", None).await?;
    if response.status() == 503 {
        return body::<HealthResponse>(&response).await.map_err(|_| ClientError::Unreachable);
    }
    decode(response).await
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ClientError> {
    decode(send("GET", path, None).await?).await
}

/// A state-changing request with a JSON body.
async fn send_post<B: Serialize>(path: &str, body: &B) -> Result<Response, ClientError> {
    let value = body
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| ClientError::UnexpectedResponse)?;
    send("POST", path, Some(&value)).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ClientError> {
    decode(send_post(path, body).await?).await
}

pub async fn login(request: LoginRequest) -> Result<LoginResponse, ClientError> {
    post("/api/login", &request).await
}

/// BLI023: the code that completes a login waiting for it.
pub async fn login_otp(otp: String) -> Result<LoginResponse, ClientError> {
    post("/api/login/otp", &OtpRequest { otp }).await
}

/// Ends the session on the server (204, no body).
pub async fn logout() -> Result<(), ClientError> {
    post_without_answer("/api/logout", &()).await
}

/// A POST whose success carries no body (201, 204).
async fn post_without_answer<B: Serialize>(path: &str, body: &B) -> Result<(), ClientError> {
    let response = send_post(path, body).await?;
    if response.ok() {
        Ok(())
    } else {
        decode::<()>(response).await
    }
}

pub async fn me() -> Result<MeResponse, ClientError> {
    get("/api/me").await
}

pub async fn registration_verify(request: RegistrationVerifyRequest) -> Result<RegistrationVerified, ClientError> {
    post("/api/registration/verify", &request).await
}

/// 初回利用登録; the customer logs in next.
pub async fn register(request: RegistrationRequest) -> Result<(), ClientError> {
    post_without_answer("/api/registration", &request).await
}

/// お客様情報の変更: a new login password (the server re-issues the session cookie).
pub async fn change_password(request: ChangePasswordRequest) -> Result<PasswordChanged, ClientError> {
    post("/api/password", &request).await
}

/// お客様情報の変更: a new 通知先メールアドレス (the server re-issues the session cookie).
pub async fn change_notice_address(request: ChangeNoticeAddressRequest) -> Result<NoticeAddressChanged, ClientError> {
    post("/api/notice-address", &request).await
}

pub async fn otp_status() -> Result<OtpStatus, ClientError> {
    get("/api/otp").await
}

pub async fn issue_token(request: IssueTokenRequest) -> Result<TokenIssued, ClientError> {
    post("/api/otp/issue", &request).await
}

pub async fn activate_otp(otp: String) -> Result<OtpStatus, ClientError> {
    post("/api/otp/activate", &OtpRequest { otp }).await
}

pub async fn deactivate_otp(otp: String) -> Result<OtpStatus, ClientError> {
    post("/api/otp/deactivate", &OtpRequest { otp }).await
}

/// The token app's 初期設定.
pub async fn provision_token(request: ProvisionRequest) -> Result<ProvisionedToken, ClientError> {
    post("/api/token/provision", &request).await
}

/// 入出金明細: one page of an account (`店番-口座番号`) in a period.
pub async fn statement(account: &str, query: &StatementQuery) -> Result<Statement, ClientError> {
    get(&format!("/api/accounts/{account}/statement?{}", query.to_query())).await
}

/// Where the period's CSV downloads from (an ordinary link: the session cookie goes with it).
pub fn statement_csv_url(account: &str, query: &StatementQuery) -> String {
    let whole = StatementQuery { page: None, ..query.clone() };
    format!("/api/accounts/{account}/statement/csv?{}", whole.to_query())
}

/// 受取人名 for 店番, 科目 and 口座番号.
pub async fn lookup_payee(request: PayeeLookupRequest) -> Result<Payee, ClientError> {
    post("/api/payees/lookup", &request).await
}

/// 登録振込先.
pub async fn payees() -> Result<PayeeList, ClientError> {
    get("/api/payees").await
}

pub async fn delete_payee(id: i64) -> Result<(), ClientError> {
    let response = send("DELETE", &format!("/api/payees/{id}"), None).await?;
    if response.ok() {
        Ok(())
    } else {
        decode::<()>(response).await
    }
}

/// The 確認 screen's facts and its idempotency key.
pub async fn quote_transfer(draft: TransferDraft) -> Result<TransferQuote, ClientError> {
    post("/api/transfers/quote", &draft).await
}

pub async fn transfer(request: TransferRequest) -> Result<TransferReceipt, ClientError> {
    post("/api/transfers", &request).await
}

/// The 収納機関 behind a 収納機関番号 that passed its rule (only digits reach the path).
pub async fn payeasy_biller(number: &crate::input::BillerNumber) -> Result<crate::payeasy::Biller, ClientError> {
    get(&format!("/api/payeasy/billers/{}", number.as_str())).await
}

/// 払込内容の確認's facts and its idempotency key.
pub async fn quote_bill(query: crate::payeasy::BillQuery) -> Result<crate::payeasy::BillQuote, ClientError> {
    post("/api/payeasy/quote", &query).await
}

pub async fn pay_bill(request: crate::payeasy::BillPaymentRequest) -> Result<crate::payeasy::BillReceipt, ClientError> {
    post("/api/payeasy/payments", &request).await
}

/// A passkey challenge for exactly this payment.
pub async fn bill_approval(
    request: crate::payeasy::BillApprovalRequest,
) -> Result<crate::passkey::PasskeyChallenge, ClientError> {
    post("/api/payeasy/approval", &request).await
}

/// 他行振込: banks of the 全銀 master matching a search.
pub async fn banks(query: &crate::interbank::BankQuery) -> Result<crate::interbank::BankList, ClientError> {
    get(&format!("/api/banks?{}", query.to_query())).await
}

/// A bank's branches matching a search.
pub async fn branches(
    bank: &str,
    query: &crate::interbank::BankQuery,
) -> Result<crate::interbank::BranchList, ClientError> {
    let bank: String = bank.chars().filter(char::is_ascii_digit).collect();
    get(&format!("/api/banks/{bank}/branches?{}", query.to_query())).await
}

pub async fn quote_interbank(
    draft: crate::interbank::InterbankDraft,
) -> Result<crate::interbank::InterbankQuote, ClientError> {
    post("/api/interbank/quote", &draft).await
}

pub async fn send_interbank(
    request: crate::interbank::InterbankRequest,
) -> Result<crate::interbank::InterbankReceipt, ClientError> {
    post("/api/interbank/transfers", &request).await
}

/// A passkey challenge for exactly this 他行振込.
pub async fn interbank_approval(
    request: crate::interbank::InterbankApprovalRequest,
) -> Result<crate::passkey::PasskeyChallenge, ClientError> {
    post("/api/interbank/approval", &request).await
}

/// The earliest 振込指定日 and the days a 振込予約 may name.
pub async fn interbank_dates() -> Result<crate::interbank::BookableDates, ClientError> {
    get("/api/interbank/dates").await
}

/// 他行振込照会.
pub async fn interbank_transfers() -> Result<crate::interbank::InterbankHistory, ClientError> {
    get("/api/interbank/transfers").await
}

/// 取消 of a 他行振込 not yet sent.
pub async fn cancel_interbank(receipt_no: &str) -> Result<crate::interbank::InterbankReceipt, ClientError> {
    post(&format!("/api/interbank/transfers/{}/cancel", path_segment(receipt_no)), &()).await
}

/// A 受付番号 as a path segment: only what a 受付番号 holds.
fn path_segment(receipt_no: &str) -> String {
    receipt_no.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect()
}

/// The days a 振込予約 within the credit union may name.
pub async fn transfer_dates() -> Result<crate::interbank::BookableDates, ClientError> {
    get("/api/transfers/dates").await
}

/// 振込照会's 取消 of a 振込予約.
pub async fn cancel_transfer_booking(receipt_no: &str) -> Result<crate::banking::TransferReceipt, ClientError> {
    post(&format!("/api/transfers/{}/cancel", path_segment(receipt_no)), &()).await
}

/// 払込照会.
pub async fn bill_payments() -> Result<crate::payeasy::BillPaymentHistory, ClientError> {
    get("/api/payeasy/payments").await
}

pub async fn transfer_limit() -> Result<TransferLimit, ClientError> {
    get("/api/transfer-limit").await
}

pub async fn change_transfer_limit(request: TransferLimitRequest) -> Result<TransferLimit, ClientError> {
    post("/api/transfer-limit", &request).await
}

/// BLI001: a challenge for 「パスキーでログイン」 or, with `autofill`, for the login ID
/// field's passkey suggestions.
pub async fn passkey_login_options(autofill: bool) -> Result<PasskeyChallenge, ClientError> {
    post("/api/passkeys/login/options", &PasskeyLoginOptionsRequest { autofill }).await
}

pub async fn passkey_login(answer: PasskeyAnswer) -> Result<LoginResponse, ClientError> {
    post("/api/passkeys/login", &answer).await
}

/// BPK001.
pub async fn passkeys() -> Result<PasskeyList, ClientError> {
    get("/api/passkeys").await
}

pub async fn passkey_registration_options(
    login_password: Option<String>,
    step_up: crate::enrolment::StepUp,
) -> Result<PasskeyChallenge, ClientError> {
    post(
        "/api/passkeys/registration/options",
        &PasskeyRegistrationOptionsRequest { login_password, step_up: Some(step_up) },
    )
    .await
}

/// What an enrolment can be proven with (BPK002, トークン発行), and the waiting period.
pub async fn enrolment_status() -> Result<crate::enrolment::EnrolmentStatus, ClientError> {
    get("/api/enrolment").await
}

/// 「確認コードを送信」: the 確認コード to the notice address on file.
pub async fn send_mail_code(
    purpose: crate::enrolment::Enrolment,
) -> Result<crate::enrolment::MailCodeSent, ClientError> {
    post("/api/enrolment/mail-code", &crate::enrolment::EnrolmentPurpose { purpose }).await
}

/// A challenge for the customer's passkeys, approving this enrolment only.
pub async fn enrolment_approval(purpose: crate::enrolment::Enrolment) -> Result<PasskeyChallenge, ClientError> {
    post("/api/enrolment/approval", &crate::enrolment::EnrolmentPurpose { purpose }).await
}

pub async fn register_passkey(request: PasskeyRegistrationRequest) -> Result<PasskeySummary, ClientError> {
    post("/api/passkeys", &request).await
}

/// A challenge approving the removal of passkey `id` only.
pub async fn passkey_removal_options(id: i64) -> Result<PasskeyChallenge, ClientError> {
    post(&format!("/api/passkeys/{id}/removal/options"), &()).await
}

/// Removes passkey `id` (the server re-issues the session cookie); the list after it.
pub async fn remove_passkey(id: i64, request: PasskeyRemovalRequest) -> Result<PasskeyList, ClientError> {
    post(&format!("/api/passkeys/{id}/removal"), &request).await
}

/// A challenge approving this 振込 only.
pub async fn transfer_approval(request: TransferApprovalRequest) -> Result<PasskeyChallenge, ClientError> {
    post("/api/transfers/approval", &request).await
}

/// ログイン履歴.
pub async fn logins() -> Result<crate::logins::LoginHistory, ClientError> {
    get("/api/logins").await
}

/// ログイン中の端末.
pub async fn sessions() -> Result<crate::logins::LiveSessions, ClientError> {
    get("/api/sessions").await
}

/// Ends one of the customer's other sessions.
pub async fn logout_session(id: &str) -> Result<crate::logins::SessionsEnded, ClientError> {
    post(&format!("/api/sessions/{id}/logout"), &()).await
}

/// 「この端末以外をすべてログアウト」.
pub async fn logout_other_sessions() -> Result<crate::logins::SessionsEnded, ClientError> {
    post("/api/sessions/logout-others", &()).await
}

/// BTF041 振込照会.
pub async fn transfers() -> Result<crate::banking::TransferHistory, ClientError> {
    get("/api/transfers").await
}

/// BTF031's 「変更予定を取り消す」.
pub async fn cancel_transfer_limit() -> Result<crate::banking::TransferLimit, ClientError> {
    post("/api/transfer-limit/cancel", &()).await
}

/// BTF031's 1回あたりの振込限度額.
pub async fn change_per_transfer_limit(
    request: crate::banking::TransferLimitRequest,
) -> Result<crate::banking::TransferLimit, ClientError> {
    post("/api/transfer-limit/per-transfer", &request).await
}

/// The staff console's calls (`/staff-api/*` on the console's own listener and origin).
pub mod staff {
    use super::{get, post, post_without_answer, ClientError};
    use crate::passkey::PasskeyChallenge;
    use crate::staff::{
        AuditPage, CounterDeposit, CounterDepositDone, CustomerHit, DecisionRequest, DecisionResponse, EnrolmentCode,
        HeldTransfer, NewStaffRequest, ProposalView, ProposeRequest, StaffCustomer, StaffEnrolmentFinish,
        StaffEnrolmentStart, StaffLoginFinish, StaffMe, StaffMember,
    };

    pub async fn me() -> Result<StaffMe, ClientError> {
        get("/staff-api/me").await
    }

    pub async fn login_options() -> Result<PasskeyChallenge, ClientError> {
        post("/staff-api/login/options", &()).await
    }

    pub async fn login(answer: StaffLoginFinish) -> Result<StaffMe, ClientError> {
        post("/staff-api/login", &answer).await
    }

    pub async fn logout() -> Result<(), ClientError> {
        post_without_answer("/staff-api/logout", &()).await
    }

    pub async fn enrolment_options(code: String) -> Result<PasskeyChallenge, ClientError> {
        post("/staff-api/enrolment/options", &StaffEnrolmentStart { code }).await
    }

    pub async fn enrol(request: StaffEnrolmentFinish) -> Result<(), ClientError> {
        post_without_answer("/staff-api/enrolment", &request).await
    }

    /// `q`: 店番-口座番号, 口座番号, login ID or カナ (URL-encoded here).
    pub async fn search(q: &str) -> Result<Vec<CustomerHit>, ClientError> {
        get(&format!("/staff-api/customers?q={}", js_sys::encode_uri_component(q))).await
    }

    pub async fn customer(id: i64) -> Result<StaffCustomer, ClientError> {
        get(&format!("/staff-api/customers/{id}")).await
    }

    pub async fn deposit(customer: i64, request: CounterDeposit) -> Result<CounterDepositDone, ClientError> {
        post(&format!("/staff-api/customers/{customer}/deposits"), &request).await
    }

    pub async fn propose(request: ProposeRequest) -> Result<ProposalView, ClientError> {
        post("/staff-api/proposals", &request).await
    }

    pub async fn queue() -> Result<Vec<ProposalView>, ClientError> {
        get("/staff-api/proposals").await
    }

    pub async fn approve(id: i64, request: DecisionRequest) -> Result<DecisionResponse, ClientError> {
        post(&format!("/staff-api/proposals/{id}/approve"), &request).await
    }

    pub async fn reject(id: i64, request: DecisionRequest) -> Result<DecisionResponse, ClientError> {
        post(&format!("/staff-api/proposals/{id}/reject"), &request).await
    }

    pub async fn members() -> Result<Vec<StaffMember>, ClientError> {
        get("/staff-api/staff").await
    }

    pub async fn add_member(request: NewStaffRequest) -> Result<EnrolmentCode, ClientError> {
        post("/staff-api/staff", &request).await
    }

    pub async fn new_code(id: i64) -> Result<EnrolmentCode, ClientError> {
        post(&format!("/staff-api/staff/{id}/code"), &()).await
    }

    pub async fn disable_member(id: i64) -> Result<(), ClientError> {
        post_without_answer(&format!("/staff-api/staff/{id}/disable"), &()).await
    }

    pub async fn holds() -> Result<Vec<HeldTransfer>, ClientError> {
        get("/staff-api/holds").await
    }

    /// The audit search; `query` is the form's fields as `name=value` pairs (encoded here).
    pub async fn audit(query: &[(&str, String)]) -> Result<AuditPage, ClientError> {
        get(&format!("/staff-api/audit?{}", audit_query(query))).await
    }

    pub fn audit_csv_url(query: &[(&str, String)]) -> String {
        format!("/staff-api/audit.csv?{}", audit_query(query))
    }

    fn audit_query(query: &[(&str, String)]) -> String {
        query
            .iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .map(|(name, value)| format!("{name}={}", js_sys::encode_uri_component(value.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }
}
