//! The `otp_tokens` table: every statement on it. One row per customer; 未発行 is no row.

use sqlx::SqliteExecutor;

/// Whether the customer's token is in use or stopped: then the second factor is owed.
pub async fn in_use(db: impl SqliteExecutor<'_>, customer_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM otp_tokens WHERE customer_id = ? AND state IN ('active', 'suspended'))")
        .bind(customer_id)
        .fetch_one(db)
        .await
}
