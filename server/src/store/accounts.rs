//! `accounts`: a customer's 口座 and its running balance. The balance changes only through
//! `apply`, a conditional UPDATE that refuses to take it below zero, called by the ledger in
//! the transaction that writes the entry's lines.

use crate::ids::AccountId;
use crate::ids::CustomerId;
use crate::money::Yen;
use netbank_api::identity::AccountKind;
use sqlx::any::AnyExecutor;

/// An account as the customer's screens show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub kind: String,
    pub branch_code: String,
    pub number: String,
    pub balance: Yen,
    pub holder_kana: Option<String>,
    /// Reserved for 振込 the branch is checking (拘束中): part of the balance, not payable.
    pub held: Yen,
}

/// An account as the ledger and the transfer need it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountRecord {
    pub id: AccountId,
    pub customer_id: CustomerId,
    pub branch_code: String,
    pub number: String,
    pub kind: String,
    pub balance: Yen,
    pub held: Yen,
    /// 口座名義 (全角カナ), `None` for accounts opened before the ledger.
    pub holder_kana: Option<String>,
    /// The name a payer confirms: the カナ, or the customer's name where there is none.
    pub holder_name: String,
}

impl AccountRecord {
    pub fn kind(&self) -> AccountKind {
        AccountKind::from_db(&self.kind).unwrap_or(AccountKind::Ordinary)
    }

    /// `店番-口座番号`.
    pub fn key(&self) -> String {
        format!("{}-{}", self.branch_code, self.number)
    }
}

pub struct NewAccount<'a> {
    pub customer_id: CustomerId,
    pub branch_code: &'a str,
    pub number: &'a str,
    pub kind: AccountKind,
    pub holder_kana: Option<&'a str>,
}

/// Opens an account at a zero balance (money comes in as a ledger entry); a taken
/// 店番・口座番号 fails with the unique violation.
pub async fn insert_account(db: impl AnyExecutor<'_>, account: NewAccount<'_>) -> sqlx::Result<AccountId> {
    sqlx::query_scalar(
        "INSERT INTO accounts (customer_id, branch_code, number, kind, balance, holder_kana) VALUES ($1, $2, $3, $4, 0, $5) RETURNING id",
    )
    .bind(account.customer_id)
    .bind(account.branch_code)
    .bind(account.number)
    .bind(account.kind.as_str())
    .bind(account.holder_kana)
    .fetch_one(db)
    .await
}

/// Opens an account unless that 店番・口座番号 exists (the demo's idempotent seeding): its id
/// when it was opened now.
pub async fn insert_account_if_absent(
    db: impl AnyExecutor<'_>,
    account: NewAccount<'_>,
) -> sqlx::Result<Option<AccountId>> {
    sqlx::query_scalar(
        "INSERT INTO accounts (customer_id, branch_code, number, kind, balance, holder_kana) VALUES ($1, $2, $3, $4, 0, $5)
         ON CONFLICT (branch_code, number) DO NOTHING RETURNING id",
    )
    .bind(account.customer_id)
    .bind(account.branch_code)
    .bind(account.number)
    .bind(account.kind.as_str())
    .bind(account.holder_kana)
    .fetch_optional(db)
    .await
}

pub async fn accounts_of(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Vec<AccountRow>> {
    sqlx::query_as(
        "SELECT kind, branch_code, number, balance, holder_kana, held FROM accounts WHERE customer_id = $1 ORDER BY id",
    )
    .bind(customer_id)
    .fetch_all(db)
    .await
}

pub async fn customer_by_account(
    db: impl AnyExecutor<'_>,
    branch_code: &str,
    number: &str,
) -> sqlx::Result<Option<CustomerId>> {
    sqlx::query_scalar("SELECT customer_id FROM accounts WHERE branch_code = $1 AND number = $2")
        .bind(branch_code)
        .bind(number)
        .fetch_optional(db)
        .await
}

const RECORD: &str = "SELECT a.id, a.customer_id, a.branch_code, a.number, a.kind, a.balance, a.held, a.holder_kana,
    COALESCE(a.holder_kana, c.name) AS holder_name FROM accounts a JOIN customers c ON c.id = a.customer_id";

/// The account with this 店番 and 口座番号.
pub async fn find(db: impl AnyExecutor<'_>, branch_code: &str, number: &str) -> sqlx::Result<Option<AccountRecord>> {
    sqlx::query_as(&format!("{RECORD} WHERE a.branch_code = $1 AND a.number = $2"))
        .bind(branch_code)
        .bind(number)
        .fetch_optional(db)
        .await
}

/// The customer's accounts as the branch sees them, in account order.
pub async fn records_of(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Vec<AccountRecord>> {
    sqlx::query_as(&format!("{RECORD} WHERE a.customer_id = $1 ORDER BY a.id")).bind(customer_id).fetch_all(db).await
}

pub async fn by_id(db: impl AnyExecutor<'_>, id: AccountId) -> sqlx::Result<AccountRecord> {
    sqlx::query_as(&format!("{RECORD} WHERE a.id = $1")).bind(id).fetch_one(db).await
}

/// Adds `amount` (negative: takes it out) unless the balance would fall below what is held
/// (zero when nothing is); the balance after, or `None` when refused. The condition sits in
/// the statement, so parallel withdrawals cannot overdraw together.
pub async fn apply(db: impl AnyExecutor<'_>, account_id: AccountId, amount: Yen) -> sqlx::Result<Option<Yen>> {
    sqlx::query_scalar(
        "UPDATE accounts SET balance = balance + $1 WHERE id = $2 AND balance + $1 >= held RETURNING balance",
    )
    .bind(amount)
    .bind(account_id)
    .fetch_optional(db)
    .await
}

/// Reserves `amount` of what the account can pay (拘束) unless it has less; whether it did.
pub async fn hold(db: impl AnyExecutor<'_>, account_id: AccountId, amount: Yen) -> sqlx::Result<bool> {
    let held = sqlx::query("UPDATE accounts SET held = held + $1 WHERE id = $2 AND balance - held >= $1")
        .bind(amount)
        .bind(account_id)
        .execute(db)
        .await?;
    Ok(held.rows_affected() == 1)
}

/// Ends a reservation of `amount`; whether there was that much held.
pub async fn unhold(db: impl AnyExecutor<'_>, account_id: AccountId, amount: Yen) -> sqlx::Result<bool> {
    let freed = sqlx::query("UPDATE accounts SET held = held - $1 WHERE id = $2 AND held >= $1")
        .bind(amount)
        .bind(account_id)
        .execute(db)
        .await?;
    Ok(freed.rows_affected() == 1)
}

/// Every account's stored balance, for the trial balance.
/// How many accounts there are.
pub async fn count(db: impl AnyExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(db).await
}

/// Takes the account's row lock for the rest of the transaction (a no-op UPDATE: PostgreSQL
/// holds it until commit; SQLite's write transaction holds the whole database), so two
/// counter deposits checked against the day's total cannot both pass on the same reading.
pub async fn lock(db: impl AnyExecutor<'_>, account_id: AccountId) -> sqlx::Result<()> {
    sqlx::query("UPDATE accounts SET balance = balance WHERE id = $1").bind(account_id).execute(db).await?;
    Ok(())
}
