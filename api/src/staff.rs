//! The branch's staff console (`staff.html`, served on its own listener): who may do what,
//! the 依頼書 a 窓口 takes and proposes, and what a 役席 approves. The server checks every
//! rule here; the console uses the same ones to fill its forms and hide what a role cannot do.

use serde::{Deserialize, Serialize};

use crate::input::{Amount, Date, InputError, NoticeAddress};

/// What a staff member may do. A person may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 窓口: looks customers up, takes a 依頼書, proposes.
    Teller,
    /// 役席: approves or rejects what a 窓口 proposed.
    Approver,
    /// 監査: reads and exports the audit log.
    Auditor,
    /// 管理者: staff accounts.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Teller, Role::Approver, Role::Auditor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Teller => "teller",
            Self::Approver => "approver",
            Self::Auditor => "auditor",
            Self::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Teller => "窓口",
            Self::Approver => "役席",
            Self::Auditor => "監査",
            Self::Admin => "管理者",
        }
    }

    /// From its stored spelling or its Japanese name (the CLI takes either).
    pub fn parse(text: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|role| role.as_str() == text || role.label() == text)
    }
}

/// A staff member's roles: at least one, each once, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roles(Vec<Role>);

impl Roles {
    /// `teller,approver` (or 窓口,役席): the stored and the CLI's form.
    pub fn parse(text: &str) -> Result<Roles, String> {
        let mut roles = Vec::new();
        for part in text.split(',').map(str::trim).filter(|part| !part.is_empty()) {
            let role = Role::parse(part).ok_or_else(|| {
                format!("unknown role {part:?}: teller (窓口), approver (役席), auditor (監査) or admin (管理者)")
            })?;
            roles.push(role);
        }
        Self::from_list(roles).ok_or_else(|| {
            "give at least one role; admin (管理者) is not combined with teller (窓口) or approver (役席)".to_owned()
        })
    }

    /// At least one role; and a 管理者 is never also a 窓口 or 役席 (the person who makes
    /// accounts does not also propose or approve with them).
    pub fn from_list(mut roles: Vec<Role>) -> Option<Roles> {
        roles.sort();
        roles.dedup();
        let mixes = roles.contains(&Role::Admin) && (roles.contains(&Role::Teller) || roles.contains(&Role::Approver));
        (!roles.is_empty() && !mixes).then_some(Roles(roles))
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn list(&self) -> &[Role] {
        &self.0
    }

    pub fn stored(&self) -> String {
        self.0.iter().map(|role| role.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn labels(&self) -> String {
        self.0.iter().map(|role| role.label()).collect::<Vec<_>>().join("・")
    }
}

/// How the 窓口 confirmed that the person at the counter is the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentityCheck {
    /// 届出印: the seal registered with the account, on the 依頼書.
    Seal,
    /// 本人確認書類: a driving licence, マイナンバーカード, passport.
    Document,
    SealAndDocument,
}

impl IdentityCheck {
    pub const ALL: [IdentityCheck; 3] = [Self::Seal, Self::Document, Self::SealAndDocument];

    pub fn label(self) -> &'static str {
        match self {
            Self::Seal => "届出印",
            Self::Document => "本人確認書類",
            Self::SealAndDocument => "届出印および本人確認書類",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Seal => "seal",
            Self::Document => "document",
            Self::SealAndDocument => "seal_and_document",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|check| check.as_str() == text)
    }
}

/// What a proposal asks the bank to do for one customer; each needs a second person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProposalAction {
    /// ワンタイムパスワード停止解除.
    LiftSuspension,
    /// ワンタイムパスワード初期化.
    InitialiseOtp,
    /// ログインのロック解除.
    UnlockLogin,
    /// パスキーの削除 (every one of the customer's: a lost or stolen device).
    RemovePasskeys,
    /// 仮パスワードの再発行 (a customer not registered yet).
    ReissueTemporaryPassword,
    /// 通知先メールアドレスの登録 from the 依頼書.
    SetNoticeAddress { address: String },
    /// 窓口入金 above the amount one person may take.
    Deposit { account_id: i64, amount: i64, description: String },
    /// A held 振込's release: it is made as asked.
    ReleaseHold { receipt: String, reason: String },
    /// A held 振込's rejection: nothing moves.
    RejectHold { receipt: String, reason: String },
    /// 凍結.
    Freeze { reason: String },
    /// 凍結解除.
    Unfreeze { reason: String },
}

