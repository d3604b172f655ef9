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
        "INSERT INTO journal_lines (entry_id, account_id, amount, balance_after, description, occurred_at)
         VALUES ($1, $2, $3, $4, $5, (SELECT occurred_at FROM journal_entries WHERE id = $1))",
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
    sqlx::query(
        "INSERT INTO journal_lines (entry_id, house_account, amount, description, occurred_at)
         VALUES ($1, $2, $3, $4, (SELECT occurred_at FROM journal_entries WHERE id = $1))",
    )
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

/// Which lines of a period a statement page shows: the newest, those older than a line (次の
/// ページ) or those newer than one (前のページ), a line named by its time and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seek {
    Newest,
    Older(i64, i64),
    Newer(i64, i64),
}

const STATEMENT_NEWEST: &str = "SELECT id, occurred_at, description, amount, balance_after FROM journal_lines
     WHERE account_id = $1 AND occurred_at >= $2 AND occurred_at < $3
     ORDER BY occurred_at DESC, id DESC LIMIT $4";
// The cursor's time bounds the index range itself (the period's bound is narrowed to it),
// so the seek starts at the cursor; the row comparison then leaves out the lines of that same
// second already shown.
const STATEMENT_OLDER: &str = "SELECT id, occurred_at, description, amount, balance_after FROM journal_lines
     WHERE account_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND (occurred_at, id) < ($4, $5)
     ORDER BY occurred_at DESC, id DESC LIMIT $6";
const STATEMENT_NEWER: &str = "SELECT id, occurred_at, description, amount, balance_after FROM journal_lines
     WHERE account_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND (occurred_at, id) > ($4, $5)
     ORDER BY occurred_at, id LIMIT $6";

/// Up to `limit` of the account's lines in `[from, until)` (unix seconds) from `seek`, newest
/// first, each with its key (time, id): a seek on the account's time index and no more rows
/// than the page, however long the account's history (a line's time is its entry's; lines of
/// one time keep the order their balances were computed in).
pub async fn statement_page(
    db: impl AnyExecutor<'_>,
    account_id: AccountId,
    (from, until): (i64, i64),
    seek: Seek,
    limit: i64,
) -> sqlx::Result<Vec<((i64, i64), StatementLine)>> {
    let query =
        |sql, (from, until): (i64, i64)| sqlx::query_as::<_, NumberedLine>(sql).bind(account_id).bind(from).bind(until);
    let rows = match seek {
        Seek::Newest => query(STATEMENT_NEWEST, (from, until)).bind(limit).fetch_all(db).await?,
        Seek::Older(at, id) => {
            let range = (from, until.min(at.saturating_add(1)));
            query(STATEMENT_OLDER, range).bind(at).bind(id).bind(limit).fetch_all(db).await?
        }
        Seek::Newer(at, id) => {
            let range = (from.max(at), until);
            query(STATEMENT_NEWER, range).bind(at).bind(id).bind(limit).fetch_all(db).await?
        }
    };
    let mut lines: Vec<_> = rows.into_iter().map(|row| ((row.line.occurred_at, row.id), row.line)).collect();
    if matches!(seek, Seek::Newer(..)) {
        lines.reverse();
    }
    Ok(lines)
}

/// Up to `limit` of the account's lines in `[from, until)` after `after` (a line's time and
/// id), oldest first: a batch of the whole-period CSV, read by key on the time index, so each
/// costs the same however far in. The cursor's time narrows the period's bound, so the index
/// range starts at the cursor: the row comparison alone would have each batch step over every
/// line before it (the CSV of a large period cost 2× per line what a small one did).
pub async fn statement_after(
    db: impl AnyExecutor<'_>,
    account_id: AccountId,
    from: i64,
    until: i64,
    after: (i64, i64),
    limit: i64,
) -> sqlx::Result<Vec<((i64, i64), StatementLine)>> {
    let rows: Vec<NumberedLine> = sqlx::query_as(STATEMENT_AFTER)
        .bind(account_id)
        .bind(from.max(after.0))
        .bind(until)
        .bind(after.0)
        .bind(after.1)
        .bind(limit)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(|row| ((row.line.occurred_at, row.id), row.line)).collect())
}

