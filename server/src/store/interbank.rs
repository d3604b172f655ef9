//! `interbank_transfers` (each 他行振込 under its idempotency key: accepted, then sent in one
//! business day's 全銀 file, or cancelled by the customer before that, or returned 不能 by the
//! receiving bank), `zengin_exports` (each file) and `zengin_house` (the bank's clearing and
//! settlement accounts). Every change of state is an UPDATE conditional on the state it
//! leaves, so two requests or two operators cannot both apply it.

use sqlx::any::AnyExecutor;
use sqlx::{Any, Transaction};

use crate::ids::{AccountId, CustomerId};
use crate::money::Yen;

pub struct NewInterbank<'a> {
    pub customer_id: CustomerId,
    pub idempotency_key: &'a str,
    /// `None`: a 振込予約, whose money moves on its day.
    pub entry_id: Option<i64>,
    pub from_account_id: AccountId,
    pub bank: (&'a str, &'a str, &'a str),
    pub branch: (&'a str, &'a str, &'a str),
    pub account_kind: &'a str,
    pub account_number: &'a str,
    pub payee_name: &'a str,
    pub amount: Yen,
    pub fee: Yen,
    pub requester_name: &'a str,
    pub execution_day: i64,
    /// The fraud rules that caught it (`risk::names`): it waits for the branch's review.
    pub review_rules: Option<&'a str>,
}

/// Records the instruction, accepted (debited in the same transaction) or, without an entry,
/// booked; a second one under the same key fails with the unique violation.
pub async fn insert(db: impl AnyExecutor<'_>, new: NewInterbank<'_>, now: i64) -> sqlx::Result<i64> {
    let booked = new.entry_id.is_none();
    sqlx::query_scalar(
        "INSERT INTO interbank_transfers (customer_id, idempotency_key, entry_id, from_account_id, bank_code, bank_name,
             bank_kana, branch_code, branch_name, branch_kana, account_kind, account_number, payee_name, amount, fee,
             requester_name, execution_day, status, created_at, booked, review_rules, review_status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
         RETURNING id",
    )
    .bind(new.customer_id)
    .bind(new.idempotency_key)
    .bind(new.entry_id)
    .bind(new.from_account_id)
    .bind(new.bank.0)
    .bind(new.bank.1)
    .bind(new.bank.2)
    .bind(new.branch.0)
    .bind(new.branch.1)
    .bind(new.branch.2)
    .bind(new.account_kind)
    .bind(new.account_number)
    .bind(new.payee_name)
    .bind(new.amount)
    .bind(new.fee)
    .bind(new.requester_name)
    .bind(new.execution_day)
    .bind(if booked { "booked" } else { "accepted" })
    .bind(now)
    .bind(i64::from(booked))
    .bind(new.review_rules)
    .bind(new.review_rules.map(|_| "held"))
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InterbankRow {
    pub id: i64,
    pub customer_id: CustomerId,
    pub from_account_id: AccountId,
    pub from_branch_code: String,
    pub from_number: String,
    pub bank_code: String,
    pub bank_name: String,
    pub bank_kana: String,
    pub branch_code: String,
    pub branch_name: String,
    pub branch_kana: String,
    pub account_kind: String,
    pub account_number: String,
    pub payee_name: String,
    pub amount: Yen,
    pub fee: Yen,
    pub requester_name: String,
    pub execution_day: i64,
    pub status: String,
    pub export_id: Option<i64>,
    pub return_reason: Option<String>,
    pub created_at: i64,
    pub booked: i64,
    pub review_rules: Option<String>,
    /// `held` while it waits for the branch, then `released` or `rejected`.
    pub review_status: Option<String>,
}

impl InterbankRow {
    /// Waiting for the branch's review (and not cancelled, sent or returned meanwhile).
    pub fn in_review(&self) -> bool {
        self.review_status.as_deref() == Some("held") && matches!(self.status.as_str(), "accepted" | "booked")
    }
}

const SELECT: &str = "SELECT t.id, t.customer_id, t.from_account_id, a.branch_code AS from_branch_code,
        a.number AS from_number, t.bank_code, t.bank_name, t.bank_kana, t.branch_code, t.branch_name, t.branch_kana,
        t.account_kind, t.account_number, t.payee_name, t.amount, t.fee, t.requester_name, t.execution_day, t.status,
        t.export_id, t.return_reason, t.created_at, t.booked, t.review_rules, t.review_status
    FROM interbank_transfers t JOIN accounts a ON a.id = t.from_account_id";

pub async fn find_by_key(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    key: &str,
) -> sqlx::Result<Option<InterbankRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE t.customer_id = $1 AND t.idempotency_key = $2"))
        .bind(customer_id)
        .bind(key)
        .fetch_optional(db)
        .await
}

pub async fn by_id(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<Option<InterbankRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE t.id = $1")).bind(id).fetch_optional(db).await
}

/// The customer's 他行振込 accepted since `since`, newest first.
pub async fn of_customer(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    since: i64,
) -> sqlx::Result<Vec<InterbankRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE t.customer_id = $1 AND t.created_at >= $2 ORDER BY t.id DESC"))
        .bind(customer_id)
        .bind(since)
        .fetch_all(db)
        .await
}