impl ProposalAction {
    /// The stored kind (`proposals.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::LiftSuspension => "lift_suspension",
            Self::InitialiseOtp => "initialise_otp",
            Self::UnlockLogin => "unlock_login",
            Self::RemovePasskeys => "remove_passkeys",
            Self::ReissueTemporaryPassword => "reissue_temporary_password",
            Self::SetNoticeAddress { .. } => "set_notice_address",
            Self::Deposit { .. } => "deposit",
            Self::ReleaseHold { .. } => "release_hold",
            Self::RejectHold { .. } => "reject_hold",
            Self::Freeze { .. } => "freeze",
            Self::Unfreeze { .. } => "unfreeze",
        }
    }

    pub fn label(&self) -> &'static str {
        kind_label(self.kind())
    }

    /// What the proposal carries beyond its kind, as a line for the queue.
    pub fn summary(&self) -> String {
        match self {
            Self::SetNoticeAddress { address } => address.clone(),
            Self::Deposit { amount, description, .. } => {
                format!("{}円 {description}", crate::banking::yen(*amount).trim_end_matches("円"))
            }
            Self::ReleaseHold { receipt, reason } | Self::RejectHold { receipt, reason } => {
                format!("{receipt}（理由: {reason}）")
            }
            Self::Freeze { reason } | Self::Unfreeze { reason } => format!("理由: {reason}"),
            _ => String::new(),
        }
    }

    /// The action's own fields checked: the same rules as the customer's and the CLI's.
    pub fn check(&self) -> Result<(), InputError> {
        let reason_ok = |reason: &str| {
            let reason = reason.trim();
            if reason.is_empty() || reason.chars().count() > 200 || crate::input::has_hidden_characters(reason) {
                return Err(InputError {
                    field: "reason", message: "理由を200文字以内で入力してください。"
                });
            }
            Ok(())
        };
        match self {
            Self::SetNoticeAddress { address } => NoticeAddress::parse(address).map(drop),
            Self::Deposit { amount, description, .. } => {
                Amount::parse(&amount.to_string())?;
                let description = description.trim();
                if description.is_empty()
                    || description.chars().count() > 30
                    || crate::input::has_hidden_characters(description)
                {
                    return Err(InputError {
                        field: "description", message: "摘要を30文字以内で入力してください。"
                    });
                }
                Ok(())
            }
            Self::ReleaseHold { receipt, reason } | Self::RejectHold { receipt, reason } => {
                if receipt.trim().is_empty() || receipt.len() > 40 {
                    return Err(InputError { field: "receipt", message: "受付番号を入力してください。" });
                }
                reason_ok(reason)
            }
            Self::Freeze { reason } | Self::Unfreeze { reason } => reason_ok(reason),
            _ => Ok(()),
        }
    }
}

/// The kinds a 窓口 chooses from, in the order of the 依頼書.
pub const ACTION_KINDS: [&str; 11] = [
    "lift_suspension",
    "initialise_otp",
    "unlock_login",
    "remove_passkeys",
    "reissue_temporary_password",
    "set_notice_address",
    "deposit",
    "release_hold",
    "reject_hold",
    "freeze",
    "unfreeze",
];

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "lift_suspension" => "ワンタイムパスワード停止解除",
        "initialise_otp" => "ワンタイムパスワード初期化",
        "unlock_login" => "ログインのロック解除",
        "remove_passkeys" => "パスキーの削除",
        "reissue_temporary_password" => "仮パスワードの再発行",
        "set_notice_address" => "通知先メールアドレスの登録",
        "deposit" => "窓口入金",
        "release_hold" => "確認中の振込の実行",
        "reject_hold" => "確認中の振込の取消",
        "freeze" => "お取引の停止（凍結）",
        "unfreeze" => "凍結の解除",
        _ => "不明な依頼",
    }
}

/// `POST /staff-api/proposals`: a 窓口's proposal from a 依頼書.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposeRequest {
    pub customer_id: i64,
    pub action: ProposalAction,
    /// 依頼書番号, as printed on the form.
    pub form_number: String,
    /// The date the customer wrote on the 依頼書 (YYYY-MM-DD).
    pub form_date: String,
    pub identity_check: IdentityCheck,
    #[serde(default)]
    pub note: String,
}

