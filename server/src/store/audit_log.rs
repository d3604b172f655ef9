//! The `audit_log` table: append-only (triggers refuse UPDATE and DELETE).

use crate::ids::CustomerId;
use sqlx::any::AnyExecutor;

pub struct NewEntry<'a> {
    pub customer_id: Option<CustomerId>,
    pub event: &'a str,
    pub client_addr: Option<&'a str>,
    pub result: &'a str,
    pub detail: Option<&'a str>,
}

pub async fn append(db: impl AnyExecutor<'_>, now: i64, entry: NewEntry<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (occurred_at, customer_id, event, client_addr, result, detail)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now)
    .bind(entry.customer_id)
    .bind(entry.event)
    .bind(entry.client_addr)
    .bind(entry.result)
    .bind(entry.detail)
    .execute(db)
    .await?;
    Ok(())
}
