//! `journal_entries` and `journal_lines`: the ledger. Rows are only ever inserted (triggers
//! refuse UPDATE and DELETE); an entry's lines sum to zero. Customer accounts' lines carry
//! the balance after them, which is what 入出金明細 shows.

use crate::ids::AccountId;
use crate::ids::CustomerId;
use crate::money::Yen;
use sqlx::any::AnyExecutor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// 繰越: a balance from before the ledger, or an account opened with money in it.
    Opening,
    /// 窓口入金 and other money in from outside.
    Deposit,
    /// Money out to cash (ATM).
    Withdrawal,
    /// 振込 to another customer.
    Transfer,
    /// 振替 between one customer's accounts.
    OwnTransfer,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Opening => "opening",
            Self::Deposit => "deposit",
            Self::Withdrawal => "withdrawal",
            Self::Transfer => "transfer",
            Self::OwnTransfer => "own_transfer",
        }
    }
}

/// The bank's own side of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseAccount {
    /// Cash at the counter and ATMs.
    Cash,
    /// 手数料収入.
    FeeIncome,
}

impl HouseAccount {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cash => "cash",
            Self::FeeIncome => "fee_income",
        }
    }
}

pub async fn insert_entry(
    db: impl AnyExecutor<'_>,
    kind: EntryKind,
    customer_id: Option<CustomerId>,
    at: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar("INSERT INTO journal_entries (kind, occurred_at, customer_id) VALUES ($1, $2, $3) RETURNING id")
        .bind(kind.as_str())
        .bind(at)
        .bind(customer_id)
        .fetch_one(db)
        .await
}

/// A line on a customer account, after `accounts::apply` gave its balance.
pub async fn insert_account_line(
    db: impl AnyExecutor<'_>,
    entry_id: i64,
    account_id: AccountId,
    amount: Yen,
    balance_after: Yen,
    description: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO journal_lines (entry_id, account_id, amount, balance_after, description) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(entry_id)
    .bind(account_id)
    .bind(amount)
    .bind(balance_after)
    .bind(description)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn insert_house_line(
    db: impl AnyExecutor<'_>,
    entry_id: i64,
    house: HouseAccount,
    amount: Yen,
    description: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO journal_lines (entry_id, house_account, amount, description) VALUES ($1, $2, $3, $4)")
        .bind(entry_id)
        .bind(house.as_str())
        .bind(amount)
        .bind(description)
        .execute(db)
        .await?;
    Ok(())
}

/// One line of 入出金明細.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatementLine {
    pub occurred_at: i64,
    pub description: String,
    pub amount: Yen,
    pub balance_after: Yen,
}

/// The account's lines in `[from, until)` (unix seconds), newest first. Lines are numbered in
/// the order their balances were computed, so that order is the balance's.
pub async fn statement(
    db: impl AnyExecutor<'_>,
    account_id: AccountId,
    from: i64,
    until: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<StatementLine>> {
    sqlx::query_as(
        "SELECT e.occurred_at, l.description, l.amount, l.balance_after
         FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
         WHERE l.account_id = $1 AND e.occurred_at >= $2 AND e.occurred_at < $3
         ORDER BY l.id DESC LIMIT $4 OFFSET $5",
    )
    .bind(account_id)
    .bind(from)
    .bind(until)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// Up to `limit` of the account's lines in `[from, until)` after line `after`, oldest first:
/// a batch of the whole-period CSV, read by key, so each costs the same however far in.
pub async fn statement_after(
    db: impl AnyExecutor<'_>,
    account_id: AccountId,
    from: i64,
    until: i64,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, StatementLine)>> {
    let rows: Vec<NumberedLine> = sqlx::query_as(
        "SELECT l.id, e.occurred_at, l.description, l.amount, l.balance_after
         FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
         WHERE l.account_id = $1 AND e.occurred_at >= $2 AND e.occurred_at < $3 AND l.id > $4
         ORDER BY l.id LIMIT $5",
    )
    .bind(account_id)
    .bind(from)
    .bind(until)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|row| (row.id, row.line)).collect())
}

#[derive(sqlx::FromRow)]
struct NumberedLine {
    id: i64,
    #[sqlx(flatten)]
    line: StatementLine,
}

pub async fn count_statement(
    db: impl AnyExecutor<'_>,
    account_id: AccountId,
    from: i64,
    until: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
         WHERE l.account_id = $1 AND e.occurred_at >= $2 AND e.occurred_at < $3",
    )
    .bind(account_id)
    .bind(from)
    .bind(until)
    .fetch_one(db)
    .await
}

/// The sum of each customer account's lines, by account id.
pub async fn account_sums(db: impl AnyExecutor<'_>) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as("SELECT account_id, CAST(SUM(amount) AS BIGINT) FROM journal_lines WHERE account_id IS NOT NULL GROUP BY account_id ORDER BY account_id")
        .fetch_all(db)
        .await
}

/// The sum of each house account's lines.
pub async fn house_sums(db: impl AnyExecutor<'_>) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as("SELECT house_account, CAST(SUM(amount) AS BIGINT) FROM journal_lines WHERE house_account IS NOT NULL GROUP BY house_account ORDER BY house_account")
        .fetch_all(db)
        .await
}

/// Entries whose lines do not sum to zero, or that have no lines.
pub async fn unbalanced_entries(db: impl AnyExecutor<'_>) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT e.id, CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id
         GROUP BY e.id HAVING COALESCE(SUM(l.amount), 0) <> 0 OR COUNT(l.id) = 0 ORDER BY e.id",
    )
    .fetch_all(db)
    .await
}

/// Lines whose recorded balance is not the previous line's plus its amount (a running
/// balance broken by a write that bypassed the ledger).
pub async fn broken_running_balances(db: impl AnyExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM journal_lines l
         WHERE l.account_id IS NOT NULL AND l.balance_after <> l.amount + COALESCE(
            (SELECT p.balance_after FROM journal_lines p WHERE p.account_id = l.account_id AND p.id < l.id ORDER BY p.id DESC LIMIT 1), 0)",
    )
    .fetch_one(db)
    .await
}

/// What was paid into the account at the counter (`deposit` entries) since `since`: the
/// day's total that one person may take alone.
pub async fn deposits_since(db: impl AnyExecutor<'_>, account_id: AccountId, since: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) FROM journal_lines l
         JOIN journal_entries e ON e.id = l.entry_id
         WHERE l.account_id = $1 AND e.kind = 'deposit' AND e.occurred_at >= $2",
    )
    .bind(account_id)
    .bind(since)
    .fetch_one(db)
    .await
}
