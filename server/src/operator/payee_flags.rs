//! `netbank-server payee-flag`: accounts to which a 振込 must carry the payer's own name.

use netbank_api::input::{AccountNumber, BranchCode};
use sqlx::AnyPool;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::clock::Clock;
use crate::operator::customers::OPERATOR;
use crate::store::{accounts, payee_flags};

/// Flags (or, with `flag` false, unflags) the account; the branch's reason is audited.
pub async fn set(
    db: &AnyPool,
    clock: &Clock,
    branch: &BranchCode,
    number: &AccountNumber,
    flag: bool,
    reason: &str,
) -> anyhow::Result<()> {
    let reason =
        audit::reason(reason).ok_or_else(|| anyhow::anyhow!("say why (--reason): it goes to the audit log"))?;
    let key = format!("{}-{}", branch.as_str(), number.as_str());
    let now = clock.now();
    let mut tx = crate::db::begin_write(db).await?;
    let account = accounts::find(&mut *tx, branch.as_str(), number.as_str())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account {key}"))?;
    let changed = match flag {
        true => payee_flags::add(&mut *tx, account.id, reason, now).await?,
        false => payee_flags::remove(&mut *tx, account.id).await?,
    };
    anyhow::ensure!(changed, "{key} is {} already", if flag { "flagged" } else { "not flagged" });
    let event = AuditEvent {
        customer_id: None,
        event: if flag { AuditAction::PayeeFlagAdd } else { AuditAction::PayeeFlagRemove },
        client_addr: Some(OPERATOR.into()),
        result: Outcome::Success,
        detail: Some(format!("{key} reason={reason}")),
    };
    audit::record(&mut *tx, now, event).await?;
    tx.commit().await?;
    Ok(())
}