/// accepted → cancelled, with the entry that gave the money back: false when it was not
/// accepted any more (sent, or cancelled by a parallel request).
pub async fn cancel(db: impl AnyExecutor<'_>, id: i64, closing_entry: i64, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE interbank_transfers SET status = 'cancelled', closing_entry = $2, closed_at = $3
         WHERE id = $1 AND status = 'accepted'",
    )
    .bind(id)
    .bind(closing_entry)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When the instruction was debited (its entry's time): the day its 振込 was reserved.
pub async fn debited_at(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT e.occurred_at FROM interbank_transfers t JOIN journal_entries e ON e.id = t.entry_id WHERE t.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// booked → cancelled, while its day has not come (`today` < its day): nothing moved, nothing
/// to give back. False when it was not booked any more, or its day has come.
pub async fn cancel_booking(db: impl AnyExecutor<'_>, id: i64, today: i64, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE interbank_transfers SET status = 'cancelled', closed_at = $3
         WHERE id = $1 AND status = 'booked' AND execution_day > $2",
    )
    .bind(id)
    .bind(today)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The next booked instruction after `after` whose day has come. On PostgreSQL the row is
/// locked and rows another instance holds are skipped (`SKIP LOCKED`), in `tx`.
pub async fn next_due_booking(tx: &mut Transaction<'_, Any>, today: i64, after: i64) -> sqlx::Result<Option<i64>> {
    let skip = crate::db::Engine::skip_locked(tx);
    sqlx::query_scalar(&format!(
        "SELECT id FROM interbank_transfers WHERE status = 'booked' AND execution_day <= $1 AND id > $2
         ORDER BY id LIMIT 1{skip}"
    ))
    .bind(today)
    .bind(after)
    .fetch_optional(&mut **tx)
    .await
}

/// booked → accepted, with the entry that debited it: false when another run did it first.
pub async fn execute_booking(db: impl AnyExecutor<'_>, id: i64, entry: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE interbank_transfers SET status = 'accepted', entry_id = $2 WHERE id = $1 AND status = 'booked'",
    )
    .bind(id)
    .bind(entry)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// booked → refused, with why.
pub async fn refuse_booking(db: impl AnyExecutor<'_>, id: i64, reason: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE interbank_transfers SET status = 'refused', return_reason = $2, closed_at = $3
         WHERE id = $1 AND status = 'booked'",
    )
    .bind(id)
    .bind(reason)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every instruction waiting for the branch's review, oldest first (the branch's queue).
pub async fn in_review(db: impl AnyExecutor<'_>) -> sqlx::Result<Vec<InterbankRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE t.review_status = 'held' AND t.status IN ('accepted', 'booked') ORDER BY t.id"
    ))
    .fetch_all(db)
    .await
}

