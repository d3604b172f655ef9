//! `proposals`: what a 窓口 proposed from a customer's 依頼書 and what a 役席 decided. A
//! decision is one conditional UPDATE (still proposed, not expired, not the proposer's own),
//! so of any number of racing approvals one applies; the schema refuses a proposer deciding.

use sqlx::any::AnyExecutor;

use crate::ids::CustomerId;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProposalRow {
    pub id: i64,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub kind: String,
    pub action: String,
    pub form_number: String,
    pub form_date: String,
    pub identity_check: String,
    pub note: Option<String>,
    pub proposed_by: i64,
    pub proposer_name: String,
    pub proposed_at: i64,
    pub expires_at: i64,
    pub status: String,
    pub decided_by: Option<i64>,
    pub decider_name: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_reason: Option<String>,
}

const PROPOSAL: &str = "SELECT p.id, p.customer_id, c.name AS customer_name, p.kind, p.action, p.form_number,
        p.form_date, p.identity_check, p.note, p.proposed_by, s.name AS proposer_name, p.proposed_at,
        p.expires_at, p.status, p.decided_by, d.name AS decider_name, p.decided_at, p.decision_reason
    FROM proposals p
    JOIN customers c ON c.id = p.customer_id
    JOIN staff s ON s.id = p.proposed_by
    LEFT JOIN staff d ON d.id = p.decided_by";

pub struct NewProposal<'a> {
    pub customer_id: CustomerId,
    pub kind: &'a str,
    pub action: &'a str,
    pub form_number: &'a str,
    pub form_date: &'a str,
    pub identity_check: &'a str,
    pub note: Option<&'a str>,
    pub proposed_by: i64,
    pub expires_at: i64,
}

pub async fn insert(db: impl AnyExecutor<'_>, proposal: NewProposal<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO proposals (customer_id, kind, action, form_number, form_date, identity_check, note,
                                proposed_by, proposed_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(proposal.customer_id)
    .bind(proposal.kind)
    .bind(proposal.action)
    .bind(proposal.form_number)
    .bind(proposal.form_date)
    .bind(proposal.identity_check)
    .bind(proposal.note)
    .bind(proposal.proposed_by)
    .bind(now)
    .bind(proposal.expires_at)
    .fetch_one(db)
    .await
}

pub async fn by_id(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<Option<ProposalRow>> {
    sqlx::query_as(&format!("{PROPOSAL} WHERE p.id = $1")).bind(id).fetch_optional(db).await
}

/// The 役席's queue: every proposal still open and within its day, oldest first.
pub async fn open(db: impl AnyExecutor<'_>, now: i64) -> sqlx::Result<Vec<ProposalRow>> {
    sqlx::query_as(&format!("{PROPOSAL} WHERE p.status = 'proposed' AND p.expires_at > $1 ORDER BY p.id"))
        .bind(now)
        .fetch_all(db)
        .await
}

/// The customer's newest proposals, whatever their state.
pub async fn of_customer(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    limit: i64,
) -> sqlx::Result<Vec<ProposalRow>> {
    sqlx::query_as(&format!("{PROPOSAL} WHERE p.customer_id = $1 ORDER BY p.id DESC LIMIT $2"))
        .bind(customer_id)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// Decides the proposal for `decider`: applies only while it is open, within its day, and
/// not the decider's own.
pub async fn decide(
    db: impl AnyExecutor<'_>,
    id: i64,
    approve: bool,
    decider: i64,
    reason: Option<&str>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE proposals SET status = $1, decided_by = $2, decided_at = $3, decision_reason = $4
         WHERE id = $5 AND status = 'proposed' AND expires_at > $3 AND proposed_by <> $2",
    )
    .bind(if approve { "approved" } else { "rejected" })
    .bind(decider)
    .bind(now)
    .bind(reason)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
