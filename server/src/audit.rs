//! The append-only audit log: every security event, its actor, address and result.

use sqlx::any::AnyExecutor;

use crate::counters;
use crate::ids::CustomerId;
use crate::store::audit_log;

/// What happened, as the log spells it (the operator's `audit` reads and searches these).
macro_rules! actions {
    ($($variant:ident => $name:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($variant,)*
        }

        impl AuditAction {
            pub const ALL: &[AuditAction] = &[$(AuditAction::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $name,)*
                }
            }
        }
    };
}

actions! {
    AuditExport => "audit_export",
    BreakGlass => "break_glass",
    CsrfRejected => "csrf_rejected",
    CustomerCreate => "customer_create",
    CustomerFreeze => "customer_freeze",
    CustomerUnfreeze => "customer_unfreeze",
    DatabaseBackup => "database_backup",
    DatabaseRestore => "database_restore",
    DemoSeed => "demo_seed",
    Deposit => "deposit",
    EnrolmentCode => "enrolment_code",
    Login => "login",
    InterbankCancel => "interbank_cancel",
    InterbankTransfer => "interbank_transfer",
    LoginOtp => "login_otp",
    LoginPasskey => "login_passkey",
    LoginUnlock => "login_unlock",
    Logout => "logout",
    NoticeAddressChange => "notice_address_change",
    NoticeAddressSet => "notice_address_set",
    OtpActivate => "otp_activate",
    OtpDeactivate => "otp_deactivate",
    OtpInitialise => "otp_initialise",
    OtpIssue => "otp_issue",
    OtpKeyRotated => "otp_key_rotated",
    OtpLiftSuspension => "otp_lift_suspension",
    OtpSuspend => "otp_suspend",
    PasskeyCloneWarning => "passkey_clone_warning",
    PasskeyRegister => "passkey_register",
    PasskeyRemove => "passkey_remove",
    PasskeyRemoveAll => "passkey_remove_all",
    PasswordChange => "password_change",
    PayeeDelete => "payee_delete",
    PayeeFlagAdd => "payee_flag_add",
    PayeeFlagRemove => "payee_flag_remove",
    PayeeLookup => "payee_lookup",
    PayeasyBillImport => "payeasy_bill_import",
    PayeasyBillerAdd => "payeasy_biller_add",
    PayeasyPayment => "payeasy_payment",
    PayeasyResume => "payeasy_resume",
    PayeasyStop => "payeasy_stop",
    ProposalApprove => "proposal_approve",
    ProposalCreate => "proposal_create",
    ProposalReject => "proposal_reject",
    RateLimited => "rate_limited",
    Registration => "registration",
    SessionLogout => "session_logout",
    SessionLogoutOthers => "session_logout_others",
    SessionRevoke => "session_revoke",
    StaffCreate => "staff_create",
    StaffCustomerView => "staff_customer_view",
    StaffDisable => "staff_disable",
    StaffEnrol => "staff_enrol",
    StaffLogin => "staff_login",
    StaffLogout => "staff_logout",
    StaffNewCode => "staff_new_code",
    StaffSearch => "staff_search",
    TemporaryPasswordReissue => "temporary_password_reissue",
    Throttled => "throttled",
    TokenProvision => "token_provision",
    Transfer => "transfer",
    TransferBooking => "transfer_booking",
    TransferBookingCancel => "transfer_booking_cancel",
    TransferHold => "transfer_hold",
    TransferLimit => "transfer_limit",
    TransferReject => "transfer_reject",
    TransferRelease => "transfer_release",
    ZenginExport => "zengin_export",
    ZenginMasterRefresh => "zengin_master_refresh",
    ZenginReturn => "zengin_return",
}

/// How it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Refused,
    /// A lookup that named something (a payee lookup: the account exists).
    Found,
    NotFound,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Refused => "refused",
            Outcome::Found => "found",
            Outcome::NotFound => "not_found",
        }
    }
}

