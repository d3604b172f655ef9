//! The `audit_log` table: append-only (triggers refuse UPDATE and DELETE).

use crate::ids::CustomerId;
use sqlx::any::AnyExecutor;

pub struct NewEntry<'a> {
    pub customer_id: Option<CustomerId>,
    pub event: &'a str,
    pub client_addr: Option<&'a str>,
    pub result: &'a str,
    pub detail: Option<&'a str>,
    pub staff_id: Option<i64>,
    pub staff_role: Option<&'a str>,
    pub proposal_id: Option<i64>,
}

pub async fn append(db: impl AnyExecutor<'_>, now: i64, entry: NewEntry<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (occurred_at, customer_id, event, client_addr, result, detail, staff_id, staff_role, proposal_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now)
    .bind(entry.customer_id)
    .bind(entry.event)
    .bind(entry.client_addr)
    .bind(entry.result)
    .bind(entry.detail)
    .bind(entry.staff_id)
    .bind(entry.staff_role)
    .bind(entry.proposal_id)
    .execute(db)
    .await?;
    Ok(())
}

/// One stored line, with the acting staff member's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: i64,
    pub customer_id: Option<CustomerId>,
    pub event: String,
    pub client_addr: Option<String>,
    pub result: String,
    pub detail: Option<String>,
    pub staff_name: Option<String>,
    pub staff_role: Option<String>,
    pub proposal_id: Option<i64>,
}

/// What the audit search filters by; each given field narrows it.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter<'a> {
    pub customer_id: Option<CustomerId>,
    pub event: Option<&'a str>,
    pub staff_id: Option<i64>,
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub client_addr: Option<&'a str>,
    /// Lines older than this id (the next page).
    pub before: Option<i64>,
}

/// Newest first, at most `limit` lines. Each filter is `$n IS NULL OR …` (cast, so PostgreSQL
/// knows a NULL's type), so one statement serves every combination and every value is bound.
pub async fn search(db: impl AnyExecutor<'_>, filter: &AuditFilter<'_>, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as(
        "SELECT a.id, a.occurred_at, a.customer_id, a.event, a.client_addr, a.result, a.detail,
                s.name AS staff_name, a.staff_role, a.proposal_id
         FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE (CAST($1 AS BIGINT) IS NULL OR a.customer_id = $1)
           AND (CAST($2 AS TEXT) IS NULL OR a.event = $2)
           AND (CAST($3 AS BIGINT) IS NULL OR a.staff_id = $3)
           AND (CAST($4 AS BIGINT) IS NULL OR a.occurred_at >= $4)
           AND (CAST($5 AS BIGINT) IS NULL OR a.occurred_at < $5)
           AND (CAST($6 AS TEXT) IS NULL OR a.client_addr = $6)
           AND (CAST($7 AS BIGINT) IS NULL OR a.id < $7)
         ORDER BY a.id DESC LIMIT $8",
    )
    .bind(filter.customer_id)
    .bind(filter.event)
    .bind(filter.staff_id)
    .bind(filter.from)
    .bind(filter.until)
    .bind(filter.client_addr)
    .bind(filter.before)
    .bind(limit)
    .fetch_all(db)
    .await
}
