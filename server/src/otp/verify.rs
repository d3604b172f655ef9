//! Checking a one-time password: RFC 6238 with a drift window, each step accepted at most
//! once, wrong codes in a row stopping the token. Shared by 利用開始登録, the login's second
//! step and 利用解除, which each finish their own transition in the transaction this opens.

use netbank_api::identity::OtpState;
use netbank_api::input::OtpCode;
use netbank_api::otp::Procedure;
use netbank_api::ErrorReason;
use sqlx::{Any, Transaction};

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::counters;
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::identity::session::{self, Revocation};
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::otp::token::{self, TokenRow, TokenState};
use crate::state::AppState;
use crate::store::otp_tokens;

/// The stored state a token is in when `procedure` may take a code. The SPA's buttons and
/// this check ask the same `OtpState::allows`.
fn token_state_for(procedure: Procedure) -> TokenState {
    match procedure {
        Procedure::Activate => TokenState::Provisioned,
        Procedure::Deactivate | Procedure::SignIn | Procedure::Confirm | Procedure::Issue => TokenState::Active,
    }
}

/// What the code matched.
#[derive(Debug, PartialEq, Eq)]
enum Match {
    /// A step newer than any accepted before.
    Fresh(i64),
    /// Only steps accepted before: a replay or a double submission.
    Used,
    None,
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The newest step within the drift window whose code equals `code`.
fn match_code(row: &TokenRow, secret: &[u8], code: &str, now: i64, drift: u32) -> anyhow::Result<Match> {
    let params = row.params()?;
    let current = params.step_at(now) as i64;
    let mut found = Match::None;
    for step in (current - i64::from(drift))..=(current + i64::from(drift)) {
        if step < 0 || !constant_time_eq(&params.code_for_step(secret, step as u64), code) {
            continue;
        }
        found = match row.last_step {
            Some(last) if step <= last => match found {
                Match::Fresh(_) => found,
                _ => Match::Used,
            },
            _ => Match::Fresh(step),
        };
    }
    Ok(found)
}

/// Why a code was not accepted. Each caller decides what it means for its session; the HTTP
/// answer is decided once, below.
#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    /// The 登録状況 does not take a code for this procedure.
    #[error("the token is {0:?}")]
    NotNow(OtpState),
    #[error("wrong code")]
    Wrong,
    /// Right, but its step was accepted before (a replay, or a parallel submission won).
    #[error("code already used")]
    AlreadyUsed,
    /// Wrong, and the wrong codes in a row reached the limit: the token is 停止中 and every
    /// session of the customer has ended.
    #[error("wrong code; the token is stopped")]
    Stopped,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

crate::error::store_errors_are_unexpected!(CodeError);

impl From<CodeError> for ApiError {
    fn from(error: CodeError) -> Self {
        match error {
            CodeError::NotNow(current) => token::refusal(current),
            CodeError::Wrong => ApiError::new(ErrorReason::InvalidOtp),
            CodeError::AlreadyUsed => ApiError::new(ErrorReason::OtpAlreadyUsed),
            CodeError::Stopped => ApiError::new(ErrorReason::OtpSuspended),
            CodeError::Unexpected(error) => error.into(),
        }
    }
}

/// Checks `code` for `customer_id`'s token, for `procedure`. On success the step is claimed
/// (so no parallel or later request can use it) in the returned open transaction, which the
/// caller completes with its own transition; wrong codes are counted and committed at once.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %customer_id, procedure = ?procedure, event = event.as_str()))]
pub async fn accept(
    state: &AppState,
    customer_id: CustomerId,
    procedure: Procedure,
    code: &OtpCode,
    event: AuditAction,
    client: &ClientAddr,
) -> Result<Transaction<'static, Any>, CodeError> {
    let now = state.clock.now();
    let audit_event = |result, detail: &str| AuditEvent {
        customer_id: Some(customer_id),
        event,
        client_addr: client.ip_string(),
        result,
        detail: Some(detail.to_owned()),
    };
    let row = otp_tokens::load(&state.db, customer_id).await?;
    let current = row.as_ref().map_or(OtpState::NotIssued, |row| row.effective_state(now));
    if !current.allows(procedure) {
        audit::record(&state.db, now, audit_event(Outcome::Refused, &format!("state_{current:?}"))).await?;
        counters::code_checked("otp", "not_now");
        return Err(CodeError::NotNow(current));
    }
    let row = row.ok_or_else(|| anyhow::anyhow!("a token in a state that takes codes has no row"))?;
    let secret = row.secret(&state.secrets)?;
    match match_code(&row, &secret, code.expose(), now, state.policy.otp.drift_steps)? {
        Match::Fresh(step) => {
            let mut tx = crate::db::begin_write(&state.db).await?;
            if otp_tokens::claim_step(&mut *tx, customer_id, token_state_for(procedure), step, now).await? {
                counters::code_checked("otp", "accepted");
                return Ok(tx);
            }
            // Another request took this step (or moved the token) first.
            drop(tx);
            audit::record(&state.db, now, audit_event(Outcome::Refused, "already_used")).await?;
            counters::code_checked("otp", "already_used");
            Err(CodeError::AlreadyUsed)
        }
        Match::Used => {
            audit::record(&state.db, now, audit_event(Outcome::Refused, "already_used")).await?;
            counters::code_checked("otp", "already_used");
            Err(CodeError::AlreadyUsed)
        }
        Match::None => {
            let suspended = count_wrong_otp(state, customer_id, procedure, client, now).await?;
            let detail = if suspended { "wrong_otp_suspended" } else { "wrong_otp" };
            audit::record(&state.db, now, audit_event(Outcome::Refused, detail)).await?;
            counters::code_checked("otp", if suspended { "wrong_stopped" } else { "wrong" });
            Err(if suspended { CodeError::Stopped } else { CodeError::Wrong })
        }
    }
}