/// One event to record. `customer_id` is `None` when the actor is not known (unknown ID).
#[derive(Debug)]
pub struct AuditEvent {
    pub customer_id: Option<CustomerId>,
    pub event: AuditAction,
    pub client_addr: Option<String>,
    pub result: Outcome,
    pub detail: Option<String>,
}

/// Who acted for the bank: the operator's command line, or a person at the staff console
/// (their role and the proposal the action came from go to the log with them).
#[derive(Debug, Clone)]
pub struct Actor {
    /// The audit log's client address: `operator-cli`, or the console user's address.
    pub client_addr: Option<String>,
    pub staff: Option<StaffMark>,
}

/// A staff member as the audit log records them.
#[derive(Debug, Clone, Copy)]
pub struct StaffMark {
    pub staff_id: i64,
    pub role: netbank_api::staff::Role,
    pub proposal_id: Option<i64>,
}

impl Actor {
    /// The operator's CLI on the server host.
    pub fn operator_cli() -> Self {
        Self { client_addr: Some(OPERATOR_CLI.to_owned()), staff: None }
    }
}

/// The audit log's client address for what the operator's CLI does.
pub const OPERATOR_CLI: &str = "operator-cli";

/// Records `event` as done by `actor` (its client address replaces the event's).
pub async fn record_by(db: impl AnyExecutor<'_>, now: i64, event: AuditEvent, actor: &Actor) -> sqlx::Result<()> {
    count(&event);
    let entry = audit_log::NewEntry {
        customer_id: event.customer_id,
        event: event.event.as_str(),
        client_addr: actor.client_addr.as_deref(),
        result: event.result.as_str(),
        detail: event.detail.as_deref(),
        staff_id: actor.staff.map(|staff| staff.staff_id),
        staff_role: actor.staff.map(|staff| staff.role.as_str()),
        proposal_id: actor.staff.and_then(|staff| staff.proposal_id),
    };
    audit_log::append(db, now, entry).await
}

/// The event's rate for operations (`/metrics`); the ones they alert on get a family of their
/// own. Counted when recorded: a transaction that then rolls back still counts, as a try.
fn count(event: &AuditEvent) {
    let outcome = event.result.as_str();
    counters::audited(event.event.as_str(), outcome);
    match event.event {
        AuditAction::Login => counters::login("password", outcome),
        AuditAction::LoginOtp => counters::login("otp", outcome),
        AuditAction::LoginPasskey => counters::login("passkey", outcome),
        AuditAction::StaffLogin => counters::login("staff_passkey", outcome),
        AuditAction::Transfer => counters::money("transfer", outcome),
        AuditAction::TransferHold => counters::money("hold", outcome),
        AuditAction::TransferRelease => counters::money("hold_release", outcome),
        AuditAction::TransferReject => counters::money("hold_reject", outcome),
        AuditAction::Deposit => counters::money("counter_deposit", outcome),
        AuditAction::PayeasyPayment => counters::money("payeasy", outcome),
        AuditAction::InterbankTransfer => counters::money("interbank", outcome),
        _ => {}
    }
}

/// A person's reason for an action, as the log keeps it: trimmed, not empty, nothing hidden.
pub fn reason(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty() && !netbank_api::input::has_hidden_characters(text)).then_some(text)
}

pub async fn record(db: impl AnyExecutor<'_>, now: i64, event: AuditEvent) -> sqlx::Result<()> {
    count(&event);
    let entry = audit_log::NewEntry {
        customer_id: event.customer_id,
        event: event.event.as_str(),
        client_addr: event.client_addr.as_deref(),
        result: event.result.as_str(),
        detail: event.detail.as_deref(),
        staff_id: None,
        staff_role: None,
        proposal_id: None,
    };
    audit_log::append(db, now, entry).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_has_its_own_spelling_in_snake_case() {
        let names: std::collections::BTreeSet<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), AuditAction::ALL.len());
        for name in names {
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{name}");
        }
    }
}