const STATEMENT_AFTER: &str = "SELECT id, occurred_at, description, amount, balance_after FROM journal_lines
     WHERE account_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND (occurred_at, id) > ($4, $5)
     ORDER BY occurred_at, id LIMIT $6";

#[derive(sqlx::FromRow)]
struct NumberedLine {
    id: i64,
    #[sqlx(flatten)]
    line: StatementLine,
}

/// The account's lines in `[from, until)`, counted up to `cap`: the cost of `cap` index
/// entries at most, whatever the period holds.
pub async fn count_statement(
    db: impl AnyExecutor<'_>,
    account_id: AccountId,
    (from, until): (i64, i64),
    cap: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(STATEMENT_COUNT).bind(account_id).bind(from).bind(until).bind(cap).fetch_one(db).await
}

const STATEMENT_COUNT: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM journal_lines
     WHERE account_id = $1 AND occurred_at >= $2 AND occurred_at < $3 LIMIT $4) capped";

/// An account whose stored balance is not the sum of its lines.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Mismatch {
    pub branch_code: String,
    pub number: String,
    pub balance: i64,
    pub lines: i64,
}

/// Up to `limit` accounts whose balance differs from their lines, each summed on the
/// account's line index while the accounts are read: nothing held per account.
pub async fn mismatched_balances(db: impl AnyExecutor<'_>, limit: i64) -> sqlx::Result<Vec<Mismatch>> {
    sqlx::query_as(
        "SELECT branch_code, number, balance, lines FROM (
             SELECT a.branch_code, a.number, a.balance,
                 CAST(COALESCE((SELECT SUM(l.amount) FROM journal_lines l WHERE l.account_id = a.id), 0) AS BIGINT) AS lines
             FROM accounts a) checked
         WHERE balance <> lines ORDER BY branch_code, number LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Every customer account's lines summed.
pub async fn account_lines_total(db: impl AnyExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM journal_lines WHERE account_id IS NOT NULL",
    )
    .fetch_one(db)
    .await
}

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

/// Lines whose time is not their entry's (statements find lines by their own time).
pub async fn misdated_lines(db: impl AnyExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
         WHERE l.occurred_at IS NULL OR l.occurred_at <> e.occurred_at",
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A statement page (or a batch of the CSV) is a range of the account's time index, read
    /// in its order: no scan of the account's history, no join, no sort, and no lookup in the
    /// table (the index holds what a statement shows).
    #[tokio::test]
    async fn a_statement_page_and_its_count_seek_the_accounts_time_index() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::open(&dir.path().join("plan.sqlite3")).await.unwrap();
        for sql in [STATEMENT_NEWEST, STATEMENT_OLDER, STATEMENT_NEWER, STATEMENT_AFTER] {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let query = sqlx::query_as(&explain).bind(1_i64).bind(0_i64).bind(1_i64);
            let query = match sql == STATEMENT_NEWEST {
                true => query.bind(21_i64),
                false => query.bind(0_i64).bind(0_i64).bind(21_i64),
            };
            let plan: Vec<(i64, i64, i64, String)> = query.fetch_all(&db).await.unwrap();
            let steps: Vec<&str> = plan.iter().map(|(.., detail)| detail.as_str()).collect();
            assert_eq!(steps.len(), 1, "{sql}: {steps:?}");
            assert!(
                steps[0].starts_with("SEARCH journal_lines USING COVERING INDEX journal_lines_statement"),
                "{steps:?}"
            );
        }
        let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {STATEMENT_COUNT}"))
            .bind(1_i64)
            .bind(0_i64)
            .bind(1_i64)
            .bind(1000_i64)
            .fetch_all(&db)
            .await
            .unwrap();
        let steps: Vec<&str> = plan.iter().map(|(.., detail)| detail.as_str()).collect();
        assert!(steps.iter().any(|s| s.contains("USING COVERING INDEX journal_lines_statement")), "{steps:?}");
        assert!(!steps.iter().any(|s| s.starts_with("SCAN journal_lines")), "{steps:?}");
    }
}
