//! `transfers` (each confirmed 振込・振替 under its idempotency key, append-only) and `payees`
//! (登録振込先). The day's 振込 against the limit are `day_totals`'.

use crate::ids::AccountId;
use crate::ids::CustomerId;
use crate::money::Yen;
use sqlx::any::AnyExecutor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferKind {
    Transfer,
    OwnTransfer,
}

impl TransferKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transfer => "transfer",
            Self::OwnTransfer => "own_transfer",
        }
    }
}

text_enum!(TransferKind { Transfer = "transfer", OwnTransfer = "own_transfer" });

impl From<netbank_api::banking::TransferKind> for TransferKind {
    fn from(kind: netbank_api::banking::TransferKind) -> Self {
        match kind {
            netbank_api::banking::TransferKind::Transfer => Self::Transfer,
            netbank_api::banking::TransferKind::OwnTransfer => Self::OwnTransfer,
        }
    }
}

impl From<TransferKind> for netbank_api::banking::TransferKind {
    fn from(kind: TransferKind) -> Self {
        match kind {
            TransferKind::Transfer => Self::Transfer,
            TransferKind::OwnTransfer => Self::OwnTransfer,
        }
    }
}

pub struct NewTransfer<'a> {
    pub customer_id: CustomerId,
    pub idempotency_key: &'a str,
    pub kind: TransferKind,
    pub entry_id: i64,
    pub from_account_id: AccountId,
    pub to_account_id: AccountId,
    pub amount: Yen,
    pub fee: Yen,
    pub requester_name: &'a str,
    pub payee_name: &'a str,
}

/// Records the transfer; a second one under the same key fails with the unique violation
/// (on PostgreSQL after the first commits), which leaves the transaction to be rolled back.
pub async fn insert(db: impl AnyExecutor<'_>, transfer: NewTransfer<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO transfers (customer_id, idempotency_key, kind, entry_id, from_account_id, to_account_id, amount, fee,
            requester_name, payee_name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(transfer.customer_id)
    .bind(transfer.idempotency_key)
    .bind(transfer.kind.as_str())
    .bind(transfer.entry_id)
    .bind(transfer.from_account_id)
    .bind(transfer.to_account_id)
    .bind(transfer.amount)
    .bind(transfer.fee)
    .bind(transfer.requester_name)
    .bind(transfer.payee_name)
    .bind(now)
    .fetch_one(db)
    .await
}

/// A recorded transfer with its accounts, as its receipt shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TransferRow {
    pub id: i64,
    pub idempotency_key: String,
    pub kind: TransferKind,
    pub from_account_id: AccountId,
    pub to_account_id: AccountId,
    pub amount: Yen,
    pub fee: Yen,
    pub requester_name: String,
    pub payee_name: String,
    pub created_at: i64,
}

pub async fn find_by_key(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    key: &str,
) -> sqlx::Result<Option<TransferRow>> {
    sqlx::query_as(
        "SELECT id, idempotency_key, kind, from_account_id, to_account_id, amount, fee, requester_name, payee_name, created_at
         FROM transfers WHERE customer_id = $1 AND idempotency_key = $2",
    )
    .bind(customer_id)
    .bind(key)
    .fetch_optional(db)
    .await
}

/// The customer's 振込 and 振替 made since `since`, newest first (振込照会).
pub async fn of_customer(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    since: i64,
) -> sqlx::Result<Vec<TransferRow>> {
    sqlx::query_as(
        "SELECT id, idempotency_key, kind, from_account_id, to_account_id, amount, fee, requester_name, payee_name, created_at
         FROM transfers WHERE customer_id = $1 AND created_at >= $2 ORDER BY id DESC",
    )
    .bind(customer_id)
    .bind(since)
    .fetch_all(db)
    .await
}

// --- payees ---

/// Keeps the account as the customer's 登録振込先 (once).
pub async fn save_payee(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    account_id: AccountId,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO payees (customer_id, account_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (customer_id, account_id) DO NOTHING")
        .bind(customer_id)
        .bind(account_id)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PayeeRow {
    pub id: i64,
    pub branch_code: String,
    pub kind: String,
    pub number: String,
    pub holder_name: String,
}

pub async fn payees_of(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Vec<PayeeRow>> {
    sqlx::query_as(
        "SELECT p.id, a.branch_code, a.kind, a.number, COALESCE(a.holder_kana, c.name) AS holder_name
         FROM payees p JOIN accounts a ON a.id = p.account_id JOIN customers c ON c.id = a.customer_id
         WHERE p.customer_id = $1 ORDER BY p.id",
    )
    .bind(customer_id)
    .fetch_all(db)
    .await
}

pub async fn is_payee(db: impl AnyExecutor<'_>, customer_id: CustomerId, account_id: AccountId) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM payees WHERE customer_id = $1 AND account_id = $2")
        .bind(customer_id)
        .bind(account_id)
        .fetch_optional(db)
        .await?;
    Ok(found.is_some())
}

/// Has the customer sent a 振込 to this account before?
pub async fn has_paid(db: impl AnyExecutor<'_>, customer_id: CustomerId, account_id: AccountId) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM transfers WHERE customer_id = $1 AND to_account_id = $2 AND kind = $3 LIMIT 1",
    )
    .bind(customer_id)
    .bind(account_id)
    .bind(TransferKind::Transfer.as_str())
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}

/// Whether the customer paid the account by 振込 before `before` (a payee first paid since
/// then is still new to the hold rules: one 円 first must not make it known).
pub async fn paid_before(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    account_id: AccountId,
    before: i64,
) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM transfers WHERE customer_id = $1 AND to_account_id = $2 AND kind = $3 AND created_at < $4 LIMIT 1",
    )
    .bind(customer_id)
    .bind(account_id)
    .bind(TransferKind::Transfer.as_str())
    .bind(before)
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}

/// What the customer has sent since `since` (amounts and fees) by 振込 to accounts they had
/// not paid before then: split into small 振込, or spread over several new payees, the total
/// still meets the hold rule's amount.
pub async fn new_payee_total_since(db: impl AnyExecutor<'_>, customer_id: CustomerId, since: i64) -> sqlx::Result<Yen> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(t.amount + t.fee), 0) AS BIGINT) FROM transfers t
         WHERE t.customer_id = $1 AND t.kind = $2 AND t.created_at >= $3 AND NOT EXISTS (
             SELECT 1 FROM transfers p WHERE p.customer_id = $1 AND p.kind = $2 AND p.to_account_id = t.to_account_id
                 AND p.created_at < $3)",
    )
    .bind(customer_id)
    .bind(TransferKind::Transfer.as_str())
    .bind(since)
    .fetch_one(db)
    .await
}

/// Deletes the customer's payee; whether there was one.
pub async fn delete_payee(db: impl AnyExecutor<'_>, customer_id: CustomerId, id: i64) -> sqlx::Result<bool> {
    let deleted = sqlx::query("DELETE FROM payees WHERE id = $1 AND customer_id = $2")
        .bind(id)
        .bind(customer_id)
        .execute(db)
        .await?;
    Ok(deleted.rows_affected() == 1)
}