/// A 依頼書 number: 1 to 20 letters, digits and hyphens.
pub fn check_form_number(text: &str) -> Result<&str, InputError> {
    let text = text.trim();
    let ok = !text.is_empty() && text.len() <= 20 && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then_some(text).ok_or(InputError {
        field: "form_number",
        message: "依頼書番号を半角英数字とハイフン20文字以内で入力してください。",
    })
}

/// A 依頼書's date: `YYYY-MM-DD`, a real date, not after `today` (Japan's day number,
/// `jst::day`) and not more than 30 days before it (an older form is taken again).
pub fn check_form_date(text: &str, today: i64) -> Result<Date, InputError> {
    let refused = InputError {
        field: "form_date",
        message: "依頼書の日付を、本日から30日前までの日付で入力してください。",
    };
    let date = Date::parse_field(text, "form_date").map_err(|_| refused.clone())?;
    let day = date.days();
    (day <= today && today - day <= 30).then_some(date).ok_or(refused)
}

impl ProposeRequest {
    /// Every field's refusal, in the order of the form.
    pub fn check(&self, today: i64) -> Result<(), Vec<InputError>> {
        let mut errors = Vec::new();
        if let Err(error) = self.action.check() {
            errors.push(error);
        }
        if let Err(error) = check_form_number(&self.form_number) {
            errors.push(error);
        }
        if let Err(error) = check_form_date(&self.form_date, today) {
            errors.push(error);
        }
        if self.note.chars().count() > 200 || crate::input::has_hidden_characters(&self.note) {
            errors
                .push(InputError { field: "note", message: "備考は200文字以内で入力してください。" });
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// `POST /staff-api/proposals/{id}/approve` and `/reject`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionRequest {
    /// Why (a rejection must say; an approval may).
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Proposed,
    Approved,
    Rejected,
    /// Not decided by the end of its business day.
    Expired,
}

impl ProposalStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Proposed => "承認待ち",
            Self::Approved => "承認済",
            Self::Rejected => "否認",
            Self::Expired => "期限切れ",
        }
    }
}

/// A proposal as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalView {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub action: ProposalAction,
    /// ワンタイムパスワード停止解除, …
    pub action_label: String,
    pub summary: String,
    pub form_number: String,
    pub form_date: String,
    pub identity_check: IdentityCheck,
    pub note: String,
    pub proposed_by: String,
    pub proposed_at: String,
    pub expires_at: String,
    pub status: ProposalStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_reason: Option<String>,
}

/// The answer to an approval: the proposal as it now stands and, for a 仮パスワード
/// reissue, the new 仮パスワード, shown to the 役席 this once (it is stored only hashed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionResponse {
    pub proposal: ProposalView,
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporary_password: Option<String>,
}

/// `GET /staff-api/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMe {
    pub id: i64,
    pub name: String,
    pub roles: Vec<Role>,
    /// The console logs out after this long without a request.
    pub idle_seconds: u32,
}

/// `POST /staff-api/enrolment/options`: the single-use code `staff create` printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffEnrolmentStart {
    pub code: String,
}

/// `POST /staff-api/enrolment`: the new passkey for the code's staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffEnrolmentFinish {
    pub code: String,
    pub ceremony: String,
    pub credential: String,
}

/// `POST /staff-api/login`: the passkey's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffLoginFinish {
    pub ceremony: String,
    pub credential: String,
}

/// One line of a customer search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerHit {
    pub id: i64,
    pub name: String,
    pub kana: Option<String>,
    pub login_id: Option<String>,
    /// `001 普通 1234567`, …
    pub accounts: Vec<String>,
}

/// One of the customer's accounts on their page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    pub id: i64,
    pub text: String,
    pub balance: i64,
    pub held: i64,
}

/// A line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditLine {
    pub id: i64,
    pub at: String,
    pub customer_id: Option<i64>,
    pub event: String,
    pub client_addr: Option<String>,
    pub result: String,
    pub detail: Option<String>,
    /// The staff member's name, when one acted.
    pub staff: Option<String>,
    pub staff_role: Option<String>,
    pub proposal_id: Option<i64>,
}