/// held → `decision` (`released` or `rejected`) with why: false when it was decided already
/// or is no longer waiting (cancelled, refused).
pub async fn decide_review(
    db: impl AnyExecutor<'_>,
    id: i64,
    decision: &str,
    reason: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE interbank_transfers SET review_status = $2, review_reason = $3, reviewed_at = $4
         WHERE id = $1 AND review_status = 'held' AND status IN ('accepted', 'booked')",
    )
    .bind(id)
    .bind(decision)
    .bind(reason)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

// --- scheduler_leases ---

/// Takes or renews the lease `name` for `holder` until `until`: true when this holder has it.
pub async fn take_lease(
    db: impl AnyExecutor<'_>,
    name: &str,
    holder: &str,
    now: i64,
    until: i64,
) -> sqlx::Result<bool> {
    let taken = sqlx::query(
        "INSERT INTO scheduler_leases (name, holder, until) VALUES ($1, $2, $4)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
         WHERE scheduler_leases.holder = excluded.holder OR scheduler_leases.until < $3",
    )
    .bind(name)
    .bind(holder)
    .bind(now)
    .bind(until)
    .execute(db)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// sent → returned (不能), with the entry that gave the amount back.
pub async fn mark_returned(
    db: impl AnyExecutor<'_>,
    id: i64,
    closing_entry: i64,
    reason: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE interbank_transfers SET status = 'returned', closing_entry = $2, return_reason = $3, closed_at = $4
         WHERE id = $1 AND status = 'sent'",
    )
    .bind(id)
    .bind(closing_entry)
    .bind(reason)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

// --- zengin_exports ---

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExportRow {
    pub id: i64,
    pub business_day: i64,
    pub record_count: i64,
    pub total: Yen,
    pub written_at: Option<i64>,
}

/// The oldest batch whose file was not written yet (a run that stopped between claiming and
/// writing, or one writing now).
pub async fn unwritten_export(db: impl AnyExecutor<'_>) -> sqlx::Result<Option<ExportRow>> {
    sqlx::query_as(
        "SELECT id, business_day, record_count, total, written_at FROM zengin_exports
         WHERE written_at IS NULL ORDER BY id LIMIT 1",
    )
    .fetch_optional(db)
    .await
}

/// Whether the batch's file was written (and the batch settled).
pub async fn export_written(db: impl AnyExecutor<'_>, export_id: i64) -> sqlx::Result<bool> {
    let written: Option<i64> = sqlx::query_scalar("SELECT written_at FROM zengin_exports WHERE id = $1")
        .bind(export_id)
        .fetch_optional(db)
        .await?
        .flatten();
    Ok(written.is_some())
}

/// Which accepted instructions a day's file may take: due by `$N`, not waiting for the
/// branch's review, and not a frozen (凍結) customer's — those wait in the clearing account.
const SENDABLE: &str = "status = 'accepted' AND (review_status IS NULL OR review_status = 'released')
    AND customer_id NOT IN (SELECT id FROM customers WHERE frozen_at IS NOT NULL) AND execution_day <=";

/// Claims every sendable instruction due by `business_day` into a new batch (accepted →
/// sent), in `tx`: the batch's id, or `None` when there was none to claim.
pub async fn claim_export(tx: &mut Transaction<'_, Any>, business_day: i64, now: i64) -> sqlx::Result<Option<i64>> {
    let (count, total): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM interbank_transfers WHERE {SENDABLE} $1"
    ))
    .bind(business_day)
    .fetch_one(&mut **tx)
    .await?;
    if count == 0 {
        return Ok(None);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO zengin_exports (business_day, record_count, total, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(business_day)
    .bind(count)
    .bind(total)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let claimed =
        sqlx::query(&format!("UPDATE interbank_transfers SET status = 'sent', export_id = $1 WHERE {SENDABLE} $2"))
            .bind(id)
            .bind(business_day)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    if i64::try_from(claimed).unwrap_or(-1) != count {
        return Err(sqlx::Error::Protocol(format!("claimed {claimed} of {count} instructions")));
    }
    Ok(Some(id))
}

/// The batch's instructions, in the order of the file.
pub async fn batch(db: impl AnyExecutor<'_>, export_id: i64) -> sqlx::Result<Vec<InterbankRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE t.export_id = $1 ORDER BY t.id")).bind(export_id).fetch_all(db).await
}

/// Marks the batch written, with the entry that settled it: false when another run did.
pub async fn mark_written(db: impl AnyExecutor<'_>, export_id: i64, entry: i64, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE zengin_exports SET settled_entry = $2, written_at = $3 WHERE id = $1 AND written_at IS NULL",
    )
    .bind(export_id)
    .bind(entry)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What the clearing account must hold: instructions accepted, or claimed into a batch whose
/// file was not written yet.
pub async fn unsettled_total(db: impl AnyExecutor<'_>) -> sqlx::Result<Yen> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(t.amount), 0) AS BIGINT) FROM interbank_transfers t
         LEFT JOIN zengin_exports e ON e.id = t.export_id
         WHERE t.status = 'accepted' OR (t.status = 'sent' AND e.written_at IS NULL)",
    )
    .fetch_one(db)
    .await
}

