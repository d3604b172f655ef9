//! `transfer_holds`: 振込 waiting for the branch (出金停止). A hold is decided once: each
//! decision is an UPDATE conditional on `status = 'held'`, so two decisions cannot both apply.

use sqlx::any::AnyExecutor;

use crate::ids::{AccountId, CustomerId};
use crate::money::Yen;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldStatus {
    Held,
    Released,
    Rejected,
}

text_enum!(HoldStatus { Held = "held", Released = "released", Rejected = "rejected" });

pub struct NewHold<'a> {
    pub customer_id: CustomerId,
    pub idempotency_key: &'a str,
    pub from_account_id: AccountId,
    pub to_account_id: AccountId,
    pub amount: Yen,
    pub fee: Yen,
    pub requester_name: &'a str,
    pub payee_name: &'a str,
    pub rules: &'a str,
    pub day: i64,
}

/// Records a held 振込; its id. A key used before fails with the unique violation.
pub async fn insert(db: impl AnyExecutor<'_>, hold: NewHold<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO transfer_holds (customer_id, idempotency_key, from_account_id, to_account_id, amount, fee,
             requester_name, payee_name, rules, day, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'held', $11) RETURNING id",
    )
    .bind(hold.customer_id)
    .bind(hold.idempotency_key)
    .bind(hold.from_account_id)
    .bind(hold.to_account_id)
    .bind(hold.amount)
    .bind(hold.fee)
    .bind(hold.requester_name)
    .bind(hold.payee_name)
    .bind(hold.rules)
    .bind(hold.day)
    .bind(now)
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HoldRow {
    pub id: i64,
    pub customer_id: CustomerId,
    pub idempotency_key: String,
    pub from_account_id: AccountId,
    pub to_account_id: AccountId,
    pub amount: Yen,
    pub fee: Yen,
    pub requester_name: String,
    pub payee_name: String,
    pub rules: String,
    pub day: i64,
    pub status: HoldStatus,
    pub transfer_id: Option<i64>,
    pub decided_at: Option<i64>,
    pub decision_reason: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, customer_id, idempotency_key, from_account_id, to_account_id, amount, fee, requester_name,
    payee_name, rules, day, status, transfer_id, decided_at, decision_reason, created_at";

pub async fn by_id(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<Option<HoldRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM transfer_holds WHERE id = $1")).bind(id).fetch_optional(db).await
}

pub async fn find_by_key(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    key: &str,
) -> sqlx::Result<Option<HoldRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM transfer_holds WHERE customer_id = $1 AND idempotency_key = $2"))
        .bind(customer_id)
        .bind(key)
        .fetch_optional(db)
        .await
}

/// Every hold still waiting, oldest first (the branch's queue).
pub async fn waiting(db: impl AnyExecutor<'_>) -> sqlx::Result<Vec<HoldRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM transfer_holds WHERE status = 'held' ORDER BY id"))
        .fetch_all(db)
        .await
}

/// The customer's holds made since `since`, newest first (振込照会).
pub async fn of_customer(db: impl AnyExecutor<'_>, customer_id: CustomerId, since: i64) -> sqlx::Result<Vec<HoldRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM transfer_holds WHERE customer_id = $1 AND created_at >= $2 ORDER BY id DESC"
    ))
    .bind(customer_id)
    .bind(since)
    .fetch_all(db)
    .await
}

/// Takes the hold for deciding if it is still held; whether it was. The first statement of a
/// decision: on PostgreSQL it locks the row, so a racing decision waits here and then finds it
/// decided (SQLite's write transaction is alone anyway).
pub async fn claim(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    let claimed = sqlx::query("UPDATE transfer_holds SET decided_at = decided_at WHERE id = $1 AND status = 'held'")
        .bind(id)
        .execute(db)
        .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Marks the hold released as `transfer_id` if it is still held; whether it was.
pub async fn release(
    db: impl AnyExecutor<'_>,
    id: i64,
    transfer_id: i64,
    reason: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE transfer_holds SET status = 'released', transfer_id = $2, decided_at = $3, decision_reason = $4
         WHERE id = $1 AND status = 'held'",
    )
    .bind(id)
    .bind(transfer_id)
    .bind(now)
    .bind(reason)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks the hold rejected if it is still held; whether it was.
pub async fn reject(db: impl AnyExecutor<'_>, id: i64, reason: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE transfer_holds SET status = 'rejected', decided_at = $2, decision_reason = $3
         WHERE id = $1 AND status = 'held'",
    )
    .bind(id)
    .bind(now)
    .bind(reason)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
