//! What a 窓口 looks up: customers by 店番・口座番号, login ID or カナ, a customer's page
//! (accounts, OTP, passkeys, sessions, lock, freeze, recent audit, proposals), and the queue of
//! held 振込. Every customer page opened is audited under the person who opened it.

use axum::extract::{Path, Query, State};
use axum::Json;
use netbank_api::staff::{CustomerHit, HeldTransfer, ProposalView, Role, StaffAccount, StaffCustomer};
use serde::Deserialize;

use crate::audit::{AuditAction, AuditEvent, Outcome};
use crate::banking::transfer::hold_receipt_no;
use crate::calendar::jst_datetime;
use crate::error::ApiError;
use crate::ids::CustomerId;
use crate::staff::auth::Staff;
use crate::staff::{audit_search, proposals, StaffError, StaffState};
use crate::store::{accounts, audit_log, customers, holds, passkeys, sessions};

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
}

/// What the search box holds: `001-1234567` or `1234567` (an account), katakana (口座名義's
/// start), or a login ID.
enum Wanted<'a> {
    Account(Option<&'a str>, &'a str),
    Kana(&'a str),
    LoginId(&'a str),
}

fn wanted(text: &str) -> Option<Wanted<'_>> {
    let text = text.trim();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if let Some((branch, number)) = text.split_once('-') {
        if digits(branch, 3) && digits(number, 7) {
            return Some(Wanted::Account(Some(branch), number));
        }
    }
    if digits(text, 7) {
        return Some(Wanted::Account(None, text));
    }
    if !text.is_empty() && text.chars().all(|c| ('\u{30A0}'..='\u{30FF}').contains(&c) || c == '\u{3000}' || c == ' ') {
        return Some(Wanted::Kana(text));
    }
    if !text.is_empty() && text.len() <= 64 && text.chars().all(|c| c.is_ascii_graphic()) {
        return Some(Wanted::LoginId(text));
    }
    None
}

fn account_text(account: &accounts::AccountRecord) -> String {
    netbank_api::display::account_text(&account.branch_code, account.kind(), &account.number)
}