/// The customer's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffCustomer {
    pub id: i64,
    pub name: String,
    pub kana: Option<String>,
    pub login_id: Option<String>,
    pub notice_address: Option<String>,
    pub accounts: Vec<StaffAccount>,
    /// 利用中, 停止中, …
    pub otp_state: String,
    pub passkeys: Vec<String>,
    pub live_sessions: u32,
    pub login_locked: bool,
    pub frozen: Option<String>,
    pub recent_audit: Vec<AuditLine>,
    pub proposals: Vec<ProposalView>,
}

/// A held 振込 in the branch's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldTransfer {
    pub receipt: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub at: String,
    pub from: String,
    pub to: String,
    pub payee_name: String,
    pub amount: i64,
    pub fee: i64,
    pub rules: String,
}

/// A staff member in 職員管理 (管理者).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    pub roles: Vec<Role>,
    pub passkeys: u32,
    /// 有効, 無効（…）, 登録コード発行済（…まで）.
    pub state: String,
    pub enabled: bool,
}

/// `POST /staff-api/staff` (管理者): a new person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStaffRequest {
    pub name: String,
    pub roles: Vec<Role>,
}

/// The single-use enrolment code, shown to the 管理者 once (stored only hashed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentCode {
    pub staff_id: i64,
    pub code: String,
    pub expires_at: String,
}

/// `POST /staff-api/customers/{id}/deposits`: 窓口入金 a 窓口 may make alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterDeposit {
    pub account_id: i64,
    pub amount: i64,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterDepositDone {
    pub entry_id: i64,
    pub balance: i64,
}

/// A page of the audit search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub lines: Vec<AuditLine>,
    /// The `before` of the next (older) page, when there is one.
    pub next_before: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_either_spelling_once_each_in_order() {
        let roles = Roles::parse("approver, 窓口,teller").unwrap();
        assert_eq!(roles.list(), &[Role::Teller, Role::Approver]);
        assert_eq!(roles.stored(), "teller,approver");
        assert_eq!(roles.labels(), "窓口・役席");
        assert!(Roles::parse("").is_err());
        assert!(Roles::parse("teller,boss").is_err());
        assert!(Roles::parse("admin,approver").is_err(), "the account maker does not approve");
        assert!(Roles::parse("admin,auditor").is_ok());
    }

    #[test]
    fn a_form_date_is_a_real_recent_date_not_in_the_future() {
        let day = |text: &str| Date::parse_field(text, "t").unwrap().days();
        let today = day("2026-12-03");
        assert!(check_form_date("2026-12-03", today).is_ok());
        assert!(check_form_date("2026-11-03", today).is_ok());
        assert!(check_form_date("2026-11-02", today).is_err(), "31 days old");
        assert!(check_form_date("2026-12-04", today).is_err(), "tomorrow");
        assert!(check_form_date("2026-02-29", day("2026-03-01")).is_err(), "not a leap year");
        assert!(check_form_date("2024-02-29", day("2024-03-01")).is_ok());
        assert!(check_form_date("2026/12/03", today).is_err());
    }

    #[test]
    fn form_numbers_and_reasons_refuse_what_a_form_cannot_hold() {
        assert!(check_form_number("A-2026-0001").is_ok());
        assert!(check_form_number("").is_err());
        assert!(check_form_number("依頼書1").is_err());
        assert!(ProposalAction::Freeze { reason: " ".into() }.check().is_err());
        assert!(ProposalAction::Freeze { reason: "a\u{202e}b".into() }.check().is_err());
        assert!(ProposalAction::Deposit { account_id: 1, amount: 0, description: "入金".into() }.check().is_err());
        assert!(ProposalAction::SetNoticeAddress { address: "not an address".into() }.check().is_err());
        assert!(ProposalAction::LiftSuspension.check().is_ok());
    }

    #[test]
    fn every_kind_a_teller_chooses_has_a_japanese_name() {
        for kind in ACTION_KINDS {
            assert_ne!(kind_label(kind), "不明な依頼", "{kind}");
        }
        let action =
            ProposalAction::ReleaseHold { receipt: "20261203-K000001".into(), reason: "本人確認済".into() };
        let json = serde_json::to_value(&action).unwrap();
        assert_eq!(json["kind"], "release_hold");
        assert_eq!(action.kind(), "release_hold");
    }
}