/// Counts one wrong code; true when the token is (now) 停止中. The threshold sits in the
/// statement, so parallel wrong codes stop exactly there. The code that stops the token ends
/// every session of the customer, the one that sent it too (a stopped customer cannot log
/// in, so no session of theirs should outlive the stop), and sends the notice.
async fn count_wrong_otp(
    state: &AppState,
    customer_id: CustomerId,
    procedure: Procedure,
    client: &ClientAddr,
    now: i64,
) -> sqlx::Result<bool> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let limit = state.policy.otp.suspend_threshold;
    let after = otp_tokens::count_wrong_code(&mut *tx, customer_id, token_state_for(procedure), limit, now).await?;
    match after {
        // No row: a parallel request moved it on, most likely to 停止中.
        None => Ok(true),
        Some(TokenState::Suspended) => {
            session::revoke_all(&mut tx, customer_id, Revocation::OtpSuspended, client.ip_string(), now).await?;
            notice::send(&mut tx, customer_id, &Notice::OtpSuspended, now).await?;
            let event = AuditEvent {
                customer_id: Some(customer_id),
                event: AuditAction::OtpSuspend,
                client_addr: client.ip_string(),
                result: Outcome::Success,
                detail: Some(format!("threshold={}", state.policy.otp.suspend_threshold)),
            };
            audit::record(&mut *tx, now, event).await?;
            tx.commit().await?;
            state.mail_wakeup.notify_one();
            Ok(true)
        }
        Some(_) => {
            tx.commit().await?;
            Ok(false)
        }
    }
}

/// The code a change owes while the customer's token is 利用中 (password change, notice
/// address): `Some` when one is owed and well-formed, `None` when no token is in use; a
/// missing or malformed code is refused before anything else is checked or counted.
pub async fn code_owed(
    state: &AppState,
    customer_id: CustomerId,
    raw: Option<&str>,
) -> Result<Option<OtpCode>, ApiError> {
    let current = token::state_of(&state.db, customer_id, state.clock.now()).await?;
    if current.allows(Procedure::Confirm) {
        Ok(Some(OtpCode::parse(raw.unwrap_or_default())?))
    } else if current == OtpState::Suspended {
        Err(token::refusal(current))
    } else {
        Ok(None)
    }
}

/// The transaction a change owing `code` writes in: the code's step claimed in it when one
/// is owed (so the change and the code's use commit together), a plain one otherwise.
/// The second value says whether a code was proven.
pub async fn with_code_if_owed(
    state: &AppState,
    customer_id: CustomerId,
    code: Option<&OtpCode>,
    event: AuditAction,
    client: &ClientAddr,
) -> Result<(Transaction<'static, Any>, bool), ApiError> {
    match code {
        Some(code) => Ok((accept(state, customer_id, Procedure::Confirm, code, event, client).await?, true)),
        None => Ok((crate::db::begin_write(&state.db).await?, false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use netbank_api::totp::TotpParams;

    fn row(last_step: Option<i64>) -> TokenRow {
        TokenRow {
            customer_id: CustomerId(1),
            state: TokenState::Active,
            method: token::Method::SoftwareToken,
            service_id: "10010001".into(),
            user_id: "12345678901".into(),
            mail_address: None,
            pending_until: 0,
            secret_ciphertext: None,
            secret_nonce: None,
            secret_key_id: "1".into(),
            algorithm: "SHA1".into(),
            digits: 6,
            period: 30,
            last_step,
            failed_otp: 0,
        }
    }

    const SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn one_step_of_drift_is_accepted_each_way_and_no_more() {
        let params = TotpParams::default();
        let now = 1_800_000_015; // step 60_000_000
        let step = params.step_at(now) as i64;
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = params.code_for_step(SECRET, (step + offset) as u64);
            let expected = if accepted { Match::Fresh(step + offset) } else { Match::None };
            assert_eq!(match_code(&row(None), SECRET, &code, now, 1).unwrap(), expected, "offset {offset}");
        }
        let late = params.code_for_step(SECRET, (step + 1) as u64);
        assert_eq!(match_code(&row(None), SECRET, &late, now, 0).unwrap(), Match::None);
    }

    #[test]
    fn an_accepted_step_and_older_ones_are_never_accepted_again() {
        let params = TotpParams::default();
        let now = 1_800_000_015;
        let step = params.step_at(now) as i64;
        let code = params.code_for_step(SECRET, step as u64);
        assert_eq!(match_code(&row(Some(step)), SECRET, &code, now, 1).unwrap(), Match::Used);
        let previous = params.code_for_step(SECRET, (step - 1) as u64);
        assert_eq!(match_code(&row(Some(step)), SECRET, &previous, now, 1).unwrap(), Match::Used);
        let next = params.code_for_step(SECRET, (step + 1) as u64);
        assert_eq!(match_code(&row(Some(step)), SECRET, &next, now, 1).unwrap(), Match::Fresh(step + 1));
    }

    #[test]
    fn comparison_needs_equal_length_and_content() {
        assert!(constant_time_eq("123456", "123456"));
        assert!(!constant_time_eq("123456", "123457"));
        assert!(!constant_time_eq("123456", "1234567"));
    }
}
