//! The operator's side of 「ワンタイムパスワード停止解除・初期化依頼書」: look at a customer's
//! token, lift a stop (停止解除), or initialise it (初期化).

use netbank_api::identity::OtpState;
use netbank_api::input::LoginId;
use sqlx::AnyPool;

use crate::audit::{self, Actor, AuditAction, AuditEvent, Outcome};
use crate::calendar::jst_datetime;
use crate::clock::Clock;
use crate::identity::session::{self, Revocation};
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::operator::customers::CustomerRef;
use crate::otp::secret_box::SecretBox;
use crate::otp::token;
use crate::store::otp_tokens::{self, TokenState};

async fn customer_id(db: &AnyPool, login_id: &LoginId) -> anyhow::Result<CustomerId> {
    CustomerRef::LoginId(login_id).id(db).await
}

/// Several lines for the terminal.
pub async fn show(db: &AnyPool, clock: &Clock, login_id: &LoginId) -> anyhow::Result<String> {
    let id = customer_id(db, login_id).await?;
    let now = clock.now();
    let Some(row) = otp_tokens::load(db, id).await? else {
        return Ok(format!("login ID:  {}\nOTP:       {}", login_id.as_str(), OtpState::NotIssued.label()));
    };
    let state = row.effective_state(now);
    let mut text = format!(
        "login ID:  {}\nOTP:       {} (stored state: {})\nmethod:    {}\nサービスID: {}\nユーザID:   {}\nwrong OTPs in a row: {}",
        login_id.as_str(),
        state.label(),
        row.state.as_str(),
        row.method.as_str(),
        row.service_id,
        row.user_id,
        row.failed_otp,
    );
    if let Some(mail) = &row.mail_address {
        text.push_str(&format!("\nmail:      {mail}"));
    }
    if matches!(state, OtpState::Issued | OtpState::Provisioned) {
        text.push_str(&format!("\npending until: {}", jst_datetime(row.pending_until)));
    }
    Ok(text)
}

/// 停止解除: 停止中 → the state it was stopped in (利用中, or アプリ設定済 if it was stopped
/// during 利用開始登録), with the wrong-code count cleared.
pub async fn lift_suspension(
    db: &AnyPool,
    clock: &Clock,
    login_id: &LoginId,
    actor: &Actor,
) -> anyhow::Result<OtpState> {
    let id = customer_id(db, login_id).await?;
    let now = clock.now();
    let mut tx = crate::db::begin_write(db).await?;
    lift_suspension_in(&mut tx, id, actor, now).await?;
    tx.commit().await?;
    Ok(token::state_of(db, id, now).await?)
}

/// The same inside the caller's transaction (a staff approval's); refuses a token not stopped.
pub async fn lift_suspension_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: CustomerId,
    actor: &Actor,
    now: i64,
) -> anyhow::Result<()> {
    let restored = otp_tokens::lift_suspension(&mut **tx, id, now).await?;
    let Some(restored) = restored else {
        let state = token::state_of(&mut **tx, id, now).await?;
        anyhow::bail!("the token is not stopped (it is {})", state.label());
    };
    record(tx, now, id, AuditAction::OtpLiftSuspension, restored.as_str(), actor).await?;
    session::revoke_all(tx, id, Revocation::OtpSuspensionLifted, actor.client_addr.clone(), now).await?;
    notice::send(tx, id, &Notice::OtpSuspensionLifted, now).await?;
    Ok(())
}

/// 初期化: whatever the state, the token and its secret are deleted (未発行). Every session
/// of the customer ends (pending logins waiting for a code of the old token with them).
pub async fn initialise(db: &AnyPool, clock: &Clock, login_id: &LoginId, actor: &Actor) -> anyhow::Result<()> {
    let id = customer_id(db, login_id).await?;
    let mut tx = crate::db::begin_write(db).await?;
    initialise_in(&mut tx, id, actor, clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn initialise_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: CustomerId,
    actor: &Actor,
    now: i64,
) -> anyhow::Result<()> {
    let deleted = otp_tokens::initialise(&mut **tx, id).await?;
    session::revoke_all(tx, id, Revocation::OtpInitialised, actor.client_addr.clone(), now).await?;
    record(tx, now, id, AuditAction::OtpInitialise, deleted.map_or("none", TokenState::as_str), actor).await?;
    notice::send(tx, id, &Notice::OtpInitialised, now).await?;
    Ok(())
}

async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    now: i64,
    customer_id: CustomerId,
    event: AuditAction,
    detail: &str,
    actor: &Actor,
) -> sqlx::Result<()> {
    let event = AuditEvent {
        customer_id: Some(customer_id),
        event,
        client_addr: None,
        result: Outcome::Success,
        detail: Some(format!("state={detail}")),
    };
    audit::record_by(&mut **tx, now, event, actor).await
}

/// What `otp rotate-key` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    pub resealed: u64,
    /// Tokens that changed between reading and re-sealing (re-issued, 初期化): left as they are.
    pub skipped: u64,
    /// Secrets under another key after the pass (sealed by a server still on the old key).
    pub remaining: u64,
}

/// Re-seals every OTP secret under the current key, one conditional UPDATE each, in one pass
/// over the customers: safe while servers run, since a token changed meanwhile is left alone.
pub async fn rotate_key(db: &AnyPool, clock: &Clock, secrets: &SecretBox) -> anyhow::Result<Rotation> {
    let current = secrets.current_key_id();
    let mut rotation = Rotation::default();
    let mut after = CustomerId(0);
    loop {
        let batch = otp_tokens::secrets_not_under(db, current, after, 200).await?;
        let Some(last) = batch.last() else { break };
        after = last.customer_id;
        for stored in &batch {
            let secret = secrets.open(
                &stored.user_id,
                &stored.secret_key_id,
                &stored.secret_ciphertext,
                &stored.secret_nonce,
            )?;
            let sealed = secrets.seal(&stored.user_id, &secret);
            if otp_tokens::reseal(db, stored, &sealed, clock.now()).await? {
                rotation.resealed += 1;
            } else {
                rotation.skipped += 1;
            }
        }
    }
    rotation.remaining = otp_tokens::count_secrets_not_under(db, current).await? as u64;
    let event = AuditEvent {
        customer_id: None,
        event: AuditAction::OtpKeyRotated,
        client_addr: Some(audit::OPERATOR_CLI.into()),
        result: Outcome::Success,
        detail: Some(format!("{} re-sealed under key {current}; {} skipped", rotation.resealed, rotation.skipped)),
    };
    audit::record(db, clock.now(), event).await?;
    Ok(rotation)
}
