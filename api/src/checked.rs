//! Every request body checked against all its fields' rules at once. The server answers the
//! first refusal (naming its field); a form holds its submit while any remains. One list of
//! rules per request, so the handler and the screen cannot disagree.

use crate::banking::{
    PayeeLookupRequest, TransferApprovalRequest, TransferDraft, TransferLimitRequest, TransferRequest,
};
use crate::identity::{
    AccountKind, ChangeNoticeAddressRequest, ChangePasswordRequest, LoginRequest, RegistrationRequest,
    RegistrationVerifyRequest,
};
use crate::input::{
    AccountNumber, ActivationPassword, Amount, BranchCode, Date, IdempotencyKey, InputError, KanaName, LimitAmount,
    LoginId, LoginPassword, MailAddress, NewPassword, NoticeAddress, OtpCode, ServiceId, TemporaryPassword, UserId,
};
use crate::input::{BankCode, BillCategory, BillConfirmation, BillNumber, BillerNumber, ZenginName};
use crate::interbank::{InterbankApprovalRequest, InterbankDraft, InterbankRequest};
use crate::otp::{IssueTokenRequest, OtpRequest, ProvisionRequest, TokenMethod};
use crate::payeasy::{BillApprovalRequest, BillPaymentRequest, BillQuery};

/// The checked values, or every field's refusal in the order of the form.
pub type Checked<T> = Result<T, Vec<InputError>>;

/// Gathers the fields' verdicts.
#[derive(Default)]
struct Verdicts(Vec<InputError>);

impl Verdicts {
    fn take<T>(&mut self, verdict: Result<T, InputError>) -> Option<T> {
        verdict.map_err(|error| self.0.push(error)).ok()
    }

    fn finish<T>(self, checked: Option<T>) -> Checked<T> {
        match checked {
            Some(checked) if self.0.is_empty() => Ok(checked),
            _ => Err(self.0),
        }
    }
}

pub struct Login {
    pub login_id: LoginId,
    pub password: LoginPassword,
}

impl LoginRequest {
    pub fn check(&self) -> Checked<Login> {
        let mut v = Verdicts::default();
        let login_id = v.take(LoginId::parse(&self.login_id));
        let password = v.take(LoginPassword::parse(&self.password));
        v.finish(login_id.zip(password).map(|(login_id, password)| Login { login_id, password }))
    }
}

/// What the branch handed over for 初回利用登録.
pub struct Proof {
    pub branch: BranchCode,
    pub account: AccountNumber,
    pub temporary: TemporaryPassword,
}

fn proof(v: &mut Verdicts, branch: &str, account: &str, temporary: &str) -> Option<Proof> {
    let branch = v.take(BranchCode::parse(branch));
    let account = v.take(AccountNumber::parse(account));
    let temporary = v.take(TemporaryPassword::parse(temporary));
    Some(Proof { branch: branch?, account: account?, temporary: temporary? })
}

impl RegistrationVerifyRequest {
    pub fn check(&self) -> Checked<Proof> {
        let mut v = Verdicts::default();
        let checked = proof(&mut v, &self.branch_code, &self.account_number, &self.temporary_password);
        v.finish(checked)
    }
}

pub struct Registration {
    pub proof: Proof,
    pub login_id: LoginId,
    pub password: NewPassword,
    pub notice_address: NoticeAddress,
}

impl RegistrationRequest {
    pub fn check(&self) -> Checked<Registration> {
        let mut v = Verdicts::default();
        let proof = proof(&mut v, &self.branch_code, &self.account_number, &self.temporary_password);
        let login_id = v.take(LoginId::parse(&self.login_id));
        let password = v.take(NewPassword::parse_field(&self.password, "password"));
        if let (Some(login_id), Some(password)) = (&login_id, &password) {
            v.take(password.check_login_id(login_id.as_str(), "password"));
        }
        let notice_address = v.take(NoticeAddress::parse(&self.notice_address));
        let checked = (|| {
            Some(Registration {
                proof: proof?,
                login_id: login_id?,
                password: password?,
                notice_address: notice_address?,
            })
        })();
        v.finish(checked)
    }
}