/// `GET /staff-api/customers?q=…` (窓口 or 役席).
pub async fn search(
    State(state): State<StaffState>,
    staff: Staff,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Vec<CustomerHit>>, ApiError> {
    let actor = staff.acting_in(&[Role::Teller, Role::Approver])?;
    let db = &state.app.db;
    let ids = match wanted(&query.q) {
        None => {
            return Err(StaffError::Invalid {
                field: "q",
                message: "店番-口座番号、口座番号（7桁）、ログインID、または口座名義（カタカナ）で検索してください。",
            }
            .into())
        }
        Some(Wanted::Account(branch, number)) => customers::search(db, None, branch, Some(number), None).await,
        Some(Wanted::Kana(kana)) => customers::search(db, None, None, None, Some(kana)).await,
        Some(Wanted::LoginId(id)) => customers::search(db, Some(id), None, None, None).await,
    }
    .map_err(StaffError::from)?;
    // Who looked for whom: a search lists customers and their login IDs.
    let event = AuditEvent {
        customer_id: None,
        event: AuditAction::StaffSearch,
        client_addr: None,
        result: if ids.is_empty() { Outcome::NotFound } else { Outcome::Found },
        detail: Some(format!("q={:?} hits={}", query.q.trim(), ids.len())),
    };
    crate::audit::record_by(db, state.app.clock.now(), event, &actor).await.map_err(StaffError::from)?;
    let mut hits = Vec::new();
    for id in ids {
        let summary = customers::summary(db, id).await.map_err(StaffError::from)?;
        let records = accounts::records_of(db, id).await.map_err(StaffError::from)?;
        hits.push(CustomerHit {
            id: id.0,
            name: summary.name,
            kana: records.iter().find_map(|a| a.holder_kana.clone()),
            login_id: summary.login_id,
            accounts: records.iter().map(account_text).collect(),
        });
    }
    Ok(Json(hits))
}

/// `GET /staff-api/customers/{id}` (窓口 or 役席).
pub async fn customer(
    State(state): State<StaffState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Json<StaffCustomer>, ApiError> {
    let actor = staff.acting_in(&[Role::Teller, Role::Approver])?;
    let db = &state.app.db;
    let id = CustomerId(id);
    let now = state.app.clock.now();
    let summary = customers::summary(db, id).await.map_err(|_| StaffError::NotFound)?;
    let records = accounts::records_of(db, id).await.map_err(StaffError::from)?;
    let otp = crate::otp::token::state_of(db, id, now).await.map_err(StaffError::from)?;
    let policy = &state.app.policy;
    let live = sessions::live_of(db, id, now, policy.session_idle_seconds, policy.session_absolute_seconds)
        .await
        .map_err(StaffError::from)?;
    let keys = passkeys::list(db, id).await.map_err(StaffError::from)?;
    let frozen = customers::frozen_reason(db, id).await.map_err(StaffError::from)?;
    let filter = audit_log::AuditFilter { customer_id: Some(id), ..Default::default() };
    let recent = audit_log::search(db, &filter, 20).await.map_err(StaffError::from)?;
    let proposal_rows = crate::store::proposals::of_customer(db, id, 20).await.map_err(StaffError::from)?;
    let proposal_views: Vec<ProposalView> =
        proposal_rows.iter().map(|row| proposals::view(row, now)).collect::<Result<_, _>>()?;
    let event = AuditEvent {
        customer_id: Some(id),
        event: AuditAction::StaffCustomerView,
        client_addr: None,
        result: Outcome::Success,
        detail: None,
    };
    crate::audit::record_by(db, now, event, &actor).await.map_err(StaffError::from)?;
    Ok(Json(StaffCustomer {
        id: id.0,
        name: summary.name,
        kana: records.iter().find_map(|a| a.holder_kana.clone()),
        login_id: summary.login_id,
        notice_address: summary.notice_address,
        accounts: records
            .iter()
            .map(|a| StaffAccount { id: a.id.0, text: account_text(a), balance: a.balance.0, held: a.held.0 })
            .collect(),
        otp_state: otp.label().to_owned(),
        passkeys: keys.iter().map(|key| format!("{}（登録 {}）", key.name, jst_datetime(key.created_at))).collect(),
        live_sessions: live.len() as u32,
        login_locked: summary.locked_at.is_some(),
        frozen,
        recent_audit: recent.into_iter().map(audit_search::line).collect(),
        proposals: proposal_views,
    }))
}

/// `GET /staff-api/holds` (窓口 or 役席): every 振込 held for the branch, oldest first.
pub async fn held_transfers(
    State(state): State<StaffState>,
    staff: Staff,
) -> Result<Json<Vec<HeldTransfer>>, ApiError> {
    staff.acting_in(&[Role::Teller, Role::Approver])?;
    let db = &state.app.db;
    let mut queue = Vec::new();
    for held in holds::waiting(db).await.map_err(StaffError::from)? {
        let from = accounts::by_id(db, held.from_account_id).await.map_err(StaffError::from)?;
        let to = accounts::by_id(db, held.to_account_id).await.map_err(StaffError::from)?;
        let name = customers::summary(db, held.customer_id).await.map_err(StaffError::from)?.name;
        queue.push(HeldTransfer {
            receipt: hold_receipt_no(held.id, held.created_at),
            customer_id: held.customer_id.0,
            customer_name: name,
            at: jst_datetime(held.created_at),
            from: account_text(&from),
            to: format!("{} {}", account_text(&to), to.holder_name),
            payee_name: held.payee_name,
            amount: held.amount.0,
            fee: held.fee.0,
            rules: held.rules,
        });
    }
    // 他行振込 the rules caught: debited, waiting out of every 全銀 file.
    for held in crate::store::interbank::in_review(db).await.map_err(StaffError::from)? {
        let from = accounts::by_id(db, held.from_account_id).await.map_err(StaffError::from)?;
        let name = customers::summary(db, held.customer_id).await.map_err(StaffError::from)?.name;
        let kind = netbank_api::identity::AccountKind::from_db(&held.account_kind).map_or("", |k| k.label());
        queue.push(HeldTransfer {
            receipt: crate::banking::interbank::receipt_no(held.id, held.created_at),
            customer_id: held.customer_id.0,
            customer_name: name,
            at: jst_datetime(held.created_at),
            from: account_text(&from),
            to: format!("{} {} {kind} {} {}", held.bank_name, held.branch_name, held.account_number, held.payee_name),
            payee_name: held.payee_name,
            amount: held.amount.0,
            fee: held.fee.0,
            rules: held.review_rules.unwrap_or_default(),
        });
    }
    Ok(Json(queue))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_box_tells_accounts_kana_and_login_ids_apart() {
        assert!(matches!(wanted("001-1234567"), Some(Wanted::Account(Some("001"), "1234567"))));
        assert!(matches!(wanted(" 1234567 "), Some(Wanted::Account(None, "1234567"))));
        assert!(matches!(wanted("ヤマダ"), Some(Wanted::Kana("ヤマダ"))));
        assert!(matches!(wanted("hanako01"), Some(Wanted::LoginId("hanako01"))));
        assert!(wanted("").is_none());
        assert!(wanted("山田").is_none());
    }
}
