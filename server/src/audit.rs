//! The append-only audit log: every security event, its actor, address and result.

use sqlx::SqliteExecutor;

/// One event to record. `customer_id` is `None` when the actor is not known (unknown ID).
#[derive(Debug)]
pub struct AuditEvent<'a> {
    pub customer_id: Option<i64>,
    pub event: &'a str,
    pub client_addr: Option<String>,
    pub result: &'a str,
    pub detail: Option<String>,
}

pub async fn record(db: impl SqliteExecutor<'_>, now: i64, event: AuditEvent<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (occurred_at, customer_id, event, client_addr, result, detail)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(now)
    .bind(event.customer_id)
    .bind(event.event)
    .bind(event.client_addr)
    .bind(event.result)
    .bind(event.detail)
    .execute(db)
    .await?;
    Ok(())
}