/// A password change; its one-time password is checked by the server only when the token is
/// 利用中, so it stays as sent.
pub struct PasswordChange {
    pub current: LoginPassword,
    pub new: NewPassword,
}

impl ChangePasswordRequest {
    /// The change of the customer whose login ID is `login_id` (the new password must not
    /// contain it).
    pub fn check_for(&self, login_id: &str) -> Checked<PasswordChange> {
        let mut v = Verdicts::default();
        let current = v.take(LoginPassword::parse_field(&self.current_password, "current_password"));
        let new = v.take(NewPassword::parse(&self.new_password));
        if let Some(new) = &new {
            v.take(new.check_login_id(login_id, "new_password"));
        }
        v.finish(current.zip(new).map(|(current, new)| PasswordChange { current, new }))
    }
}

pub struct NoticeAddressChange {
    pub address: NoticeAddress,
    pub password: LoginPassword,
}

impl ChangeNoticeAddressRequest {
    pub fn check(&self) -> Checked<NoticeAddressChange> {
        let mut v = Verdicts::default();
        let address = v.take(NoticeAddress::parse(&self.notice_address));
        let password = v.take(LoginPassword::parse_field(&self.password, "password"));
        v.finish(address.zip(password).map(|(address, password)| NoticeAddressChange { address, password }))
    }
}

/// What kind of token, with what the guide's token app needs.
pub enum TokenOrder {
    Software { mail: MailAddress, activation: ActivationPassword },
    Authenticator,
}

pub struct Issuance {
    pub order: TokenOrder,
    pub login_password: LoginPassword,
}

impl IssueTokenRequest {
    pub fn check(&self) -> Checked<Issuance> {
        let mut v = Verdicts::default();
        let order = match self.method {
            TokenMethod::SoftwareToken => {
                let mail = v.take(MailAddress::parse(self.mail_address.as_deref().unwrap_or_default()));
                let activation =
                    v.take(ActivationPassword::parse(self.activation_password.as_deref().unwrap_or_default()));
                mail.zip(activation).map(|(mail, activation)| TokenOrder::Software { mail, activation })
            }
            TokenMethod::AuthenticatorApp => Some(TokenOrder::Authenticator),
        };
        let login_password = v.take(LoginPassword::parse_field(&self.login_password, "login_password"));
        v.finish(order.zip(login_password).map(|(order, login_password)| Issuance { order, login_password }))
    }
}

pub struct Provisioning {
    pub service_id: ServiceId,
    pub user_id: UserId,
    pub activation: ActivationPassword,
}

impl ProvisionRequest {
    pub fn check(&self) -> Checked<Provisioning> {
        let mut v = Verdicts::default();
        let service_id = v.take(ServiceId::parse(&self.service_id));
        let user_id = v.take(UserId::parse(&self.user_id));
        let activation = v.take(ActivationPassword::parse(&self.activation_password));
        let checked = (|| Some(Provisioning { service_id: service_id?, user_id: user_id?, activation: activation? }))();
        v.finish(checked)
    }
}

impl OtpRequest {
    pub fn check(&self) -> Checked<OtpCode> {
        let mut v = Verdicts::default();
        let code = v.take(OtpCode::parse(&self.otp));
        v.finish(code)
    }
}

/// An account named by 店番, 科目 and 口座番号.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub branch: BranchCode,
    pub kind: AccountKind,
    pub number: AccountNumber,
}

impl PayeeLookupRequest {
    pub fn check(&self) -> Checked<Destination> {
        let mut v = Verdicts::default();
        let branch = v.take(BranchCode::parse(&self.branch_code));
        let number = v.take(AccountNumber::parse(&self.account_number));
        v.finish(branch.zip(number).map(|(branch, number)| Destination { branch, kind: self.kind, number }))
    }
}

