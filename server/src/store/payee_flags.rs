//! `payee_flags`: accounts to which a 振込 must carry the payer's own name (依頼人名).

use sqlx::any::AnyExecutor;

use crate::ids::AccountId;

/// Flags the account; false when it was flagged already.
pub async fn add(db: impl AnyExecutor<'_>, account_id: AccountId, reason: &str, now: i64) -> sqlx::Result<bool> {
    let added = sqlx::query(
        "INSERT INTO payee_flags (account_id, reason, flagged_at) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO NOTHING",
    )
    .bind(account_id)
    .bind(reason)
    .bind(now)
    .execute(db)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Removes the flag; whether there was one.
pub async fn remove(db: impl AnyExecutor<'_>, account_id: AccountId) -> sqlx::Result<bool> {
    let removed = sqlx::query("DELETE FROM payee_flags WHERE account_id = $1").bind(account_id).execute(db).await?;
    Ok(removed.rows_affected() == 1)
}

pub async fn is_flagged(db: impl AnyExecutor<'_>, account_id: AccountId) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT account_id FROM payee_flags WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(db)
        .await?;
    Ok(found.is_some())
}
