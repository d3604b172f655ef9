//! The append-only audit log: every security event, its actor, address and result.

use sqlx::any::AnyExecutor;

use crate::store::audit_log;

/// One event to record. `customer_id` is `None` when the actor is not known (unknown ID).
#[derive(Debug)]
pub struct AuditEvent<'a> {
    pub customer_id: Option<i64>,
    pub event: &'a str,
    pub client_addr: Option<String>,
    pub result: &'a str,
    pub detail: Option<String>,
}

pub async fn record(db: impl AnyExecutor<'_>, now: i64, event: AuditEvent<'_>) -> sqlx::Result<()> {
    let entry = audit_log::NewEntry {
        customer_id: event.customer_id,
        event: event.event,
        client_addr: event.client_addr.as_deref(),
        result: event.result,
        detail: event.detail.as_deref(),
    };
    audit_log::append(db, now, entry).await
}