/// `店番-口座番号`, as the SPA names one of the customer's accounts.
pub fn account_key(raw: &str, field: &'static str) -> Result<(BranchCode, AccountNumber), InputError> {
    let refuse = InputError { field, message: "口座を選択してください。" };
    let (branch, number) = raw.split_once('-').ok_or(refuse.clone())?;
    let branch = BranchCode::parse(branch).map_err(|_| refuse.clone())?;
    let number = AccountNumber::parse(number).map_err(|_| refuse)?;
    Ok((branch, number))
}

/// A transfer as asked for; which accounts exist and whose they are is the server's to say.
#[derive(Debug, Clone)]
pub struct Draft {
    pub from: (BranchCode, AccountNumber),
    pub to: Destination,
    pub amount: Amount,
    /// `None`: the account holder's own name.
    pub requester: Option<KanaName>,
    /// 振込指定日 of a 振込予約; `None`: now.
    pub execution_date: Option<Date>,
}

fn draft(v: &mut Verdicts, d: &TransferDraft) -> Option<Draft> {
    let from = v.take(account_key(&d.from_account, "from_account"));
    let branch = v.take(BranchCode::parse(&d.to_branch_code).map_err(|e| InputError { field: "to_branch_code", ..e }));
    let number =
        v.take(AccountNumber::parse(&d.to_account_number).map_err(|e| InputError { field: "to_account_number", ..e }));
    let amount = v.take(Amount::parse(&d.amount));
    let requester = if d.requester_name.trim().is_empty() {
        Some(None)
    } else {
        v.take(KanaName::parse(&d.requester_name)).map(Some)
    };
    let execution_date = execution_date(v, &d.execution_date);
    let to = Destination { branch: branch?, kind: d.to_kind, number: number? };
    Some(Draft { from: from?, to, amount: amount?, requester: requester?, execution_date: execution_date? })
}

/// 振込指定日 as given: empty for none (now, or the earliest day).
fn execution_date(v: &mut Verdicts, given: &str) -> Option<Option<Date>> {
    match given.trim() {
        "" => Some(None),
        given => v.take(Date::parse_field(given, "execution_date")).map(Some),
    }
}

impl TransferDraft {
    pub fn check(&self) -> Checked<Draft> {
        let mut v = Verdicts::default();
        let checked = draft(&mut v, self);
        v.finish(checked)
    }
}

impl TransferRequest {
    pub fn check(&self) -> Checked<(Draft, IdempotencyKey)> {
        confirmation(&self.draft, &self.idempotency_key)
    }
}

/// A confirmation of the 確認 screen: its draft and the quote's key.
fn confirmation(d: &TransferDraft, key: &str) -> Checked<(Draft, IdempotencyKey)> {
    let mut v = Verdicts::default();
    let draft = draft(&mut v, d);
    let key = v.take(IdempotencyKey::parse(key));
    v.finish(draft.zip(key))
}

impl TransferApprovalRequest {
    pub fn check(&self) -> Checked<(Draft, IdempotencyKey)> {
        confirmation(&self.draft, &self.idempotency_key)
    }
}

impl TransferLimitRequest {
    pub fn check(&self) -> Checked<LimitAmount> {
        let mut v = Verdicts::default();
        let limit = v.take(LimitAmount::parse(&self.limit));
        v.finish(limit)
    }
}

/// A ペイジー bill as asked for; whether it exists, and whether the biller needs its 納付区分,
/// is the server's to say.
#[derive(Debug, Clone)]
pub struct Bill {
    pub from: (BranchCode, AccountNumber),
    pub biller: BillerNumber,
    pub number: BillNumber,
    pub confirmation: BillConfirmation,
    /// `None`: left empty.
    pub category: Option<BillCategory>,
}

fn bill(v: &mut Verdicts, q: &BillQuery) -> Option<Bill> {
    let from = v.take(account_key(&q.from_account, "from_account"));
    let biller = v.take(BillerNumber::parse(&q.biller_number));
    let number = v.take(BillNumber::parse(&q.bill_number));
    let confirmation = v.take(BillConfirmation::parse(&q.confirmation_number));
    let category = match q.category.trim() {
        "" => Some(None),
        given => v.take(BillCategory::parse(given)).map(Some),
    };
    Some(Bill { from: from?, biller: biller?, number: number?, confirmation: confirmation?, category: category? })
}

