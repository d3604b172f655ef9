//! `enrolment_codes`: the one 確認コード a customer may hold. Stored as a hash; taken once by
//! `DELETE … RETURNING` with its deadline and guess limit in the WHERE clause, so parallel
//! answers cannot use it twice or guess past the limit.

use crate::ids::CustomerId;
use sqlx::any::AnyExecutor;

/// Replaces the customer's code (a new one voids the old, and its guesses start again).
pub async fn put(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    purpose: &str,
    code_hash: &[u8],
    expires_at: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO enrolment_codes (customer_id, purpose, code_hash, wrong_attempts, expires_at, created_at)
             VALUES ($1, $2, $3, 0, $4, $5)
         ON CONFLICT (customer_id) DO UPDATE SET purpose = excluded.purpose, code_hash = excluded.code_hash,
             wrong_attempts = 0, expires_at = excluded.expires_at, created_at = excluded.created_at",
    )
    .bind(customer_id)
    .bind(purpose)
    .bind(code_hash)
    .bind(expires_at)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Takes the code if it is this one, for this purpose, in time and not voided; true when taken.
pub async fn take(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    purpose: &str,
    code_hash: &[u8],
    now: i64,
    attempts: u32,
) -> sqlx::Result<bool> {
    let taken: Option<i64> = sqlx::query_scalar(
        "DELETE FROM enrolment_codes
             WHERE customer_id = $1 AND purpose = $2 AND code_hash = $3 AND expires_at > $4 AND wrong_attempts < $5
         RETURNING customer_id",
    )
    .bind(customer_id)
    .bind(purpose)
    .bind(code_hash)
    .bind(now)
    .bind(i64::from(attempts))
    .fetch_optional(db)
    .await?;
    Ok(taken.is_some())
}

/// Counts one wrong answer, never past `attempts` (the code is void from then on).
pub async fn count_wrong(db: impl AnyExecutor<'_>, customer_id: CustomerId, attempts: u32) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE enrolment_codes SET wrong_attempts = wrong_attempts + 1 WHERE customer_id = $1 AND wrong_attempts < $2",
    )
    .bind(customer_id)
    .bind(i64::from(attempts))
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes codes past their deadline.
pub async fn sweep(db: impl AnyExecutor<'_>, now: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM enrolment_codes WHERE expires_at <= $1").bind(now).execute(db).await?.rows_affected())
}