// --- zengin_house ---

/// The bank's own account for `role` (`clearing` or `settlement`), if opened.
pub async fn house_account(db: impl AnyExecutor<'_>, role: &str) -> sqlx::Result<Option<AccountId>> {
    sqlx::query_scalar("SELECT account_id FROM zengin_house WHERE role = $1").bind(role).fetch_optional(db).await
}

/// Whether the account is one of the bank's own for outgoing 為替 (no 振込 or deposit goes there).
pub async fn is_house_account(db: impl AnyExecutor<'_>, account: AccountId) -> sqlx::Result<bool> {
    let found: Option<String> = sqlx::query_scalar("SELECT role FROM zengin_house WHERE account_id = $1")
        .bind(account)
        .fetch_optional(db)
        .await?;
    Ok(found.is_some())
}

pub async fn insert_house_account(db: impl AnyExecutor<'_>, role: &str, account: AccountId) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO zengin_house (role, account_id) VALUES ($1, $2)")
        .bind(role)
        .bind(account)
        .execute(db)
        .await
        .map(|_| ())
}

/// Whether the customer sent a 他行振込 (not cancelled or refused) to this account (bank, branch, 科目,
/// number) before `before`.
pub async fn paid_before(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    (bank, branch, kind, number): (&str, &str, &str, &str),
    before: i64,
) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM interbank_transfers WHERE customer_id = $1 AND bank_code = $2 AND branch_code = $3
             AND account_kind = $4 AND account_number = $5 AND status NOT IN ('cancelled', 'refused') AND created_at < $6
         LIMIT 1",
    )
    .bind(customer_id)
    .bind(bank)
    .bind(branch)
    .bind(kind)
    .bind(number)
    .bind(before)
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}

/// 他行振込 since `since` (fees included, cancelled ones not) to accounts not paid before it.
pub async fn new_payee_total_since(db: impl AnyExecutor<'_>, customer_id: CustomerId, since: i64) -> sqlx::Result<Yen> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(t.amount + t.fee), 0) AS BIGINT) FROM interbank_transfers t
         WHERE t.customer_id = $1 AND t.status NOT IN ('cancelled', 'refused') AND t.created_at >= $2 AND NOT EXISTS (
             SELECT 1 FROM interbank_transfers p WHERE p.customer_id = $1 AND p.status NOT IN ('cancelled', 'refused')
                 AND p.bank_code = t.bank_code AND p.branch_code = t.branch_code AND p.account_kind = t.account_kind
                 AND p.account_number = t.account_number AND p.created_at < $2)",
    )
    .bind(customer_id)
    .bind(since)
    .fetch_one(db)
    .await
}