impl BillQuery {
    pub fn check(&self) -> Checked<Bill> {
        let mut v = Verdicts::default();
        let checked = bill(&mut v, self);
        v.finish(checked)
    }
}

/// A confirmation of 払込内容の確認: its bill and the quote's key.
fn bill_confirmation(q: &BillQuery, key: &str) -> Checked<(Bill, IdempotencyKey)> {
    let mut v = Verdicts::default();
    let bill = bill(&mut v, q);
    let key = v.take(IdempotencyKey::parse(key));
    v.finish(bill.zip(key))
}

impl BillPaymentRequest {
    pub fn check(&self) -> Checked<(Bill, IdempotencyKey)> {
        bill_confirmation(&self.query, &self.idempotency_key)
    }
}

impl BillApprovalRequest {
    pub fn check(&self) -> Checked<(Bill, IdempotencyKey)> {
        bill_confirmation(&self.query, &self.idempotency_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<T>(checked: Checked<T>) -> Vec<&'static str> {
        checked.err().unwrap_or_default().iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_bill_query_names_each_wrong_number_and_takes_an_empty_category() {
        let query = BillQuery {
            from_account: "001-1234567".into(),
            biller_number: "002".into(),
            bill_number: "x".into(),
            confirmation_number: "1234567".into(),
            category: "1234".into(),
        };
        assert_eq!(fields(query.check()), ["biller_number", "bill_number", "confirmation_number", "category"]);
        let fine = BillQuery {
            biller_number: "００２００".into(),
            bill_number: "1234 5678".into(),
            confirmation_number: "0123".into(),
            category: " ".into(),
            ..query
        };
        let Ok(bill) = fine.check() else { panic!("a well-formed query") };
        assert_eq!((bill.biller.as_str(), bill.number.as_str()), ("00200", "12345678"));
        assert!(bill.category.is_none());
    }

    #[test]
    fn every_refused_field_is_named_in_the_order_of_the_form() {
        let registration = RegistrationRequest {
            branch_code: "1".into(),
            account_number: "1234567".into(),
            temporary_password: String::new(),
            login_id: "ok01".into(),
            password: "short".into(),
            notice_address: "nobody".into(),
        };
        assert_eq!(fields(registration.check()), ["branch_code", "temporary_password", "password", "notice_address"]);
        let login = LoginRequest { login_id: "demo01".into(), password: "demo1234".into() };
        assert!(login.check().is_ok());
    }

    #[test]
    fn a_software_token_needs_its_mail_and_password_and_every_issuance_the_login_password() {
        let software = IssueTokenRequest {
            method: TokenMethod::SoftwareToken,
            login_password: String::new(),
            mail_address: Some("taro@docomo.ne.jp".into()),
            activation_password: None,
            step_up: None,
        };
        assert_eq!(fields(software.check()), ["activation_password", "login_password"]);
        let app = IssueTokenRequest {
            method: TokenMethod::AuthenticatorApp,
            login_password: "demo1234".into(),
            mail_address: None,
            activation_password: None,
            step_up: None,
        };
        assert!(matches!(app.check(), Ok(Issuance { order: TokenOrder::Authenticator, .. })));
    }

    #[test]
    fn a_transfer_names_each_refused_field_and_defaults_the_requester() {
        let draft = TransferDraft {
            from_account: "001-1234567".into(),
            to_branch_code: "01".into(),
            to_kind: AccountKind::Ordinary,
            to_account_number: "7654321".into(),
            amount: "0".into(),
            requester_name: "Taro".into(),
            execution_date: "2027-02-30".into(),
        };
        assert_eq!(fields(draft.check()), ["to_branch_code", "amount", "requester_name", "execution_date"]);
        let fine = TransferDraft {
            to_branch_code: "001".into(),
            amount: "1,000".into(),
            requester_name: String::new(),
            execution_date: " ".into(),
            ..draft
        };
        let checked = fine.check().unwrap();
        assert_eq!((checked.amount.yen(), checked.requester, checked.execution_date), (1000, None, None));
        let request =
            TransferRequest { draft: fine, idempotency_key: "x".into(), otp: None, passkey: None, save_payee: false };
        assert_eq!(fields(request.check()), ["idempotency_key"]);
        assert_eq!(account_key("0011234567", "from_account").unwrap_err().field, "from_account");
    }

    #[test]
    fn a_password_change_checks_both_passwords_under_their_own_names() {
        let change = ChangePasswordRequest { current_password: String::new(), new_password: "abc".into(), otp: None };
        assert_eq!(fields(change.check_for("taro01")), ["current_password", "new_password"]);
        let with_id =
            ChangePasswordRequest { current_password: "old".into(), new_password: "Taro01-2025".into(), otp: None };
        assert_eq!(fields(with_id.check_for("taro01")), ["new_password"], "the login ID inside");
        assert!(with_id.check_for("hanako").is_ok());
        let address =
            ChangeNoticeAddressRequest { notice_address: "a@b.jp".into(), password: "x\u{3000}y".into(), otp: None };
        assert_eq!(fields(address.check()), ["password"]);
        assert_eq!(fields(OtpRequest { otp: "12".into() }.check()), ["otp"]);
        let provision = ProvisionRequest {
            service_id: "1".into(),
            user_id: "12345678901".into(),
            activation_password: "1234".into(),
        };
        assert_eq!(fields(provision.check()), ["service_id"]);
    }
}

/// A 他行振込 as asked for; whether the bank and branch exist is the server's to say.
#[derive(Debug, Clone)]
pub struct Interbank {
    pub from: (BranchCode, AccountNumber),
    pub bank: BankCode,
    pub branch: BranchCode,
    pub kind: AccountKind,
    pub number: AccountNumber,
    pub payee: ZenginName,
    pub amount: Amount,
    /// `None`: the account holder's own name.
    pub requester: Option<KanaName>,
    /// 振込指定日 asked for (a 振込予約); `None`: the earliest.
    pub execution_date: Option<Date>,
}

fn interbank(v: &mut Verdicts, d: &InterbankDraft) -> Option<Interbank> {
    let from = v.take(account_key(&d.from_account, "from_account"));
    let bank = v.take(BankCode::parse(&d.bank_code));
    let branch = v.take(
        BranchCode::parse(&d.branch_code)
            .map_err(|e| InputError { message: "支店を選択してください。", ..e }),
    );
    let number = v.take(AccountNumber::parse(&d.account_number));
    let payee = v.take(ZenginName::parse(&d.payee_name));
    let amount = v.take(Amount::parse(&d.amount));
    let requester = if d.requester_name.trim().is_empty() {
        Some(None)
    } else {
        v.take(KanaName::parse(&d.requester_name)).map(Some)
    };
    let execution_date = execution_date(v, &d.execution_date);
    Some(Interbank {
        from: from?,
        bank: bank?,
        branch: branch?,
        kind: d.kind,
        number: number?,
        payee: payee?,
        amount: amount?,
        requester: requester?,
        execution_date: execution_date?,
    })
}

impl InterbankDraft {
    pub fn check(&self) -> Checked<Interbank> {
        let mut v = Verdicts::default();
        let checked = interbank(&mut v, self);
        v.finish(checked)
    }
}

fn interbank_confirmation(d: &InterbankDraft, key: &str) -> Checked<(Interbank, IdempotencyKey)> {
    let mut v = Verdicts::default();
    let checked = interbank(&mut v, d);
    let key = v.take(IdempotencyKey::parse(key));
    v.finish(checked.zip(key))
}

impl InterbankRequest {
    pub fn check(&self) -> Checked<(Interbank, IdempotencyKey)> {
        interbank_confirmation(&self.draft, &self.idempotency_key)
    }
}

impl InterbankApprovalRequest {
    pub fn check(&self) -> Checked<(Interbank, IdempotencyKey)> {
        interbank_confirmation(&self.draft, &self.idempotency_key)
    }
}
